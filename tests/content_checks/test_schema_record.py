"""The NATO site's editor schema: the repository's copy is the one its settings make, and it
accepts every entry of the record."""

from __future__ import annotations

import jsonschema
from conftest import ROOT
from test_schema import front_matter

from sitegen.config import load_config
from sitegen.content.schema import entry_schema, entry_schema_json


def test_the_repository_copy_is_the_nato_sites_generated_schema() -> None:
    generated = entry_schema_json(load_config(ROOT))
    kept = (ROOT / "schema" / "entry-frontmatter.schema.json").read_bytes()
    assert kept == generated, ("schema/entry-frontmatter.schema.json is out of step with the "
                               "settings: run `sitegen schema --output "
                               "schema/entry-frontmatter.schema.json`")


def test_the_schema_accepts_every_entry_of_the_record() -> None:
    validator = jsonschema.Draft202012Validator(entry_schema(load_config(ROOT)))
    for path in sorted((ROOT / "content" / "entries").glob("*.md")):
        errors = [e.message for e in validator.iter_errors(front_matter(path))]
        assert errors == [], path
