"""Property-based fuzzing of the loader, the date parser and the entry round trip.

`make test` runs a bounded number of examples per property (a few seconds in all);
`make fuzz` sets SITEGEN_FUZZ_EXAMPLES for a long run. Failing examples are printed with
the seed to replay them (no example database is written into the project).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import markupsafe
import pytest
import yaml
from conftest import ROOT
from helpers import render_all
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.config import load_config
from sitegen.content.dates import DateValueError, PartialDate, parse_date
from sitegen.content.fields import ENTRY_KEYS, SOURCE_KEYS
from sitegen.content.loader import load_site
from sitegen.errors import SitegenError

EXAMPLES = int(os.environ.get("SITEGEN_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(max_examples=EXAMPLES or 150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
BASE = ROOT / "tests" / "bad_inputs" / "_base"
ENTRY = "content/entries/2010-fuzz.md"
DOCUMENTED = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny valid site of the bad-input cases; each example overwrites one file."""
    return Path(shutil.copytree(BASE, tmp_path_factory.mktemp("fuzz") / "site"))


def load_with(site: Path, rel: str, data: bytes) -> None:
    """Write one file of the site and load it all; restores the file afterwards."""
    path = site / rel
    original = path.read_bytes() if path.exists() else None
    path.write_bytes(data)
    try:
        load_site(load_config(site))
    except SitegenError as exc:  # the project's own errors, each located and formatted
        assert exc.problems and exc.format()
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)


# --- arbitrary input never escapes as anything but SitegenError -----------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=30), st.sampled_from(["2022-01-12", "2021-02-30", "1994",
                                                           "nato", "meeting", "https://x.org"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12)
keys = st.one_of(st.sampled_from(ENTRY_KEYS + SOURCE_KEYS), st.text(max_size=12))


@FUZZ
@given(text=st.text(max_size=400))
def test_any_front_matter_text(fuzz_site: Path, text: str) -> None:
    load_with(fuzz_site, ENTRY, f"---\n{text}\n---\nBody.\n".encode("utf-8", "surrogatepass"))


@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes(fuzz_site: Path, data: bytes) -> None:
    load_with(fuzz_site, ENTRY, data)


@FUZZ
@given(meta=st.dictionaries(keys, values, max_size=10), body=st.text(max_size=80))
def test_any_structured_front_matter(fuzz_site: Path, meta: dict, body: str) -> None:  # type: ignore[type-arg]
    text = yaml.safe_dump(meta, allow_unicode=True)
    load_with(fuzz_site, ENTRY, f"---\n{text}---\n{body}".encode("utf-8", "surrogatepass"))


@FUZZ
@given(rel=st.sampled_from(["content/participants.yaml", "content/topics.yaml",
                            "content/periods.yaml"]),
       items=st.lists(st.dictionaries(st.sampled_from(
           ["id", "name", "kind", "label", "start", "end", "roles", "aliases", "x"]), values,
           max_size=6), max_size=4))
def test_any_registry(fuzz_site: Path, rel: str, items: list) -> None:  # type: ignore[type-arg]
    load_with(fuzz_site, rel, yaml.safe_dump(items, allow_unicode=True).encode(
        "utf-8", "surrogatepass"))


@FUZZ
@given(settings_=st.dictionaries(st.sampled_from(
    ["title", "base_url", "kinds", "max_year", "output_dir", "allow_raw_html", "tilte"]),
    st.one_of(st.text(max_size=20), st.integers(), st.booleans(),
              st.lists(st.text(max_size=8), max_size=3)), max_size=5))
def test_any_configuration(fuzz_site: Path, settings_: dict) -> None:  # type: ignore[type-arg]
    lines = [f"{k} = {json.dumps(v)}" for k, v in settings_.items()]
    load_with(fuzz_site, "sitegen.toml", "\n".join(lines).encode("utf-8", "surrogatepass"))


# --- the date parser accepts exactly the documented forms ---------------------------------

def expected_date(text: str) -> PartialDate | None:
    """The oracle: YYYY, YYYY-MM or YYYY-MM-DD with ASCII digits naming a real day."""
    text = text.strip()
    if not DOCUMENTED.fullmatch(text):
        return None
    parts = [int(p) for p in text.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None
    return PartialDate(*parts)


date_like = st.one_of(
    st.text(alphabet="0123456789-", max_size=12),
    st.from_regex(r"\A\s?[0-9]{4}(-[0-9]{1,3}(-[0-9]{1,3})?)?\s?\Z"),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()[:7]),
    st.text(max_size=12),
    st.from_regex(r"\A[0-9٠-٩０-９]{4}\Z"),
)


@FUZZ
@given(text=date_like)
def test_date_parser_accepts_exactly_the_documented_forms(text: str) -> None:
    expected = expected_date(text)
    if expected is None:
        with pytest.raises(DateValueError):
            parse_date(text)
    else:
        assert parse_date(text) == expected


@FUZZ
@given(value=st.one_of(st.integers(), st.floats(), st.none(), st.booleans(),
                       st.lists(st.integers(), max_size=3), st.dates()))
def test_date_parser_on_other_yaml_values(value: object) -> None:
    if isinstance(value, dt.date):
        assert parse_date(value) == PartialDate(value.year, value.month, value.day)
    elif isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999 \
            and len(str(value)) == 4:
        assert parse_date(value) == PartialDate(value)
    else:
        with pytest.raises(DateValueError):
            parse_date(value)


# --- every valid entry round-trips into the model and onto its page ------------------------

plain = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"),
                              blacklist_characters="\x85\ufeff"), min_size=1, max_size=60
                ).filter(lambda s: s.strip() != "")
valid_dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(2100, 12, 31))
source = st.fixed_dictionaries({
    "title": plain, "publisher": plain, "kind": st.sampled_from(["primary", "secondary"]),
    "url": st.from_regex(r"\Ahttps://example\.org/[a-z0-9/._-]{0,20}\Z")})
entries = st.fixed_dictionaries({
    "title": plain, "summary": plain, "date": valid_dates,
    "precision": st.sampled_from(["day", "month", "year"]),
    "kind": st.sampled_from(["meeting", "summit", "statement", "other"]),
    "participants": st.lists(st.sampled_from(["nato", "russia"]), unique=True),
    "topics": st.lists(st.just("arms-control"), max_size=1),
    "location": st.one_of(st.none(), plain),
    "sources": st.lists(source, min_size=1, max_size=3),
    # control characters (but tab and newline) are refused in bodies too (issue 17)
    "body": st.text(st.characters(blacklist_categories=("Cc", "Cs"), whitelist_characters="\t\n"),
                    max_size=200),
})


def iso_at(d: dt.date, precision: str) -> str:
    return {"day": d.isoformat(), "month": d.isoformat()[:7], "year": f"{d.year:04d}"}[precision]


@settings(FUZZ, max_examples=(EXAMPLES or 150) // 3)
@given(e=entries)
def test_valid_entries_round_trip_into_pages(fuzz_site: Path, e: dict) -> None:  # type: ignore[type-arg]
    meta = {"title": e["title"], "summary": e["summary"], "date": iso_at(e["date"], e["precision"]),
            "kind": e["kind"], "participants": e["participants"], "topics": e["topics"],
            "sources": e["sources"]}
    if e["location"] is not None:
        meta["location"] = e["location"]
    front = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items())
    path = fuzz_site / ENTRY
    path.write_text(f"---\n{front}\n---\n{e['body']}", encoding="utf-8")
    try:
        config = load_config(fuzz_site)
        site = load_site(config).site
        entry = site.entry("2010-fuzz")
        assert entry is not None
        assert entry.title == e["title"].strip() and entry.summary == e["summary"].strip()
        assert entry.date.iso() == meta["date"] and entry.kind == e["kind"]
        assert [p.id for p in entry.participants] == e["participants"]
        assert [s.url for s in entry.sources] == [s["url"].strip() for s in e["sources"]]
        assert entry.location == (e["location"].strip() if e["location"] else None)
        pages = render_all(config)
        html = pages["entries/2010-fuzz/index.html"].decode("utf-8")
        assert str(markupsafe.escape(entry.title)) in html
        data = json.loads(pages["timeline.json"])
        assert any(r["id"] == "2010-fuzz" and r["title"] == entry.title for r in data["entries"])
    finally:
        path.unlink()


# --- any Markdown body becomes HTML with nothing executable in it ---------------------------

ATTACKS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
           "<a href='javascript:alert(1)'>", "[x](javascript:alert(1))", "<svg onload=alert(1)>",
           "<iframe src=//e.org>", "<style>", "&#106;avascript:", "<a href=\"", "<!--", "-->",
           "<p onclick=x>", "<math>", "<form action=javascript:x>", "\n\n", "`", "*", "_", "[",
           "](", ")", "<", ">", "\"", "'", "=", " ", "- ", "> ", "# ", "[^1]", "[^1]: x\n"]
markdown_text = st.lists(st.one_of(st.sampled_from(ATTACKS), st.text(max_size=8)), max_size=40
                         ).map("".join)


@FUZZ
@given(text=markdown_text)
def test_any_markdown_renders_to_safe_html(text: str) -> None:
    from test_hostile import Inspector

    from sitegen.render.markup import MarkdownRenderer, MarkupError

    try:
        html = MarkdownRenderer(lambda i: None).render(text)
    except MarkupError:
        return
    found = Inspector()
    found.feed(html)
    found.close()
    assert found.problems == [] and found.scripts == [], html
    assert found.tags.isdisjoint({"iframe", "object", "embed", "style", "form", "svg", "math"})
