"""What differs between systems, in one place, so that the engine runs where Linux's extras
do not exist (Windows, or a Python without ``fcntl``, ``os.fork`` or ``ctypes``): the lock
that keeps two builds out of one output folder, the atomic swap of two folders, and the
number of cores. Each has a slower fallback that writes the same bytes.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

try:  # POSIX: builds lock the output's parent folder (flock); elsewhere a lock file
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # 0 on Windows: callers look for a link first


def lock_file(target: Path) -> Path:
    """The lock file of builds of ``target`` where there is no flock: ``.NAME.lock``."""
    return target.parent / f".{target.name}.lock"


def try_lock(target: Path) -> int | None:
    """Take the lock of builds of the folder ``target`` without waiting: a handle for
    ``unlock``, or None while another build holds it. flock on the parent folder (no extra
    file; dropped if the build is killed), or without fcntl a lock file only one build can
    create (a killed build leaves it: ``lock_hint`` names it)."""
    if fcntl is None:
        try:
            os.close(os.open(lock_file(target), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            return None
        return -1
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def unlock(target: Path, handle: int) -> None:
    if handle >= 0:
        os.close(handle)  # closing the descriptor drops the lock
    else:
        lock_file(target).unlink(missing_ok=True)


def lock_hint(target: Path) -> str:
    """What to add to the hint when the lock was never given up."""
    return "" if fcntl is not None else f" (if none is running, delete {lock_file(target)})"


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE); False where unsupported
    (no ctypes or C library, or not Linux): the caller then renames twice."""
    try:
        import ctypes

        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (ImportError, OSError, AttributeError, TypeError):
        return False
    if fn(-100, os.fsencode(a), -100, os.fsencode(b), 2) == 0:  # AT_FDCWD, RENAME_EXCHANGE
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def can_fork() -> bool:
    return hasattr(os, "fork")


def cores() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def running(pid: int) -> bool:
    """Whether a process with this id is running (another user's counts)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:  # another user's process (PermissionError)
        pass
    return True


def user_id() -> int | None:
    """This process's effective user id; None where files have no owner (Windows)."""
    return os.geteuid() if hasattr(os, "geteuid") else None


def trim_heap() -> None:
    """Return free heap pages to the system (glibc), e.g. before forking."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (ImportError, OSError, AttributeError, TypeError):  # not glibc
        pass
