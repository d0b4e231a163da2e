#!/usr/bin/env bash
# Load test: starts the release server on a fresh demo database and runs wrk against the
# product page and a listing page. Prints requests/s and latency percentiles.
#   bench/run.sh [connections=64] [duration=20s] [threads=2]
set -euo pipefail
cd "$(dirname "$0")/.."
conns="${1:-64}"
duration="${2:-20s}"
threads="${3:-2}"
port="${BENCH_PORT:-3500}"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  ${sudo_cmd} apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${sudo_cmd} apt-get install -y -qq wrk >/dev/null
fi
[ -x target/release/server ] || { echo "build first: cargo leptos build --release (or make site)"; exit 1; }

dir="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; wait "${pid:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
DATABASE_URL="sqlite://${dir}/bench.db?mode=rwc" PORTFRONT_DEMO=1 PORTFRONT_DATA_DIR="$dir" \
  LEPTOS_SITE_ADDR="127.0.0.1:${port}" LEPTOS_SITE_ROOT="$PWD/target/site" RUST_LOG=warn \
  ./target/release/server serve &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:${port}/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

run() {
  local name="$1" path="$2" cookie="${3:-}"
  curl -fsS -o /dev/null ${cookie:+-H "Cookie: ${cookie}"} "http://127.0.0.1:${port}${path}"
  echo "== ${name}: ${path} (${conns} connections, ${threads} threads, ${duration})"
  wrk -t"${threads}" -c"${conns}" -d"${duration}" --latency ${cookie:+-H "Cookie: ${cookie}"} \
    "http://127.0.0.1:${port}${path}" \
    | grep -E "Requests/sec|Latency|50%|90%|99%|Non-2xx|Socket errors"
  echo "   server RSS: $(ps -o rss= -p "$pid" | awk '{printf "%.1f MiB", $1/1024}')"
}

run "product page" "/en/products/brushless-dc-motor-57mm-24v-105w"
run "listing page" "/en/products?origin=CN&page=2"

# Signed in: no page cache; every request resumes the session from the database.
password="bench admin password 2026"
printf '%s\n' "$password" | DATABASE_URL="sqlite://${dir}/bench.db?mode=rwc" PORTFRONT_DATA_DIR="$dir" \
  RUST_LOG=warn ./target/release/server create-admin --email bench@example.com >/dev/null
start=$(date +%s%N)
cookie=$(curl -fsS -o /dev/null -D - -H "Origin: http://127.0.0.1:${port}" \
  --data-urlencode "email=bench@example.com" --data-urlencode "password=${password}" \
  "http://127.0.0.1:${port}/auth/password" | sed -n 's/^set-cookie: \(pf_session=[^;]*\).*/\1/ip')
echo "== password sign-in (argon2id verify + session): $(( ($(date +%s%N) - start) / 1000000 )) ms"
run "product page, signed in" "/en/products/brushless-dc-motor-57mm-24v-105w" "$cookie"
run "admin dashboard, signed in" "/en/admin" "$cookie"
