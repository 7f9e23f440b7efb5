"""Labels a site gives in its settings, in one language or several.

A label is written either as plain text, ``label = "Topic"``, or per language,
``label = { en = "Topic", fr = "Thème" }``. ``parse_label`` checks a setting's value and
``label_for`` picks the text for a page's language: the exact tag (``en-GB``), else its
primary language (``en``), else another region of it (``en-US``), else the first given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# a BCP 47 tag as settings use them: language, then optional script/region/variant parts
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
HINT = 'write a one-line text, or one per language: { en = "Topic", fr = "Thème" }'


@dataclass(frozen=True)
class Label:
    """A label's text per language tag, in the order given (the first is the fallback);
    a plain-text label has the one tag ``""``."""

    texts: tuple[tuple[str, str], ...]

    @classmethod
    def plain(cls, text: str) -> Label:
        return cls((("", text),))

    def text(self, language: str) -> str:
        """The text for ``language`` (a BCP 47 tag such as ``en-GB``)."""
        by_tag = {tag.lower(): text for tag, text in self.texts}
        wanted = language.lower()
        primary = wanted.split("-", 1)[0]
        if wanted in by_tag:
            return by_tag[wanted]
        if primary in by_tag:
            return by_tag[primary]
        return next((text for tag, text in self.texts if tag.lower().split("-", 1)[0] == primary),
                    self.texts[0][1])


def label_for(value: Label | str | Mapping[str, str], language: str) -> str:
    """The text of a label (a Label, plain text, or a mapping of language tags to text)
    for a page in ``language``."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Label):
        value = Label(tuple(value.items()))
    return value.text(language)


def _one_line(text: object) -> bool:
    return isinstance(text, str) and bool(text.strip()) and "\n" not in text


def parse_label(value: object, key: str, bad: Callable[..., None]) -> Label | None:
    """A label setting's value checked (``bad(key, message, hint)`` reports a problem)."""
    if isinstance(value, str):
        if _one_line(value):
            return Label.plain(value.strip())
    elif isinstance(value, dict) and value:
        for tag, text in value.items():
            if not LANGUAGE_TAG.fullmatch(str(tag)):
                bad(f"{key}.{tag}", f"'{tag}' is not a language tag",
                    "use a BCP 47 tag such as en, fr or pt-BR")
                return None
            if not _one_line(text):
                bad(f"{key}.{tag}", "must be a one-line text", HINT)
                return None
        return Label(tuple((str(tag), str(text).strip()) for tag, text in value.items()))
    bad(key, "must be a one-line text or a table of one per language", HINT)
    return None


def labels_setting(value: object, key: str, allowed: tuple[str, ...] | None,
                   bad: Callable[..., None]) -> dict[str, Label] | None:
    """A table of names and their labels (``allowed``: the names it may give, None: any)."""
    from sitegen.errors import did_you_mean

    if not isinstance(value, dict):
        bad(key, "must be a table of names and their labels",
            f'e.g. [{key}] then a line name = "its label"')
        return None
    out: dict[str, Label] = {}
    for name, raw in value.items():
        if allowed is not None and name not in allowed:
            bad(f"{key}.{name}", f"'{name}' is not one of the names it may label",
                did_you_mean(name, allowed) or "allowed: " + ", ".join(allowed))
            return None
        label = parse_label(raw, f"{key}.{name}", bad)
        if label is None:
            return None
        out[name] = label
    return out


# The filters of the timeline, in the theme's order, and the titles they have by default.
FACETS = ("participant", "topic", "kind", "outcome", "significance")
DEFAULT_FACET_TITLES = {"participant": "Participant", "topic": "Topic", "kind": "Kind",
                        "outcome": "Outcome", "significance": "Significance"}
# what ``[labels]`` may hold: the facet titles, and the labels of each vocabulary's names
GROUPS = ("facets", "kinds", "levels", "outcome_types", "significance", "significance_plural")
DEFAULT_PLURALS = {"turning-point": "turning points"}


@dataclass(frozen=True)
class SiteLabels:
    """The labels of the setting ``[labels]``: (group, ((name, Label), ...)) in GROUPS."""

    given: tuple[tuple[str, tuple[tuple[str, Label], ...]], ...] = ()

    def text(self, group: str, name: str, language: str) -> str:
        """The label of ``name`` in ``group`` (one of GROUPS) for ``language``; by default
        a facet's title, else the name with its hyphens as spaces ("no-agreement" →
        "no agreement"; a significance's plural: the singular, "turning points" aside)."""
        for g, items in self.given:
            for n, label in items if g == group else ():
                if n == name:
                    return label.text(language)
        if group == "facets":
            return DEFAULT_FACET_TITLES.get(name, name)
        if group == "significance_plural":
            return DEFAULT_PLURALS.get(name) or self.text("significance", name, language)
        return name.replace("-", " ")


def site_labels_setting(value: object, allowed: Mapping[str, tuple[str, ...]],
                        bad: Callable[..., None]) -> SiteLabels | None:
    """``[labels]``: a table per group of GROUPS (``allowed``: the names each may label)."""
    if not isinstance(value, dict):
        bad("labels", "must be a table", "write it as [labels.facets], [labels.kinds], …")
        return None
    given = []
    for group, table in value.items():
        if group not in GROUPS:
            from sitegen.errors import did_you_mean

            bad(f"labels.{group}", "unknown group of labels",
                did_you_mean(group, GROUPS) or "known: " + ", ".join(GROUPS))
            return None
        got = labels_setting(table, f"labels.{group}", allowed[group], bad)
        if got is None:
            return None
        given.append((group, tuple(got.items())))
    return SiteLabels(tuple(given))
