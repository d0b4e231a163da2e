#!/usr/bin/env bash
# Load tests, every figure next to nginx serving the same bytes in the same run (so a slow or
# busy machine shows as a lower nginx figure, not as a regression of ours):
#   /healthz, a static asset, the cached anonymous product page, the signed-in product page,
#   the admin dashboard, an order page as its buyer and as staff (with its shipment map), the
#   public e-CO verify API
#   (a demo credential POSTed) — each against nginx, the everyday release build (`make site`,
#   what `make run` and the browser tests use) and the production build (`make dist`: fat LTO);
# then the first load of pages in headless Chromium (bench/first-load.mjs), the live logistics
# figures (bench/feeds.mjs: webhook ingest, webhook → SSE latency, idle SSE clients' memory),
# and the criterion benches of issuance (export call → certificate stored on SQLite) and of
# the e-CO PDF.
#   bench/run.sh [connections=64] [duration=10s] [threads=2]     (`make bench`)
# BENCH_ROUNDS (default 3): rounds of every case, builds alternating; medians are shown.
# BENCH_SKIP_BUILD=1 uses the two binaries already in $BENCH_DIR (default target/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
conns="${1:-64}"
duration="${2:-10s}"
threads="${3:-2}"
port="${BENCH_PORT:-3500}"
nginx_port="${BENCH_NGINX_PORT:-3510}"
bins="${BENCH_DIR:-target/bench}"
product="/en/products/brushless-dc-motor-57mm-24v-105w"

need() {
  command -v "$1" >/dev/null && return
  echo "installing $2 (Debian package)"
  local sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  ${sudo_cmd} apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${sudo_cmd} apt-get install -y -qq "$2" >/dev/null
}
need wrk wrk
need nginx nginx

# The two builds of the same commit.
mkdir -p "$bins"
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  echo "== building the everyday release site (make site) and the production server (make dist)"
  make --no-print-directory site >/dev/null
  cp target/release/server "$bins/server-release"
  make --no-print-directory dist >/dev/null
  cp target/release/server "$bins/server-dist"
  # Leave the everyday binary in place for `make run` and the browser tests.
  cp "$bins/server-release" target/release/server
fi
# The servers find the hashed asset names beside their binary.
cp target/release/hash.txt "$bins/hash.txt"

dir="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

# One database for both servers, seeded with the demo dataset and a signed-in admin.
export DATABASE_URL="sqlite://${dir}/bench.db?mode=rwc" PORTFRONT_DATA_DIR="$dir" RUST_LOG=warn
PORTFRONT_DEMO=1 "$bins/server-release" create-admin --email bench@example.com <<<"bench admin password 2026" >/dev/null 2>&1 || true

start_server() {
  local bin="$1"
  PORTFRONT_DEMO=1 LEPTOS_SITE_ADDR="127.0.0.1:${port}" LEPTOS_SITE_ROOT="$PWD/target/site" \
    "$bin" serve &
  pids+=($!)
  server_pid=$!
  for _ in $(seq 1 200); do
    curl -fsS "http://127.0.0.1:${port}/readyz" >/dev/null 2>&1 && return
    sleep 0.05
  done
  echo "server did not start" >&2; exit 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; }

sign_in() {
  curl -fsS -o /dev/null -D - -H "Origin: http://127.0.0.1:${port}" \
    --data-urlencode "email=bench@example.com" --data-urlencode "password=bench admin password 2026" \
    "http://127.0.0.1:${port}/auth/password" | sed -n 's/^set-cookie: \(pf_session=[^;]*\).*/\1/ip'
}

# A demo buyer (Busan, two orders), signed in once with the e-mail code, which waits in the
# outbox without a mail server; the session lives in the shared database for every round.
buyer_sign_in() {
  local email="jiwoo.park@busan-trading.example" base="http://127.0.0.1:${port}"
  curl -fsS -o /dev/null -H "Origin: ${base}" --data-urlencode "email=${email}" \
    --data-urlencode "locale=en" "${base}/auth/email-code"
  local code
  code="$(python3 - "${dir}/bench.db" "${email}" <<'PY'
import json, sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT payload FROM outbox WHERE kind = 'mail' ORDER BY created_at DESC").fetchall()
for (payload,) in rows:
    mail = json.loads(payload)
    if mail["to"] == sys.argv[2] and mail["message"]["template"] == "sign_in_code":
        print(mail["message"]["code"]); break
PY
)"
  curl -fsS -o /dev/null -D - -H "Origin: ${base}" --data-urlencode "email=${email}" \
    --data-urlencode "code=${code}" --data-urlencode "locale=en" "${base}/auth/email-code/verify" \
    | sed -n 's/^set-cookie: \(pf_session=[^;]*\).*/\1/ip'
}

# nginx serves, as static files, exactly the bytes our server answers (fetched below).
mkdir -p "$dir/www"
cat >"$dir/nginx.conf" <<EOF
user root;
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { text/html html; text/css css; text/plain txt; application/json json; }
  server {
    listen 127.0.0.1:${nginx_port};
    root $dir/www;
  }
}
EOF

# Fetch each benchmarked response once from the everyday build, for nginx.
start_server "$bins/server-release"
cookie="$(sign_in)"
css_path="$(curl -fsS "http://127.0.0.1:${port}${product}" | grep -o '/pkg/portfront[^"]*\.css' | head -n1)"
curl -fsS -o "$dir/www/healthz.txt" "http://127.0.0.1:${port}/healthz"
curl -fsS -o "$dir/www/asset.css" "http://127.0.0.1:${port}${css_path}"
curl -fsS -o "$dir/www/product.html" "http://127.0.0.1:${port}${product}"
curl -fsS -o "$dir/www/product-signed-in.html" -H "Cookie: ${cookie}" "http://127.0.0.1:${port}${product}"
curl -fsS -o "$dir/www/dashboard.html" -H "Cookie: ${cookie}" "http://127.0.0.1:${port}/en/admin"
buyer_cookie="$(buyer_sign_in)"
order="$(curl -fsS -H "Cookie: ${buyer_cookie}" "http://127.0.0.1:${port}/en/orders" | grep -o 'ORD-[0-9]\{4\}-[0-9]\{5\}' | head -n1)"
[ -n "$order" ] || { echo "the demo buyer has no order to measure" >&2; exit 1; }
curl -fsS -o "$dir/www/order-buyer.html" -H "Cookie: ${buyer_cookie}" "http://127.0.0.1:${port}/en/orders/${order}"
curl -fsS -o "$dir/www/order-staff.html" -H "Cookie: ${cookie}" "http://127.0.0.1:${port}/en/admin/orders/${order}"
# A valid demo certificate (the register lists the newest first) and its credential, POSTed
# to the public verify API; nginx serves the verification answer to a GET.
eco="$(curl -fsS -H "Cookie: ${cookie}" "http://127.0.0.1:${port}/en/admin/eco?status=valid" | grep -o 'PF-DOO-[0-9]\{4\}-[0-9]\{6\}' | head -n1)"
[ -n "$eco" ] || { echo "the demo has no valid certificate to verify" >&2; exit 1; }
curl -fsS -o "$dir/credential.json" -H "Cookie: ${cookie}" "http://127.0.0.1:${port}/eco/${eco}/json"
curl -fsS -o "$dir/www/verify.json" -H "Content-Type: application/json" --data-binary "@$dir/credential.json" \
  "http://127.0.0.1:${port}/api/v1/eco/verify"
grep -q '"valid":true' "$dir/www/verify.json" || { echo "the demo certificate does not verify" >&2; exit 1; }
python3 - "$dir/credential.json" >"$dir/verify.lua" <<'PY'
import sys
body = open(sys.argv[1]).read()
print('wrk.method = "POST"')
print('wrk.headers["Content-Type"] = "application/json"')
# A Lua long string keeps the body byte for byte (JSON escapes are not Lua escapes).
assert "]==]" not in body
print("wrk.body = [==[" + body + "]==]")
PY
stop_server
nginx -p "$dir" -c "$dir/nginx.conf"

# name | our path | nginx file | whose session cookie (staff, buyer or none)
cases=(
  "healthz|/healthz|/healthz.txt|"
  "static asset (CSS)|${css_path}|/asset.css|"
  "product page, anonymous (page cache)|${product}|/product.html|"
  "product page, signed in|${product}|/product-signed-in.html|cookie"
  "admin dashboard, signed in|/en/admin|/dashboard.html|cookie"
  "order page, buyer|/en/orders/${order}|/order-buyer.html|buyer"
  "order page, staff|/en/admin/orders/${order}|/order-staff.html|cookie"
  "e-CO verify API (POST credential)|/api/v1/eco/verify|/verify.json|post"
)

# wrk → "req/s p50 p99"; WRK_SCRIPT (a Lua file) makes the requests POSTs with a body.
measure() {
  local url="$1" header="${2:-}"
  wrk -t"${threads}" -c"${conns}" -d"${duration}" --latency ${WRK_SCRIPT:+-s "$WRK_SCRIPT"} ${header:+-H "$header"} "$url" | awk '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 }
    /^ +99%/ { p99 = $2 }
    /Non-2xx/ { bad = $NF }
    END { printf "%s %s %s %s", rps, p50, p99, (bad == "" ? 0 : bad) }'
}

# Rounds: nginx, release and dist each measured once per round, the order of the two builds
# swapped every round; each figure shown is the median round (noise on a shared 2-core machine
# is larger than the differences being looked for, so one run per build is not enough).
rounds="${BENCH_ROUNDS:-3}"
declare -A samples
measure_build() {
  local build="$1"
  start_server "$bins/server-$build"
  cookie="$(sign_in)"
  for c in "${cases[@]}"; do
    IFS='|' read -r name ours _ needs <<<"$c"
    local jar="" script=""
    case "$needs" in
      cookie) jar="$cookie" ;;
      buyer) jar="$buyer_cookie" ;;
      post) script="$dir/verify.lua" ;;
    esac
    # Warm the caches (page cache, session slot, status list) first.
    if [ -n "$script" ]; then
      curl -fsS -o /dev/null -H "Content-Type: application/json" --data-binary "@$dir/credential.json" "http://127.0.0.1:${port}${ours}"
    else
      curl -fsS -o /dev/null ${jar:+-H "Cookie: ${jar}"} "http://127.0.0.1:${port}${ours}"
    fi
    samples["$build|$name"]+="$(WRK_SCRIPT="$script" measure "http://127.0.0.1:${port}${ours}" ${jar:+"Cookie: ${jar}"})"$'\n'
  done
  samples["$build|rss"]+="$(ps -o rss= -p "$server_pid" | awk '{printf "%.0f", $1/1024}')"$'\n'
  stop_server
}
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order=(release dist); else order=(dist release); fi
  for build in "${order[@]}"; do measure_build "$build"; done
  for c in "${cases[@]}"; do
    IFS='|' read -r name _ file _ <<<"$c"
    samples["nginx|$name"]+="$(measure "http://127.0.0.1:${nginx_port}${file}")"$'\n'
  done
done
# The median round of a list of "rps p50 p99 non2xx" lines (by requests/s).
median_of() { printf '%s' "$1" | sed '/^$/d' | sort -n -k1,1 | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }'; }
declare -A result
for key in "${!samples[@]}"; do result["$key"]="$(median_of "${samples[$key]}")"; done

echo
echo "== ${conns} connections, ${threads} wrk threads, ${duration} each, median of ${rounds} rounds; nginx serves the same bytes"
printf '%-38s %10s | %10s %6s %8s %8s | %10s %6s %8s %8s\n' "" "nginx r/s" "release" "×nginx" "p50" "p99" "dist" "×nginx" "p50" "p99"
for c in "${cases[@]}"; do
  IFS='|' read -r name _ _ _ <<<"$c"
  read -r n_rps _ _ _ <<<"${result["nginx|$name"]}"
  read -r r_rps r_p50 r_p99 r_bad <<<"${result["release|$name"]}"
  read -r d_rps d_p50 d_p99 d_bad <<<"${result["dist|$name"]}"
  printf '%-38s %10.0f | %10.0f %6.2f %8s %8s | %10.0f %6.2f %8s %8s\n' "$name" "$n_rps" \
    "$r_rps" "$(echo "$r_rps / $n_rps" | bc -l)" "$r_p50" "$r_p99" \
    "$d_rps" "$(echo "$d_rps / $n_rps" | bc -l)" "$d_p50" "$d_p99"
  [ "$r_bad" = 0 ] && [ "$d_bad" = 0 ] || echo "   (non-2xx answers: release ${r_bad}, dist ${d_bad})"
done
echo "server RSS after the run: release ${result["release|rss"]} MiB, dist ${result["dist|rss"]} MiB"
product_ratio="$(echo "${result["release|product page, anonymous (page cache)"]%% *} / ${result["dist|product page, anonymous (page cache)"]%% *}" | bc -l)"
printf 'everyday release build / production build, cached product page: %.2f\n' "$product_ratio"

echo
echo "== first load in headless Chromium (empty cache; median of ${FIRST_LOAD_RUNS:-5} runs)"
start_server "$bins/server-release"
cookie="$(sign_in)"
{
  node bench/first-load.mjs "http://127.0.0.1:${port}" "${product}" /en
  FIRST_LOAD_COOKIE="${cookie}" node bench/first-load.mjs "http://127.0.0.1:${port}" /en/admin/users
} 2>&1 | node -e '
    const lines = require("fs").readFileSync(0, "utf8").trim().split("\n");
    for (const l of lines) {
      let r; try { r = JSON.parse(l); } catch { console.log(l); continue; }
      const kb = (b) => (b / 1024).toFixed(1) + " KB";
      const parts = Object.entries(r.by_type).map(([k, v]) => `${k} ${kb(v.transfer)}`).join(", ");
      console.log(`${r.page} cpu×${r.cpu_throttle}: ${kb(r.transferred_bytes_total)} transferred (${parts}); interactive after ${r.interactive_ms_median} ms (max ${r.interactive_ms_max})`);
    }'
stop_server

echo
echo "== live logistics (targets: ingest ≥ 5,000 events/s; webhook → browser p99 < 250 ms with 200 SSE clients; 1,000 idle SSE clients < 150 MB RSS)"
start_server "$bins/server-release"
feed_secret="$("$bins/server-release" create-feed --name bench-feed --kind dcsa3 | sed -n 's/.*"secret": "\([^"]*\)".*/\1/p')"
read -r sid ssecret < <("$bins/server-release" create-api-client --name "Bench stream" --scopes "shipments:read" \
  | node -e 'const c = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(c.client_id, c.client_secret)')
stoken="$(curl -fsS -u "${sid}:${ssecret}" -d grant_type=client_credentials "http://127.0.0.1:${port}/oauth/token" \
  | node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).access_token)')"
node bench/feeds.mjs "http://127.0.0.1:${port}" "${feed_secret}" "${stoken}" "${server_pid}"
stop_server

echo
echo "== e-CO issuance and rendering (criterion; targets: ≥ 500 orders/s export → stored, PDF ≤ 100 ms)"
cargo bench -p domain --bench issuance 2>&1 | grep -E "^issuance|time:|thrpt:" || true
cargo bench -p domain --bench eco -- "PDF" 2>&1 | grep -E "PDF|time:" || true
