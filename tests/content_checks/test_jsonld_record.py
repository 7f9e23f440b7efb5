"""The NATO record's structured data: every entry page an Article about a typed Event, the
Founding Act's sources, the About page's Dataset."""

from __future__ import annotations

from pathlib import Path

from test_jsonld import json_ld, problems


def test_every_entry_page_is_an_article_about_a_typed_event(shipped_site: Path) -> None:
    pages = sorted((shipped_site / "entries").glob("*/index.html"))
    assert len(pages) > 100
    kinds = set()
    for page in pages:
        (ld,) = json_ld(page)
        assert problems(ld) == [], page.parent.name
        assert ld["@context"] == "https://schema.org" and ld["@type"] == "Article"
        event = ld["about"]
        assert event["@type"] == "Event" and "dateModified" not in event
        kinds |= {a["@type"] for a in event.get("attendee", [])}
        assert ld["url"].endswith(f"/entries/{page.parent.name}/")
    assert kinds == {"Person", "Organization", "GovernmentOrganization"}


def test_the_founding_act_page_carries_its_event_and_sources(shipped_site: Path) -> None:
    (ld,) = json_ld(shipped_site / "entries" / "1997-05-27-founding-act" / "index.html")
    event = ld["about"]
    assert event["startDate"] == "1997-05-27"
    assert event["location"] == {"@type": "Place", "name": "Paris, France"}
    people = {a["name"]: a["@type"] for a in event["attendee"]}
    assert people["Boris Yeltsin"] == "Person" and people["NATO"] == "Organization"
    assert people["Russia"] == "GovernmentOrganization"
    assert ld["citation"][0]["@type"] == "CreativeWork"
    assert ld["dateModified"]  # on the Article, where schema.org allows it


def test_the_about_page_describes_the_data_files_as_a_dataset(shipped_site: Path) -> None:
    (ld,) = json_ld(shipped_site / "pages" / "about" / "index.html")
    assert problems(ld) == []
    assert ld["@type"] == "Dataset"
    files = {d["name"]: d["encodingFormat"] for d in ld["distribution"]}
    assert files["timeline.json"] == "application/json" and files["timeline.csv"] == "text/csv"
    for d in ld["distribution"]:
        assert (shipped_site / d["contentUrl"].split("/")[-1]).is_file()
    assert ld["temporalCoverage"] == "1991/2025"
