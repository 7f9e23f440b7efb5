"""The design's pages read as HTML: budgets, base path, JSON-LD, what each page shows, drafts."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT
from design_fixture import PUBLISHED, design_site

from sitegen.config import load_config
from sitegen.engine.builder import build
from sitegen.outputs.files import served_script

STATIC = ROOT / "templates" / "static"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("design-pages")
    site = design_site(tmp)
    return {"site": build(load_config(site), output=tmp / "out").output,
            "drafts": build(load_config(site), drafts=True, output=tmp / "drafts").output}


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class Refs(HTMLParser):
    """Every href/src/action of a page, and its JSON-LD blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("href", "src", "action") and v is not None]
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.ld.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = False


def refs(path: Path) -> Refs:
    parser = Refs()
    parser.feed(read(path))
    return parser


def test_hand_written_assets_stay_within_budget() -> None:
    """The site's own CSS and JS as the site serves them, every file (Pagefind's are not
    ours and not counted)."""
    css = sum(p.stat().st_size for p in STATIC.glob("*.css"))
    js = sum(len(served_script(p.read_bytes())) for p in STATIC.glob("*.js"))  # as served
    print(f"site CSS {css} bytes, site JS {js} bytes")
    assert css < 40_000 and js < 20_000


def test_shipped_home_page_is_under_300_kb(shipped_site: Path) -> None:
    size = (shipped_site / "index.html").stat().st_size
    entries = len(list((shipped_site / "entries").iterdir()))
    print(f"shipped home: {size} bytes for {entries} entries")
    assert size < 300_000


def test_every_internal_url_is_under_the_base_path(built: dict[str, Path]) -> None:
    site = built["site"]
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        for url in refs(page).urls:
            if url.startswith(("http://", "https://", "#", "mailto:")):
                continue
            assert url.startswith("/x/"), f"{page.relative_to(site)}: {url}"


def test_no_page_loads_anything_from_elsewhere(built: dict[str, Path]) -> None:
    for page in sorted(built["site"].rglob("*.html")):
        text = read(page)
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", text):
            if 'rel="alternate"' in tag or 'rel="canonical"' in tag or "ld+json" in tag:
                continue
            assert "//" not in tag, f"{page.name}: {tag}"
        assert "@import" not in text and "fonts.googleapis" not in text


def test_entry_page_json_ld_is_an_article_about_an_event(built: dict[str, Path]) -> None:
    page = built["site"] / "entries" / "2022-01-12-council-meets" / "index.html"
    (ld,) = [json.loads(x) for x in refs(page).ld]
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "Article"
    assert ld["headline"] == "The council meets on <Ukraine> & security"
    assert ld["url"] == "https://example.org/x/entries/2022-01-12-council-meets/"
    assert ld["dateModified"] == "2026-11-28"  # the page's, not the event's
    event = ld["about"]
    assert event["@type"] == "Event" and event["startDate"] == "2022-01-12"
    assert event["location"] == {"@type": "Place", "name": "Brussels"}
    assert [(a["@type"], a["name"]) for a in event["attendee"]] == [
        ("Organization", "NATO"), ("GovernmentOrganization", "Russia"),
        ("Person", "Jens Stoltenberg")]
    assert "dateModified" not in event


def test_entry_page_shows_everything(built: dict[str, Path]) -> None:
    html = read(built["site"] / "entries" / "2022-01-12-council-meets" / "index.html")
    for needle in (
        '<time datetime="2022-01-12">12 January 2022</time>',
        "Jens Stoltenberg</a><span class=\"role\">chair</span>",
        '<span class="chip o-no-agreement">no agreement</span> No agreement; talks to continue.',
        'class="accounts"', "NATO&#39;s account.", "Russia&#39;s account.",
        'class="footnote"', "PR-1", 'class="badge src-primary">primary',
        'href="/x/entries/2019-treaty-ends/"',  # related and previous
        'rel="next"', "Cite this entry", 'href="/x/citation.bib"',
        'Last reviewed <time datetime="2026-11-28">28 November 2026</time>',
        "data-pagefind-body",
    ):
        assert needle in html, needle


def test_dates_show_their_true_precision(built: dict[str, Path]) -> None:
    home = read(built["site"] / "index.html")
    assert '<time datetime="1994">c. 1994</time>' in home  # circa, year only
    assert '<time datetime="2016-04">April 2016</time>' in home
    assert '<time datetime="2019-08">August 2019</time>' in home


def test_home_cards_carry_the_filter_data(built: dict[str, Path]) -> None:
    home = read(built["site"] / "index.html")
    card = re.search(r'<li class="event [^"]*" id="2016-04-20-resumes"[^>]*>', home)
    assert card, "the card of 2016-04-20-resumes"
    attrs = dict(re.findall(r'(data-[a-z]+)="([^"]*)"', card.group(0)))
    assert attrs == {"data-kind": "meeting",
                     "data-participants": "nato russia stoltenberg", "data-topics": "ukraine",
                     "data-outcomes": "resumed"}
    assert home.count('<li class="event ') == len(PUBLISHED)
    assert '<svg class="overview"' in home and 'href="#y2016"' in home
    assert 'id="y2016"' in home


def test_participant_page_shows_roles_and_who_they_met(built: dict[str, Path]) -> None:
    html = read(built["site"] / "participants" / "stoltenberg" / "index.html")
    assert "Roles over time" in html and "Secretary General, NATO" in html
    assert '<time datetime="2014-10">October 2014</time>' in html
    met = re.findall(r'<li><a href="/x/participants/([a-z]+)/">', html)
    assert met[:2] == ["nato", "russia"]
    assert html.count('<li class="event ') == 3


def test_drafts_show_a_draft_badge_only_when_built(built: dict[str, Path]) -> None:
    assert not (built["site"] / "entries" / "2023-draft").exists()
    entry = read(built["drafts"] / "entries" / "2023-draft" / "index.html")
    assert '<span class="badge draft">Draft</span>' in entry
    home = read(built["drafts"] / "index.html")
    card = home[home.index('id="2023-draft"'):]
    assert card.index('class="badge draft"') < card.index("</li>")
