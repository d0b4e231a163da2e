# Portfront — the two commands a newcomer needs:
#   make run    build and start the store with the demo catalog on SQLite (http://127.0.0.1:3000)
#   make test   the whole test suite (what CI runs)
# Both install what they need first (see .ci/ensure-tools); a second run skips what is there.

SHELL := /bin/bash
ROOT := $(abspath .)
export PATH := $(ROOT)/frontend/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# Where tests find PostgreSQL (trust auth on this machine); empty disables the PostgreSQL pass.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test tools test-tools site lint unit fuzz e2e bench fmt clean-data

run: tools site
	@mkdir -p data
	PORTFRONT_DEMO=1 \
	PORTFRONT_SITE_NAME="$${PORTFRONT_SITE_NAME:-Harbourline Industrial}" \
	LEPTOS_SITE_ROOT=$(ROOT)/target/site \
	DATABASE_URL="$${DATABASE_URL:-sqlite://$(ROOT)/data/portfront.db?mode=rwc}" \
	./target/release/server serve

test: test-tools lint unit fuzz site e2e

tools:
	@.ci/ensure-tools build

test-tools:
	@.ci/ensure-tools test

# The release site: server binary in target/release/server, wasm/JS/CSS in target/site/pkg.
site:
	cargo leptos build --release

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --exclude frontend --all-targets --features app/ssr -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# Unit and integration tests: SQLite always, PostgreSQL too when it answers.
unit:
	@if [ -n "$(PG_TEST_URL)" ] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		echo "PostgreSQL answers: database tests run on SQLite and PostgreSQL"; \
		PORTFRONT_TEST_PG_URL="$(PG_TEST_URL)" cargo test --workspace --exclude frontend --features app/ssr; \
	else \
		echo "PostgreSQL does not answer: database tests run on SQLite only"; \
		cargo test --workspace --exclude frontend --features app/ssr; \
	fi

e2e:
	cd end2end && npx playwright test

# A bounded run of every fuzz target (crashes fail the suite); longer runs: docs/logistics.md.
fuzz:
	server/domain/fuzz/run-bounded.sh $${FUZZ_SECONDS:-10}

bench:
	bench/run.sh

fmt:
	cargo fmt --all

clean-data:
	rm -rf data
