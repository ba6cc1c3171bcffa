# Shared by scripts/ci-setup-*.sh (sourced, not run; its name keeps it out of .ci/run's
# `scripts/ci-setup-*.sh` loop).

# The prefix that runs a command as root: nothing for root (CI and developer machines are
# root), sudo otherwise.
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi

# Installs Debian packages without recommends or prompts: `apt_install chromium fonts-dejavu-core`.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update
  "${as_root[@]}" apt-get install -y --no-install-recommends "$@"
}
