#!/usr/bin/env bash
# Measures what a first page load transfers: every file of the release build in dist/ (html, js,
# wasm, css), raw and gzip -9. Run after `make console`.
set -euo pipefail
cd "$(dirname "$0")/../dist"
total_raw=0
total_gz=0
printf '%-48s %10s %10s\n' file bytes gzip
for f in *.html *.js *.wasm *.css; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f")
  gz=$(gzip -9c "$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-48s %10d %10d\n' "$f" "$raw" "$gz"
done
printf '%-48s %10d %10d\n' total "$total_raw" "$total_gz"
