"""Issue 22, translated content beside the original: ``<stem>.<lang>.md`` shares the
original's id, replaces its text fields (the rest is inherited), marks what it leaves in the
original's language with ``lang``, and says when it may be out of date; bad translation
files are located errors. Through the command line, on tests/fixtures/languages, read in
Russian (its ``ru`` translation is older than the original's review) or French (its ``fr``
translation gives only a title)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from attack import Checkout
from test_i18n import ENTRY, built, page, site

RU = "content/entries/2022-01-12-council-meets.ru.md"
FR = "content/entries/2022-01-12-council-meets.fr.md"


def test_a_translation_replaces_the_text_and_inherits_the_rest(tmp_path: Path) -> None:
    html = page(built(site(tmp_path, "ru")), ENTRY)
    assert ('<h1 id="entry-title" data-pagefind-weight="10">Совет собирается по Украине и '
            "безопасности</h1>") in html
    assert '<p class="lede">Союзники и Россия провели «прямой» обмен мнениями.</p>' in html
    assert "</span> Соглашения нет; переговоры продолжатся.</li>" in html
    assert "<blockquote><p>Изложение НАТО.</p></blockquote>" in html
    # the second account was left as "{}": the original's text, marked as English
    assert "<blockquote lang=\"en\"><p>Russia&#39;s account.</p></blockquote>" in html
    assert '<div class="prose"><p>Заседание последовало за <a href="/sprachen/entries/' \
           '2019-treaty-ends/">окончанием договора</a>' in html
    # inherited: the date, the kind, the sources, the participants
    assert '<time datetime="2022-01-12">' in html and "Press conference" in html
    assert ">Jens Stoltenberg<" in html
    cite = re.search(r'<h2 id="h-cite">[^<]*</h2>\s*<p>([^<]*)<', html)
    assert cite and cite.group(1).startswith("“Совет собирается по Украине и безопасности”")
    assert "Переведено с языка «английский» <time datetime=\"2026-11-01\">" in html
    # the home page's card is translated too
    home = page(built(site(tmp_path / "again", "ru")), "index.html")
    assert '<h3><a href="/sprachen/entries/2022-01-12-council-meets/">Совет собирается' in home


def test_text_left_untranslated_is_marked_with_its_language(tmp_path: Path) -> None:
    c = built(site(tmp_path, "fr"))
    html = page(c, ENTRY)
    assert "Le conseil se réunit sur l’Ukraine et la sécurité</h1>" in html
    assert '<p class="lede" lang="en">Allies and Russia had a &#34;direct&#34; exchange.</p>' \
        in html or '<p class="lede" lang="en">Allies and Russia had a "direct" exchange.</p>' \
        in html
    assert '<span lang="en">No agreement; talks to continue.</span>' in html
    assert '<blockquote lang="en"><p>NATO&#39;s account.</p></blockquote>' in html
    assert '<div class="prose" lang="en">' in html
    assert "<h1 id=\"entry-title\" data-pagefind-weight=\"10\">" in html  # no lang: French
    home = page(c, "index.html")
    assert '<p class="sum" lang="en">Allies and Russia' in home


def test_a_stale_translation_is_flagged_on_its_page_and_by_check(tmp_path: Path) -> None:
    c = site(tmp_path, "ru")
    html = page(built(c), ENTRY)
    assert ('<strong class="badge stale">Этот перевод может быть устаревшим: оригинал с тех '
            "пор пересмотрен.</strong>") in html
    r = c.run("check")
    assert r.code == 0, r.text
    assert (f"{RU}:3: warning: translated: this translation may be out of date: translated "
            "2026-11-01, but the original was updated 2026-11-28") in r.err
    fr = page(built(site(tmp_path / "fr", "fr")), ENTRY)  # translated after the review
    assert "badge stale" not in fr and "Traduit de la langue" in fr
    # brought up to date: no flag, no warning
    path = c.root / RU
    path.write_text(path.read_text().replace("translated: 2026-11-01", "translated: 2026-12-02"))
    assert "badge stale" not in page(built(c), ENTRY)
    assert "translated: this translation may be out of date" not in c.run("check").err


@pytest.mark.parametrize(("rel", "old", "new", "message"), [
    (RU, "translated_from: en\n", "translated_from: en\nkind: summit\n",
     f"{RU}:3: kind: unknown field\n    hint: allowed: translated_from, translated, updated, "
     "title, summary, outcomes, accounts"),
    (RU, "translated_from: en\n", "translated_from: en\nsumary: x\n",
     f"{RU}:3: sumary: unknown field\n    hint: did you mean 'summary'?"),
    (RU, "  - {}\n", "",
     f"{RU}:8: accounts: has 1 item(s), but the original has 2"),
    (RU, "outcomes:\n  - text: Соглашения нет; переговоры продолжатся.\n",
     "outcomes:\n  - text: Соглашения нет; переговоры продолжатся.\n  - text: лишнее\n",
     f"{RU}:6: outcomes: has 2 item(s), but the original has 1"),
    (RU, "  - {}\n", "  - {source: x}\n", f"{RU}:10: accounts.source: unknown field"),
    (RU, "translated: 2026-11-01\n", "", f"{RU}:2: translated: is required but missing"),
    (RU, "translated_from: en", "translated_from: ru",
     f"{RU}:2: translated_from: a translation into 'ru' cannot be from 'ru'"),
])
def test_a_bad_translation_is_a_located_error(tmp_path: Path, rel: str, old: str, new: str,
                                              message: str) -> None:
    c = built(site(tmp_path, "ru"))
    before = page(c, ENTRY)
    path = c.root / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    r = c.run("build", "--no-search")
    assert r.code == 1 and message in r.err, r.err
    assert page(c, ENTRY) == before  # nothing already built is lost


def test_a_translation_into_a_language_the_site_does_not_have(tmp_path: Path) -> None:
    c = site(tmp_path, "ru")
    c.write("content/entries/2019-treaty-ends.es.md", "---\ntranslated_from: en\n"
            "translated: 2026-12-01\ntitle: Termina un tratado\n---\n")
    r = c.run("check")
    assert r.code == 1
    assert ("content/entries/2019-treaty-ends.es.md:1: 'es' is not one of the site's "
            "languages\n    hint: add it to languages in sitegen.toml, e.g. languages = "
            '["ru", "de", "en", "fr", "es"]') in r.err, r.err


def test_a_translation_without_an_original(tmp_path: Path) -> None:
    c = site(tmp_path, "ru")
    c.write("content/entries/2020-nothing.fr.md", "---\ntranslated_from: en\n"
            "translated: 2026-12-01\n---\n")
    r = c.run("check")
    assert r.code == 1
    assert ("content/entries/2020-nothing.fr.md:1: a translation without an original: there "
            "is no entry 2020-nothing.md beside it") in r.err, r.err


def test_a_translation_of_a_draft_is_left_out_with_it(tmp_path: Path) -> None:
    c: Checkout = site(tmp_path, "ru")
    c.write("content/entries/2023-draft.ru.md", "---\ntranslated_from: en\n"
            "translated: 2026-12-01\ntitle: Черновик\n---\n")
    built(c)
    assert not (c.output / "entries/2023-draft").exists()
    assert "Черновик" not in page(c, "index.html")


def test_registry_names_are_given_per_language(tmp_path: Path) -> None:
    """participants.yaml: ``name: {de: Russland, en: Russia, fr: Russie, ru: Россия}``;
    topics.yaml likewise for ``label``: each page shows its language's."""
    for lang, name, label in (("ru", "Россия", "Украина"), ("fr", "Russie", "Ukraine"),
                              ("de", "Russland", "Ukraine")):
        c = built(site(tmp_path / lang, lang))
        assert f'<a href="/sprachen/participants/russia/">{name}</a>' in page(c, ENTRY)
        assert f"<h1>{name}</h1>" in page(c, "participants/russia/index.html")
        assert f"<h1>{label}</h1>" in page(c, "topics/ukraine/index.html")


@pytest.mark.parametrize(("value", "message"), [
    ("{de: Russland, xx: Y}", "content/participants.yaml:5: name: 'xx' is not one of the "
                              "site's languages"),
    ("{ru: Россия}", "content/participants.yaml:5: name: has no text in the site's language "
                     "'de'"),
    ("{de: ''}", "content/participants.yaml:5: name: the text for 'de' must be non-empty text"),
])
def test_a_bad_per_language_name_is_located(tmp_path: Path, value: str, message: str) -> None:
    c = site(tmp_path)
    path = c.root / "content/participants.yaml"
    text = path.read_text()
    old = "name: {de: Russland, en: Russia, fr: Russie, ru: Россия}"
    assert text.splitlines().index("  " + old) == 4
    path.write_text(text.replace(old, f"name: {value}"))
    r = c.run("check")
    assert r.code == 1 and message in r.err, r.err


def test_settings_labels_are_given_per_language(tmp_path: Path) -> None:
    """sitegen.toml: ``label = { de = "Unterbrechung", …, ru = "Приостановка" }``, read by
    the same helper as the registries' names."""
    for lang, label in (("ru", "Приостановка"), ("fr", "Suspension du dialogue"),
                        ("de", "Unterbrechung")):
        c = built(site(tmp_path / lang, lang))
        home = page(c, "index.html")
        assert f'<p class="period-kind">{label} · ' in home
        assert 'class="lane-label" x="' in home and f">{label}</text>" in home
        assert f"<dt>{label}</dt>" in page(c, "years/2022/index.html")


def test_a_settings_label_in_a_language_the_site_does_not_have(tmp_path: Path) -> None:
    c = site(tmp_path)
    toml = c.root / "sitegen.toml"
    toml.write_text(toml.read_text().replace('ru = "Приостановка"', 'es = "Suspensión"'))
    r = c.run("check")
    assert r.code == 1
    assert ("sitegen.toml: period_kinds.suspension.label: 'es' is not one of the site's "
            "languages") in r.err, r.err
