#!/usr/bin/env bash
# Installs what building and testing Safeguard needs, and nothing that is already there at the
# right version: a warm machine pays nothing. Versions are pinned because Trunk, the wasm-bindgen
# CLI and the `wasm-bindgen` crate must agree exactly (see Cargo.toml).
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132
WASM_SPLIT_VERSION=0.2.4
TERSER_VERSION=5
# The contract tests (scripts/contract-tests.sh): generated requests against the OpenAPI
# document, and a client generated from it.
SCHEMATHESIS_VERSION=4.32.5
OPENAPI_PYTHON_CLIENT_VERSION=0.29.1
# Real peers for the notification tests: an SMTP server with STARTTLS and AUTH, and the
# Standard Webhooks reference verifier.
AIOSMTPD_VERSION=1.4.6
STANDARDWEBHOOKS_VERSION=1.1.0
# A real SCIM 2.0 service provider for the SCIM source's tests, filled through its own API.
SCIM2_SERVER_VERSION=0.8.3
TOOLS_DIR="${SAFEGUARD_TOOLS_DIR:-$HOME/.cache/safeguard-tools}"

say() { printf '[install-tools] %s\n' "$*" >&2; }

have_version() { # command, expected substring of `command --version`
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! have_version trunk "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (several minutes, once)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION" || ! command -v wasm-bindgen-test-runner >/dev/null; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: the CLI's lock file names a crate version the registry refuses.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# The console's post-build hook splits its wasm (scripts/split-wasm.sh). The split must match the
# `wasm_split_helpers` crate Leptos uses (Cargo.lock), hence the pinned version.
if ! cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "installing wasm-split-cli (wasm_split_cli_support $WASM_SPLIT_VERSION)"
  cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
fi

if [ ! -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]; then
  say "installing binaryen $BINARYEN_VERSION (wasm-opt) into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && npm install --silent --no-audit --no-fund "binaryen@$BINARYEN_VERSION")
fi

# Minifies the console's scripts in a release build (scripts/split-wasm.sh).
if [ ! -x "$TOOLS_DIR/node_modules/.bin/terser" ]; then
  say "installing terser $TERSER_VERSION into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && npm install --silent --no-audit --no-fund "terser@$TERSER_VERSION")
fi

# Python tools in a virtual environment of their own, so the system's Python stays untouched.
VENV="$TOOLS_DIR/venv"
PYTHON_TOOLS=(
  "schemathesis==$SCHEMATHESIS_VERSION"
  "openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION"
  "aiosmtpd==$AIOSMTPD_VERSION"
  "standardwebhooks==$STANDARDWEBHOOKS_VERSION"
  "scim2-server==$SCIM2_SERVER_VERSION"
)
python_tools_present() {
  [ -x "$VENV/bin/pip" ] || return 1
  local installed
  installed=$("$VENV/bin/pip" freeze --disable-pip-version-check 2>/dev/null | tr '[:upper:]_' '[:lower:]-')
  for tool in "${PYTHON_TOOLS[@]}"; do
    grep -qx "$(printf '%s' "$tool" | tr '[:upper:]_' '[:lower:]-')" <<<"$installed" || return 1
  done
}
if ! python_tools_present; then
  say "installing ${PYTHON_TOOLS[*]} into $VENV"
  mkdir -p "$TOOLS_DIR"
  [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PYTHON_TOOLS[@]}"
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  say "installing chromium and chromedriver"
  if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# OpenLDAP's server and tools for the LDAP source's tests: the harness starts its own slapd on a
# loopback port with a temporary configuration. The package's own service is kept from starting
# (policy-rc.d answers 101, "not allowed"): nothing here needs a directory on port 389.
if [ ! -x /usr/sbin/slapd ] || [ ! -x /usr/bin/ldapsearch ] || ! command -v openssl >/dev/null; then
  say "installing slapd, ldap-utils and openssl (the test harnesses make their certificates with it)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
  policy=/usr/sbin/policy-rc.d
  placed_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod +x "$policy"
    placed_policy=1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq slapd ldap-utils openssl >/dev/null
  if [ -n "$placed_policy" ]; then $SUDO rm -f "$policy"; fi
fi
