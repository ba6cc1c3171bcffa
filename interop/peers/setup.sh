#!/usr/bin/env bash
# Installs the pinned peer iCalendar implementations that run.sh times against `tempi busy`:
#   - Mozilla ical.js 2.2.1 (npm, pinned in package.json + package-lock.json) into
#     interop/peers/node_modules, and
#   - libical (Debian's libical-dev, 3.0.16 on bookworm) plus the small C driver libical-busy.c,
#     compiled with gcc -O2 into interop/peers/build/libical-busy.
# Idempotent: each step is skipped when its result is already there and up to date.
# Works as root on a fresh Debian machine; needs the npm registry and Debian's packages.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# GNU time (for /usr/bin/time -v in run.sh), gcc, pkg-config and libical.
need=()
[ -x /usr/bin/time ] || need+=(time)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
dpkg-query -W -f='${Status}' libical-dev 2>/dev/null | grep -q 'ok installed' || need+=(libical-dev)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
if [ "${#need[@]}" -gt 0 ]; then
  echo "peers: apt-get install ${need[*]}"
  apt_install "${need[@]}"
fi

# ical.js from the lock file, only when node_modules does not match it.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.tempi-lock-stamp; then
  echo "peers: npm ci (ical.js)"
  npm ci --silent --no-audit --no-fund
  cp package-lock.json node_modules/.tempi-lock-stamp
fi

# The libical driver, rebuilt when its source is newer than the binary.
mkdir -p build
if [ ! -x build/libical-busy ] || [ libical-busy.c -nt build/libical-busy ]; then
  echo "peers: gcc -O2 libical-busy.c"
  # shellcheck disable=SC2046
  gcc -O2 -Wall -o build/libical-busy libical-busy.c $(pkg-config --cflags --libs libical 2>/dev/null || echo -lical)
fi

echo "peers: ical.js $(node -p 'require("./node_modules/ical.js/package.json").version'), libical $(dpkg-query -W -f='${Version}' libical-dev), $(node --version)"
