#!/usr/bin/env bash
# Trunk's post-build hook, first step (scripts/post-build.sh): splits the console's WebAssembly
# so the first page load does not carry the pages few administrators open.
#
# The console is built with its `split` feature (index.html): each page wrapped in `lazy_page!`
# (src/app.rs) is a `#[lazy]` function, which Leptos compiles as a split point, and the linker
# keeps its relocations (build.rs). Trunk cannot split a module itself (wasm-bindgen must run
# after the split, and Trunk runs it before any hook), so this hook redoes the last steps from
# the module cargo linked:
#
#   1. `wasm-split-cli` cuts it into the main module, one module per lazy page and chunks of
#      code shared by some of those pages, plus `__wasm_split.js`, which fetches them on demand;
#   2. `wasm-bindgen` and, in a release build, `wasm-opt -Oz` (for every module; Trunk's own
#      wasm-opt step is off in index.html, its output would be thrown away) make the main module
#      and its JavaScript, written over the files Trunk made under the same names, so the loader
#      and index.html still point at them;
#   3. `__wasm_split.js` and the page modules go to `wasm-split-<hash>/`, named by a hash of
#      their content like Trunk's other files, so a cached one never meets another build;
#   4. index.html's integrity hashes are brought up to date, and the split loader is preloaded.
#
# In a release build the two scripts are minified (terser) and every module is optimised.
set -euo pipefail

dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
profile="${TRUNK_PROFILE:-debug}"
index="$dir/index.html"

target_dir="$(cargo metadata --format-version 1 --no-deps | perl -ne 'print $1 if /"target_directory":"([^"]+)"/')"
raw="$target_dir/wasm32-unknown-unknown/$profile/safeguard-console.wasm"
[[ -f "$raw" ]] || { echo "split-wasm: no $raw" >&2; exit 1; }

shopt -s nullglob
scripts=("$dir"/safeguard-console-*.js)
[[ ${#scripts[@]} -eq 1 ]] || { echo "split-wasm: expected one safeguard-console-*.js in $dir" >&2; exit 1; }
stem="$(basename "${scripts[0]}" .js)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

wasm-split-cli --target web --out-name "$stem" "$raw" "$work/split"
# `--keep-lld-exports`: the page modules share the main module's function table, which
# `__wasm_split.js` reads from its exports.
wasm-bindgen --target web --no-typescript --keep-lld-exports --out-dir "$work/bindgen" --out-name "$stem" \
  "$work/split/$stem.wasm"

# The features Rust's wasm32 output uses; wasm-opt may then use them too.
features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
optimise() { # in, out
  if [[ "$profile" == release ]]; then
    # -Oz, then flattening and re-looping the control flow and -Oz twice more: 2 KB (gzip)
    # less than -Oz alone on the main module (BENCHMARKS.md).
    wasm-opt -Oz --flatten --rereloop -Oz -Oz --strip-producers --strip-target-features \
      "${features[@]}" "$1" -o "$2"
  else
    cp "$1" "$2"
  fi
}
# In a release build the scripts are minified too (terser, scripts/install-tools.sh).
minify() { # file, in place
  if [[ "$profile" == release ]]; then
    terser "$1" --module --compress --mangle --output "$1.min"
    mv "$1.min" "$1"
  fi
}

# The main module's script imports the split loader, which imports it back (`initSync`): both
# `from`s change for the loader's folder. Only the `from`s: the keys of the wasm's import object
# stay the names the module asks for.
lazy="$work/lazy"
mkdir -p "$lazy"
cp "$work/split/__wasm_split.js" "$lazy/"
STEM="$stem" perl -0777 -i -pe 's{(\bfrom\s*["\x27])\./\Q$ENV{STEM}\E\.js(["\x27])}{$1../$ENV{STEM}.js$2}g' \
  "$lazy/__wasm_split.js"
grep -q "from \"\.\./$stem\.js\"" "$lazy/__wasm_split.js" ||
  { echo "split-wasm: __wasm_split.js does not import ../$stem.js" >&2; exit 1; }
minify "$lazy/__wasm_split.js"
for module in "$work"/split/*.wasm; do
  name="$(basename "$module")"
  [[ "$name" == "$stem.wasm" ]] && continue
  optimise "$module" "$lazy/$name" 2>/dev/null
done
hash="$(cat "$lazy"/* | sha256sum | cut -c1-16)"
folder="wasm-split-$hash"

FOLDER="$folder" perl -0777 -i -pe 's{(\bfrom\s*["\x27])\./__wasm_split\.js(["\x27])}{$1./$ENV{FOLDER}/__wasm_split.js$2}g' \
  "$work/bindgen/$stem.js"
if grep -Eq "from *[\"']\./__wasm_split\.js" "$work/bindgen/$stem.js" ||
  ! grep -q "/$folder/__wasm_split\.js" "$work/bindgen/$stem.js"; then
  echo "split-wasm: the main script's import of __wasm_split.js was not moved" >&2
  exit 1
fi
minify "$work/bindgen/$stem.js"

optimise "$work/bindgen/${stem}_bg.wasm" "$dir/${stem}_bg.wasm"
cp "$work/bindgen/$stem.js" "$dir/$stem.js"
rm -rf "$dir"/wasm-split-*
cp -r "$lazy" "$dir/$folder"

sri() { printf 'sha384-%s' "$(openssl dgst -sha384 -binary "$1" | openssl base64 -A)"; }
js_sri="$(sri "$dir/$stem.js")"
wasm_sri="$(sri "$dir/${stem}_bg.wasm")"
split_sri="$(sri "$dir/$folder/__wasm_split.js")"
STEM="$stem" JS_SRI="$js_sri" WASM_SRI="$wasm_sri" SPLIT_SRI="$split_sri" FOLDER="$folder" \
  perl -0777 -i -pe '
    s{(href="[^"]*/\Q$ENV{STEM}\E\.js"[^>]*integrity=")[^"]*(")}{$1$ENV{JS_SRI}$2}
      or die "split-wasm: no preload of the main script\n";
    s{(href="[^"]*/\Q$ENV{STEM}\E_bg\.wasm"[^>]*integrity=")[^"]*(")}{$1$ENV{WASM_SRI}$2}
      or die "split-wasm: no preload of the main module\n";
    s{</head>}{<link rel="modulepreload" href="/$ENV{FOLDER}/__wasm_split.js" crossorigin="anonymous" integrity="$ENV{SPLIT_SRI}"></head>}
      or die "split-wasm: no </head>\n";
  ' "$index"
