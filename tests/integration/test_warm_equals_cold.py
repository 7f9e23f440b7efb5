"""Warm and incremental builds give exactly the bytes of a cold build, and reuse what they can.

Each case builds the fixture site, changes one thing, builds again (a new builder reading
.cache/, as the CLI does, and the preview's builder kept in memory, as serve does) and
compares the whole output with a cold build of the same input. Thresholds are lowered so
the tiny fixture takes the spare-tree and worker-process paths. (test_every_field.py does
the same for every field of every content type.)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import cold, edit, fixture_copy, inodes, tree

from sitegen.config import load_config
from sitegen.engine import tree as engine_tree
from sitegen.engine import workers
from sitegen.engine.builder import build
from sitegen.errors import ContentError, SitegenError
from sitegen.preview.rebuild import Rebuilder

ENTRIES = Path("content/entries")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(engine_tree, "SPARE_MIN_OUTPUTS", 0)
    monkeypatch.setattr(workers, "MIN_BATCH", 2)
    monkeypatch.setenv("SITEGEN_JOBS", "2")
    return fixture_copy(tmp_path)


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


def renamed_with_alias(root: Path) -> None:  # the old address becomes a redirect page
    old = root / ENTRIES / "2019-treaty-ends.md"
    text = old.read_text(encoding="utf-8")
    old.unlink()
    (root / ENTRIES / "2019-08-treaty-ended.md").write_text(
        text.replace("---\ntitle: ", "---\naliases: [2019-treaty-ends]\ntitle: ", 1),
        encoding="utf-8")
    linking = root / ENTRIES / "2022-01-12-council-meets.md"  # relates to it, links it
    linking.write_text(linking.read_text(encoding="utf-8").replace(
        "2019-treaty-ends", "2019-08-treaty-ended"), encoding="utf-8")


CHANGES: list[Callable[[Path], None]] = [
    body_edit, title_edit, date_edit, add_entry, remove_entry, link_target_becomes_draft,
    registry_edit, topic_edit, template_edit, config_edit, renamed_with_alias,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_a_build_after_a_change_equals_a_cold_build(site: Path, tmp_path: Path,
                                                    change: Callable[[Path], None]) -> None:
    serve = Rebuilder(load_config(site), tmp_path / "preview")
    assert serve.rebuild().ok
    build(load_config(site))
    assert tree(site / "output") == cold(site, tmp_path)
    change(site)
    outcome = serve.rebuild([site / "content", site / "sitegen.toml"])
    assert outcome.ok, outcome.error
    assert tree(tmp_path / "preview") == cold(site, tmp_path, drafts=True)
    build(load_config(site))  # a new process: reads .cache/
    assert tree(site / "output") == cold(site, tmp_path)
    assert build(load_config(site)).rendered == []  # and once more, nothing changed
    assert tree(site / "output") == cold(site, tmp_path)


def test_a_warm_build_links_every_unchanged_file(site: Path, tmp_path: Path) -> None:
    build(load_config(site))
    before = inodes(site / "output")
    build(load_config(site))
    after = inodes(site / "output")
    assert {rel for rel in before if after.get(rel) == before[rel]} >= set(before) - {".sitegen"}
    assert tree(site / "output") == cold(site, tmp_path)


def rerendered(site: Path, tmp_path: Path, change: Callable[[Path], None]) -> list[str]:
    """The files the preview's builder wrote anew after ``change``."""
    serve = Rebuilder(load_config(site), tmp_path / "preview")
    assert serve.rebuild().ok
    change(site)
    outcome = serve.rebuild([site / ENTRIES])
    assert tree(tmp_path / "preview") == cold(site, tmp_path, drafts=True)
    return outcome.rendered


def test_a_body_edit_renders_its_page_alone(site: Path, tmp_path: Path) -> None:
    # no data file holds a body (the data's format version 2)
    assert rerendered(site, tmp_path, body_edit) == ["entries/1994-partnership/index.html"]


def test_a_title_edit_renders_the_pages_that_show_it(site: Path, tmp_path: Path) -> None:
    changed = rerendered(site, tmp_path, title_edit)
    assert {"entries/2019-treaty-ends/index.html", "index.html", "years/2019/index.html",
            "entries/2022-01-12-council-meets/index.html"} <= set(changed)  # relates to it
    assert "pages/about/index.html" not in changed


def test_a_page_edited_by_hand_in_the_output_is_rendered_again(site: Path,
                                                               tmp_path: Path) -> None:
    build(load_config(site))
    page = site / "output/entries/1994-partnership/index.html"
    with open(page, "r+b") as fh:  # in place: same inode, other bytes
        fh.write(b"<!-- tampered -->")
    os.utime(page, ns=(1, 1))
    assert build(load_config(site)).rendered == ["entries/1994-partnership/index.html"]
    assert tree(site / "output") == cold(site, tmp_path)


def test_a_drafts_build_equals_its_cold_build(site: Path, tmp_path: Path) -> None:
    build(load_config(site))
    build(load_config(site), drafts=True)
    assert tree(site / "output") == cold(site, tmp_path, drafts=True)


def test_the_spare_site_is_reused_and_cleaned(site: Path, tmp_path: Path) -> None:
    build(load_config(site))
    build(load_config(site))  # the first site is swapped out and kept as the spare
    spare = site / ".output.spare"
    assert spare.is_dir()
    (spare / "stale.html").write_text("left over", encoding="utf-8")
    (spare / "entries" / "ghost").mkdir()
    (spare / "entries" / "ghost" / "index.html").write_text("gone", encoding="utf-8")
    with open(spare / "entries" / "2019-treaty-ends" / "index.html", "r+b") as fh:
        fh.write(b"<!-- tampered -->")  # edited in place: must not be trusted
    body_edit(site)
    build(load_config(site))
    assert tree(site / "output") == cold(site, tmp_path)
    assert (site / ".output.spare").is_dir()


def test_the_preview_updates_its_folder_in_place(site: Path, tmp_path: Path) -> None:
    serve = Rebuilder(load_config(site), tmp_path / "preview")
    assert serve.rebuild().ok
    folder = os.stat(tmp_path / "preview").st_ino
    title_edit(site)
    assert serve.rebuild([site / ENTRIES]).ok
    assert os.stat(tmp_path / "preview").st_ino == folder  # no swap: the same folder
    assert tree(tmp_path / "preview") == cold(site, tmp_path, drafts=True)


def test_the_pages_open_in_a_browser_come_first(site: Path, tmp_path: Path) -> None:
    """The preview renders and publishes the page being read before the rest."""
    serve = Rebuilder(load_config(site), tmp_path / "preview")
    assert serve.rebuild().ok
    title_edit(site)
    page = tmp_path / "preview" / "entries" / "2019-treaty-ends" / "index.html"
    home = tmp_path / "preview" / "index.html"
    seen: list[tuple[list[str], bool, bool]] = []

    def first(rels: list[str]) -> None:
        seen.append((rels, "Revised" in page.read_text(), "Revised" in home.read_text()))

    outcome = serve.rebuild([site / ENTRIES], first=["entries/2019-treaty-ends/index.html"],
                            on_first=first)
    assert seen == [(["entries/2019-treaty-ends/index.html"], True, False)]
    assert outcome.ok and "Revised" in home.read_text()
    assert tree(tmp_path / "preview") == cold(site, tmp_path, drafts=True)


def test_a_body_linking_an_unknown_entry_is_reported_and_changes_nothing(
        site: Path, tmp_path: Path) -> None:
    serve = Rebuilder(load_config(site), tmp_path / "preview")
    assert serve.rebuild().ok
    before = tree(tmp_path / "preview")
    entry = site / ENTRIES / "1994-partnership.md"
    entry.open("a").write("\nSee [this](entry:no-such-entry).\n")
    outcome = serve.rebuild([entry])
    assert not outcome.ok and "1994-partnership.md" in (outcome.error or "")
    assert "entry:no-such-entry" in (outcome.error or "")
    assert tree(tmp_path / "preview") == before
    edit(entry, "[this](entry:no-such-entry)", "[this](entry:2019-treaty-ends)")
    assert serve.rebuild([entry]).ok
    assert tree(tmp_path / "preview") == cold(site, tmp_path, drafts=True)


def test_an_editor_swap_file_changes_nothing(site: Path, tmp_path: Path) -> None:
    serve = Rebuilder(load_config(site), tmp_path / "preview")
    assert serve.rebuild().ok
    (site / ENTRIES / ".1994-partnership.md.swp").write_bytes(b"vim")
    (site / ENTRIES / "1994-partnership.md~").write_text("backup", encoding="utf-8")
    outcome = serve.rebuild([site / ENTRIES / ".1994-partnership.md.swp"])
    assert outcome.ok and outcome.rendered == []


def test_a_body_too_deep_to_convert_is_located_and_the_output_kept(site: Path) -> None:
    build(load_config(site))
    before = tree(site / "output")
    entry = site / ENTRIES / "1994-partnership.md"
    lines = entry.read_text(encoding="utf-8").splitlines()
    entry.open("a").write("\n" + "".join("    " * i + "- a\n" for i in range(600)))
    with pytest.raises(ContentError) as err:
        build(load_config(site))
    (problem,) = err.value.problems
    assert problem.path.endswith("1994-partnership.md")
    assert problem.line > lines.index("---", 1) + 1  # the body's first line, not the YAML's
    assert "nested too deeply" in err.value.format()
    assert tree(site / "output") == before


def test_a_failed_build_keeps_the_previous_output(site: Path) -> None:
    build(load_config(site))
    before = tree(site / "output")
    edit(site / "templates" / "year.html", "{{ year }}", "{{ year_typo }}")
    with pytest.raises(SitegenError):
        build(load_config(site))
    assert tree(site / "output") == before


def test_a_page_shown_early_by_a_build_that_failed_later_is_made_again(
        site: Path, tmp_path: Path) -> None:
    """The open page is published before the rest; if the rest then fails (here: another
    entry's body) and the edits are undone, the page shown must not stay the edited one."""
    serve = Rebuilder(load_config(site), tmp_path / "preview")
    assert serve.rebuild().ok
    entry, other = site / ENTRIES / "2019-treaty-ends.md", site / ENTRIES / "1994-partnership.md"
    originals = {p: p.read_text(encoding="utf-8") for p in (entry, other)}
    title_edit(site)
    other.open("a").write("\n" + "".join("    " * i + "- a\n" for i in range(600)))
    page = tmp_path / "preview" / "entries" / "2019-treaty-ends" / "index.html"
    outcome = serve.rebuild([entry, other], first=["entries/2019-treaty-ends/index.html"])
    assert not outcome.ok and "nested too deeply" in (outcome.error or "")
    assert "Revised" in page.read_text()  # shown early, before the failure
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")
    assert serve.rebuild([entry, other]).ok
    assert tree(tmp_path / "preview") == cold(site, tmp_path, drafts=True)
