#!/usr/bin/env bash
# Measures what a first page load transfers: every file of the release build that any page
# loads at once (index.html, the loader and the main script, the main wasm, the CSS, and the
# split loader `wasm-split-*/__wasm_split.js`, which the main script imports), raw and gzip -9.
# The modules of the lazily loaded pages (`wasm-split-*/*.wasm`, scripts/split-wasm.sh) are
# listed after the total, each fetched only when its page first opens. Run after `make console`.
set -euo pipefail
cd "$(dirname "$0")/../dist"
total_raw=0
total_gz=0
row() { printf '%-64s %10s %10s\n' "$@"; }
measure() { # file -> "raw gzip"
  printf '%d %d\n' "$(stat -c %s "$1")" "$(gzip -9c "$1" | wc -c)"
}
row file bytes gzip
shopt -s nullglob
for f in *.html *.js *.wasm *.css wasm-split-*/*.js; do
  read -r raw gz < <(measure "$f")
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  row "$f" "$raw" "$gz"
done
row "total (first page load)" "$total_raw" "$total_gz"
lazy=(wasm-split-*/*.wasm)
if [ ${#lazy[@]} -gt 0 ]; then
  echo
  row "loaded when a lazy page first opens" bytes gzip
  for f in "${lazy[@]}"; do
    read -r raw gz < <(measure "$f")
    row "$f" "$raw" "$gz"
  done
fi
