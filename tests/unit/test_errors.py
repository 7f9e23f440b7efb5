"""What users read: an internal error's text never carries raw control characters."""

from __future__ import annotations

from sitegen.errors import ContentError, Problem, error_text


def test_an_internal_error_is_escaped_and_says_it_is_a_bug() -> None:
    text = error_text(RuntimeError("bad \x1b[2Jterminal\x07"))
    assert "\x1b" not in text and "\x07" not in text and "\\x1b" in text
    assert text.startswith("sitegen: internal error: RuntimeError:")
    assert "hint: this is a bug in sitegen; run again with --debug" in text


def test_a_sitegen_error_reads_as_its_problems() -> None:
    err = ContentError(problems=[Problem("content/a.md", 3, "date", "bad \x1b date")])
    assert error_text(err).startswith("content/a.md:3: date: bad \\x1b date")
