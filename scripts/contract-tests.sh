#!/usr/bin/env bash
# The contract tests: the real server (the debug binary `cargo build -p safeguard-server` made)
# on a temporary SQLite file, held to its own OpenAPI document from outside.
#
# 1. Schemathesis generates requests from /api/v1/openapi.json for every operation, in all of
#    its phases (examples, coverage, fuzzing, stateful), with every check, and fails on any
#    answer the document does not describe or any request it allows that the server refuses.
#    Its configuration is crates/server/tests/contract/schemathesis.toml; hooks.py there
#    generates what the document can only say in words (a CSV file, logins unique in a
#    snapshot, existing app ids, the System Log filter language).
# 2. A Python client generated from the same document by openapi-python-client runs one import,
#    one dry run and a resume (crates/server/tests/contract/generated_client_test.py).
# 3. urllib, requests and curl send a body eight times --max-body-bytes and read its 413
#    (crates/server/tests/contract/body_limit_test.py).
#
# CONTRACT_MAX_EXAMPLES (default 40) sets how many cases Schemathesis generates per operation
# and phase; CONTRACT_SEED (default a fixed one, so a run can be repeated) the seed of its
# generation, or `random` for a new one each run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS_DIR="${SAFEGUARD_TOOLS_DIR:-$HOME/.cache/safeguard-tools}"
VENV="$TOOLS_DIR/venv"
BIN="${SAFEGUARD_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/safeguard}"
CONTRACT="$ROOT/crates/server/tests/contract"
TOKEN="contract-admin-token-0123456789"
MAX_EXAMPLES="${CONTRACT_MAX_EXAMPLES:-40}"
SEED="${CONTRACT_SEED:-20261202}"
SEED_ARGS=(--seed "$SEED")
[ "$SEED" = random ] && SEED_ARGS=()

say() { printf '[contract] %s\n' "$*" >&2; }
[ -x "$BIN" ] || { say "$BIN is missing: run cargo build -p safeguard-server first"; exit 1; }
[ -x "$VENV/bin/schemathesis" ] || { say "$VENV is missing: run scripts/install-tools.sh"; exit 1; }

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Starts a server on a free port over a new database; sets URL. Extra arguments go to `serve`.
start_server() {
  local name=$1
  shift
  local out="$WORK/$name.out"
  SAFEGUARD_ADMIN_TOKEN="$TOKEN" RUST_LOG=warn \
    "$BIN" serve --listen 127.0.0.1:0 --db "$WORK/$name.db" --console-dir "$WORK/no-console" "$@" \
    >"$out" 2>"$WORK/$name.err" &
  PIDS+=($!)
  # Up to a minute: building the demo org takes seconds, more on a busy machine.
  for _ in $(seq 1 600); do
    URL=$(sed -n 's/^Safeguard listening on //p' "$out")
    [ -n "$URL" ] && return 0
    sleep 0.1
  done
  say "the server did not start:"
  cat "$WORK/$name.err" >&2
  exit 1
}

say "schemathesis: every operation of the OpenAPI document, all phases, all checks"
start_server schemathesis --demo
SAFEGUARD_URL="$URL" SAFEGUARD_TOKEN="$TOKEN" PYTHONPATH="$CONTRACT" SCHEMATHESIS_HOOKS=hooks \
  "$VENV/bin/schemathesis" --config-file "$CONTRACT/schemathesis.toml" --no-color \
  run "$URL/api/v1/openapi.json" --wait-for-schema 60 \
  --header "Authorization: SSWS $TOKEN" \
  --checks all \
  --max-examples "$MAX_EXAMPLES" "${SEED_ARGS[@]}" \
  --report junit --report-dir "$ROOT/artifacts/schemathesis"

say "a client generated from the document runs an import, a dry run and a resume"
start_server generated-client
curl -sSf -H "Authorization: SSWS $TOKEN" "$URL/api/v1/openapi.json" -o "$WORK/openapi.json"
"$VENV/bin/openapi-python-client" generate --path "$WORK/openapi.json" \
  --output-path "$WORK/safeguard_client" --meta none --overwrite >"$WORK/generate.log" 2>&1 \
  || { cat "$WORK/generate.log" >&2; exit 1; }
PYTHONPATH="$WORK" SAFEGUARD_URL="$URL" SAFEGUARD_TOKEN="$TOKEN" \
  "$VENV/bin/python" "$CONTRACT/generated_client_test.py"
say "urllib, requests and curl read the 413 of a body over the limit"
start_server body-limit --max-body-bytes 1048576
BODY_LIMIT=1048576 SAFEGUARD_URL="$URL" SAFEGUARD_TOKEN="$TOKEN" \
  "$VENV/bin/python" "$CONTRACT/body_limit_test.py"
say "passed"
