# China and Russia: a Jupyter Book. Two commands do everything on a fresh machine:
#   make book   -> installs what is missing, executes the notebooks, builds _build/html
#   make test   -> the same setup, then the whole test suite
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
JOBS ?= 2
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help setup book test serve notebooks pages handouts grade screenshots bench clean clean-all

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(STAMPS)/venv: requirements.txt pyproject.toml
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $@

$(STAMPS)/npm: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

$(STAMPS)/chromium:
	@mkdir -p $(STAMPS)
	@if ! command -v chromium >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium >/dev/null; \
	fi
	touch $@

setup: $(STAMPS)/venv $(STAMPS)/npm ## install the pinned Python and npm dependencies

# The execution cache keys on notebook content only: when the shared code or the data
# change, every notebook's outputs may change, so the cache is dropped. Sphinx does not
# notice changed templates or vendored assets either, so those drop the built pages.
$(STAMPS)/inputs: $(wildcard sinorussia/*.py sinorussia_book/*.py) $(wildcard data/*.csv) data/datapackage.json | $(STAMPS)/venv
	$(BIN)/python -m sinorussia.validation
	rm -rf _build/.doctrees _build/html
	touch $@

$(STAMPS)/theme: $(wildcard _templates/*.html _templates/*/*.html sinorussia_book/assets/*) package-lock.json | $(STAMPS)/venv
	rm -rf _build/.doctrees _build/html
	touch $@

pages: setup ## regenerate the pages built from data/ (glossary)
	$(BIN)/python -m sinorussia_book.pages

book: setup pages $(STAMPS)/inputs $(STAMPS)/theme ## execute every notebook (cached) and build the HTML book into _build/html
	$(BIN)/jupyter-book build . --path-output . --builder html -W -n --keep-going
	@echo "Open _build/html/index.html"

serve: book ## serve the built book on http://127.0.0.1:8000
	cd _build/html && ../../$(BIN)/python -m http.server 8000 --bind 127.0.0.1

notebooks: setup ## re-execute every notebook in place so its stored outputs are fresh
	for nb in chapters/*.ipynb appendix/*.ipynb exercises/*.ipynb; do (cd $$(dirname $$nb) && ../$(BIN)/jupyter execute --inplace $$(basename $$nb)); done

test: setup $(STAMPS)/chromium book ## run the whole test suite (notebooks, data, build, browser)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile

screenshots: setup $(STAMPS)/chromium book ## full-page PNGs of every page at laptop and phone widths into _build/screenshots/
	$(BIN)/python tests/helpers/site.py screenshots

bench: setup $(STAMPS)/chromium book ## measure build, test and page performance into benchmarks/results.md (about 10 minutes)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean: ## remove the built book (keeps the execution cache)
	rm -rf _build/html _build/screenshots _build/handouts

clean-all: ## remove everything generated, including installs
	rm -rf _build $(VENV) node_modules $(STAMPS)

handouts: setup ## student notebooks, answer keys and autograders into _build/handouts/
	$(BIN)/python -m sinorussia.grading handouts

SUBMISSIONS ?=
grade: handouts ## grade every .ipynb in SUBMISSIONS=<folder> into _build/handouts/gradebook.csv
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=<folder>"; exit 2; }
	$(BIN)/python -m sinorussia.grading grade "$(SUBMISSIONS)" --out _build/handouts/gradebook.csv
