#!/bin/sh
# Python-Markdown's own test suite with sitegen's accelerator applied to every Markdown
# instance, at the lowest and the newest version pyproject.toml allows (see
# tools/markdown_suite.py). Cached under .cache/markdown-suite/; run by
# tools/lowest-versions.sh.
set -eu
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" -I tools/markdown_suite.py "$@"
