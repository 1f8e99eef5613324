"""The Synchronize runner: `service.sync` (or `service.preview`) on a worker
thread, progress by polling.

The worker thread only calls the service; its progress callback stores the
latest Progress snapshot (one reference assignment, so it is thread-safe),
and a QTimer on the GUI thread reads it.  Cancel sets the CancelToken, which
the engine checks between steps.  The report, the previewed plan or the
exception comes back on the GUI thread as a signal.  A preview and a sync
share this runner so that they never run at the same time.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Callable

from PySide6.QtCore import (QT_TRANSLATE_NOOP, QCoreApplication, QObject, QThreadPool, QTimer,
                            Signal)

from crmdesk.errors import Cancelled
from crmdesk.sync.report import CancelToken, Progress, SyncReport
from crmdesk.ui.api import GuiService
from crmdesk.ui.tasks import TaskRunner

POLL_MS = 100

# The phases a sync reports: the runner's own two, then the engine's and the
# service's (English, from the Qt-free core); the GUI shows them translated.
STARTING = QT_TRANSLATE_NOOP("SyncPhase", "Starting")
CANCELLING = QT_TRANSLATE_NOOP("SyncPhase", "Cancelling")
CORE_PHASES = (
    QT_TRANSLATE_NOOP("SyncPhase", "Signing in to the CRM"),
    QT_TRANSLATE_NOOP("SyncPhase", "Finding the calendar"),
    QT_TRANSLATE_NOOP("SyncPhase", "Reading the calendar"),
    QT_TRANSLATE_NOOP("SyncPhase", "Reading the CRM"),
    QT_TRANSLATE_NOOP("SyncPhase", "Applying changes"),
)


def phase_text(phase: str) -> str:
    """A progress phase in the rep's language (an unlisted one shows as it is)."""
    return QCoreApplication.translate("SyncPhase", phase) if phase else ""


class Mode(StrEnum):
    """What the runner runs (or ran last)."""

    SYNC = "sync"
    PREVIEW = "preview"


class SyncRunner(QObject):
    """One Synchronize or Preview at a time; signals arrive on the GUI thread."""

    started = Signal()
    progressed = Signal(object)      # Progress
    finished = Signal(object)        # SyncReport (cancelled ones too)
    previewed = Signal(object)       # list[Action]; a cancelled preview sends nothing
    failed = Signal(object)          # the exception sync() or preview() raised

    def __init__(self, service: GuiService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._runner = TaskRunner(self._pool, self)
        self._token: CancelToken | None = None
        self._latest = Progress(phase=STARTING)
        self.mode = Mode.SYNC
        self.automatic = False           # the last job was started by the auto-sync timer
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def running(self) -> bool:
        return self._token is not None

    def latest(self) -> Progress:
        return self._latest

    def start(self, allow_mass_delete: bool = False, automatic: bool = False) -> bool:
        """Start a sync; False if a sync or preview is already running.

        `allow_mass_delete` is set only after the rep confirmed the list the
        mass-delete guard showed her.  `automatic` marks a sync nobody asked
        for just now (the interval timer): it reports without dialogs.
        """
        return self._launch(Mode.SYNC, lambda token: self._service.sync(
            self._store_progress, token, allow_mass_delete=allow_mass_delete), automatic)

    def preview(self) -> bool:
        """Plan the next sync without changing anything; False if busy."""
        return self._launch(Mode.PREVIEW,
                            lambda token: self._service.preview(self._store_progress, token))

    def _launch(self, mode: Mode, job: Callable[[CancelToken], Any],
                automatic: bool = False) -> bool:
        if self._token is not None:
            return False
        token = CancelToken()
        self._token = token
        self.mode = mode
        self.automatic = automatic
        self._latest = Progress(phase=STARTING)
        self._runner.run(lambda: job(token), self._on_result, self._on_error)
        self._timer.start()
        self.started.emit()
        self.progressed.emit(self._latest)
        return True

    def cancel(self) -> None:
        """Ask the running job to stop at its next step."""
        if self._token is not None:
            self._token.cancel()
            self._latest = Progress(phase=CANCELLING, done=self._latest.done,
                                    total=self._latest.total)
            self.progressed.emit(self._latest)

    def cancelling(self) -> bool:
        return self._token is not None and self._token.cancelled

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the worker thread is idle (used when the app quits)."""
        return self._pool.waitForDone(timeout_ms)

    def _store_progress(self, progress: Progress) -> None:
        # Runs on the worker thread: copy, so later in-place edits by the
        # engine can't tear what the GUI reads.
        if not (self._token is not None and self._token.cancelled):
            self._latest = Progress(progress.phase, progress.done, progress.total)

    def _poll(self) -> None:
        self.progressed.emit(self._latest)

    def _done(self) -> bool:
        """Stop polling; True when the job was cancelled meanwhile."""
        cancelled = self.cancelling()
        self._timer.stop()
        self._token = None
        return cancelled

    def _on_result(self, result: Any) -> None:
        cancelled = self._done()
        if self.mode is Mode.SYNC:
            self.finished.emit(result)
        elif cancelled:
            self.failed.emit(Cancelled())     # a plan cut short would mislead
        else:
            self.previewed.emit(list(result))

    def _on_error(self, exc: BaseException) -> None:
        self._done()
        if isinstance(exc, Cancelled) and self.mode is Mode.SYNC:
            self.finished.emit(SyncReport(cancelled=True))
        else:
            self.failed.emit(exc)
