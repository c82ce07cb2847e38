# Switchboard: `make run` and `make test` set everything up on a machine with only Node.js and npm.
BUN_VERSION := 1.4.5
# Bun comes from the npm registry, pinned, into .tools/ (kept apart from node_modules so that
# `bun install --frozen-lockfile` owns node_modules alone).
BUN := $(CURDIR)/.tools/node_modules/.bin/bun
BUN_STAMP := .tools/.bun-$(BUN_VERSION)
DEPS_STAMP := node_modules/.installed

.PHONY: run test test-postgres build clean bench soak browser netns wrk strace postgres

run: $(DEPS_STAMP)
	$(BUN) run src/main.ts serve

test: $(DEPS_STAMP) browser netns strace postgres
	$(BUN) x tsc --noEmit --noUnusedLocals -p .
	$(BUN) test --timeout 30000

# The server tests (API, security, store, the admin in Chromium) again, every server on PostgreSQL: a throwaway cluster in a temp dir on a
# Unix socket (test/helpers/postgres.ts), a fresh database per server.
test-postgres: $(DEPS_STAMP) postgres browser
	SWITCHBOARD_TEST_ENGINE=postgres $(BUN) test --timeout 30000 test/api test/security test/store test/e2e

build: dist/switchboard

# Identifiers are not minified: with them renamed, Elysia's compiled query validators let
# `limit=1.5` and `limit=0` through (test/binary.test.ts checks validation survives the build).
# --bytecode ships the code compiled ahead of time: cold start 155 → about 100 ms.
dist/switchboard: $(DEPS_STAMP) $(shell find src views public -type f 2>/dev/null) package.json Makefile
	$(BUN) build src/main.ts --compile --bytecode --format=esm --minify-whitespace --minify-syntax --sourcemap \
	  --no-compile-autoload-dotenv --no-compile-autoload-bunfig --outfile dist/switchboard src/db/checkpoint-worker.ts src/db/postgres/bridge-worker.ts

# Load tests on 127.0.0.1 only; prints every figure with its target, writes test/bench/results/.
bench: build wrk postgres
	$(BUN) run test/bench/run.ts

# Fault tests on 127.0.0.1, bounded (about five minutes): kill -9 under load; a full disk
# (tmpfs, root); overload; receiver faults drained by the real retry schedule; retention
# pruning a month of logs under load without the file growing; a target down for an hour in
# simulated time behind its circuit.
soak: build wrk postgres
	@rm -f test/.tmp/soak-summary.md
	$(BUN) run test/soak/crash-under-load.ts
	$(BUN) run test/soak/disk-full.ts
	$(BUN) run test/soak/overload.ts
	$(BUN) run test/soak/receiver-faults.ts
	$(BUN) run test/soak/retention.ts
	$(BUN) run test/soak/target-outage.ts
	$(BUN) run test/soak/postgres-instances.ts
	@echo; echo "| fault | sent | acknowledged | arrived | lost |"; echo "| --- | --- | --- | --- | --- |"; cat test/.tmp/soak-summary.md

wrk:
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

# The store tests start a throwaway PostgreSQL cluster from Debian's packages.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; \
	  else echo "PostgreSQL is missing: install Debian's 'postgresql' package for the store tests" >&2; fi; }

# The durability test watches the compiled binary's fdatasync calls with strace.
strace:
	@command -v strace >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq strace >/dev/null; \
	  else echo "strace is missing: install Debian's 'strace' package for the durability test" >&2; fi; }

clean:
	rm -rf dist test/.tmp .tools node_modules

$(BUN_STAMP):
	npm install --no-save --no-package-lock --no-audit --no-fund --prefix .tools bun@$(BUN_VERSION)
	touch $@

$(DEPS_STAMP): $(BUN_STAMP) package.json bun.lock
	$(BUN) install --frozen-lockfile
	touch $@

# The browser tests drive Debian's Chromium; install it when it is missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's 'chromium' package for the browser tests" >&2; fi; }

# The DNS-rebinding test runs the server in a network namespace of its own (unshare, from
# util-linux; ip, from iproute2) and makes a TLS certificate with openssl.
netns:
	@for tool in ip:iproute2 openssl:openssl unshare:util-linux; do \
	  command -v $${tool%%:*} >/dev/null 2>&1 && continue; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $${tool##*:} >/dev/null; \
	  else echo "$${tool%%:*} is missing: install Debian's '$${tool##*:}' package for the rebinding test" >&2; fi; \
	done
