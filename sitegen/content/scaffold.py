"""`sitegen new`: a new entry from the site's archetype, never overwriting a file."""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml
from slugify import slugify as _transliterating_slugify

from sitegen.config import CONTROL_RE, Config
from sitegen.content.archetype import FRONT_MATTER, Archetype, load_archetype
from sitegen.content.dates import DATE_FORMS, DateValueError, PartialDate, parse_date
from sitegen.content.yamlio import YamlSyntaxError, load_yaml
from sitegen.errors import (
    ConfigError,
    ContentError,
    Problem,
    UsageError,
    did_you_mean,
    display_path,
)

SIMILAR = 0.6  # difflib ratio of two titles' slugs from which a warning is given


def slugify(title: str, limit: int = 60) -> str:
    """A readable ASCII id part for ``title``: any script is transliterated
    ('Переговоры в Женеве' → 'peregovory-v-zheneve', 'Réunion à Genève' →
    'reunion-a-geneve'), cut at a word boundary within ``limit`` characters."""
    slug = _transliterating_slugify(title, max_length=limit, word_boundary=True,
                                    save_order=True)
    return slug or "entry"


def yaml_scalar(text: str) -> str:
    """``text`` as one YAML scalar that reads back as the same string (quoted as needed)."""
    return yaml.safe_dump(text, allow_unicode=True, width=1_000_000,
                          default_flow_style=True).removesuffix("\n...\n").rstrip("\n")


def choose_kind(config: Config, archetype: Archetype, kind: str | None) -> str:
    """The kind asked for (checked against the site's kinds, with a did-you-mean), else the
    archetype's own, else the first kind in the settings."""
    if kind is not None:
        if kind not in config.kinds:
            raise UsageError(problems=[Problem(
                "--kind", None, None, f"'{kind}' is not one of the site's kinds",
                (did_you_mean(kind, config.kinds) or "") + " kinds: " + ", ".join(config.kinds)
                + (f" (set in {config.source_file})" if config.source_file else ""))])
        return kind
    if archetype.kind is None:
        return config.kinds[0]
    if archetype.kind not in config.kinds:
        raise ConfigError(problems=[Problem(
            archetype.shown, None, "kind", f"'{archetype.kind}' is not one of the site's kinds",
            (did_you_mean(archetype.kind, config.kinds) or "") + " kinds: "
            + ", ".join(config.kinds))])
    return archetype.kind


def new_entry(config: Config, title: str, date: str,
              kind: str | None = None) -> tuple[Path, list[Problem]]:
    """Write content/entries/<date>-<slug>.md from the archetype (never over anything);
    returns its path and warnings (an entry of the same date with a similar title)."""
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
    archetype = config.archetype or load_archetype(config.root)
    missing = [t for t in ("title", "date") if not archetype.has_token(t)]
    if missing or (archetype.kind is None and not archetype.has_token("kind")):
        needed = ", ".join("{{ " + t + " }}" for t in missing) or "a 'kind:' line"
        raise ConfigError(problems=[Problem(
            archetype.shown, None, None, f"lacks {needed}",
            "an archetype writes 'title: {{ title }}', 'date: {{ date }}' and 'kind: "
            "{{ kind }}' (or a kind of its own)")])
    chosen = choose_kind(config, archetype, kind)
    folder = config.content_dir / "entries"
    path = folder / f"{d.iso()}-{slugify(title)}.md"
    exists = ContentError(problems=[Problem(
        display_path(path, config.root), None, None,
        "already exists (a file or a link); nothing was written",
        "choose another title, or edit or remove the existing file")])
    if path.is_symlink() or path.exists():
        raise exists
    warnings = similar_entries(folder, d, title, config.root)
    folder.mkdir(parents=True, exist_ok=True)
    text = archetype.fill(yaml_scalar(title), d.iso(), chosen)
    try:  # 'x' is O_CREAT|O_EXCL: it never follows a link put at the name meanwhile
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise exists from None
    return path, warnings


def similar_entries(folder: Path, d: PartialDate, title: str, root: Path) -> list[Problem]:
    """A warning for each entry whose file name has the same date and whose title is
    close to ``title``: perhaps the event is already recorded."""
    if not folder.is_dir():
        return []
    mine = slugify(title, 200)
    found = []
    for path in sorted(folder.glob(f"{d.iso()}-*.md")):
        other = _title_of(path)
        if other is None:
            continue
        theirs = slugify(other, 200)
        ratio = difflib.SequenceMatcher(None, mine, theirs).ratio()
        if ratio >= SIMILAR or mine in theirs or theirs in mine:
            found.append(Problem(
                display_path(path, root), None, "title",
                f"has the same date and a similar title: '{other}'",
                "if it is the same event, add to that entry instead; otherwise give the new "
                "one a title that tells them apart", "warning"))
    return found


def _title_of(path: Path) -> str | None:
    """An entry's title, or None when the file cannot be read as an entry."""
    try:
        head = FRONT_MATTER.match(path.read_text(encoding="utf-8")[:65536])
        meta = load_yaml(head.group(1) or "") if head else None
    except (OSError, UnicodeDecodeError, YamlSyntaxError):
        return None
    title = meta.get("title") if isinstance(meta, dict) else None
    return " ".join(title.split()) if isinstance(title, str) else None
