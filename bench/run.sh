#!/usr/bin/env bash
# crmdesk's benchmark suite (issue 7): bash bench/run.sh [--quick] [--sizes 500,2000]
#   [--write-results] [--no-vdirsyncer-copy] [--only picker] ...   (python -m bench.run --help)
# Uses $CRMDESK_VENV, else the active virtualenv, else .venv (made by
# scripts/bootstrap.sh when missing); installs vdirsyncer (the baseline) into it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${CRMDESK_VENV:-}" ]; then
  VENV="$CRMDESK_VENV"
elif [ -n "${VIRTUAL_ENV:-}" ]; then
  VENV="$VIRTUAL_ENV"
else
  VENV=.venv
  [ -x .venv/bin/python ] || bash scripts/bootstrap.sh
fi
PY="$VENV/bin/python"
[ -x "$PY" ] || { echo "bench: no python in $VENV" >&2; exit 2; }

# --only engine and/or picker need no servers and no baseline tool.
only="" prev=""
for arg in "$@"; do
  case "$prev:$arg" in --only:*) only="$arg" ;; *:--only=*) only="${arg#--only=}" ;; esac
  prev="$arg"
done
if [ -n "$only" ] && [ -z "$(echo "$only" | tr ',' '\n' | grep -vxE 'engine|picker')" ]; then
  "$PY" -c "import crmdesk" || { echo "bench: $VENV lacks crmdesk" >&2; exit 2; }
  export QT_QPA_PLATFORM=offscreen
  exec "$PY" -m bench.run "$@"
fi
if ! "$PY" -c "import crmdesk, trytond, radicale" 2>/dev/null; then
  echo "bench: $VENV lacks crmdesk or its servers; run scripts/bootstrap.sh" >&2
  exit 2
fi
if [ ! -x "$VENV/bin/vdirsyncer" ]; then
  echo "bench: installing vdirsyncer (the baseline) into $VENV"
  "$PY" -m pip install -q 'vdirsyncer>=0.19,<0.22'
fi
export QT_QPA_PLATFORM=offscreen
exec "$PY" -m bench.run "$@"
