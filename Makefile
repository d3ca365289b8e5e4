# The two commands: `make demo` and `make test`. Everything they need is installed or built here.
SHELL := /bin/bash
GO ?= go
export PATH := $(CURDIR)/.tools/bin:$(PATH)

.PHONY: up down status build demo eval test vet fmt-check unit fuzz bench bench-go clean chaos

up: ## start Postgres and the Temporal dev server (with UI), idempotently
	@scripts/services.sh up

down: ## stop what `make up` started
	@scripts/services.sh down

status:
	@scripts/services.sh status

build: ## build bin/worker and bin/starter
	@mkdir -p bin
	$(GO) build -o bin/worker ./worker
	$(GO) build -o bin/starter ./starter

demo: build up ## run the whole pipeline on the sample data and show the result
	@scripts/demo.sh

eval: build up ## grouping quality on the sample and every evalsets/ set, each on a fresh database
	@scripts/eval.sh $(SETS)

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi

test: fmt-check vet fuzz up ## every test, integration tests against real Postgres and Temporal included
	@scripts/tools.sh chromium
	REQUIRE_SERVICES=1 $(GO) test -race -count=1 -timeout 40m ./...

# Each fuzz target runs FUZZTIME inputs on top of its checked-in corpus (testdata/fuzz);
# go test fuzzes one target per invocation. A crash leaves its input in testdata/fuzz.
# A count, not a duration: Go 1.26's fuzz coordinator can fail a target with a bare
# "context deadline exceeded" when a -fuzztime duration ends (golang/go#75804, fixed in 1.27);
# a count has no deadline.
FUZZTIME ?= 5000x
FUZZ_TARGETS := FuzzReadJSONL:./ingest/ FuzzReadIntercom:./ingest/ FuzzParse:./extraction/ \
	FuzzNormalize:./signature/ FuzzResolve:./signature/ FuzzCSV:./backlog/export/ FuzzMarkdown:./backlog/export/

fuzz: ## run FUZZTIME inputs through every fuzz target (readers, theme validation, signatures, CSV/Markdown writers)
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t%%:*} $${t#*:}"; \
		out=$$($(GO) test -run '^$$' -fuzz "^$${t%%:*}$$" -fuzztime $(FUZZTIME) $${t#*:} 2>&1) || { echo "$$out"; exit 1; }; \
	done

unit: ## the tests that need no services
	$(GO) test -race -count=1 -short ./...

bench: build up ## the product end to end: BENCH=default|seed|cpu|scale|daily (see README for the figures)
	$(GO) run ./bench

bench-go: up ## the Go benchmarks of single parts (grouping, import, extraction activity)
	REQUIRE_SERVICES=1 $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./...

# Every chaos scenario on a private Postgres and dev server (restarted under the runs); the
# Markdown table is printed and kept in bin/chaos.md. CHAOS_N sets the conversations per scenario.
chaos: up ## runs under worker kills, Postgres and Temporal restarts and 20% model faults (see README)
	@mkdir -p bin && rm -f bin/chaos.md
	@CHAOS=full CHAOS_REPORT=$(CURDIR)/bin/chaos.md REQUIRE_SERVICES=1 $(GO) test -count=1 -run '^TestChaos$$' -timeout 60m ./integration/; \
		rc=$$?; echo; cat bin/chaos.md 2>/dev/null; exit $$rc

clean:
	rm -rf bin
