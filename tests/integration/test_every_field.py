"""Every field of every content type, the settings, a template and a static file, edited one
at a time to values hypothesis draws: the warm build (a new builder reading .cache/, as the
CLI runs it) and the preview's builder (kept in memory, as serve runs it) give exactly the
bytes of a cold build. A signature that ignored any field would leave a page stale here.

SITEGEN_FIELD_EXAMPLES sets the examples per field (default 2; `make fuzz` runs more).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import cold, fixture_copy, tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.config import load_config
from sitegen.content.fields import ENTRY_KEYS, SOURCE_KEYS
from sitegen.content.translations import KEYS as TRANSLATION_KEYS
from sitegen.engine.builder import build
from sitegen.preview.rebuild import Rebuilder
from sitegen.render.reads import Reads

EXAMPLES = int(os.environ.get("SITEGEN_FIELD_EXAMPLES", "2"))
ENTRY = "content/entries/2022-01-12-council-meets.md"  # has every kind of sub-field
words = st.from_regex(r"[A-Z][a-z<&'\" ]{0,12}[a-z.]", fullmatch=True)
dates = st.dates(dt.date(1991, 1, 1), dt.date(2025, 12, 31)).map(dt.date.isoformat)
PEOPLE = ["nato", "russia", "stoltenberg"]
ENTRY_VALUES: dict[str, Any] = {
    "id": st.from_regex(r"2022-[a-z]{3,8}", fullmatch=True),
    "title": words, "summary": words, "location": words, "primary_not_found": words,
    "date": dates, "end": st.just("2022-01-14"), "updated": st.just("2026-12-01"),
    "circa": st.booleans(), "draft": st.booleans(), "order": st.integers(-3, 3),
    "kind": st.sampled_from(["meeting", "summit", "statement", "treaty"]),
    "level": st.sampled_from(["ministers", "working"]),
    "significance": st.sampled_from(["turning-point", "major", "routine"]),
    "participants": st.lists(st.sampled_from(PEOPLE), min_size=1, unique=True),
    "concerns": st.just(["stoltenberg"]), "forum": st.sampled_from(["nato", "russia"]),
    "topics": st.lists(st.sampled_from(["ukraine", "arms-control"]), unique=True),
    "related": st.lists(st.sampled_from(["2019-treaty-ends", "1994-partnership"]),
                        unique=True),
    "outcomes": st.lists(st.fixed_dictionaries({"type": st.sampled_from(
        ["agreed", "rejected", "statement"]), "text": words}), min_size=1, max_size=2),
    "accounts": st.just([{"party": "russia", "none_found": "The ministry's site."}]),
    "sources": st.lists(st.fixed_dictionaries({
        "title": words, "publisher": words, "kind": st.sampled_from(["primary", "secondary"]),
        "url": st.from_regex(r"https://example\.org/[a-z]{1,6}", fullmatch=True)}),
        min_size=1, max_size=2),
    "corrections": st.lists(st.fixed_dictionaries({"date": dates, "text": words}),
                            min_size=1, max_size=2),
    "extra": st.dictionaries(st.sampled_from(["a", "b"]), st.one_of(words, st.integers())),
    "aliases": st.lists(st.from_regex(r"old-[a-z]{1,6}|/archive/[a-z]{1,5}/", fullmatch=True),
                        min_size=1, max_size=2, unique=True),
}
SUB_VALUES: dict[str, Any] = {
    "sources.title": words, "sources.publisher": words, "sources.date": dates,
    "sources.url": st.from_regex(r"https://example\.org/[a-z]{1,6}", fullmatch=True),
    "sources.kind": st.just("secondary"), "sources.doc_id": words, "sources.copy_of": words,
    "sources.archived": st.just("https://archive.example/x"), "sources.accessed": dates,
    "accounts.party": st.just("stoltenberg"), "accounts.text": words,
    "accounts.source": st.just("https://example.org/russia"),
    "accounts.none_found": words, "outcomes.type": st.sampled_from(["agreed", "proposed"]),
    "outcomes.text": words, "corrections.date": dates, "corrections.text": words,
}
REGISTRY_VALUES: dict[str, Any] = {
    "participants.yaml:name": words, "participants.yaml:kind": st.just("state"),
    "participants.yaml:aliases": st.lists(words, max_size=2),
    "participants.yaml:description": words,
    "participants.yaml:roles": st.just([{"role": "Chair", "organisation": "NATO",
                                          "from": "2001", "to": "2002"}]),
    "topics.yaml:label": words, "topics.yaml:description": words,
    "periods.yaml:label": words, "periods.yaml:kind": st.just("era"),
    "periods.yaml:start": st.sampled_from(["1994", "2019-01", "2020-02-02"]),
    "periods.yaml:end": st.sampled_from(["2022-01-12", "2023"]),
    "periods.yaml:description": words,
    "periods.yaml:sources": st.lists(st.sampled_from(["https://example.org/p", "http://a.b/"]),
                                     max_size=2),
}
# a translated entry (issue 22), read in French: content/entries/<stem>.fr.md
TRANSLATION = "content/entries/2022-01-12-council-meets.fr.md"
TRANSLATION_VALUES: dict[str, Any] = {
    "translated_from": st.just("en"), "translated": dates, "updated": dates,
    "title": words, "summary": words,
    "outcomes": st.lists(st.fixed_dictionaries({"text": words}), min_size=1, max_size=1),
    "accounts": st.lists(st.fixed_dictionaries({"text": words}), min_size=2, max_size=2),
    "body": words,
}
PAGE_VALUES: dict[str, Any] = {
    "title": words, "description": words,
    "show": st.sampled_from([["sourcing"], ["significance", "coverage"], []]),
    "body": words,
    "aliases": st.sampled_from([["about-us"], ["/who/", "us"]]),
}
OTHER_VALUES: dict[str, Any] = {
    "settings:title": words, "settings:description": words, "settings:publisher": words,
    "settings:author": words, "settings:language": st.sampled_from(["de", "fr"]),
    "settings:base_url": st.sampled_from(["https://example.org/other/", "https://x.test/"]),
    "settings:editors": st.lists(words, min_size=1, max_size=2),
    "settings:license": st.fixed_dictionaries({"id": st.sampled_from(["CC-BY-4.0", "MIT"]),
                                               "url": st.just("https://x.test/licence"),
                                               "statement": words}),
    "settings:dataset": st.fixed_dictionaries({"version": st.from_regex(r"[0-9a-f]{7}",
                                                                        fullmatch=True)}),
    "template": words, "static": words, "body": words,
    "labels": st.tuples(st.sampled_from(["facets.topic", "kinds.treaty", "levels.ministers",
                                         "outcome_types.statement", "significance.major",
                                         "significance_plural.major"]), words),
}


def front(path: Path) -> tuple[dict[str, Any], str]:
    _, meta, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(meta), body


def write_front(path: Path, meta: dict[str, Any], body: str) -> None:
    path.write_text("---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
                    + "---\n" + body, encoding="utf-8")


def set_entry(root: Path, key: str, value: Any) -> None:
    meta, body = front(root / ENTRY)
    if "." in key:  # a sub-field of the first item of a list
        field, sub = key.split(".")
        item = meta.setdefault(field, [{"date": "2026-11-01", "text": "Corrected."}])[0]
        for account in meta["accounts"] if key == "sources.url" else ():
            if account.get("source") == item["url"]:
                account["source"] = value  # still the url of one of its sources
        if field == "accounts" and sub == "none_found":
            item.pop("text", None)
            item.pop("source", None)
        if field == "accounts" and sub in ("text", "source"):
            item.pop("none_found", None)
        item[sub] = value
    else:
        meta[key] = value
        if key == "sources":
            meta.pop("accounts")  # their sources are gone
        if key == "concerns":
            meta["participants"] = ["nato", "russia"]
    write_front(root / ENTRY, meta, body)


def set_registry(root: Path, key: str, value: Any) -> None:
    name, field = key.split(":")
    path = root / "content" / name
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    items[0][field] = value
    path.write_text(yaml.safe_dump(items, sort_keys=False, allow_unicode=True), encoding="utf-8")


def set_page(root: Path, key: str, value: Any) -> None:
    path = root / "content" / "pages" / "about.md"
    meta, body = front(path)
    if key == "body":
        body = value + "\n"
    else:
        meta[key] = value
    write_front(path, meta, body)


def set_translation(root: Path, key: str, value: Any) -> None:
    """A French translation of ENTRY with every field, ``key`` set to ``value``, on a site
    read in French."""
    path = root / "sitegen.toml"
    kept = [line for line in path.read_text().splitlines() if not line.startswith("language")]
    path.write_text("\n".join(kept) + '\nlanguage = "fr"\nlanguages = ["fr", "en"]\n')
    meta: dict[str, Any] = {
        "translated_from": "en", "translated": "2026-12-01", "title": "Le conseil se réunit",
        "summary": "Un échange direct.", "outcomes": [{"text": "Pas d’accord."}],
        "accounts": [{"text": "Le compte rendu de l’OTAN."}, {}]}
    body = "Le corps traduit [un lien](entry:2019-treaty-ends).\n"
    if key == "body":
        body = f"{value}\n"
    else:
        meta[key] = value
    write_front(root / TRANSLATION, meta, body)


def set_other(root: Path, key: str, value: Any) -> None:
    if key.startswith("settings:"):
        setting = key.split(":")[1]
        path = root / "sitegen.toml"
        kept = [line for line in path.read_text().splitlines()
                if not line.startswith(setting + " ")]
        if isinstance(value, dict):  # a table, written inline
            value = "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items()) + " }"
        else:
            value = json.dumps(value)
        path.write_text("\n".join(kept) + f"\n{setting} = {value}\n")
    elif key == "labels":  # [labels.GROUP] name = { en = "…" }, appended (a table comes last)
        group, name = value[0].split(".")
        with open(root / "sitegen.toml", "a", encoding="utf-8") as fh:
            fh.write(f"\n[labels.{group}]\n{name} = {{ en = {json.dumps(value[1])} }}\n")
    elif key == "template":
        with open(root / "templates" / "entry.html", "a", encoding="utf-8") as fh:
            fh.write(f"<!-- {value} -->\n")
    elif key == "static":
        with open(root / "templates" / "static" / "site.css", "a", encoding="utf-8") as fh:
            fh.write(f"/* {value} */\n")
    else:  # an entry's Markdown body
        meta, _ = front(root / ENTRY)
        write_front(root / ENTRY, meta, f"{value} [a link](entry:2019-treaty-ends)\n")


FIELDS: list[tuple[str, Any, Callable[[Path, str, Any], None]]] = (
    [(k, ENTRY_VALUES[k], set_entry) for k in ENTRY_KEYS]
    + [(k, v, set_entry) for k, v in SUB_VALUES.items()]
    + [(k, v, set_registry) for k, v in REGISTRY_VALUES.items()]
    + [("page." + k, v, lambda r, k, x: set_page(r, k[5:], x)) for k, v in PAGE_VALUES.items()]
    + [("translation." + k, v, lambda r, k, x: set_translation(r, k[12:], x))
       for k, v in TRANSLATION_VALUES.items()]
    + [(k, v, set_other) for k, v in OTHER_VALUES.items()])


def test_the_fields_are_all_here() -> None:
    """A new field of entries or sources must be added to this test too."""
    assert set(ENTRY_KEYS) == set(ENTRY_VALUES)
    assert {"sources." + k for k in SOURCE_KEYS} <= set(SUB_VALUES)
    assert set(TRANSLATION_KEYS) | {"body"} == set(TRANSLATION_VALUES)


@dataclass
class Project:
    """The fixture site, its preview's builder, and its files as they were."""

    root: Path
    tmp: Path
    serve: Rebuilder
    originals: dict[Path, bytes]
    restored: set[Path] = field(default_factory=set)  # not yet seen by the preview

    def restore(self) -> None:
        for path, data in self.originals.items():
            if path.read_bytes() != data:
                path.write_bytes(data)
                self.restored.add(path)
        added = self.root / TRANSLATION
        if added.exists():
            added.unlink()
            self.restored.add(added)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """One site for all fields: each test edits it, checks, and puts it back."""
    tmp = tmp_path_factory.mktemp("fields")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp / "xdg"))
        root = fixture_copy(tmp)
        originals = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        serve = Rebuilder(load_config(root), tmp / "preview")
        assert serve.rebuild().ok
        build(load_config(root))
        yield Project(root, tmp, serve, originals)


@pytest.mark.parametrize(("name", "values", "apply"), FIELDS, ids=[f[0] for f in FIELDS])
def test_an_edited_field_gives_the_bytes_of_a_cold_build(
        name: str, values: Any, apply: Callable[[Path, str, Any], None],
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(project.tmp / "xdg"))
    root, tmp = project.root, project.tmp

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(value=values)
    def edited(value: Any) -> None:
        try:
            apply(root, name, value)
            changed = {p for p, data in project.originals.items() if p.read_bytes() != data}
            build(load_config(root))
            assert tree(root / "output") == cold(root, tmp), f"warm: {name}={value!r}"
            outcome = project.serve.rebuild(changed | project.restored)
            project.restored.clear()
            assert outcome.ok, outcome.error
            assert tree(tmp / "preview") == cold(root, tmp, drafts=True), \
                f"serve: {name}={value!r}"
        finally:
            project.restore()

    edited()


def test_a_signature_that_ignores_a_field_is_caught(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above fails when a signature leaves a field out: here the versions of an
    entry's card and page fields ignore its file (so their digests, memoised in the cache
    under those versions, never see a new title), as a hand-written field list once did."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = fixture_copy(tmp_path)
    for name in ("_version_card", "_version_entry"):
        monkeypatch.setattr(Reads, name, lambda self, i: self._registries_version)
    build(load_config(root))
    set_entry(root, "title", "A title no signature saw")
    build(load_config(root))
    monkeypatch.undo()
    stale, fresh = tree(root / "output"), cold(root, tmp_path)
    assert stale != fresh  # what test_an_edited_field_gives_the_bytes_of_a_cold_build asserts
    assert "A title no signature saw" not in stale["index.html"].decode()
