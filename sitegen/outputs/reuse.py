"""The terms of reuse: the CSV on the Web (W3C CSVW) metadata that describes timeline.csv's
columns and licence, and the stylesheet that lets printed links show full addresses.

``timeline.csv-metadata.json`` sits beside timeline.csv, where CSVW tools look for it
(a file's metadata is ``<file>-metadata.json``); its columns are CSV_COLUMNS, in order.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sitegen.accel import indented_json
from sitegen.config import Config
from sitegen.outputs.exports import CSV_COLUMNS, LIST_SEP

CSVW_PATH = "timeline.csv-metadata.json"
ORIGIN_CSS = "origin.css"
_DATE = {"base": "string", "format": r"\d{4}(-\d{2}(-\d{2})?)?"}  # at its own precision
# what each column holds, its datatype, and its separator when it is a list
COLUMNS: dict[str, tuple[str, Any, bool]] = {
    "id": ("The entry's id (its page is /entries/<id>/)", "string", False),
    "date": ("When the event happened: YYYY, YYYY-MM or YYYY-MM-DD", _DATE, False),
    "date_precision": ("The date's precision: year, month or day", "string", False),
    "end": ("Last day of a multi-day event, if any", _DATE, False),
    "circa": ("Whether the date is approximate", {"base": "boolean", "format": "true|false"},
              False),
    "title": ("The event's title", "string", False),
    "summary": ("One or two plain sentences on the event", "string", False),
    "kind": ("The kind of event (the site's vocabulary)", "string", False),
    "level": ("The level at which it took place, if any", "string", False),
    "location": ("Where it happened, if known", "string", False),
    "participant_ids": ("Ids of those present", "string", True),
    "participants": ("Names of those present, in the order of participant_ids", "string",
                     True),
    "topic_ids": ("Ids of the entry's topics", "string", True),
    "topics": ("Labels of the entry's topics, in the order of topic_ids", "string", True),
    "outcomes": ("The types of the event's outcomes", "string", True),
    "source_urls": ("Addresses of the entry's sources", "anyURI", True),
    "primary_sources": ("How many of the sources are primary", "integer", False),
    "updated": ("When the entry was last reviewed, if it was", _DATE, False),
    "url": ("The entry's page", "anyURI", False),
    "significance": ("The entry's rank: turning-point, major or routine", "string", False),
}


def origin_css(config: Config) -> bytes:
    """The print stylesheet's one site setting: the scheme and host that printed links put
    before their root-relative paths (no script needed; the base URL holds no quote)."""
    parts = urlsplit(config.base_url)
    return f':root {{ --origin: "{parts.scheme}://{parts.netloc}"; }}\n'.encode()


def csvw_metadata(config: Config) -> bytes:
    """timeline.csv described for CSV on the Web: its columns, in order, and its licence."""
    columns = []
    for name in CSV_COLUMNS:
        what, datatype, is_list = COLUMNS.get(name, ("", "string", False))
        col: dict[str, Any] = {"name": name, "titles": name, "datatype": datatype}
        if what:
            col["dc:description"] = what
        if is_list:
            col["separator"] = LIST_SEP
        columns.append(col)
    meta: dict[str, Any] = {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": config.language}],
        "url": "timeline.csv",
        "dc:title": config.title,
        "dc:description": config.description or config.title,
        "dc:source": config.absolute_url(""),
        "dialect": {"header": True, "encoding": "utf-8"},  # CRLF: the default
        "tableSchema": {"columns": columns, "primaryKey": "id",
                        "aboutUrl": config.absolute_url("entries/{id}/")},
    }
    if config.publisher:
        meta["dc:publisher"] = config.publisher
    lic = config.license
    if lic is not None:
        meta["dc:license"] = {"@id": lic.url}
        meta["dc:rights"] = lic.sentence()
    return (indented_json(meta) + "\n").encode("utf-8")
