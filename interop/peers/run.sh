#!/usr/bin/env bash
# Times `tempi busy` against libical, Mozilla ical.js and Python icalendar + recurring-ical-events
# on the same generated 20,000-event calendar (target/bench-ical-20k.ics), in one run, each as a
# whole process under /usr/bin/time -v: RUNS runs each (default 3), reporting the median wall time,
# the largest max RSS and the busy-instance count as a markdown table (also written to
# target/peers-bench.md). Results: BENCHMARKS.md, section "ical".
#
#   bash interop/peers/run.sh            # RUNS=1 bash interop/peers/run.sh for a quick look
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
runs="${RUNS:-3}"
file=target/bench-ical-20k.ics

bash interop/peers/setup.sh
cargo build --release -p tempi-cli
[ -f "$file" ] || cargo bench -p tempi-bench --bench ical -- --test

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
table="$tmp/table"
: > "$table"

# /usr/bin/time -v's "h:mm:ss" or "m:ss.ss" wall clock in seconds.
wall_seconds() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f\n", s }' "$1"
}
rss_kib() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }

# measure NAME VERSION COUNT-COMMAND -- TIMED-COMMAND...
# COUNT-COMMAND is a shell snippet that turns the run's stdout ($tmp/out) into the instance count.
measure() {
  local name="$1" version="$2" counter="$3"
  shift 4
  local walls=() rss=0 count="" r
  for ((r = 1; r <= runs; r++)); do
    /usr/bin/time -v -o "$tmp/time" "$@" > "$tmp/out"
    walls+=("$(wall_seconds "$tmp/time")")
    local kib
    kib="$(rss_kib "$tmp/time")"
    ((kib > rss)) && rss="$kib"
    count="$(eval "$counter" < "$tmp/out")"
    echo "  $name run $r: ${walls[-1]} s, $((kib / 1024)) MiB, $count instances" >&2
  done
  local median
  median="$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$version" "$median" "$((rss / 1024))" "$count" "${walls[*]}" >> "$table"
}

tempi_version="$(target/release/tempi --version 2>/dev/null | awk '{ print $NF }' || true)"
libical_version="libical $(dpkg-query -W -f='${Version}' libical-dev)"
icaljs_version="ical.js $(node -p 'require("./interop/node_modules/ical.js/package.json").version'), node $(node --version)"
python_version="$(interop/.venv/bin/python -c 'import sys, icalendar, importlib.metadata as m; print("icalendar", icalendar.__version__, "+ recurring-ical-events", m.version("recurring-ical-events") + ", Python", sys.version.split()[0])')"
instances='sed -n "s/^busy instances: \([0-9]*\).*/\1/p"'

echo "timing on $file ($(du -m "$file" | cut -f1) MB), $runs runs each, $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# tempi prints one line per busy instance.
measure tempi "tempi ${tempi_version:-release}" 'wc -l' -- \
  target/release/tempi busy "$file" --member-zone Europe/Berlin --from 2027-01-01 --to 2027-12-31
measure libical "$libical_version" "$instances" -- interop/peers/build/libical-busy "$file"
measure ical.js "$icaljs_version" "$instances" -- node interop/peers/icaljs-busy.mjs "$file"
measure python "$python_version" "$instances" -- interop/.venv/bin/python interop/time-busy.py "$file"

{
  echo "| implementation | median wall (s) | max RSS (MiB) | busy instances | runs (s) | tempi is |"
  echo "|---|---|---|---|---|---|"
  IFS=$'\t' read -r _ _ tw tr _ _ < <(head -n1 "$table")
  while IFS=$'\t' read -r name version wall rss count all; do
    if [ "$name" = tempi ]; then ratio="—"; else
      ratio="$(awk -v a="$wall" -v b="$tw" -v m="$rss" -v n="$tr" 'BEGIN { printf "%.1f× faster, %.1f× less memory", a / b, m / n }')"
    fi
    echo "| $version | $wall | $rss | $count | ${all// /, } | $ratio |"
  done < "$table"
  echo
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
} | tee target/peers-bench.md
