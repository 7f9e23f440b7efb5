"""Hostile input: markup in any field stays text everywhere; raw HTML is sanitised; no path
escapes the output folder.

One site is built per module with the project's real templates: every front-matter and
registry field holds a script payload, the body holds raw HTML attacks. Each output format
is then read back with a real parser: the payload must come out as the same text, and no
parser may find something executable.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
from conftest import FIXTURES, ROOT, published_entries

from sitegen import cli
from sitegen.config import load_config
from sitegen.engine.builder import build
from sitegen.engine.tree import AtomicTree, check_relative
from sitegen.errors import OutputError

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset",
             "background", "cite"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}


def payload(name: str) -> str:
    """Markup that would run if it reached a page, a feed or a script unescaped."""
    return (f'</script><script>alert("{name}")</script><img src=x onerror=alert("{name}")>'
            f"<!--{name}--> & ' \"{name}")


def y(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


SITE_TITLE = payload("site-title") + "\nEND:VCALENDAR\nBEGIN:VEVENT"
HOSTILE_ENTRY = f"""---
title: {y(payload("title"))}
summary: {y(payload("summary"))}
date: 2021-06-14
kind: summit
location: {y(payload("location"))}
participants:
  - nato: {y(payload("role"))}
  - evil
outcomes:
  - type: agreed
    text: {y(payload("outcome") + chr(10) + "BEGIN:VEVENT")}
accounts:
  - party: evil
    text: {y(payload("account"))}
    source: {y('https://example.org/a"><script>alert("url")</script>')}
topics: [evil-topic]
sources:
  - title: {y(payload("source-title"))}
    publisher: {y(payload("publisher"))}
    url: {y('https://example.org/a"><script>alert("url")</script>')}
    kind: primary
    doc_id: {y(payload("doc-id"))}
extra:
  {y(payload("extra-key"))}: {y(payload("extra-value"))}
---
Intro with *Markdown*.

<script>alert("body-script")</script>
<img src="x" onerror="alert('body-onerror')">
<a href="javascript:alert('body-js')">js link</a>
<a href=" JaVaScRiPt:alert('body-js2')">js link 2</a>
<a href="&#106;avascript:alert('body-entity')">entity link</a>

[md link](javascript:alert('body-md'))

<div onclick="alert('body-onclick')" onmouseover="alert('x')">div</div>
<iframe src="https://example.org/embed"></iframe>
<svg onload="alert('svg')"><script>alert('svg-script')</script></svg>
<style>body {{ background: url(javascript:alert('css')) }}</style>
<form action="javascript:alert('form')"><button formaction="javascript:alert('b')">x</button></form>
<object data="javascript:alert('obj')"></object>
<p style="background:url(javascript:alert('style'))">styled</p>
<div class="trusted-figure">kept when raw HTML is allowed</div>
"""

HOSTILE_REGISTRY = {
    "participants.yaml": f"""- id: nato
  name: NATO
  kind: organisation
- id: russia
  name: Russia
  kind: state
- id: stoltenberg
  name: Jens Stoltenberg
  kind: person
- id: evil
  name: {y(payload("participant-name"))}
  kind: person
  description: {y(payload("participant-description"))}
  roles:
    - role: {y(payload("participant-role"))}
      organisation: {y(payload("participant-org"))}
""",
    "topics.yaml": f"""- id: ukraine
  label: Ukraine
- id: arms-control
  label: Arms control
- id: evil-topic
  label: {y(payload("topic-label"))}
  description: {y(payload("topic-description"))}
""",
    "periods.yaml": f"""- id: pause
  label: {y(payload("period-label"))}
  kind: suspension
  start: 2019-07
  end: 2022-01-12
  description: {y(payload("period-description"))}
""",
}


def make_site(dest: Path, raw_html: bool = False) -> Path:
    """The basic fixture with hostile content and the project's real templates."""
    site = dest / ("raw" if raw_html else "hostile")
    shutil.copytree(FIXTURES / "basic", site)
    shutil.rmtree(site / "templates")
    shutil.copytree(ROOT / "templates", site / "templates")
    content = site / "content"
    (content / "entries" / "2021-06-14-hostile.md").write_text(HOSTILE_ENTRY, encoding="utf-8")
    for name, text in HOSTILE_REGISTRY.items():
        (content / name).write_text(text, encoding="utf-8")
    (content / "pages" / "evil.md").write_text(
        f"---\ntitle: {y(payload('page-title'))}\ndescription: {y(payload('page-desc'))}\n"
        "---\n<script>alert('page-body')</script>\n", encoding="utf-8")
    config = (site / "sitegen.toml").read_text(encoding="utf-8")
    config = config.replace('title = "Fixture timeline"', f"title = {y(SITE_TITLE)}")
    if raw_html:
        config += "allow_raw_html = true\n"
    (site / "sitegen.toml").write_text(config, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile site, built once; returns its output folder."""
    site = make_site(tmp_path_factory.mktemp("hostile"))
    out = site / "output"
    build(load_config(site), output=out)
    return out


class Inspector(HTMLParser):
    """Records everything a browser could execute, and the page's visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self.tags: set[str] = set()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            squashed = "".join((value or "").split()).lower()
            if name in URL_ATTRS and squashed.startswith(BAD_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style" and "javascript:" in squashed:
                self.problems.append(f"<{tag} style={value!r}>")
        if tag == "script":
            self._script, self._script_text = dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)
        else:
            self.text.append(data)


def inspect(path: Path) -> Inspector:
    parser = Inspector()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_no_html_page_holds_anything_executable(hostile: Path) -> None:
    pages = sorted(hostile.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        found = inspect(page)
        assert found.problems == [], f"{page.relative_to(hostile)}: {found.problems}"
        assert found.tags.isdisjoint(FORBIDDEN_TAGS), page
        for attrs, body in found.scripts:
            if attrs.get("type") == "application/ld+json":  # data: text inside JSON strings
                json.loads(body)
                assert "<" not in body, f"{page.relative_to(hostile)}: {body!r}"
            else:  # only the templates' own scripts, loaded from the site itself
                assert body.strip() == "" and attrs.get("src"), (page, attrs, body)


def test_xml_and_svg_files_are_well_formed_and_inert(hostile: Path) -> None:
    files = sorted([*hostile.rglob("*.xml"), *hostile.rglob("*.svg")])
    assert any(f.name == "feed.xml" for f in files)
    for path in files:
        for el in ET.parse(path).iter():
            assert not el.tag.endswith("}script") and el.tag != "script", path
            assert not any(k.lower().startswith("on") for k in el.attrib), (path, el.attrib)


def test_payloads_are_shown_as_text(hostile: Path) -> None:
    entry = " ".join(inspect(hostile / "entries/2021-06-14-hostile/index.html").text)
    for name in ("title", "summary", "location", "role", "account", "source-title",
                 "publisher"):
        assert payload(name) in entry, name
    for rel, name in [("participants/evil/index.html", "participant-name"),
                      ("topics/evil-topic/index.html", "topic-label"),
                      ("pages/evil/index.html", "page-title")]:
        assert payload(name) in " ".join(inspect(hostile / rel).text), rel
    home = " ".join(inspect(hostile / "index.html").text)
    assert payload("site-title") in home and payload("period-label") in home


def test_json_ld_survives_a_script_breakout(hostile: Path) -> None:
    page = hostile / "entries/2021-06-14-hostile/index.html"
    raw = page.read_text(encoding="utf-8")
    found = inspect(page)
    ld = [json.loads(body) for attrs, body in found.scripts
          if attrs.get("type") == "application/ld+json"]
    assert ld, "the entry page has JSON-LD"
    names = [d.get("name") for d in ld] + [d.get("headline") for d in ld]
    assert payload("title") in names
    assert raw.count("<script") == raw.count("</script>")


def test_atom_feed_carries_the_text_exactly(hostile: Path) -> None:
    feed = ET.parse(hostile / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.findtext("a:title", namespaces=ns) == SITE_TITLE
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert payload("title") in titles
    summaries = " ".join(e.findtext("a:summary", "", ns) for e in feed.findall("a:entry", ns))
    assert payload("summary") in summaries


def test_json_carries_the_text_exactly(hostile: Path) -> None:
    data = json.loads((hostile / "timeline.json").read_text(encoding="utf-8"))
    line = next(e for e in data["entries"] if e["id"] == "2021-06-14-hostile")
    assert line["title"] == payload("title")
    entry = next(e for e in published_entries(hostile) if e["id"] == "2021-06-14-hostile")
    assert entry["title"] == payload("title") and entry["location"] == payload("location")
    assert entry["extra"] == {payload("extra-key"): payload("extra-value")}
    assert entry["sources"][0]["doc_id"] == payload("doc-id")
    assert "body_markdown" not in entry  # the body is on the page only (schema version 2)
    evil = next(p for p in data["participants"] if p["id"] == "evil")
    assert evil["name"] == payload("participant-name")


@pytest.mark.parametrize("name", ["timeline.csv", "timeline.ics", "timelinejs.json"])
def test_publishing_exports_exist(hostile: Path, name: str) -> None:
    assert (hostile / name).is_file(), f"{name} is published by sitegen build"


def test_csv_round_trips(hostile: Path) -> None:
    text = (hostile / "timeline.csv").read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    row = next(r for r in rows if r["id"] == "2021-06-14-hostile")
    assert row["title"] == payload("title") and row["summary"] == payload("summary")
    assert payload("participant-name") in row["participants"]
    assert len(rows) == 5


def test_ics_round_trips_and_cannot_be_split(hostile: Path) -> None:
    cal = icalendar.Calendar.from_ical((hostile / "timeline.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 5  # the newline + BEGIN:VEVENT in the site title did not add one
    hostile_event = next(e for e in events if "2021-06-14-hostile" in str(e.get("URL")))
    assert str(hostile_event.get("SUMMARY")) == payload("title")
    assert str(hostile_event.get("LOCATION")) == payload("location")
    assert str(cal.get("X-WR-CALNAME")).startswith(payload("site-title"))
    raw = (hostile / "timeline.ics").read_bytes()
    lines = raw.split(b"\r\n")
    assert lines.count(b"END:VCALENDAR") == 1 and lines[-2:] == [b"END:VCALENDAR", b""]
    assert lines.count(b"BEGIN:VEVENT") == 5


def test_timelinejs_escapes_html(hostile: Path) -> None:
    data = json.loads((hostile / "timelinejs.json").read_text(encoding="utf-8"))
    headlines = [e["text"]["headline"] for e in data["events"]]
    assert not any("<script" in h for h in headlines)
    assert any("&lt;/script&gt;" in h for h in headlines)


def test_raw_html_is_sanitised_by_default(hostile: Path) -> None:
    html = (hostile / "entries/2021-06-14-hostile/index.html").read_text(encoding="utf-8")
    assert "<em>Markdown</em>" in html
    assert "kept when raw HTML is allowed" in html  # harmless markup stays, its text too
    assert "trusted-figure" not in html  # but classes are Markdown's own only (issue 17)
    for gone in ("<iframe", "<object", "formaction", "onclick", "onerror=\"alert('body",
                 "javascript:", "<style"):
        assert gone not in html, gone


def test_allow_raw_html_lets_trusted_html_through(tmp_path: Path) -> None:
    site = make_site(tmp_path, raw_html=True)
    out = site / "output"
    build(load_config(site), output=out)
    html = (out / "entries/2021-06-14-hostile/index.html").read_text(encoding="utf-8")
    assert '<iframe src="https://example.org/embed"></iframe>' in html
    assert '<div class="trusted-figure">' in html
    # front matter is never trusted, even then
    found = inspect(out / "entries/2021-06-14-hostile/index.html")
    assert payload("title") in " ".join(found.text)


@pytest.mark.parametrize("rel", ["../x", "/etc/passwd", "a/../../x", "a//b", "a\\b", "",
                                 "a/./b", "x\x00y"])
def test_no_page_path_leaves_the_output(rel: str, tmp_path: Path) -> None:
    with pytest.raises(OutputError):
        check_relative(rel)
    with AtomicTree(tmp_path / "output") as out, pytest.raises(OutputError):
        out.write(rel, b"x")


def test_a_new_page_never_writes_through_what_was_there(tmp_path: Path) -> None:
    """The engine's file writer replaces links and files, never follows them."""
    outside = tmp_path / "outside.html"
    outside.write_bytes(b"outside")
    live = tmp_path / "live.html"
    live.write_bytes(b"live")
    with AtomicTree(tmp_path / "output") as out:
        (out.tmp / "a").mkdir()
        os.symlink(outside, out.tmp / "a" / "link.html")
        os.link(live, out.tmp / "a" / "shared.html")
        (out.tmp / "a" / "folder.html").mkdir()
        for name in ("link", "shared", "folder"):
            ident = out.write(f"a/{name}.html", b"new " + name.encode())
            assert ident[2] == len(b"new " + name.encode())
        out.write("b/c/d.html", [b"in ", b"pieces"])
    assert outside.read_bytes() == b"outside" and live.read_bytes() == b"live"
    for name in ("link", "shared", "folder"):
        path = tmp_path / "output" / "a" / f"{name}.html"
        assert not path.is_symlink() and path.read_bytes() == b"new " + name.encode()
    assert (tmp_path / "output" / "b" / "c" / "d.html").read_bytes() == b"in pieces"


@pytest.mark.parametrize("target", ["/", "{home}", "{site}", "{site}/content",
                                    "{site}/content/entries", "{site}/templates", "{link}"])
def test_dangerous_output_folders_are_refused(tmp_path: Path, target: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    site = shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    (tmp_path / "link").symlink_to(site / "content")
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    where = target.format(home=Path.home(), site=site, link=tmp_path / "link")
    code = cli.main(["-C", str(site), "build", "--output", where])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "--output" in err and ("overlaps" in err or "refusing" in err), err
    assert "hint: choose a separate folder" in err and "Traceback" not in err
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before


def test_an_entries_folder_linked_outside_the_site_is_refused(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]
                                                              ) -> None:
    site = shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    elsewhere = shutil.move(site / "content" / "entries", tmp_path / "elsewhere")
    (site / "content" / "entries").symlink_to(elsewhere)
    assert cli.main(["-C", str(site), "build"]) == 1
    err = capsys.readouterr().err
    assert "content/entries/1994-partnership.md: is a link to a file outside the site" in err
    assert not (site / "output").exists()


def test_hostile_ids_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    entry = (site / "content/entries/2019-treaty-ends.md").read_text(encoding="utf-8")
    for i, bad in enumerate(["../../outside", "a/b", "<script>", ".hidden", "x\u202ey"]):
        (site / f"content/entries/2019-bad-{i}.md").write_text(
            entry.replace("title:", f"id: {y(bad)}\ntitle:", 1), encoding="utf-8")
    with (site / "content/topics.yaml").open("a", encoding="utf-8") as fh:
        fh.write("- id: ../up\n  label: Up\n")
    assert cli.main(["-C", str(site), "build"]) == 1
    err = capsys.readouterr().err
    assert err.count("is not URL-safe") == 6, err
    assert not (site / "output").exists() and not (tmp_path / "outside").exists()


def test_an_output_link_is_refused_and_what_it_points_to_left_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """output/ linked to a web root is refused (it was followed before issue 17): committed
    in a checkout, such a link sends the build's writes anywhere. --output DIR publishes
    into another folder."""
    site = shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    web = tmp_path / "www" / "site"
    assert cli.main(["-C", str(site), "build", "--no-search", "--output", str(web)]) == 0
    before = {p: p.read_bytes() for p in web.rglob("*") if p.is_file()}
    (site / "output").symlink_to(web)
    (site / "content/pages/about.md").write_text("---\ntitle: About again\n---\nNew.\n",
                                                 encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["-C", str(site), "build", "--no-search"]) == 1
    err = capsys.readouterr().err
    assert "output: is a symbolic link" in err and "--output DIR" in err
    assert (site / "output").is_symlink() and (site / "output").resolve() == web
    assert {p: p.read_bytes() for p in web.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in web.parent.iterdir()) == ["site"]
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".output")) == []


def test_a_leftover_link_is_removed_without_following_it(tmp_path: Path) -> None:
    site = shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine", encoding="utf-8")
    (site / ".output.tmp-999999").symlink_to(precious)  # as a killed older build could leave
    assert cli.main(["-C", str(site), "build", "--no-search"]) == 0
    assert not (site / ".output.tmp-999999").is_symlink()
    assert (precious / "keep.txt").read_text(encoding="utf-8") == "mine"
