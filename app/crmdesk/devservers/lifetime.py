"""Server processes that never outlive the process that started them.

The demo and the test fixtures start trytond/Radicale/Xandikos as children;
if the parent is killed (SIGKILL, a closed terminal) they must go too, or
they hold their ports and files forever.
"""

from __future__ import annotations

import ctypes
import signal
import sys
from typing import Callable

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> Callable[[], None] | None:
    """A Popen `preexec_fn` that asks Linux to SIGTERM the child when we die."""
    if not sys.platform.startswith("linux"):
        return None

    def set_pdeathsig() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return set_pdeathsig
