"""Reusing previous output inside an atomic build: hard links and the spare tree.

A big site has one folder per page, and on some disks creating 10,000 folders (and, worse,
deleting them) costs more than rendering. So a big build does not start from an empty
temporary folder: the site swapped out by the previous build is kept as ``.NAME.spare``
and becomes the next build's temporary folder. Files in it that are still right (same
signature, and still the very file we wrote: inode, mtime, size) stay untouched; others are
replaced by a hard link to the live file or written anew; files the site no longer has are
removed. Then the folders are swapped as before, so readers only ever see whole sites.

Files can be shared (hard-linked) between the live site and the spare, so nothing here
ever writes into an existing file: it is unlinked first (``fresh_write``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

from sitegen.engine.writer import MARKER, AtomicOutput, clear, plain_tree, safe_relative

Identity = tuple[int, int, int]  # inode, mtime in ns, size of a file we wrote


def identity(path: Path) -> Identity:
    st = os.stat(path)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def intact(path: Path, expected: Identity) -> bool:
    """Whether ``path`` is still exactly the file we recorded (not replaced or edited)."""
    try:
        return identity(path) == expected
    except OSError:
        return False


def _dest(out: AtomicOutput, rel: str) -> Path:
    return out.tmp.joinpath(*safe_relative(rel).parts)


def link(out: AtomicOutput, src: Path, rel: str) -> bool:
    """Hard-link the live file ``src`` into the build as ``rel``; False if impossible."""
    dest = _dest(out, rel)
    try:
        try:
            os.link(src, dest)  # into a new folder there is nothing to clear first
        except FileExistsError:
            clear(dest)
            os.link(src, dest)
    except FileNotFoundError:
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.link(src, dest)
        except OSError:
            return False
    except OSError:
        return False
    return True


def fresh_write(out: AtomicOutput, rel: str, data: bytes | Iterable[bytes]) -> Identity:
    """Write ``rel`` as a new file (never through an existing, maybe shared, one)."""
    st = out.write_new(rel, data)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def replace_file(folder: Path, rel: str, data: bytes) -> Identity:
    """Replace ``rel`` under a live ``folder`` atomically: readers see the old or the new file.

    Written beside it and renamed over it, so a file hard-linked elsewhere is left intact.
    """
    dest = folder.joinpath(*safe_relative(rel).parts)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, dest)
    except BaseException:
        clear(tmp)
        raise
    return identity(dest)


def remove_file(folder: Path, rel: str) -> None:
    """Remove ``rel`` from a live ``folder``, and its folder if that is left empty."""
    dest = folder.joinpath(*safe_relative(rel).parts)
    clear(dest)
    parent = dest.parent
    while parent != folder:
        try:
            parent.rmdir()
        except OSError:  # not empty (or gone): stop here
            return
        parent = parent.parent


def spare_of(target: Path) -> Path:
    return target.parent / f".{target.name}.spare"


def adopt_spare(out: AtomicOutput) -> bool:
    """Use the spare site as this build's temporary folder; False if there is none.

    Only a spare that is a real folder of this user holding no link is adopted: every
    write of the build goes into it, and a linked folder inside (committed in a checkout,
    e.g. ``static -> ../.git``) would take those writes out of it. Any other is removed.
    """
    spare = spare_of(out.target)
    if not os.path.lexists(spare):
        return False
    if not plain_tree(spare):
        clear(spare)  # removes links, never what they point to
        return False
    fresh = {p.name: p.read_bytes() for p in out.tmp.iterdir() if p.is_file()}
    try:
        shutil.rmtree(out.tmp)  # holds only the marker and the kept files so far
        os.rename(spare, out.tmp)
    except OSError:
        out.tmp.mkdir(exist_ok=True)
        adopted = False
    else:
        adopted = True
    for name, data in fresh.items():
        fresh_write(out, name, data)
    return adopted


def keep_as_spare(path: Path, target: Path) -> None:
    """AtomicOutput.discard for big sites: the previous site becomes the next spare."""
    spare = spare_of(target)
    if os.path.lexists(spare):
        discard_in_background(spare)
    try:
        os.rename(path, spare)
    except OSError:
        discard_in_background(path)


def prune(out: AtomicOutput, expected: set[str]) -> None:
    """Remove every file of the build that is not in ``expected``, and emptied folders."""
    keep = expected | {MARKER}
    root = str(out.tmp)
    cut = len(root) + 1
    for folder, dirs, files in os.walk(root, topdown=False):
        prefix = folder[cut:].replace(os.sep, "/") + "/" if len(folder) > len(root) else ""
        for name in files:
            if prefix + name not in keep:
                os.unlink(os.path.join(folder, name))
        for name in dirs:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                os.unlink(path)
            else:
                try:
                    os.rmdir(path)  # only an empty folder goes
                except OSError:
                    pass


def _remove_detached(path: Path) -> None:
    subprocess.Popen(["rm", "-rf", "--", str(path)], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)


def discard_in_background(path: Path) -> None:
    """Move a folder aside as ``.NAME.trash-*`` and delete it in a detached process."""
    name = path.name.split(".tmp-")[0].split(".old-")[0].split(".spare")[0]
    trash = path.with_name(f"{name}.trash-{os.getpid()}-{time.monotonic_ns()}")
    try:
        os.rename(path, trash)
        _remove_detached(trash)
    except OSError:
        shutil.rmtree(path, ignore_errors=True)


def sweep_trash(target: Path) -> None:
    """Delete (in the background) what interrupted background deletions left."""
    for old in target.parent.glob(f".{target.name}.trash-*"):
        try:
            _remove_detached(old)
        except OSError:
            pass
