"""The shipped home page keeps room to grow: compact routine cards, no redundant markup, and a
quarter more entries of today's average card would still fit in 300 KB."""

from __future__ import annotations

import re
from pathlib import Path

BUDGET = 300_000  # raw bytes of the home page's HTML


def cards(html: str) -> dict[str, list[int]]:
    """The size of every card on a page, by rank class."""
    out: dict[str, list[int]] = {}
    for m in re.finditer(r'<li class="event [^"]*sig-(tp|mj|rt)".*?</li>', html, re.S):
        out.setdefault(m.group(1), []).append(len(m.group(0).encode("utf-8")))
    return out


def test_a_quarter_more_entries_would_still_fit(shipped_site: Path) -> None:
    html = (shipped_site / "index.html").read_text(encoding="utf-8")
    size = len(html.encode("utf-8"))
    sizes = [n for ns in cards(html).values() for n in ns]
    assert len(sizes) == len(list((shipped_site / "entries").iterdir()))
    average = sum(sizes) / len(sizes)
    print(f"home {size} bytes, {len(sizes)} cards of {average:.0f} bytes on average")
    assert size + 0.25 * len(sizes) * average < BUDGET


def test_routine_cards_are_compact_and_cards_carry_no_redundant_markup(
        shipped_site: Path) -> None:
    html = (shipped_site / "index.html").read_text(encoding="utf-8")
    by_rank = cards(html)
    mean = {k: sum(v) / len(v) for k, v in by_rank.items()}
    assert mean["rt"] < 0.8 * mean["mj"]
    first = re.search(r'<li class="event .*?</li>', html, re.S)
    assert first
    card = first.group(0)
    assert "\n  " not in card  # no indentation inside cards
    assert "aria-labelledby" not in card and "data-year" not in card  # the group says it
