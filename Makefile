# The two commands a newcomer needs: `make run` (a working local network) and `make test` (every test).
.PHONY: run test deps build lint bench

CARGO ?= cargo

deps:
	@tools/ensure-deps.sh

build: deps
	$(CARGO) build --release -p mdnode

run: build
	target/release/mdnode devnet --nodes 4

test: deps
	$(CARGO) test --workspace --all-targets
	python3 tests/vectors/verify_vectors.py tests/vectors/v1.json

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

bench:
	$(CARGO) bench --workspace
