"""`sitegen check --format github`: each problem as a workflow annotation on its line; and
the closing line of a failed command says only what is true."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

from sitegen import cli
from sitegen.annotations import annotation, escape_data, escape_property
from sitegen.errors import Problem

BASE = Path(__file__).resolve().parent / "bad_inputs" / "_base"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(BASE, target)
    return target


def break_entries(site: Path) -> None:
    """Two errors: an unknown participant (line 8 of one entry), an unknown kind (line 5 of
    the other)."""
    entries = site / "content" / "entries"
    rome, act = entries / "2002-05-28-rome.md", entries / "1997-05-27-founding-act.md"
    rome.write_text(rome.read_text(encoding="utf-8").replace("  - russia\n", "  - rusia\n"),
                    encoding="utf-8")
    act.write_text(act.read_text(encoding="utf-8").replace("kind: agreement", "kind: agrement"),
                   encoding="utf-8")


def test_escaping_follows_githubs_rules() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_an_annotation_names_file_line_and_title() -> None:
    problem = Problem("content/entries/a,b.md", 7, "sources.url", "is 100% wrong: see",
                      "fix it,\nplease")
    assert annotation(problem) == (
        "::error file=content/entries/a%2Cb.md,line=7,title=sitegen%3A sources.url"
        "::is 100%25 wrong: see%0Ahint: fix it,\\nplease")
    warning = Problem("sitegen.toml", None, None, "odd", severity="warning")
    assert annotation(warning) == "::warning file=sitegen.toml,title=sitegen::odd"


def test_content_cannot_forge_a_second_annotation() -> None:
    hostile = Problem("x.md", 1, "title", "'a\n::error file=evil::b' is bad")
    line = annotation(hostile)  # GitHub reads a command only at the start of a line
    assert "\n" not in line and "%0A" not in line and line.startswith("::error file=x.md,")


def test_check_prints_annotations_on_stdout_and_text_on_stderr(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    break_entries(site)
    assert cli.main(["-C", str(site), "check", "--format", "github"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert "::error file=content/entries/1997-05-27-founding-act.md,line=5,title=sitegen%3A " \
        "kind::'agrement' is not one of the allowed values%0Ahint: did you mean 'agreement'?" \
        in out
    assert any(line.startswith("::error file=content/entries/2002-05-28-rome.md,line=8,"
                               "title=sitegen%3A participants::unknown participant 'rusia'")
               for line in lines), out
    assert "content/entries/1997-05-27-founding-act.md:5: kind:" in err


def test_warnings_are_warning_annotations(site: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = site / "content" / "entries" / "2002-05-28-rome.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "summary: The", "summary: The **new**"), encoding="utf-8")
    assert cli.main(["-C", str(site), "check", "--format", "github"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("::warning file=content/entries/2002-05-28-rome.md,line=3,"
                          "title=sitegen%3A summary::holds Markdown")


def test_plain_check_prints_no_annotations(site: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    break_entries(site)
    assert cli.main(["-C", str(site), "check"]) == 1
    assert "::error" not in capsys.readouterr().out


def test_broken_links_become_annotations(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "basic", site)
    page = site / "templates" / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</article>", '<a href="{{ url(\'nowhere/\') }}">x</a></article>'), encoding="utf-8")
    assert "nowhere" in page.read_text(encoding="utf-8")
    assert cli.main(["-C", str(site), "check", "--links", "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert "::error title=sitegen%3A broken link::" in out and "nowhere/" in out


def test_check_never_says_nothing_was_written(site: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    break_entries(site)
    assert cli.main(["-C", str(site), "check"]) == 1
    err = capsys.readouterr().err
    assert err.rstrip().endswith("2 errors found.") and "written" not in err
    assert cli.main(["-C", str(site), "build"]) == 1
    assert capsys.readouterr().err.rstrip().endswith("2 errors found; nothing was written.")
