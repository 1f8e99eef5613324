"""The one background-job mechanism: GUI-thread answers, one store thread, dead owners."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject, QThreadPool
from pytestqt.qtbot import QtBot

from crmdesk.service import AppService
from crmdesk.ui.tasks import TaskRunner, store_pool, wait_for_all
from tests.gui.conftest import WAIT_MS

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("pool", ["store", "network"])
def test_answers_arrive_on_the_gui_thread(qtbot: QtBot, pool: str) -> None:
    runner = TaskRunner(QThreadPool.globalInstance() if pool == "network" else None)
    seen: list[tuple[int, int]] = []
    for _ in range(20):
        runner.run(threading.get_ident, lambda worker: seen.append(
            (worker, threading.get_ident())))
    qtbot.waitUntil(lambda: len(seen) == 20, timeout=WAIT_MS)
    assert all(gui == threading.get_ident() != worker for worker, gui in seen)


def test_the_store_thread_keeps_one_store_for_the_gui(qtbot: QtBot,
                                                      service: AppService) -> None:
    """PySide's QThreadPool forgets threading.local between jobs: one store per call."""
    runner = TaskRunner()
    stores: list[int] = []
    for _ in range(5):
        runner.run(lambda: id(service.store), stores.append)
    qtbot.waitUntil(lambda: len(stores) == 5, timeout=WAIT_MS)
    assert len(set(stores)) == 1


def test_a_late_answer_to_a_deleted_owner_goes_nowhere(qtbot: QtBot) -> None:
    release = threading.Event()
    got: list[object] = []
    for pool in (None, QThreadPool.globalInstance()):
        owner = QObject()
        TaskRunner(pool, owner).run(lambda: release.wait(5), got.append)
        owner.deleteLater()
    qtbot.wait(50)                       # deleteLater ran: the owners are gone
    release.set()
    assert wait_for_all()
    qtbot.wait(200)                      # the answers arrive (and are dropped)
    assert got == []


def test_restart_gives_a_new_store_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    threads: list[threading.Thread] = []     # kept, so no id can be reused
    runner.run(threading.current_thread, threads.append)
    qtbot.waitUntil(lambda: len(threads) == 1, timeout=WAIT_MS)
    store_pool().restart()
    runner.run(threading.current_thread, threads.append)
    qtbot.waitUntil(lambda: len(threads) == 2, timeout=WAIT_MS)
    assert threads[0] is not threads[1]
