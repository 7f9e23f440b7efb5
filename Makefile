# Two commands do all the set-up: `make site` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
SITEGEN := $(BIN)/sitegen

.PHONY: site build serve check test lint fuzz bench golden screenshots clean help

help:
	@echo "make site   - set up .venv and build the site into output/"
	@echo "make serve  - preview the site on http://127.0.0.1:8000/ with live reload"
	@echo "make check  - validate content without writing anything"
	@echo "make test   - install test dependencies and run the whole suite"
	@echo "make bench  - build-speed benchmark against a naive reference"
	@echo "make fuzz   - longer property-based fuzzing of the loader"
	@echo "make golden - regenerate the fixture sites' expected output (review the diff!)"
	@echo "make screenshots - retake docs/screenshots/ from the project's own site"
	@echo "make clean  - remove output/, caches and the virtual environment"

site build:
	@sh tools/bootstrap.sh
	$(SITEGEN) build

serve:
	@sh tools/bootstrap.sh serve
	$(SITEGEN) serve

check:
	@sh tools/bootstrap.sh
	$(SITEGEN) check --strict

test:
	@sh tools/bootstrap.sh test
	@sh tools/ensure-chromium.sh
	$(BIN)/ruff check sitegen tests bench
	$(BIN)/mypy
	# the tests without a browser on every core (pytest-xdist, a file's tests together), then
	# the browser tests in one process (they share one Chromium and one server per session)
	$(BIN)/python -P -m pytest -n auto --dist loadfile -m "not browser"
	$(BIN)/python -P -m pytest -m browser

fuzz:
	@sh tools/bootstrap.sh test
	SITEGEN_FUZZ_EXAMPLES=2000 SITEGEN_FIELD_EXAMPLES=50 $(BIN)/python -P -m pytest tests/integration/test_fuzz.py tests/integration/test_every_field.py -q

bench:
	@sh tools/bootstrap.sh test
	$(BIN)/python bench/run.py

clean:
	rm -rf output/* .output.* .cache test-artifacts .pytest_cache .mypy_cache .ruff_cache
	rm -rf $(VENV) *.egg-info

golden:
	@sh tools/bootstrap.sh test
	$(BIN)/python tests/golden.py

screenshots:
	@sh tools/bootstrap.sh test
	@sh tools/ensure-chromium.sh
	$(BIN)/python tests/screenshots.py
