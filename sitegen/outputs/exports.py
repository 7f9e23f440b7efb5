"""Open data for reuse: timeline.csv, timeline.ics, a TimelineJS3 file and the social image.

Each function is pure (model and settings in, bytes out) and deterministic: no clock, stable
order, stable columns. The iCalendar writer is small and local on purpose: RFC 5545 needs
escaping, CRLF line ends, folding at 75 octets and all-day dates, which is less code than a
runtime dependency (the tests check the output with the ``icalendar`` parser).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import struct
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from sitegen import __version__
from sitegen.accel import indented_json
from sitegen.config import Config
from sitegen.content.dates import PartialDate
from sitegen.content.model import Entry, Site
from sitegen.outputs.feeds import build_time
from sitegen.render.context import entry_url

# The CSV columns, in order. Append new columns at the end; never rename or reorder.
CSV_COLUMNS = (
    "id", "date", "date_precision", "end", "circa", "title", "summary", "kind", "level",
    "location", "participant_ids", "participants", "topic_ids", "topics", "outcomes",
    "source_urls", "primary_sources", "updated", "url", "significance",
)
LIST_SEP = "; "
SOCIAL_IMAGE = "og-image.png"
SOCIAL_SIZE = (1200, 630)


def _iso(d: PartialDate | None) -> str:
    return d.iso() if d else ""


def csv_row(e: Entry, site: Site, config: Config) -> dict[str, str]:
    """One entry as a flat CSV record (lists joined with '; ')."""
    return {
        "id": e.id, "date": e.date.iso(), "date_precision": e.date.precision,
        "end": _iso(e.end), "circa": "true" if e.circa else "false", "title": e.title,
        "summary": e.summary, "kind": e.kind, "level": e.level or "",
        "location": e.location or "",
        "participant_ids": LIST_SEP.join(p.id for p in e.participants),
        "participants": LIST_SEP.join(site.participants[p.id].name for p in e.participants),
        "topic_ids": LIST_SEP.join(e.topics),
        "topics": LIST_SEP.join(site.topics[t].label for t in e.topics),
        "outcomes": LIST_SEP.join(o.type for o in e.outcomes),
        "source_urls": LIST_SEP.join(s.url for s in e.sources),
        "primary_sources": str(sum(s.kind == "primary" for s in e.sources)),
        "updated": _iso(e.updated), "url": config.absolute_url(entry_url(e.id)),
        "significance": e.significance,
    }


# a spreadsheet reads a cell that starts with one of these as a formula (=HYPERLINK(…))
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def no_formula(cell: str) -> str:
    """A cell a spreadsheet shows as text: a leading ``'`` before a formula's first
    character (OWASP's advice for CSV injection); timeline.json keeps the text as written."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def timeline_csv(site: Site, config: Config) -> bytes:
    """One row per entry, RFC 4180 (CRLF, quoted where needed), UTF-8, formulas neutralised."""
    return b"".join(timeline_csv_pieces(site, config))


CHUNK = 500  # entries per piece of a streamed file (a site's data is never whole in memory)


def timeline_csv_pieces(site: Site, config: Config) -> Iterator[bytes]:
    """timeline.csv in pieces of CHUNK rows, to be written as they come."""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS)  # the excel dialect: RFC 4180 CRLF
    writer.writeheader()
    for i, e in enumerate(site.entries, 1):
        writer.writerow({k: no_formula(v) for k, v in csv_row(e, site, config).items()})
        if i % CHUNK == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


# --- iCalendar (RFC 5545) -------------------------------------------------------------------

def ics_escape(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    if line.isascii():  # one octet per character: the same cut points, without the loop
        if len(line) <= 75:
            return line
        return "\r\n ".join([line[:75], *(line[i:i + 74] for i in range(75, len(line), 74))])
    out: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with one space
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def _ics_date(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


def ics_event(e: Entry, site: Site, config: Config, stamp: str) -> list[str]:
    """The lines of one all-day VEVENT covering every day the entry's dates can mean."""
    start = e.date.first_day()
    last = (e.end or e.date).last_day()
    host = urlsplit(config.base_url).hostname or "sitegen.invalid"
    precision = "" if e.date.precision == "day" else f" (date known to the {e.date.precision})"
    description = f"{e.summary}\n\n{e.date.human()}{precision}.\n" + \
        config.absolute_url(entry_url(e.id))
    categories = [e.kind, *(site.topics[t].label for t in e.topics)]
    lines = [
        "BEGIN:VEVENT",
        f"UID:{e.id}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_ics_date(start)}",
        f"DTEND;VALUE=DATE:{_ics_date(last + dt.timedelta(days=1))}",
        "SUMMARY:" + ics_escape(("c. " if e.circa else "") + e.title),
        "DESCRIPTION:" + ics_escape(description),
        "CATEGORIES:" + ",".join(ics_escape(c) for c in categories),
        "URL;VALUE=URI:" + config.absolute_url(entry_url(e.id)),
        "TRANSP:TRANSPARENT",
    ]
    if e.location:
        lines.append("LOCATION:" + ics_escape(e.location))
    if e.updated:
        lines.append(f"LAST-MODIFIED:{_ics_date(e.updated.first_day())}T000000Z")
    lines.append("END:VEVENT")
    return lines


def timeline_ics(site: Site, config: Config) -> bytes:
    """An iCalendar file with one all-day event per entry; DTSTAMP comes from the content."""
    return b"".join(timeline_ics_pieces(site, config))


def timeline_ics_pieces(site: Site, config: Config) -> Iterator[bytes]:
    """timeline.ics in pieces of CHUNK events, to be written as they come."""
    stamp = build_time(site).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//sitegen//sitegen {__version__}//EN",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:" + ics_escape(config.title),
    ]
    for i, e in enumerate(site.entries, 1):
        lines += ics_event(e, site, config, stamp)
        if i % CHUNK == 0:
            yield "".join(ics_fold(line) + "\r\n" for line in lines).encode("utf-8")
            lines = []
    lines.append("END:VCALENDAR")
    yield "".join(ics_fold(line) + "\r\n" for line in lines).encode("utf-8")


# --- TimelineJS3 ----------------------------------------------------------------------------

def _tl_date(d: PartialDate, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"year": d.year}
    if d.month is not None:
        out["month"] = d.month
    if d.day is not None:
        out["day"] = d.day
    if display:
        out["display_date"] = display
    return out


# TimelineJS builds a slide for every event and its makers advise against more than about
# twenty; past a few hundred the widget is slow to open, so a larger site gives it its most
# recent events (and says so on the title slide): the data has them all.
TIMELINEJS_MAX_EVENTS = 500


def timelinejs_json(site: Site, config: Config) -> bytes:
    """The timeline in TimelineJS3's JSON format (title, events, eras); text is HTML.

    At most TIMELINEJS_MAX_EVENTS events: the most recent ones."""
    def event(e: Entry) -> dict[str, Any]:
        link = html.escape(config.absolute_url(entry_url(e.id)))
        ev: dict[str, Any] = {
            "unique_id": e.id,
            "start_date": _tl_date(e.date, ("c. " if e.circa else "") + e.date.human()),
            "text": {"headline": html.escape(e.title),
                     "text": f"<p>{html.escape(e.summary)}</p>"
                             f'<p><a href="{link}">Sources and accounts</a></p>'},
            "group": e.kind,
        }
        if e.end:
            ev["end_date"] = _tl_date(e.end)
        return ev

    fallback = build_time(site).date()
    eras = [{"start_date": _tl_date(p.start),
             "end_date": _tl_date(p.end) if p.end else {"year": fallback.year,
                                                         "month": fallback.month,
                                                         "day": fallback.day},
             "text": {"headline": html.escape(p.label)}} for p in site.periods]
    shown = site.entries[-TIMELINEJS_MAX_EVENTS:]
    intro = f"<p>{html.escape(config.description)}</p>"
    if len(shown) < len(site.entries):
        data_url = html.escape(config.absolute_url("timeline.json"))
        intro += (f"<p>The {len(shown):,} most recent of {len(site.entries):,} events; "
                  f'<a href="{data_url}">the data</a> holds them all.</p>')
    data = {
        "title": {"text": {"headline": html.escape(config.title), "text": intro}},
        "events": [event(e) for e in shown],
        "eras": eras,
    }
    return (indented_json(data) + "\n").encode()


# --- the default social image ---------------------------------------------------------------

def _png(width: int, height: int, rows: list[bytes]) -> bytes:
    """A truecolour PNG from raw RGB rows (stdlib zlib, fixed compression level)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def social_image(site: Site) -> bytes:
    """A 1200×630 Open Graph image: a timeline axis with one tick per year of content."""
    width, height = SOCIAL_SIZE
    bg, axis, mark = b"\x1d\x2b\x3a", b"\xe8\xe4\xd8", b"\xd9\x8c\x2b"
    years = site.years() or [2000]
    lo, hi = years[0], max(years[-1], years[0] + 1)
    margin = 100
    ticks = {margin + round((y - lo) * (width - 2 * margin) / (hi - lo)) for y in years}
    plain = bg * width
    axis_row = bg * margin + axis * (width - 2 * margin) + bg * margin
    tick_row = bytearray(plain)
    for x in ticks:
        tick_row[x * 3 - 9:x * 3 + 9] = mark * 6
    mid = height // 2
    rows = []
    for y in range(height):
        if mid - 3 <= y <= mid + 3:
            rows.append(axis_row)
        elif mid - 40 <= y <= mid + 40:
            rows.append(bytes(tick_row))
        else:
            rows.append(plain)
    return _png(width, height, rows)


def timeline_schema(config: Config) -> bytes | None:
    """The published JSON Schema of timeline.json (sitegen's schemas/), with the site's own
    participant and source kinds as the allowed values."""
    from sitegen.packaged import schemas

    path = schemas() / "timeline.schema.json"
    if not path.is_file():
        return None
    schema = json.loads(path.read_text(encoding="utf-8"))
    entry = schema["$defs"]["entry"]["properties"]
    entry["sources"]["items"]["properties"]["kind"]["enum"] = list(config.source_kinds)
    schema["$defs"]["participant"]["properties"]["kind"]["enum"] = list(
        config.participant_kinds)
    return (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode()
