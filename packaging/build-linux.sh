#!/usr/bin/env bash
# Build the Linux one-folder app with PyInstaller: dist/crmdesk/crmdesk, and
# the release tarball dist/crmdesk-<version>-linux-<arch>.tar.gz.
#
#   bash packaging/build-linux.sh            # then: bash packaging/smoke-test-linux.sh
#
# Uses $PYTHON, else the active virtualenv, else .venv (made by
# scripts/bootstrap.sh when missing); installs PyInstaller into that venv when
# it is not there yet.  Output (both gitignored): dist/ and build/pyinstaller/
# (PyInstaller's work files).  Takes about 30 s (tarball included) on a
# 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${PYTHON:-}" ]; then PY=$PYTHON
elif [ -n "${VIRTUAL_ENV:-}" ]; then PY=$VIRTUAL_ENV/bin/python
else
  [ -x .venv/bin/python ] || bash scripts/bootstrap.sh
  PY=.venv/bin/python
fi

if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  echo "build: installing PyInstaller into $("$PY" -c 'import sys; print(sys.prefix)')"
  "$PY" -m pip install -q "pyinstaller>=6.6,<7"
fi
"$PY" -c "import crmdesk" 2>/dev/null || "$PY" -m pip install -q -e .

start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/crmdesk.spec

# The release tarball: the app folder, install.sh, the desktop file, AppStream
# metadata and the icon, under one top folder.
version=$(dist/crmdesk/crmdesk --version | cut -d' ' -f2)
name=crmdesk-$version-linux-$(uname -m)
tar -czf "dist/$name.tar.gz" --owner=0 --group=0 \
  --transform "s|^install-linux.sh|install.sh|" --transform "s|^|$name/|" \
  -C dist crmdesk \
  -C ../packaging install-linux.sh crmdesk.desktop org.crmdesk.crmdesk.metainfo.xml \
  -C ../resources crmdesk.svg
took=$(( $(date +%s) - start ))
echo "build: dist/crmdesk/crmdesk ($(du -sh dist/crmdesk | cut -f1)) and dist/$name.tar.gz" \
     "($(du -sh "dist/$name.tar.gz" | cut -f1)) in ${took}s"
echo "build: check it with: bash packaging/smoke-test-linux.sh"
