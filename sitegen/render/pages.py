"""The HTML pages: one pure function per page kind, and the kinds declared once (PAGES).

Each function gets the Reads (the site's parts, recorded as read) and the key of one page,
and returns the page's bytes. No I/O here.
"""

from __future__ import annotations

import html
from typing import Any

from markupsafe import Markup, escape

from sitegen.content.model import SIGNIFICANCE
from sitegen.engine.deps import Kind
from sitegen.render.context import (
    entry_url,
    page_url,
    participant_url,
    periods_active,
    topic_url,
    year_url,
)
from sitegen.render.reads import CHANGES_PATH, Reads

HOME_MAX_CARDS = 400  # keeps the home page well under 1 MB at 10,000 entries
# A year, topic or participant page listing more entries than this shows them as compact
# rows (date, title, kind; ~0.2 KB) instead of cards (~1.5 KB): at 30,000 entries each entry
# is listed on about seven such pages, and cards there made a third of the site's bytes.
LIST_MAX_CARDS = 100
# the compact chronology and the table list every entry up to these many lines or rows
# (~0.55 KB and ~0.8 KB each), then bound themselves per year as the home page does: past
# them the views stop growing, so they add nothing to the bytes each entry costs at scale
# (tests/integration/test_scale.py; 800 and 550 rows added ~1.3 KB per entry there)
CHRONOLOGY_MAX_ROWS = 300
TABLE_MAX_ROWS = 300


def home_groups(rd: Reads, limit: int | None = None, periods: bool = True
                ) -> tuple[list[dict[str, Any]], dict[str, Any], int]:
    """The home page's year groups, bounded: past ``limit`` entries each year shows
    its first ``per_year`` cards and links its year page for the rest.

    Every group gets ``shown`` and ``more`` (cards left out, 0 when none) next to ``count``
    and ``url``; the second value is the ``paginate`` context: ``per_year`` (None when the
    home page lists everything), ``max_cards`` and ``truncated``; the third is the total.
    ``periods``: interleave the period markers (the compact views leave them out).
    """
    limit = HOME_MAX_CARDS if limit is None else limit  # (read here: tests lower it)
    listing = rd.read("listing", ("home", None))
    groups = rd.projector.year_groups(listing, rd.read("periods") if periods else [])
    per_year = (max(3, limit // len(groups)) if len(listing) > limit else None)
    for g in groups:
        if per_year is not None and g["count"] > per_year:
            kept, n = [], 0
            for it in g["items"]:
                n += it["type"] == "entry"
                if it["type"] != "entry" or n <= per_year:
                    kept.append(it)
            g["items"] = kept
        g["shown"] = min(g["count"], per_year or g["count"])
        g["more"] = g["count"] - g["shown"]
    truncated = any(g["more"] for g in groups)
    paginate = {"per_year": per_year, "max_cards": limit, "truncated": truncated}
    return groups, paginate, len(listing)


def render_home(rd: Reads, _: None) -> bytes:
    c = rd.config
    groups, paginate, total = home_groups(rd)
    refs = rd.read("registries")
    chart, legend = rd.read("chart")
    return rd.html("index.html", "index.html", c.title, c.description, "home",
                   groups=groups, paginate=paginate, compact=False,
                   periods=[p for p, *_ in rd.read("periods")], total=total,
                   participants=refs["participants"], topics=refs["topics"],
                   kinds=list(c.kinds), outcome_types=list(c.outcome_types),
                   significance=list(SIGNIFICANCE), facets=rd.read("facets"),
                   chart=chart, legend=legend)


def render_view(rd: Reads, view: str) -> bytes:
    """The compact chronology or the table: every entry (bounded as the home page is) in
    one line or one row each, with the home page's filters."""
    c = rd.config
    limit = CHRONOLOGY_MAX_ROWS if view == "chronology" else TABLE_MAX_ROWS
    groups, paginate, total = home_groups(rd, limit, periods=False)
    title = "Chronology" if view == "chronology" else "Table of events"
    return rd.html(f"{view}.html", f"{view}/index.html", title,
                   f"{title}: {c.title}, every event in one " +
                   ("line" if view == "chronology" else "row") + ".", view,
                   groups=groups, paginate=paginate, total=total,
                   topics=rd.read("registries")["topics"], facets=rd.read("facets"),
                   text_label="Words in titles and outcomes")


def render_entry(rd: Reads, entry_id: str) -> bytes:
    ctx = dict(rd.read("entry", entry_id))
    previous, after = rd.read("neighbours", entry_id)
    ctx.update(body_html=rd.read("body", ("entry", entry_id)),
               related=[rd.read("card", r) for r in rd.read("related", entry_id)],
               previous=rd.read("card", previous) if previous else None,
               next=rd.read("card", after) if after else None,
               revisions=rd.read("revisions", entry_id),
               cite={"text": _code(rd.read("citation", entry_id))})
    return rd.html("entry.html", entry_url(entry_id) + "index.html", ctx["title"],
                   ctx["summary"], "entry", entry=ctx, jsonld=rd.read("jsonld", entry_id))


def _code(text: str) -> Markup:
    """Text for a <p>: only <, > and & escaped (quotes are common in citations and need no
    escaping outside attributes)."""
    return Markup(html.escape(text, quote=False))


def convert_bodies(rd: Reads, entry_ids: list[str]) -> None:
    """A batch of entry pages: their bodies converted first, together."""
    rd.convert([("entry", i) for i in entry_ids])


def render_participant(rd: Reads, pid: str) -> bytes:
    p = rd.projector
    header = rd.read("participant", pid)
    listing = rd.read("listing", ("participant", pid))
    # present, a party to an account, or the forum; "concerned" alone is listed apart
    present = [item for item in listing if not item[2]]
    return rd.html("participant.html", participant_url(pid) + "index.html",
                   header["name"], header["description"], "participant",
                   participant=header, groups=p.year_groups(present, rd.read("periods")),
                   total=len(present), compact=len(present) > LIST_MAX_CARDS,
                   met=p.met_most_often(pid, [c for c, *_ in present]),
                   concerned=[card for card, _, apart in listing if apart])


def render_topic(rd: Reads, tid: str) -> bytes:
    topic = rd.read("topic", tid)
    listing = rd.read("listing", ("topic", tid))
    return rd.html("topic.html", topic_url(tid) + "index.html", topic["label"],
                   topic["description"], "topic", topic=topic,
                   groups=rd.projector.year_groups(listing, rd.read("periods")),
                   total=len(listing), compact=len(listing) > LIST_MAX_CARDS)


def render_year(rd: Reads, year: int) -> bytes:
    listing = rd.read("listing", ("year", year))
    periods = rd.read("periods")
    years = rd.read("site")["years"]
    i = years.index(year)
    return rd.html("year.html", year_url(year) + "index.html", str(year),
                   rd.lang.gettext("Events of %(year)s in %(title)s.", year=year,
                                   title=rd.config.title), "year", year=year,
                   groups=rd.projector.year_groups(listing, periods), total=len(listing),
                   compact=len(listing) > LIST_MAX_CARDS,
                   periods=periods_active(periods, year, rd.config, rd.lang.code),
                   previous_year=years[i - 1] if i > 0 else None,
                   next_year=years[i + 1] if i + 1 < len(years) else None)


def render_page(rd: Reads, page_id: str) -> bytes:
    page = rd.read("page", page_id)
    content = {"id": page["id"], "title": page["title"],
               "body_html": rd.read("body", ("page", page_id)),
               "significance": page["significance"], "sourcing": page["sourcing"],
               "coverage": page["coverage"]}
    # the page that lists the data files (the about page) describes them as a Dataset
    ld = rd.read("dataset", page_url(page_id)) if page_id == "about" else None
    return rd.html("page.html", page_url(page_id) + "index.html", page["title"],
                   page["description"], "page", content=content, jsonld=ld)


def render_404(rd: Reads, _: None) -> bytes:
    return rd.html("404.html", "404.html", rd.lang.gettext("Page not found"), "", "404")


def render_search(rd: Reads, _: None) -> bytes:
    """The search page; it also lists the browse pages for readers without JavaScript."""
    refs = rd.read("registries")
    lang = rd.lang
    return rd.html("search.html", "search/index.html", lang.gettext("Search"),
                   lang.gettext("Search %(title)s.", title=rd.config.title), "search",
                   participants=refs["participants"], topics=refs["topics"],
                   kinds=list(rd.config.kinds))


def render_redirect(rd: Reads, path: str) -> bytes:
    """The page at an old address (an alias): it sends readers, and search engines, to
    the new one, and says where that is for readers whose browser does not follow."""
    target = rd.read("redirect", path)
    to = {k: escape(v) for k, v in target.items()}
    title = escape(rd.lang.gettext("Moved: %(title)s", title=target["title"]))
    moved = escape(rd.lang.gettext("This page has moved to:"))
    return (f'<!DOCTYPE html>\n<html lang="{to["language"]}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{to["csp"]}">\n'
            f'<meta name="robots" content="noindex">\n'
            f'<meta http-equiv="refresh" content="0; url={to["url"]}">\n'
            f'<link rel="canonical" href="{to["canonical"]}">\n'
            f'<title>{title}</title>\n</head>\n<body>\n'
            f'<p>{moved} <a href="{to["url"]}">{to["title"]}</a></p>\n</body>\n</html>\n').encode()


def render_changes(rd: Reads, _: None) -> bytes:
    """The recent changes: the last commits that touched the content (content/history.py)."""
    c = rd.config
    return rd.html("changes.html", CHANGES_PATH + "index.html", rd.lang.gettext("Recent changes"),
                   rd.lang.gettext("The latest revisions of %(title)s, from its repository's "
                                   "history.", title=c.title),
                   "changes", changes=rd.read("changes"))


def has_search_page(rd: Reads) -> bool:
    """Whether the templates provide a search page (templates/search.html)."""
    return any((d / "search.html").is_file() for d in rd.config.theme_dirs())


def _one(path: str) -> Any:
    return lambda _: path


PAGES = (
    Kind("home", lambda rd: [None], _one("index.html"), render_home, shared=True),
    Kind("chronology", lambda rd: ["chronology"], _one("chronology/index.html"), render_view,
         shared=True),
    Kind("table", lambda rd: ["table"], _one("table/index.html"), render_view, shared=True),
    Kind("404", lambda rd: [None], _one("404.html"), render_404),
    Kind("search", lambda rd: [None] if has_search_page(rd) else [], _one("search/index.html"),
         render_search),
    Kind("entry", lambda rd: [e.id for e in rd.site.entries],
         lambda i: entry_url(i) + "index.html", render_entry, prepare=convert_bodies),
    Kind("participant", lambda rd: list(rd.site.participants),
         lambda i: participant_url(i) + "index.html", render_participant, shared=True),
    Kind("topic", lambda rd: list(rd.site.topics), lambda i: topic_url(i) + "index.html",
         render_topic, shared=True),
    Kind("year", lambda rd: rd.years, lambda y: year_url(y) + "index.html", render_year,
         shared=True),
    Kind("changes", lambda rd: [None] if rd.history.available else [],
         _one(CHANGES_PATH + "index.html"), render_changes, shared=True),
    Kind("page", lambda rd: [p.id for p in rd.site.pages],
         lambda i: page_url(i) + "index.html", render_page),
    Kind("redirect", lambda rd: sorted(rd.redirects), lambda path: path + "index.html",
         render_redirect),
)
