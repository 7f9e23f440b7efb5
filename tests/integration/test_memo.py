"""What a builder keeps from build to build: the memoised digests of the data's year parts.

A year's part of timeline.json (``data/timeline/<year>.json``) is made from that year's
records; its digest is memoised by the year's version (its entries' files). The memo was
once pruned to parts keyed by an entry id, so every rebuild recomputed every year's records
(every entry's record line) for a one-entry edit: half of the preview's time on the shipped
site. This counts the work, not the time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import fixture_copy

from sitegen.config import load_config
from sitegen.preview.rebuild import Rebuilder
from sitegen.render.reads import Reads


def test_a_body_edit_recomputes_only_its_years_records(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = fixture_copy(tmp_path)
    builder = Rebuilder(load_config(root), tmp_path / "site")
    assert builder.rebuild().ok
    years = sorted({p.name[:4] for p in (root / "content/entries").glob("*.md")})
    assert len(years) >= 3  # otherwise the test shows nothing
    made: list[int] = []
    records = Reads._records
    monkeypatch.setattr(Reads, "_records",
                        lambda self, year: made.append(year) or records(self, year))
    entry = sorted((root / "content/entries").glob("*.md"))[-1]
    entry.write_text(entry.read_text(encoding="utf-8") + "\n\nOne more sentence.\n",
                     encoding="utf-8")
    assert builder.rebuild([entry]).ok
    assert made == [int(entry.name[:4])]
