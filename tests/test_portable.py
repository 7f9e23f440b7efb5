"""A portable core: `sitegen build` imports and runs where fcntl, os.fork and renameat2 (ctypes,
a C library) do not exist, as on Windows, and writes the same bytes as a normal build.

The build runs in a new interpreter (``python -P -c``, no sitecustomize involved) that
blocks those imports and removes those functions before sitegen is imported, then runs
the real command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import fixture_copy, tree

from sitegen import cli, portable
from sitegen.engine import tree as engine_tree
from sitegen.engine import workers

RUN = "import sys\nfrom sitegen.cli import main\nsys.exit(main(sys.argv[1:]))\n"
# what Windows lacks that sitegen's engine uses on Linux
BLOCKED = """
import os, sys
sys.modules["fcntl"] = None   # import fcntl raises ImportError
sys.modules["ctypes"] = None  # no renameat2, no malloc_trim
for name in ("fork", "register_at_fork", "getuid", "geteuid", "O_NOFOLLOW",
             "sched_getaffinity"):
    if hasattr(os, name):
        delattr(os, name)
""" + RUN
ENTRIES = 240  # more than workers.MIN_BATCH outputs: a normal build forks its workers


def many_entries(root: Path) -> None:
    """The fixture with ENTRIES more entries (a site big enough to work across cores)."""
    text = (root / "content/entries/1994-partnership.md").read_text(encoding="utf-8")
    for i in range(ENTRIES):
        (root / f"content/entries/2000-{i:03d}.md").write_text(
            text.replace("date: 1994", f"date: 2000-{1 + i % 12:02d}-{1 + i % 28:02d}")
                .replace("title: ", f"title: Number {i} ", 1), encoding="utf-8")


def run(site: Path, *args: str, blocked: bool, env: dict[str, str]
        ) -> subprocess.CompletedProcess[str]:
    """The command line in a new interpreter, with fcntl, fork and ctypes gone if ``blocked``."""
    return subprocess.run([sys.executable, "-P", "-c", BLOCKED if blocked else RUN, *args],
                          cwd=site, env=env, capture_output=True, text=True, timeout=600,
                          check=False)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "SITEGEN_JOBS": "2",
            "XDG_CACHE_HOME": str(tmp_path / "xdg")}


def test_without_fcntl_fork_or_renameat2_a_build_gives_the_same_bytes(
        tmp_path: Path, env: dict[str, str]) -> None:
    site = fixture_copy(tmp_path)
    many_entries(site)
    normal = run(site, "build", "--output", str(tmp_path / "normal"), blocked=False, env=env)
    assert normal.returncode == 0, normal.stderr
    portable = run(site, "build", blocked=True, env=env)
    assert portable.returncode == 0, portable.stderr
    assert f"built {ENTRIES + 4} entries" in portable.stdout
    expected = tree(tmp_path / "normal")
    assert tree(site / "output") == expected
    # again, over the built site: a warm build, swapped in by two renames, and no lock left
    (site / f"content/entries/2000-{0:03d}.md").open("a").write("\nOne more line.\n")
    again = run(site, "build", blocked=True, env=env)
    assert again.returncode == 0, again.stderr
    normal = run(site, "build", "--output", str(tmp_path / "normal2"), blocked=False, env=env)
    assert tree(site / "output") == tree(tmp_path / "normal2") != expected
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".output")) in (
        [], [".output.spare"])


def test_without_fcntl_a_build_waits_for_another_then_names_the_lock_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(portable, "fcntl", None)
    monkeypatch.setattr(engine_tree, "LOCK_WAIT", 0.3)
    site = fixture_copy(tmp_path)
    assert cli.main(["-C", str(site), "build", "--no-search"]) == 0
    assert not (site / ".output.lock").exists()  # released
    before = tree(site / "output")
    (site / ".output.lock").write_text("4242\n")  # another build (or a killed one) holds it
    assert cli.main(["-C", str(site), "build", "--no-search"]) == 1
    err = capsys.readouterr().err
    assert "another sitegen build is still writing this folder" in err
    assert f"if none is running, delete {site / '.output.lock'}" in err
    assert tree(site / "output") == before
    (site / ".output.lock").unlink()
    assert cli.main(["-C", str(site), "build", "--no-search"]) == 0


def test_without_fork_the_work_is_done_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_JOBS", "4")
    assert workers.processes() == 4
    monkeypatch.delattr(os, "fork")
    assert workers.processes() == 1
    assert workers.run(lambda batch: [x * 2 for x in batch], list(range(500))) == [
        x * 2 for x in range(500)]
