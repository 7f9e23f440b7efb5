"""A free page that shows site data (its `show`: the turning points, the sources, the coverage)
depends on the entries: a rebuild after an entry's rank changes renders it again and equals
a cold build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from helpers import cold, tree

from sitegen.config import load_config
from sitegen.engine import tree as engine_tree
from sitegen.engine import workers
from sitegen.engine.builder import build
from sitegen.preview.rebuild import Rebuilder


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(engine_tree, "SPARE_MIN_OUTPUTS", 0)
    monkeypatch.setattr(workers, "MIN_BATCH", 2)
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
    serve = Rebuilder(load_config(site), tmp_path / "preview")  # as serve keeps it
    assert serve.rebuild().ok
    build(load_config(site))
    entry = site / "content" / "entries" / "2019-treaty-ends.md"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("kind: treaty\n", f"kind: treaty\nsignificance: {rank}\n", 1),
                     encoding="utf-8")
    assert serve.rebuild([entry]).ok
    assert tree(tmp_path / "preview") == cold(site, tmp_path, drafts=True)
    build(load_config(site))  # a new process: reads .cache/
    assert tree(site / "output") == cold(site, tmp_path)
    about = (site / "output" / "pages" / "about" / "index.html").read_text(encoding="utf-8")
    listed = "/fixture/entries/2019-treaty-ends/" in about[about.index('id="h-significance"'):]
    assert listed == (rank == "turning-point")
