"""build's sink: a new tree swapped in whole, the spare tree reused only when it is exactly
what was recorded, and no write leaving the folder or following a link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import tree as files_of

from sitegen.engine import tree
from sitegen.engine.tree import AtomicTree, check_relative, plain_tree
from sitegen.errors import OutputError


def build(target: Path, files: dict[str, bytes], n: int = 0,
          keep: dict[str, tuple] | None = None) -> dict[str, tuple]:
    """One build of ``files`` into ``target``; files of ``keep`` are reused if they can be."""
    written = {}
    with AtomicTree(target).open(n) as out:
        for rel, data in files.items():
            old = (keep or {}).get(rel)
            kept = old and out.keep(((rel, old),), ((rel, old),))
            written[rel] = kept[0][1] if kept else out.write(rel, data)
        out.finish(files)
    return written


def test_a_build_replaces_the_folder_whole(tmp_path: Path) -> None:
    target = tmp_path / "out"
    build(target, {"a.html": b"1", "sub/b.html": b"2"})
    build(target, {"a.html": b"3"})
    assert files_of(target) == {".sitegen": tree.MARKER_TEXT, "a.html": b"3"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_a_failed_build_leaves_the_previous_folder(tmp_path: Path) -> None:
    target = tmp_path / "out"
    build(target, {"a.html": b"1"})
    with pytest.raises(RuntimeError), AtomicTree(target) as out:
        out.write("a.html", b"half")
        raise RuntimeError("a template error")
    assert files_of(target)["a.html"] == b"1"


def test_a_big_site_keeps_its_spare_and_reuses_only_intact_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tree, "SPARE_MIN_OUTPUTS", 1)
    target = tmp_path / "out"
    first = build(target, {"a.html": b"1", "b.html": b"2"}, n=2)
    build(target, {"a.html": b"1", "b.html": b"2"}, n=2, keep=first)
    spare = tmp_path / ".out.spare"
    assert spare.is_dir()
    with open(spare / "b.html", "r+b") as fh:  # edited in place: not what was recorded
        fh.write(b"X")
    build(target, {"a.html": b"1", "b.html": b"2"}, n=2, keep=first)
    assert files_of(target) == {".sitegen": tree.MARKER_TEXT, "a.html": b"1", "b.html": b"2"}


def test_a_spare_holding_a_link_is_removed_not_adopted(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    spare = tmp_path / ".out.spare"
    spare.mkdir()
    os.symlink(tmp_path / "elsewhere", spare / "static")
    assert not plain_tree(spare)
    with AtomicTree(tmp_path / "out").open(10_000) as out:
        assert not out.adopted
        out.write("static/site.css", b"x")
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize("rel", ["../x", "/etc/passwd", "a//b", "a\\b", "", "./a", "a\x00"])
def test_no_path_leaves_the_folder(rel: str) -> None:
    with pytest.raises(OutputError):
        check_relative(rel)
