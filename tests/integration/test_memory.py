"""What a build holds for its whole length does not grow with the texts of the entries
(issue 18: a cold build of 50,000 entries within 1 GB; bench/memory.py measures it).

No timing and no resident-memory figure here: assertions on what stays reachable. A cold
build of a synthetic site (bench/corpus.py) whose every body carries a mark: once built,
neither the builder (the model, its memos, the cache's sections) nor any module of sitegen
holds a string with a body's text past the texts a single load keeps (TEXTS_KEPT characters
in each process), and the load leaves no reference cycle behind (it runs with the collector
off, and a build freezes what it made: a cycle would stay to the end).
"""

from __future__ import annotations

import gc
import secrets
import sys
import types
from collections.abc import Iterable
from pathlib import Path

import pytest
from test_scale import make_corpus

from sitegen.config import load_config
from sitegen.content import reading
from sitegen.content.reading import Reading
from sitegen.engine import workers
from sitegen.engine.builder import Builder
from sitegen.engine.store import Store
from sitegen.engine.tree import AtomicTree

N = workers.MIN_BATCH + 50  # enough for the first load to read and parse in its prefetch


@pytest.fixture
def marked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A synthetic site whose every body ends with ``<mark> of entry <i>``, and the mark."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("SITEGEN_JOBS", "1")  # all in this process: what it holds is all
    root = make_corpus(tmp_path / "site", N)
    mark = "mark" + secrets.token_hex(8)
    for i, path in enumerate(sorted((root / "content" / "entries").glob("*.md"))):
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"\nThe {mark} of entry {i}.\n")
    return root, mark


def held(roots: Iterable[object], mark: str) -> list[str]:
    """Every string reachable from ``roots`` that holds ``mark`` (and is not the mark)."""
    found, seen, todo = [], set(), list(roots)
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if type(obj) is str:
            if mark in obj and obj != mark:
                found.append(obj)
            continue
        todo += gc.get_referents(obj)
    return found


def sitegen_modules() -> list[object]:
    return [vars(m) for name, m in sorted(sys.modules.items())
            if name.split(".")[0] == "sitegen"]


def build_and_find_texts(root: Path, mark: str) -> list[str]:
    """A cold build of ``root``: the texts holding ``mark`` that it still holds."""
    config = load_config(root)
    builder = Builder(config, AtomicTree(config.output_dir, [root]), store=Store(config),
                      once=True)
    result = builder.build()
    assert result.entries == N
    page = next((root / "output" / "entries").iterdir()) / "index.html"
    assert mark in page.read_text(encoding="utf-8")  # the bodies were converted
    return held([builder, result, *sitegen_modules()], mark)


def test_a_cold_build_keeps_no_body_text_past_its_budget(
        marked: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A single load keeps the texts it read across cores up to TEXTS_KEPT characters in
    each process (their bodies are not read again), and none past that."""
    root, mark = marked
    monkeypatch.setattr(reading, "TEXTS_KEPT", 0)
    assert build_and_find_texts(root, mark) == []


def test_a_cold_build_keeps_texts_within_its_budget(
        marked: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    root, mark = marked
    sizes = [len(p.read_text(encoding="utf-8"))
             for p in sorted((root / "content" / "entries").glob("*.md"))]
    budget = sum(sizes[:20])  # (one process: SITEGEN_JOBS=1)
    monkeypatch.setattr(reading, "TEXTS_KEPT", budget)
    found = build_and_find_texts(root, mark)
    assert len(found) == 20 and sum(map(len, found)) <= budget


def test_the_check_finds_texts_that_are_held(marked: tuple[Path, str]) -> None:
    """The check above can fail: the preview's Reading keeps each file's text (to read
    only changed files again), and the marks are found in it."""
    root, mark = marked
    reading = Reading(once=False)
    reading.load(load_config(root), False, None)
    assert len(held([reading], mark)) == N


def made_by_sitegen(obj: object) -> bool:
    """An object of sitegen's own: one of its classes, functions or frames."""
    if isinstance(obj, types.FunctionType):
        module = obj.__module__ or ""
    elif isinstance(obj, types.FrameType):
        module = obj.f_globals.get("__name__", "")
    else:
        module = type(obj).__module__
    return module.split(".")[0] == "sitegen"


def test_loading_leaves_no_reference_cycle(marked: tuple[Path, str]) -> None:
    """(Cycles that hold one of sitegen's objects: a closure calling itself, a Collector
    it holds...; what a library or pytest leaves is not this test's concern.)"""
    root, _ = marked
    config = load_config(root)
    Reading(once=False).load(config, False, None)  # first: imports and their caches
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds unreachable: kept to look at
    try:
        Reading(once=False).load(config, False, None)
        gc.collect()
        ours = [type(o).__name__ for o in gc.garbage if made_by_sitegen(o)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()
    assert ours == []
