"""The site's sourcing policy applied to each entry: denied domains, official domains and
declared copies, primary sources close to the event, present versus concerned parties.

Generic: the policy comes from the site's ``[sources]`` settings (config.SourceRules); a site
that sets none gets only the checks that need no setting.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sitegen.config import Config, SourceRules
from sitegen.content.dates import PartialDate
from sitegen.content.model import Entry, Participant

if TYPE_CHECKING:
    from sitegen.content.collector import Collector


# a URL whose host is read off without parsing: http(s), then a name of letters, digits,
# dots and hyphens up to the path, query, fragment or end (no user, port or odd character)
_PLAIN_URL = re.compile(r"(?i:https?)://([A-Za-z0-9.-]+)(?=[/?#]|\Z)")


@functools.lru_cache(maxsize=65536)
def host_of(url: str) -> str:
    """The lowercase host name of a URL ('' when it has none; memoised: serve checks every
    source of 10,000 entries on every save), as urllib.parse.urlsplit reads it."""
    plain = _PLAIN_URL.match(url)
    if plain is not None:
        return plain.group(1).lower()
    return (urlsplit(url).hostname or "").lower()


def check_sources(e: Entry, rules: SourceRules, col: Collector) -> None:
    """Record problems with an entry's sources under the site's policy."""
    line = e.field_lines.get("sources")
    for i, s in enumerate(e.sources, 1):
        host = host_of(s.url)
        denied = rules.denied(host)
        if denied:
            col.error(e.path, line, f"sources[{i}].url",
                      f"{host} is on the site's list of domains never acceptable as a source "
                      f"({denied})", "cite the official original or a reputable report instead")
        if (s.kind == "primary" and rules.official_domains
                and rules.official_party(host) is None and not s.copy_of):
            col.warn(e.path, line, f"sources[{i}]",
                     f"a primary source on {host}, which is not an official domain of any party",
                     "cite the official original, or say whose text this copy is with "
                     "'copy_of: PUBLISHER' (and keep 'publisher' as the host)")
    dated = [s.date for s in e.sources if s.kind == "primary" and s.date is not None]
    if (dated and not e.primary_not_found
            and not any(near(e, d, rules.primary_window_days) for d in dated)):
        col.warn(e.path, line, "sources",
                 f"every dated primary source is more than {rules.primary_window_days} days "
                 "from the event", "add a primary source from the event itself, or record where "
                 "it was looked for: 'primary_not_found: the ministry's site (searched …)'")


def near(e: Entry, d: PartialDate, days: int) -> bool:
    """Whether a source dated ``d`` lies within ``days`` of the event (for an event dated to
    the month or year: within that month or year)."""
    first, last = e.date.first_day(), (e.end or e.date).last_day()
    if e.date.precision != "day":
        days = 0
    return (first - d.last_day()).days <= days and (d.first_day() - last).days <= days


def check_parties(e: Entry, participants: dict[str, Participant], col: Collector) -> None:
    """``concerns`` and ``forum`` name known participants; nobody is both present and absent."""
    from sitegen.content.fields import item_line
    from sitegen.errors import did_you_mean

    lines = e.field_lines
    present = {p.id for p in e.participants}
    for i, pid in enumerate(e.concerns):
        line = item_line(lines, "concerns", i)
        if pid not in participants:
            col.error(e.path, line, "concerns", f"unknown participant '{pid}'",
                      did_you_mean(pid, participants) or
                      "add it to content/participants.yaml first")
        elif pid in present:
            col.error(e.path, line, "concerns",
                      f"'{pid}' is listed as present (participants) and as concerned but absent",
                      "keep it in one of the two lists")
    if e.forum is not None:
        body = participants.get(e.forum)
        if body is None:
            col.error(e.path, lines.get("forum"), "forum", f"unknown forum '{e.forum}'",
                      did_you_mean(e.forum, participants) or
                      "the forum is the id of a body in content/participants.yaml")
        elif body.kind == "person":
            col.error(e.path, lines.get("forum"), "forum",
                      f"'{e.forum}' is a person, not a body that meets",
                      "give the id of the council or organisation that met")


def check_coverage(entries: list[Entry], config: Config, col: Collector) -> None:
    """Warn of each year inside the declared coverage that has no entry and is no declared
    gap, and of a declared gap that has entries after all."""
    cov = config.coverage
    if cov is None:
        return
    years = {e.year for e in entries}
    where = config.source_file or "configuration"
    empty = [y for y in range(cov.start, cov.end + 1)
             if y not in years and cov.declared_gap(y) is None]
    if empty:
        col.warn(where, None, "coverage",
                 f"no entry for {', '.join(map(str, empty))}, and no declared gap",
                 'add entries, or declare each gap: gaps = [{years = "1998", note = "why"}]')
    for g in cov.gaps:
        if any(g.start <= y <= g.end for y in years):
            col.warn(where, None, "coverage.gaps",
                     f"{g.start}–{g.end} is declared a gap but has entries",
                     "remove the gap or narrow its years")
