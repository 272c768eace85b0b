#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml): moves the wasm loader Trunk writes inline into
# index.html (`<script type="module">import init ...</script>`) into its own file,
# `loader-<hash>.js`, and loads it with `<script type="module" src=...>`. With no inline script
# left, the server's Content-Security-Policy can be `script-src 'self' 'wasm-unsafe-eval'` and
# nothing else. The file name carries a hash of its content, like Trunk's other files, so a
# cached loader never points at an old build's wasm.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
index="$dir/index.html"
loader="$(perl -0777 -ne 'print $1 if m{<script type="module">(.*?)</script>}s' "$index")"
if [[ -z "$loader" ]]; then
  echo "external-loader: no inline module script in $index" >&2
  exit 1
fi
hash="$(printf '%s' "$loader" | sha256sum | cut -c1-16)"
name="loader-$hash.js"
printf '%s' "$loader" >"$dir/$name"
NAME="$name" perl -0777 -i -pe 's{<script type="module">.*?</script>}{<script type="module" src="/$ENV{NAME}"></script>}s' "$index"
if grep -q '<script>' "$index" || grep -q '<script type="module">' "$index"; then
  echo "external-loader: an inline script is left in $index" >&2
  exit 1
fi
