"""Dates at their true precision: a year, a month or a day, never an invented day."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

DATE_FORMS = "YYYY-MM-DD (2022-01-12), YYYY-MM (2008-08) or YYYY (1994)"
_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")  # ASCII digits only
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


class DateValueError(ValueError):
    """A value that is not a date in one of the accepted forms."""


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A calendar date known to year, month or day precision."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        """'day', 'month' or 'year'."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def iso(self) -> str:
        """ISO 8601 at the date's own precision, as used in <time datetime>."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def human(self) -> str:
        """English text at the date's own precision, independent of the locale."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"

    def first_day(self) -> dt.date:
        """The earliest calendar day the date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The latest calendar day the date can mean."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def __str__(self) -> str:
        return self.iso()


def parse_date(value: object) -> PartialDate:
    """Parse a front-matter value (string, int year, date) into a PartialDate.

    Raises DateValueError with a message that says what is wrong.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, bool) or value is None:
        raise DateValueError(f"expected a date, got {_describe(value)}")
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise DateValueError(f"expected a date, got {_describe(value)}")
    text = value.strip()
    m = _RE.match(text)
    if not m:
        raise DateValueError(f"'{text}' is not a date in an accepted form")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if year < 1:
        raise DateValueError(f"'{text}': year 0 does not exist")
    if month is not None and not 1 <= month <= 12:
        raise DateValueError(f"'{text}': month {month} does not exist")
    if day is not None and month is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise DateValueError(
                f"'{text}' is not a real date: {MONTHS[month - 1]} {year} has {last} days"
            )
    return PartialDate(year, month, day)


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"
