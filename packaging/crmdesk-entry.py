"""PyInstaller's entry point: the `crmdesk` command (GUI by default)."""

import sys

from crmdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
