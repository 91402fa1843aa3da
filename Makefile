# presence-sync — see README.md. `make demo` runs the demo, `make test` runs every test.
SHELL := /bin/bash
GO ?= go
BIN := bin/presencesync

.PHONY: all build test test-go test-js-unit lint vet fmt-check bench fuzz salesforce salesforce-check

all: build

build: $(BIN)

$(BIN): $(shell find rules -name '*.go' -not -name '*_test.go') go.mod
	$(GO) build -o $(BIN) ./rules/cmd/presencesync

# Every test: Go (with fuzz seed corpora), the rules and scenarios in testdata/,
# the JS unit tests and the headless-browser tests.
test: fmt-check vet test-go lint test-js-unit salesforce-check

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
