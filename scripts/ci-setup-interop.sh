#!/usr/bin/env bash
# Installs the pinned third-party iCalendar implementation that the feed interop tests run
# (Python icalendar + recurring-ical-events, see interop/requirements.txt) into interop/.venv.
# Idempotent: when the venv already has exactly these pins, it does nothing. Works as root on a
# fresh machine; needs python3 (with venv or virtualenv) and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=interop/.venv
req=interop/requirements.txt
stamp="$venv/.installed-requirements"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  echo "interop: $venv is up to date"
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "interop: python3 not found; installing it with apt-get" >&2
  apt-get update -qq && apt-get install -y -qq python3 python3-venv >/dev/null
fi
rm -rf "$venv"
if ! python3 -m venv "$venv" 2>/dev/null; then
  echo "interop: python3 -m venv failed; installing python3-venv" >&2
  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
  rm -rf "$venv"
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$req"
cp "$req" "$stamp"
"$venv/bin/python" -c 'import icalendar, recurring_ical_events; print("interop: icalendar", icalendar.__version__, "recurring-ical-events", recurring_ical_events.__version__ if hasattr(recurring_ical_events, "__version__") else "?")'
