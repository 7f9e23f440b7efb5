"""Theme layering: a site's templates/ overrides single files of the packaged theme and
inherits the rest (issue 20), through the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

from attack import Checkout

from sitegen.outputs.files import served_script
from sitegen.packaged import default_theme


def site_with(tmp_path: Path, files: dict[str, str]) -> Checkout:
    """The fixture site with a templates/ folder holding only ``files``."""
    c = Checkout(tmp_path)
    shutil.rmtree(c.root / "templates")
    for rel, text in files.items():
        c.write(f"templates/{rel}", text)
    return c


def test_a_site_overriding_only_the_entry_template_gets_the_rest_of_the_theme(
        tmp_path: Path) -> None:
    theme = default_theme()
    heading = "{% block main %}"
    entry = (theme / "entry.html").read_text().replace(
        heading, heading + '<p class="house-style">Our own entry page</p>')
    assert "house-style" in entry
    c = site_with(tmp_path, {"entry.html": entry, "static/site.css": "body { color: teal; }\n"})
    r = c.run("build", "--no-search")
    assert r.code == 0, r.text
    page = (c.output / "entries/2022-01-12-council-meets/index.html").read_text()
    assert "Our own entry page" in page
    home = (c.output / "index.html").read_text()  # from the packaged theme
    assert "Our own entry page" not in home and 'class="timeline"' in home
    assert (c.output / "search/index.html").is_file()
    assert (c.output / "static/site.css").read_text() == "body { color: teal; }\n"
    assert (c.output / "static/timeline.js").read_bytes() == \
        served_script((theme / "static/timeline.js").read_bytes())  # the theme's, as served


def test_a_site_without_templates_builds_with_the_packaged_theme(tmp_path: Path) -> None:
    c = site_with(tmp_path, {})
    assert not (c.root / "templates").exists()
    r = c.run("build", "--no-search")
    assert r.code == 0, r.text
    assert (c.output / "entries/2022-01-12-council-meets/index.html").is_file()
    assert {p.name for p in (c.output / "static").iterdir()} >= {"site.css", "timeline.js"}


def test_a_broken_override_is_a_located_error_and_the_old_site_stays(tmp_path: Path) -> None:
    c = site_with(tmp_path, {})
    assert c.run("build", "--no-search").code == 0
    before = (c.output / "index.html").read_bytes()
    c.write("templates/entry.html", '{% extends "base.html" %}\n{% block main %}\n{% if %}\n')
    r = c.run("build", "--no-search")
    assert r.code == 1
    assert "templates/entry.html:3" in r.err and "hint:" in r.err
    assert (c.output / "index.html").read_bytes() == before
