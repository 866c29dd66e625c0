# zongjie — the two commands of the quick start:
#   make demo   set up (system packages, venv) and run the bundled sample end to end
#   make test   set up (system packages, venv with dev tools) and run the whole test suite
# Both are idempotent: run them again and they only do what is missing.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= zongjie.db
# Debian packages: LibreOffice converts .doc/.wps (and makes test PDFs); a CJK
# font makes those PDFs' text layer right; poppler-utils rasterises PDF pages.
APT_PACKAGES := libreoffice-writer-nogui fonts-wqy-microhei poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test system-deps browser-deps venv dev lint score score-heldapart bench fuzz clean

demo: system-deps venv
	$(BIN)/zongjie demo --db $(DB)

test: system-deps browser-deps dev
	$(BIN)/python -m pytest -q

system-deps:
	@missing=""; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || missing="$$missing fonts-wqy-microhei"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# the browser tests of zongjie serve drive Debian's Chromium (not needed by the demo)
browser-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/bin/chromedriver ] || missing="$$missing chromium-driver"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# the stamp files make a second run a no-op unless pyproject.toml changed;
# the demo installs what its closing hints use (serve, chart)
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[serve,chart]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[serve,ocr,parquet,chart,dask]' pytest hypothesis ruff msoffcrypto-tool playwright
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed
dev: $(VENV)/.installed-dev

lint: dev
	$(BIN)/ruff check zongjie tests

# extraction quality against the dev gold (needs ../shared beside the project)
score: venv
	$(BIN)/python ../shared/gold/score.py ../shared/gold ../shared/corpus --cmd '$(BIN)/zongjie extract --format json {path}'

# the same scorer on the held-apart gold (benchmarks/heldapart/README.md)
score-heldapart: venv
	@for set in tune test test2 test3 test4; do echo "== $$set"; $(BIN)/python ../shared/gold/score.py benchmarks/heldapart/$$set/gold benchmarks/heldapart/$$set/corpus --cmd '$(BIN)/zongjie extract --format json {path}' | tail -6; done

bench: venv
	$(BIN)/python benchmarks/extract_speed.py

# atheris on the readers (docx, pdf, html, text/encoding detection, zip), a
# bounded time per target; findings land in fuzz/artifacts/ (docs/robustness.md)
FUZZ_SECONDS ?= 60
fuzz: dev
	$(BIN)/pip install -q atheris
	$(BIN)/python fuzz/run_all.py --seconds $(FUZZ_SECONDS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache $(DB) $(DB)-wal $(DB)-shm
