"""Problems found while loading, collected for one load and reported together."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from sitegen.errors import Problem, display_path


@functools.lru_cache(maxsize=65536)
def _shown(path: str, root: str) -> str:
    """display_path, memoised: a rebuild of 10,000 entries names every file again. (By
    text: a Path of each file kept here would be ~600 bytes an entry for the whole build.)"""
    return display_path(path, root)


class Collector:
    """Accumulates problems for one load."""

    def __init__(self, root: Path, real_dirs: dict[Path, str] | None = None) -> None:
        """``real_dirs``: a memo of resolved folders to share between collectors."""
        self.root = root
        self.problems: list[Problem] = []
        self._real_dirs: dict[Path, str] = {} if real_dirs is None else real_dirs

    def real_dir(self, folder: Path) -> str:
        """``folder`` with every link resolved, once per folder and load."""
        real = self._real_dirs.get(folder)
        if real is None:
            real = self._real_dirs[folder] = os.path.realpath(folder)
        return real

    def show(self, path: Path) -> str:
        return _shown(str(path), str(self.root))

    def error(self, path: str, line: int | None, fld: str | None, message: str,
              hint: str | None = None) -> None:
        self.problems.append(Problem(path, line, fld, message, hint))

    def warn(self, path: str, line: int | None, fld: str | None, message: str,
             hint: str | None = None) -> None:
        self.problems.append(Problem(path, line, fld, message, hint, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
