#!/usr/bin/env bash
# Trunk's post-build hook (scripts/post-build.sh): the built stylesheet without its comments and
# the spaces around punctuation, which a browser does not need (style/main.css keeps them for
# people), and index.html's integrity hash of it brought up to date. Quoted strings in the
# stylesheet hold no punctuation (the column labels), so collapsing around it is safe; the
# check below refuses a stylesheet where that would not hold.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
index="$dir/index.html"
shopt -s nullglob
for css in "$dir"/main-*.css; do
  if grep -o '"[^"]*"' "$css" | grep -q '[,:;{}>]'; then
    echo "minify-css: a quoted string in $css holds punctuation; not minified" >&2
    continue
  fi
  perl -0777 -i -pe 's{/\*.*?\*/}{}gs; s{\s+}{ }g; s{\s*([{};:,>])\s*}{$1}g; s{;\}}{\}}g; s{^\s+|\s+$}{}g' "$css"
  name="$(basename "$css")"
  sri="sha384-$(openssl dgst -sha384 -binary "$css" | openssl base64 -A)"
  NAME="$name" SRI="$sri" perl -0777 -i -pe 's{(href="/\Q$ENV{NAME}\E"[^>]*integrity=")[^"]*(")}{$1$ENV{SRI}$2}' "$index"
  grep -q "$sri" "$index" || { echo "minify-css: no integrity of $name in $index to update" >&2; exit 1; }
done
