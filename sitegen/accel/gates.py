"""Version gates: each accelerator runs only on the library versions its tests cover.

An accelerator replaces a library's code with a faster one that must give the same result;
the differential tests (and, for Python-Markdown, its own test suite) prove that on the
versions CI installs: the lowest and the newest that pyproject.toml allows. Outside that
range nothing is proven, so the accelerator steps aside, stock code runs, and sitegen says
so once with an :class:`EnvironmentNotice`. A notice is about the machine, not the content:
it is a Python warning of its own category, never a content Problem, so ``--strict`` does
not fail on it. The command line prints each one once on stderr (:func:`notices_to`);
library callers see them through :mod:`warnings` like any other.

The ranges here are the dependency bounds in pyproject.toml (tests/test_accel_gates.py keeps
the two in step).
"""

from __future__ import annotations

import importlib
import platform
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TextIO


class EnvironmentNotice(UserWarning):
    """sitegen fell back to stock code because of an installed version, not the content."""


@dataclass(frozen=True)
class Gate:
    """The versions of one library an accelerator is tested on: ``lowest`` <= v < ``below``."""

    accelerator: str  # what steps aside, as the notice names it
    library: str
    lowest: str
    below: str
    fallback: str  # what runs instead
    version: Callable[[], str] | None = None  # reads the installed version, if it can be read

    def admits(self, version: str) -> bool:
        """Whether ``version`` is in the tested range (a pre-release or dev build never is)."""
        return _within(version, self.lowest, self.below)

    def open(self, version: str | None = None) -> bool:
        """True when the accelerator may run; otherwise an EnvironmentNotice says why.

        ``version``: the version in use, when the library reports it elsewhere (Pagefind
        writes it into its index); by default the gate reads the installed one.
        """
        if version is None:
            if self.version is None:
                raise ValueError(f"the {self.library} gate needs the version in use")
            version = self.version()
        if self.admits(version):
            return True
        notify(self.notice(version))
        return False

    def notice(self, version: str) -> str:
        return (f"{self.library} {version} is not a version sitegen's {self.accelerator} is "
                f"tested on (>={self.lowest}, <{self.below}): {self.fallback}")


def notify(message: str) -> None:
    """Tell the user sitegen fell back to stock code (once: see notices_to)."""
    warnings.warn(message, EnvironmentNotice, stacklevel=3)


_RELEASE = re.compile(r"(\d+(?:\.\d+)*)((?:\.post\d+)?(?:\+[A-Za-z0-9.]+)?)")


@lru_cache(maxsize=64)
def _within(version: str, lowest: str, below: str) -> bool:
    match = _RELEASE.fullmatch(version.strip())
    if match is None:  # 3.12.0b1, 6.0.dev0, "unknown": not a tested release
        return False
    release = _numbers(match.group(1))
    return _numbers(lowest) <= release < _numbers(below)


def _numbers(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:  # 3.10.0 == 3.10
        parts.pop()
    return tuple(parts)


def _module_version(name: str) -> Callable[[], str]:
    def read() -> str:
        return str(importlib.import_module(name).__version__)

    return read


MARKDOWN = Gate("fastinline", "Python-Markdown", "3.10", "3.12",
                "converting with stock Python-Markdown (the same HTML, about twice as slow)",
                _module_version("markdown"))
PYYAML = Gate("fast YAML constructor", "PyYAML", "6.0", "7",
              "reading front matter with PyYAML's own constructor (the same data, slower)",
              _module_version("yaml"))
# tested by `make test` on 3.11 (here) and 3.12 (.github/workflows/ci.yml)
JSON = Gate("indented JSON writer", "Python", "3.11", "3.13",
            "writing JSON with json.dumps (the same text, slower)",
            lambda: platform.python_version())
PAGEFIND = Gate("search index canonicaliser", "Pagefind", "1.3", "1.6",
                "the search index is Pagefind's own, as it wrote it: complete, but not "
                "byte-identical from one build to the next")

# checked when a command starts; Pagefind's is checked on each index it writes
LIBRARY_GATES = (MARKDOWN, PYYAML, JSON)


def check_all() -> list[Gate]:
    """Check every library gate now (each closed one gives its notice); the closed ones."""
    return [gate for gate in LIBRARY_GATES if not gate.open()]


@contextmanager
def notices_to(stream: TextIO | None = None) -> Iterator[None]:
    """Print each EnvironmentNotice raised inside the block once, as one line on ``stream``
    (default: stderr); other warnings go where they went before."""
    seen: set[str] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("always", EnvironmentNotice)  # this handler removes repeats
        previous = warnings.showwarning

        def show(message: Warning | str, category: type[Warning], *args: Any,
                 **kwargs: Any) -> None:
            if not issubclass(category, EnvironmentNotice):
                previous(message, category, *args, **kwargs)
                return
            text = str(message)
            if text not in seen:
                seen.add(text)
                print(f"notice: {text}", file=stream or sys.stderr, flush=True)

        warnings.showwarning = show
        yield
