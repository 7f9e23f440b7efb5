"""``sitegen verify-output DIR``: the last check on a built site before it is published.

A deploy packs the folder as it finds it, and GitHub's Pages artifact follows links: a link
in the output publishes whatever it points to (a ``.gitkeep -> ../.git/config`` would
publish the checkout's credentials). So the folder may hold only folders and regular,
readable files of the kinds a sitegen site is made of; anything else is listed and fails
the check. Hard links are not looked at: they are regular files, and sitegen makes them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sitegen.engine.tree import MARKER
from sitegen.errors import OutputError, Problem

# what a build writes: pages, feeds and data exports, static files, Pagefind's index
SUFFIXES = frozenset({
    "html", "xml", "json", "csv", "ics", "txt", "svg", "css", "js", "png", "ico", "bib", "ris",
    "webmanifest", "pagefind", "pf_fragment", "pf_index", "pf_meta", "pf_filter", "wasm",
})
NAMES = frozenset({"CNAME", ".nojekyll", ".gitkeep", MARKER})
KIND_HINT = ("sitegen never writes such a file; remove it, or find what put it there "
             "(a static file in templates/static, or something outside sitegen)")
LINK_HINT = "a deploy publishes what a link points to: build again into a new folder"


def verify_output(folder: Path, shown: str | None = None) -> int:
    """The number of files in ``folder`` if it is fit to publish; else OutputError listing
    every path that is not (``shown``: how the folder is named in messages)."""
    name = _printable(shown if shown is not None else str(folder))
    if folder.is_symlink():
        raise _refused(name, "is a symbolic link", "give the folder itself, not a link to it")
    if not folder.is_dir():
        raise _refused(name, "does not exist" if not folder.exists() else "is not a folder",
                       "give the folder the site was built into, e.g. output or _site")
    problems: list[Problem] = []
    files = 0
    stack = [(os.fspath(folder), name)]
    while stack:
        path, where = stack.pop()
        try:
            with os.scandir(path) as listing:
                found = sorted(listing, key=lambda d: d.name)
        except OSError:
            problems.append(Problem(where, None, None, "is not readable",
                                    "give the folder read and search permissions"))
            continue
        for d in found:
            problem = _check(d, f"{where}/{_printable(d.name)}")
            if problem is not None:
                problems.append(problem)
            elif d.is_dir(follow_symlinks=False):
                stack.append((d.path, f"{where}/{_printable(d.name)}"))
            else:
                files += 1
    if problems:
        raise OutputError(problems=problems)
    return files


def _check(d: os.DirEntry[str], where: str) -> Problem | None:
    """What is wrong with one entry of the folder, if anything."""
    try:
        st = d.stat(follow_symlinks=False)
    except OSError as exc:
        return Problem(where, None, None, f"cannot be examined ({exc.strerror or exc})")
    if stat.S_ISLNK(st.st_mode):
        return Problem(where, None, None, "is a symbolic link", LINK_HINT)
    if stat.S_ISDIR(st.st_mode):
        return None
    if not stat.S_ISREG(st.st_mode):
        return Problem(where, None, None, "is not a regular file or folder",
                       "remove it: pipes, sockets and devices are never part of a site")
    if not st.st_mode & stat.S_IRUSR or not os.access(d.path, os.R_OK):
        return Problem(where, None, None, "is not readable",
                       "sitegen writes readable files: build again into a new folder")
    if d.name not in NAMES:
        suffix = d.name.rpartition(".")[2].lower() if "." in d.name.lstrip(".") else ""
        if suffix not in SUFFIXES:
            kind = f".{suffix}" if suffix else "no extension"
            return Problem(where, None, None,
                           f"is not a kind of file the site produces ({kind})", KIND_HINT)
    return None


def _printable(name: str) -> str:
    """A file name fit for a terminal: control characters (an escape sequence in a file
    name would reach the maintainer's terminal or the CI log) shown as escapes."""
    if name.isprintable():
        return name
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def _refused(name: str, message: str, hint: str) -> OutputError:
    return OutputError(problems=[Problem(name, None, None, message, hint)])
