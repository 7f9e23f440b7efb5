"""serve's live folder and check's nothing: files renamed into place, early ones first, the
site's old files removed when a build completes, nothing published by a failed one."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import tree

from sitegen.engine.sinks import LiveFolder, Nothing
from sitegen.engine.tree import MARKER_TEXT


def test_early_pages_are_published_before_the_build_ends(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    live = LiveFolder(folder, tmp_path)
    with live.open(2) as out:
        out.write("a.html", b"first")
        out.write("b.html", b"later")
        out.publish(["a.html"])
        assert tree(folder) == {".sitegen": MARKER_TEXT, "a.html": b"first"}
        out.finish(["a.html", "b.html"])
    assert tree(folder) == {".sitegen": MARKER_TEXT, "a.html": b"first", "b.html": b"later"}


def test_a_completed_build_removes_what_the_site_no_longer_has(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    live = LiveFolder(folder, tmp_path)
    with live.open(2) as out:
        ident = out.write("keep.html", b"k")
        out.write("gone/page.html", b"g")
        out.finish(["keep.html", "gone/page.html"])
    with live.open(1) as out:
        assert out.keep((("keep.html", ident),), None)
        out.finish(["keep.html"])
    assert tree(folder) == {".sitegen": MARKER_TEXT, "keep.html": b"k"}
    assert not (folder / "gone").exists()


def test_a_failed_build_publishes_nothing_more(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    live = LiveFolder(folder, tmp_path)
    with live.open(1) as out:
        out.write("a.html", b"good")
        out.finish(["a.html"])
    with pytest.raises(RuntimeError), live.open(1) as out:
        out.write("a.html", b"half")
        raise RuntimeError("a later page failed")
    assert tree(folder)["a.html"] == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no stage left behind


def test_check_writes_nothing_and_keeps_nothing(tmp_path: Path) -> None:
    with Nothing().open(1) as out:
        assert out.write("a.html", [b"in ", b"pieces"])[2] == 9
        assert out.keep((("a.html", (1, 2, 3)),), None) is None
