#!/usr/bin/env bash
# Install everything, then run the whole test suite (unit, integration
# against real Radicale/Xandikos/Tryton on 127.0.0.1, GUI offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export QT_QPA_PLATFORM=offscreen
# pytest exits 5 when it collects nothing: that is a failure here too.
exec .venv/bin/python -m pytest "$@"
