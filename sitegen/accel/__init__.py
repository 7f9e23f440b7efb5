"""Accelerators: faster drop-ins for third-party code, each checked against the stock one.

Everything in sitegen that reaches into a library's private internals, or copies what a
library does in order to do it faster, is in this package, and the rest of sitegen uses it
only through the functions below. Each checks its version gate (sitegen.accel.gates) first
and imports the accelerator only when the installed version is one the tests cover, so
outside that range no code touching the library's internals even loads: stock code runs,
and an EnvironmentNotice says so once.

- ``fastinline``: Python-Markdown's inline passes, skipping patterns that cannot match.
- ``fastyaml``: PyYAML's constructor and resolver, for plain front matter.
- ``fastjson``: indented JSON, as ``json.dumps`` writes it.
- ``pagefind_canon``: Pagefind's index in a canonical order (byte-identical builds).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

from sitegen.accel import gates


def speed_up_markdown(md: Any) -> bool:
    """Make ``md`` (a markdown.Markdown) faster with the same output; whether it did."""
    if not gates.MARKDOWN.open():
        return False
    from sitegen.accel.fastinline import speed_up

    speed_up(md)
    return True


def yaml_fast_path() -> ModuleType | None:
    """sitegen.accel.fastyaml (its ``Loader`` and ``construct_plain``), or None for
    PyYAML's own code."""
    if not gates.PYYAML.open():
        return None
    from sitegen.accel import fastyaml

    return fastyaml


def indented_json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)``, faster."""
    if gates.JSON.open():
        from sitegen.accel.fastjson import indented_json as fast

        return fast(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)


def canonicalise_search_index(folder: Path) -> bool:
    """Put the Pagefind index in ``folder`` in canonical order (the same bytes on every
    build); False, with a notice, where it is left as Pagefind wrote it (a Pagefind
    version outside the tested ones, or a format this code does not know). Raises
    OutputError only if rewriting fails halfway."""
    from sitegen.accel import pagefind_canon

    try:
        version = pagefind_canon.index_version(folder)
    except pagefind_canon.FormatError as exc:
        gates.notify(f"cannot read the search index's version ({exc}): "
                     f"{gates.PAGEFIND.fallback}")
        return False
    if not gates.PAGEFIND.open(version):
        return False
    try:
        pagefind_canon.canonicalise_index(folder)
    except pagefind_canon.FormatError as exc:
        gates.notify(f"Pagefind {version} wrote an index in a format sitegen does not know "
                     f"({exc}): {gates.PAGEFIND.fallback}")
        return False
    return True
