# Kaoping: `make demo` and `make test` are the two set-up commands (see README.md).
# Both install what is missing first, so a fresh Debian machine needs nothing else.

SWIFT       ?= swift
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# C libraries we link, and the real programs the tests make and check files with.
APT_PACKAGES := libxlsxwriter-dev libzip-dev libfreexl-dev zlib1g-dev pkg-config unzip \
                python3 python3-pip libreoffice-calc-nogui poppler-utils
PY_PACKAGES  := openpyxl XlsxWriter python-calamine pandas msoffcrypto-tool
PY_MODULES   := openpyxl, xlsxwriter, python_calamine, pandas, msoffcrypto

DEMO_OUT := out/demo

.PHONY: deps build demo test bench clean

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
	$(SWIFT) run -q kaoping inspect examples/signin-sample.csv
	$(SWIFT) run -q kaoping convert examples/signin-sample.csv $(DEMO_OUT)/签到表.xlsx
	$(SWIFT) run -q kaoping inspect $(DEMO_OUT)/签到表.xlsx --rows 3
	@echo "示例输出：$(DEMO_OUT)/签到表.xlsx"

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: deps
	$(SWIFT) build -c release --product sheetio-bench
	$(SWIFT) build -c release --product roster-bench
	python3 Benchmarks/bench.py .build/release/sheetio-bench $(BENCH_ROWS)
	python3 Benchmarks/make_roster_data.py .build-bench/roster
	.build/release/roster-bench .build-bench/roster
	$(SWIFT) build -c release --product report-bench
	.build/release/report-bench $(or $(REPORT_ROWS),500000) .build-bench/report .build-bench/roster

clean:
	rm -rf .build out .build-bench .build-fixtures
