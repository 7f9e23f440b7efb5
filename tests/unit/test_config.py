"""Configuration: defaults, validation with did-you-mean, base URLs."""

from pathlib import Path

import pytest

from sitegen.config import Config, load_config
from sitegen.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_pyproject_settings_are_read(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.sitegen]\ntitle = "T"\nbase_url = "https://e.org/x"\n')
    cfg = load_config(tmp_path)
    assert cfg.title == "T"
    assert cfg.base_url == "https://e.org/x/"
    assert cfg.base_path == "/x/"
    assert cfg.url("entries/a/") == "/x/entries/a/"
    assert cfg.absolute_url("feed.xml") == "https://e.org/x/feed.xml"
    assert cfg.content_dir == tmp_path.resolve() / "content"


def test_sitegen_toml_takes_precedence(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.sitegen]\ntitle = "from pyproject"\n')
    write(tmp_path / "sitegen.toml", 'title = "from sitegen.toml"\n')
    assert load_config(tmp_path).title == "from sitegen.toml"


def test_unknown_key_gets_did_you_mean(tmp_path):
    write(tmp_path / "sitegen.toml", 'titel = "x"\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    text = info.value.format()
    assert "sitegen.toml: titel: unknown setting" in text
    assert "did you mean 'title'?" in text


def test_bad_toml_names_the_line(tmp_path):
    write(tmp_path / "sitegen.toml", 'title = "x"\nlanguage = \n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.problems[0].line == 2
    assert "invalid TOML" in info.value.format()


@pytest.mark.parametrize("bad", ["example.org", "ftp://example.org/", "https://e.org/?q=1"])
def test_base_url_must_be_absolute_http(tmp_path, bad):
    write(tmp_path / "sitegen.toml", f'base_url = "{bad}"\n')
    with pytest.raises(ConfigError):
        load_config(tmp_path)


def test_wrong_types_are_reported_together(tmp_path):
    write(tmp_path / "sitegen.toml", 'title = 3\nkinds = []\nallow_raw_html = "yes"\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    fields = {p.field for p in info.value.problems}
    assert fields == {"title", "kinds", "allow_raw_html"}


def test_defaults_without_any_file(tmp_path):
    cfg = load_config(tmp_path)
    assert isinstance(cfg, Config)
    assert "meeting" in cfg.kinds and "no-agreement" in cfg.outcome_types
    assert cfg.base_path == "/"
