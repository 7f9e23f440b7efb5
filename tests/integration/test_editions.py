"""Issue 22, the editions: `/` in the default language, `/<lang>/` for each other language
of `languages`, built through the CLI from the languages fixture (read in English here, with
German, French and Russian editions; German comes from the site's own catalog only).

The layout of the output, the untranslated entries listed and marked in every edition, the
language switcher, the hreflang alternates, the sitemap's alternates and the feeds."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import edit, fixture_copy, tree

ENTRY = "entries/2022-01-12-council-meets/"  # translated into French and Russian
PLAIN = "entries/2019-treaty-ends/"  # not translated
BASE = "/sprachen/"
ABS = "https://example.org/sprachen/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"


def sitegen(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-P", "-m", "sitegen", "-C", str(site), *args],
                          capture_output=True, text=True, check=False)


def english_site(tmp: Path, languages: str = '["en", "de", "fr", "ru"]') -> Path:
    site = fixture_copy(tmp, "languages")
    edit(site / "sitegen.toml", 'language = "de"', 'language = "en"')
    edit(site / "sitegen.toml", 'languages = ["de", "en", "fr", "ru"]',
         f"languages = {languages}")
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    site = english_site(tmp_path_factory.mktemp("editions"))
    r = sitegen(site, "build")
    assert r.returncode == 0, r.stderr
    return tree(site / "output")


def html(files: dict[str, bytes], path: str) -> str:
    return files[path + ("index.html" if path.endswith("/") or not path else "")].decode()


def test_each_language_has_its_listings_and_only_its_translated_entries(built):
    for lang in ("de", "fr", "ru"):
        for page in ("", "chronology/", "table/", "search/", "years/2022/", "topics/ukraine/",
                     "participants/nato/", "pages/about/"):
            assert f"{lang}/{page}index.html" in built, f"{lang}/{page}"
        assert f'<html lang="{lang}">' in html(built, f"{lang}/years/2019/")
    assert f"fr/{ENTRY}index.html" in built and f"ru/{ENTRY}index.html" in built
    # no page copied without its translation, and no second English edition
    assert not any(p.startswith(("fr/entries/2019", "ru/entries/1994", "de/entries/", "en/"))
                   for p in built)
    # data, static files and the search index stay single, in the default language
    for lang in ("de", "fr", "ru"):
        assert not any(p.startswith(f"{lang}/") and not p.endswith((".html", "feed.xml"))
                       for p in built), lang
    assert "timeline.json" in built and "timeline.csv" in built and "static/site.css" in built
    assert 'href="/sprachen/static/editions.css"' in html(built, "ru/")  # the switcher's style
    # a free page has no translation: an edition shows it, marked as in the site's language
    about = html(built, "fr/pages/about/")
    assert '<h1 id="page-title" lang="en">' in about and '<div class="prose" lang="en">' in about


def test_a_russian_page_is_russian_and_its_links_stay_in_its_edition(built):
    page = html(built, "ru/" + ENTRY)
    assert '<html lang="ru">' in page
    assert "Совет собирается по Украине и безопасности" in page
    assert "12 января 2022" in page
    assert '<a class="skip-link" href="#main">Перейти к содержанию</a>' in page
    # the translated body's entry link leads to the original's page (2019 is untranslated)
    assert f'href="{BASE}{PLAIN}"' in page
    assert f'href="{BASE}ru/years/2022/"' in page  # a listing of its own edition
    assert f'href="{BASE}static/site.css"' in page  # one set of static files


def test_an_untranslated_entry_is_listed_in_every_edition_marked_with_its_language(built):
    for path in ("ru/", "ru/years/2019/", "ru/chronology/", "ru/table/"):
        page = html(built, path)
        link = re.search(r'<a (?:class="title" )?href="' + BASE + PLAIN + r'"([^>]*)>A treaty ends'
                         r'</a>( <small class="lang-tag" title="([^"]+)">EN</small>)?', page)
        assert link, path
        assert 'hreflang="en"' in link.group(1), path
        assert link.group(2), f"no visible language tag on {path}"
        assert link.group(3) == "английский"  # the language named in the page's language
        assert re.search(r'lang="en"[^>]*>(<a [^>]*>)?A treaty ends', page), path
    # the translated one links inside the edition, unmarked
    home = html(built, "ru/")
    assert f'href="{BASE}ru/{ENTRY}">Совет собирается' in home
    # in the default edition nothing is marked
    assert "lang-tag" not in html(built, "")


def test_the_switcher_keeps_the_reader_on_the_same_page(built):
    page = html(built, "fr/" + ENTRY)
    switch = re.search(r'<nav class="lang-switch" aria-label="Langues">(.*?)</nav>', page, re.S)
    assert switch, "no language switcher in the header"
    items = {re.findall(r'lang="([a-z]+)"', li)[0]: li
             for li in re.findall(r"<li>(.*?)</li>", switch.group(1))}
    assert list(items) == ["en", "de", "fr", "ru"]
    assert f'<a href="{BASE}{ENTRY}" hreflang="en" lang="en">English</a>' in items["en"]
    assert (f'<a href="{BASE}fr/{ENTRY}" hreflang="fr" lang="fr" aria-current="page">'
            "Français</a>") in items["fr"]
    assert f'<a href="{BASE}ru/{ENTRY}" hreflang="ru" lang="ru">Русский</a>' in items["ru"]
    # German has no translation: said so, and its listing of the entry's year linked
    assert '<span lang="de">Deutsch</span>' in items["de"] and "non traduit" in items["de"]
    assert f'href="{BASE}de/years/2022/" hreflang="de"' in items["de"]
    assert f'href="{BASE}de/{ENTRY}' not in page
    # a listing: the same year in each edition
    year = html(built, "ru/years/2019/")
    for lang, prefix in (("en", ""), ("de", "de/"), ("fr", "fr/")):
        assert f'<a href="{BASE}{prefix}years/2019/" hreflang="{lang}" lang="{lang}">' in year
    assert f'<a href="{BASE}ru/years/2019/" hreflang="ru" lang="ru" aria-current="page">' in year
    topic = html(built, "de/topics/ukraine/")
    assert f'<a href="{BASE}fr/topics/ukraine/" hreflang="fr" lang="fr">' in topic


def alternates(page: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))


def test_each_page_names_its_versions_with_hreflang(built):
    versions = {"en": ABS + ENTRY, "fr": ABS + "fr/" + ENTRY, "ru": ABS + "ru/" + ENTRY,
                "x-default": ABS + ENTRY}
    for path in (ENTRY, "fr/" + ENTRY, "ru/" + ENTRY):
        assert alternates(html(built, path)) == versions, path
    assert alternates(html(built, PLAIN)) == {"en": ABS + PLAIN, "x-default": ABS + PLAIN}
    assert alternates(html(built, "de/topics/ukraine/")) == {
        "en": ABS + "topics/ukraine/", "de": ABS + "de/topics/ukraine/",
        "fr": ABS + "fr/topics/ukraine/", "ru": ABS + "ru/topics/ukraine/",
        "x-default": ABS + "topics/ukraine/"}
    assert f'<link rel="canonical" href="{ABS}ru/{ENTRY}">' in html(built, "ru/" + ENTRY)


def test_the_sitemap_lists_every_edition_with_its_alternates(built):
    root = ET.fromstring(built["sitemap.xml"])
    urls = {u.find(SITEMAP + "loc").text: {x.get("hreflang"): x.get("href")  # type: ignore[union-attr]
                                          for x in u.iter(XHTML + "link")}
            for u in root.iter(SITEMAP + "url")}
    entry = {"en": ABS + ENTRY, "fr": ABS + "fr/" + ENTRY, "ru": ABS + "ru/" + ENTRY,
             "x-default": ABS + ENTRY}
    for loc in (ABS + ENTRY, ABS + "fr/" + ENTRY, ABS + "ru/" + ENTRY):
        assert urls[loc] == entry
    assert urls[ABS + PLAIN] == {"en": ABS + PLAIN, "x-default": ABS + PLAIN}
    assert ABS + "de/" + ENTRY not in urls and ABS + "ru/" + PLAIN not in urls
    assert set(urls[ABS + "ru/years/2019/"]) == {"en", "de", "fr", "ru", "x-default"}
    # every page of every edition is listed (but the search pages and the 404)
    pages = {ABS + p.removesuffix("index.html") for p in built
             if p.endswith("index.html") and "search/" not in p}
    assert set(urls) == pages


def test_each_edition_has_its_own_feed(built):
    feed = ET.fromstring(built["ru/feed.xml"])
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    assert feed.find(ATOM + "link[@rel='self']").get("href") == ABS + "ru/feed.xml"  # type: ignore[union-attr]
    items = {i.find(ATOM + "link").get("href"): i for i in feed.iter(ATOM + "entry")}  # type: ignore[union-attr]
    translated = items[ABS + "ru/" + ENTRY]
    assert translated.find(ATOM + "title").text == "Совет собирается по Украине и безопасности"  # type: ignore[union-attr]
    assert translated.find(ATOM + "summary").text.startswith("12 января 2022")  # type: ignore[union-attr]
    plain = items[ABS + PLAIN]  # an untranslated entry links its original, marked English
    title = plain.find(ATOM + "title")
    assert title.text == "A treaty ends"  # type: ignore[union-attr]
    assert title.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"  # type: ignore[union-attr]
    assert f'href="{BASE}ru/feed.xml"' in html(built, "ru/")
    assert "fr/feed.xml" in built and "de/feed.xml" in built
    # the default edition's feed is the site's feed, as before
    assert ET.fromstring(built["feed.xml"]).find(ATOM + "link[@rel='self']").get(  # type: ignore[union-attr]
        "href") == ABS + "feed.xml"


def test_a_language_added_by_a_catalog_only_has_its_edition(built):
    page = html(built, "de/")
    assert '<html lang="de">' in page
    assert ">Zum Inhalt springen<" in page  # the site's own German catalog
    assert ">Chronik<" in page


def test_a_site_of_one_language_has_no_edition_switcher_or_alternates(tmp_path):
    """(Its bytes are those of before the editions: the golden fixture, test_build.py.)"""
    site = fixture_copy(tmp_path, "basic")
    r = sitegen(site, "build")
    assert r.returncode == 0, r.stderr
    files = tree(site / "output")
    assert not any(re.match(r"[a-z]{2}/", p) for p in files)
    page = html(files, ENTRY)
    assert "lang-switch" not in page and 'hreflang="' not in page and "lang-tag" not in page
    assert b"xhtml:link" not in files["sitemap.xml"]
    assert "static/editions.css" not in files and "editions.css" not in page
