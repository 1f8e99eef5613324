#!/usr/bin/env bash
# Smoke test of the built Linux app (bash packaging/build-linux.sh first):
#   1. `crmdesk --version` prints the version of this checkout;
#   2. the GUI starts offscreen and shows its main window (CRMDESK_SMOKE_TEST
#      makes it print one line about the window, then quit with status 0);
#   3. `crmdesk diagnostics` writes its zip (versions, keyring backend).
# Everything runs in a throw-away HOME, profile and TMPDIR, with no keyring:
# the real user's settings, keyring and running crmdesk are never touched.
#
#   bash packaging/smoke-test-linux.sh [path/to/crmdesk]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-dist/crmdesk/crmdesk}
[ -x "$BIN" ] || { echo "smoke: $BIN not found; run: bash packaging/build-linux.sh" >&2; exit 1; }
BIN=$(realpath "$BIN")
want=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' app/crmdesk/__init__.py)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/tmp" "$work/profile"
# A configured profile (servers nobody listens on) opens the main window,
# offline, rather than the first-run wizard.
cat > "$work/profile/settings.toml" <<'TOML'
[crm]
url = "http://127.0.0.1:9/"
database = "smoke"
username = "rita"

[calendar]
url = "http://127.0.0.1:9/dav/"
username = "rita"
calendar = "Work"
TOML
run() {
  env -i PATH=/usr/bin:/bin HOME="$work/home" TMPDIR="$work/tmp" LANG=C.UTF-8 \
    QT_QPA_PLATFORM=offscreen PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring \
    CRMDESK_CRM_PASSWORD=smoke-crm CRMDESK_CALDAV_PASSWORD=smoke-dav "$@"
}

version=$(run "$BIN" --version)
[ "$version" = "crmdesk $want" ] || { echo "smoke: --version said '$version', want 'crmdesk $want'" >&2; exit 1; }
echo "smoke: ok: --version -> $version"

out=$(run CRMDESK_SMOKE_TEST=1 timeout 90 "$BIN" --profile-dir "$work/profile" 2>"$work/gui.err") || {
  echo "smoke: the GUI failed (status $?):" >&2; cat "$work/gui.err" >&2; exit 1; }
echo "$out" | grep -q "^smoke: window shown: " || { echo "smoke: no window line in: $out" >&2; cat "$work/gui.err" >&2; exit 1; }
echo "$out" | grep -q "icon=yes" || { echo "smoke: the app icon did not load: $out" >&2; exit 1; }
echo "smoke: ok: ${out#smoke: }"
if grep -Eq "Traceback|ModuleNotFoundError|ImportError" "$work/gui.err"; then
  echo "smoke: errors on stderr:" >&2; cat "$work/gui.err" >&2; exit 1
fi

run "$BIN" --profile-dir "$work/profile" diagnostics --output "$work/diag.zip" >/dev/null
summary=$(python3 - "$work/diag.zip" <<'PY'
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as bundle:
    assert "logs/crmdesk.log" in bundle.namelist(), "no log in the zip"
    found = json.loads(bundle.read("about.json"))["versions"]
print(", ".join(f"{k} {v}" for k, v in found.items() if k != "platform"))
PY
) || { echo "smoke: bad diagnostics zip" >&2; exit 1; }
echo "smoke: ok: diagnostics zip: $summary"
echo "smoke: passed in $SECONDS s"
