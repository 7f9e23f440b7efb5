"""Pure page functions: model (and site settings) in, (path, bytes) out. No I/O here."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup

from sitegen.config import Config
from sitegen.content.model import Entry, Page, Participant, Site, Topic
from sitegen.errors import ContentError
from sitegen.render.chart import legend as chart_legend
from sitegen.render.chart import overview_svg
from sitegen.render.context import (
    Projector,
    entry_url,
    page_url,
    participant_url,
    topic_url,
    year_url,
)
from sitegen.render.markup import MarkdownRenderer, MarkupError
from sitegen.render.templates import Templates

Rendered = tuple[str, bytes]
CARD_TEMPLATE = "partials/card.html"
ROW_TEMPLATE = "partials/row.html"
# A year, topic or participant page listing more entries than this shows them as compact
# rows (date, title, kind; ~0.2 KB) instead of cards (~1.5 KB): at 30,000 entries each entry
# is listed on about seven such pages, and cards there made a third of the site's bytes.
LIST_MAX_CARDS = 100


@dataclass
class Renderer:
    """What every page function reads: the model, the settings, templates and Markdown."""

    site: Site
    config: Config
    templates: Templates
    markdown: MarkdownRenderer
    projector: Projector
    bodies: dict[str, str | bytes] = field(default_factory=dict)  # body → HTML (body_html)
    cards: dict[tuple[str, str], tuple[Any, Markup]] = field(default_factory=dict)  # card_html

    @cached_property
    def years(self) -> list[int]:
        return self.site.years()

    @cached_property
    def listed(self) -> dict[tuple[str, Any], list[Entry]]:
        """Entries by ("participant", id), ("topic", id) and ("year", n), in site order.

        One pass over the entries instead of one per facet page (quadratic at 10,000).
        """
        index: dict[tuple[str, Any], list[Entry]] = {}
        for e in self.site.entries:
            keys: set[tuple[str, Any]] = {("participant", x.id) for x in e.participants}
            keys |= {("participant", a.party) for a in e.accounts}
            keys |= {("participant", c) for c in e.concerns}
            if e.forum:
                keys.add(("participant", e.forum))
            keys |= {("topic", t) for t in e.topics}
            keys.add(("year", e.year))
            for key in keys:
                index.setdefault(key, []).append(e)
        return index

    @classmethod
    def create(cls, site: Site, config: Config) -> Renderer:
        ids = {e.id for e in site.entries}
        md = MarkdownRenderer(
            lambda i: config.url(entry_url(i)) if i in ids else None, config.markup_options)
        return cls(site, config, Templates(config), md, Projector(site, config))

    @cached_property
    def site_context(self) -> dict[str, Any]:
        """The ``site`` every page gets (one dict per build: templates must not modify it)."""
        c = self.config
        return {
            "title": c.title, "description": c.description, "language": c.language,
            "author": c.author, "publisher": c.publisher, "base_path": c.base_path,
            "base_url": c.base_url,
            "years": self.years,
            "pages": [{"id": p.id, "title": p.title, "url": c.url(page_url(p.id))}
                      for p in self.site.pages],
        }

    def common(self, title: str, description: str, path: str, kind: str) -> dict[str, Any]:
        """Context shared by every page."""
        c = self.config
        return {
            "site": self.site_context,
            "page": {"title": title, "description": description or c.description,
                     "path": path, "url": c.url(path), "kind": kind,
                     "canonical": c.absolute_url(path)},
            "card_html": self.card_html,
            "row_html": self.row_html,
        }

    def card_html(self, card: dict[str, Any], template: str = CARD_TEMPLATE) -> Markup:
        """``partials/card.html`` for one projected card, rendered once per entry and build.

        The same card appears on the home, year, topic and participant pages (about seven
        times per entry), so its HTML is kept; its context is ``e`` and ``site`` only.
        """
        key = (template, card["id"])
        got = self.cards.get(key)
        if got is None or got[0] is not card:
            html = self.templates.render(template, {"e": card, "site": self.site_context})
            got = self.cards[key] = (card, Markup(html))
        return got[1]

    def row_html(self, card: dict[str, Any]) -> Markup:
        """``partials/row.html``: the compact row of a long listing, kept as cards are."""
        return self.card_html(card, ROW_TEMPLATE)

    def html(self, template: str, out_path: str, title: str, description: str, kind: str,
             **context: Any) -> Rendered:
        url_path = out_path.removesuffix("index.html")
        ctx = self.common(title, description, url_path, kind)
        ctx.update(context)
        return out_path, self.templates.render(template, ctx).encode("utf-8")


HOME_MAX_CARDS = 400  # keeps the home page well under 1 MB at 10,000 entries


def home_groups(r: Renderer) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The home page's year groups, bounded: past HOME_MAX_CARDS entries each year shows
    its first ``per_year`` cards and links its year page for the rest.

    Every group gets ``shown`` and ``more`` (cards left out, 0 when none) next to ``count``
    and ``url``; the second value is the ``paginate`` context: ``per_year`` (None when the
    home page lists everything), ``max_cards`` and ``truncated``.
    """
    groups = r.projector.year_groups(r.site.entries)
    per_year = (max(3, HOME_MAX_CARDS // len(groups))
                if len(r.site.entries) > HOME_MAX_CARDS else None)
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
    return groups, {"per_year": per_year, "max_cards": HOME_MAX_CARDS, "truncated": truncated}


def render_home(r: Renderer) -> Rendered:
    p = r.projector
    groups, paginate = home_groups(r)
    return r.html("index.html", "index.html", r.config.title, r.config.description, "home",
                  groups=groups, paginate=paginate, compact=False,
                  periods=[p.period(x) for x in r.site.periods],
                  total=len(r.site.entries),
                  participants=[p.participant_ref(x) for x in r.site.participants],
                  topics=[p.topic_ref(t) for t in r.site.topics],
                  kinds=list(r.config.kinds), outcome_types=list(r.config.outcome_types),
                  chart=overview_svg(r.site, r.config.kinds),
                  legend=chart_legend(r.site, r.config.kinds))


def kept_html(html: str) -> bytes:
    """A converted body as a build keeps it for later (its results, the Markdown cache):
    compressed UTF-8, ~1.7 KB for a body of 500 words, where the str takes ~10 KB (curly
    quotes make it two bytes a character). At 50,000 entries that is 400 MB less."""
    return zlib.compress(html.encode("utf-8"))


def shown_html(kept: str | bytes) -> str:
    """The HTML of a body kept by kept_html (or already a str)."""
    return kept if isinstance(kept, str) else zlib.decompress(kept).decode("utf-8")


def body_html(r: Renderer, text: str, path: str, line: int) -> str:
    """A body as HTML; Markdown that cannot convert becomes a located content error.

    ``r.bodies`` holds HTML converted beforehand, as a str or as kept_html made it."""
    if text in r.bodies:
        return shown_html(r.bodies[text])
    html = unfinished_body_html(r, text, path, line)
    try:
        return r.markdown.finish(html)
    except MarkupError as exc:  # over the CPU budget
        raise ContentError(problems=[exc.problem(path, line)]) from None


def unfinished_body_html(r: Renderer, text: str, path: str, line: int) -> str:
    """``body_html`` before sanitising (MarkdownRenderer.finish), never from r.bodies."""
    try:
        return r.markdown.convert(text)
    except MarkupError as exc:
        raise ContentError(problems=[exc.problem(path, line)]) from None


def render_entry(r: Renderer, entry: Entry) -> Rendered:
    ctx = r.projector.entry(entry, body_html(r, entry.body_md, entry.path, entry.body_line))
    return r.html("entry.html", entry_url(entry.id) + "index.html", entry.title, entry.summary,
                  "entry", entry=ctx)


def render_participant(r: Renderer, participant: Participant) -> Rendered:
    p = r.projector
    listed = r.listed.get(("participant", participant.id), [])
    pid = participant.id
    # present, a party to an account, or the forum; "concerned" alone is listed apart
    concerned = [e for e in listed if pid in e.concerns]
    entries = [e for e in listed if pid not in e.concerns]
    return r.html("participant.html", participant_url(pid) + "index.html",
                  participant.name, participant.description, "participant",
                  participant=p.participant(participant), groups=p.year_groups(entries),
                  total=len(entries), compact=len(entries) > LIST_MAX_CARDS,
                  met=p.met_most_often(pid, entries),
                  concerned=[p.card(e) for e in concerned])


def render_topic(r: Renderer, topic: Topic) -> Rendered:
    p = r.projector
    entries = r.listed.get(("topic", topic.id), [])
    return r.html("topic.html", topic_url(topic.id) + "index.html", topic.label,
                  topic.description, "topic", topic=p.topic_ref(topic.id) | {
                      "description": topic.description}, groups=p.year_groups(entries),
                  total=len(entries), compact=len(entries) > LIST_MAX_CARDS)


def render_year(r: Renderer, year: int) -> Rendered:
    p = r.projector
    entries = r.listed.get(("year", year), [])
    years = r.years
    i = years.index(year)
    return r.html("year.html", year_url(year) + "index.html", str(year),
                  f"Events of {year} in {r.config.title}.", "year", year=year,
                  groups=p.year_groups(entries), total=len(entries),
                  compact=len(entries) > LIST_MAX_CARDS, periods=p.periods_active(year),
                  previous_year=years[i - 1] if i > 0 else None,
                  next_year=years[i + 1] if i + 1 < len(years) else None)


def render_page(r: Renderer, page: Page) -> Rendered:
    content: dict[str, Any] = {
        "id": page.id, "title": page.title,
        "body_html": body_html(r, page.body_md, page.path, page.body_line),
        "sourcing": r.projector.sourcing() if "sourcing" in page.show else None,
        "coverage": r.projector.coverage() if "coverage" in page.show else None,
    }
    return r.html("page.html", page_url(page.id) + "index.html", page.title, page.description,
                  "page", content=content)


def render_404(r: Renderer) -> Rendered:
    return r.html("404.html", "404.html", "Page not found", "", "404")


def render_search(r: Renderer) -> Rendered:
    """The search page; it also lists the browse pages for readers without JavaScript."""
    p = r.projector
    return r.html("search.html", "search/index.html", "Search",
                  f"Search {r.config.title}.", "search",
                  participants=[p.participant_ref(x) for x in r.site.participants],
                  topics=[p.topic_ref(t) for t in r.site.topics],
                  kinds=list(r.config.kinds))


def has_search_page(r: Renderer) -> bool:
    """Whether the templates provide a search page (templates/search.html)."""
    return (r.config.templates_dir / "search.html").is_file()


def all_html_pages(r: Renderer) -> list[tuple[str, Any]]:
    """Every HTML page of the site as (kind, item), in a stable order."""
    jobs: list[tuple[str, Any]] = [("home", None), ("404", None)]
    if has_search_page(r):
        jobs.append(("search", None))
    jobs += [("entry", e) for e in r.site.entries]
    jobs += [("participant", p) for p in r.site.participants.values()]
    jobs += [("topic", t) for t in r.site.topics.values()]
    jobs += [("year", y) for y in r.years]
    jobs += [("page", pg) for pg in r.site.pages]
    return jobs


def render_job(r: Renderer, kind: str, item: Any) -> Rendered:
    """Render one job from all_html_pages."""
    if kind == "home":
        return render_home(r)
    if kind == "404":
        return render_404(r)
    if kind == "search":
        return render_search(r)
    fn = {"entry": render_entry, "participant": render_participant, "topic": render_topic,
          "year": render_year, "page": render_page}[kind]
    return fn(r, item)  # type: ignore[operator]
