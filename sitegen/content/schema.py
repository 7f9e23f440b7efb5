"""The JSON Schema of an entry's front matter, made from the site's own settings.

Editors use it for completion and early hints (docs/editor-schema.md); `sitegen schema`
prints it and every build publishes it as ``/schema/entry-frontmatter.schema.json``. The
allowed kinds, levels, outcome types and source kinds are the site's, so the schema never
disagrees with `sitegen check` about them. `check` stays the authority: it also checks what
a schema cannot (that ids exist, that dates are real days, that an account cites one of the
entry's sources).
"""

from __future__ import annotations

import json
from typing import Any

from sitegen.config import Config
from sitegen.content.model import DEFAULT_SIGNIFICANCE, SIGNIFICANCE

SCHEMA_PATH = "schema/entry-frontmatter.schema.json"
_ID = {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"}
_URL = {"type": "string", "format": "uri", "pattern": "^https?://"}
_TEXT = {"type": "string"}
_SEGMENT = "[a-z0-9]+(?:-[a-z0-9]+)*"
_ALIAS = f"^/?{_SEGMENT}(?:/{_SEGMENT})*/?$"  # an old id, or a path inside the site


def _date(description: str) -> dict[str, Any]:
    return {
        "anyOf": [{"type": "string", "pattern": "^\\d{4}(-\\d{2}(-\\d{2})?)?$"},
                  {"type": "integer", "minimum": 1, "maximum": 9999}],
        "description": description,
        "examples": ["2022-01-12", "2008-08", "1994"],
    }


def _ids(description: str) -> dict[str, Any]:
    return {"type": "array", "items": dict(_ID), "description": description}


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": sorted(required),
            "properties": properties}


def entry_schema(config: Config) -> dict[str, Any]:
    """The schema as a mapping (fields in the order `sitegen new` writes them)."""
    precise = "2022-01-12, 2008-08 or 1994: write only what the sources support"
    source = _object(["title", "publisher", "url", "kind"], {
        "title": dict(_TEXT),
        "publisher": dict(_TEXT),
        "url": dict(_URL),
        "date": _date(precise),
        "kind": {"enum": list(config.source_kinds)},
        "doc_id": dict(_TEXT),
        "copy_of": {**_TEXT, "description": "whose official text this page copies, when it "
                    "is a copy hosted elsewhere ('publisher' is then the host)"},
        "archived": {**_URL, "description": "an archived copy's address"},
        "accessed": _date("when the page was read"),
    })
    account = _object(["party"], {
        "party": dict(_ID),
        "text": dict(_TEXT),
        "source": {**_URL, "description": "the url of one of this entry's sources"},
        "none_found": {**_TEXT, "description": "no readout of this party was found: where it "
                       "was looked for (instead of text and source)"},
    })
    account["oneOf"] = [
        {"required": ["text"], "not": {"required": ["none_found"]}},
        {"required": ["none_found"],
         "not": {"anyOf": [{"required": ["text"]}, {"required": ["source"]}]}},
    ]
    properties: dict[str, Any] = {
        "id": {**_ID, "description": "URL-safe id; defaults to the file name"},
        "title": {"type": "string", "minLength": 1, "description": "the event, in a few words"},
        "summary": {"type": "string", "minLength": 1,
                    "description": "one or two plain sentences (no Markdown): what happened"},
        "date": _date(precise),
        "end": _date("last day of a multi-day event"),
        "circa": {"type": "boolean", "description": "the date is approximate"},
        "order": {"type": "integer", "description": "orders entries with the same date"},
        "kind": {"enum": list(config.kinds)},
        "significance": {"enum": list(SIGNIFICANCE), "default": DEFAULT_SIGNIFICANCE,
                         "description": "turning points stand out, routine entries are compact"},
        "level": {"enum": list(config.levels)},
        "location": dict(_TEXT),
        "participants": {
            "type": "array",
            "description": "participant ids, optionally with the role at this event",
            "items": {"oneOf": [dict(_ID), {
                "type": "object", "minProperties": 1, "maxProperties": 1,
                "additionalProperties": {"type": ["string", "null"]}}]},
        },
        "concerns": _ids("ids of parties the event addressed or concerned who were not "
                         "present"),
        "forum": {**_ID, "description": "the body that met (an organisation id from "
                  "participants.yaml)"},
        "outcomes": {"type": "array", "items": _object(["type", "text"], {
            "type": {"enum": list(config.outcome_types)}, "text": dict(_TEXT)})},
        "accounts": {"type": "array", "items": account},
        "topics": {"type": "array", "items": dict(_ID)},
        "related": _ids("ids of related entries"),
        "sources": {"type": "array", "minItems": 1, "items": source},
        "primary_not_found": {**_TEXT, "description": "no primary source from the event "
                              "itself was found: where it was looked for"},
        "draft": {"type": "boolean"},
        "updated": _date("when the entry was last reviewed against its sources"),
        "corrections": {"type": "array", "items": _object(["date", "text"], {
            "date": _date(precise), "text": dict(_TEXT)}),
            "description": "errata: each changed fact, with the date of the change (set "
                           "updated too)"},
        "aliases": {"type": "array", "items": {"type": "string", "pattern": _ALIAS},
            "description": "old ids, or old paths inside the site, that redirect to this "
                           "entry (so a renamed entry keeps its citations working)"},
        "extra": {"type": "object", "description": "your own fields, shown to templates as "
                  "entry.extra"},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Entry front matter: {config.title}",
        "description": "The YAML front matter of a timeline entry (content/entries/*.md), "
                       "made by `sitegen schema` from the site's settings. sitegen check is "
                       "the authority; this schema gives editors completion and early hints.",
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "summary", "date", "kind", "sources"],
        "properties": properties,
    }


def entry_schema_json(config: Config) -> bytes:
    """The schema as the file sitegen writes: JSON, two-space indents, a final newline."""
    return (json.dumps(entry_schema(config), indent=2, ensure_ascii=False) + "\n").encode()
