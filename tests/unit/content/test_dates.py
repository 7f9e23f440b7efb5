"""Dates keep their true precision and refuse impossible values."""

import datetime as dt

import pytest

from sitegen.content.dates import DateValueError, PartialDate, parse_date


@pytest.mark.parametrize(
    ("value", "expected", "precision", "human"),
    [
        ("2022-01-12", PartialDate(2022, 1, 12), "day", "12 January 2022"),
        ("2008-08", PartialDate(2008, 8), "month", "August 2008"),
        ("1994", PartialDate(1994), "year", "1994"),
        (1994, PartialDate(1994), "year", "1994"),
        (dt.date(2002, 5, 28), PartialDate(2002, 5, 28), "day", "28 May 2002"),
        (" 2024-02-29 ", PartialDate(2024, 2, 29), "day", "29 February 2024"),
    ],
)
def test_accepted_forms(value, expected, precision, human):
    d = parse_date(value)
    assert d == expected
    assert d.precision == precision
    assert d.human() == human


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2021-02-30", "February 2021 has 28 days"),
        ("2022-13", "month 13 does not exist"),
        ("0000", "year 0 does not exist"),
        ("12/01/2022", "not a date in an accepted form"),
        ("2022-1-5", "not a date in an accepted form"),
        ([2022], "a list"),
        (None, "nothing"),
        (True, "expected a date"),
    ],
)
def test_rejected_values_say_why(value, fragment):
    with pytest.raises(DateValueError) as info:
        parse_date(value)
    assert fragment in str(info.value)


def test_sorting_puts_coarser_dates_first_within_their_span():
    dates = [parse_date(x) for x in ["2008-08-15", "2008", "2008-08", "2007-12-31"]]
    assert [d.iso() for d in sorted(dates, key=lambda d: d.sort_key)] == [
        "2007-12-31", "2008", "2008-08", "2008-08-15"]


def test_span_bounds():
    d = parse_date("2024-02")
    assert d.first_day() == dt.date(2024, 2, 1)
    assert d.last_day() == dt.date(2024, 2, 29)
