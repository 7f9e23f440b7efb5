"""The design fixture: tests/fixtures/basic with the project's real templates and more events.

Seven extra entries spread over 1997–2021 give the filters something to narrow; every
expected count in the browser tests follows from this table.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, copy_fixture

# id: (date, kind, participants, outcome type, topics)
EXTRA = {
    "1997-05-27-founding": ("1997-05-27", "agreement", ["nato", "russia"], "agreed",
                            ["arms-control"]),
    "1999-03-24-freeze": ("1999-03-24", "suspension", ["russia"], "suspended", []),
    "2002-05-28-rome": ("2002-05-28", "summit", ["nato", "russia"], "agreed", ["arms-control"]),
    "2008-08-19-suspended": ("2008-08-19", "suspension", ["nato"], "suspended", []),
    "2014-04-01-suspends": ("2014-04-01", "suspension", ["nato"], "suspended", ["ukraine"]),
    "2016-04-20-resumes": ("2016-04", "meeting", ["nato", "russia", "stoltenberg"], "resumed",
                           ["ukraine"]),
    "2021-10-06-missions": ("2021-10-06", "statement", ["nato"], "statement", []),
}
BASIC = ["1994-partnership", "2019-treaty-ends", "2022-01-12-council-meets", "2022-01-12-second"]
PUBLISHED = sorted(BASIC + list(EXTRA))
DRAFT = "2023-draft"


def _entry(eid: str) -> str:
    date, kind, people, outcome, topics = EXTRA[eid]
    who = "".join(f"  - {p}\n" for p in people)
    title = eid[11:].replace("-", " ").capitalize()
    return (f"---\ntitle: {title} event\nsummary: What happened at the {title} event.\n"
            f"date: {date}\nkind: {kind}\nlocation: Brussels\nparticipants:\n{who}"
            f"outcomes:\n  - type: {outcome}\n    text: The {outcome} outcome.\n"
            f"topics: [{', '.join(topics)}]\nsources:\n  - title: Record of {title}\n"
            f"    publisher: NATO\n    url: https://example.org/{eid}\n    kind: primary\n"
            f"updated: 2026-11-01\n---\nThe body of {title}.[^1]\n\n[^1]: A note.\n")


def design_site(dest: Path, base_url: str = "https://example.org/x/") -> Path:
    """A writable site: the basic fixture, the real templates, seven more entries."""
    site = copy_fixture("basic", dest)
    shutil.rmtree(site / "templates")
    shutil.copytree(ROOT / "templates", site / "templates")
    for eid in EXTRA:
        (site / "content" / "entries" / f"{eid}.md").write_text(_entry(eid), encoding="utf-8")
    toml = site / "sitegen.toml"
    lines = [x for x in toml.read_text().splitlines() if not x.startswith("base_url")]
    toml.write_text("\n".join([*lines, f'base_url = "{base_url}"', ""]))
    return site
