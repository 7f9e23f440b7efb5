"""Full-text search: index the written HTML with Pagefind, inside the atomic build.

The index is built after every page is written into the build's temporary folder and before
that folder is swapped in, so a published site never has pages without their index (or the
reverse). Indexing costs a process start and some seconds on big sites, so it runs only when
asked (`sitegen build` asks; `serve` and the library's `build()` default do not).

Only entry and free pages are indexed (``INDEX_GLOB``); templates mark the indexed part of
an entry page with ``data-pagefind-body`` and carry filters and a date sort (see
templates/partials/pagefind-meta.html). Pagefind writes filters in a random (hash-map) order
on every run; ``sitegen.accel.pagefind_canon`` rewrites those files in a canonical order, so the
whole index is byte-identical across builds of the same input, as the rest of the site is
(tests/test_publish.py compares two builds byte for byte, ``pagefind/`` included). That
holds on the Pagefind versions it is tested on (sitegen.accel.gates.PAGEFIND); with another
version, or an index format it does not know, the index ships as Pagefind wrote it, with a
notice: complete and working, only not byte-identical from one build to the next.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sitegen.accel import canonicalise_search_index
from sitegen.errors import OutputError, Problem

INDEX_DIR = "pagefind"
# entries and free pages, the default edition's and each other edition's (/fr/entries/…)
INDEX_GLOB = "{entries,pages,*/entries,*/pages}/**/*.html"
TIMEOUT = 600.0


@dataclass(frozen=True)
class IndexResult:
    """What indexing did, for the build summary."""

    seconds: float
    files: int


def pagefind_command(site_dir: Path) -> list[str]:
    """The command that indexes ``site_dir`` with the pagefind package's bundled binary.

    ``-P``: Python does not put the working folder (a checkout, whose ``pagefind.py`` or
    ``pagefind/`` would run) first on the import path; the package comes from the
    installed environment only. The index's place is given, not left to a config file.
    """
    site = site_dir.absolute()  # it runs in a folder of its own
    return [sys.executable, "-P", "-m", "pagefind", "--site", str(site),
            "--output-path", str(site / INDEX_DIR), "--glob", INDEX_GLOB, "--silent"]


def index_site(site_dir: Path) -> IndexResult:
    """Write the Pagefind index into ``site_dir``/pagefind, in canonical order where it can
    (the same bytes for the same pages); raises OutputError on failure."""
    start = time.perf_counter()
    folder = site_dir / INDEX_DIR
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.is_dir():
        shutil.rmtree(folder)  # Pagefind keeps existing files of the same name: start empty
    hint = ("install sitegen with its dependencies (`make site`, or `pip install "
            "'pagefind[bin]'`), or build without search: `sitegen build --no-search`")
    try:
        # run from an empty folder: Pagefind reads pagefind.yml/.toml/.json from its
        # working folder, and one committed in the checkout could redirect its output
        with tempfile.TemporaryDirectory(prefix="sitegen-pagefind-") as cwd:
            proc = subprocess.run(pagefind_command(site_dir), capture_output=True, text=True,
                                  timeout=TIMEOUT, check=False, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise OutputError(problems=[Problem(INDEX_DIR, None, None,
                                            f"search indexing took over {TIMEOUT:.0f} s",
                                            "build with --no-search and report this")]) from None
    except OSError as exc:
        raise OutputError(problems=[Problem(INDEX_DIR, None, None,
                                            f"cannot run pagefind: {exc}", hint)]) from None
    if proc.returncode != 0:
        output = (proc.stderr or proc.stdout).strip()
        missing = "No module named pagefind" in output
        message = ("the pagefind package is not installed" if missing
                   else "pagefind failed: " + " ".join(output.splitlines()[-3:]))
        raise OutputError(problems=[Problem(INDEX_DIR, None, None, message, hint)])
    canonicalise_search_index(folder)
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    return IndexResult(time.perf_counter() - start, files)
