"""A single load (``sitegen build``) reads each entry file once: the loader takes what the
first pass across cores parsed, by its key, unless the file changed in between."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_scale import make_corpus

from sitegen.config import load_config
from sitegen.content import reading
from sitegen.content.collector import Collector
from sitegen.content.reading import Reading
from sitegen.engine import workers


def test_each_file_is_read_once_and_one_edited_meanwhile_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_JOBS", "1")  # the first pass in this process, to count
    root = make_corpus(tmp_path / "site", workers.MIN_BATCH + 10)
    config = load_config(root)
    paths = sorted((root / "content" / "entries").glob("*.md"))
    reads: list[str] = []
    read_text = reading.read_text

    def counted(path: Path, col: Collector, allowed: Path) -> str | None:
        if path.parent.name == "entries":
            reads.append(path.name)
        return read_text(path, col, allowed)

    monkeypatch.setattr(reading, "read_text", counted)
    load = Reading(once=True)
    prefetch, edited = load._prefetch, paths[3]

    def prefetch_then_edit(*args: Any) -> None:
        prefetch(*args)
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace("\ntitle: ", "\ntitle: Edited ", 1), encoding="utf-8")

    monkeypatch.setattr(load, "_prefetch", prefetch_then_edit)
    loaded = load.load(config, False, None)
    assert sorted(reads) == sorted([p.name for p in paths] + [edited.name])
    titles = {e.path.rsplit("/", 1)[-1]: e.title for e in loaded.site.entries}
    assert titles[edited.name].startswith("Edited ")
    assert not titles[paths[4].name].startswith("Edited ")
