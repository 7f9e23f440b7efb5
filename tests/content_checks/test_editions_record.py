"""The NATO–Russia record's editions (issue 22): English at `/`, French at `/fr/` and Russian
at `/ru/`, each with the listings, and a page for each entry translated into it (the turning
points are)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

from sitegen.content.translations import split_name

ENTRIES = ROOT / "content" / "entries"


def translated(lang: str) -> set[str]:
    return {stem for path in ENTRIES.glob(f"*.{lang}.md")
            for stem, code in [split_name(path) or ("", "")] if code == lang}


def test_each_edition_has_a_page_for_each_translated_entry_and_no_other(shipped_site: Path):
    for lang in ("fr", "ru"):
        pages = {p.parent.name for p in (shipped_site / lang / "entries").glob("*/index.html")}
        assert pages == translated(lang), lang
        assert len(pages) >= 20
        for page in ("index.html", "chronology/index.html", "table/index.html",
                     "search/index.html", "years/2022/index.html"):
            html = (shipped_site / lang / page).read_text(encoding="utf-8")
            assert f'<html lang="{lang}">' in html, (lang, page)


def test_every_entry_is_listed_in_each_edition(shipped_site: Path):
    ids = {p.parent.name for p in (shipped_site / "entries").glob("*/index.html")}
    for lang in ("fr", "ru"):
        home = (shipped_site / lang / "chronology" / "index.html").read_text(encoding="utf-8")
        listed = set(re.findall(r'href="/(?:[a-z]{2}/)?entries/([^/]+)/"', home))
        assert listed == ids, lang
        # an untranslated entry links its English page, marked
        untranslated = sorted(ids - translated(lang))[0]
        assert re.search(rf'href="/entries/{untranslated}/" hreflang="en"', home), lang


def test_a_turning_point_switches_between_its_three_versions(shipped_site: Path):
    stem = sorted(translated("fr") & translated("ru"))[0]
    html = (shipped_site / "ru" / "entries" / stem / "index.html").read_text(encoding="utf-8")
    for lang, prefix in (("en", ""), ("fr", "fr/"), ("ru", "ru/")):
        assert f'<link rel="alternate" hreflang="{lang}" href="http://127.0.0.1/{prefix}' \
               f'entries/{stem}/">' in html
        assert f'<a href="/{prefix}entries/{stem}/" hreflang="{lang}" lang="{lang}"' in html
