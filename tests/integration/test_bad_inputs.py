"""Bad input never crashes a build and never touches the previous site.

Each folder in tests/bad_inputs/ is one case: the files that differ from the tiny valid site
in tests/bad_inputs/_base/, plus an expect.toml:

    exit = 1                       # the exit code (0 for input that is valid after all)
    stderr = ["file:line", "field", "hint: ..."]   # substrings the message must contain
    absent = ["{site}"]                            # substrings it must not contain (optional)
    remove = ["templates/year.html"]               # base files to delete (optional)
    symlinks = { "content/entries/x.md" = "/etc/passwd" }   # links to make (optional)
    fifos = ["content/entries/x.md"]               # named pipes to make (optional)
    generate = { "content/entries/x.md" = 10485760 }  # a valid entry padded to N bytes
    args = ["--output", "{site}/content"]          # extra build arguments (optional)
    built = { "entries/x/index.html" = "<h1>X" }     # exit 0: text the new site must have

Every case runs against a site that already holds a good output/, which must come out
byte-for-byte the same whenever the build fails. Most cases run the CLI in-process; a few
run it as a real subprocess to prove no traceback ever reaches the terminal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sitegen import cli

CASES = Path(__file__).resolve().parent.parent / "bad_inputs"
BASE = CASES / "_base"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_"))
KEYS = {"exit", "stderr", "absent", "remove", "symlinks", "fifos", "generate", "args", "built"}
SUBPROCESS = ["yaml-alias-bomb", "fifo-in-entries", "symlink-loop", "template-undefined-variable",
              "title-with-control-character", "output-at-filesystem-root", "utf8-bom"]
PADDED_ENTRY = """---
title: Padded
summary: A valid entry with a huge body.
date: 2010-11-20
kind: meeting
sources:
  - {title: Lisbon, publisher: NATO, url: "https://example.org/lisbon", kind: primary}
---
"""


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base site with a good output/ built once for the module."""
    site = tmp_path_factory.mktemp("base") / "site"
    shutil.copytree(BASE, site)
    assert cli.main(["-C", str(site), "build"]) == 0
    return site


def prepare(name: str, good_site: Path, dest: Path) -> tuple[Path, dict]:  # type: ignore[type-arg]
    """A copy of the good site with the case's changes applied; returns (site, expectations)."""
    case = CASES / name
    expect = tomllib.loads((case / "expect.toml").read_text(encoding="utf-8"))
    assert set(expect) <= KEYS, f"{name}: unknown keys {set(expect) - KEYS}"
    assert expect["stderr"] or expect["exit"] == 0, f"{name}: say what the message must contain"
    site = dest / "site"
    shutil.copytree(good_site, site, symlinks=True)
    for path in sorted(case.rglob("*")):
        if path.is_file() and path != case / "expect.toml":
            target = site / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    for rel in expect.get("remove", []):
        (site / rel).unlink()
    for rel, link_to in expect.get("symlinks", {}).items():
        (site / rel).symlink_to(link_to)
    for rel in expect.get("fifos", []):
        os.mkfifo(site / rel)
    for rel, size in expect.get("generate", {}).items():
        head = PADDED_ENTRY.encode()
        line = b"A line of text in a body far too long for any entry.\n"
        (site / rel).write_bytes(head + line * ((size - len(head)) // len(line) + 1))
    for key in ("args", "absent"):
        expect[key] = [a.replace("{site}", str(site)) for a in expect.get(key, [])]
    return site, expect


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def check_outcome(name: str, site: Path, expect: dict, code: int, err: str,  # type: ignore[type-arg]
                  before: dict[str, bytes]) -> None:
    """The assertions every case shares."""
    assert code == expect["exit"], f"{name}: exit {code}, stderr:\n{err}"
    assert "Traceback" not in err and "internal error" not in err, err
    for fragment in expect["stderr"]:
        assert fragment in err, f"{name}: {fragment!r} missing from stderr:\n{err}"
    for fragment in expect["absent"]:
        assert fragment not in err, f"{name}: {fragment!r} should not be in stderr:\n{err}"
    leftovers = [p.name for p in site.iterdir() if p.name.startswith(".output.")]
    assert leftovers == [], leftovers
    after = snapshot(site / "output")
    if expect["exit"] == 0:
        assert expect["built"], f"{name}: say what the new site must hold"
        for rel, text in expect["built"].items():
            assert text.encode() in after.get(rel, b""), f"{name}: {rel} lacks {text!r}"
    else:
        assert after == before, f"{name}: the previous output was changed"


@pytest.mark.parametrize("name", NAMES)
def test_bad_input(name: str, good_site: Path, tmp_path: Path,
                   capsys: pytest.CaptureFixture[str]) -> None:
    site, expect = prepare(name, good_site, tmp_path)
    before = snapshot(site / "output")
    code = cli.main(["-C", str(site), "build", *expect["args"]])
    check_outcome(name, site, expect, code, capsys.readouterr().err, before)


@pytest.mark.parametrize("name", SUBPROCESS)
def test_bad_input_in_a_real_process(name: str, good_site: Path, tmp_path: Path) -> None:
    site, expect = prepare(name, good_site, tmp_path)
    before = snapshot(site / "output")
    proc = subprocess.run([sys.executable, "-m", "sitegen", "-C", str(site), "build",
                           *expect["args"]], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "SITEGEN_DEBUG": ""})
    check_outcome(name, site, expect, proc.returncode, proc.stderr, before)


def test_there_are_enough_cases() -> None:
    assert len(NAMES) >= 40
    assert set(SUBPROCESS) <= set(NAMES)


def test_the_base_site_is_valid_and_small(good_site: Path) -> None:
    files = snapshot(good_site / "output")
    assert "entries/2002-05-28-rome/index.html" in files
    assert b'href="/entries/1997-05-27-founding-act/"' in files[
        "entries/2002-05-28-rome/index.html"]


@pytest.mark.parametrize("project", ["missing", "a-file"])
def test_the_project_folder_must_be_a_folder(tmp_path: Path, project: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a-file").write_text("not a project", encoding="utf-8")
    assert cli.main(["-C", str(tmp_path / project), "build"]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / project}: -C: " in err and "hint: give the project folder" in err
