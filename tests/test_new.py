"""`sitegen new`: the site's archetype, its kinds with a did-you-mean, readable ids from
titles in any script, and a warning when the event may already be recorded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen import cli
from sitegen.config import load_config
from sitegen.content.loader import load_site
from sitegen.content.scaffold import slugify

BASE = Path(__file__).resolve().parent / "bad_inputs" / "_base"
ARCHETYPE = """---
title: {{ title }}
summary: Say in one sentence what the envoys agreed.
date: {{date}}
kind: round
participants: [nato]
sources:
  - title: The communique as published
    publisher: NATO
    url: https://example.org/our-placeholder
    kind: primary
draft: true
---
Our house style: three paragraphs, the last on what followed.
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(BASE, target)
    return target


def new(site: Path, *args: str) -> int:
    return cli.main(["-C", str(site), "new", *args])


@pytest.mark.parametrize(("title", "slug"), [
    ("Переговоры в Женеве", "peregovory-v-zheneve"),
    ("Réunion à Genève", "reunion-a-geneve"),
    ("The Council meets: “a new chapter”", "the-council-meets-a-new-chapter"),
    ("!!!", "entry"),
])
def test_titles_in_any_script_give_readable_ascii_ids(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_long_titles_are_cut_at_a_word() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= 60 and slug.endswith("word") and not slug.endswith("-")


def test_without_an_archetype_the_neutral_builtin_and_the_first_kind(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(site, "Переговоры в Женеве", "--date", "2022-01-12") == 0
    path = site / "content" / "entries" / "2022-01-12-peregovory-v-zheneve.md"
    assert capsys.readouterr().out == f"wrote {path.relative_to(site)}\n"
    text = path.read_text(encoding="utf-8")
    assert "title: Переговоры в Женеве\n" in text and "date: 2022-01-12\n" in text
    assert "kind: meeting\n" in text  # the first of the site's kinds
    assert "draft: true" in text and "nato" not in text.lower()
    entry = next(e for e in load_site(load_config(site), drafts=True).site.entries
                 if e.id == path.stem)
    assert entry.draft and entry.title == "Переговоры в Женеве"


def test_the_sites_archetype_and_its_kind_are_used(site: Path) -> None:
    (site / "archetypes").mkdir()
    (site / "archetypes" / "entry.md").write_text(ARCHETYPE, encoding="utf-8")
    with (site / "sitegen.toml").open("a", encoding="utf-8") as fh:
        fh.write('kinds = ["agreement", "declaration", "summit", "round"]\n')
    assert new(site, "Réunion à Genève", "--date", "2023-05") == 0
    text = (site / "content" / "entries" / "2023-05-reunion-a-geneve.md").read_text("utf-8")
    assert text.startswith("---\ntitle: Réunion à Genève\n")
    assert "date: 2023-05\nkind: round\n" in text  # the archetype's kind, not the first
    assert "Our house style" in text
    assert new(site, "Another round", "--date", "2023-06", "--kind", "summit") == 0
    text = (site / "content" / "entries" / "2023-06-another-round.md").read_text("utf-8")
    assert "kind: summit\n" in text and "kind: round" not in text


def test_a_kind_outside_the_vocabulary_gets_a_did_you_mean(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(site, "Talks", "--date", "2022-01-12", "--kind", "meting") == 2
    err = capsys.readouterr().err
    assert "--kind: 'meting' is not one of the site's kinds" in err
    assert "hint: did you mean 'meeting'?" in err and "kinds: meeting, summit" in err
    assert not (site / "content" / "entries" / "2022-01-12-talks.md").exists()


def test_an_archetype_without_the_title_token_is_refused(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "archetypes").mkdir()
    (site / "archetypes" / "entry.md").write_text(ARCHETYPE.replace("{{ title }}", "x"),
                                                  encoding="utf-8")
    assert new(site, "Talks", "--date", "2022-01-12") == 1
    assert "archetypes/entry.md: lacks {{ title }}" in capsys.readouterr().err


def test_a_similar_title_on_the_same_date_is_a_warning(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(site, "The Rome Declaration is signed", "--date", "2002-05-28") == 0
    err = capsys.readouterr().err
    assert ("content/entries/2002-05-28-rome.md: warning: title: has the same date and a "
            "similar title: 'The Rome declaration'") in err
    assert new(site, "A press conference on the budget", "--date", "2002-05-28") == 0
    assert "similar" not in capsys.readouterr().err
    assert new(site, "The Rome declaration", "--date", "2002-05-29") == 0  # another day
    assert "similar" not in capsys.readouterr().err


def test_the_sites_own_sample_text_is_flagged_in_entries(site: Path) -> None:
    (site / "archetypes").mkdir()
    (site / "archetypes" / "entry.md").write_text(ARCHETYPE, encoding="utf-8")
    with (site / "sitegen.toml").open("a", encoding="utf-8") as fh:
        fh.write('kinds = ["agreement", "declaration", "summit", "round"]\n')
    assert new(site, "Envoys meet", "--date", "2023-05-02") == 0
    warnings = load_site(load_config(site), drafts=True).warnings
    flagged = sorted((w.line, w.field) for w in warnings if "sample text" in w.message)
    assert flagged == [(3, "summary"), (8, "sources.title"), (10, "sources.url"),
                       (14, "body")]
    path = site / "content" / "entries" / "2023-05-02-envoys-meet.md"
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true\n", ""), "utf-8")
    assert cli.main(["-C", str(site), "check"]) == 1  # published: errors now


def test_new_never_overwrites(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(site, "Talks", "--date", "2022-01-12") == 0
    path = site / "content" / "entries" / "2022-01-12-talks.md"
    path.write_text("mine", encoding="utf-8")
    assert new(site, "Talks", "--date", "2022-01-12") == 1
    assert path.read_text(encoding="utf-8") == "mine"
    assert "already exists" in capsys.readouterr().err
