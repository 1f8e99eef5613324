"""Run service calls off the GUI thread and get the answer back on it.

One mechanism for every background job (store reads, share-bar writes,
"Test connection", Synchronize): a callable runs on a pool, and its result
or exception comes back through a queued signal of one long-lived
dispatcher on the GUI thread, which hands it to the `TaskRunner` that
started the job.  The runner keeps the callbacks; if the widget that owns
it was destroyed first, the late answer goes nowhere instead of into a dead
widget.  (Connecting each job straight to a runner's slot is not safe: a
queued call to a runner deleted meanwhile can crash PySide.)
"""

from __future__ import annotations

import itertools
import threading
import weakref
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, Callable, Protocol

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

OnResult = Callable[[Any], None]
OnError = Callable[[BaseException], None]

_ids = itertools.count(1)
Answer = tuple[int, bool, object]          # (task id, ok, value or exception)


class _Dispatcher(QObject):
    """Lives on the GUI thread as long as the app; workers emit `done` on it.

    It hands each answer to the runner that started the job, if that runner
    (and so the widget owning it) still exists.
    """

    done = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.runners: dict[int, weakref.ref[TaskRunner]] = {}   # GUI thread only
        self.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver(self, answer: Answer) -> None:
        ref = self.runners.pop(answer[0], None)
        runner = ref() if ref is not None else None
        if runner is not None and shiboken6.isValid(runner):
            runner.deliver(answer)


_DISPATCHER: _Dispatcher | None = None


def _dispatcher() -> _Dispatcher:
    """Made by the first TaskRunner, i.e. on the GUI thread."""
    global _DISPATCHER
    if _DISPATCHER is None:
        _DISPATCHER = _Dispatcher()
    return _DISPATCHER


class Pool(Protocol):
    """What a TaskRunner needs of a pool (a QThreadPool or the StoreThread)."""

    def start(self, work: Callable[[], None]) -> None: ...

    def waitForDone(self, msecs: int = -1) -> bool: ...  # noqa: N802 - Qt's name


class StoreThread:
    """One long-lived Python thread for store work, in QThreadPool's shape.

    Not a QThreadPool: PySide gives each runnable of a QThreadPool a fresh
    Python thread state, so `threading.local` values vanish between jobs,
    and a service that keeps its SQLite connection in one would open (and
    keep) a new connection for every call.  A real Python thread keeps them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: set[Future[None]] = set()
        self._executor = self._new_executor()

    @staticmethod
    def _new_executor() -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="crmdesk-store")

    def start(self, work: Callable[[], None]) -> None:
        with self._lock:
            future = self._executor.submit(work)
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def waitForDone(self, msecs: int = -1) -> bool:  # noqa: N802 - Qt's name
        """True when every job started so far has finished within `msecs`."""
        with self._lock:
            pending = set(self._pending)
        _, left = wait(pending, timeout=None if msecs < 0 else msecs / 1000)
        return not left

    def restart(self) -> None:
        """Go on with a new thread, after the service closed its stores.

        The old thread's per-thread store is closed for good; a new thread
        makes the service open a fresh one at its next call.
        """
        with self._lock:
            old, self._executor = self._executor, self._new_executor()
        old.shutdown(wait=False)


_STORE_POOL: StoreThread | None = None


def store_pool() -> StoreThread:
    """One thread for store work: the GUI's store calls never race each other.

    The thread lives as long as the app, so a service that keeps one
    connection per thread opens exactly one for the GUI.
    """
    global _STORE_POOL
    if _STORE_POOL is None:
        _STORE_POOL = StoreThread()
    return _STORE_POOL


def network_pool() -> QThreadPool:
    """Connection tests may wait for a timeout: keep them off the store thread."""
    return QThreadPool.globalInstance()


class TaskRunner(QObject):
    """Starts callables on a pool and calls back on the GUI thread.

    A job started without `on_error` reports its exception through `failed`,
    which the owner connects once to `ui.errors.show_error`.
    """

    failed = Signal(object)

    def __init__(self, pool: Pool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool if pool is not None else store_pool()
        self._pending: dict[int, tuple[OnResult, OnError | None]] = {}
        self._dispatcher = _dispatcher()

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(self, job: Callable[[], Any], on_result: OnResult,
            on_error: OnError | None = None) -> int:
        """Run `job()` on the pool; `on_result`/`on_error` run on this thread."""
        task_id = next(_ids)
        self._pending[task_id] = (on_result, on_error)
        self._dispatcher.runners[task_id] = weakref.ref(self)
        done = self._dispatcher.done

        def work() -> None:
            try:
                value = job()
            except BaseException as exc:  # noqa: BLE001 - handed to on_error
                done.emit((task_id, False, exc))
            else:
                done.emit((task_id, True, value))

        self._pool.start(work)
        return task_id

    def forget(self) -> None:
        """Drop every pending callback (the owner no longer wants answers)."""
        self._pending.clear()

    def deliver(self, answer: Answer) -> None:
        """Call the job's callback (GUI thread; called by the dispatcher)."""
        task_id, ok, value = answer
        callbacks = self._pending.pop(task_id, None)
        if callbacks is None:
            return
        on_result, on_error = callbacks
        if ok:
            on_result(value)
        elif on_error is not None:
            on_error(value)  # type: ignore[arg-type]
        else:
            self.failed.emit(value)


def wait_for_all(timeout_ms: int = 10_000) -> bool:
    """Wait for both pools to drain (on quit, and between tests)."""
    done = network_pool().waitForDone(timeout_ms)
    if _STORE_POOL is not None:
        done = _STORE_POOL.waitForDone(timeout_ms) and done
    return done
