"""Run service calls off the GUI thread and get the answer back on it.

One mechanism for every background job (store reads, share-bar writes,
"Test connection", Synchronize): a callable runs on a QThreadPool, and its
result or exception comes back through a queued signal to a bound slot of a
`TaskRunner` that lives on the GUI thread.  The runner keeps the callbacks;
if the widget that owns it is destroyed first, Qt drops the connection and
the late answer goes nowhere instead of into a dead widget.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

OnResult = Callable[[Any], None]
OnError = Callable[[BaseException], None]

_ids = itertools.count(1)


class _Relay(QObject):
    """Created inside the worker thread, so it is also deleted there.

    The answer travels as one (task id, ok, value) tuple.
    """

    done = Signal(object)


_STORE_POOL: QThreadPool | None = None


def store_pool() -> QThreadPool:
    """One thread for store work: the GUI's store calls never race each other.

    The thread never expires, so a service that keeps one connection per
    thread opens exactly one for the GUI.
    """
    global _STORE_POOL
    if _STORE_POOL is None:
        _STORE_POOL = QThreadPool()
        _STORE_POOL.setMaxThreadCount(1)
        _STORE_POOL.setExpiryTimeout(-1)
        _STORE_POOL.setObjectName("crmdesk-store")
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

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool if pool is not None else store_pool()
        self._pending: dict[int, tuple[OnResult, OnError | None]] = {}

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(self, job: Callable[[], Any], on_result: OnResult,
            on_error: OnError | None = None) -> int:
        """Run `job()` on the pool; `on_result`/`on_error` run on this thread."""
        task_id = next(_ids)
        self._pending[task_id] = (on_result, on_error)
        deliver = self._deliver

        def work() -> None:
            relay = _Relay()
            relay.done.connect(deliver)
            try:
                value = job()
            except BaseException as exc:  # noqa: BLE001 - handed to on_error
                relay.done.emit((task_id, False, exc))
            else:
                relay.done.emit((task_id, True, value))

        self._pool.start(work)
        return task_id

    def forget(self) -> None:
        """Drop every pending callback (the owner no longer wants answers)."""
        self._pending.clear()

    @Slot(object)
    def _deliver(self, answer: tuple[int, bool, object]) -> None:
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
