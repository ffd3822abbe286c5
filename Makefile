# The two commands a newcomer needs: `make run` (a working local network with its web UI) and
# `make test` (every test). `make deps` installs what a fresh machine lacks.
.PHONY: run test deps ui build lint bench test-rust test-ui test-e2e

CARGO ?= cargo

deps:
	@tools/ensure-deps.sh

# The UI is embedded into the binary at compile time, so it is built first.
ui: deps
	cd frontend && npm run build

build: ui
	$(CARGO) build --release -p mdnode

run: build
	target/release/mdnode devnet --nodes 4

test: deps ui test-rust test-ui test-e2e
	python3 tests/vectors/verify_vectors.py tests/vectors/v1.json

# One test at a time inside each test binary: several binaries start real libp2p swarms and node
# processes, and on a 2-core machine running those concurrently makes their deadlines flaky.
test-rust:
	RUST_TEST_THREADS=1 $(CARGO) test --workspace --all-targets --no-fail-fast

test-ui:
	cd frontend && npm test && npm run lint && npm run format:check

# End-to-end: the built UI in Debian's headless chromium against a real 4-node devnet
# (frontend/e2e/run.mjs; screenshots in target/e2e/). It uses the dev-profile binary that test-rust
# built (the same cargo invocation, so nothing is rebuilt with other features); in debug builds
# rust-embed reads frontend/dist from disk at run time.
MDNODE_DEV_BIN = $(abspath $(or $(CARGO_TARGET_DIR),target)/debug/mdnode)
test-e2e: ui
	$(CARGO) test --workspace --all-targets --no-run
	cd frontend && MDNODE_BIN=$(MDNODE_DEV_BIN) E2E_OUT=$(CURDIR)/target/e2e node e2e/run.mjs

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

bench:
	$(CARGO) bench --workspace
