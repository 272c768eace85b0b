# Sourced by the Makefile's recipes: puts the tools scripts/install-tools.sh installed on PATH.
SAFEGUARD_TOOLS_DIR="${SAFEGUARD_TOOLS_DIR:-$HOME/.cache/safeguard-tools}"
export PATH="$SAFEGUARD_TOOLS_DIR/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROME_BIN="${CHROME_BIN:-/usr/bin/chromium}"
