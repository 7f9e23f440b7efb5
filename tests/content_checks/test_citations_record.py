"""The NATO record's citations: the block each entry page carries stays small, and the
site names its publisher, editors and licence (never the tool)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

from sitegen.config import load_config


def test_the_cite_block_stays_within_its_budget_on_the_shipped_site(
        shipped_site: Path) -> None:
    """The sentence and the line on the dataset's files, no formats: under 1 KB an entry page
    (the formats in the page cost 2.6–3.1 KB, past the 20 KB an entry the output allows)."""
    sizes = []
    for page in sorted((shipped_site / "entries").glob("*/index.html")):
        m = re.search(r'<section class="block cite".*?</section>',
                      page.read_text(encoding="utf-8"), re.S)
        assert m, page
        sizes.append(len(m.group(0).encode("utf-8")))
    print(f"cite block: {min(sizes)}–{max(sizes)} bytes, mean {sum(sizes) / len(sizes):.0f}")
    assert max(sizes) < 1_000


def test_the_shipped_site_names_its_publisher_and_editors_not_the_tool() -> None:
    config = load_config(ROOT)
    assert config.publisher and config.publisher.lower() != "sitegen"
    assert config.editors and config.license is not None
    assert config.license.id == "CC-BY-4.0"
    assert "quotations" in config.license.statement.lower()
