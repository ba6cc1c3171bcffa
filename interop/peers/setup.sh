#!/usr/bin/env bash
# Installs the pinned peer iCalendar implementations that run.sh times against `tempi busy`:
#   - Mozilla ical.js 2.2.1 and libical 3.0.16 (Debian's libical-dev), through
#     scripts/ci-setup-interop.sh (ical.js lands in interop/node_modules, shared with the interop
#     tests; Node finds it from here), and
#   - GNU time plus the small C driver libical-busy.c, compiled with gcc -O2 into
#     interop/peers/build/libical-busy.
# Idempotent: each step is skipped when its result is already there and up to date.
# Works as root on a fresh Debian machine; needs the npm registry and Debian's packages.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
}

bash ../../scripts/ci-setup-interop.sh

# GNU time, for /usr/bin/time -v in run.sh.
if [ ! -x /usr/bin/time ]; then
  echo "peers: apt-get install time"
  apt_install time
fi

# The libical driver, rebuilt when its source is newer than the binary.
mkdir -p build
if [ ! -x build/libical-busy ] || [ libical-busy.c -nt build/libical-busy ]; then
  echo "peers: gcc -O2 libical-busy.c"
  # shellcheck disable=SC2046
  gcc -O2 -Wall -o build/libical-busy libical-busy.c $(pkg-config --cflags --libs libical 2>/dev/null || echo -lical)
fi

echo "peers: ical.js $(node -p 'require("../node_modules/ical.js/package.json").version'), libical $(dpkg-query -W -f='${Version}' libical-dev), $(node --version)"
