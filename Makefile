GO ?= go
BIN := bin

.PHONY: build install test test-unit lint bench screenshot

build:
	$(GO) build -o $(BIN)/blockcheck ./cmd/blockcheck

install:
	$(GO) install ./cmd/blockcheck

# The shim and its metrics adapters are modules of their own.
MODULES := . shim shim/monitor/prommonitor shim/monitor/otelmonitor
# Timeouts sized for the 2-core CI machine, with room for a loaded one.
TEST_TIMEOUT := 20m

# test is what CI runs: the lint gates, every module's tests, then the real golangci-lint built with the plugin.
test: lint test-unit test-golangci

# The analyses run on one goroutine, and the race detector makes them 5-10 times slower while finding nothing there,
# so the main module's tests run without it (the parity test among them). The code that runs goroutines of its own
# runs under it: the language server, the loader's parallel type-checking and the session (internal/whole's
# TestPlan*, TestSession*, TestCancel), and all of the shim.
test-unit:
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./internal/lsp/
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) -run 'TestPlan|TestSession|TestCancel|TestNoDotModule' ./internal/whole/
	for m in $(filter-out .,$(MODULES)); do (cd $$m && $(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...) || exit 1; done

# lint: gofmt, go vet, staticcheck and go mod tidy in every module.
lint:
	gofmt -l $$(git ls-files '*.go') | (! grep .)
	for m in $(MODULES); do (cd $$m && $(GO) vet ./... && \
		$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./... && \
		$(GO) mod tidy -diff) || exit 1; done

STATICCHECK_VERSION := v0.8.2
BENCH_OUT := bench/out

# bench times blockcheck beside go vet and staticcheck on the testdata, on a generated service of 1,000 handlers and
# on one of 3,000 routes behind a shared path 1,000 calls deep, then on real services fetched as pinned modules
# (internal/benchgen/services.sh: ratios and the scaling curve; SERVICES= to choose, a service the proxy refuses is
# skipped), then runs the Go benchmarks of the engine. The services are prepared once in BENCH_CACHE (default
# blockcheck-bench beside GOCACHE) and reused: the first run vendors loki and compiles its 2,700 packages, most of
# an hour on two cores.
bench: build
	GOBIN=$(CURDIR)/$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	rm -rf $(BENCH_OUT) && $(GO) run ./internal/benchgen -out $(BENCH_OUT)/gen1000 -handlers 1000
	$(GO) run ./internal/benchgen -out $(BENCH_OUT)/deep3000 -handlers 3000 -depth 1000
	STATICCHECK=$(BIN)/staticcheck BLOCKCHECK=$(BIN)/blockcheck internal/benchgen/compare.sh testdata/stdlib $(BENCH_OUT)/gen1000 $(BENCH_OUT)/deep3000
	STATICCHECK=$(BIN)/staticcheck BLOCKCHECK=$(BIN)/blockcheck internal/benchgen/services.sh
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./internal/whole/

# golangci-lint v2 with the blockcheck module plugin, built from the Go module proxy alone (golangci-lint custom
# clones from GitHub; see docs/golangci.md). About 140 s with a warm module cache, 10 minutes cold.
GOLANGCI_LINT_BLOCKCHECK := $(CURDIR)/$(BIN)/golangci-lint-blockcheck

.PHONY: golangci test-golangci test-vet test-parity

golangci:
	cd internal/tools/golangci && $(GO) mod tidy && $(GO) build -o $(GOLANGCI_LINT_BLOCKCHECK) .

# Runs the custom golangci-lint on testdata/golangci: findings, //nolint:blockcheck, settings and --fix.
test-golangci: golangci
	cd testdata/golangci && $(GO) mod download
	GOLANGCI_LINT_BLOCKCHECK=$(GOLANGCI_LINT_BLOCKCHECK) $(GO) test -count=1 -run TestGolangci -v ./analyzers/golangci/

# Runs every testdata module through both engines and checks that they find the same operations, but for the
# differences listed in internal/parity (without -race: it loads every module twice).
test-parity:
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) -run TestParity ./internal/parity/

# Runs the real go vet with blockcheck as its vettool on testdata/vet (also part of make test).
test-vet:
	$(GO) test -count=1 -run TestVet -v ./cmd/blockcheck/

# Renders the example service's HTML report in headless Chromium and saves the screenshot the README shows.
screenshot:
	BLOCKCHECK_SCREENSHOT=$(CURDIR)/docs/report.png $(GO) test -count=1 -run '^TestHTMLReportService$$' ./internal/cli/
