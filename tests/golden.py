"""Golden output of the fixture sites: build, compare, and (explicitly) regenerate.

Regenerate after an intended change with `make golden` (or `python tests/golden.py`),
then review the diff in git before committing it.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN_SITES = ("basic",)


def build_fixture(name: str, output: Path) -> Path:
    """Build tests/fixtures/<name> into ``output`` with a fixed timestamp, from a copy
    outside this repository's Git checkout (its history would change the pages)."""
    import os

    from sitegen.config import load_config
    from sitegen.engine.builder import build

    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    os.environ.pop("SITEGEN_COMMIT", None)
    with tempfile.TemporaryDirectory() as tmp:
        site = shutil.copytree(FIXTURES / name, Path(tmp) / name, symlinks=True)
        build(load_config(site), output=output)
    return output


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def expected_dir(name: str) -> Path:
    return FIXTURES / f"{name}-expected"


def regenerate() -> None:
    for name in GOLDEN_SITES:
        with tempfile.TemporaryDirectory() as tmp:
            out = build_fixture(name, Path(tmp) / "site")
            target = expected_dir(name)
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(out, target)
            print(f"regenerated {target.relative_to(FIXTURES.parent.parent)}")


if __name__ == "__main__":
    sys.path.insert(0, str(FIXTURES.parent.parent))
    regenerate()
