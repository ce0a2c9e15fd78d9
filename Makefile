# Two commands do all set-up on a fresh machine that has python3 and the package registry:
#   make demo   - create .venv, install svcinsight, register its kernel, render every demo unit
#   make test   - same set-up, then the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.svcinsight-installed

.PHONY: install demo test lint clean

install: $(STAMP)

# Re-install whenever the dependency list changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# --sys-prefix keeps the kernel inside .venv, where papermill run from .venv finds it.
	$(BIN)/python -m ipykernel install --sys-prefix --name svcinsight --display-name "Python (svcinsight)"
	touch $(STAMP)

demo: install
	$(BIN)/svcinsight demo

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check svcinsight tests

clean:
	rm -rf $(VENV) reports/20* data/demo .pytest_cache
