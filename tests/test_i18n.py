"""Issue 22, the interface in the reader's language: the theme's strings through gettext
catalogs (English, French and Russian shipped; a site adds one by catalog), dates written
as each language writes them, and `sitegen check` listing what a catalog leaves in English.
Through the command line, on the fixture site tests/fixtures/languages (German by catalog).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from attack import Checkout
from conftest import ROOT

from sitegen.config import load_config
from sitegen.i18n.catalogs import folder_names, read_catalog, template_strings
from sitegen.packaged import default_theme
from sitegen.render.templates import Templates

ENTRY = "entries/2022-01-12-council-meets/index.html"
CIRCA = "entries/1994-partnership/index.html"  # date: 1994, circa: true
MONTH = "entries/2019-treaty-ends/index.html"  # date: 2019-08


def site(tmp_path: Path, language: str | None = None) -> Checkout:
    """The languages fixture, read in ``language`` (its own setting, German, when None)."""
    c = Checkout(tmp_path, fixture="languages")
    if language is not None:
        toml = c.root / "sitegen.toml"
        toml.write_text(re.sub(r'(?m)^language = "de"$', f'language = "{language}"',
                               toml.read_text()))
    return c


def built(c: Checkout) -> Checkout:
    r = c.run("build", "--no-search")
    assert r.code == 0, r.text
    return c


def page(c: Checkout, rel: str) -> str:
    return (c.output / rel).read_text(encoding="utf-8")


def entry_date(html: str) -> str:
    m = re.search(r'<p class="entry-date"[^>]*><time datetime="([^"]+)">([^<]+)</time>', html)
    assert m, "no entry date"
    return f"{m.group(1)} {m.group(2)}"


def test_a_russian_site_speaks_russian_and_writes_russian_dates(tmp_path: Path) -> None:
    c = built(site(tmp_path, "ru"))
    html = page(c, ENTRY)
    assert '<html lang="ru">' in html
    # CLDR's Russian: a narrow no-break space before "г." (год)
    assert entry_date(html) == "2022-01-12 12 января 2022\u202fг."
    assert entry_date(page(c, MONTH)) == "2019-08 август 2019\u202fг."
    assert entry_date(page(c, CIRCA)) == "1994 около 1994"
    for words in ("Перейти к содержанию", ">Источники<", ">Что произошло<", ">Участники<",
                  "Как цитировать", "Поиск по хронологии"):
        assert words in html, words
    # a sentence that ends on "г." gets one full stop, not two
    assert re.search(r"Последняя проверка: <time datetime=\"2026-11-28\">28 ноября 2026\u202fг\."
                     r"</time></p>", html), html
    cite = re.search(r'<h2 id="h-cite">[^<]*</h2>\s*<p>([^<]*)<', html)
    assert cite and "(12 января 2022\u202fг.)" in cite.group(1)
    assert "“A partnership begins” (около 1994)" in page(c, CIRCA)
    assert "Skip to content" not in html and "What happened" not in html


def test_a_russian_sites_citation_and_redirect_pages_speak_russian(tmp_path: Path) -> None:
    c = site(tmp_path, "ru")
    entry = c.root / "content/entries/1994-partnership.md"
    entry.write_text(entry.read_text().replace("circa: true\n",
                                               "circa: true\naliases: [old-name]\n"))
    built(c)
    cite = re.search(r'<h2 id="h-cite">[^<]*</h2>\s*<p>([^<]*)<', page(c, CIRCA))
    assert cite and "(около 1994). В: " in cite.group(1)
    assert "(дата обращения: [date])" in cite.group(1)
    moved = page(c, "entries/old-name/index.html")
    assert "<title>Перемещено: A partnership begins</title>" in moved
    assert "<p>Страница перемещена: <a href=" in moved and "has moved" not in moved


def test_a_french_site_writes_french_dates_and_circa(tmp_path: Path) -> None:
    c = built(site(tmp_path, "fr"))
    assert entry_date(page(c, ENTRY)) == "2022-01-12 12 janvier 2022"
    assert entry_date(page(c, MONTH)) == "2019-08 août 2019"
    assert entry_date(page(c, CIRCA)) == "1994 vers 1994"
    home = page(c, "index.html")
    assert "Aller au contenu" in home and "Graphique : événements par année" in home
    # the chart's own words and dates (its titles are what a screen reader says)
    assert 'aria-label="2022 : 2 événements"' in home
    assert "Une suspension" not in home  # labels from the settings are not translated here


def test_english_keeps_its_day_month_year_dates_and_circa(tmp_path: Path) -> None:
    c = built(site(tmp_path, "en"))
    assert entry_date(page(c, ENTRY)) == "2022-01-12 12 January 2022"
    assert entry_date(page(c, MONTH)) == "2019-08 August 2019"
    assert entry_date(page(c, CIRCA)) == "1994 c. 1994"
    # an English page holds no strings for the scripts: they have them already
    assert 'id="ui-strings"' not in page(c, "index.html")


@pytest.mark.parametrize(("n", "form"), [(1, "1 событие"), (2, "2 события"), (5, "5 событий"),
                                         (11, "11 событий"), (21, "21 событие"),
                                         (22, "22 события")])
def test_russian_plurals_have_three_forms(n: int, form: str) -> None:
    templates = Templates(load_config(ROOT / "tests/fixtures/languages"), "ru")
    got = templates.env.from_string('{{ ngettext("%(num)d event", "%(num)d events", n) }}')
    assert got.render(n=n) == form


def test_year_pages_count_events_in_the_language(tmp_path: Path) -> None:
    c = built(site(tmp_path, "ru"))
    assert '<p class="stats">2 события</p>' in page(c, "years/2022/index.html")
    assert '<p class="stats">1 событие</p>' in page(c, "years/2019/index.html")


def test_scripts_get_their_strings_in_the_language_with_plural_categories(
        tmp_path: Path) -> None:
    c = built(site(tmp_path, "ru"))
    home = page(c, "index.html")
    m = re.search(r'<script type="application/json" id="ui-strings">(.*?)</script>', home)
    assert m, "no strings for the scripts"
    strings = json.loads(m.group(1))
    assert strings["shown_of"] == {"one": "%(shown)s из %(num)s события",
                                   "few": "%(shown)s из %(num)s событий",
                                   "many": "%(shown)s из %(num)s событий",
                                   "other": "%(shown)s из %(num)s событий"}
    assert strings["copied"] == "Ссылка скопирована."
    assert 'id="ui-strings"' in page(c, ENTRY) and 'id="ui-strings"' in page(c, "search/index.html")


def test_a_language_added_by_a_catalog_only_builds_and_shows(tmp_path: Path) -> None:
    """German is in no catalog of the theme: the site's own catalog adds it; what it leaves
    out is shown in English."""
    c = built(site(tmp_path))
    html = page(c, ENTRY)
    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html and ">Quellen<" in html and ">Was geschah<" in html
    assert entry_date(html) == "2022-01-12 12. Januar 2022"
    assert entry_date(page(c, CIRCA)) == "1994 um 1994"
    assert "Zuletzt geprüft am <time" in html
    assert ">Accounts<" in html  # not in the German catalog: English
    home = page(c, "index.html")
    assert 'href="#timeline">Skip to events<' in home  # in the catalog, left empty
    assert '<span class="year-count">2 Ereignisse</span>' in home


def test_check_lists_each_string_a_catalog_leaves_in_english(tmp_path: Path) -> None:
    c = site(tmp_path)
    r = c.run("check")
    assert r.code == 0, r.text
    catalog = "templates/locales/de/LC_MESSAGES/sitegen.po"
    lines = (c.root / catalog).read_text().splitlines()
    empty = lines.index('msgid "Skip to events"') + 1
    # present but untranslated: the catalog's line
    assert (f'{catalog}:{empty}: warning: no de translation of "Skip to events": it is shown '
            f"in English") in r.err
    # in no catalog: the template's file and line
    theme = default_theme() / "index.html"
    line = next(i for i, text in enumerate(theme.read_text().splitlines(), 1)
                if '_("Chart key")' in text)
    assert f'{theme}:{line}: warning: no de translation of "Chart key"' in r.err
    # French and Russian are complete in the theme: nothing listed for them
    assert "no fr translation" not in r.err and "no ru translation" not in r.err
    assert "no en translation" not in r.err
    ru = c.root / "content/entries/2022-01-12-council-meets.ru.md"  # (a stale one, else)
    ru.write_text(ru.read_text().replace("translated: 2026-11-01", "translated: 2026-12-01"))
    strict = c.run("check", "--strict")
    assert strict.code == 1 and 'error: no de translation' not in strict.err
    assert f'{catalog}:{empty}: no de translation of "Skip to events"' in strict.err


def test_a_language_without_any_catalog_is_named_by_check(tmp_path: Path) -> None:
    c = site(tmp_path)
    toml = c.root / "sitegen.toml"
    toml.write_text(toml.read_text().replace('"ru"]', '"ru", "pt-BR"]'))
    r = c.run("check")
    assert r.code == 0, r.text
    assert ("languages: no catalog for 'pt-BR': its interface is shown in English" in r.err
            and "templates/locales/pt/LC_MESSAGES/sitegen.po" in r.err)
    assert built(c).output.is_dir()


def test_a_translation_is_text_never_markup(tmp_path: Path) -> None:
    c = site(tmp_path)
    po = c.root / "templates/locales/de/LC_MESSAGES/sitegen.po"
    po.write_text(po.read_text().replace('msgstr "Quellen"',
                                         'msgstr "<img src=x onerror=alert(1)>Quellen"'))
    html = page(built(c), ENTRY)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;Quellen" in html


def test_a_broken_catalog_is_a_located_error_and_nothing_is_lost(tmp_path: Path) -> None:
    c = built(site(tmp_path))
    before = page(c, ENTRY)
    po = c.root / "templates/locales/de/LC_MESSAGES/sitegen.po"
    text = po.read_text()
    po.write_text(text.replace('msgstr "Chronik"\n', 'msgstr "Chronik"\nChronik, bitte\n'))
    line = text.splitlines().index('msgstr "Chronik"') + 2
    r = c.run("build", "--no-search")
    assert r.code == 1
    assert (f"templates/locales/de/LC_MESSAGES/sitegen.po:{line}: not a valid gettext "
            "catalog") in r.err, r.err
    assert page(c, ENTRY) == before


@pytest.mark.parametrize(("setting", "message"), [
    ('languages = ["en", "english"]', "languages: must be a list of distinct language tags"),
    ('languages = ["fr", "fr"]', "languages: must be a list of distinct language tags"),
    ('language = "en"\nlanguages = ["fr", "ru"]', "languages: does not include the site's "
                                                  "language 'en'"),
])
def test_bad_languages_settings_are_located(tmp_path: Path, setting: str, message: str) -> None:
    c = site(tmp_path)
    toml = c.root / "sitegen.toml"
    text = re.sub(r"(?m)^languages? = .*\n", "", toml.read_text())
    toml.write_text(setting + "\n" + text)  # before the file's tables
    r = c.run("check")
    assert r.code == 1 and f"sitegen.toml: {message}" in r.err, r.err


def test_languages_without_language_makes_the_first_the_default(tmp_path: Path) -> None:
    c = site(tmp_path)
    toml = c.root / "sitegen.toml"
    toml.write_text(re.sub(r'(?m)^language = "de"\n', "", toml.read_text()))
    config = load_config(c.root)
    assert config.language == "de" and config.editions == ("de", "en", "fr", "ru")


def test_the_theme_catalogs_hold_every_string_and_the_template_is_current() -> None:
    """templates/locales/sitegen.pot is what tools/update-catalogs.sh extracts: every string
    of the templates and of sitegen's own pages and chart, and the French and Russian
    catalogs translate each of them (English needs none)."""
    config = load_config(ROOT / "tests/fixtures/languages")  # overrides no template
    used = {msgid for msgid, _, _ in template_strings(config)}
    pot = read_catalog(default_theme() / "locales" / "sitegen.pot", ROOT)
    assert set(pot.messages) == used
    for lang in ("fr", "ru"):
        name = folder_names(lang)[0]
        cat = read_catalog(default_theme() / f"locales/{name}/LC_MESSAGES/sitegen.po", ROOT)
        untranslated = [k for k, (strings, fuzzy, _) in cat.messages.items()
                        if fuzzy or not all(strings)]
        assert set(cat.messages) == used and untranslated == [], lang
