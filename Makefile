# The two commands of README.md. Each installs what is missing first (scripts/install-tools.sh,
# which does nothing on a machine that already has everything).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ENV := source scripts/env.sh

LISTEN ?= 127.0.0.1:8080
DB ?= safeguard.db

.PHONY: run test tools console server check test-native test-wasm test-contract bench

## make run: build the console (release) and the server, start both on one port with demo data.
run: tools console
	$(ENV) && cargo build --release -p safeguard-server
	./target/release/safeguard serve --listen $(LISTEN) --db $(DB) --demo --console-dir dist

## make test: every test: formatting and lints, native, wasm32 in headless Chromium, end-to-end.
test: tools check console test-wasm test-native test-contract
	@echo "make test: all suites passed"

tools:
	scripts/install-tools.sh

console:
	$(ENV) && trunk build --release

check:
	$(ENV) && cargo fmt --all --check
	$(ENV) && cargo clippy --workspace --all-targets -- -D warnings
	$(ENV) && cargo clippy -p safeguard-console -p safeguard-rules --target wasm32-unknown-unknown -- -D warnings

# The rules crate builds for the browser, and the console's component tests run in Chromium.
test-wasm:
	$(ENV) && cargo build -p safeguard-rules --target wasm32-unknown-unknown
	$(ENV) && cargo test -p safeguard-console --target wasm32-unknown-unknown

# Rules, server (over a real SQLite file and HTTP), and end-to-end in headless Chromium; the
# end-to-end tests serve the console that `make console` built into dist/.
test-native:
	$(ENV) && cargo build -p safeguard-server
	$(ENV) && cargo test --workspace

# The server held to its OpenAPI document from outside: Schemathesis over every operation, a
# generated client, and ordinary clients reading a 413 (scripts/contract-tests.sh).
test-contract:
	$(ENV) && cargo build -p safeguard-server
	scripts/contract-tests.sh

## make bench: every benchmark; figures in BENCHMARKS.md.
bench: tools console
	$(ENV) && cargo bench -p safeguard-rules
	$(ENV) && cargo bench -p safeguard-server
	scripts/bench-api.sh
	scripts/measure-console.sh
	$(ENV) && cargo test -p safeguard-console --release --target wasm32-unknown-unknown \
		--features browser-bench --test preview_speed -- --nocapture

## make fuzz: fuzz the CSV reader, the CSV planner (against reading then planning), the filter
## parser and the settings body, 60 s each
## (FUZZ_SECONDS=300 make fuzz for longer); fails on any crash. See scripts/fuzz.sh.
.PHONY: fuzz
FUZZ_SECONDS ?= 60
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)
