GO ?= go
BIN := bin

.PHONY: build install test lint bench

build:
	$(GO) build -o $(BIN)/blockcheck ./cmd/blockcheck

install:
	$(GO) install ./cmd/blockcheck

test:
	$(GO) test -race -count=1 ./...

lint:
	gofmt -l $$(git ls-files '*.go' | grep -v /testdata/) | (! grep .)
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@2026.1 ./...

bench:
	@echo "see the bench target in a later commit"
