"""Open-data exports: CSV cells that cannot run as formulas, ICS lines folded, the schema."""

from __future__ import annotations

from conftest import FIXTURES

from sitegen.config import load_config
from sitegen.outputs import exports


def test_a_cell_starting_like_a_formula_is_quoted() -> None:
    assert [exports.no_formula(c) for c in ("=HYPERLINK(1)", "+1", "-1", "@a", "plain")] == [
        "'=HYPERLINK(1)", "'+1", "'-1", "'@a", "plain"]


def test_ics_lines_fold_at_75_octets_and_escape() -> None:
    line = exports.ics_fold("SUMMARY:" + exports.ics_escape("é" * 60 + ", a; b\\n"))
    assert all(len(part.encode()) <= 75 for part in line.split("\r\n"))
    assert "\\," in line and "\\;" in line


def test_the_published_schema_is_there() -> None:
    schema = exports.timeline_schema(load_config(FIXTURES / "basic"))
    assert schema is not None and b'"$schema"' in schema
    assert b'"primary"' in schema  # the site's source kinds
