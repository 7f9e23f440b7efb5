"""Labels from the settings: the filter titles and the labels of kinds, levels, outcome types
and significance ranks come from ``[labels]`` in sitegen.toml, as a text or one per
language, with today's words as the defaults."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import fixture_copy

from sitegen import cli
from sitegen.labels import Label, label_for

LABELS = """
[labels.facets]
topic = { en = "Theme", fr = "Thème" }
kind = "Sort of event"
significance = { fr = "Importance", en = "Weight" }

[labels.kinds]
meeting = { en = "council session", fr = "séance du conseil" }

[labels.levels]
ambassadors = "permanent representatives"

[labels.outcome_types]
no-agreement = { en = "no deal", fr = "pas d'accord" }
statement = "joint statement"

[labels.significance]
turning-point = { en = "watershed", fr = "tournant" }

[labels.significance_plural]
turning-point = { en = "watersheds", fr = "tournants" }
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = fixture_copy(tmp_path)
    shutil.rmtree(root / "templates")  # the packaged theme, where labels show
    entry = root / "content/entries/2022-01-12-council-meets.md"
    text = entry.read_text(encoding="utf-8")
    if "significance:" not in text:
        text = text.replace("\nkind: ", "\nsignificance: turning-point\nkind: ", 1)
    entry.write_text(text, encoding="utf-8")
    (root / "content/pages/about.md").write_text(
        "---\ntitle: About\ndescription: About it.\nshow: [significance]\n---\nText.\n",
        encoding="utf-8")
    return root


def build(site: Path, language: str | None = None, labels: str = LABELS) -> Path:
    config = site / "sitegen.toml"
    text = config.read_text(encoding="utf-8")
    if language:
        text = text.replace('language = "en"', f'language = "{language}"')
    config.write_text(text + labels, encoding="utf-8")
    assert cli.main(["-C", str(site), "build", "--no-search"]) == 0
    return site / "output"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_filters_cards_and_entry_pages_use_the_labels(site: Path) -> None:
    out = build(site)
    home = (out / "index.html").read_text(encoding="utf-8")
    filters = text_of(home[home.index('class="filters'):])
    assert "Theme" in filters and "Sort of event" in filters and "Weight" in filters
    assert "Participant" in filters and "Outcome" in filters  # the defaults, where not set
    assert ">council session</" in home  # a card's kind badge and the kind filter
    assert 'data-kind="meeting"' in home  # the names stay the names
    assert ">Watershed</strong>" in home  # a turning point's badge on its card
    entry = (out / "entries/2022-01-12-council-meets/index.html").read_text(encoding="utf-8")
    assert '<span class="badge kind f0">council session</span>' in entry
    assert "<dt>Rank</dt><dd>watershed</dd>" in entry
    assert "<dt>Level</dt><dd>permanent representatives</dd>" in entry
    assert '<span class="chip o-no-agreement">no deal</span>' in entry
    assert "turning point" not in text_of(entry).lower()


def test_a_count_of_turning_points_uses_the_plural(site: Path) -> None:
    out = build(site)
    home = text_of((out / "index.html").read_text(encoding="utf-8"))
    assert re.search(r"· 1 watersheds|Diamonds mark watersheds", home)
    about = text_of((out / "pages/about/index.html").read_text(encoding="utf-8"))
    assert "The watersheds:" in about and "turning point" not in about


def test_a_label_is_taken_in_the_pages_language(site: Path) -> None:
    out = build(site, language="fr-CA")  # no fr-CA label: the French one
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Thème" in home and "Importance" in home and ">séance du conseil</" in home
    assert ">Tournant</strong>" in home
    entry = (out / "entries/2022-01-12-council-meets/index.html").read_text(encoding="utf-8")
    assert '<span class="chip o-no-agreement">pas d&#39;accord</span>' in entry
    assert "<dt>Level</dt><dd>permanent representatives</dd>" in entry  # plain: any language


def test_label_for_picks_the_tag_its_language_or_the_first() -> None:
    label = Label((("fr", "Thème"), ("en-GB", "Theme (UK)"), ("en", "Theme")))
    assert label_for(label, "en-GB") == "Theme (UK)"
    assert label_for(label, "en-us") == "Theme"
    assert label_for(label, "fr-CA") == "Thème"
    assert label_for(label, "de") == "Thème"
    assert label_for({"en-US": "Color"}, "en-GB") == "Color"
    assert label_for("Topic", "fr") == "Topic"


def test_without_labels_the_pages_keep_todays_words(site: Path) -> None:
    out = build(site, labels="")
    home = text_of((out / "index.html").read_text(encoding="utf-8"))
    for title in ("Participant", "Topic", "Kind", "Outcome", "Significance"):
        assert title in home
    entry = (out / "entries/2022-01-12-council-meets/index.html").read_text(encoding="utf-8")
    assert "<dt>Rank</dt><dd>turning point</dd>" in entry
    assert ">Turning point</strong>" in entry


@pytest.mark.parametrize(("labels", "field", "message", "hint"), [
    ("[labels.kinds]\nmeetnig = 'x'\n", "labels.kinds.meetnig",
     "'meetnig' is not one of the names it may label", "did you mean 'meeting'?"),
    ("[labels.facet]\ntopic = 'x'\n", "labels.facet", "unknown group of labels",
     "did you mean 'facets'?"),
    ("[labels.facets]\ntopic = { 'en_GB' = 'x' }\n", "labels.facets.topic.en_GB",
     "'en_GB' is not a language tag", "use a BCP 47 tag"),
    ("[labels.facets]\ntopic = ''\n", "labels.facets.topic",
     "must be a one-line text or a table of one per language", 'fr = "Thème"'),
    ("[labels.facets]\ntopic = { en = \"two\\nlines\" }\n", "labels.facets.topic.en",
     "must be a one-line text", 'fr = "Thème"'),
    ("[labels.significance]\nminor = 'x'\n", "labels.significance.minor",
     "is not one of the names it may label", "did you mean 'major'?"),
    ("[labels.levels]\nsummit = 'x'\n", "labels.levels.summit",
     "is not one of the names it may label", "allowed: heads-of-state, ministers"),
    ("labels = 3\n", "labels", "must be a table", "[labels.facets]"),
])
def test_a_bad_label_is_a_located_error(site: Path, labels: str, field: str, message: str,
                                        hint: str, capsys: pytest.CaptureFixture[str]) -> None:
    config = site / "sitegen.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text((labels + text) if labels.startswith("labels =") else text + labels,
                      encoding="utf-8")
    assert cli.main(["-C", str(site), "check"]) == 1
    err = capsys.readouterr().err
    assert f"sitegen.toml: {field}: " in err and message in err, err
    assert hint in err, err
