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
from collections.abc import Sequence
from html import escape

from sitegen.dates import PartialDate
from sitegen.model import Period, Site

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


def overview_svg(site: Site, kinds: Sequence[str], title: str = "Events per year") -> str:
    """The SVG markup of the overview chart (empty string for a site without entries)."""
    if not site.entries:
        return ""
    counts: dict[int, Counter[str]] = {}
    for e in site.entries:
        counts.setdefault(e.year, Counter())[e.kind] += 1
    first, last = min(counts), max(counts)
    peak = max(max(sum(c.values()) for c in counts.values()), MIN_ROWS)
    plot_h = peak * UNIT
    axis_y = TOP + plot_h
    width = LEFT + (last - first + 1) * SLOT + RIGHT
    height = axis_y + AXIS_GAP + STRIP + 6
    order = [k for k in kinds if any(k in c for c in counts.values())]
    order += sorted({k for c in counts.values() for k in c} - set(order))

    def x_of(year: float) -> float:
        return LEFT + (year - first) * SLOT

    out = [f'<svg class="overview" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} '
           f'{height}" width="{width}" height="{height}" aria-labelledby="overview-title" '
           f'focusable="false">',
           f'<title id="overview-title">{escape(title)}</title>']
    for p in site.periods:
        lo, hi = (max(v, first) for v in _span(p, last))
        hi = min(hi, last + 1)
        if hi <= lo:
            continue
        label = escape(f"{p.label} ({p.start.human()} – {_human(p.end)})")
        if p.kind == "suspension":
            out.append(f'<rect class="band" x="{x_of(lo):.1f}" y="{TOP - 4}" '
                       f'width="{(hi - lo) * SLOT:.1f}" height="{plot_h + 4}">'
                       f'<title>{label}</title></rect>')
        else:
            alt = sum(1 for q in site.periods if q.kind == p.kind and q.start < p.start) % 2
            w = (hi - lo) * SLOT
            out.append(f'<rect class="era era{alt}" x="{x_of(lo):.1f}" '
                       f'y="{axis_y + AXIS_GAP}" width="{w:.1f}" '
                       f'height="{STRIP}"><title>{label}</title></rect>')
            short = _fit(p.label, int((w - 6) / CHAR_W))
            if short:
                out.append(f'<text class="era-label" x="{x_of(lo) + 3:.1f}" '
                           f'y="{axis_y + AXIS_GAP + STRIP - 4}" aria-hidden="true">'
                           f'{escape(short)}</text>')
    for step in range(1, peak + 1):
        if step % 2 == 0 or peak <= 4:
            y = axis_y - step * UNIT
            out.append(f'<line class="grid" x1="{LEFT}" x2="{width - RIGHT}" y1="{y}" '
                       f'y2="{y}"/><text class="tick" x="{LEFT - 6}" y="{y + 4}" '
                       f'text-anchor="end">{step}</text>')
    out.append(f'<line class="axis" x1="{LEFT}" x2="{width - RIGHT}" y1="{axis_y}" '
               f'y2="{axis_y}"/>')
    for year in range(first, last + 1):
        x = x_of(year)
        if year == first or year == last or year % 5 == 0:
            out.append(f'<text class="year" x="{x + SLOT / 2:.0f}" y="{axis_y + 13}" '
                       f'text-anchor="middle">{year}</text>')
        if year not in counts:
            continue
        c = counts[year]
        total = sum(c.values())
        detail = ", ".join(f"{c[k]} {k}" for k in order if c[k])
        noun = "event" if total == 1 else "events"
        out.append(f'<a class="bar" href="#y{year}" aria-label="{year}: {total} {noun}">'
                   f'<title>{year}: {total} {noun} ({escape(detail)})</title>'
                   f'<rect class="hit" x="{x}" y="{TOP}" width="{SLOT}" height="{plot_h}"/>')
        y = axis_y
        for k in order:
            if c[k]:
                y -= c[k] * UNIT
                out.append(f'<rect class="{kind_class(k, kinds)}" x="{x + (SLOT - BAR) / 2}" '
                           f'y="{y}" width="{BAR}" height="{c[k] * UNIT - 1}"/>')
        out.append("</a>")
    out.append("</svg>")
    return "".join(out)


def legend(site: Site, kinds: Sequence[str]) -> list[dict[str, object]]:
    """The kinds the chart shows, in its stacking order, with their colour class and count."""
    counts = Counter(e.kind for e in site.entries)
    ordered = [k for k in kinds if counts[k]] + sorted(set(counts) - set(kinds))
    return [{"kind": k, "class": kind_class(k, kinds), "count": counts[k]} for k in ordered]
