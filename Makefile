# presence-sync — see README.md. `make demo` runs the demo, `make test` runs every test.
SHELL := /bin/bash
GO ?= go
BIN := bin/presencesync

.PHONY: all build test test-go test-js-unit lint vet fmt-check bench fuzz fuzz-short soak soak-short salesforce salesforce-check \
	dist js-deps chromium vet-wasm test-wasm test-browser demo tsc

all: build

build: $(BIN)

$(BIN): $(shell find rules -name '*.go' -not -name '*_test.go') go.mod
	$(GO) build -o $(BIN) ./rules/cmd/presencesync

# Every test: Go (with fuzz seed corpora), the rules and scenarios in testdata/,
# the JS unit tests and the headless-browser tests.
test: fmt-check vet vet-wasm tsc test-go test-wasm lint test-js-unit salesforce-check test-browser soak-short fuzz-short

test-go:
	$(GO) test -count=1 ./rules/...

vet:
	$(GO) vet ./rules/...

fmt-check:
	@out=$$(gofmt -l rules wasm); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi

# Lint every rules file in testdata/rules (warnings allowed), and run every scenario.
lint: build
	@for f in testdata/rules/*.json; do $(BIN) lint --quiet "$$f" || exit 1; done
	$(BIN) simulate testdata/scenarios/*.json

# The shim's JSDoc types (js/src) checked by TypeScript, strict, and the public
# js/presence-sync.d.ts type-tested against them (js/test/types/api.test.ts): js/tsconfig.json.
tsc: js-deps
	cd js && node_modules/.bin/tsc -p .

# JS unit tests (Salesforce adapters, leadership, payload handling, the Salesforce tooling): Node's
# own runner. The fuzz test drives the shim with the real engine under Node (the built module);
# the Salesforce tooling tests use the npm dev dependencies and bin/presencesync.
test-js-unit: js/dist/presence-sync.wasm js/dist/wasm_exec.js js-deps build
	node --test js/test/unit/

# Salesforce, offline (js/salesforce/build.mjs): salesforce-check parses every Apex class with
# @apexdevtools/apex-parser, checks the names files use of each other and the custom metadata
# records (linted as rules by presencesync), and converts the project to metadata format with
# Salesforce's @salesforce/source-deploy-retrieve. salesforce does the same, lints the rules it
# packs (RULES=..., default js/salesforce/rules.json) and stops on an error, builds the
# PresenceSync static resource and a deployable project, and prints the deploy command.
salesforce-check: build js-deps
	node js/salesforce/build.mjs --check

salesforce: dist build
	node js/salesforce/build.mjs $(if $(RULES),--rules $(RULES))

# Performance (js/bench/bench.mjs): transfer sizes and what each dependency costs, start-up
# cold and warm, per-event overhead beside a plain-JavaScript baseline (10 and 1,000 rules),
# a burst of 10,000 events, memory, and the Go benchmarks of rules/ (go test -bench), in
# headless Chromium; prints one table and writes js/test/artifacts/bench.json.
# BENCH_RUNS (default 3), BENCH_EVENTS (default 10000), BENCH_SKIP: see js/bench/bench.mjs.
bench: dist js-deps chromium
	node js/bench/bench.mjs

# Go fuzzing budgets are counts of inputs ("Nx"), not durations: go1.26's fuzz coordinator
# can fail a target with a bare "context deadline exceeded" when a -fuzztime duration ends
# while a worker is busy (golang/go#75804, fixed in go1.27), and a count never sets that deadline.
# make fuzz: the parser and the evaluator, FUZZ_LONG inputs each.
FUZZ_LONG ?= 400000x
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZ_LONG) ./rules/
	$(GO) test -run '^$$' -fuzz '^FuzzEvaluate$$' -fuzztime $(FUZZ_LONG) ./rules/

# Every Go fuzz target under rules/ (found with go test -list), each for FUZZTIME inputs
# (about 2 to 20 s a target on this machine). A failing input is written to the package's
# testdata/fuzz/ and fails the target.
FUZZTIME ?= 40000x
fuzz-short:
	@set -e; for pkg in $$($(GO) list ./rules/...); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz $$t ($$pkg, $(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$${t}\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

# Soak: SOAK_EVENTS events (default 100000) through the module in headless Chromium, sampling
# the JS heap, WebAssembly memory and live js.Func; prints a table, writes
# js/test/artifacts/soak.json, and fails when a figure grows after warm-up (js/test/soak.mjs).
SOAK_EVENTS ?= 100000
soak: dist js-deps chromium
	SOAK_EVENTS=$(SOAK_EVENTS) node js/test/soak.mjs --json js/test/artifacts/soak.json

# The same with 10,000 events (about 15 s); part of make test.
soak-short: dist js-deps chromium
	node js/test/soak.mjs --events 10000 --samples 10 --quiet --json js/test/artifacts/soak-short.json

# ---- browser: the WebAssembly module, the JS shim, browser tests, the demo ----------

DIST := js/dist
WASM_EXEC := $(shell $(GO) env GOROOT)/lib/wasm/wasm_exec.js
GO_SOURCES := $(shell find rules wasm -name '*.go' -not -name '*_test.go') go.mod go.sum
JS_SOURCES := $(wildcard js/src/*.js) js/build.mjs js/presence-sync.d.ts
NPM_STAMP := js/node_modules/.presence-sync-installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium
# Build tags of the module. By default: the structured
# values that cross converted with github.com/norunners/vert, the page listeners removed with
# honnef.co/go/js/dom/v2 (wasm/convert.go, wasm/page.go). WASM_TAGS=novert,nodom builds it
# with syscall/js alone (wasm/convert_lean.go, wasm/page_lean.go): the same behaviour, about
# 110 KB gzip smaller (`make bench`'s size table says what each costs).
WASM_TAGS ?=
# The module's Go flags. The engine package is compiled without inlining: Go's inlining
# copies small helpers (the JSON writer's and reader's) into hundreds of call sites, which
# in WebAssembly costs about 54 KB gzip of module for no measured speed (BenchmarkSessionCycle
# and BenchmarkHandleEvent compiled to WebAssembly run as fast either way); js/bench/sizes.mjs
# builds its variants with the same flags.
WASM_GCFLAGS := -gcflags=github.com/presence-sync/presence-sync/rules=-l

# js/dist: presence-sync.js (classic), presence-sync.mjs (ES module), presence-sync.wasm,
# the wasm_exec.js of the Go that built it, presence-sync.d.ts, presence-sync.wasm.gz.
dist: $(DIST)/presence-sync.js

# Rebuilt when WASM_TAGS changes: the stamp is rewritten only when its content differs.
$(DIST)/.wasm-tags: FORCE
	@mkdir -p $(DIST)
	@echo '$(WASM_TAGS)' | cmp -s - $@ || echo '$(WASM_TAGS)' > $@

$(DIST)/presence-sync.wasm: $(GO_SOURCES) $(DIST)/.wasm-tags
	@mkdir -p $(DIST)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' $(WASM_GCFLAGS) $(if $(WASM_TAGS),-tags $(WASM_TAGS)) -o $@ ./wasm

$(DIST)/wasm_exec.js: $(WASM_EXEC)
	@mkdir -p $(DIST)
	cp $(WASM_EXEC) $@

$(DIST)/presence-sync.js: $(JS_SOURCES) $(DIST)/presence-sync.wasm $(DIST)/wasm_exec.js $(NPM_STAMP)
	cd js && node build.mjs

# npm ci in js/ when node_modules is missing or older than the lockfile.
js-deps: $(NPM_STAMP)

$(NPM_STAMP): js/package.json js/package-lock.json
	cd js && npm ci --no-audit --no-fund
	@touch $@

# Debian's chromium, installed when missing.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "installing chromium (apt-get)"; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium; \
	fi

# Both builds of wasm/: the default (vert and dom/v2), and the lean one (syscall/js alone).
vet-wasm:
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/
	GOOS=js GOARCH=wasm $(GO) vet -tags novert,nodom ./wasm/

# The wasm/ package's tests, run under Node with browser-like globals, for both builds.
test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(CURDIR)/wasm/testdata/go_js_wasm_exec" ./wasm/
	GOOS=js GOARCH=wasm $(GO) test -count=1 -tags novert,nodom -exec="$(CURDIR)/wasm/testdata/go_js_wasm_exec" ./wasm/

# Headless Chromium through playwright-core: real Streams against a fake CCP, the shim,
# the demo (screenshot in js/test/artifacts/).
test-browser: dist js-deps chromium
	node --test --test-timeout=300000 js/test/browser/browser.test.mjs

# Builds, then serves the demo on 127.0.0.1 (PORT, default 8080; the simulated CCP on PORT+1).
PORT ?= 8080
demo: dist js-deps
	PORT=$(PORT) node js/demo/serve.mjs

.PHONY: FORCE
FORCE:
