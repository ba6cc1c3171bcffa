#!/usr/bin/env bash
# Installs the three pinned third-party iCalendar implementations that the feed interop tests
# (crates/tempi-ical/tests/it/interop.rs, injection.rs) expand every feed with:
#   1. Python icalendar + recurring-ical-events (interop/requirements.txt) into interop/.venv,
#      driven by interop/expand.py;
#   2. Mozilla ical.js 2.2.1 (interop/package.json + package-lock.json, `npm ci`) into
#      interop/node_modules, driven by interop/icaljs-expand.mjs;
#   3. libical 3.0.16 (Debian bookworm's libical-dev) and the C driver interop/libical-expand.c,
#      compiled into interop/build/libical-expand.
# Idempotent: each step is skipped when its result is already there and matches its pin, so a
# second run needs no network. Works as root on a fresh Debian machine (apt-get update, then
# python3-venv, nodejs, npm, gcc, pkg-config and libical-dev from Debian's archive; PyPI and npm).
set -euo pipefail
cd "$(dirname "$0")/.."
libical_upstream=3.0.16

apt_updated=0
apt_install() {
  echo "interop: apt-get install $*"
  export DEBIAN_FRONTEND=noninteractive
  # Wait for another apt (a concurrent setup) instead of failing on its lock.
  if [ "$apt_updated" = 0 ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt_updated=1
  fi
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >/dev/null
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

need=()
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
installed libical-dev || need+=(libical-dev)
if [ "${#need[@]}" -gt 0 ]; then apt_install "${need[@]}"; fi

libical_version="$(dpkg-query -W -f='${Version}' libical-dev)"
case "$libical_version" in
  "$libical_upstream"-*) ;;
  *)
    echo "interop: libical-dev is $libical_version; the interop tests are pinned to libical" \
      "$libical_upstream (Debian bookworm's). Install that version." >&2
    exit 1
    ;;
esac

# 1. Python, in a venv that is rebuilt when requirements.txt changes.
venv=interop/.venv
req=interop/requirements.txt
stamp="$venv/.installed-requirements"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  echo "interop: $venv is up to date"
else
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$req"
  cp "$req" "$stamp"
fi

# 2. ical.js, from the lock file, when node_modules does not match it.
lock_stamp=interop/node_modules/.tempi-installed-lock
if [ -f "$lock_stamp" ] && cmp -s interop/package-lock.json "$lock_stamp"; then
  echo "interop: interop/node_modules is up to date"
else
  (cd interop && npm ci --silent --no-audit --no-fund)
  cp interop/package-lock.json "$lock_stamp"
fi

# 3. The libical driver, rebuilt when its source is newer than the binary.
mkdir -p interop/build
if [ -x interop/build/libical-expand ] && [ ! interop/libical-expand.c -nt interop/build/libical-expand ]; then
  echo "interop: interop/build/libical-expand is up to date"
else
  # shellcheck disable=SC2046
  gcc -O2 -Wall -Wextra -Werror -o interop/build/libical-expand interop/libical-expand.c \
    $(pkg-config --cflags --libs libical)
fi

echo "interop: $("$venv/bin/python" -c 'import icalendar, importlib.metadata as m; print("icalendar", icalendar.__version__, "+ recurring-ical-events", m.version("recurring-ical-events"))')," \
  "ical.js $(node -p 'require("./interop/node_modules/ical.js/package.json").version') on node $(node --version)," \
  "libical $libical_version"
