#!/bin/sh
# Create .venv and install sitegen into it, with the given extras ("" or "test").
# Called by the Makefile; safe to run again (it only installs when pyproject.toml changed).
# Every `python -m` runs with -I (isolated): Python would otherwise import a `venv/` or
# `pip/` folder of the checkout (the working folder) instead of its own module.
set -eu
EXTRAS="${1:-}"
PY="${PYTHON:-python3}"
VENV=.venv
STAMP="$VENV/.installed${EXTRAS:+-$EXTRAS}"

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else echo "sitegen setup: please run as root or install: $*" >&2; exit 1
    fi
}

if ! command -v "$PY" >/dev/null 2>&1; then
    echo "sitegen setup: $PY not found; install Python 3.11 or newer" >&2; exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PY" -I -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        echo "sitegen setup: Python's venv module is missing; installing python3-venv" >&2
        as_root apt-get update -qq
        as_root apt-get install -y -qq python3-venv >/dev/null
        "$PY" -I -m venv "$VENV"
    fi
fi
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    "$VENV/bin/python" -I -m pip install -q --upgrade pip
    # the distribution was called "sitegen" before 0.2.0 (a name taken on the package index)
    "$VENV/bin/python" -I -m pip uninstall -q -y sitegen 2>/dev/null || true
    if [ -n "$EXTRAS" ]; then
        "$VENV/bin/python" -I -m pip install -q -e ".[$EXTRAS]"
    else
        "$VENV/bin/python" -I -m pip install -q -e .
    fi
    touch "$STAMP"
fi
