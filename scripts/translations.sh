#!/usr/bin/env bash
# Collect crmdesk's translatable strings with Qt's lupdate.
#
#   scripts/translations.sh            rewrite the English base
#                                      (resources/translations/crmdesk_en.ts) and
#                                      update every crmdesk_<language>.ts there
#   scripts/translations.sh --check    exit 1 if the English base is out of date
#
# The base is rebuilt from scratch each time, without source locations, so it
# changes only when a string does.  Language files keep their translations
# (and the strings that went away, marked obsolete, for the translator).
set -euo pipefail
cd "$(dirname "$0")/.."

LUPDATE=${LUPDATE:-pyside6-lupdate}
BASE=resources/translations/crmdesk_en.ts
# The GUI, plus the Qt-free modules whose words it shows.
mapfile -t SOURCES < <(find app/crmdesk/ui -name '*.py' | LC_ALL=C sort)
SOURCES+=(app/crmdesk/messages.py app/crmdesk/settings/secrets.py)

base_into() {
    rm -f "$1"
    "$LUPDATE" -silent -locations none -source-language en -target-language en \
        "${SOURCES[@]}" -ts "$1"
}

if [[ "${1:-}" == "--check" ]]; then
    fresh=$(mktemp --suffix=.ts)
    trap 'rm -f "$fresh"' EXIT
    base_into "$fresh"
    if ! cmp -s "$fresh" "$BASE"; then
        diff -u "$BASE" "$fresh" | head -40 >&2 || true
        echo "$BASE is out of date: run scripts/translations.sh" >&2
        exit 1
    fi
    exit 0
fi

base_into "$BASE"
echo "updated $BASE"
for ts in resources/translations/crmdesk_*.ts; do
    [[ "$ts" == "$BASE" ]] && continue
    "$LUPDATE" -silent -locations relative "${SOURCES[@]}" -ts "$ts"
    echo "updated $ts"
done
