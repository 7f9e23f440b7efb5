"""Machine-readable outputs: Atom feed, timeline.json, sitemap.xml and robots.txt."""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from sitegen import __version__
from sitegen.accel import indented_json
from sitegen.config import Config
from sitegen.content.dates import PartialDate
from sitegen.content.model import Entry, Site
from sitegen.render.context import entry_url, page_url, participant_url, topic_url, year_url

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50
JSON_VERSION = 1


def build_time(site: Site) -> dt.datetime:
    """The site's timestamp: SOURCE_DATE_EPOCH if set, else the newest date in the content."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    days = [d.last_day() for e in site.entries for d in (e.updated, e.date) if d is not None]
    newest = max(days) if days else dt.date(1970, 1, 1)
    return dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC)


def _stamp(d: PartialDate | None, fallback: dt.datetime) -> str:
    if d is None:
        return fallback.strftime("%Y-%m-%dT%H:%M:%SZ")
    return d.first_day().strftime("%Y-%m-%dT00:00:00Z")


def atom_feed(site: Site, config: Config) -> bytes:
    """An Atom 1.0 feed of the most recently dated or reviewed entries."""
    ET.register_namespace("", ATOM_NS)
    now = build_time(site)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": config.language})
    sub(feed, "id", config.absolute_url(""))
    sub(feed, "title", config.title)
    if config.description:
        sub(feed, "subtitle", config.description)
    sub(feed, "updated", now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    sub(feed, "link", rel="self", href=config.absolute_url("feed.xml"),
        type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=config.absolute_url(""), type="text/html")
    if config.license is not None:
        sub(feed, "rights", config.license.sentence())
    author = sub(feed, "author")
    sub(author, "name", config.author or config.publisher or config.title)
    sub(feed, "generator", "sitegen", version=__version__)

    def recency(e: Entry) -> tuple[tuple[int, int, int], tuple[int, int, int], str]:
        return ((e.updated or e.date).sort_key, e.date.sort_key, e.id)

    for e in sorted(site.entries, key=recency, reverse=True)[:FEED_SIZE]:
        item = sub(feed, "entry")
        sub(item, "id", config.absolute_url(entry_url(e.id)))
        sub(item, "title", e.title)
        sub(item, "link", rel="alternate", href=config.absolute_url(entry_url(e.id)),
            type="text/html")
        sub(item, "published", _stamp(e.date, now))
        sub(item, "updated", _stamp(e.updated or e.date, now))
        sub(item, "summary", f"{e.date.human()}: {e.summary}")
        for t in e.topics:
            sub(item, "category", term=t, label=site.topics[t].label)
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8",
                                                                     xml_declaration=False) + b"\n"


def _d(d: PartialDate | None) -> str | None:
    return d.iso() if d else None


def entry_record(e: Entry, config: Config) -> dict[str, Any]:
    """An entry as open data (also what the JSON Schema describes)."""
    return {
        "id": e.id, "url": config.absolute_url(entry_url(e.id)), "title": e.title,
        "summary": e.summary, "date": e.date.iso(), "date_precision": e.date.precision,
        "end": _d(e.end), "circa": e.circa, "order": e.order, "kind": e.kind,
        "significance": e.significance, "level": e.level,
        "location": e.location,
        "participants": [{"id": p.id, "role": p.role} for p in e.participants],
        "concerns": list(e.concerns), "forum": e.forum,
        "outcomes": [{"type": o.type, "text": o.text} for o in e.outcomes],
        "accounts": [{"party": a.party, "text": a.text, "source": a.source,
                      "none_found": a.none_found} for a in e.accounts],
        "topics": list(e.topics), "related": list(e.related),
        "sources": [{"title": s.title, "publisher": s.publisher, "url": s.url,
                     "date": _d(s.date), "kind": s.kind, "doc_id": s.doc_id,
                     "copy_of": s.copy_of, "archived": s.archived, "accessed": _d(s.accessed)}
                    for s in e.sources],
        "primary_not_found": e.primary_not_found,
        "draft": e.draft, "updated": _d(e.updated),
        "corrections": [{"date": c.date.iso(), "text": c.text} for c in e.corrections],
        "extra": e.extra, "body_markdown": e.body_md,
    }


Fragments = dict[str, tuple[Entry, Config, bytes]]  # entry id → the entry and its record


def timeline_json(site: Site, config: Config, memo: Fragments | None = None) -> bytes:
    """All the data of the site in one documented JSON file (``memo``: entry_fragments)."""
    return b"".join(timeline_json_parts(site, config, memo))


def timeline_json_parts(site: Site, config: Config, memo: Fragments | None = None
                        ) -> Iterator[bytes]:
    """timeline.json in pieces, to be written as they come: at 10,000 entries the file is
    ~60 MB, which a build need not hold (nor its pieces) all at once."""
    data: dict[str, Any] = {
        "version": JSON_VERSION,
        "generator": f"sitegen {__version__}",
        "site": {"title": config.title, "description": config.description,
                 "url": config.absolute_url(""), "language": config.language,
                 "publisher": config.publisher},
        "entries": [f"\x00{i}\x00" for i in range(len(site.entries))],  # see below
        "participants": [
            {"id": p.id, "name": p.name, "kind": p.kind, "aliases": list(p.aliases),
             "description": p.description,
             "url": config.absolute_url(participant_url(p.id)),
             "roles": [{"role": r.role, "organisation": r.organisation, "from": _d(r.start),
                        "to": _d(r.end)} for r in p.roles]}
            for p in site.participants.values()],
        "topics": [{"id": t.id, "label": t.label, "description": t.description,
                    "url": config.absolute_url(topic_url(t.id))} for t in site.topics.values()],
        "periods": [{"id": p.id, "label": p.label, "kind": p.kind, "start": p.start.iso(),
                     "end": _d(p.end), "description": p.description,
                     "sources": list(p.sources)} for p in site.periods],
    }
    if config.license is not None:
        data["license"] = config.license.record()
    text = indented_json(data)
    # Each entry is encoded on its own (and kept while the Entry object is unchanged: serve
    # rebuilds) and put in its placeholder's place, two levels deep: the same bytes as
    # encoding everything at once. Content never holds NUL, so the placeholders are unique,
    # and they come in order: the text between them alternates with the records.
    between = _PLACEHOLDER.split(text)[::2]
    yield between[0].encode()
    for record, after in zip(iter_entry_fragments(site, config, memo), between[1:],
                             strict=True):
        yield record
        yield after.encode()
    yield b"\n"


_PLACEHOLDER = re.compile(r'"\\u0000(\d+)\\u0000"')


def entry_fragments(site: Site, config: Config, memo: Fragments | None = None) -> list[bytes]:
    """Each entry's JSON record, indented for its place in timeline.json."""
    return list(iter_entry_fragments(site, config, memo))


def iter_entry_fragments(site: Site, config: Config, memo: Fragments | None = None
                         ) -> Iterator[bytes]:
    """Each entry's JSON record, indented for its place in timeline.json, one at a time.

    ``memo`` (kept by a caller that builds again, like serve) holds the records of the last
    call; an Entry object that is still the same is not encoded again. It is brought up to
    date once every record has been taken.
    """
    kept = {}
    for e in site.entries:
        hit = memo.get(e.id) if memo is not None else None
        if hit is None or hit[0] is not e or hit[1] is not config:
            record = indented_json(entry_record(e, config))
            hit = (e, config, record.replace("\n", "\n  ").encode())
        if memo is not None:
            kept[e.id] = hit
        yield hit[2]
    if memo is not None:
        memo.clear()
        memo.update(kept)


def sitemap(site: Site, config: Config) -> bytes:
    """sitemap.xml listing every HTML page."""
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}urlset")

    def add(path: str, lastmod: PartialDate | None = None) -> None:
        u = ET.SubElement(root, f"{{{ns}}}url")
        ET.SubElement(u, f"{{{ns}}}loc").text = config.absolute_url(path)
        if lastmod is not None and lastmod.precision == "day":
            ET.SubElement(u, f"{{{ns}}}lastmod").text = lastmod.iso()

    add("")
    for e in site.entries:
        add(entry_url(e.id), e.updated)
    for pid in site.participants:
        add(participant_url(pid))
    for tid in site.topics:
        add(topic_url(tid))
    for y in site.years():
        add(year_url(y))
    for p in site.pages:
        add(page_url(p.id))
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8",
                                                                     xml_declaration=False) + b"\n"


def robots_txt(config: Config) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('sitemap.xml')}\n".encode()
