"""Issue 17, item 3: bounded time and memory per entry.

Each test is one reproduction from the issue, run through the real command line on a
sandboxed checkout (tests/attack.py): a good site is built, then one content file is replaced
by the attack and the build runs again. The payloads are tiny (far over sitegen's input-shape
limits, but fast on any code); where the mechanism is the CPU-time budget, the budget is tiny
too. No test measures time. Each states its outcome: exit 1 naming the file, the line, the
field and a hint, the old output byte-identical and nothing changed outside the places a
build may write.
"""

from __future__ import annotations

import json
from pathlib import Path

from attack import Checkout, Result, tree_bytes

ENTRY = "content/entries/2010-11-20-lisbon.md"
FRONT = """---
title: Lisbon summit
summary: The council met at Lisbon.
date: 2010-11-20
kind: meeting
participants: [nato, russia]
sources:
  - title: Lisbon declaration
    publisher: NATO
    url: https://example.org/lisbon
    kind: primary
{extra}---
"""
BODY_LINE = 13  # the first body line of an entry written by ``entry`` (no extra fields)


def entry(body: str, extra: str = "") -> str:
    """An otherwise valid entry with this body (and these extra front-matter lines)."""
    return FRONT.format(extra=extra) + body


def built(tmp_path: Path, config: str = "") -> Checkout:
    """A checkout whose output/ holds a good build (of the fixture plus a plain entry)."""
    co = Checkout(tmp_path)
    if config:
        with (co.root / "sitegen.toml").open("a", encoding="utf-8") as fh:
            fh.write(config)
    co.write(ENTRY, entry("A plain body.\n"))
    first = co.run("build")
    assert first.code == 0, first.text
    return co


def refused(co: Checkout, text: str, *expected: str, **env: str) -> Result:
    """Put ``text`` in the entry and build: exit 1, every ``expected`` in the message, the
    old output byte-identical and nothing changed outside the allowed places."""
    old = tree_bytes(co.output)
    co.write(ENTRY, text)
    before = co.snapshot()
    result = co.run("build", **env)
    after = co.snapshot()
    assert result.code == 1, result.text
    for part in (*expected, "hint: "):
        assert part in result.err, (part, result.err)
    assert "Traceback" not in result.text
    assert tree_bytes(co.output) == old
    assert co.changed_outside_allowed(before, after) == []
    return result


def line_named(result: Result) -> int:
    """The line number the message gives for the entry."""
    return int(result.err.split(f"{ENTRY}:")[1].split(":")[0])


def test_a_run_of_open_brackets_is_refused_before_conversion(tmp_path: Path) -> None:
    # the issue: 20 KB of '[' took 75 s (Python-Markdown scans to the end from each one)
    co = built(tmp_path)
    refused(co, entry("Intro.\n\n" + "[" * 300 + "\n"),
            f"{ENTRY}:{BODY_LINE + 2}: body:", "'['", "\\[")


def test_a_run_of_image_openers_is_refused(tmp_path: Path) -> None:
    # the issue: 30 KB of '![a' took 62 s
    co = built(tmp_path)
    refused(co, entry("![a" * 300 + "\n"), f"{ENTRY}:{BODY_LINE}: body:", "'['")


def test_a_run_of_unfinished_html_tags_is_refused(tmp_path: Path) -> None:
    # the issue: 60 KB of '<a ' took 47 s (each '<' is parsed to the end of the body)
    co = built(tmp_path)
    refused(co, entry("Intro.\n" + "<a " * 300 + "\n"),
            f"{ENTRY}:{BODY_LINE + 1}: body:", "'<'", "&lt;")


def test_deeply_nested_raw_html_is_refused_before_sanitising(tmp_path: Path) -> None:
    # the issue: <div> x 100,000 took 45 s in the sanitiser
    co = built(tmp_path)
    result = refused(co, entry("Intro.\n\n" + "<div>\n" * 600), "body:", "HTML", "nested")
    assert BODY_LINE + 2 < line_named(result) < BODY_LINE + 600  # where it goes too deep


def test_deepening_blockquotes_are_refused(tmp_path: Path) -> None:
    # the issue: 1,900 lines of deepening '>' took 930 MB
    co = built(tmp_path)
    body = "".join(">" * depth + " a\n" for depth in range(1, 200))
    result = refused(co, entry(body), "body:", "nested too deeply")
    assert BODY_LINE < line_named(result) < BODY_LINE + 100  # where it goes too deep


def test_whitespace_lines_before_an_entry_link_are_not_part_of_it(tmp_path: Path) -> None:
    # the issue: 50,000 lines of "\t \n" then an entry link took 16.6 s in ENTRY_LINK_RE,
    # whose '^\s*' ran across lines; the symptom that needs no clock is the line it names
    co = built(tmp_path)
    body = "Intro.\n" + "\t \n" * 40 + "[a]: entry:no-such-entry\n"
    refused(co, entry(body), f"{ENTRY}:{BODY_LINE + 41}: body:", "entry:no-such-entry")


def test_an_alias_bomb_of_large_strings_is_refused(tmp_path: Path) -> None:
    # the issue: a 100 KB anchored string repeated 2,000 times under extra: gave a 200 MB
    # timeline.json; the guard counted values (2,001), not their size
    co = built(tmp_path)
    copies = ", ".join(["*s"] * 2000)
    extra = f"extra:\n  text: &s \"{'x' * 2000}\"\n  copies: [{copies}]\n"  # 4 MB
    result = refused(co, entry("A body.\n", extra), f"{ENTRY}:12: extra:", "aliases")
    assert "characters" in result.err


# Within every shape limit, but slow: paragraphs with open brackets and long text (about a
# second of CPU). The budgets are tiny, yet several clock ticks, so that a small body (a few
# ms) never crosses one however the kernel samples CPU time; the default is seconds.
SLOW_BODY = "\n\n".join(["[" * 8 + " words" * 4000] * 20) + "\n"


def test_a_body_over_the_cpu_budget_fails_with_its_file_and_a_hint(tmp_path: Path) -> None:
    co = built(tmp_path, "entry_cpu_budget = 0.05\n")
    refused(co, entry(SLOW_BODY), f"{ENTRY}:{BODY_LINE}: body:", "CPU", "0.05 s",
            "entry_cpu_budget")


def test_the_cpu_budget_holds_in_a_parallel_build(tmp_path: Path) -> None:
    # enough pages for the build to fork its worker processes (two of them here)
    co = built(tmp_path, "entry_cpu_budget = 0.05\n")
    for i in range(240):
        co.write(f"content/entries/2011-01-01-filler-{i:03}.md",
                 entry(f"Filler {i}.\n").replace("Lisbon summit", f"Filler {i}"))
    assert co.run("build", SITEGEN_JOBS="2").code == 0
    refused(co, entry(SLOW_BODY), f"{ENTRY}:{BODY_LINE}: body:", "CPU", "0.05 s",
            SITEGEN_JOBS="2")


def test_the_cpu_budget_setting_is_checked(tmp_path: Path) -> None:
    co = Checkout(tmp_path)
    with (co.root / "sitegen.toml").open("a", encoding="utf-8") as fh:
        fh.write("entry_cpu_budget = \"lots\"\n")
    before = co.snapshot()
    result = co.run("build")
    assert result.code == 1, result.text
    assert "sitegen.toml: entry_cpu_budget: must be a number of seconds" in result.err
    assert "hint: " in result.err
    assert co.changed_outside_allowed(before, co.snapshot()) == []


def test_a_good_body_under_a_generous_budget_builds(tmp_path: Path) -> None:
    # the budget and the limits leave ordinary bodies alone: brackets, quotes, lists, HTML
    co = built(tmp_path, "entry_cpu_budget = 30\n")
    body = ("> A quote with [a link](https://example.org/) and (an aside [with a note]).\n"
            ">\n> > - a nested list\n> >   - deeper\n\n<div><p>Raw <b>HTML</b></p></div>\n")
    co.write(ENTRY, entry(body))
    before = co.snapshot()
    result = co.run("build")
    assert result.code == 0, result.text
    page = (co.output / "entries" / "2010-11-20-lisbon" / "index.html").read_text()
    assert '<a href="https://example.org/">a link</a>' in page
    assert "<li>deeper</li>" in page
    data = json.loads((co.output / "timeline.json").read_text())
    assert any(e.get("id") == "2010-11-20-lisbon" for e in data["entries"])
    assert co.changed_outside_allowed(before, co.snapshot()) == []
