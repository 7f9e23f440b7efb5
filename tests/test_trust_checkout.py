"""A checkout is data: nothing in it runs, and no link in it leads a build outside.

Each test plants what a pull request could commit (a module named like a tool sitegen runs,
a tool's configuration file, links where sitegen reads or writes, leftovers of killed
builds) and runs the real ``sitegen`` command in the checkout (tests/attack.py). Each says
its expected outcome: exit 1 naming the file, the field and a hint with the old output
byte-identical, or exit 0 with the payload neutralised; and, either way, nothing changed
outside the output folder, ``.cache/``, the user's cache key and the temporary folder.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import re
import subprocess
from pathlib import Path

import pytest
from attack import Checkout, add_entries, tree_bytes

GIT_CONFIG = "[core]\n\trepositoryformatversion = 0\n"


def marker_code(marker: Path) -> str:
    """Python that leaves ``marker`` behind if it ever runs."""
    return f"open({str(marker)!r}, 'w').write('ran')\n"


def hostile_pagefind(co: Checkout, marker: Path, form: str) -> None:
    """A module named like the search indexer at the repository root (``form``: which)."""
    if form == "module":
        co.write("pagefind.py", marker_code(marker))
    else:
        co.write("pagefind/__init__.py", "")
        co.write("pagefind/__main__.py", marker_code(marker))


def has_links(folder: Path) -> list[str]:
    """Every symbolic link under ``folder`` (relative paths)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_symlink())


@pytest.mark.parametrize("form", ["module", "package"])
def test_a_pagefind_module_in_the_checkout_does_not_run(tmp_path: Path, form: str) -> None:
    """Expected: exit 0, the real Pagefind indexed the site, the checkout's module never ran."""
    co = Checkout(tmp_path)
    marker = co.outside / "pagefind-ran"
    hostile_pagefind(co, marker, form)
    before = co.snapshot()
    result = co.run("build")
    assert result.code == 0, result.text
    assert not marker.exists()
    assert (co.output / "pagefind" / "pagefind-entry.json").is_file()
    assert co.changed_outside_allowed(before, co.snapshot()) == []


def test_a_pagefind_configuration_file_in_the_checkout_is_ignored(tmp_path: Path) -> None:
    """pagefind reads pagefind.yml from its working folder: one in the checkout could send
    the index anywhere. Expected: exit 0, the index inside the output, nothing outside."""
    co = Checkout(tmp_path)
    elsewhere = co.outside / "index"
    co.write("pagefind.yml", f"output_path: {elsewhere}\nsite: {co.outside}\n")
    before = co.snapshot()
    result = co.run("build")
    assert result.code == 0, result.text
    assert (co.output / "pagefind" / "pagefind-entry.json").is_file()
    assert not elsewhere.exists()
    assert co.changed_outside_allowed(before, co.snapshot()) == []


@pytest.mark.parametrize(("rel", "target"), [
    ("templates/_card.html", "../../outside/secret.html"),  # a partial every listing shows
    ("templates/static/site.css", "../../../outside/secret.html"),
    ("templates/static/more", "../../../outside"),
])
def test_a_link_in_templates_is_refused(tmp_path: Path, rel: str, target: str) -> None:
    """A template linked to /proc/self/environ printed the environment into every page.
    Expected: exit 1 naming the link, with a hint; the old output byte-identical."""
    co = Checkout(tmp_path)
    (co.outside / "secret.html").write_text("SECRET-ENVIRONMENT\n")
    assert co.run("build", "--no-search").code == 0
    old = tree_bytes(co.output)
    co.link(rel, target)
    before = co.snapshot()
    result = co.run("build", "--no-search")
    assert result.code == 1, result.text
    assert f"{rel}: " in result.err and "symbolic link" in result.err
    assert "hint: replace the link with the file itself" in result.err
    assert "SECRET" not in result.text
    assert tree_bytes(co.output) == old
    assert co.changed_outside_allowed(before, co.snapshot()) == []


@pytest.mark.parametrize("rel", ["output", ".cache", ".cache/sitegen"])
def test_a_linked_output_or_cache_folder_is_refused(tmp_path: Path, rel: str) -> None:
    """A committed output/ or .cache/ link would send every write of the build through it.
    Expected: exit 1 naming the link with a hint; what it points to is untouched."""
    co = Checkout(tmp_path)
    web = co.outside / "www"  # an empty folder: a web root, a cache folder
    web.mkdir()
    co.link(rel, os.path.relpath(web, (co.root / rel).parent))
    before = co.snapshot()
    result = co.run("build", "--no-search")
    assert result.code == 1, result.text
    assert f"{rel}: " in result.err and "symbolic link" in result.err
    assert "hint: " in result.err
    assert co.changed_outside_allowed(before, co.snapshot()) == []
    assert list(web.iterdir()) == []


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_killed_builds_cache_file_is_removed_by_the_next_build(tmp_path: Path) -> None:
    """Each killed build leaked .cache/sitegen/.build.pickle.<pid> (30-40 MB at 5,000
    entries). Expected: exit 0; a dead process's file is gone, a live process's is kept."""
    co = Checkout(tmp_path)
    folder = co.root / ".cache" / "sitegen"
    folder.mkdir(parents=True)
    stale = folder / f".build.pickle.{dead_pid()}"
    stale.write_bytes(b"half a cache file")
    with subprocess.Popen(["sleep", "60"]) as live_proc:
        try:
            live = folder / f".build.pickle.{live_proc.pid}"
            live.write_bytes(b"another build is writing this")
            result = co.run("build", "--no-search")
            assert result.code == 0, result.text
            assert not stale.exists()
            assert live.read_bytes() == b"another build is writing this"
        finally:
            live_proc.kill()
    assert (folder / "build.pickle").is_file()


def signed_cache(key: bytes, marker: Path) -> bytes:
    """A cache file in sitegen's format, signed with ``key``, whose unpickling runs code."""

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (exec, (marker_code(marker),))

    payload = pickle.dumps(("parsed", "key", Payload()))
    return b"SGCACHE1" + hmac.new(key, payload, hashlib.sha256).digest() + payload


def test_a_hostile_checkout_runs_nothing_and_writes_only_its_output(tmp_path: Path) -> None:
    """Links under every folder sitegen reads or writes (output/ and .cache/ included), a
    fake pagefind module, a committed cache signed with a committed key.

    Expected: each build either exits 1 naming what it refuses (the maintainer removes it,
    as the hint says, and builds again) or, once only neutralisable things are left,
    exits 0; no build runs code from the checkout or writes outside the allowed places.
    """
    co = Checkout(tmp_path)
    add_entries(co, 100)  # big enough to keep (and adopt) a spare site
    marker = co.outside / "code-ran"
    co.write(".git/config", GIT_CONFIG)
    (co.outside / "www").mkdir()
    (co.outside / "secret.html").write_text("SECRET-ENVIRONMENT\n")
    hostile_pagefind(co, marker, "module")
    hostile_pagefind(co, marker, "package")
    co.write("pagefind.yml", f"output_path: {co.outside / 'index'}\n")
    # refused, each with a located error
    co.link("output", "../outside/www")
    co.link(".cache", "../outside")
    co.link("content/entries/2001-leak.md", "../../../outside/precious.txt")
    co.link("templates/_card.html", "../../outside/secret.html")
    co.link("templates/static/leak.css", "../../../outside/precious.txt")
    # neutralised: spare, temporary and moved-aside folders of a killed build, a kept file
    co.link(".output.spare/static", "../.git")
    co.link(".output.spare/entries", "../../outside")
    co.link(".output.spare/.gitkeep", "../.git/config")
    co.link(".output.tmp-1", "../outside")
    co.link(".output.old-1/.gitkeep", "../.git/config")
    co.write("templates/static/config", "[core]\n\tfsmonitor = touch pwned\n")
    # a committed cache, signed with a committed key that XDG_CACHE_HOME points to
    key = b"k" * 32
    co.write(".cache-home/sitegen/cache-signing-key", "").write_bytes(key)
    env = {"XDG_CACHE_HOME": str(co.root / ".cache-home")}

    def build(expected_code: int) -> str:
        before = co.snapshot()
        result = co.run("build", **env)
        assert result.code == expected_code, result.text
        assert not marker.exists(), result.text
        assert co.changed_outside_allowed(before, co.snapshot()) == []
        return result.err

    for refused in ([".cache"], ["content/entries/2001-leak.md"],
                    ["templates/_card.html", "templates/static/leak.css"], ["output"]):
        err = build(1)
        assert all(f"{rel}: " in err for rel in refused), err
        for rel in refused:
            (co.root / rel).unlink()
            if rel == ".cache":
                co.write(".cache/sitegen/build.pickle", "").write_bytes(
                    signed_cache(key, marker))
        if "templates/_card.html" in refused:
            fixture = Path(__file__).parent / "fixtures" / "basic" / "templates" / "_card.html"
            co.write("templates/_card.html", fixture.read_text())
    build(0)
    assert (co.root / ".git" / "config").read_text() == GIT_CONFIG
    assert has_links(co.output) == []
    assert (co.output / "static" / "site.css").is_file()
    assert (co.output / "entries").is_dir()
    assert (co.output / "pagefind" / "pagefind-entry.json").is_file()
    kept = co.output / ".gitkeep"
    assert not kept.exists() or b"repositoryformatversion" not in kept.read_bytes()
    build(0)  # the spare this build keeps is the previous, clean site
    assert has_links(co.output) == []


def test_every_python_dash_m_the_project_runs_ignores_the_working_folder() -> None:
    """``python -m X`` run in a checkout imports the checkout's ``X.py`` or ``X/`` first (a
    ``pip/`` folder ran on ``python -m pip install .``). Expected: every ``-m`` in the
    scripts that run in a checkout comes after ``-P`` or ``-I``."""
    root = Path(__file__).resolve().parent.parent
    files = [root / "Makefile", root / "tools" / "bootstrap.sh",
             *sorted((root / ".github" / "workflows").glob("*.yml"))]
    unsafe = []
    for path in files:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            # (what follows "pytest" is pytest's: its -m selects tests by marker)
            head = line.split(" pytest ", 1)[0] + " "
            if any(m.group(1) not in ("-P", "-I") for m in re.finditer(r"(\S+)\s+-m\s", head)):
                unsafe.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    assert unsafe == []
