#!/usr/bin/env bash
# Installs Debian's chromium for the year-picture render test (tests/it/picture.rs), which
# screenshots `tempi plan --html` headless and checks the pixels. Idempotent: when chromium is
# already installed it does nothing, so repeated CI runs on one machine cost no network.
# Runs as root (CI and developer machines are root); a non-root run uses sudo if it can.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if command -v chromium >/dev/null 2>&1; then
  echo "chromium already installed: $(chromium --version 2>/dev/null || echo unknown version)"
  exit 0
fi

apt_install chromium fonts-dejavu-core
echo "chromium installed: $(chromium --version 2>/dev/null || echo unknown version)"
