"""The overview chart: an SVG, drawn at build time, of events per year by kind family.

A pure function of the model and the settings. Every year from the first to the last event
gets a slot; a year without any recorded entry is hatched and says so (a gap in the
record's coverage, not in what it records). Each year with events is a link to its
``#yYYYY`` anchor on the timeline, its bar stacked by kind family (``kind_families``:
colour classes ``f0`` … ``f5`` from the stylesheet, so the chart follows dark mode).
Turning points are diamonds at their dates above the bars. Periods are drawn as their kind's
settings say (``period_kinds``, sitegen.presentation): a ``strip`` of numbered eras under the
axis (their names in the legend, never cut), a labelled ``lane`` of its own per kind, or a
``shade`` behind the bars.

The page's script re-counts the bars under the filters: the ``<svg>`` carries the axis
position and the height of one event (``data-axis``, ``data-unit``), each bar's rects are in
stacking order, and each diamond names its entry (``data-id``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from sitegen.config import Config
from sitegen.content.dates import PartialDate
from sitegen.content.model import Entry, Period, Site
from sitegen.i18n.language import Language, in_language
from sitegen.presentation import KindFamily, PeriodKind

SLOT = 20          # width of one year, in SVG units
BAR = 14           # width of a bar inside its slot
UNIT = 14          # height of one event
LEFT, RIGHT, TOP = 30, 10, 4
TP_ROW = 14        # the row of turning-point diamonds above the plot
AXIS_GAP = 18      # room for the year labels under the axis
STRIP = 16         # height of the era strip
LANE = 24          # height of a lane: its label, then its bar
LANE_BAR = 8
CHAR_W = 5.2       # average width of a character of a label at 9 units
MIN_ROWS = 4       # the plot is at least this many events high


def kind_class(kind: str, families: Sequence[KindFamily]) -> str:
    """The colour class of a kind: its family's slot (the last family for a stray kind)."""
    for f in families:
        if kind in f.kinds:
            return f.cls
    return families[-1].cls if families else "f0"


def _year_fraction(d: dt.date) -> float:
    start = dt.date(d.year, 1, 1)
    days = (dt.date(d.year + 1, 1, 1) - start).days
    return d.year + (d - start).days / days


def _span(p: Period, last_year: int) -> tuple[float, float]:
    """A period's extent in fractional years; an open end runs to the end of the chart."""
    end = p.end.last_day() + dt.timedelta(days=1) if p.end else dt.date(last_year + 1, 1, 1)
    return _year_fraction(p.start.first_day()), _year_fraction(end)


def _at(d: PartialDate) -> float:
    """Where a date sits on the axis: its day, or the middle of its month or year."""
    lo, hi = d.first_day(), d.last_day() + dt.timedelta(days=1)
    return (_year_fraction(lo) + _year_fraction(hi)) / 2 if d.precision != "day" else \
        _year_fraction(lo)


def _human(d: PartialDate | None, lang: Language) -> str:
    return lang.date(d) if d else lang.gettext("today")


def period_text(p: Period, lang: Language) -> str:
    return f"{in_language(p, 'label', lang.code)} ({lang.date(p.start)} – {_human(p.end, lang)})"


@dataclass(frozen=True)
class _Frame:
    """The chart's geometry: the span of years, the plot's height and the rows under it."""

    first: int
    last: int
    peak: int
    tps: bool      # a row of turning points above the plot
    strips: int    # strip kinds drawn
    lanes: int     # lane kinds drawn
    lang: Language  # the words and dates of titles and labels

    @property
    def plot_top(self) -> int:
        return TOP + (TP_ROW if self.tps else 0)

    @property
    def axis_y(self) -> int:
        return self.plot_top + self.peak * UNIT

    @property
    def width(self) -> int:
        return LEFT + (self.last - self.first + 1) * SLOT + RIGHT

    @property
    def below(self) -> int:
        """The top of the first strip, under the year labels."""
        return self.axis_y + AXIS_GAP

    @property
    def height(self) -> int:
        return self.below + self.strips * (STRIP + 4) + self.lanes * LANE + 2

    def x(self, year: float) -> float:
        return LEFT + (year - self.first) * SLOT


def _drawn(styles: Sequence[PeriodKind], periods: Sequence[Period], layer: str
           ) -> list[PeriodKind]:
    """The kinds of one layer that have periods, in the settings' order."""
    present = {p.kind for p in periods}
    return [s for s in styles if s.layer == layer and s.id in present]


def _clip(f: _Frame, p: Period) -> tuple[float, float] | None:
    lo, hi = _span(p, f.last)
    lo, hi = max(lo, f.first), min(hi, f.last + 1)
    return (f.x(lo), (hi - lo) * SLOT) if hi > lo else None


def _shades(f: _Frame, styles: Sequence[PeriodKind], periods: Sequence[Period]
            ) -> Iterator[str]:
    for s in _drawn(styles, periods, "shade"):
        for p in periods:
            box = _clip(f, p) if p.kind == s.id else None
            if box:
                yield (f'<rect class="shade pc-{s.colour}" x="{box[0]:.1f}" y="{f.plot_top}" '
                       f'width="{box[1]:.1f}" height="{f.peak * UNIT}"><title>'
                       f'{escape(in_language(s, "label", f.lang.code))}: '
                       f'{escape(period_text(p, f.lang))}</title></rect>')


def _strips(f: _Frame, styles: Sequence[PeriodKind], periods: Sequence[Period]
            ) -> Iterator[str]:
    """Numbered strips under the axis; the legend gives each number its full name."""
    y = f.below
    n = 0
    for s in _drawn(styles, periods, "strip"):
        for p in periods:
            box = _clip(f, p) if p.kind == s.id else None
            if not box:
                continue
            n += 1
            x, w = box
            yield (f'<rect class="strip pc-{s.colour} era{n % 2}" x="{x:.1f}" y="{y}" '
                   f'width="{w:.1f}" height="{STRIP}"><title>{n}. {escape(period_text(p, f.lang))}'
                   f'</title></rect>')
            full = f"{n} {in_language(p, 'label', f.lang.code)}"
            text = full if len(full) * CHAR_W <= w - 6 else str(n)
            yield (f'<text class="strip-label" x="{x + 3:.1f}" y="{y + STRIP - 5}" '
                   f'aria-hidden="true">{escape(text)}</text>')
        y += STRIP + 4


def _lanes(f: _Frame, styles: Sequence[PeriodKind], periods: Sequence[Period]
           ) -> Iterator[str]:
    """One labelled row per lane kind, its periods as bars along it."""
    y = f.below + f.strips * (STRIP + 4)
    for s in _drawn(styles, periods, "lane"):
        label = in_language(s, "label", f.lang.code)
        yield (f'<text class="lane-label" x="{LEFT}" y="{y + 9}">{escape(label)}</text>'
               f'<line class="lane-rule" x1="{LEFT}" x2="{f.width - RIGHT}" '
               f'y1="{y + 12 + LANE_BAR / 2}" y2="{y + 12 + LANE_BAR / 2}"/>')
        for p in periods:
            box = _clip(f, p) if p.kind == s.id else None
            if box:
                yield (f'<rect class="lane pc-{s.colour}" x="{box[0]:.1f}" y="{y + 12}" '
                       f'width="{max(box[1], 2):.1f}" height="{LANE_BAR}"><title>'
                       f'{escape(in_language(s, "label", f.lang.code))}: '
                       f'{escape(period_text(p, f.lang))}</title></rect>')
        y += LANE


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


def _empty_years(f: _Frame, counts: dict[int, Any], config: Config) -> Iterator[str]:
    """A hatched column for each year without a recorded entry, saying what it means."""
    for year in range(f.first, f.last + 1):
        if year in counts:
            continue
        gap = config.coverage.declared_gap(year) if config.coverage else None
        why = f": {gap.note}" if gap else ""
        what = f.lang.gettext("%(year)s: no entries recorded (a gap in the record, not a year "
                              "without events)", year=year)
        yield (f'<rect class="nodata" x="{f.x(year) + 1}" y="{f.plot_top}" width="{SLOT - 2}" '
               f'height="{f.peak * UNIT}"><title>{escape(what)}{escape(why)}</title></rect>')


def _bars(f: _Frame, counts: dict[int, Counter[str]], families: Sequence[KindFamily],
          kinds: Sequence[str]) -> Iterator[str]:
    """Year labels, and for each year with events a link holding its stacked bar."""
    for year in range(f.first, f.last + 1):
        x = f.x(year)
        if year in (f.first, f.last) or year % 5 == 0:
            yield (f'<text class="year" x="{x + SLOT / 2:.0f}" y="{f.axis_y + 13}" '
                   f'text-anchor="middle">{year}</text>')
        c = counts.get(year)
        if not c:
            continue
        total = sum(c.values())
        label = escape(f.lang.ngettext("%(year)s: %(num)d event", "%(year)s: %(num)d events",
                                       total, year=year))
        order = [k for k in kinds if c[k]] + sorted(k for k in c if k not in kinds)
        detail = escape(", ".join(f"{c[k]} {k}" for k in order))
        yield (f'<a class="bar" href="#y{year}" aria-label="{label}">'
               f'<title>{label} ({detail})</title>'
               f'<rect class="hit" x="{x}" y="{f.plot_top}" width="{SLOT}" '
               f'height="{f.peak * UNIT}"/>')
        y = f.axis_y
        for fam in families:
            n = sum(c[k] for k in fam.kinds)
            if n:
                y -= n * UNIT
                yield (f'<rect class="{fam.cls}" x="{x + (SLOT - BAR) / 2}" y="{y}" '
                       f'width="{BAR}" height="{n * UNIT - 1}"/>')
        yield "</a>"


def _turning_points(f: _Frame, entries: Sequence[Entry]) -> Iterator[str]:
    """A diamond at the date of each turning point, above the bars."""
    cy = TOP + TP_ROW / 2
    for e in entries:
        if e.significance == "turning-point":
            x = f.x(_at(e.date))
            yield (f'<path class="tp" data-id="{escape(e.id)}" d="M{x:.1f} {cy - 5}l4.5 5'
                   f'-4.5 5-4.5-5z"><title>{escape(f.lang.date(e.date))}: {escape(e.title)}'
                   f'</title></path>')


def _families(config: Config, site: Site) -> list[KindFamily]:
    """The configured families, and one for kinds outside them (never in a valid site)."""
    fams = list(config.families)
    stray = sorted({e.kind for e in site.entries} - {k for f in fams for k in f.kinds})
    if stray and fams:
        last = fams[-1]
        fams[-1] = KindFamily(last.id, last.label, last.kinds + tuple(stray), last.cls)
    return fams


def overview_svg(site: Site, config: Config, lang: Language | None = None) -> str:
    """The SVG markup of the overview chart (empty string for a site without entries), its
    titles in ``lang`` (English when None)."""
    if not site.entries:
        return ""
    lang = lang or Language("en")
    title = lang.gettext("Events per year")
    counts: dict[int, Counter[str]] = {}
    for e in site.entries:
        counts.setdefault(e.year, Counter())[e.kind] += 1
    styles, periods = config.period_styles, site.periods
    f = _Frame(min(counts), max(counts),
               max(max(sum(c.values()) for c in counts.values()), MIN_ROWS),
               any(e.significance == "turning-point" for e in site.entries),
               len(_drawn(styles, periods, "strip")), len(_drawn(styles, periods, "lane")),
               lang)
    head = (f'<svg class="overview" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {f.width} {f.height}" width="{f.width}" height="{f.height}" '
            f'data-axis="{f.axis_y}" data-unit="{UNIT}" role="group" '
            f'aria-labelledby="overview-title" focusable="false">'
            f'<title id="overview-title">{escape(title)}</title>')
    return "".join([head, *_shades(f, styles, periods), *_empty_years(f, counts, config),
                    *_grid(f), *_bars(f, counts, _families(config, site), config.kinds),
                    *_turning_points(f, site.entries), *_strips(f, styles, periods),
                    *_lanes(f, styles, periods), "</svg>"])


def legend(site: Site, config: Config, lang: Language | None = None) -> dict[str, Any]:
    """What the chart's key lists: families (with their kinds and counts) in stacking order,
    the numbered strip periods with their full names, the shaded and lane kinds, and whether
    there are turning points and years without entries."""
    lang = lang or Language("en")
    counts = Counter(e.kind for e in site.entries)
    years = {e.year for e in site.entries}
    fams = [{"id": fam.id, "label": fam.label, "class": fam.cls,
             "kinds": [k for k in fam.kinds if counts[k]],
             "count": sum(counts[k] for k in fam.kinds)}
            for fam in _families(config, site)]
    styles, periods = config.period_styles, site.periods
    strips: list[dict[str, Any]] = []
    for s in _drawn(styles, periods, "strip"):
        strips += [{"n": len(strips) + 1, "kind": in_language(s, "label", lang.code),
                    "label": in_language(p, "label", lang.code),
                    "start": lang.date(p.start), "end": _human(p.end, lang) if p.end else None,
                    "colour": s.colour}
                   for p in periods if p.kind == s.id]
    layers = [{"kind": in_language(s, "label", lang.code), "layer": s.layer, "colour": s.colour,
               "periods": [period_text(p, lang) for p in periods if p.kind == s.id]}
              for s in styles if s.layer in ("lane", "shade")
              and any(p.kind == s.id for p in periods)]
    return {
        "families": [x for x in fams if x["count"]],
        "strips": strips,
        "layers": layers,
        "turning_points": sum(e.significance == "turning-point" for e in site.entries),
        "empty_years": [y for y in range(min(years), max(years) + 1) if y not in years]
        if years else [],
    }
