# presence-sync — see README.md. `make demo` runs the demo, `make test` runs every test.
SHELL := /bin/bash
GO ?= go
BIN := bin/presencesync

.PHONY: all build test test-go test-js-unit lint vet fmt-check bench fuzz salesforce salesforce-check \
	dist js-deps chromium vet-wasm test-wasm test-browser demo

all: build

build: $(BIN)

$(BIN): $(shell find rules -name '*.go' -not -name '*_test.go') go.mod
	$(GO) build -o $(BIN) ./rules/cmd/presencesync

# Every test: Go (with fuzz seed corpora), the rules and scenarios in testdata/,
# the JS unit tests and the headless-browser tests.
test: fmt-check vet vet-wasm test-go test-wasm lint test-js-unit salesforce-check test-browser

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

# JS unit tests (Salesforce adapters, leadership, payload handling): Node's own runner, no npm packages needed.
test-js-unit:
	node --test js/test/unit/

# Salesforce: check the metadata (names referenced across files exist), and build the static resource bundle.
salesforce-check:
	node js/salesforce/build.mjs --check

salesforce: dist
	node js/salesforce/build.mjs $(if $(RULES),--rules $(RULES))

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./rules/

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 20s ./rules/
	$(GO) test -run '^$$' -fuzz FuzzEvaluate -fuzztime 20s ./rules/

# ---- browser: the WebAssembly module, the JS shim, browser tests, the demo ----------

DIST := js/dist
WASM_EXEC := $(shell $(GO) env GOROOT)/lib/wasm/wasm_exec.js
GO_SOURCES := $(shell find rules wasm -name '*.go' -not -name '*_test.go') go.mod go.sum
JS_SOURCES := $(wildcard js/src/*.js) js/build.mjs js/presence-sync.d.ts
NPM_STAMP := js/node_modules/.presence-sync-installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium

# js/dist: presence-sync.js (classic), presence-sync.mjs (ES module), presence-sync.wasm,
# the wasm_exec.js of the Go that built it, presence-sync.d.ts, presence-sync.wasm.gz.
dist: $(DIST)/presence-sync.js

$(DIST)/presence-sync.wasm: $(GO_SOURCES)
	@mkdir -p $(DIST)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $@ ./wasm

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

vet-wasm:
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/

# The wasm/ package's tests, run under Node with browser-like globals.
test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(CURDIR)/wasm/testdata/go_js_wasm_exec" ./wasm/

# Headless Chromium through playwright-core: real Streams against a fake CCP, the shim,
# the demo (screenshot in js/test/artifacts/).
test-browser: dist js-deps chromium
	node --test --test-timeout=300000 js/test/browser/browser.test.mjs

# Builds, then serves the demo on 127.0.0.1 (PORT, default 8080; the simulated CCP on PORT+1).
PORT ?= 8080
demo: dist js-deps
	PORT=$(PORT) node js/demo/serve.mjs
