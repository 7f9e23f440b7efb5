"""Warm and incremental builds give exactly the bytes of a cold build, and reuse what they can.

Each case builds the fixture site with the cached engine, changes one thing, builds again
(a fresh builder reading .cache/, as the CLI does, and a builder kept in memory, as serve
does) and compares the whole output tree with the plain uncached build of the same input.
Thresholds are lowered so the tiny fixture takes the hard-link and process-pool paths.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES

from sitegen.config import load_config
from sitegen.engine import incremental, parallel
from sitegen.engine.build import build_uncached
from sitegen.engine.incremental import SiteBuilder
from sitegen.engine.preview import PreviewBuilder

ENTRIES = Path("content/entries")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def inode(path: Path) -> int:
    return path.stat().st_ino


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(incremental, "LINK_MIN_PAGES", 0)
    monkeypatch.setattr(parallel, "MIN_BATCH", 2)
    monkeypatch.setenv("SITEGEN_JOBS", "2")
    return shutil.copytree(FIXTURES / "basic", tmp_path / "site")


def cold(root: Path, tmp: Path, drafts: bool = False) -> dict[str, bytes]:
    """The reference: the plain one-process build, no cache."""
    out = tmp / f"cold-{len(list(tmp.glob('cold-*')))}"
    build_uncached(load_config(root), output=out, drafts=drafts)
    return tree(out)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def body_edit(root: Path) -> None:
    (root / ENTRIES / "1994-partnership.md").open("a").write("\nAn added 'quoted' line.\n")


def title_edit(root: Path) -> None:
    edit(root / ENTRIES / "2019-treaty-ends.md", "title: ", "title: Revised ")


def date_edit(root: Path) -> None:  # moves the entry elsewhere in the order
    edit(root / ENTRIES / "1994-partnership.md", "date: 1994", "date: 2020-03")


def add_entry(root: Path) -> None:
    text = (root / ENTRIES / "1994-partnership.md").read_text(encoding="utf-8")
    (root / ENTRIES / "2001-added.md").write_text(
        text.replace("date: 1994", "date: 2001-05-02"), encoding="utf-8")


def remove_entry(root: Path) -> None:
    (root / ENTRIES / "1994-partnership.md").unlink()


def link_target_becomes_draft(root: Path) -> None:  # the body link must turn into text
    edit(root / ENTRIES / "2019-treaty-ends.md", "title: ", "draft: true\ntitle: ")
    edit(root / ENTRIES / "2022-01-12-council-meets.md", "related: [2019-treaty-ends]\n", "")


def registry_edit(root: Path) -> None:
    edit(root / "content/participants.yaml", "name: Russia", "name: Russian Federation")


def topic_edit(root: Path) -> None:
    edit(root / "content/topics.yaml", "label: Arms control", "label: Arms limitation")


def template_edit(root: Path) -> None:
    (root / "templates/base.html").open("a").write("<!-- edited -->\n")


def config_edit(root: Path) -> None:
    edit(root / "sitegen.toml", 'title = "Fixture timeline"', 'title = "Renamed timeline"')


CHANGES: list[Callable[[Path], None]] = [
    body_edit, title_edit, date_edit, add_entry, remove_entry, link_target_becomes_draft,
    registry_edit, topic_edit, template_edit, config_edit,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_rebuild_after_a_change_equals_a_cold_build(site: Path, tmp_path: Path,
                                                    change: Callable[[Path], None]) -> None:
    out = site / "output"
    serve = SiteBuilder(load_config(site))
    serve.build()
    assert tree(out) == cold(site, tmp_path)
    change(site)
    expected = cold(site, tmp_path)
    if change is not config_edit:  # serve restarts its builder when the configuration changes
        serve.build(changed=[site / "content"])
        assert tree(out) == expected
    SiteBuilder(load_config(site)).build()  # a new process: reads .cache/
    assert tree(out) == expected
    SiteBuilder(load_config(site)).build()  # and once more, nothing changed
    assert tree(out) == expected


def test_warm_build_links_every_unchanged_file(site: Path, tmp_path: Path) -> None:
    SiteBuilder(load_config(site)).build()
    before = {rel: inode(site / "output" / rel) for rel in tree(site / "output")}
    SiteBuilder(load_config(site)).build()
    after = {rel: inode(site / "output" / rel) for rel in tree(site / "output")}
    reused = {rel for rel in before if after.get(rel) == before[rel]}
    pages = {rel for rel in before if rel.endswith(".html")}
    assert pages <= reused  # every page hard-linked from the previous output
    assert tree(site / "output") == cold(site, tmp_path)


def rerendered(site: Path, change: Callable[[Path], None], name: str) -> set[str]:
    """The pages a serve-style rebuild wrote anew (new inode) after ``change``."""
    builder = SiteBuilder(load_config(site))
    builder.build()
    out = site / "output"
    before = {rel: inode(out / rel) for rel in tree(out) if rel.endswith(".html")}
    change(site)
    builder.build(changed=[site / ENTRIES / name])
    return {rel for rel in before if inode(out / rel) != before[rel]}


def test_body_edit_rerenders_only_that_entry_page(site: Path) -> None:
    changed = rerendered(site, body_edit, "1994-partnership.md")
    assert changed == {"entries/1994-partnership/index.html"}


def test_title_edit_rerenders_the_pages_that_list_it(site: Path) -> None:
    changed = rerendered(site, title_edit, "2019-treaty-ends.md")
    assert "entries/2019-treaty-ends/index.html" in changed
    assert "index.html" in changed and "years/2019/index.html" in changed
    assert "entries/2022-01-12-council-meets/index.html" in changed  # relates to it
    assert "pages/about/index.html" not in changed


def test_a_page_edited_by_hand_in_the_output_is_rendered_again(site: Path,
                                                               tmp_path: Path) -> None:
    SiteBuilder(load_config(site)).build()
    page = site / "output/entries/1994-partnership/index.html"
    with open(page, "r+b") as fh:  # in place: same inode, other bytes
        fh.write(b"<!-- tampered -->")
    os.utime(page, ns=(1, 1))
    SiteBuilder(load_config(site)).build()
    assert tree(site / "output") == cold(site, tmp_path)


def test_drafts_build_equals_its_cold_build(site: Path, tmp_path: Path) -> None:
    SiteBuilder(load_config(site)).build()
    SiteBuilder(load_config(site), drafts=True).build()
    assert tree(site / "output") == cold(site, tmp_path, drafts=True)


def test_the_spare_site_is_reused_and_cleaned(site: Path, tmp_path: Path) -> None:
    builder = SiteBuilder(load_config(site))
    builder.build()
    builder.build()  # the first site is swapped out and kept as the spare
    spare = site / ".output.spare"
    assert spare.is_dir()
    (spare / "stale.html").write_text("left over", encoding="utf-8")
    (spare / "entries" / "ghost").mkdir()
    (spare / "entries" / "ghost" / "index.html").write_text("gone", encoding="utf-8")
    page = spare / "entries" / "2019-treaty-ends" / "index.html"
    with open(page, "r+b") as fh:  # edited in place: must not be trusted
        fh.write(b"<!-- tampered -->")
    body_edit(site)
    builder.build(changed=[site / ENTRIES / "1994-partnership.md"])
    assert tree(site / "output") == cold(site, tmp_path)
    assert (site / ".output.spare").is_dir()


@pytest.mark.parametrize("change", [body_edit, title_edit, date_edit, add_entry],
                         ids=["body", "title", "date", "add"])
def test_preview_updates_its_folder_in_place_and_equals_a_cold_build(
        site: Path, tmp_path: Path, change: Callable[[Path], None]) -> None:
    """serve's builder replaces the changed files in its folder instead of swapping a tree."""
    from sitegen.preview.rebuild import preview_builder

    out = tmp_path / "preview"
    builder = preview_builder(load_config(site), out)
    builder.build()
    folder = inode(out)
    change(site)
    builder.build(changed=list((site / ENTRIES).glob("*.md")))
    assert inode(out) == folder  # the same folder, updated: no atomic swap happened
    assert tree(out) == cold(site, tmp_path, drafts=True)


def _preview(site: Path, tmp_path: Path) -> tuple[PreviewBuilder, Path]:
    from sitegen.preview.rebuild import preview_builder

    out = tmp_path / "preview"
    builder = preview_builder(load_config(site), out)
    builder.build()
    return builder, out


def test_a_body_edit_takes_the_short_way_and_later_builds_still_equal_cold_ones(
        site: Path, tmp_path: Path) -> None:
    """serve's commonest edit reuses the last model; each state after it is a cold build's."""
    builder, out = _preview(site, tmp_path)
    entry = site / ENTRIES / "1994-partnership.md"
    original = entry.read_text(encoding="utf-8")
    body_edit(site)
    builder.build(changed=[entry])
    assert builder.body_edit_updates == 1
    assert tree(out) == cold(site, tmp_path, drafts=True)
    entry.write_text(original, encoding="utf-8")  # back to the first text: its first page
    builder.build(changed=[entry])
    assert builder.body_edit_updates == 2
    assert tree(out) == cold(site, tmp_path, drafts=True)
    title_edit(site)  # then an edit the short way does not take, on top of both
    builder.build(changed=[site / ENTRIES / "2019-treaty-ends.md"])
    assert builder.body_edit_updates == 2
    assert tree(out) == cold(site, tmp_path, drafts=True)
    body_edit(site)
    builder.build(changed=[entry])
    assert builder.body_edit_updates == 3
    assert tree(out) == cold(site, tmp_path, drafts=True)


@pytest.mark.parametrize("unreported", [registry_edit, title_edit, add_entry, remove_entry],
                         ids=["registry", "other-entry", "added", "removed"])
def test_the_short_way_is_not_taken_when_another_input_changed_unreported(
        site: Path, tmp_path: Path, unreported: Callable[[Path], None]) -> None:
    """A change the watcher missed (or reported late) is still seen: every input is checked."""
    builder, out = _preview(site, tmp_path)
    body_edit(site)
    unreported(site)
    builder.build(changed=[site / ENTRIES / "1994-partnership.md"])
    assert builder.body_edit_updates == 0
    assert tree(out) == cold(site, tmp_path, drafts=True)


def test_a_body_edit_linking_an_unknown_entry_is_reported_and_changes_nothing(
        site: Path, tmp_path: Path) -> None:
    from sitegen.errors import SitegenError

    builder, out = _preview(site, tmp_path)
    before = tree(out)
    entry = site / ENTRIES / "1994-partnership.md"
    entry.open("a").write("\nSee [this](entry:no-such-entry).\n")
    with pytest.raises(SitegenError) as err:
        builder.build(changed=[entry])
    assert "1994-partnership.md" in err.value.format()
    assert "entry:no-such-entry" in err.value.format()
    assert tree(out) == before
    edit(entry, "[this](entry:no-such-entry)", "[this](entry:2019-treaty-ends)")
    builder.build(changed=[entry])  # after a failure: a whole build
    assert tree(out) == cold(site, tmp_path, drafts=True)
    body_edit(site)  # and then the short way again
    builder.build(changed=[entry])
    assert builder.body_edit_updates == 1
    assert tree(out) == cold(site, tmp_path, drafts=True)


def test_an_editor_swap_file_does_not_stop_the_short_way(site: Path, tmp_path: Path) -> None:
    builder, out = _preview(site, tmp_path)
    (site / ENTRIES / ".1994-partnership.md.swp").write_bytes(b"vim")
    (site / ENTRIES / "1994-partnership.md~").write_text("backup", encoding="utf-8")
    body_edit(site)
    builder.build(changed=[site / ENTRIES / "1994-partnership.md"])
    assert builder.body_edit_updates == 1
    assert tree(out) == cold(site, tmp_path, drafts=True)


def test_a_body_too_deep_to_convert_is_located_and_the_output_kept(site: Path,
                                                                      tmp_path: Path) -> None:
    from sitegen.errors import ContentError

    SiteBuilder(load_config(site)).build()  # bodies are converted a batch at a time
    out = load_config(site).output_dir
    before = tree(out)
    entry = site / ENTRIES / "1994-partnership.md"
    lines = entry.read_text(encoding="utf-8").splitlines()
    entry.open("a").write("\n" + "".join("    " * i + "- a\n" for i in range(600)))
    with pytest.raises(ContentError) as err:
        SiteBuilder(load_config(site)).build()
    (problem,) = err.value.problems
    assert problem.path.endswith("1994-partnership.md")
    assert problem.line > lines.index("---", 1) + 1  # the body's first line, not the YAML's
    assert "nested too deeply" in err.value.format()
    assert tree(out) == before
