"""A free page that shows site data (its `show`: the turning points, the sources, the coverage)
depends on the entries: a rebuild after an entry's rank changes renders it again and equals
a cold build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from sitegen.config import load_config
from sitegen.engine import incremental, parallel
from sitegen.engine.build import build_uncached
from sitegen.engine.incremental import SiteBuilder


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(incremental, "LINK_MIN_PAGES", 0)
    monkeypatch.setattr(parallel, "MIN_BATCH", 2)
    root = shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    shutil.rmtree(root / "templates")
    shutil.copytree(ROOT / "templates", root / "templates")
    about = root / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8").replace(
        "title: About\n", "title: About\nshow: [significance, sourcing]\n"), encoding="utf-8")
    return root


@pytest.mark.parametrize("rank", ["turning-point", "routine"])
def test_a_rank_change_rerenders_the_page_that_lists_the_turning_points(
        site: Path, tmp_path: Path, rank: str) -> None:
    builder = SiteBuilder(load_config(site))  # as serve keeps it
    builder.build()
    entry = site / "content" / "entries" / "2019-treaty-ends.md"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("kind: treaty\n", f"kind: treaty\nsignificance: {rank}\n", 1),
                     encoding="utf-8")
    builder.build(changed=[entry])
    cold = tmp_path / "cold"
    build_uncached(load_config(site), output=cold)
    assert tree(site / "output") == tree(cold)
    about = (site / "output" / "pages" / "about" / "index.html").read_text(encoding="utf-8")
    listed = "/fixture/entries/2019-treaty-ends/" in about[about.index('id="h-significance"'):]
    assert listed == (rank == "turning-point")
