"""The entry archetype: the file `sitegen new` copies, and the sample text it holds.

A site keeps its own in ``archetypes/entry.md``; without one, sitegen's neutral built-in
(``sitegen/starter/archetypes/entry.md``, the file ``sitegen init`` writes) is used. The
archetype is an entry with three tokens, ``{{ title }}``, ``{{ date }}`` and ``{{ kind }}``;
a literal ``kind:`` instead of the token is the kind `sitegen new` uses when none is given.

Every free-text value of its front matter (one with a space, or a web address) and every
paragraph of its body is sample text: an entry that still holds one word for word was not
finished, which the loader reports (a warning in a draft, an error once published).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.content.yamlio import LineDict, YamlSyntaxError, load_yaml
from sitegen.errors import ConfigError, Problem, display_path
from sitegen.packaged import starter

SITE_ARCHETYPE = Path("archetypes") / "entry.md"
BUILTIN_NAME = "sitegen's built-in archetype"
TOKEN = re.compile(r"\{\{\s*(title|date|kind)\s*\}\}")
MAX_BYTES = 64 * 1024
# front matter at the start of a file: group 1 is its YAML (None when empty)
FRONT_MATTER = re.compile(r"---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_KIND_LINE = re.compile(r"^kind:[^\n]*$", re.MULTILINE)
_SAMPLE = {"title": "sample-title-token", "date": "2000-01-01", "kind": "sample-kind-token"}


@dataclass(frozen=True)
class Archetype:
    """An archetype as read: its text, the kind it sets (if any) and its sample text."""

    shown: str  # its path as a user reads it, or BUILTIN_NAME
    text: str
    kind: str | None  # a literal `kind:` (None: the archetype asks with {{ kind }})
    placeholders: frozenset[str]  # front-matter sample values, whitespace collapsed
    body_placeholders: tuple[str, ...]  # body paragraphs, whitespace collapsed
    # matches a value that is one of ``placeholders`` whatever its whitespace: a regex
    # rejects the other values of 10,000 entries at their first character, 3x faster than
    # collapsing each one to look it up
    pattern: re.Pattern[str] | None = None

    def is_placeholder(self, value: str) -> bool:
        """Whether ``value`` is sample text of the archetype's front matter."""
        return self.pattern is not None and self.pattern.fullmatch(value) is not None

    def fill(self, title_yaml: str, date: str, kind: str) -> str:
        """The new entry's text: the tokens replaced (``title_yaml`` is already a YAML
        scalar) and a literal ``kind:`` line set to ``kind``."""
        values = {"title": title_yaml, "date": date, "kind": kind}
        text = TOKEN.sub(lambda m: values[m.group(1)], self.text)
        if self.kind is not None:
            head = FRONT_MATTER.match(text)
            if head:
                end = head.end()
                text = _KIND_LINE.sub(f"kind: {kind}", text[:end], count=1) + text[end:]
        return text

    def has_token(self, name: str) -> bool:
        return any(m.group(1) == name for m in TOKEN.finditer(self.text))


def collapse(text: str) -> str:
    """``text`` with every run of whitespace made one space (how sample text is compared)."""
    return " ".join(text.split())


def load_archetype(root: Path) -> Archetype:
    """The site's ``archetypes/entry.md``, or the built-in one; ConfigError if unusable."""
    path = root / SITE_ARCHETYPE
    if not (path.is_file() or path.is_symlink()):
        return parse_archetype(
            (starter() / SITE_ARCHETYPE).read_text(encoding="utf-8"), BUILTIN_NAME)
    shown = display_path(path, root)

    def bad(message: str, hint: str) -> ConfigError:
        return ConfigError(problems=[Problem(shown, None, None, message, hint)])

    try:
        real = os.path.realpath(path)
        if not real.startswith(os.path.realpath(root).rstrip(os.sep) + os.sep):
            raise bad("is a link to a file outside the site", "copy the file in instead")
        st = os.stat(real)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            raise bad(f"is not a text file of at most {MAX_BYTES // 1024} KB",
                      "an archetype is one short entry")
        with open(real, "rb") as fh:
            data = fh.read()
        text = data.decode("utf-8-sig")
    except OSError as exc:
        raise bad(f"cannot be read ({exc.strerror or exc})", "check the file") from None
    except UnicodeDecodeError:
        raise bad("is not UTF-8 text", "save it with UTF-8 encoding") from None
    return parse_archetype(text.replace("\r\n", "\n"), shown)


def parse_archetype(text: str, shown: str) -> Archetype:
    """Read an archetype's text: the kind it sets and its sample text."""
    def bad(line: int | None, message: str, hint: str) -> ConfigError:
        return ConfigError(problems=[Problem(shown, line, None, message, hint)])

    sample = TOKEN.sub(lambda m: _SAMPLE[m.group(1)], text)
    head = FRONT_MATTER.match(sample)
    if head is None:
        raise bad(1, "has no front matter",
                  "an archetype is an entry: '---', its fields, '---', then the body")
    try:
        meta = load_yaml(head.group(1) or "", first_line=2)
    except YamlSyntaxError as exc:
        raise bad(exc.line, str(exc), "the tokens {{ title }}, {{ date }} and {{ kind }} "
                  "stand for values; check the YAML around them") from None
    if meta is None:
        meta = LineDict()
    if not isinstance(meta, dict):
        raise bad(2, "its front matter must be a mapping of 'field: value' lines",
                  "write it like an entry")
    kind = meta.get("kind")
    literal_kind = kind if isinstance(kind, str) and kind != _SAMPLE["kind"] else None
    values: set[str] = set()
    _free_text(meta, values)
    body = sample[head.end():]
    paragraphs = tuple(p for p in (collapse(par) for par in re.split(r"\n\s*\n", body))
                       if p and not TOKEN.search(p))
    pattern = re.compile("|".join(
        r"\s*" + r"\s+".join(map(re.escape, v.split(" "))) + r"\s*" for v in sorted(values)
    )) if values else None
    return Archetype(shown, text, literal_kind, frozenset(values), paragraphs, pattern)


def _free_text(value: Any, into: set[str]) -> None:
    """Collect the values of an archetype's front matter that are sample text."""
    if isinstance(value, dict):
        for item in value.values():
            _free_text(item, into)
    elif isinstance(value, list):
        for item in value:
            _free_text(item, into)
    elif isinstance(value, str) and value not in _SAMPLE.values():
        text = collapse(value)
        if " " in text or text.startswith(("http://", "https://")):
            into.add(text)
