"""How a site shows its vocabularies: kinds grouped into colour families, and period kinds
with the chart layer, label and colour each is drawn with (settings ``kind_families`` and
``period_kinds``).

The shipped theme has FAMILY_COLOURS colour slots for families (``f0`` … ``f5``, checked for
contrast and colour-blind safety by tests/test_palette.py) and the named PERIOD_COLOURS for
periods; a setting names them, the stylesheet defines them for light and dark mode.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sitegen.i18n.language import PerLanguageError, per_language

FAMILY_COLOURS = 6  # f0 … f5 in the stylesheet
PERIOD_LAYERS = ("strip", "lane", "shade", "none")
PERIOD_COLOURS = ("grey", "sand", "amber", "red", "purple", "blue", "teal")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # always fullmatch

Bad = Callable[..., None]  # bad(key, message, hint=None), as in config._validate


@dataclass(frozen=True)
class KindFamily:
    """Kinds drawn in one colour: a few families read better than a dozen colours."""

    id: str
    label: str
    kinds: tuple[str, ...]
    cls: str  # the colour slot, f0 … f5


@dataclass(frozen=True)
class PeriodKind:
    """A kind of period and how it is drawn.

    ``layer``: ``strip`` (a labelled band under the axis, for eras that follow each other),
    ``lane`` (a row of its own under the axis, labelled with ``label``), ``shade`` (shaded
    behind the bars) or ``none`` (on the timeline only). ``colour``: one of PERIOD_COLOURS.
    """

    id: str
    layer: str
    label: str
    colour: str
    translations: tuple[tuple[str, str, str], ...] = ()  # ("label", language, text)


# The families of the default kinds (sitegen.config.DEFAULT_KINDS).
DEFAULT_FAMILIES = (
    ("meetings", ("meeting", "summit")),
    ("agreements", ("agreement", "treaty", "declaration", "resumption")),
    ("positions", ("statement", "proposal")),
    ("ruptures", ("suspension", "military")),
    ("enlargement", ("enlargement",)),
    ("other", ("other",)),
)
DEFAULT_PERIOD_STYLES = {"era": ("strip", "Era", "grey"),
                         "suspension": ("lane", "Suspension", "amber")}


def _label(name: str) -> str:
    return name.replace("-", " ")


def default_families(kinds: Sequence[str]) -> tuple[KindFamily, ...]:
    """Families when the settings name none: the default grouping for the default kinds,
    else one family per kind, the kinds past the fifth sharing an "other kinds" family."""
    listed = {k for _, ks in DEFAULT_FAMILIES for k in ks}
    if set(kinds) <= listed:
        groups = [(name, tuple(k for k in ks if k in kinds)) for name, ks in DEFAULT_FAMILIES]
        groups = [(n, ks) for n, ks in groups if ks]
    elif len(kinds) <= FAMILY_COLOURS:
        groups = [(k, (k,)) for k in kinds]
    else:
        head = FAMILY_COLOURS - 1
        groups = [(k, (k,)) for k in kinds[:head]] + [("other-kinds", tuple(kinds[head:]))]
    return tuple(KindFamily(n, _label(n), ks, f"f{i}") for i, (n, ks) in enumerate(groups))


def kind_families_setting(value: Any, bad: Bad) -> tuple[KindFamily, ...] | None:
    """``kind_families = { meetings = ["meeting", "summit"], … }`` in the file's order."""
    hint = 'e.g. kind_families = { meetings = ["meeting", "summit"], other = ["other"] }'
    if not isinstance(value, dict) or not value:
        bad("kind_families", "must be a table of family names and their kinds", hint)
        return None
    if len(value) > FAMILY_COLOURS:
        bad("kind_families", f"has {len(value)} families; the theme has {FAMILY_COLOURS} "
            "colours for them", "group the kinds into fewer families")
        return None
    out = []
    for i, (name, kinds) in enumerate(value.items()):
        if not _ID.fullmatch(name) or not (
                isinstance(kinds, list) and kinds
                and all(isinstance(k, str) and _ID.fullmatch(k) for k in kinds)):
            bad(f"kind_families.{name}", "must be a lowercase name and a non-empty list of "
                "kinds", hint)
            return None
        out.append(KindFamily(name, _label(name), tuple(kinds), f"f{i}"))
    return tuple(out)


def check_families(families: tuple[KindFamily, ...], kinds: Sequence[str], bad: Bad) -> bool:
    """Every kind in exactly one family, and no family naming an unknown kind."""
    ok = True
    seen: dict[str, str] = {}
    for f in families:
        for k in f.kinds:
            if k not in kinds:
                bad(f"kind_families.{f.id}", f"'{k}' is not one of the kinds",
                    "kinds: " + ", ".join(kinds))
                ok = False
            elif k in seen:
                bad(f"kind_families.{f.id}", f"'{k}' is already in the family '{seen[k]}'")
                ok = False
            seen[k] = f.id
    missing = [k for k in kinds if k not in seen]
    if missing:
        bad("kind_families", "leaves out the kinds " + ", ".join(missing),
            "add each kind to one family")
        ok = False
    return ok


def period_kinds_setting(value: Any, bad: Bad, languages: tuple[str, ...] = ("en",)
                         ) -> tuple[PeriodKind, ...] | None:
    """``period_kinds``: a list of names (each drawn the default way) or a table
    ``{name = {layer, label, colour}}``; a label may be given per language
    (``label = { en = "Era", fr = "Ère" }``; ``languages``: the site's, its own first)."""
    if isinstance(value, list):
        if not (value and all(isinstance(v, str) and _ID.fullmatch(v) for v in value)):
            bad("period_kinds", "must be a non-empty list of lowercase words like \"era\"",
                "or a table: [period_kinds.era] with layer, label and colour")
            return None
        return tuple(default_period_kind(v, i) for i, v in enumerate(value))
    if not isinstance(value, dict) or not value:
        bad("period_kinds", "must be a list of names or a table of period kinds",
            'e.g. [period_kinds.era] layer = "strip", label = "Era", colour = "grey"')
        return None
    out: list[PeriodKind] = []
    for name, spec in value.items():
        key = f"period_kinds.{name}"
        if not _ID.fullmatch(name) or not isinstance(spec, dict):
            bad(key, "must be a lowercase name with a table of layer, label and colour")
            return None
        unknown = sorted(set(spec) - {"layer", "label", "colour"})
        if unknown:
            bad(f"{key}.{unknown[0]}", "unknown setting", "known: layer, label, colour")
            return None
        default = default_period_kind(name, len(out))
        layer = spec.get("layer", default.layer)
        label = spec.get("label", default.label)
        colour = spec.get("colour", default.colour)
        if layer not in PERIOD_LAYERS:
            bad(f"{key}.layer", f"'{layer}' is not a layer", "one of: " + ", ".join(PERIOD_LAYERS))
            return None
        try:
            label, others = per_language(label, languages[0], languages)
        except PerLanguageError as exc:
            bad(f"{key}.label", *exc.args)
            return None
        if not isinstance(label, str) or not label.strip() or "\n" in label:
            bad(f"{key}.label", "must be a one-line text")
            return None
        if colour not in PERIOD_COLOURS:
            bad(f"{key}.colour", f"'{colour}' is not one of the theme's period colours",
                "one of: " + ", ".join(PERIOD_COLOURS))
            return None
        out.append(PeriodKind(name, layer, label.strip(), colour,
                              tuple(("label", k, v) for k, v in sorted(others.items()))))
    return tuple(out)


def default_period_kind(name: str, index: int) -> PeriodKind:
    """How a period kind named only in a list is drawn: ``era`` and the first kind as the
    labelled strip, the others each in a lane of their own."""
    if name in DEFAULT_PERIOD_STYLES:
        layer, label, colour = DEFAULT_PERIOD_STYLES[name]
        return PeriodKind(name, layer, label, colour)
    colours = PERIOD_COLOURS[1:]
    return PeriodKind(name, "strip" if index == 0 else "lane", _label(name).capitalize(),
                      colours[index % len(colours)])
