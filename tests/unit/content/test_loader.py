"""Loading: the fixture site becomes a valid model; every mistake is located and explained."""

from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.content.loader import load_site, read_body
from sitegen.errors import ContentError


def load(root: Path, drafts: bool = False):
    return load_site(load_config(root), drafts=drafts)


def entry_file(root: Path, name: str, text: str) -> Path:
    path = root / "content" / "entries" / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(root: Path) -> str:
    with pytest.raises(ContentError) as info:
        load(root)
    return info.value.format()


MINIMAL = """---
title: T
summary: S.
date: {date}
kind: meeting
sources:
  - {{title: X, publisher: P, url: "https://e.org/", kind: primary}}
---
Body.
"""


def test_fixture_loads_sorted_by_date_order_and_id(basic_site):
    result = load(basic_site)
    ids = [e.id for e in result.site.entries]
    assert ids == ["1994-partnership", "2019-treaty-ends", "2022-01-12-council-meets",
                   "2022-01-12-second"]
    first = result.site.entries[2]
    assert first.date.precision == "day" and first.level == "ambassadors"
    assert [(p.id, p.role) for p in first.participants] == [
        ("nato", None), ("russia", None), ("stoltenberg", "chair")]
    assert result.site.entries[1].date.iso() == "2019-08"
    assert result.site.entries[0].circa is True
    # the quoted date "2022-01-12" and the unquoted one are the same date
    assert result.site.entries[3].date == first.date


def test_drafts_only_with_flag(basic_site):
    assert "2023-draft" not in [e.id for e in load(basic_site).site.entries]
    assert "2023-draft" in [e.id for e in load(basic_site, drafts=True).site.entries]


def test_missing_primary_source_is_a_warning(basic_site):
    warnings = load(basic_site).warnings
    assert [w.format().splitlines()[0] for w in warnings] == [
        "content/entries/2019-treaty-ends.md:11: warning: sources: no primary source"]


def test_all_problems_are_reported_at_once_with_lines_and_hints(basic_site):
    entry_file(basic_site, "2001-bad.md", """---
title: T
summary: S.
date: 2021-02-30
kind: meting
participants: [stoltenbreg]
topics: [ukrain]
tittle: x
sources:
  - {title: X, publisher: P, url: "https://e.org/", kind: primary}
---
See [this](entry:nowhere).
""")
    text = problems_of(basic_site)
    assert "content/entries/2001-bad.md:4: date: '2021-02-30' is not a real date" in text
    assert "content/entries/2001-bad.md:5: kind: 'meting' is not one of the allowed values" in text
    assert "did you mean 'meeting'?" in text
    assert "content/entries/2001-bad.md:8: tittle: unknown field" in text
    assert "did you mean 'title'?" in text
    assert "content/entries/2001-bad.md:12: body: link to unknown entry 'entry:nowhere'" in text
    assert "4 errors found" in text


def test_cross_references_are_checked(basic_site):
    entry_file(basic_site, "2001-refs.md", MINIMAL.format(date="2001").replace(
        "kind: meeting", "kind: meeting\nparticipants: [stoltenbreg]\ntopics: [ukrain]\n"
        "related: [1994-partnershipp]"))
    text = problems_of(basic_site)
    assert "participants: unknown participant 'stoltenbreg'" in text
    assert "did you mean 'stoltenberg'?" in text
    assert "topics: unknown topic 'ukrain'" in text
    assert "related: unknown entry id '1994-partnershipp'" in text


def test_duplicate_ids_name_both_files(basic_site):
    entry_file(basic_site, "2005-x.md", MINIMAL.format(date="2005").replace(
        "kind: meeting", "kind: meeting\nid: 1994-partnership"))
    text = problems_of(basic_site)
    assert "duplicate id '1994-partnership'" in text
    assert "content/entries/1994-partnership.md" in text and "content/entries/2005-x.md" in text


@pytest.mark.parametrize(("body", "fragment"), [
    ("", "the file is empty"),
    ("title: x\n", "no front matter"),
    ("---\ntitle: x\n", "the front matter is not closed"),
    ("---\ntitle: [x\n---\n", "invalid YAML"),
    ("---\n- a\n- b\n---\n", "must be a mapping"),
])
def test_structural_problems(basic_site, body, fragment):
    entry_file(basic_site, "2010-broken.md", body)
    text = problems_of(basic_site)
    assert "content/entries/2010-broken.md" in text and fragment in text


def test_end_before_date(basic_site):
    entry_file(basic_site, "2010-end.md", MINIMAL.format(date="2010-05-02").replace(
        "kind: meeting", "kind: meeting\nend: 2010-05-01"))
    assert "end: end (2010-05-01) is before date (2010-05-02)" in problems_of(basic_site)


def test_non_utf8_file(basic_site):
    (basic_site / "content" / "entries" / "2010-latin1.md").write_bytes(
        MINIMAL.format(date="2010").encode() + "caf\xe9\n".encode("latin-1"))
    text = problems_of(basic_site)
    assert "2010-latin1.md:10: is not valid UTF-8" in text and "save the file" in text


def test_bom_and_crlf_are_fine(basic_site):
    text = "\ufeff" + MINIMAL.format(date="2010").replace("\n", "\r\n")
    (basic_site / "content" / "entries" / "2010-bom.md").write_bytes(text.encode("utf-8"))
    entry = load(basic_site).site.entry("2010-bom")
    body = read_body(entry, load_config(basic_site))
    assert entry.title == "T" and body.strip() == "Body."


def test_url_unsafe_file_name(basic_site):
    entry_file(basic_site, "2010 Big Meeting.md", MINIMAL.format(date="2010"))
    text = problems_of(basic_site)
    assert "'2010 Big Meeting' is not URL-safe" in text and "'2010-big-meeting'" in text


def test_registry_problems_are_located(basic_site):
    (basic_site / "content" / "topics.yaml").write_text(
        "- id: ukraine\n  label: Ukraine\n- id: Bad Id\n  label: x\n- id: ukraine\n  label: y\n"
        "- label: no id\n", encoding="utf-8")
    text = problems_of(basic_site)
    assert "content/topics.yaml:3: id: 'Bad Id' is not URL-safe" in text
    assert "content/topics.yaml:5: id: duplicate topic id 'ukraine' (first on line 1)" in text
    assert "content/topics.yaml:7: id: is required but missing" in text


def test_body_links_without_reference_definitions_take_the_short_expression() -> None:
    """A body without a reference definition to an entry ("]: entry:…") is searched with
    the inline-link expression alone: the links found (and their lines) are the full
    expression's, on bodies dense in both forms and in footnote definitions."""
    import random

    from sitegen.content.loader import ENTRY_LINK_RE, body_links

    def reference(body: str, first: int) -> tuple[tuple[str, int], ...]:
        return tuple((m.group(1) if m.group(1) is not None else m.group(2),
                      first + body.count("\n", 0, m.start()))
                     for m in ENTRY_LINK_RE.finditer(body))

    rng = random.Random(5)
    pieces = ["[a](entry:x)", "](entry:y)", "](  <entry:z>", "[r]: entry:w", "[r]:\n entry:v",
              "]:", "\n", " ", "entry:", "[", "]", "(", ")", "<", ">", "a", "\t", "[^1]: n",
              "]:\t<entry:u>", "]: \n  entry:t"]
    for _ in range(3000):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        assert body_links(body, 7) == reference(body, 7), repr(body)
