"""The process the preview builds in, driven as the server drives it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import edit, fixture_copy

from sitegen.config import load_config
from sitegen.preview.worker import BuildProcess

PAGE = "entries/1994-partnership/index.html"


def test_the_build_process_builds_shows_the_open_page_first_and_stops(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = fixture_copy(tmp_path)
    folder = tmp_path / "serve" / "site"
    builds = BuildProcess(root, folder, "http://127.0.0.1:9", None,
                          load_config(root).base_path)
    try:
        first = builds.rebuild()
        assert first.ok and (folder / PAGE).is_file() and first.base_path == "/fixture/"
        entry = root / "content" / "entries" / "1994-partnership.md"
        edit(entry, "title: A partnership begins", "title: A partnership, retitled")
        shown: list[list[str]] = []
        outcome = builds.rebuild([entry], first=[PAGE], on_first=shown.append)
        assert outcome.ok and shown == [[PAGE]] and PAGE in outcome.rendered
        assert "retitled" in (folder / PAGE).read_text()
        edit(entry, "kind: agreement", "kind: [agreement")
        failed = builds.rebuild([entry])
        assert not failed.ok and builds.error and "invalid YAML" in builds.error
    finally:
        builds.stop()
    assert builds.proc.poll() is not None
    assert not builds.rebuild().ok  # a stopped process answers nothing: an error, no hang
