"""The sourcing policy and the record's provenance fields: denied and official domains,
declared copies, primary sources near the event, present versus concerned parties, forums,
readouts not found, and corrections — each through the command line on the fixture site."""

from __future__ import annotations

import shutil
from pathlib import Path

from attack import Checkout
from conftest import ROOT, published_entries

ENTRY = "content/entries/2022-01-12-council-meets.md"
POLICY = """
[sources]
denied_domains = ["farm.example"]
primary_window_days = 7
[sources.official_domains]
nato = ["nato.example"]
russia = ["mid.example", "kremlin.example"]
fixture = ["example.org"]  # the fixture site's own entries
"""


def entry(**fields: str) -> str:
    """A one-source entry; keyword arguments add or replace front-matter lines."""
    base = {
        "title": "Talks", "summary": "They talked.", "date": "2021-03-04", "kind": "meeting",
        "participants": "[nato]",
        "sources": ("\n  - title: Readout\n    publisher: NATO\n"
                    "    url: https://www.nato.example/readout\n    date: 2021-03-04\n"
                    "    kind: primary"),
    }
    base.update(fields)
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in base.items()) + "---\nText.\n"


def site(tmp_path: Path, **fields: str) -> Checkout:
    c = Checkout(tmp_path)
    shutil.rmtree(c.root / "templates")  # the shipped theme, which shows these fields
    shutil.copytree(ROOT / "templates", c.root / "templates")
    (c.root / "sitegen.toml").write_text((c.root / "sitegen.toml").read_text() + POLICY)
    c.write("content/entries/2021-03-04-talks.md", entry(**fields))
    return c


def test_a_source_on_a_denied_domain_fails_with_file_field_and_hint(tmp_path: Path) -> None:
    c = site(tmp_path, sources="\n  - title: Copy\n    publisher: Farm\n"
                              "    url: https://news.farm.example/x\n    kind: secondary")
    (c.output).mkdir()
    (c.output / "old.html").write_text("old")
    r = c.run("build", "--no-search")
    assert r.code == 1, r.text
    assert "content/entries/2021-03-04-talks.md" in r.err
    assert "sources[1].url" in r.err and "farm.example" in r.err and "hint:" in r.err
    assert (c.output / "old.html").read_text() == "old"


def test_a_primary_source_off_the_official_domains_must_say_whose_copy_it_is(
        tmp_path: Path) -> None:
    src = ("\n  - title: Founding Act\n    publisher: Some Library\n"
           "    url: https://library.example/act\n    date: 2021-03-04\n    kind: primary")
    c = site(tmp_path, sources=src)
    r = c.run("check")
    assert r.code == 0 and "not an official domain" in r.err and "copy_of" in r.err
    assert c.run("check", "--strict").code == 1
    c.write("content/entries/2021-03-04-talks.md", entry(sources=src + "\n    copy_of: NATO"))
    r = c.run("check")
    assert r.code == 0 and "talks.md" not in r.err, r.text
    c.run("build", "--no-search")
    page = (c.output / "entries/2021-03-04-talks/index.html").read_text()
    assert "a copy of a NATO text, hosted by Some Library" in page


def test_primary_sources_far_from_the_event_are_flagged(tmp_path: Path) -> None:
    late = ("\n  - title: Readout\n    publisher: NATO\n    url: https://www.nato.example/r\n"
            "    date: 2021-05-01\n    kind: primary")
    r = site(tmp_path, sources=late).run("check")
    assert r.code == 0 and "more than 7 days from the event" in r.err
    near = late.replace("2021-05-01", "2021-03-10")
    assert "more than 7 days" not in site(tmp_path / "b", sources=near).run("check").err
    # an event dated to the month: a source inside that month is near enough
    month = site(tmp_path / "c", date="2021-03", sources=late.replace("2021-05-01", "2021-03-30"))
    assert "more than 7 days" not in month.run("check").err


def test_concerned_parties_are_kept_apart_from_participants(tmp_path: Path) -> None:
    c = site(tmp_path, participants="[nato]", concerns="[russia]")
    r = c.run("build", "--no-search")
    assert r.code == 0, r.text
    page = (c.output / "entries/2021-03-04-talks/index.html").read_text()
    assert 'id="h-concerns"' in page
    russia = (c.output / "participants/russia/index.html").read_text()
    concerned = russia.split('id="h-concerned"', 1)[1]
    assert "entries/2021-03-04-talks/" in concerned
    talks = next(e for e in published_entries(c.output) if e["id"] == "2021-03-04-talks")
    assert talks["concerns"] == ["russia"] and talks["participants"] == [{"id": "nato"}]
    # a concerned party did not meet anyone: NATO's "met most often" is as without it
    alone = site(tmp_path / "b", participants="[nato]")
    assert alone.run("build", "--no-search").code == 0

    def met(c: Checkout) -> str:
        page = (c.output / "participants/nato/index.html").read_text()
        return page.split('id="h-met"', 1)[1].split("</ol>", 1)[0]
    assert "participants/russia/" in met(c) and met(c) == met(alone)


def test_a_party_both_present_and_concerned_is_an_error(tmp_path: Path) -> None:
    r = site(tmp_path, participants="[nato, russia]", concerns="[russia, nobody]").run("check")
    assert r.code == 1
    assert "concerns: 'russia' is listed as present" in r.err
    assert "concerns: unknown participant 'nobody'" in r.err


def test_the_forum_is_a_body_from_the_registry(tmp_path: Path) -> None:
    c = site(tmp_path, forum="nato")
    assert c.run("build", "--no-search").code == 0
    page = (c.output / "entries/2021-03-04-talks/index.html").read_text()
    assert "<dt>Forum</dt>" in page and "participants/nato/" in page
    r = site(tmp_path / "b", forum="stoltenberg").run("check")
    assert r.code == 1 and "forum: 'stoltenberg' is a person" in r.err
    r = site(tmp_path / "c", forum="natto").run("check")
    assert r.code == 1 and "forum: unknown forum 'natto'" in r.err and "nato" in r.err


def test_a_readout_not_found_is_recorded_and_shown(tmp_path: Path) -> None:
    c = site(tmp_path, accounts="\n  - party: russia\n    none_found: kremlin.example, mid.example")
    assert c.run("build", "--no-search").code == 0
    page = (c.output / "entries/2021-03-04-talks/index.html").read_text()
    assert "No readout found. Looked for in: kremlin.example, mid.example" in page
    talks = next(e for e in published_entries(c.output) if e["id"] == "2021-03-04-talks")
    assert talks["accounts"] == [{"party": "russia",  # the data leaves out empty fields
                                  "none_found": "kremlin.example, mid.example"}]
    both = "\n  - party: russia\n    text: Said.\n    none_found: mid.example"
    r = site(tmp_path / "b", accounts=both).run("check")
    assert r.code == 1 and "accounts.none_found" in r.err and "not both" in r.err


def test_corrections_are_shown_and_published_and_need_an_updated_date(tmp_path: Path) -> None:
    fix = "\n  - date: 2026-12-06\n    text: The level was corrected."
    c = site(tmp_path, corrections=fix, updated="2026-12-06")
    assert c.run("build", "--no-search").code == 0
    page = (c.output / "entries/2021-03-04-talks/index.html").read_text()
    assert 'id="h-corrections"' in page and "The level was corrected." in page
    talks = next(e for e in published_entries(c.output) if e["id"] == "2021-03-04-talks")
    assert talks["corrections"] == [{"date": "2026-12-06", "text": "The level was corrected."}]
    r = site(tmp_path / "b", corrections=fix).run("check")
    assert r.code == 1 and "corrections" in r.err and "updated" in r.err


def test_a_bad_policy_setting_names_the_setting(tmp_path: Path) -> None:
    c = Checkout(tmp_path)
    (c.root / "sitegen.toml").write_text((c.root / "sitegen.toml").read_text()
                                         + '[sources]\ndenied_domains = ["https://x.org/"]\n')
    r = c.run("check")
    assert r.code == 1 and "sources.denied_domains" in r.err and "hint:" in r.err


def test_coverage_gaps_are_declared_in_settings_and_stated_on_the_page(tmp_path: Path) -> None:
    c = site(tmp_path)
    c.write("content/pages/about.md", "---\ntitle: About\nshow: [coverage, sourcing]\n---\nText.\n")
    toml = c.root / "sitegen.toml"
    base = toml.read_text()
    toml.write_text(base + "[coverage]\nstart = 2019\nend = 2022\n")
    r = c.run("check")
    assert r.code == 0 and "coverage: no entry for 2020" in r.err and "hint:" in r.err
    assert c.run("check", "--strict").code == 1
    toml.write_text(base + '[coverage]\nstart = 2019\nend = 2022\ngaps = ['
                    '{years = "2020", note = "Nothing found in the sources read."}]\n')
    r = c.run("build", "--no-search")
    assert r.code == 0 and "coverage" not in r.err, r.text
    about = (c.output / "pages/about/index.html").read_text()
    assert "<strong>2020</strong>: Nothing found in the sources read." in about
    assert "farm.example" in about.split('id="h-sourcing"', 1)[1]  # the denied list is public
    assert "mid.example, kremlin.example" in about
    c.write("content/pages/about.md", "---\ntitle: About\nshow: [coverag]\n---\nText.\n")
    r = c.run("check")
    assert r.code == 1 and "show: 'coverag'" in r.err and "coverage" in r.err


def test_a_primary_source_sought_and_not_found_is_recorded_instead_of_flagged(
        tmp_path: Path) -> None:
    late = ("\n  - title: Readout\n    publisher: NATO\n    url: https://www.nato.example/r\n"
            "    date: 2021-05-01\n    kind: primary")
    c = site(tmp_path, sources=late, primary_not_found="nato.example and mid.example")
    r = c.run("build", "--no-search")
    assert r.code == 0 and "talks.md" not in r.err, r.text
    page = (c.output / "entries/2021-03-04-talks/index.html").read_text()
    assert "No primary source from the event itself was found. Looked for in: nato.example" \
        in page
    news = ("\n  - title: Report\n    publisher: Agency\n    url: https://agency.example/r\n"
            "    kind: secondary")
    assert "no primary source" in site(tmp_path / "b", sources=news).run("check").err
    quiet = site(tmp_path / "c", sources=news, primary_not_found="nato.example")
    assert "talks.md" not in quiet.run("check").err


def test_host_of_reads_urls_as_urlsplit_does() -> None:
    """The fast path (plain http(s) URLs) gives what urlsplit gives, and odd URLs take
    urlsplit itself: users, ports, brackets, spaces, tabs, case, non-ASCII names."""
    from urllib.parse import urlsplit

    from sitegen.content.sourcing import host_of

    urls = ["https://Example.org/a", "https://user:pw@host.org/", "http://h.org:80/x",
            "https://a.b", "https://a.b?x", "https://a.b#f", "https:///x", "HTTPS://A.B/",
            "https://a_b.c/", "https://[::1]/", "https://xn--e1a.ru/", "https://a.b.",
            "https://é.fr/", " https://lead.ing/", "https://ta\tb.org/", "https://a.b\n",
            "https://a.b/\tx", "ftp://f.org/", "mailto:x@y.org", "//no.scheme/", "https:a.b",
            "https://a.b\\c/", "https://user@a.b", "HtTp://MiXeD.Org"]
    assert [host_of(u) for u in urls] == [(urlsplit(u).hostname or "").lower() for u in urls]
