"""The site's licence (the `license` setting) in the footer, timeline.json, the Atom feed and
a CSV on the Web metadata file beside timeline.csv that lists exactly the CSV's columns; the
data files are linked from the home page; without the setting nothing claims a licence."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import feedparser
import jsonschema
import pytest
from test_citations import SETTINGS, cli_build, themed_site

from sitegen.outputs.exports import CSV_COLUMNS

CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return cli_build(themed_site(tmp_path), tmp_path / "out")


def test_the_csvw_metadata_lists_exactly_the_csv_columns_and_the_licence(built: Path) -> None:
    meta = json.loads((built / "timeline.csv-metadata.json").read_text(encoding="utf-8"))
    header = next(csv.reader(io.StringIO((built / "timeline.csv").read_text(encoding="utf-8"))))
    columns = meta["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == header == list(CSV_COLUMNS)
    assert [c["titles"] for c in columns] == header
    assert all(c.get("dc:description") for c in columns)
    assert "http://www.w3.org/ns/csvw" in meta["@context"]
    assert meta["url"] == "timeline.csv" and meta["tableSchema"]["primaryKey"] == "id"
    assert meta["dc:license"] == {"@id": CC_BY}
    assert meta["dc:rights"] == f"CC-BY-4.0 ({CC_BY}). Quotations remain their owners'."
    lists = {c["name"] for c in columns if "separator" in c}
    assert lists == {"participant_ids", "participants", "topic_ids", "topics", "outcomes",
                     "source_urls"}
    rows = list(csv.DictReader(io.StringIO((built / "timeline.csv").read_text("utf-8"))))
    for row in rows:  # the declared formats hold for the data
        for c in columns:
            fmt = c["datatype"].get("format") if isinstance(c["datatype"], dict) else None
            if fmt and row[c["name"]]:
                assert re.fullmatch(fmt, row[c["name"]]), (c["name"], row[c["name"]])


def test_the_licence_is_in_the_footer_the_json_and_the_feed(built: Path) -> None:
    for page in [built / "index.html", *sorted(built.glob("*/*/index.html"))]:
        text = page.read_text(encoding="utf-8")
        # a short link in every footer; the statement and the editors on the About page
        assert f' · Licence <a rel="license" href="{CC_BY}">CC-BY-4.0</a></p>' in text, page
    about = (built / "pages/about/index.html").read_text(encoding="utf-8")
    assert (f'<p class="licence">Licence: <a rel="license" href="{CC_BY}">CC-BY-4.0</a>. '
            "Quotations remain their owners&#39;.</p>") in about
    assert "<p>Edited by Ada Lovelace, Grace Hopper.</p>" in about
    data = json.loads((built / "timeline.json").read_text(encoding="utf-8"))
    assert data["license"] == {"id": "CC-BY-4.0", "url": CC_BY,
                               "statement": "Quotations remain their owners'."}
    schema = json.loads((built / "schema/timeline.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.rights == f"CC-BY-4.0 ({CC_BY}). Quotations remain their owners'."


def test_without_the_setting_nothing_claims_a_licence(tmp_path: Path) -> None:
    out = cli_build(themed_site(tmp_path, SETTINGS.split("[license]")[0]), tmp_path / "out")
    assert 'rel="license"' not in (out / "index.html").read_text(encoding="utf-8")
    assert "license" not in json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    assert b"<rights>" not in (out / "feed.xml").read_bytes()
    meta = json.loads((out / "timeline.csv-metadata.json").read_text(encoding="utf-8"))
    assert "dc:license" not in meta and len(meta["tableSchema"]["columns"]) == len(CSV_COLUMNS)


def test_the_home_page_links_the_data_files_and_a_selection_download(built: Path) -> None:
    home = (built / "index.html").read_text(encoding="utf-8")
    m = re.search(r'<p class="data-links" id="selection-download">(.*?)</p>', home, re.S)
    assert m
    assert "Download this selection" in m.group(1)
    assert 'href="/fixture/timeline.csv" data-selection="csv"' in m.group(1)
    assert 'href="/fixture/timeline.json" data-selection="json"' in m.group(1)
    assert 'href="/fixture/pages/about/#h-open-data"' in m.group(1)


def test_printed_links_get_the_site_address_without_javascript(built: Path) -> None:
    assert (built / "origin.css").read_text() == ':root { --origin: "https://example.org"; }\n'
    page = (built / "entries/2022-01-12-council-meets/index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="/fixture/origin.css" media="print">' in page
