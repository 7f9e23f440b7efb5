"""Where a build's files go besides the atomic tree of ``build`` (tree.py): the preview's
live folder, updated in place, and nothing at all (``check``).

Every sink is entered once per build (``with sink.open(n):`` for ``n`` outputs) and has
``write(rel, data) -> identity``, ``keep(live, spare) -> files or None`` (reuse an output's
files: those recorded in the live folder, or in the spare tree), ``publish(rels)`` (show
these now) and ``finish(files)`` (the build is done: these are all its files).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from sitegen.engine.tree import (
    MARKER,
    MARKER_TEXT,
    Files,
    Identity,
    check_output_target,
    check_relative,
    clear,
    output_error,
    write_new,
)


class LiveFolder:
    """The preview's folder, which the server reads while it changes: new files are staged
    beside it and each is renamed over its old copy (readers see the old file or the new
    one), early for the pages open browsers show (``publish``), the rest when the build
    ends; files the site no longer has are removed then. A failed build publishes nothing
    more, so the last good pages stay."""

    keeps_records = False

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder.absolute()
        self.root = root
        self.stage = self.folder.parent / f".{self.folder.name}.stage-{os.getpid()}"
        self.known: set[str] | None = None  # the files the folder holds (None: unknown)

    def open(self, n: int) -> LiveFolder:
        return self

    def __enter__(self) -> LiveFolder:
        check_output_target(self.folder, [self.root])
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            clear(self.stage)
            self.stage.mkdir()
            if not (self.folder / MARKER).is_file():
                write_new(self.folder, MARKER, MARKER_TEXT)
        except OSError as exc:
            raise output_error(self.folder, exc, "cannot create the preview folder") from None
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)

    def write(self, rel: str, data: bytes | Iterable[bytes]) -> Identity:
        try:
            return write_new(self.stage, rel, data)
        except OSError as exc:
            raise output_error(self.folder, exc, f"cannot write {rel}") from None

    def keep(self, live: Files | None, spare: Files | None) -> Files | None:
        """The preview's own folder holds what was recorded (serve wrote it, nothing else
        does): at 10,000 pages, checking each file would cost a tenth of every rebuild."""
        return live

    def publish(self, rels: Iterable[str]) -> None:
        try:
            for rel in rels:
                dest = self.folder.joinpath(*check_relative(rel).parts)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.stage / rel, dest)
        except OSError as exc:
            self.known = None
            raise output_error(self.folder, exc, "cannot update the preview") from None

    def finish(self, files: Iterable[str]) -> None:
        self.publish(sorted(_files(self.stage)))
        files = set(files) | {MARKER}
        for rel in sorted((_files(self.folder) if self.known is None else self.known) - files):
            _remove(self.folder, rel)
        self.known = files


def _files(top: Path) -> set[str]:
    """Every file under ``top``, by relative path."""
    return {os.path.relpath(os.path.join(d, n), top).replace(os.sep, "/")
            for d, _, names in os.walk(top) for n in names}


def _remove(folder: Path, rel: str) -> None:
    """Remove ``rel`` from ``folder``, and its folders that are left empty."""
    dest = folder.joinpath(*check_relative(rel).parts)
    clear(dest)
    parent = dest.parent
    while parent != folder:
        try:
            parent.rmdir()
        except OSError:  # not empty (or gone): stop here
            return
        parent = parent.parent


class Nothing:
    """``check``: every output is rendered, none is kept, nothing is written."""

    keeps_records = False

    def open(self, n: int) -> Nothing:
        return self

    def __enter__(self) -> Nothing:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def write(self, rel: str, data: bytes | Iterable[bytes]) -> Identity:
        check_relative(rel)
        size = len(data) if isinstance(data, bytes) else sum(len(b) for b in data)
        return (0, 0, size)

    def keep(self, live: Files | None, spare: Files | None) -> Files | None:
        return None

    def publish(self, rels: Iterable[str]) -> None:
        pass

    def finish(self, files: Iterable[str]) -> None:
        pass


