"""`sitegen new`: a well-formed entry skeleton, never overwriting a file."""

from __future__ import annotations

import re
from pathlib import Path

from sitegen.config import Config
from sitegen.dates import DATE_FORMS, DateValueError, parse_date
from sitegen.errors import ContentError, Problem, UsageError, display_path

TEMPLATE = """---
title: {title}
summary: >-
  One or two plain sentences: what happened and why it matters.
date: {date}
kind: {kind}
# level: ambassadors
# location: NATO Headquarters, Brussels
participants:
  - nato
outcomes:
  - type: statement
    text: What was agreed, proposed or said.
topics: []
sources:
  - title: Title of the document exactly as published
    publisher: Publisher
    url: https://example.org/replace-with-the-real-address
    date: {date}
    kind: primary
draft: true
# In the body, link another entry with [its title](entry:ITS-ID).
---
Write one to four paragraphs in your own words: what was on the table, who said what,
and what followed.
"""


def slugify(title: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:limit].rstrip("-") or "entry"


def new_entry(config: Config, title: str, date: str, kind: str = "meeting") -> Path:
    """Write content/entries/<date>-<slug>.md and return its path."""
    if not title.strip():
        raise UsageError("the title must not be empty")
    try:
        d = parse_date(date)
    except DateValueError as exc:
        raise UsageError(f"--date: {exc}; write it as {DATE_FORMS}") from None
    if kind not in config.kinds:
        raise UsageError(f"--kind: '{kind}' is not one of: {', '.join(config.kinds)}")
    folder = config.content_dir / "entries"
    path = folder / f"{d.iso()}-{slugify(title)}.md"
    if path.exists():
        raise ContentError(problems=[Problem(display_path(path, config.root), None, None,
                                             "already exists; nothing was written",
                                             "choose another title or edit the existing file")])
    folder.mkdir(parents=True, exist_ok=True)
    safe_title = title.replace('"', "'")
    with open(path, "x", encoding="utf-8") as fh:
        fh.write(TEMPLATE.format(title=f'"{safe_title}"', date=d.iso(), kind=kind))
    return path
