"""Where the default theme, the JSON Schemas and the starter site are: inside the installed
package (a wheel carries them as ``sitegen/theme``, ``sitegen/schemas`` and
``sitegen/starter``), or, when sitegen runs from this repository's checkout (an editable
install), in its ``templates/`` and ``schema/`` folders, which are their sources, and in
``sitegen/starter``."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _packaged(inside: str, in_checkout: str, probe: str) -> Path:
    for folder in (_PACKAGE / inside, _PACKAGE.parent / in_checkout):
        if (folder / probe).is_file():
            return folder
    raise FileNotFoundError(f"sitegen's {inside} is missing from its installation: reinstall it")


def default_theme() -> Path:
    """The folder of the packaged default theme (templates, partials/ and static/)."""
    return _packaged("theme", "templates", "base.html")


def schemas() -> Path:
    """The folder of the JSON Schemas sitegen publishes and editors use."""
    return _packaged("schemas", "schema", "timeline.schema.json")


def starter() -> Path:
    """The folder of the files ``sitegen init`` writes (and the built-in entry archetype).

    It is package data in the checkout too (``sitegen/starter``): no copy to keep in step.
    """
    return _packaged("starter", "sitegen/starter", "archetypes/entry.md")
