#!/usr/bin/env bash
# Install (or remove) the built crmdesk for one user, or for everyone.
#
#   ./install.sh                 # into ~/.local (no root needed)
#   sudo ./install.sh --system   # into /opt/crmdesk and /usr/local
#   ./install.sh --uninstall     # (add --system for a system install)
#
# Works from the release tarball (crmdesk/ next to this script) and from a
# checkout after `bash packaging/build-linux.sh` (dist/crmdesk/).  Removing
# the app leaves the rep's settings, store and passwords alone; to remove
# those, run `crmdesk uninstall` first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
system=0 uninstall=0
for arg in "$@"; do
  case $arg in
    --system) system=1 ;;
    --uninstall) uninstall=1 ;;
    *) echo "usage: $0 [--system] [--uninstall]" >&2; exit 2 ;;
  esac
done

if [ $system = 1 ]; then
  app=/opt/crmdesk bin=/usr/local/bin share=/usr/local/share
else
  app=$HOME/.local/opt/crmdesk bin=$HOME/.local/bin share=${XDG_DATA_HOME:-$HOME/.local/share}
fi
desktop=$share/applications/crmdesk.desktop
icon=$share/icons/hicolor/scalable/apps/crmdesk.svg
metainfo=$share/metainfo/org.crmdesk.crmdesk.metainfo.xml

refresh() {
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
  if [ $system = 1 ] && command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
  fi
}

if [ $uninstall = 1 ]; then
  rm -rf "$app"
  rm -f "$bin/crmdesk" "$desktop" "$icon" "$metainfo"
  refresh
  echo "crmdesk removed (settings, local store and passwords are kept)."
  exit 0
fi

if [ -x "$here/crmdesk/crmdesk" ]; then           # the release tarball
  src=$here/crmdesk files=$here svg=$here/crmdesk.svg
elif [ -x "$here/../dist/crmdesk/crmdesk" ]; then # a checkout
  src=$here/../dist/crmdesk files=$here svg=$here/../resources/crmdesk.svg
else
  echo "install: no built app found; run: bash packaging/build-linux.sh" >&2; exit 1
fi

mkdir -p "$(dirname "$app")" "$bin"
rm -rf "$app.new"
cp -a "$src" "$app.new"
rm -rf "$app"
mv "$app.new" "$app"
ln -sfn "$app/crmdesk" "$bin/crmdesk"
# An absolute Exec: ~/.local/bin is not on every desktop session's PATH.
install -d "$(dirname "$desktop")"
sed "s|^Exec=crmdesk|Exec=$app/crmdesk|" "$files/crmdesk.desktop" > "$desktop"
install -Dm644 "$svg" "$icon"
install -Dm644 "$files/org.crmdesk.crmdesk.metainfo.xml" "$metainfo"
refresh
echo "crmdesk $("$app/crmdesk" --version | cut -d' ' -f2) installed in $app;" \
     "start it from the applications menu or with: crmdesk"
case ":$PATH:" in *":$bin:"*) ;; *) echo "note: $bin is not on your PATH" ;; esac
