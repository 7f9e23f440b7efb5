"""`sitegen init DIR`: a new site, neutral, valid at once, refusing to clobber anything."""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen import __version__, cli, newsite
from sitegen.config import load_config
from sitegen.content.loader import load_site
from sitegen.packaged import starter

SITEGEN = Path(__file__).resolve().parent.parent / "sitegen"
EXPECTED = {
    "sitegen.toml", ".gitignore", "README.md", "CONTRIBUTING.md", "requirements.txt",
    "constraints.txt", "archetypes/entry.md", "content/participants.yaml",
    "content/topics.yaml", "content/periods.yaml", "content/pages/about.md",
    ".github/pull_request_template.md", ".github/workflows/pages.yml",
    ".github/workflows/pull-request.yml", ".github/workflows/pull-request-label.yml",
}


def files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


def init(tmp_path: Path, *args: str) -> int:
    return cli.main(["-C", str(tmp_path), "init", *args])


def test_init_writes_a_complete_neutral_site(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert init(tmp_path, "water-talks", "--title", "Water talks: a \"sourced\" record",
                "--language", "pt-BR", "--base-url", "https://example.org/water") == 0
    assert "into water-talks; next: cd water-talks" in capsys.readouterr().out
    site = tmp_path / "water-talks"
    written = files(site)
    entries = [name for name in written if name.startswith("content/entries/")]
    assert EXPECTED <= set(written) and 2 <= len(entries) <= 3
    for name, text in written.items():
        assert "nato" not in text.lower(), name
        assert "@SITE_" not in text and "@SITEGEN_" not in text, name
    assert {"/output/", ".cache/"} <= set(written[".gitignore"].splitlines())
    assert written["README.md"].startswith('# Water talks: a "sourced" record\n')
    config = load_config(site)
    assert config.title == 'Water talks: a "sourced" record'
    assert config.language == "pt-BR" and config.base_url == "https://example.org/water/"
    assert config.source_file == "sitegen.toml"
    for name in entries:
        assert "\ndraft: true\n" in written[name], name
    everything = load_site(config, drafts=True)
    assert len(everything.site.entries) == len(entries)
    assert everything.warnings == []  # `check --strict` finds nothing to say
    assert load_site(config).site.entries == ()  # nothing is published yet


def test_every_setting_is_explained_in_the_written_settings(tmp_path: Path) -> None:
    assert init(tmp_path, "site") == 0
    text = (tmp_path / "site" / "sitegen.toml").read_text(encoding="utf-8")
    from sitegen.config import KNOWN_KEYS

    for key in KNOWN_KEYS:
        assert re.search(rf"^(# )?\[?{key}\b", text, re.MULTILINE), key
    for key in ("primary_window_days", "denied_domains", "official_domains", "start", "end",
                "gaps"):
        assert key in text, key
    assert load_config(tmp_path / "site").title == "Site"  # from the folder's name


def test_the_workflows_and_checklist_are_in_place(tmp_path: Path) -> None:
    assert init(tmp_path, "site") == 0
    github = tmp_path / "site" / ".github"
    for name in ("pages.yml", "pull-request.yml", "pull-request-label.yml"):
        assert isinstance(yaml.safe_load((github / "workflows" / name).read_text("utf-8")),
                          dict)
    checklist = (github / "pull_request_template.md").read_text(encoding="utf-8")
    assert checklist.count("- [ ]") >= 5 and "primary" in checklist


def test_a_folder_that_is_not_empty_is_refused(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    assert init(tmp_path, "site") == 2
    err = capsys.readouterr().err
    assert "site: is not empty" in err and "--force" in err
    assert files(site) == {"notes.txt": "mine"}


def test_force_adds_the_starter_but_replaces_no_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content" / "topics.yaml").write_text("- id: mine\n  label: Mine\n", "utf-8")
    (site / "README.md").write_text("mine", encoding="utf-8")
    assert init(tmp_path, "site", "--force") == 0
    written = files(site)
    assert written["README.md"] == "mine"
    assert written["content/topics.yaml"] == "- id: mine\n  label: Mine\n"
    assert EXPECTED <= set(written)


def test_a_link_in_the_way_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / "content").symlink_to(elsewhere)
    assert init(tmp_path, "site", "--force") == 2
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(("args", "message"), [
    (["--language", "english please"], "--language: 'english please' is not a language tag"),
    (["--title", "a\x1bb"], "--title: must be text on one line"),
    (["--base-url", "example.org"], "base_url: 'example.org' is not an absolute http(s) URL"),
])
def test_bad_options_are_refused_before_anything_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
        message: str) -> None:
    assert init(tmp_path, "site", *args) in (1, 2)
    assert message in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_constraints_pin_the_libraries_sitegen_runs_with(tmp_path: Path) -> None:
    assert init(tmp_path, "site") == 0
    pins = dict(line.split("==") for line in
                (tmp_path / "site" / "constraints.txt").read_text("utf-8").splitlines()
                if line and not line.startswith("#"))
    for name in ("jinja2", "markdown", "python-frontmatter", "pyyaml", "nh3", "pagefind",
                 "pagefind-bin", "python-slugify", "text-unidecode", "markupsafe",
                 "livereload"):
        assert pins[name] == metadata.version(name), name
    assert "sitegen-timeline" not in pins and "pytest" not in pins  # not the test extras


def test_requirements_pin_this_sitegen_or_say_what_to_set(tmp_path: Path) -> None:
    assert init(tmp_path, "site") == 0
    lines = [line for line in (tmp_path / "site" / "requirements.txt").read_text(
        "utf-8").splitlines() if line and not line.startswith("#")]
    assert lines == [f"sitegen-timeline[serve] @ git+https://github.com/OWNER/REPO@v"
                     f"{__version__}"]


class FakeDistribution:
    """sitegen's installed metadata, as PEP 610 records where it was installed from."""

    requires: list[str] = []

    def __init__(self, direct_url: dict[str, Any] | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return None if self.direct_url is None else json.dumps(self.direct_url)


@pytest.mark.parametrize(("direct_url", "pin"), [
    ({"url": "https://github.com/example/sitegen", "vcs_info": {
        "vcs": "git", "requested_revision": "v0.2.0", "commit_id": "abc"}},
     "sitegen-timeline[serve] @ git+https://github.com/example/sitegen@v0.2.0"),
    ({"url": "https://example.org/sitegen_timeline-0.2.0-py3-none-any.whl",
      "archive_info": {}},
     "sitegen-timeline[serve] @ https://example.org/sitegen_timeline-0.2.0-py3-none-any.whl"),
    ({"url": "file:///home/me/sitegen", "dir_info": {"editable": True}}, None),
    (None, None),
])
def test_a_sitegen_installed_from_a_public_address_pins_itself(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, direct_url: dict[str, Any] | None,
        pin: str | None) -> None:
    monkeypatch.setattr(newsite.metadata, "distribution",
                        lambda name: FakeDistribution(direct_url))
    assert newsite.pinned_requirement() == pin
    if pin is not None:
        newsite.init_site(tmp_path / "site")
        text = (tmp_path / "site" / "requirements.txt").read_text(encoding="utf-8")
        assert text.rstrip().endswith("\n" + pin) and "OWNER/REPO@" not in text.split(
            "\n")[-2]


def test_no_nato_word_in_the_starter_or_in_what_the_generator_says() -> None:
    for path in sorted(starter().rglob("*")):
        if path.is_file():
            assert "nato" not in path.read_text(encoding="utf-8").lower(), path
    word = re.compile(r"\b(nato|russia|kremlin|stoltenberg)\b", re.IGNORECASE)
    for path in sorted(SITEGEN.rglob("*.py")):
        assert not word.search(path.read_text(encoding="utf-8")), path
