#!/usr/bin/env bash
# Installs Debian's nginx (nginx-light) and openssl for the test that checks docs/serve.md's
# reverse-proxy example with `nginx -t` (crates/tempi-cli/tests/it/serve.rs). Idempotent: when
# nginx and openssl are already installed it does nothing. Only the binaries are used: the test
# runs `nginx -t` on a scratch config and never starts a server.
# Runs as root (CI and developer machines are root); a non-root run uses sudo if it can.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if command -v nginx >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; then
  echo "nginx already installed: $(nginx -v 2>&1)"
  exit 0
fi

apt_install nginx-light openssl
# Debian's package may start the daemon where an init system runs; the test needs only the binary.
if command -v systemctl >/dev/null 2>&1; then
  "${as_root[@]}" systemctl disable --now nginx >/dev/null 2>&1 || true
fi
echo "nginx installed: $(nginx -v 2>&1)"
