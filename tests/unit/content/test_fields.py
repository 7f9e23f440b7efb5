"""Front-matter fields, one by one: unknown keys get a did-you-mean, ids must be URL-safe,
corrections need `updated`, and a valid entry becomes the model object."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from sitegen.config import load_config
from sitegen.content import fields
from sitegen.content.collector import Collector
from sitegen.content.yamlio import load_yaml

BASE = ("title: Talks\nsummary: They talked.\ndate: 2010-11-20\nkind: meeting\n"
        "sources:\n  - {title: R, publisher: P, url: 'https://example.org/r', kind: primary}\n")


def entry(extra: str = "", stem: str = "2010-11-20-talks"):  # type: ignore[no-untyped-def]
    config = load_config(FIXTURES / "basic")
    col = Collector(Path(config.root))
    got = fields.build_entry(load_yaml(BASE + extra), "Body.", 9, stem, "x.md", col, config)
    return got, [p.format() for p in col.problems]


def test_a_valid_entry_becomes_the_model_object() -> None:
    e, problems = entry("location: Brussels\norder: 2\n")
    assert problems == [] and e is not None
    assert (e.id, e.title, e.location, e.order, e.date.iso()) == (
        "2010-11-20-talks", "Talks", "Brussels", 2, "2010-11-20")


def test_an_unknown_key_gets_a_did_you_mean() -> None:
    e, problems = entry("sumary: typo\n")
    assert e is None or problems
    assert any("did you mean 'summary'" in p for p in problems), problems


@pytest.mark.parametrize("stem", ["Talks", "a..b", "x y"])
def test_an_id_must_be_url_safe(stem: str) -> None:
    _, problems = entry(stem=stem)
    assert any("is not URL-safe" in p for p in problems), problems


def test_corrections_need_the_date_of_the_last_review() -> None:
    _, problems = entry("corrections:\n  - {date: 2011-01-01, text: Fixed.}\n")
    assert any("needs the date of its correction in 'updated'" in p for p in problems)
