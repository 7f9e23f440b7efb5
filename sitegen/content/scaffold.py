"""`sitegen new`: a well-formed entry skeleton, never overwriting a file."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from sitegen.config import CONTROL_RE, Config
from sitegen.content.dates import DATE_FORMS, DateValueError, parse_date
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


def yaml_scalar(text: str) -> str:
    """``text`` as one YAML scalar that reads back as the same string (quoted as needed)."""
    return yaml.safe_dump(text, allow_unicode=True, width=1_000_000,
                          default_flow_style=True).removesuffix("\n...\n").rstrip("\n")


def new_entry(config: Config, title: str, date: str, kind: str = "meeting") -> Path:
    """Write content/entries/<date>-<slug>.md and return its path (never over anything)."""
    if not title.strip():
        raise UsageError(problems=[Problem("title", None, None, "must not be empty",
                                           "give the event's title in quotes")])
    if CONTROL_RE.search(title) or "\n" in title or "\t" in title:
        raise UsageError(problems=[Problem(
            "title", None, None, f"{title!r} holds a control character",
            "write the title on one line, without control characters")])
    try:
        d = parse_date(date)
    except DateValueError as exc:
        raise UsageError(f"--date: {exc}; write it as {DATE_FORMS}") from None
    if kind not in config.kinds:
        raise UsageError(f"--kind: '{kind}' is not one of: {', '.join(config.kinds)}")
    folder = config.content_dir / "entries"
    path = folder / f"{d.iso()}-{slugify(title)}.md"
    exists = ContentError(problems=[Problem(
        display_path(path, config.root), None, None,
        "already exists (a file or a link); nothing was written",
        "choose another title, or edit or remove the existing file")])
    if path.is_symlink() or path.exists():
        raise exists
    folder.mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.format(title=yaml_scalar(title), date=d.iso(), kind=kind)
    try:  # 'x' is O_CREAT|O_EXCL: it never follows a link put at the name meanwhile
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise exists from None
    return path
