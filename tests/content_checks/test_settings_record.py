"""This repository's site is configured in sitegen.toml."""

from __future__ import annotations

import tomllib

from conftest import ROOT

from sitegen.config import load_config


def test_this_repositorys_site_is_configured_in_sitegen_toml() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "sitegen" not in pyproject.get("tool", {})  # the package's metadata only
    config = load_config(ROOT)
    assert config.source_file == "sitegen.toml"
    assert config.coverage is not None and config.sources.denied_domains
