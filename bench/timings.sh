#!/usr/bin/env bash
# Wall time of every step of `make test` and `make run`, one line each, so slow steps are seen
# before anyone guesses (docs/building.md keeps the figures).
#   bench/timings.sh [test|run|all]     (default all; `make timings` runs this)
# The two slowest compiles — the test build and the release site — run with cargo's
# `--timings`; the slowest crates of each report are listed after the steps. Logs and reports
# go to $TIMINGS_DIR (default target/timings/).
set -uo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
out="${TIMINGS_DIR:-target/timings}"
mkdir -p "$out"
summary="$out/summary.txt"
: >"$summary"

step() {
  local name="$1"; shift
  local start end status log
  log="$out/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-').log"
  start=$(date +%s.%N)
  "$@" >"$log" 2>&1
  status=$?
  end=$(date +%s.%N)
  printf '%-28s %8.1f s  %s\n' "$name" "$(echo "$end - $start" | bc)" \
    "$([ "$status" -eq 0 ] && echo ok || echo "FAILED ($status), see $log")" | tee -a "$summary"
  return "$status"
}

serve_until_ready() {
  # `make run` up to the moment the store answers /readyz, then stopped.
  make run >"$out/make-run-server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 7200); do
    if curl -fsS -o /dev/null "http://${LEPTOS_SITE_ADDR:-127.0.0.1:3000}/readyz" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || pkill -TERM -f 'target/release/server serve' || true
      wait "$pid" 2>/dev/null
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}

# The slowest units of the newest cargo timing reports (cargo writes them as HTML with the
# data as a JavaScript array).
slowest_crates() {
  python3 - "$@" <<'PY'
import json, re, sys, glob, os
for report in sys.argv[1:]:
    html = open(report, encoding="utf-8").read()
    m = re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S)
    if not m:
        continue
    units = json.loads(m.group(1))
    total = re.search(r"<td>Total time:</td><td>([^<]*)</td>", html)
    print(f"{os.path.basename(report)} (total {total.group(1) if total else '?'}), slowest units:")
    for u in sorted(units, key=lambda u: -u["duration"])[:12]:
        print(f"  {u['duration']:7.1f} s  {u['name']} {u['version']} {u.get('target', '')}")
PY
}

total_start=$(date +%s)
failed=0
marker="$out/.started"
touch "$marker"
if [ "$what" = test ] || [ "$what" = all ]; then
  for s in test-tools lint-wasm unit fuzz site e2e; do
    case "$s" in
      unit) step "make test: $s" make unit CARGO_FLAGS=--timings || { failed=1; break; } ;;
      site) step "make test: $s" make site SITE_FLAGS="--bin-cargo-args=--timings --lib-cargo-args=--timings" || { failed=1; break; } ;;
      *) step "make test: $s" make "$s" || { failed=1; break; } ;;
    esac
  done
fi
if [ "$failed" = 0 ] && { [ "$what" = run ] || [ "$what" = all ]; }; then
  set -m
  step "make run: to /readyz" serve_until_ready
  step "make run again: to /readyz" serve_until_ready
fi
printf '%-28s %8d s\n' "total" "$(( $(date +%s) - total_start ))" | tee -a "$summary"
new_reports=$(find target/cargo-timings/ target/front/cargo-timings/ -name 'cargo-timing-2*.html' \
  -newer "$marker" 2>/dev/null | sort)
if [ -n "$new_reports" ]; then
  # shellcheck disable=SC2086
  slowest_crates $new_reports | tee -a "$summary"
  cp $new_reports "$out/" 2>/dev/null || true
fi
exit "$failed"
