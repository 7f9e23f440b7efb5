"""Every site under examples/ is built and checked with the real command line, so the suite
proves the generator serves more than this repository's own subject (issue 20: "a second
real site … built and link-checked by the test suite").

Each example is copied into a temporary folder first: a build keeps its cache in the site's
folder, and the checkout must stay as it was. The copy leaves out what a local run may have
left there (.cache/, output/, and a templates/ folder the .gitignore allows for local checks),
so the example is built with the packaged theme, as a site of its own would be.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir()
                  if p.is_dir() and (p / "sitegen.toml").is_file())
LEFT_OUT = shutil.ignore_patterns(".cache", "output", "templates")


def sitegen_command() -> list[str]:
    """The installed ``sitegen`` console script next to this interpreter (the command a
    user types), or ``python -m sitegen`` where the script is not installed."""
    script = Path(sys.executable).with_name("sitegen.exe" if os.name == "nt" else "sitegen")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "sitegen"]


def run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*sitegen_command(), "-C", str(site), *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=600, check=False)


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    data = yaml.safe_load(text[4:text.index("\n---", 4)])
    assert isinstance(data, dict), path
    return data


def published_entries(site: Path) -> dict[str, str]:
    """The id → title of every entry that is not a draft, read from the files themselves
    (not through sitegen's loader, which is what is being tested)."""
    out = {}
    for path in sorted((site / "content" / "entries").glob("*.md")):
        fm = front_matter(path)
        if not fm.get("draft", False):
            out[str(fm.get("id") or path.stem)] = str(fm["title"])
    return out


def test_there_is_a_second_site() -> None:
    assert EXAMPLES, "examples/ holds no site"
    for site in EXAMPLES:
        assert len(published_entries(site)) >= 8, site.name


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.name)
def example(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of one example site and its output, built with the real CLI."""
    source: Path = request.param
    site = tmp_path_factory.mktemp(source.name) / "site"
    shutil.copytree(source, site, ignore=LEFT_OUT, symlinks=True)
    out = site.parent / "output"
    done = run(site, "build", "--no-search", "--output", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    return site, out


@pytest.mark.slow
def test_example_builds_with_every_entry(example: tuple[Path, Path]) -> None:
    site, out = example
    entries = published_entries(site)
    assert (out / "index.html").is_file()
    for entry_id, title in entries.items():
        page = out / "entries" / entry_id / "index.html"
        assert page.is_file(), f"{entry_id} has no page"
        assert title in html.unescape(page.read_text(encoding="utf-8")), entry_id
    data = json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    assert sorted(e["id"] for e in data["entries"]) == sorted(entries)


@pytest.mark.slow
def test_example_uses_the_packaged_theme_and_its_own_settings(
        example: tuple[Path, Path]) -> None:
    site, out = example
    assert not (site / "templates").exists()
    with (site / "sitegen.toml").open("rb") as f:
        settings = tomllib.load(f)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{settings.get("language", "en")}"' in index
    assert settings["title"] in html.unescape(index)
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert f'xml:lang="{settings.get("language", "en")}"' in feed


@pytest.mark.slow
def test_example_passes_check_strict(example: tuple[Path, Path]) -> None:
    site, _ = example
    done = run(site, "check", "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 warnings" in done.stdout + done.stderr


@pytest.mark.slow
def test_example_passes_check_links(example: tuple[Path, Path]) -> None:
    site, _ = example
    done = run(site, "check", "--links")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_example_output_passes_verify_output(example: tuple[Path, Path]) -> None:
    site, out = example
    done = run(site, "verify-output", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
