#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml), in this order: split the WebAssembly so rarely used pages
# load when first opened (scripts/split-wasm.sh), move the wasm loader out of index.html
# (scripts/external-loader.sh), and minify the stylesheet (scripts/minify-css.sh).
set -euo pipefail
here="$(dirname "$0")"
"$here/split-wasm.sh"
"$here/external-loader.sh"
"$here/minify-css.sh"
