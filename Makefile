# Kaoping: `make demo` and `make test` are the two set-up commands (see README.md).
# Both install what is missing first, so a fresh Debian machine needs nothing else.

SWIFT       ?= swift
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# C libraries we link, and the real programs the tests make and check files with.
APT_PACKAGES := libxlsxwriter-dev libzip-dev zlib1g-dev pkg-config unzip \
                python3 python3-pip libreoffice-calc-nogui poppler-utils fonts-wqy-zenhei \
                chromium chromium-driver
PY_PACKAGES  := openpyxl XlsxWriter python-calamine pandas msoffcrypto-tool fastexcel polars PyYAML xlwt selenium
PY_MODULES   := openpyxl, xlsxwriter, python_calamine, pandas, msoffcrypto, fastexcel, polars, yaml, xlwt, selenium

DEMO_OUT := out/demo

.PHONY: deps build demo docs test bench fuzz clean serve

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@python3 -c "import $(PY_MODULES)" 2>/dev/null || \
		python3 -m pip install -q $(PY_PACKAGES) 2>/dev/null || \
		python3 -m pip install -q --break-system-packages $(PY_PACKAGES)

build: deps
	$(SWIFT) build

demo: build
	@mkdir -p $(DEMO_OUT)
	$(SWIFT) run -q kaoping evaluate examples/lechang/config.yaml -o $(DEMO_OUT)/乐昌市-自评表.xlsx --json $(DEMO_OUT)/乐昌市.json
	@echo "示例输出：$(DEMO_OUT)/乐昌市-自评表.xlsx（JSON 结果：$(DEMO_OUT)/乐昌市.json）"

# docs/report-page1.png: page 1 of the demo workbook as LibreOffice prints it;
# docs/workbench-*.png: each step of the workbench page in headless Chromium.
docs: demo
	cd $(DEMO_OUT) && soffice --headless --convert-to pdf 乐昌市-自评表.xlsx >/dev/null
	pdftoppm -png -r 80 -f 1 -l 1 -singlefile $(DEMO_OUT)/乐昌市-自评表.pdf docs/report-page1
	python3 Tests/Browser/workbench_e2e.py .build/debug/kaoping --screenshots docs

# The workbench (`kaoping serve`) with the two examples as ready workspaces under out/workspaces
# (copied once: their data folder becomes files/, as the page keeps uploads). SERVE_ARGS adds
# options, e.g. `make serve SERVE_ARGS="--port 8700"`.
SERVE_DIR := out/workspaces
serve: build
	@for ex in lechang qingxin; do \
		if [ ! -f $(SERVE_DIR)/$$ex/config.yaml ]; then \
			mkdir -p $(SERVE_DIR)/$$ex/out && cp -R examples/$$ex/data $(SERVE_DIR)/$$ex/files && \
			sed 's#data/#files/#g' examples/$$ex/config.yaml > $(SERVE_DIR)/$$ex/config.yaml; \
		fi; \
	done
	$(SWIFT) run -q kaoping serve $(SERVE_DIR) $(SERVE_ARGS)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	python3 Tests/Browser/workbench_e2e.py .build/debug/kaoping

# The commands users run beside their peers (BENCH_ROWS=100000 for a quick run), then the
# inner-loop benchmarks of Roster and Report.
bench: deps
	$(SWIFT) build -c release --product kaoping
	$(SWIFT) build -c release --product roster-bench
	python3 Benchmarks/bench.py .build/release/kaoping $(BENCH_ROWS)
	python3 Benchmarks/make_roster_data.py .build-bench/roster
	.build/release/roster-bench .build-bench/roster
	.build/release/roster-bench .build-bench/roster load
	$(SWIFT) build -c release --product report-bench
	.build/release/report-bench $(or $(REPORT_ROWS),500000) .build-bench/report .build-bench/roster
	$(SWIFT) build -c release --product kaoping
	python3 Benchmarks/bench_xls.py .build/release/kaoping
	python3 Benchmarks/serve_load.py .build/release/kaoping --clients $(or $(SERVE_CLIENTS),20)

# libFuzzer harnesses over the XLSX, XLS and CSV readers, FUZZ_SECONDS each (seeds: the test fixtures).
FUZZ_SECONDS ?= 300
fuzz: deps
	tools/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

clean:
	rm -rf .build out .build-bench .build-fixtures .build-fuzz
