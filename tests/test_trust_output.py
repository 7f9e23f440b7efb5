"""The output is only ever written where it belongs, and can be checked before publishing.

A big build (100 pages or more) starts from the spare site the previous build swapped out
(``.NAME.spare``), and every build recovers what a killed one left (``.NAME.old-*``,
``.NAME.tmp-*``) and keeps ``.gitkeep``. A pull request can commit any of these with links
inside; the build must neither write through them nor publish them. ``sitegen verify-output``
is the last check before a deploy: no links, no special files, only the kinds of files the
site produces. Tests run the real command (tests/attack.py) and state their outcome.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from attack import Checkout, add_entries, serve_once, tree_bytes
from conftest import free_port

GIT_CONFIG = "[core]\n\trepositoryformatversion = 0\n[http]\n\textraheader = AUTHORIZATION: x\n"


def links_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_symlink())


def hostile(tmp_path: Path) -> Checkout:
    """A checkout big enough to keep a spare site, with a .git/config to protect."""
    co = Checkout(tmp_path)
    add_entries(co, 100)
    co.write(".git/config", GIT_CONFIG)
    return co


def assert_whole_site(folder: Path) -> None:
    """The build wrote every part of the site into real folders, and published no link."""
    assert links_under(folder) == []
    assert (folder / "entries").is_dir() and not (folder / "entries").is_symlink()
    assert len(list((folder / "entries").iterdir())) >= 100
    assert (folder / "static" / "site.css").is_file()
    kept = folder / ".gitkeep"
    assert not kept.exists() or b"extraheader" not in kept.read_bytes()


# (folder, link inside the checkout, its target, the build's extra arguments)
SPARES = {
    # the static files' folder linked to .git: static/config replaced .git/config
    "static-to-git": (".output.spare/static", "../.git", ()),
    # 65 folders were created inside .git
    "entries-to-git": (".output.spare/entries", "../.git", ()),
    # the site's static files were written into a folder outside the project
    "static-outside": (".output.spare/static", "../../outside", ()),
    # the Pages output's spare: a kept .gitkeep link went into the published artifact
    "pages-gitkeep": ("._site.spare/.gitkeep", "../.git/config", ("--output", "_site")),
    # a moved-aside site of a killed build, recovered when output/ is missing
    "old-gitkeep": (".output.old-1/.gitkeep", "../.git/config", ()),
    # the kept file of the output folder itself
    "output-gitkeep": ("output/.gitkeep", "../.git/config", ()),
}


@pytest.mark.parametrize("case", sorted(SPARES))
def test_a_committed_spare_or_leftover_folder_is_never_written_through(
        tmp_path: Path, case: str) -> None:
    """Expected: exit 0, the link neutralised (not adopted, recovered or kept), the whole
    site in real folders, .git and the outside untouched."""
    rel, target, args = SPARES[case]
    co = hostile(tmp_path)
    co.write("templates/static/config", "[core]\n\tfsmonitor = touch pwned\n")
    co.link(rel, target)
    out = co.root / (args[1] if args else "output")
    before = co.snapshot()
    result = co.run("build", "--no-search", *args)
    assert result.code == 0, result.text
    assert (co.root / ".git" / "config").read_text() == GIT_CONFIG
    assert co.changed_outside_allowed(before, co.snapshot(),
                                      also=("checkout/_site", "checkout/._site.")) == []
    assert_whole_site(out)
    verified = co.run("verify-output", str(out))
    assert verified.code == 1  # static/config is not a kind of file the site produces
    assert verified.err.splitlines()[0] == f"{out}/static/config: is not a kind of file " \
        "the site produces (no extension)"


def test_the_previews_spare_is_never_written_through(tmp_path: Path) -> None:
    """``sitegen serve`` builds into .cache/serve/<its pid>/site, keeps a spare beside it and
    clears folders that killed previews left. Committed spares, at the old shared place and
    in a folder as a killed preview leaves it, link into .git. Expected: the preview is
    served, neither link is written through."""
    co = hostile(tmp_path)
    co.link(".cache/serve/.site.spare/static", "../../../.git")
    co.link(".cache/serve/1/.site.spare/static", "../../../../.git")
    co.write("templates/static/config", "[core]\n\tfsmonitor = touch pwned\n")
    before = co.snapshot()
    result = serve_once(co, free_port())
    assert "serving http" in result.out, result.out
    assert (co.root / ".git" / "config").read_text() == GIT_CONFIG
    assert co.changed_outside_allowed(before, co.snapshot()) == []


def test_a_clean_spare_is_still_reused(tmp_path: Path) -> None:
    """The check refuses only spares holding links: a spare the build kept itself is reused
    (it becomes the new site). Expected: exit 0 three times."""
    co = hostile(tmp_path)
    for _ in range(2):
        assert co.run("build", "--no-search").code == 0
    spare = co.root / ".output.spare"
    assert spare.is_dir()
    folder = spare.stat().st_ino
    result = co.run("build", "--no-search")
    assert result.code == 0, result.text
    assert co.output.stat().st_ino == folder  # the spare became the new site
    assert_whole_site(co.output)


def test_verify_output_passes_a_built_site(tmp_path: Path) -> None:
    """Every kind of file a build writes, the search index included. Expected: exit 0."""
    co = Checkout(tmp_path)
    assert co.run("build").code == 0
    assert (co.output / "pagefind").is_dir()
    before = co.snapshot()
    result = co.run("verify-output", "output")
    assert result.code == 0, result.text
    assert result.out.startswith("ok: output holds ")
    assert co.snapshot() == before


def test_verify_output_lists_every_offending_path(tmp_path: Path) -> None:
    """A link, a FIFO, an unreadable file, files of a kind the site never produces.
    Expected: exit 1, each one listed with a hint, the good files not; nothing changed."""
    co = Checkout(tmp_path)
    assert co.run("build").code == 0
    out = co.output
    (out / "entries" / "config").symlink_to("../../.git/config")
    (out / "static" / "fonts").symlink_to(co.outside)
    os.mkfifo(out / "pipe.html")
    (out / "shell.php").write_text("<?php system($_GET['c']);")
    (out / "x\x1b[2J.php").write_text("")  # its name must not reach the terminal raw
    locked = out / "locked.html"
    locked.write_text("<p>private</p>")
    locked.chmod(0)
    os.link(co.outside / "precious.txt", out / "shared.txt")  # hard links: not our concern
    old = {k: v for k, v in tree_bytes(out).items() if k != "locked.html"}
    before = co.snapshot()
    result = co.run("verify-output", "output")
    assert result.code == 1, result.text
    lines = [line for line in result.err.splitlines() if not line.startswith("    ")]
    assert lines == [
        "output/entries/config: is a symbolic link",
        "output/locked.html: is not readable",
        "output/pipe.html: is not a regular file or folder",
        "output/shell.php: is not a kind of file the site produces (.php)",
        "output/static/fonts: is a symbolic link",
        "output/x\\x1b[2J.php: is not a kind of file the site produces (.php)",
        "6 errors found.",  # verify-output only reads
    ]
    assert "hint: " in result.err
    assert co.snapshot() == before
    assert {k: v for k, v in tree_bytes(out).items() if k not in ("locked.html",)} == old


@pytest.mark.parametrize("kind", ["missing", "link", "file"])
def test_verify_output_refuses_a_folder_that_is_not_one(tmp_path: Path, kind: str) -> None:
    """Expected: exit 1 naming the folder, with a hint."""
    co = Checkout(tmp_path)
    assert co.run("build", "--no-search").code == 0
    if kind == "link":
        co.link("site", "output")
    elif kind == "file":
        co.write("site", "not a folder")
    result = co.run("verify-output", "site")
    assert result.code == 1, result.text
    assert result.err.startswith("site: ") and "hint: " in result.err
