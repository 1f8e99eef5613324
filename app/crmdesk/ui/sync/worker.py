"""The Synchronize runner: `service.sync` on a worker thread, progress by polling.

The worker thread only calls `service.sync(progress, cancel)`; its progress
callback stores the latest Progress snapshot (one reference assignment, so
it is thread-safe), and a QTimer on the GUI thread reads it.  Cancel sets
the CancelToken, which the engine checks between steps.  The report (or the
exception) comes back on the GUI thread as a signal.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from crmdesk.errors import Cancelled
from crmdesk.sync.report import CancelToken, Progress, SyncReport
from crmdesk.ui.api import GuiService
from crmdesk.ui.tasks import TaskRunner

POLL_MS = 100


class SyncRunner(QObject):
    """One Synchronize at a time; signals are delivered on the GUI thread."""

    started = Signal()
    progressed = Signal(object)      # Progress
    finished = Signal(object)        # SyncReport (cancelled ones too)
    failed = Signal(object)          # the exception sync() raised

    def __init__(self, service: GuiService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._runner = TaskRunner(self._pool, self)
        self._token: CancelToken | None = None
        self._latest = Progress(phase="Starting")
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def running(self) -> bool:
        return self._token is not None

    def latest(self) -> Progress:
        return self._latest

    def start(self) -> bool:
        """Start a sync; False if one is already running."""
        if self._token is not None:
            return False
        token = CancelToken()
        self._token = token
        self._latest = Progress(phase="Starting")
        self._runner.run(lambda: self._service.sync(self._store_progress, token),
                         self._on_report, self._on_error)
        self._timer.start()
        self.started.emit()
        self.progressed.emit(self._latest)
        return True

    def cancel(self) -> None:
        """Ask the running sync to stop at its next step."""
        if self._token is not None:
            self._token.cancel()
            self._latest = Progress(phase="Cancelling", done=self._latest.done,
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

    def _done(self) -> None:
        self._timer.stop()
        self._token = None

    def _on_report(self, report: SyncReport) -> None:
        self._done()
        self.finished.emit(report)

    def _on_error(self, exc: BaseException) -> None:
        self._done()
        if isinstance(exc, Cancelled):
            self.finished.emit(SyncReport(cancelled=True))
        else:
            self.failed.emit(exc)
