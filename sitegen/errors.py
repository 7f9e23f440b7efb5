"""The one error hierarchy of sitegen, and how a problem reads to a person."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) in the input, located as precisely as we can."""

    path: str
    line: int | None
    field: str | None
    message: str
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    def format(self) -> str:
        """Render as ``path:line: field: message (hint)``, the form the CLI and server show.

        Every part may quote content (a file name, a value), so control characters are
        shown escaped: an escape sequence in a file must not drive the reader's terminal.
        """
        where = printable(self.path)
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.severity == "warning":
            parts.append("warning")
        if self.field:
            parts.append(printable(self.field))
        text = ": ".join(parts) + ": " + printable(self.message)
        if self.hint:
            text += f"\n    hint: {printable(self.hint)}"
        return text


# C0 controls (newline and tab included: a value must not start a fake line), DEL, C1, and
# the bidirectional overrides that reorder what a terminal shows
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                          "\u2028\u2029]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(m.group()) or (
        f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\n``)."""
    return _UNPRINTABLE.sub(_escape, text)


class SitegenError(Exception):
    """Base of every error sitegen reports to a user (never shown with a traceback)."""

    exit_code = 1

    def __init__(self, message: str = "", problems: Iterable[Problem] = ()) -> None:
        self.problems = sorted(problems, key=_problem_key)
        super().__init__(message or self._summary())

    def _summary(self) -> str:
        return "\n".join(p.format() for p in self.problems)

    def format(self, wrote_nothing: bool = True) -> str:
        """Everything a user needs to read, one problem per paragraph, and a count.

        ``wrote_nothing``: the command would have written (build, new, init) and did not,
        which the closing line says; a command that never writes (check) leaves it out.
        """
        if self.problems:
            lines = [p.format() for p in self.problems]
            n = sum(1 for p in self.problems if p.severity == "error")
            end = "; nothing was written." if wrote_nothing else "."
            lines.append(f"{n} error{'s' if n != 1 else ''} found{end}")
            return "\n".join(lines)
        return printable(str(self))


def error_text(exc: BaseException, hint: str = "run again with --debug") -> str:
    """What a user reads about ``exc``: its problems, or for anything else (a bug in
    sitegen) the internal-error line, control characters escaped, and ``hint``."""
    if isinstance(exc, SitegenError):
        return exc.format()
    return (f"sitegen: internal error: {type(exc).__name__}: {printable(str(exc))}\n"
            f"    hint: this is a bug in sitegen; {hint} and report the output")


class UsageError(SitegenError):
    """The command line was wrong (exit code 2)."""

    exit_code = 2


class ConfigError(SitegenError):
    """The site configuration is invalid."""


class ContentError(SitegenError):
    """One or more content files are invalid."""


class TemplateError(SitegenError):
    """A template failed to compile or render."""


class OutputError(SitegenError):
    """The output directory cannot be written safely."""


def _problem_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.path, p.line or 0, p.field or "", p.message)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A 'did you mean …?' hint for a misspelt key or id, or None when nothing is close."""
    matches = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


def display_path(path: Path | str, root: Path | str) -> str:
    """A path as the user should read it: relative to the project when inside it."""
    named, base = os.path.abspath(path), os.path.abspath(root)
    if os.sep == "/" and named.startswith(base + "/") and base != "/":
        return named[len(base) + 1:]  # what relative_to gives, without building Paths
    try:  # the path as named, not where a link points (and no link loop can raise)
        return Path(named).relative_to(base).as_posix()
    except ValueError:
        pass
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return Path(path).as_posix()
