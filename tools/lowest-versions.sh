#!/bin/sh
# The tests with every dependency at the lowest version pyproject.toml allows (the proof of
# its lower bounds, as MkDocs' "min-req" job): a second virtual environment, .venv-lowest,
# holds sitegen installed with pip constraints "name==lower-bound" made from pyproject.toml
# by tools/lower_bounds.py. It runs the unit and integration tests, one process per core
# (not the browser ones: they test the theme, not the libraries), then Python-Markdown's own
# test suite with the accelerator, at the lowest and the newest Markdown allowed
# (tools/markdown-suite.sh).
# .ci/run runs this after `make test`. Safe to run again: the environment is made again
# only when pyproject.toml changes.
set -eu
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
VENV=.venv-lowest
STAMP="$VENV/.installed"

if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    rm -rf "$VENV"
    "$PY" -I -m venv "$VENV"
    "$VENV/bin/python" -I -m pip install -q --upgrade pip
    "$PY" -I tools/lower_bounds.py > "$VENV/constraints.txt"
    if ! "$VENV/bin/python" -I -m pip install -q -c "$VENV/constraints.txt" -e ".[test]" \
            > "$VENV/install.log" 2>&1; then
        cat "$VENV/install.log" >&2
        exit 1
    fi
    touch "$STAMP"
fi
"$VENV/bin/python" -I tools/lower_bounds.py --check  # each dependency at its lower bound
echo "lowest versions: $(tr '\n' ' ' < "$VENV/constraints.txt")"
status=0
# one test process per core (pytest-xdist; a file's tests stay together, as its fixtures are
# module-scoped): the same tests as in series, in about half the time on CI's two cores;
# not the record's checks (tests/content_checks: they test the content, which the versions
# of the libraries do not change, and `make test` runs them)
"$VENV/bin/python" -P -m pytest -q -n auto --dist loadfile -m "not browser" \
    --ignore=tests/content_checks || status=1
sh tools/markdown-suite.sh || status=1
exit $status
