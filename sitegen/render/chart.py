"""The overview chart: an SVG, drawn at build time, of events per year by kind.

A pure function of the model. Every year from the first to the last event gets a slot, so
gaps in dialogue show as gaps; each year with events is a link to its ``#yYYYY`` anchor on
the timeline; periods of the kind ``suspension`` are shaded behind the bars and every other
period (eras) is drawn as a labelled strip under the axis. Colours come from the site
stylesheet through classes (``k0`` … ``k11`` by the kind's place in the configured list), so
the chart follows dark mode and prints in black and white.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from html import escape

from sitegen.content.dates import PartialDate
from sitegen.content.model import Period, Site

PALETTE_SIZE = 12
SLOT = 20          # width of one year, in SVG units
BAR = 14           # width of a bar inside its slot
UNIT = 14          # height of one event
LEFT, RIGHT, TOP = 30, 10, 12
AXIS_GAP = 18      # room for the year labels under the axis
STRIP = 14         # height of the era strip
CHAR_W = 5.2       # average width of a character of an era label
MIN_ROWS = 4       # the plot is at least this many events high


def kind_class(kind: str, kinds: Sequence[str]) -> str:
    """The colour class of a kind: its position in the configured kinds, wrapped."""
    i = list(kinds).index(kind) if kind in kinds else len(kinds)
    return f"k{i % PALETTE_SIZE}"


def _year_fraction(d: dt.date) -> float:
    start = dt.date(d.year, 1, 1)
    days = (dt.date(d.year + 1, 1, 1) - start).days
    return d.year + (d - start).days / days


def _span(p: Period, last_year: int) -> tuple[float, float]:
    """A period's extent in fractional years; an open end runs to the end of the chart."""
    end = p.end.last_day() + dt.timedelta(days=1) if p.end else dt.date(last_year + 1, 1, 1)
    return _year_fraction(p.start.first_day()), _year_fraction(end)


def _fit(label: str, chars: int) -> str:
    """The label cut at a word boundary to ``chars`` characters ('' when too little room)."""
    if len(label) <= chars:
        return label
    cut = label[:max(chars - 1, 0)].rsplit(" ", 1)[0].rstrip(" ,(–-")
    return cut + "…" if len(cut) >= 4 else ""


def _human(d: PartialDate | None) -> str:
    return d.human() if d else "today"


def _kind_order(kinds: Sequence[str], present: Iterable[str]) -> list[str]:
    """The kinds present, configured ones first in their order, then any others sorted."""
    found = set(present)
    return [k for k in kinds if k in found] + sorted(found - set(kinds))


@dataclass(frozen=True)
class _Frame:
    """The chart's geometry: the span of years and the size of the plot."""

    first: int
    last: int
    peak: int

    @property
    def axis_y(self) -> int:
        return TOP + self.peak * UNIT

    @property
    def width(self) -> int:
        return LEFT + (self.last - self.first + 1) * SLOT + RIGHT

    @property
    def height(self) -> int:
        return self.axis_y + AXIS_GAP + STRIP + 6

    def x(self, year: float) -> float:
        return LEFT + (year - self.first) * SLOT


def _periods(f: _Frame, periods: Sequence[Period]) -> Iterator[str]:
    """Suspensions as shaded bands behind the bars, other periods as a strip under the axis."""
    for p in periods:
        lo, hi = _span(p, f.last)
        lo, hi = max(lo, f.first), min(hi, f.last + 1)
        if hi <= lo:
            continue
        x, w = f.x(lo), (hi - lo) * SLOT
        label = escape(f"{p.label} ({p.start.human()} – {_human(p.end)})")
        if p.kind == "suspension":
            yield (f'<rect class="band" x="{x:.1f}" y="{TOP - 4}" width="{w:.1f}" '
                   f'height="{f.peak * UNIT + 4}"><title>{label}</title></rect>')
            continue
        alt = sum(1 for q in periods if q.kind == p.kind and q.start < p.start) % 2
        y = f.axis_y + AXIS_GAP
        yield (f'<rect class="era era{alt}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
               f'height="{STRIP}"><title>{label}</title></rect>')
        short = _fit(p.label, int((w - 6) / CHAR_W))
        if short:
            yield (f'<text class="era-label" x="{x + 3:.1f}" y="{y + STRIP - 4}" '
                   f'aria-hidden="true">{escape(short)}</text>')


def _grid(f: _Frame) -> Iterator[str]:
    """Horizontal rules with their counts, and the axis."""
    for step in range(1, f.peak + 1):
        if step % 2 == 0 or f.peak <= MIN_ROWS:
            y = f.axis_y - step * UNIT
            yield (f'<line class="grid" x1="{LEFT}" x2="{f.width - RIGHT}" y1="{y}" y2="{y}"/>'
                   f'<text class="tick" x="{LEFT - 6}" y="{y + 4}" text-anchor="end">{step}'
                   f'</text>')
    yield (f'<line class="axis" x1="{LEFT}" x2="{f.width - RIGHT}" y1="{f.axis_y}" '
           f'y2="{f.axis_y}"/>')


def _bars(f: _Frame, counts: dict[int, Counter[str]], kinds: Sequence[str]) -> Iterator[str]:
    """Year labels, and for each year with events a link holding its stacked bar."""
    order = _kind_order(kinds, (k for c in counts.values() for k in c))
    for year in range(f.first, f.last + 1):
        x = f.x(year)
        if year in (f.first, f.last) or year % 5 == 0:
            yield (f'<text class="year" x="{x + SLOT / 2:.0f}" y="{f.axis_y + 13}" '
                   f'text-anchor="middle">{year}</text>')
        c = counts.get(year)
        if not c:
            continue
        total = sum(c.values())
        noun = "event" if total == 1 else "events"
        detail = escape(", ".join(f"{c[k]} {k}" for k in order if c[k]))
        yield (f'<a class="bar" href="#y{year}" aria-label="{year}: {total} {noun}">'
               f'<title>{year}: {total} {noun} ({detail})</title>'
               f'<rect class="hit" x="{x}" y="{TOP}" width="{SLOT}" height="{f.peak * UNIT}"/>')
        y = f.axis_y
        for k in order:
            if c[k]:
                y -= c[k] * UNIT
                yield (f'<rect class="{kind_class(k, kinds)}" x="{x + (SLOT - BAR) / 2}" '
                       f'y="{y}" width="{BAR}" height="{c[k] * UNIT - 1}"/>')
        yield "</a>"


def overview_svg(site: Site, kinds: Sequence[str], title: str = "Events per year") -> str:
    """The SVG markup of the overview chart (empty string for a site without entries)."""
    if not site.entries:
        return ""
    counts: dict[int, Counter[str]] = {}
    for e in site.entries:
        counts.setdefault(e.year, Counter())[e.kind] += 1
    f = _Frame(min(counts), max(counts),
               max(max(sum(c.values()) for c in counts.values()), MIN_ROWS))
    head = (f'<svg class="overview" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {f.width} {f.height}" width="{f.width}" height="{f.height}" '
            f'aria-labelledby="overview-title" focusable="false">'
            f'<title id="overview-title">{escape(title)}</title>')
    return "".join([head, *_periods(f, site.periods), *_grid(f), *_bars(f, counts, kinds),
                    "</svg>"])


def legend(site: Site, kinds: Sequence[str]) -> list[dict[str, object]]:
    """The kinds the chart shows, in its stacking order, with their colour class and count."""
    counts = Counter(e.kind for e in site.entries)
    return [{"kind": k, "class": kind_class(k, kinds), "count": counts[k]}
            for k in _kind_order(kinds, counts)]
