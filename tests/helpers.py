"""Helpers shared by the tests: file trees, reference builds, edits, an in-memory sink."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from conftest import FIXTURES

from sitegen.config import Config, load_config
from sitegen.engine.builder import Builder, build
from sitegen.engine.sinks import Nothing
from sitegen.engine.tree import Identity


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def inodes(folder: Path) -> dict[str, int]:
    """The inode of every file under ``folder``: which files a build wrote anew."""
    return {rel: (folder / rel).stat().st_ino for rel in tree(folder)}


def fixture_copy(tmp: Path, name: str = "basic") -> Path:
    """A writable copy of tests/fixtures/<name>."""
    return shutil.copytree(FIXTURES / name, tmp / name, symlinks=True)


def cold(root: Path, tmp: Path, drafts: bool = False) -> dict[str, bytes]:
    """The reference: a build without cache into a new folder, as a tree."""
    out = tmp / f"cold-{len(list(tmp.glob('cold-*')))}"
    build(load_config(root), output=out, drafts=drafts, cache=False)
    return tree(out)


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a text file by ``new`` (which must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class Memory(Nothing):
    """A sink that keeps every file written, in memory (``files``)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def write(self, rel: str, data: bytes | Iterable[bytes]) -> Identity:
        got = self.files[rel] = data if isinstance(data, bytes) else b"".join(data)
        return super().write(rel, got)


def render_all(config: Config, drafts: bool = False) -> dict[str, bytes]:
    """Every file of the site, rendered in memory (one process, no cache)."""
    sink = Memory()
    Builder(config, sink, drafts=drafts, once=True).build()
    return sink.files
