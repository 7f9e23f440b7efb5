"""Version gates: each accelerator runs on the versions its tests cover, stock code elsewhere.

Outside a gate's range the tests below simulate an untested version by changing the version
string the gate reads; they show stock behaviour (the same output) and one notice, which
does not fail ``--strict``. Inside it they show the accelerated path. The last tests keep
pyproject.toml's dependency bounds and imports in step with the gates and the code.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import platform
import re
import sys
import tomllib
import warnings
from pathlib import Path

import markdown
import pytest
import yaml
from conftest import ROOT, copy_fixture
from golden import tree
from markdown.treeprocessors import InlineProcessor

from sitegen import accel
from sitegen.accel import fastjson, fastyaml, gates
from sitegen.accel.fastinline import FastInlineProcessor
from sitegen.accel.gates import EnvironmentNotice
from sitegen.cli import main
from sitegen.content import yamlio
from sitegen.render.markup import MarkdownRenderer

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BODY = "A \"quoted\" [link](entry:x) -- with *emphasis*, `code` and 'apostrophes'...\n\n## Head"
FRONT_MATTER = "title: T\nparticipants: [nato, russia]\nsources:\n  - url: https://e.org\n"


@pytest.mark.parametrize(("version", "admitted"), [
    ("3.10", True), ("3.10.0", True), ("3.10.3", True), ("3.11.3", True),
    ("3.11.3.post1", True), ("3.11.3+local", True), ("3.9.9", False), ("3.9", False),
    ("3.12", False), ("3.12.0", False), ("4.0", False), ("3.12.0b1", False),
    ("3.10.0rc1", False), ("3.11.dev0", False), ("", False), ("unknown", False)])
def test_a_gate_admits_tested_releases_only(version: str, admitted: bool) -> None:
    assert gates.MARKDOWN.admits(version) is admitted


def test_every_gate_is_open_here() -> None:
    """CI runs the accelerated code: were a gate closed here, its tests would prove nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", EnvironmentNotice)
        assert gates.check_all() == []
    assert gates.PAGEFIND.admits(importlib.metadata.version("pagefind"))


# -- Python-Markdown --------------------------------------------------------------------------

def test_markdown_in_range_is_accelerated() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", EnvironmentNotice)
        md = MarkdownRenderer(lambda i: "/e/")._md
    assert isinstance(md.treeprocessors["inline"], FastInlineProcessor)


def test_markdown_out_of_range_is_stock_with_a_notice(monkeypatch) -> None:
    expected = MarkdownRenderer(lambda i: "/e/").render(BODY)
    monkeypatch.setattr(markdown, "__version__", "3.9")
    with pytest.warns(EnvironmentNotice) as notices:
        renderer = MarkdownRenderer(lambda i: "/e/")
    assert type(renderer._md.treeprocessors["inline"]) is InlineProcessor
    assert renderer.render(BODY) == expected
    assert [str(n.message) for n in notices] == [
        "Python-Markdown 3.9 is not a version sitegen's fastinline is tested on (>=3.10, "
        "<3.12): converting with stock Python-Markdown (the same HTML, about twice as slow)"]


# -- PyYAML -----------------------------------------------------------------------------------

def test_yaml_in_range_takes_the_fast_path(monkeypatch) -> None:
    calls: list[object] = []
    plain = fastyaml.construct_plain
    monkeypatch.setattr(fastyaml, "construct_plain",
                        lambda loader, node: calls.append(node) or plain(loader, node))
    data = yamlio.load_yaml(FRONT_MATTER)
    assert calls and data["participants"] == ["nato", "russia"]


def test_yaml_out_of_range_is_stock_with_a_notice(monkeypatch) -> None:
    expected = yamlio.load_yaml(FRONT_MATTER, 3)
    monkeypatch.setattr(yaml, "__version__", "5.4.1")
    monkeypatch.setattr(fastyaml, "construct_plain", None)  # would fail if called
    with pytest.warns(EnvironmentNotice, match=r"^PyYAML 5\.4\.1 is not a version .*: reading "
                      r"front matter with PyYAML's own constructor"):
        data = yamlio.load_yaml(FRONT_MATTER, 3)
    assert data == expected and data.key_lines == expected.key_lines
    assert data["sources"].line_of(0) == 6


# -- JSON -------------------------------------------------------------------------------------

VALUE = {"b": [1, "é", None, True], "a": {"x": "</script>"}}


def test_json_in_range_takes_the_fast_path(monkeypatch) -> None:
    monkeypatch.setattr(fastjson, "indented_json", lambda value: "fast")
    assert accel.indented_json(VALUE) == "fast"


def test_json_out_of_range_is_json_dumps_with_a_notice(monkeypatch) -> None:
    monkeypatch.setattr(fastjson, "indented_json", None)  # would fail if called
    monkeypatch.setattr(platform, "python_version", lambda: "3.13.0")
    with pytest.warns(EnvironmentNotice, match=r"^Python 3\.13\.0 is not a version .*json\.dumps"):
        text = accel.indented_json(VALUE)
    assert text == json.dumps(VALUE, ensure_ascii=False, sort_keys=True, indent=1)


# -- what the user sees -----------------------------------------------------------------------

def _quiet_site(tmp_path: Path) -> Path:
    """The basic fixture without its one content warning, so --strict passes."""
    site = copy_fixture("basic", tmp_path / "site")
    entry = site / "content" / "entries" / "2019-treaty-ends.md"
    entry.write_text(entry.read_text().replace("sources:", "primary_not_found: e.org\nsources:"))
    return site


def test_an_untested_version_is_one_notice_that_does_not_fail_strict(
        tmp_path, monkeypatch, capsys) -> None:
    site = _quiet_site(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert main(["-C", str(site), "build", "--strict", "--output", str(tmp_path / "fast")]) == 0
    assert "notice" not in capsys.readouterr().err
    monkeypatch.setattr(markdown, "__version__", "3.12.0")
    monkeypatch.setattr(yaml, "__version__", "7.0")
    assert main(["-C", str(site), "build", "--strict", "--output", str(tmp_path / "stock")]) == 0
    assert main(["-C", str(site), "check", "--strict"]) == 0
    err = capsys.readouterr().err.splitlines()  # (and a progress line, on a slow machine)
    assert [line.split(" is not")[0] for line in err  # (not the Git history's notice)
            if "notice" in line and "revision history" not in line] == [
        "notice: Python-Markdown 3.12.0", "notice: PyYAML 7.0",  # build: once each
        "notice: Python-Markdown 3.12.0", "notice: PyYAML 7.0"]  # check: once each
    assert tree(tmp_path / "stock") == tree(tmp_path / "fast")


# -- pyproject.toml ---------------------------------------------------------------------------

def _requirement(name: str, group: list[str]) -> str:
    found = [r for r in group if re.match(rf"{re.escape(name)}\s*[<>=!~\[]", r, re.I)]
    assert len(found) == 1, f"{name} in {group}"
    return found[0].replace(" ", "")


def test_dependency_bounds_are_the_gates_ranges() -> None:
    deps = PYPROJECT["project"]["dependencies"]
    test = PYPROJECT["project"]["optional-dependencies"]["test"]
    assert _requirement("markdown", deps) == "markdown>=3.10,<3.12"
    assert (gates.MARKDOWN.lowest, gates.MARKDOWN.below) == ("3.10", "3.12")
    assert _requirement("PyYAML", deps) == "PyYAML>=6.0,<7"
    assert (gates.PYYAML.lowest, gates.PYYAML.below) == ("6.0", "7")
    for group in (deps, test):
        assert _requirement("pagefind", group) == "pagefind[bin]>=1.3,<1.6"
    assert (gates.PAGEFIND.lowest, gates.PAGEFIND.below) == ("1.3", "1.6")
    assert PYPROJECT["project"]["requires-python"] == f">={gates.JSON.lowest}"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_every_library_sitegen_imports_is_declared() -> None:
    declared = {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-")
                for group in [PYPROJECT["project"]["dependencies"],
                              PYPROJECT["project"]["optional-dependencies"]["serve"]]
                for r in group}
    providers = importlib.metadata.packages_distributions()
    missing = {}
    for path in sorted((ROOT / "sitegen").rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "sitegen" or top in sys.stdlib_module_names:
                continue
            dists = {d.lower().replace("_", "-") for d in providers.get(top, [top])}
            if not dists & declared:
                missing[f"{path.relative_to(ROOT)}: {top}"] = sorted(dists)
    assert missing == {}


def test_only_sitegen_accel_loads_an_accelerator() -> None:
    """Outside sitegen/accel nothing imports an accelerator module itself: each is reached
    through the gated functions of sitegen.accel."""
    direct = {f"{path.relative_to(ROOT)}: {name}"
              for path in sorted((ROOT / "sitegen").rglob("*.py"))
              if path.parent.name != "accel"
              for name in _imports(path)
              if name.startswith("sitegen.accel.") and name != "sitegen.accel.gates"}
    assert direct == set()
