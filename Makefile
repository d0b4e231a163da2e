# Portfront — the two commands a newcomer needs:
#   make run    build and start the store with the demo catalog on SQLite (http://127.0.0.1:3000)
#   make test   the whole test suite (what CI runs)
# Both install what they need first (see .ci/ensure-tools); a second run skips what is there.
# More: make dist (the production build), make bench, make timings — see docs/building.md.

SHELL := /bin/bash
ROOT := $(abspath .)
export PATH := $(ROOT)/frontend/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# One build cache for every clone on this machine: `target` in the clone is a link to it, so
# `make run`, `make test` and CI reuse what any of them compiled (paths such as
# target/release/server stay as documented). A real `target` directory is left alone.
PORTFRONT_CACHE ?= $(HOME)/.cache/portfront
export FUZZ_TARGET_DIR ?= $(PORTFRONT_CACHE)/fuzz-target

# Where tests find PostgreSQL (trust auth on this machine); empty disables the PostgreSQL pass.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

# The production server build: one codegen unit, fat LTO (slow to build, the fastest binary).
# The everyday release profile in Cargo.toml builds much faster (docs/building.md).
DIST_ENV := CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
	CARGO_PROFILE_RELEASE_INCREMENTAL=false

.PHONY: run test tools test-tools target-dir site dist lint lint-wasm unit fuzz e2e bench timings eco-pdf-preview fmt clean-data

# The store, and beside it the demo voyage player (`server simulate-voyage --demo`), which
# keeps the demo's shipments moving through the signed carrier webhook.
run: tools site
	@mkdir -p data
	@export PORTFRONT_DEMO=1 \
	PORTFRONT_SITE_NAME="$${PORTFRONT_SITE_NAME:-Harbourline Industrial}" \
	LEPTOS_SITE_ROOT=$(ROOT)/target/site \
	DATABASE_URL="$${DATABASE_URL:-sqlite://$(ROOT)/data/portfront.db?mode=rwc}"; \
	addr="$${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"; \
	./target/release/server serve & server=$$!; \
	trap 'kill $$server $$player 2>/dev/null; wait $$server' INT TERM EXIT; \
	for _ in $$(seq 1 240); do \
		curl -fsS -o /dev/null "http://$$addr/readyz" 2>/dev/null && break; \
		kill -0 $$server 2>/dev/null || exit 1; sleep 0.5; \
	done; \
	./target/release/server simulate-voyage --demo --url "http://$$addr" --step-seconds 20 & player=$$!; \
	wait $$server

test: test-tools lint-wasm unit fuzz site e2e

tools: target-dir
	@.ci/ensure-tools build

test-tools: target-dir
	@.ci/ensure-tools test

# Cargo decides what to rebuild by comparing file times with its outputs. When another clone
# built into the shared cache after files here were last changed, this clone's sources look
# older than that clone's outputs and would be taken as built: so the first build from a clone
# that is not the cache's last user marks its sources as changed (the workspace crates
# rebuild once; dependencies stay).
target-dir:
	@if [ ! -e target ] && [ ! -L target ]; then \
		mkdir -p "$(PORTFRONT_CACHE)/target" && ln -s "$(PORTFRONT_CACHE)/target" target && \
		echo "target -> $(PORTFRONT_CACHE)/target (shared build cache)"; \
	fi
	@if [ -L target ] && [ "$$(cat target/.last-clone 2>/dev/null)" != "$(ROOT)" ]; then \
		git ls-files -z --cached --others --exclude-standard | xargs -0 -r touch -c && \
		echo "$(ROOT)" > target/.last-clone && \
		echo "shared build cache last used by another clone: sources here marked as changed"; \
	fi

# The release site: server binary in target/release/server, wasm/JS/CSS in target/site/pkg.
site: target-dir
	.ci/build-site --split --precompress $(SITE_FLAGS)

# The same site with the production server profile (what `make bench` compares against).
dist: target-dir
	$(DIST_ENV) .ci/build-site --split --precompress $(SITE_FLAGS)

# The lint and test builds erase the view types of Leptos components (`--cfg erase_components`):
# the generic view trees are what makes app/ slow to compile and check; the release site keeps
# them (faster rendering). docs/building.md has the figures.
lint lint-wasm unit: export RUSTFLAGS ?= --cfg erase_components

# Everything clippy checks, by hand: formatting, the native workspace, the browser crate.
lint: lint-wasm
	cargo clippy --workspace --exclude frontend --all-targets --features app/ssr -- -D warnings

# Formatting and clippy on the browser crate (wasm32). `make test` runs this; the native
# workspace is linted by `unit` while it compiles.
lint-wasm: target-dir
	cargo fmt --all -- --check
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# Unit and integration tests: SQLite always, PostgreSQL too when it answers. Clippy compiles
# the workspace's own crates for the tests (RUSTC_WORKSPACE_WRAPPER and CLIPPY_ARGS, as
# `cargo clippy` itself passes them: `-D warnings`), so the lints of every target — lib, bins, tests, examples, benches —
# and the tests share one build of the dependencies instead of a check pass and a build pass.
CLIPPY_DRIVER = $(shell rustup which clippy-driver 2>/dev/null || command -v clippy-driver)
TEST_BUILD = RUSTC_WORKSPACE_WRAPPER="$(CLIPPY_DRIVER)" CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__" \
	cargo test $(CARGO_FLAGS) --workspace --exclude frontend --features app/ssr
unit: target-dir
	@[ -n "$(CLIPPY_DRIVER)" ] || { echo "error: clippy-driver not found (rustup component add clippy)" >&2; exit 1; }
	$(TEST_BUILD) --benches --no-run
	@if [ -n "$(PG_TEST_URL)" ] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		echo "PostgreSQL answers: database tests run on SQLite and PostgreSQL"; \
		PORTFRONT_TEST_PG_URL="$(PG_TEST_URL)" $(TEST_BUILD); \
	else \
		echo "PostgreSQL does not answer: database tests run on SQLite only"; \
		$(TEST_BUILD); \
	fi

e2e:
	cd end2end && npx playwright test

# A bounded run of every fuzz target (crashes fail the suite); longer runs: docs/logistics.md.
fuzz: target-dir
	server/domain/fuzz/run-bounded.sh $${FUZZ_SECONDS:-10}

# Load tests: the everyday release build and the production build side by side (bench/).
bench: tools
	bench/run.sh

# Wall time of every step of `make test` and `make run` (docs/building.md).
timings:
	bench/timings.sh $${TIMINGS:-all}

# Sample e-CO PDFs (and PNG pages, with Debian's poppler-utils) in target/eco-pdf-preview/.
eco-pdf-preview: target-dir
	cargo run -p domain --example eco_pdf_preview

fmt:
	cargo fmt --all

clean-data:
	rm -rf data
