#!/usr/bin/env bash
# Installs Debian's chromium for the year-picture render test (tests/it/picture.rs), which
# screenshots `tempi plan --html` headless and checks the pixels. Idempotent: when chromium is
# already installed it does nothing, so repeated CI runs on one machine cost no network.
# Runs as root (CI and developer machines are root); a non-root run uses sudo if it can.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "chromium already installed: $(chromium --version 2>/dev/null || echo unknown version)"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update
"${as_root[@]}" apt-get install -y --no-install-recommends chromium fonts-dejavu-core
echo "chromium installed: $(chromium --version 2>/dev/null || echo unknown version)"
