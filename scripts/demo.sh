#!/usr/bin/env bash
# Install everything, then start the demo: local Radicale + Tryton seeded
# with a sales rep's week, and the GUI connected to them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != offscreen ]; then
  echo "demo: no display found; running under xvfb-run (set DISPLAY to see the window)" >&2
  exec xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/crmdesk demo "$@"
fi
exec .venv/bin/crmdesk demo "$@"
