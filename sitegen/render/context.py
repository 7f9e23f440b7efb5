"""Template context: an explicit, JSON-friendly projection of the model (never raw front matter)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sitegen.config import Config
from sitegen.content.dates import PartialDate
from sitegen.content.model import SIGNIFICANCE, Entry, Participant, Period, Site
from sitegen.content.sourcing import host_of
from sitegen.content.translations import Translation, by_language, original_language
from sitegen.i18n.language import Language, in_language
from sitegen.render.chart import kind_class

OUTCOME_CHARS = 120  # a card shows its first outcome's text cut to about this length
AFTER_ENTRIES = 1 << 62  # sorts a period after every entry of its start date


def shorten(text: str, limit: int = OUTCOME_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


def date_ctx(d: PartialDate | None, lang: Language | None = None) -> dict[str, Any] | None:
    """A date for templates: ISO (for ``<time datetime>``), and as ``lang``'s readers
    write it (``human``; English when None)."""
    if d is None:
        return None
    return {"iso": d.iso(), "human": lang.date(d) if lang else d.human(),
            "precision": d.precision, "year": d.year}


@dataclass(frozen=True)
class Texts:
    """An entry's text fields for a page in ``page``'s language: each (text, lang), lang
    being None when the text is in the page's language, else the language it is in."""

    e: Entry
    t: Translation | None
    original: str  # the language of the entry's own text
    page: str

    def pick(self, own: str, translated: str | None) -> tuple[str, str | None]:
        if translated:
            return translated, None
        return own, (self.original if self.original != self.page else None)

    @property
    def title(self) -> tuple[str, str | None]:
        return self.pick(self.e.title, self.t.title if self.t else None)

    @property
    def summary(self) -> tuple[str, str | None]:
        return self.pick(self.e.summary, self.t.summary if self.t else None)

    def outcome(self, i: int) -> str | None:
        return self.t.outcomes[i] if self.t else None

    def account(self, i: int) -> str | None:
        return self.t.accounts[i] if self.t else None


def entry_url(entry_id: str) -> str:
    return f"entries/{entry_id}/"


def participant_url(pid: str) -> str:
    return f"participants/{pid}/"


def topic_url(tid: str) -> str:
    return f"topics/{tid}/"


def year_url(year: int) -> str:
    return f"years/{year}/"


def page_url(page_id: str) -> str:
    return f"pages/{page_id}/"


@dataclass(frozen=True)
class Projector:
    """Projects model objects into template dictionaries, with URLs under the base path."""

    site: Site
    config: Config
    lang: Language = field(default_factory=lambda: Language("en"))  # dates, citation

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cards", {})
        object.__setattr__(self, "_refs", {})
        object.__setattr__(self, "translated", by_language(self.site.translations,
                                                            self.lang.code))

    def said(self, item: Any, name: str) -> str:
        """A registry item's ``name`` field in the pages' language (its own, if not given)."""
        return in_language(item, name, self.lang.code)

    def text_of(self, e: Entry) -> Texts:
        """The entry's text in the page's language: its translation's where there is one,
        else its own (with the language it is in, when not the page's)."""
        t = self.translated.get(e.id)  # type: ignore[attr-defined]
        return Texts(e, t, original_language(t, self.config), self.lang.code)

    def url(self, path: str) -> str:
        return self.config.url(path)

    def participant_ref(self, pid: str, role: str | None = None) -> dict[str, Any]:
        """A participant as cards and lists link it (one shared dict per participant and
        role: do not modify; 10,000 cards hold ~40,000 of these references)."""
        refs: dict[tuple[str, str, str | None], dict[str, Any]] = self._refs  # type: ignore[attr-defined]
        got = refs.get(("p", pid, role))
        if got is None:
            p = self.site.participants[pid]
            got = refs[("p", pid, role)] = {"id": p.id, "name": self.said(p, "name"),
                                           "kind": p.kind,
                                           "role": role, "url": self.url(participant_url(p.id))}
        return got

    def card(self, e: Entry) -> dict[str, Any]:
        """What a timeline card shows of an entry (one shared dict per entry: do not modify).

        A 10,000-entry site shows each entry on about seven pages (home, year, topics,
        participants, neighbours), so the projection is made once per entry and build.
        """
        cards: dict[str, tuple[Entry, dict[str, Any]]] = self._cards  # type: ignore[attr-defined]
        got = cards.get(e.id)
        if got is None or got[0] is not e:
            got = cards[e.id] = (e, self._card(e))
        return got[1]

    def _card(self, e: Entry) -> dict[str, Any]:
        tx = self.text_of(e)
        outcomes = [tx.pick(o.text, tx.outcome(i)) for i, o in enumerate(e.outcomes)]
        return {
            "id": e.id,
            "url": self.url(entry_url(e.id)),
            "title": tx.title[0], "title_lang": tx.title[1],
            "summary": tx.summary[0], "summary_lang": tx.summary[1],
            "date": date_ctx(e.date, self.lang),
            "end": date_ctx(e.end, self.lang),
            "circa": e.circa,
            "year": e.year,
            "kind": e.kind,
            "kind_label": self.config.label("kinds", e.kind),
            "kind_class": kind_class(e.kind, self.config.families),
            "significance": e.significance,
            "significance_label": self.config.label("significance", e.significance),
            "level": e.level,
            "level_label": self.config.label("levels", e.level) if e.level else None,
            "location": e.location,
            "draft": e.draft,
            "participants": [self.participant_ref(p.id, p.role) for p in e.participants],
            "outcomes": [{"type": o.type, "label": self.config.label("outcome_types", o.type),
                          "text": text, "lang": lang}
                         for o, (text, lang) in zip(e.outcomes, outcomes, strict=True)],
            "outcome_short": shorten(outcomes[0][0]) if outcomes else "",
            "outcome_lang": outcomes[0][1] if outcomes else None,
            "topics": [self.topic_ref(t) for t in e.topics],
        }

    def forget_cards(self) -> None:
        """Drop the card memo (a worker does between batches, to keep its memory flat)."""
        self._cards.clear()  # type: ignore[attr-defined]

    def topic_ref(self, tid: str) -> dict[str, Any]:
        """A topic as cards and lists link it (one shared dict per topic: do not modify)."""
        refs: dict[tuple[str, str, str | None], dict[str, Any]] = self._refs  # type: ignore[attr-defined]
        got = refs.get(("t", tid, None))
        if got is None:
            t = self.site.topics[tid]
            got = refs[("t", tid, None)] = {"id": t.id, "label": self.said(t, "label"),
                                            "url": self.url(topic_url(t.id))}
        return got

    def entry_fields(self, e: Entry) -> dict[str, Any]:
        """What an entry's page shows of the entry itself: its card and the rest of its
        fields (the page adds its body, its related entries and its neighbours)."""
        sources = [
            {"title": s.title, "publisher": s.publisher, "url": s.url,
             "date": date_ctx(s.date, self.lang),
             "kind": s.kind, "doc_id": s.doc_id, "copy_of": s.copy_of, "archived": s.archived,
             "accessed": date_ctx(s.accessed, self.lang)}
            for s in e.sources
        ]
        by_url = {s["url"]: s for s in sources}
        tx = self.text_of(e)
        accounts = [
            {"party": self.participant_ref(a.party), "text": text, "lang": lang,
             "source": by_url.get(a.source) if a.source else None, "none_found": a.none_found}
            for a, (text, lang) in ((a, tx.pick(a.text, tx.account(i)))
                                    for i, a in enumerate(e.accounts))
        ]
        ctx = dict(self.card(e))
        ctx.update(
            translation=self.translation_note(tx),
            body_lang=tx.pick("", tx.t.body_md if tx.t and tx.t.has_body else None)[1],
            sources=sources,
            accounts=accounts,
            updated=date_ctx(e.updated, self.lang),
            primary_not_found=e.primary_not_found,
            corrections=[{"date": date_ctx(c.date, self.lang), "text": c.text}
                         for c in e.corrections],
            concerns=[self.participant_ref(c) for c in e.concerns],
            forum=self.participant_ref(e.forum) if e.forum else None,
            extra=e.extra,
            canonical=self.config.absolute_url(entry_url(e.id)),
        )
        return ctx

    def translation_note(self, tx: Texts) -> dict[str, Any] | None:
        """What an entry page says of its translation: from which language, when, and
        whether it may be out of date."""
        t = tx.t
        if t is None:
            return None
        return {"from": t.translated_from, "from_name": self.lang.language_name(t.translated_from),
                "date": date_ctx(t.translated, self.lang), "stale": t.stale(tx.e)}

    def sourcing(self) -> dict[str, Any]:
        """The site's sourcing policy, for a page that states it."""
        rules = self.config.sources
        parties = self.site.participants
        counts: Counter[str] = Counter()
        for e in self.site.entries:
            for s in e.sources:
                if s.kind != "primary":
                    counts[s.kind] += 1
                elif s.copy_of:
                    counts["copy"] += 1
                else:
                    counts[rules.official_party(host_of(s.url)) or "primary"] += 1
        return {
            "counts": [(self.said(parties[k], "name") if k in parties else k, n)
                       for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))],
            "primary_window_days": rules.primary_window_days,
            "official": [{"party": self.participant_ref(party) if party in parties else
                          {"name": party, "url": None}, "domains": list(domains)}
                         for party, domains in rules.official_domains],
            "denied": sorted(rules.denied_domains),
        }

    def significance(self) -> dict[str, Any]:
        """How many entries have each rank, and the turning points, for a page that says so."""
        counts = Counter(e.significance for e in self.site.entries)

        def label(rank: str, n: int) -> str:
            return self.config.label("significance_plural" if n != 1 else "significance", rank)

        return {"counts": [{"rank": s, "label": label(s, counts[s]), "count": counts[s]}
                           for s in SIGNIFICANCE],
                "turning_points": [self.card(e) for e in self.site.entries
                                   if e.significance == "turning-point"]}

    def coverage(self) -> dict[str, Any] | None:
        """The years the record covers, its declared gaps, and any undeclared empty year."""
        cov = self.config.coverage
        if cov is None:
            return None
        per_year = Counter(e.year for e in self.site.entries)
        years = set(per_year)
        return {
            "start": cov.start, "end": cov.end, "entries": len(self.site.entries),
            "per_year": [{"year": y, "count": per_year[y]} for y in range(cov.start, cov.end + 1)],
            "gaps": [{"years": str(g.start) if g.start == g.end else f"{g.start}–{g.end}",
                      "note": g.note,
                      "empty": all(y not in years for y in range(g.start, g.end + 1))}
                     for g in cov.gaps],
            "undeclared": [y for y in range(cov.start, cov.end + 1)
                           if y not in years and cov.declared_gap(y) is None],
        }

    def facets(self) -> list[dict[str, Any]]:
        """The facets of the timeline filters: name in the URL, card attribute, title, and
        (value, label) choices, each in the order a reader looks for them."""
        site, c = self.site, self.config
        kinds = {e.kind for e in site.entries}
        used_outcomes = {o.type for e in site.entries for o in e.outcomes}
        present = {p.id for e in site.entries for p in e.participants}  # what cards can match
        people = sorted((x for x in site.participants.values() if x.id in present),
                        key=lambda x: (self.said(x, "name").casefold(), x.id))
        topics = sorted(site.topics.values(),
                        key=lambda t: (self.said(t, "label").casefold(), t.id))
        label = c.label
        return [
            {"name": "participant", "key": "participants", "title": label("facets", "participant"),
             "items": [(x.id, self.said(x, "name")) for x in people]},
            {"name": "topic", "key": "topics", "title": label("facets", "topic"),
             "items": [(t.id, self.said(t, "label")) for t in topics]},
            {"name": "kind", "key": "kind", "title": label("facets", "kind"),
             "items": [(k, label("kinds", k)) for f in c.families for k in f.kinds
                       if k in kinds]},
            {"name": "outcome", "key": "outcomes", "title": label("facets", "outcome"),
             "items": [(o, label("outcome_types", o)) for o in c.outcome_types
                       if o in used_outcomes]},
            {"name": "significance", "key": "significance",
             "title": label("facets", "significance"),
             "items": [(s, label("significance", s)) for s in SIGNIFICANCE]},
        ]

    def period(self, p: Period) -> dict[str, Any]:
        style = self.config.period_style(p.kind)
        return {"id": p.id, "label": self.said(p, "label"), "kind": p.kind,
                "kind_label": self.said(style, "label"),
                "colour": style.colour, "start": date_ctx(p.start, self.lang),
                "end": date_ctx(p.end, self.lang),
                "description": self.said(p, "description"), "sources": list(p.sources)}

    def participant(self, p: Participant) -> dict[str, Any]:
        return {
            "id": p.id, "name": self.said(p, "name"), "kind": p.kind,
            "aliases": list(p.aliases), "description": self.said(p, "description"),
            "url": self.url(participant_url(p.id)),
            "roles": [{"role": r.role, "organisation": r.organisation,
                       "from": date_ctx(r.start, self.lang), "to": date_ctx(r.end, self.lang)}
                      for r in p.roles],
        }

    def year_groups(self, listing: Iterable[tuple[dict[str, Any], Any, bool]],
                    periods: Iterable[tuple[dict[str, Any], Any, int, int | None]]
                    ) -> list[dict[str, Any]]:
        """Cards grouped by year, with the periods that begin in each year interleaved.

        ``listing``: (card, sort key, listed apart) as Reads gives them; ``periods``: the
        Reads part of that name."""
        groups: dict[int, list[dict[str, Any]]] = {}
        for card, sort, _ in listing:
            groups.setdefault(card["year"], []).append({"type": "entry", "sort": sort,
                                                        "entry": card})
        for period, sort, start, _ in periods:
            if start in groups:
                groups[start].append({"type": "period", "sort": sort, "period": period})
        out = []
        for year in sorted(groups):
            items = sorted(groups[year], key=lambda it: it["sort"])
            for it in items:
                del it["sort"]
            _bands(items)
            out.append({"year": year, "id": f"y{year}", "items": items,
                        "count": sum(1 for it in items if it["type"] == "entry"),
                        "url": self.url(year_url(year))})
        return out

    def met_most_often(self, pid: str, cards: Iterable[dict[str, Any]],
                       n: int = 8) -> list[dict]:
        """The participants who share the most entries with ``pid`` (present only: the
        participants of the cards; concerns are not meetings)."""
        counts: Counter[str] = Counter()
        for card in cards:
            ids = {p["id"] for p in card["participants"]}
            if pid in ids:
                counts.update(ids - {pid})
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        return [dict(self.participant_ref(k), count=v) for k, v in ranked]


def _bands(items: list[dict[str, Any]]) -> None:
    """Mark runs of period items with nothing between them as one band (see year_groups)."""
    i = 0
    while i < len(items):
        if items[i]["type"] != "period":
            i += 1
            continue
        j = i
        while j + 1 < len(items) and items[j + 1]["type"] == "period":
            j += 1
        if i == j:
            items[i]["band"] = "single"
        else:
            for k in range(i, j + 1):
                items[k]["band"] = "start" if k == i else "end" if k == j else "middle"
        i = j + 1


def periods_active(periods: Iterable[tuple[dict[str, Any], Any, int, int | None]],
                   year: int, config: Config, lang: str | None = None) -> list[dict[str, Any]]:
    """The periods (as the Reads part gives them) that cover any part of ``year``, grouped
    by kind in the settings' order: [{kind_label, colour, periods: [...]}], for one band
    that sums up the year."""
    active = [p for p, _, start, end in periods
              if start <= year and (end is None or end >= year)]
    order = [s.id for s in config.period_styles]
    kinds = sorted({p["kind"] for p in active},
                   key=lambda k: (order.index(k) if k in order else len(order), k))
    out = []
    for k in kinds:
        style = config.period_style(k)
        out.append({"kind": k, "colour": style.colour,
                    "kind_label": in_language(style, "label", lang or config.language),
                    "periods": [p for p in active if p["kind"] == k]})
    return out
