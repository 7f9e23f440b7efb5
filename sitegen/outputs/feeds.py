"""Machine-readable outputs: Atom feed, timeline.json and its parts, sitemap.xml, robots.txt."""

from __future__ import annotations

import datetime as dt
import html
import json
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
CHANGES_FEED = "changes.xml"
JSON_VERSION = 2


def _xml_text(text: str) -> str:
    """``&``, ``<`` and ``>`` escaped (xml.sax.saxutils.escape, without the ~10 ms its
    import of urllib.request adds to every build's start)."""
    return html.escape(text, quote=False)


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


def atom_feed(site: Site, config: Config, edition: Any = None) -> bytes:
    """An Atom 1.0 feed of the most recently dated or reviewed entries; ``edition``: the
    Projector of another edition than the default one (render/editions.py), whose titles,
    summaries, dates and topic labels are in its language where translated."""
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
        if edition is None:
            sub(item, "title", e.title)
        else:
            tx = edition.text_of(e)
            title, title_lang = tx.title
            summary, summary_lang = tx.summary
            sub(item, "title", title, **({"xml:lang": title_lang} if title_lang else {}))
        sub(item, "link", rel="alternate", href=config.absolute_url(entry_url(e.id)),
            type="text/html")
        sub(item, "published", _stamp(e.date, now))
        sub(item, "updated", _stamp(e.updated or e.date, now))
        if edition is None:
            sub(item, "summary", f"{e.date.human()}: {e.summary}")
        else:
            sub(item, "summary", f"{edition.lang.date(e.date)}: {summary}",
                **({"xml:lang": summary_lang} if summary_lang else {}))
        for t in e.topics:
            sub(item, "category", term=t, label=site.topics[t].label if edition is None
                else edition.said(site.topics[t], "label"))
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8",
                                                                     xml_declaration=False) + b"\n"


def changes_feed(changes: list[dict[str, Any]], version: dict[str, Any] | None,
                 config: Config) -> bytes:
    """An Atom 1.0 feed of the recent changes: one item per commit that touched the
    content, newest first, dated by the commit (never the clock)."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    page = config.absolute_url("changes/")
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": config.language})
    sub(feed, "id", config.absolute_url(CHANGES_FEED))
    sub(feed, "title", f"Recent changes · {config.title}")
    newest = changes[0]["when"] if changes else (version or {}).get("date")
    sub(feed, "updated", newest or "1970-01-01T00:00:00Z")
    sub(feed, "link", rel="self", href=config.absolute_url(CHANGES_FEED),
        type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=page, type="text/html")
    sub(sub(feed, "author"), "name", config.author or config.publisher or config.title)
    sub(feed, "generator", "sitegen", version=__version__)
    for change in changes:
        item = sub(feed, "entry")
        sub(item, "id", f"{page}#commit-{change['commit']}")
        sub(item, "title", change["subject"])
        sub(item, "link", rel="alternate", href=change["url"] or f"{page}#commit-{change['short']}",
            type="text/html")
        sub(item, "updated", change["when"])
        touched = [e["title"] for e in change["entries"]] + change["others"]
        sub(item, "summary", f"Commit {change['short']}, {change['date']['human']}: "
            + ("; ".join(touched) if touched else "no file listed"))
        for e in change["entries"]:
            sub(item, "link", rel="related", href=config.absolute_url(
                e["url"].removeprefix(config.base_path)), title=e["title"], type="text/html")
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8",
                                                                     xml_declaration=False) + b"\n"


def _d(d: PartialDate | None) -> str | None:
    return d.iso() if d else None


# timeline.json is an index (schema version 2): the site, the registries, one short line per
# entry and the list of parts; the entries' records are in one part per year.
PARTS_DIR = "data/timeline"


def part_path(year: int) -> str:
    """Where the part of one year's entries is published (relative to the site)."""
    return f"{PARTS_DIR}/{year}.json"


def entry_record(e: Entry, config: Config) -> dict[str, Any]:
    """An entry as open data (also what the JSON Schema describes). The body is not in the
    data: it is on the entry's page (``url``), and the Markdown is in the site's sources."""
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
        "extra": e.extra,
    }


def _line(value: Any) -> str:
    """One record on one line: compact, sorted keys, UTF-8 text as written."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_DEFAULTS: tuple[Any, ...] = (None, False, 0, "", [], {})  # a missing field is its default


def without_defaults(record: dict[str, Any]) -> dict[str, Any]:
    """An entry's record without the fields that hold their default (null, false, 0, or an
    empty text, list or map), in its nested records too: a quarter of a record's bytes
    (~0.35 KB of every entry). ``extra`` is the site's own data and stays as written."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            kept = {k: strip(v) for k, v in value.items()}
            return {k: v for k, v in kept.items()
                    if v is True or not any(v == d and type(v) is type(d) for d in _DEFAULTS)}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    extra = record.get("extra")
    out: dict[str, Any] = strip({k: v for k, v in record.items() if k != "extra"})
    if extra:
        out["extra"] = extra
    return out




def timeline_json(site: Site, config: Config, version: dict[str, Any] | None = None
                  ) -> bytes:
    """The index, timeline.json (``version``: the dataset's, content/history.py)."""
    return b"".join(timeline_json_parts(site, config, version))


def timeline_json_parts(site: Site, config: Config, version: dict[str, Any] | None = None
                        ) -> Iterator[bytes]:
    """The index, timeline.json, in pieces to be written as they come.

    The site, the registries, the parts (one per year with entries: its year, address and
    number of entries) and one line per entry (id, date, title and the year of its part),
    so that a reader finds an entry's part without fetching the others.
    """
    counts: dict[int, int] = {}
    for e in site.entries:
        counts[e.year] = counts.get(e.year, 0) + 1
    data: dict[str, Any] = {
        "version": JSON_VERSION,
        "generator": f"sitegen {__version__}",
        "dataset_version": None if version is None else {
            k: version[k] for k in ("commit", "short", "date")},
        "site": {"title": config.title, "description": config.description,
                 "url": config.absolute_url(""), "language": config.language,
                 "publisher": config.publisher},
        "parts": [{"year": y, "url": config.absolute_url(part_path(y)), "entries": n}
                  for y, n in sorted(counts.items())],
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
    # Each entry's line is encoded on its own, compact, and put in its placeholder's place.
    # Content never holds NUL, so the placeholders are unique, and they come in order: the
    # text between them alternates with the lines.
    between = _PLACEHOLDER.split(text)[::2]
    yield between[0].encode()
    for e, after in zip(site.entries, between[1:], strict=True):
        yield _line({"id": e.id, "date": e.date.iso(), "title": e.title,
                     "part": e.year}).encode()
        yield after.encode()
    yield b"\n"


_PLACEHOLDER = re.compile(r'"\\u0000(\d+)\\u0000"')


def record_line(e: Entry, config: Config) -> bytes:
    """An entry's record as its part holds it: one line, defaults left out."""
    return _line(without_defaults(entry_record(e, config))).encode()


def timeline_part(year: int, records: list[bytes], config: Config) -> bytes:
    """One year's part of the data: its entries' full records (record_line), one per line,
    in the site's order."""
    head = (f'{{"version":{JSON_VERSION},"generator":{_line(f"sitegen {__version__}")},'
            f'"year":{year},"index":{_line(config.absolute_url("timeline.json"))},'
            '"entries":[\n')
    return head.encode() + b",\n".join(records) + b"\n]}\n"


def timeline_parts(site: Site, config: Config) -> Iterator[tuple[str, bytes]]:
    """Each year's part of the data as (path, bytes)."""
    years: dict[int, list[bytes]] = {}
    for e in site.entries:
        years.setdefault(e.year, []).append(record_line(e, config))
    for year, records in years.items():
        yield part_path(year), timeline_part(year, records, config)


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
SITEMAP_MAX_URLS = 50_000  # the sitemaps protocol's limit per file (and 50 MB, far off here)
_XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'


def sitemap_urls(site: Site) -> Iterator[tuple[str, PartialDate | None]]:
    """Every HTML page's path, with the date it was last reviewed when it has one."""
    yield "", None
    for view in ("chronology/", "table/"):  # the timeline's compact and table views
        yield view, None
    for e in site.entries:
        yield entry_url(e.id), e.updated
    for pid in site.participants:
        yield participant_url(pid), None
    for tid in site.topics:
        yield topic_url(tid), None
    for y in site.years():
        yield year_url(y), None
    for p in site.pages:
        yield page_url(p.id), None


def _urlset(urls: list[tuple[str, PartialDate | None]], config: Config,
            alternates: dict[str, list[tuple[str, str]]] | None = None) -> bytes:
    """A <urlset>, written as text (an element tree of 50,000 pages takes ~30 MB) in the
    layout ElementTree's indent gives; ``alternates``: each page's versions in the other
    editions (``xhtml:link``), for a site of several languages."""
    ns = f' xmlns:xhtml="{XHTML_NS}"' if alternates else ""
    out = [_XML_HEAD, f'<urlset xmlns="{SITEMAP_NS}"{ns}>\n']
    for path, lastmod in urls:
        out.append(f"  <url>\n    <loc>{_xml_text(config.absolute_url(path))}</loc>\n")
        if lastmod is not None and lastmod.precision == "day":
            out.append(f"    <lastmod>{lastmod.iso()}</lastmod>\n")
        for code, there in (alternates or {}).get(path, ()):
            out.append(f'    <xhtml:link rel="alternate" hreflang="{code}" '
                       f'href="{_xml_text(config.absolute_url(there))}"/>\n')
        out.append("  </url>\n")
    out.append("</urlset>\n")
    return "".join(out).encode("utf-8")


def sitemaps(site: Site, config: Config) -> Iterator[tuple[str, bytes]]:
    """sitemap.xml, as (path, bytes): one file up to 50,000 pages; beyond, the protocol's
    limit, a sitemap index naming sitemap-1.xml, sitemap-2.xml, … of 50,000 pages each."""
    urls = list(sitemap_urls(site))
    alternates = None
    if len(config.editions) > 1:  # every edition's pages, each with its versions
        from sitegen.render.editions import sitemap_versions

        lastmod = dict(urls)
        found = sitemap_versions(site, config, [path for path, _ in urls])
        alternates = dict(found)
        urls = [(path, lastmod.get(links[-1][1])) for path, links in found]
    if len(urls) <= SITEMAP_MAX_URLS:
        yield "sitemap.xml", _urlset(urls, config, alternates)
        return
    index = [_XML_HEAD, f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for n, i in enumerate(range(0, len(urls), SITEMAP_MAX_URLS), 1):
        name = f"sitemap-{n}.xml"
        index.append(f"  <sitemap>\n    <loc>{_xml_text(config.absolute_url(name))}</loc>\n"
                     "  </sitemap>\n")
        yield name, _urlset(urls[i:i + SITEMAP_MAX_URLS], config, alternates)
    index.append("</sitemapindex>\n")
    yield "sitemap.xml", "".join(index).encode("utf-8")


def robots_txt(config: Config) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('sitemap.xml')}\n".encode()
