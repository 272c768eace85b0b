#!/usr/bin/env bash
# API load: `GET /api/v1/imports?limit=50` with 100,000 imports stored, 64 concurrent connections
# from wrk on loopback, 20 s. Prints wrk's latency distribution (p50..p99) and throughput.
# Starts its own release server on a free port and a temporary database; stops both at the end.
# Requests carry an API token made the way an administrator makes one (sign in, create it), so
# each is authenticated by its hash in the database, as a script's would be.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
IMPORTS="${IMPORTS:-100000}"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-20s}"

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

cargo build --release -q -p safeguard-server --bin safeguard --example seed_imports
work=$(mktemp -d)
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
./target/release/examples/seed_imports "$work/load.db" "$IMPORTS"

SAFEGUARD_ADMIN_EMAIL=bench@example.com SAFEGUARD_ADMIN_PASSWORD=bench-password-1 \
  ./target/release/safeguard serve --listen 127.0.0.1:0 --db "$work/load.db" --console-dir dist \
  > "$work/server.out" 2> "$work/server.err" &
server_pid=$!
for _ in $(seq 100); do
  url=$(sed -n 's/^Safeguard listening on //p' "$work/server.out")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the server did not start"; cat "$work/server.err"; exit 1; }

curl -sf -c "$work/jar" -H 'Content-Type: application/json' \
  -d '{"username": "bench@example.com", "password": "bench-password-1"}' "$url/api/v1/sessions" >/dev/null
token=$(curl -sf -b "$work/jar" -H "Origin: $url" -H 'x-safeguard-console: 1' \
  -H 'Content-Type: application/json' -d '{"name": "load test"}' "$url/api/v1/api-tokens" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
auth="Authorization: SSWS $token"

body=$(curl -sf -H "$auth" "$url/api/v1/imports?limit=50")
rows=$(printf '%s' "$body" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$rows" = 50 ] || { echo "expected 50 imports per page, got $rows"; exit 1; }

echo "GET /api/v1/imports?limit=50, $IMPORTS imports stored, $CONNECTIONS connections, $DURATION"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$auth" "$url/api/v1/imports?limit=50"
