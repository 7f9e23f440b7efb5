"""The editor schema is made from the site's settings (`sitegen schema`, and at build)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import FIXTURES

from sitegen import cli
from sitegen.config import load_config
from sitegen.content.fields import ENTRY_KEYS, SOURCE_KEYS
from sitegen.content.schema import SCHEMA_PATH, entry_schema, entry_schema_json
from sitegen.engine.builder import build


def as_editor_sees(value: object) -> object:
    """YAML as an editor's JSON Schema check sees it: unquoted dates stay strings."""
    if isinstance(value, dict):
        return {k: as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def front_matter(path: Path) -> object:
    return as_editor_sees(yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1]))




def test_the_schema_knows_every_field_the_loader_accepts() -> None:
    schema = entry_schema(load_config(FIXTURES / "basic"))
    assert set(schema["properties"]) == set(ENTRY_KEYS)
    source = schema["properties"]["sources"]["items"]["properties"]
    assert set(source) == set(SOURCE_KEYS)
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_vocabularies_come_from_the_sites_settings(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text(
        'kinds = ["round", "deal"]\nlevels = ["envoys"]\noutcome_types = ["agreed"]\n'
        'source_kinds = ["primary", "dataset"]\n', encoding="utf-8")
    schema = entry_schema(load_config(tmp_path))
    props = schema["properties"]
    assert props["kind"]["enum"] == ["round", "deal"]
    assert props["level"]["enum"] == ["envoys"]
    assert props["outcomes"]["items"]["properties"]["type"]["enum"] == ["agreed"]
    assert props["sources"]["items"]["properties"]["kind"]["enum"] == ["primary", "dataset"]
    validator = jsonschema.Draft202012Validator(schema)
    entry = {"title": "T", "summary": "S", "date": "2020", "kind": "deal",
             "sources": [{"title": "t", "publisher": "p", "url": "https://e.org/",
                          "kind": "dataset"}]}
    assert list(validator.iter_errors(entry)) == []
    entry["kind"] = "meeting"  # a default kind this site does not use
    assert [e.path[0] for e in validator.iter_errors(entry)] == ["kind"]


def test_the_schema_accepts_the_fixture_entries() -> None:
    for site in (FIXTURES / "basic",):
        validator = jsonschema.Draft202012Validator(entry_schema(load_config(site)))
        for path in sorted((site / "content" / "entries").glob("*.md")):
            errors = [e.message for e in validator.iter_errors(front_matter(path))]
            assert errors == [], path


def test_sitegen_schema_prints_or_writes_it(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    site = FIXTURES / "basic"
    assert cli.main(["-C", str(site), "schema"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed)["properties"]["kind"]["enum"][0] == "meeting"
    target = tmp_path / "schema.json"
    assert cli.main(["-C", str(site), "schema", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == printed


def test_a_build_publishes_both_schemas_from_the_settings(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "basic", site)
    toml = site / "sitegen.toml"
    toml.write_text(toml.read_text(encoding="utf-8")
                    + 'participant_kinds = ["person", "organisation", "state", "company"]\n'
                    'source_kinds = ["primary", "secondary", "dataset"]\n', encoding="utf-8")
    config = load_config(site)
    out = tmp_path / "out"
    build(config, output=out)
    assert (out / SCHEMA_PATH).read_bytes() == entry_schema_json(config)
    timeline = json.loads((out / "schema" / "timeline.schema.json").read_text("utf-8"))
    participant = timeline["$defs"]["participant"]["properties"]["kind"]
    assert participant["enum"] == ["person", "organisation", "state", "company"]
    source = timeline["$defs"]["entry"]["properties"]["sources"]["items"]["properties"]["kind"]
    assert source["enum"] == ["primary", "secondary", "dataset"]
    validator = jsonschema.Draft202012Validator(timeline)
    for doc in [out / "timeline.json", *(out / "data" / "timeline").glob("*.json")]:
        assert list(validator.iter_errors(json.loads(doc.read_bytes()))) == [], doc
