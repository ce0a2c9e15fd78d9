# Two commands do all set-up on a fresh machine that has python3 and the package registry:
#   make demo   - create .venv, install svcinsight, register its kernel, render every demo unit
#   make test   - same set-up, then the whole test suite (as root it also installs Debian's
#                 chromium for the browser test; see `browser`)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.svcinsight-installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: install browser demo test lint clean

install: $(STAMP)

# Re-install whenever the dependency list changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# --sys-prefix keeps the kernel inside .venv, where papermill run from .venv finds it.
	$(BIN)/python -m ipykernel install --sys-prefix --name svcinsight --display-name "Python (svcinsight)"
	touch $(STAMP)

# Debian's chromium (and a CJK font for page text) for tests/report/test_browser.py (Playwright drives it; it never downloads
# a browser). Installed only when missing and only as root; anyone else gets a note, and
# that test skips with the same reason. `make demo` does not need it.
browser:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser test"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else \
	  echo "note: $(CHROMIUM) is missing and this is not root: the browser test will skip (as root: make browser)"; \
	fi

demo: install
	$(BIN)/svcinsight demo --plans

test: install browser
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check svcinsight tests

clean:
	rm -rf $(VENV) reports/20* data/demo .pytest_cache
