"""Citations (issue 21, "Cite and reuse"): each entry page and the whole dataset in BibTeX,
RIS and CSL-JSON, read back with real parsers (bibtexparser, rispy, citeproc-py); they name
the site's publisher and editors (never the tool), the entry's updated date, the dataset's
version (date and commit) and an access-date placeholder; builds stay deterministic and warm
builds equal cold ones when the version changes.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import bibtexparser
import citeproc
import pytest
import rispy
from bibtexparser.bparser import BibTexParser
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from helpers import cold, fixture_copy, tree

from sitegen import cli
from sitegen.config import load_config
from sitegen.engine.builder import build
from sitegen.outputs.citations import tex
from sitegen.preview.rebuild import Rebuilder

EPOCH = "1765065600"  # 2025-12-07 00:00 UTC
COMMIT = "0123456789abcdef0123456789abcdef01234567"
ENTRY = "2022-01-12-council-meets"
SETTINGS = '''
publisher = "Fixture Press"
editors = ["Ada Lovelace", "Grace Hopper"]

[license]
id = "CC-BY-4.0"
url = "https://creativecommons.org/licenses/by/4.0/"
statement = "Quotations remain their owners'."
'''


def themed_site(tmp: Path, settings: str = SETTINGS) -> Path:
    """The basic fixture with the packaged theme (its own templates removed) and settings."""
    root = fixture_copy(tmp)
    shutil.rmtree(root / "templates")
    toml = root / "sitegen.toml"
    kept = [ln for ln in toml.read_text(encoding="utf-8").splitlines()
            if not ln.startswith("publisher")]
    toml.write_text("\n".join(kept) + "\n" + settings, encoding="utf-8")
    return root


def cli_build(root: Path, out: Path) -> Path:
    assert cli.main(["-C", str(root), "build", "--no-search", "--output", str(out)]) == 0
    return out


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("SITEGEN_COMMIT", COMMIT)
    return cli_build(themed_site(tmp_path), tmp_path / "out")


def sentence(page: Path) -> str:
    m = re.search(r'<h2 id="h-cite">Cite this entry</h2>\n<p>(.*?)</p>',
                  page.read_text(encoding="utf-8"), re.S)
    assert m
    return html.unescape(m.group(1))


def parse_bibtex(text: str) -> list[dict[str, str]]:
    parser = BibTexParser(common_strings=False, ignore_nonstandard_types=False)
    entries: list[dict[str, str]] = bibtexparser.loads(text, parser).entries
    return entries


def render_csl(items: list[dict[str, object]]) -> list[str]:
    """The items formatted by citeproc-py with the style it ships (a real CSL processor)."""
    source = CiteProcJSON(items)
    bundled = sorted((Path(citeproc.__file__).parent / "data" / "styles").glob("*.csl"))
    style = CitationStylesStyle(str(bundled[0]), validate=False)  # harvard1, or its successor
    bib = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bib.register(Citation([CitationItem(str(item["id"]))]))
    return [str(b) for b in bib.bibliography()]


def test_an_entry_page_holds_the_sentence_and_where_the_formats_are(built: Path) -> None:
    page = built / "entries" / ENTRY / "index.html"
    url = "https://example.org/fixture/entries/2022-01-12-council-meets/"
    text = sentence(page)
    assert text == (
        "Ada Lovelace and Grace Hopper, eds. “The council meets on <Ukraine> & security” "
        "(12 January 2022). In Fixture timeline. Fixture Press. Updated 28 November 2026. "
        f"Dataset version 2025-12-07, commit 0123456. {url}, accessed [date].")
    assert "sitegen" not in text.lower()
    html_text = page.read_text(encoding="utf-8")
    m = re.search(r'<section class="block cite".*?</section>', html_text, re.S)
    assert m
    # no entry's BibTeX, RIS or CSL-JSON in the page (the script makes them): the whole
    # dataset's files are where a reader without JavaScript finds the formats
    assert "@misc" not in m.group(0) and "TY  -" not in m.group(0) and "<pre" not in m.group(0)
    assert re.findall(r'href="/fixture/(citation\.\w+)"', m.group(0)) == [
        "citation.bib", "citation.ris", "citation.json"]


def test_an_entry_without_updated_says_no_update(built: Path) -> None:
    assert "Updated" not in sentence(built / "entries" / "2019-treaty-ends" / "index.html")


def test_the_publisher_is_not_repeated_when_it_is_the_site(tmp_path: Path) -> None:
    root = themed_site(tmp_path, SETTINGS.replace("Fixture Press", "Fixture timeline"))
    out = cli_build(root, tmp_path / "out")
    text = sentence(out / "entries" / ENTRY / "index.html")
    assert "In Fixture timeline. Updated" in text and text.count("Fixture timeline") == 1


def test_the_whole_dataset_is_cited_in_three_files_beside_the_csv(built: Path) -> None:
    [bib] = parse_bibtex((built / "citation.bib").read_text(encoding="utf-8"))
    [ris] = rispy.loads((built / "citation.ris").read_text(encoding="utf-8"))
    [csl] = json.loads((built / "citation.json").read_text(encoding="utf-8"))
    assert bib["ID"] == csl["id"] == "fixture-timeline"
    assert bib["editor"] == "{Ada Lovelace} and {Grace Hopper}"
    assert ris["type_of_reference"] == "DATA" and ris["publisher"] == "Fixture Press"
    assert csl["type"] == "dataset" and csl["version"] == "2025-12-07, commit 0123456"
    assert csl["issued"] == {"date-parts": [[2025, 12, 7]]}
    assert "urldate" not in bib and "accessed" not in csl
    assert len(render_csl([csl])) == 1
    about = (built / "pages/about/index.html").read_text(encoding="utf-8")
    for name in ("citation.bib", "citation.ris", "citation.json"):
        assert f'href="/fixture/{name}"' in about


def test_tex_escapes_specials_and_keeps_braces_balanced(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python reference the dataset's citation.bib is written with (timeline.js writes an
    entry's the same way; tests/test_citations_browser.py reads those back)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    title = r"Talks on {A} & B: 50% of $x_1 # ~y^2 \ z"
    assert tex(title) == (r"Talks on \{A\} \& B: 50\% of \$x\_1 \# \textasciitilde{}y"
                          r"\textasciicircum{}2 \textbackslash{} z")
    root = themed_site(tmp_path, SETTINGS.replace("Fixture Press", "R&D {Press} 100%")
                       .replace("[license]", 'title = "Fixture {timeline} #1"\n[license]'))
    toml = root / "sitegen.toml"
    toml.write_text("\n".join(ln for ln in toml.read_text(encoding="utf-8").splitlines()
                               if ln != 'title = "Fixture timeline"') + "\n", encoding="utf-8")
    out = cli_build(root, tmp_path / "out")
    [bib] = parse_bibtex((out / "citation.bib").read_text(encoding="utf-8"))
    assert bib["publisher"] == r"R\&D \{Press\} 100\%"
    assert bib["title"] == r"{Fixture \{timeline\} \#1}"
    [ris] = rispy.loads((out / "citation.ris").read_text(encoding="utf-8"))
    assert ris["title"] == "Fixture {timeline} #1" and ris["publisher"] == "R&D {Press} 100%"
    [item] = json.loads((out / "citation.json").read_text(encoding="utf-8"))
    assert item["publisher"] == "R&D {Press} 100%"


def test_the_dataset_version_comes_from_the_environment_else_the_setting_else_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("SITEGEN_COMMIT", raising=False)
    root = themed_site(tmp_path, SETTINGS)
    page = Path("entries") / ENTRY / "index.html"
    out = cli_build(root, tmp_path / "a")
    assert "Dataset version 2025-12-07. https://" in sentence(out / page)
    with (root / "sitegen.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[dataset]\nversion = "v2.1"\n')
    out = cli_build(root, tmp_path / "b")
    assert "Dataset version 2025-12-07, commit v2.1." in sentence(out / page)
    monkeypatch.setenv("SITEGEN_COMMIT", "abc1234")
    out = cli_build(root, tmp_path / "c")
    assert "Dataset version 2025-12-07, commit abc1234." in sentence(out / page)
    monkeypatch.setenv("SITEGEN_COMMIT", "not a commit; {}")  # ignored, not printed
    out = cli_build(root, tmp_path / "d")
    assert "commit v2.1." in sentence(out / page)


def test_changing_the_commit_or_the_date_gives_the_bytes_of_a_cold_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("SITEGEN_COMMIT", "aaaaaaa")
    root = themed_site(tmp_path)
    serve = Rebuilder(load_config(root), tmp_path / "preview")
    assert serve.rebuild().ok
    build(load_config(root))
    for name, value in (("SITEGEN_COMMIT", "bbbbbbb"), ("SOURCE_DATE_EPOCH", "1780000000")):
        monkeypatch.setenv(name, value)
        build(load_config(root))  # a new builder, reading .cache/
        assert tree(root / "output") == cold(root, tmp_path)
        assert value[:7] in sentence(root / "output/entries" / ENTRY / "index.html") \
            or "2026-05-28" in sentence(root / "output/entries" / ENTRY / "index.html")
        outcome = serve.rebuild([root / "content"])
        assert outcome.ok, outcome.error
        assert tree(tmp_path / "preview") == cold(root, tmp_path, drafts=True)


def test_two_builds_are_byte_identical_and_read_no_clock(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("SITEGEN_COMMIT", raising=False)
    root = themed_site(tmp_path)
    a = tree(cli_build(root, tmp_path / "a"))
    b = tree(cli_build(root, tmp_path / "b"))
    assert a == b
    # without SOURCE_DATE_EPOCH the version is the newest date in the content, not today
    assert "Dataset version 2026-11-28. " in sentence(tmp_path / "a/entries" / ENTRY /
                                                      "index.html")


def test_related_entries_are_listed_by_date(tmp_path: Path) -> None:
    root = themed_site(tmp_path)
    entry = root / "content/entries/2022-01-12-council-meets.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace(
        "related: [2019-treaty-ends]",
        "related: [2022-01-12-second, 2019-treaty-ends, 1994-partnership]"), encoding="utf-8")
    out = cli_build(root, tmp_path / "out")
    text = (out / "entries" / ENTRY / "index.html").read_text(encoding="utf-8")
    related = re.search(r'<ul class="related">(.*?)</ul>', text, re.S)
    assert related
    assert re.findall(r'href="/fixture/entries/([^/]+)/"', related.group(1)) == [
        "1994-partnership", "2019-treaty-ends", "2022-01-12-second"]


@pytest.mark.parametrize(("setting", "field", "message"), [
    ('editors = "Ada"', "editors", "must be a list of names"),
    ('editors = ["Ada", ""]', "editors", "must be a list of names"),
    ('license = { id = "CC BY", url = "https://x.test/" }', "license.id",
     "must be an SPDX licence identifier"),
    ('license = { id = "MIT", url = "javascript:alert(1)" }', "license.url",
     "must be the licence's http(s) address"),
    ('license = { id = "MIT", url = "https://x.test/", terms = "x" }', "license.terms",
     "unknown setting"),
    ('dataset = { version = "two words" }', "dataset.version",
     "must be a short version label or commit"),
])
def test_a_bad_citation_setting_names_the_file_the_field_and_a_fix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: str, field: str,
        message: str) -> None:
    root = fixture_copy(tmp_path)
    with (root / "sitegen.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + setting + "\n")
    assert cli.main(["-C", str(root), "build", "--no-search"]) == 1
    err = capsys.readouterr().err
    assert f"sitegen.toml: {field}: {message}" in err
    assert "hint:" in err
    assert not (root / "output").exists()  # nothing written
