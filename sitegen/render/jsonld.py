"""Structured data for search engines and reusers: schema.org JSON-LD, valid by the
vocabulary's property domains and ranges (tests/test_jsonld.py checks every page against a
pinned copy of schema.org).

An entry page is an ``Article`` (it has a headline, a publisher, a modification date and
sources) ``about`` an ``Event`` (dates, place and attendees typed by participant kind); the
page that lists the data files describes them as a ``Dataset`` with one ``DataDownload`` per
file.
"""

from __future__ import annotations

from typing import Any

from sitegen.config import Config
from sitegen.content.model import Entry, Site

CONTEXT = "https://schema.org"
# participant kinds → schema.org types an Event's attendee may have (Person or Organization)
ATTENDEE_TYPES = {"person": "Person", "organisation": "Organization",
                  "state": "GovernmentOrganization"}
# the data files a build publishes, as (path, media type, what it holds)
DATA_FILES = (
    ("timeline.json", "application/json", "Every entry, participant, topic and period"),
    ("timeline.csv", "text/csv", "One row per entry"),
    ("timeline.ics", "text/calendar", "One all-day event per entry"),
    ("feed.xml", "application/atom+xml", "Atom feed of new and revised entries"),
    ("timelinejs.json", "application/json", "The entries for the TimelineJS3 widget"),
    ("timeline.csv-metadata.json", "application/csvm+json",
     "timeline.csv's columns and licence (CSV on the Web)"),
)


def _organisation(name: str) -> dict[str, Any]:
    return {"@type": "Organization", "name": name}


def _credits(config: Config) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if config.publisher:
        out["publisher"] = _organisation(config.publisher)
    if config.author:
        out["author"] = _organisation(config.author)
    return out


def entry_ld(e: Entry, site: Site, config: Config, page_url: str) -> dict[str, Any]:
    """The JSON-LD of an entry page: an Article about the Event."""
    # the summary is the Article's description (and the page's): not repeated on the Event
    event: dict[str, Any] = {"@type": "Event", "name": e.title, "startDate": e.date.iso()}
    if e.end:
        event["endDate"] = e.end.iso()
    if e.location:
        event["location"] = {"@type": "Place", "name": e.location}
    attendees = []
    for p in e.participants:
        who = site.participants[p.id]
        # typed and named; their pages are linked from the page itself (bytes at scale)
        attendees.append({"@type": ATTENDEE_TYPES.get(who.kind, "Organization"),
                          "name": who.name})
    if attendees:
        event["attendee"] = attendees
    ld: dict[str, Any] = {
        "@context": CONTEXT, "@type": "Article", "headline": e.title,
        "description": e.summary, "url": page_url,
        "inLanguage": config.language, "about": event,
        **_credits(config),
    }
    if e.updated:
        ld["dateModified"] = e.updated.iso()
    if e.topics:
        ld["keywords"] = [site.topics[t].label for t in e.topics]
    # the sources by title and address (their publishers and dates are on the page): the
    # structured data of 50,000 entry pages stays within the output budget
    ld["citation"] = [{"@type": "CreativeWork", "name": s.title, "url": s.url}
                      for s in e.sources]
    return ld


def dataset_ld(site: Site, config: Config, page_url: str) -> dict[str, Any]:
    """The JSON-LD of the page that lists the data files: a Dataset and its downloads."""
    years = site.years()
    ld: dict[str, Any] = {
        "@context": CONTEXT, "@type": "Dataset", "name": config.title,
        "description": config.description or config.title, "url": page_url,
        "inLanguage": config.language, "isAccessibleForFree": True,
        "includedInDataCatalog": {"@type": "DataCatalog", "name": config.title,
                                  "url": config.absolute_url("")},
        **_credits(config),
        "distribution": [
            {"@type": "DataDownload", "name": path, "description": what,
             "encodingFormat": media, "contentUrl": config.absolute_url(path)}
            for path, media, what in DATA_FILES],
    }
    if config.license is not None:
        ld["license"] = config.license.url
    if site.topics:
        ld["keywords"] = [t.label for t in site.topics.values()]
    if years:
        ld["temporalCoverage"] = f"{years[0]}/{years[-1]}"
    return ld
