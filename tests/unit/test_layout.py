"""The package as README.md describes it: every module in its table, the engine small enough
to read, and no module reading another's private names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "sitegen"
ENGINE_MAX_LINES = 1400  # engine and preview modules: code lines (not blank, not comments)
FUNCTION_MAX_LINES = 60
ROW = re.compile(r"^\| `(sitegen/[\w/]+\.py)` \| (\w+) \| .+ \|$", re.MULTILINE)


def table() -> dict[str, str]:
    """The README's module table: path → stage."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return {path: stage for path, stage in ROW.findall(text)}


def modules() -> list[str]:
    return sorted(p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.py")
                  if p.name != "__init__.py")


def code_lines(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.strip().startswith("#"))


def test_the_readme_lists_every_module_and_only_those() -> None:
    assert sorted(table()) == modules()


def test_the_engine_is_small_enough_to_read() -> None:
    engine = [ROOT / path for path, stage in table().items() if stage in ("engine", "preview")]
    assert engine, "no module is marked engine or preview"
    total = sum(code_lines(path) for path in engine)
    assert total <= ENGINE_MAX_LINES, f"the engine holds {total} lines of code"
    long = [f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {n} lines"
            for path in engine for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and (n := node.end_lineno - node.lineno + 1) > FUNCTION_MAX_LINES]  # type: ignore[operator]
    assert long == []


def test_no_module_imports_another_modules_private_names() -> None:
    """ruff's SLF001 (on in pyproject) catches ``module._name``; this catches the import."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sitegen"):
                found += [f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}"
                          for alias in node.names
                          if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert found == []


def test_the_private_member_rule_is_on_for_sitegen() -> None:
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'select = \[[^\]]*"SLF001"', config)
