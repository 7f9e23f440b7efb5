"""Settings live in sitegen.toml; participant and source kinds are the site's own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.content.loader import load_site
from sitegen.errors import ConfigError, ContentError

BASE = Path(__file__).resolve().parent / "bad_inputs" / "_base"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(BASE, target)
    return target


def add_settings(site: Path, text: str) -> None:
    with (site / "sitegen.toml").open("a", encoding="utf-8") as fh:
        fh.write(text)




def test_tool_sitegen_in_pyproject_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.sitegen]\ntitle = "Old place"\n', "utf-8")
    config = load_config(tmp_path)
    assert config.title == "Old place" and config.source_file == "pyproject.toml [tool.sitegen]"


def test_a_participant_kind_the_site_defines(site: Path) -> None:
    registry = site / "content" / "participants.yaml"
    registry.write_text(registry.read_text(encoding="utf-8")
                        + "- id: acme\n  name: Acme Energy\n  kind: company\n", "utf-8")
    with pytest.raises(ContentError) as info:
        load_site(load_config(site))
    assert "content/participants.yaml:9: kind: 'company' is not one of the allowed values" \
        in info.value.format()
    assert "allowed: person, organisation, state" in info.value.format()
    add_settings(site, 'participant_kinds = ["organisation", "state", "company"]\n')
    loaded = load_site(load_config(site))
    assert loaded.site.participants["acme"].kind == "company"


def test_a_source_kind_the_site_defines(site: Path) -> None:
    entry = site / "content" / "entries" / "2002-05-28-rome.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace(
        "    kind: primary\n", "    kind: primary\n  - title: Votes\n    publisher: A registry\n"
        "    url: https://example.org/votes\n    kind: dataset\n"), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_site(load_config(site))
    assert "sources.kind: 'dataset' is not one of the allowed values" in info.value.format()
    add_settings(site, 'source_kinds = ["primary", "secondary", "dataset"]\n')
    rome = next(e for e in load_site(load_config(site)).site.entries if e.id.endswith("rome"))
    assert [s.kind for s in rome.sources] == ["primary", "dataset"]


def test_source_kinds_must_keep_primary(site: Path) -> None:
    add_settings(site, 'source_kinds = ["official", "press"]\n')
    with pytest.raises(ConfigError) as info:
        load_config(site)
    assert 'sitegen.toml: source_kinds: must include "primary"' in info.value.format()
