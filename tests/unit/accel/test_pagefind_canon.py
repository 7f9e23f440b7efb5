"""The Pagefind index in canonical order: same data as Pagefind wrote, same bytes every run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path
from unittest import mock

import pytest
from golden import tree
from hypothesis import given
from hypothesis import strategies as st
from publish_fixture import index_data, publishing_site

from sitegen.accel import canonicalise_search_index, pagefind_canon
from sitegen.accel.gates import EnvironmentNotice
from sitegen.accel.pagefind_canon import (
    ENTRY_FILE,
    SIGNATURE,
    FormatError,
    Record,
    canonicalise_index,
    decode,
    encode,
    gzip_bytes,
    index_version,
    pagefind_hash,
    read_body,
    read_record,
)
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.engine.builder import build
from sitegen.search import indexer as search


@pytest.fixture(scope="module")
def raw_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The publishing fixture built without search, then indexed by Pagefind alone."""
    tmp = tmp_path_factory.mktemp("canon")
    site = publishing_site(tmp)
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": "1700000000"}):
        out = build(load_config(site), output=tmp / "raw").output
    subprocess.run(search.pagefind_command(out), check=True, capture_output=True, timeout=120)
    return out


def canonical_copy(raw_site: Path, dest: Path) -> Path:
    shutil.copytree(raw_site / "pagefind", dest)
    canonicalise_index(dest)
    return dest


def test_pagefind_names_each_file_after_its_sha1_as_we_spell_it(raw_site):
    names = [p for p in (raw_site / "pagefind").rglob("*.pf_*")]
    assert {p.suffix for p in names} == {".pf_meta", ".pf_filter", ".pf_fragment", ".pf_index"}
    for path in names:
        tail = path.name.split(".")[-2].rpartition("_")[2]
        assert pagefind_hash(read_body(path.read_bytes())).startswith(tail), path.name
    # SHA-1 of b"" is da39…4b0d…0709: Pagefind drops the leading zero of each byte
    assert pagefind_hash(b"") == "da39a3ee5e6b4bd3255bfef95601890afd879"


def test_canonical_index_holds_the_data_pagefind_wrote_in_sorted_order(raw_site, tmp_path):
    raw = raw_site / "pagefind"
    canon = canonical_copy(raw_site, tmp_path / "pagefind")
    assert index_data(canon) == index_data(raw)
    changed = sorted(k for k, v in tree(canon).items() if tree(raw).get(k) != v)
    assert all(k.startswith("filter/") or k.endswith(".pf_meta") or k == ENTRY_FILE
               for k in changed)
    filters = [read_record(p.read_bytes()) for p in sorted(canon.glob("filter/*"))]
    assert sorted(f[0] for f in filters) == ["kind", "participant", "topic", "year"]
    for name, values in filters:
        assert [v for v, _ in values] == sorted(v for v, _ in values), name
    meta = read_record(next(canon.glob("*.pf_meta")).read_bytes())
    assert [name for name, _ in meta[3]] == ["kind", "participant", "topic", "year"]


def _shuffle(folder: Path) -> None:
    """Write the index as another Pagefind run might: every filter list reversed (and so
    renamed), the meta file and the entry file naming the new files."""
    def rewrite(path: Path, record: Record, name_length: int) -> str:
        body = encode(record)
        prefix = path.name.split(".")[-2].rpartition("_")[0]
        new = f"{prefix}_{pagefind_hash(body)[:name_length]}"
        path.unlink()
        stem = "pagefind." if path.suffix == ".pf_meta" else ""
        (path.parent / f"{stem}{new}{path.suffix}").write_bytes(gzip_bytes(SIGNATURE + body))
        return new

    meta_path = next(folder.glob("*.pf_meta"))
    meta = read_record(meta_path.read_bytes())
    for pair in meta[3]:
        path = folder / "filter" / f"{pair[1]}.pf_filter"
        name, values = read_record(path.read_bytes())
        pair[1] = rewrite(path, [name, values[::-1]], 7)
    meta[3] = meta[3][::-1]
    entry = (folder / ENTRY_FILE).read_text(encoding="utf-8")
    new = rewrite(meta_path, meta, 10)
    (folder / ENTRY_FILE).write_text(entry.replace(meta_path.name.split(".")[1], new))


def test_any_order_pagefind_writes_becomes_the_same_bytes(raw_site, tmp_path):
    shuffled = tmp_path / "shuffled"
    shutil.copytree(raw_site / "pagefind", shuffled)
    _shuffle(shuffled)
    assert tree(shuffled) != tree(raw_site / "pagefind")
    assert index_data(shuffled) == index_data(raw_site / "pagefind")
    canonicalise_index(shuffled)
    canon = canonical_copy(raw_site, tmp_path / "canon")
    assert tree(shuffled) == tree(canon)
    canonicalise_index(canon)
    assert tree(shuffled) == tree(canon), "canonicalising again changes nothing"


@pytest.mark.parametrize("damage", ["gzip", "renamed"])
def test_an_index_in_another_format_is_left_as_pagefind_wrote_it(raw_site, tmp_path, damage):
    folder = tmp_path / "pagefind"
    shutil.copytree(raw_site / "pagefind", folder)
    victim = sorted(folder.glob("filter/*"))[0]
    if damage == "gzip":
        victim.write_bytes(b"not gzip")
    else:
        victim.write_bytes(gzip_bytes(SIGNATURE + encode(["kind", []])))
    before = tree(folder)
    with pytest.raises(FormatError):
        canonicalise_index(folder)
    assert tree(folder) == before
    with pytest.warns(EnvironmentNotice) as notices:
        assert canonicalise_search_index(folder) is False
    assert tree(folder) == before
    [notice] = [str(n.message) for n in notices]
    version = index_version(folder)
    assert notice.startswith(f"Pagefind {version} wrote an index in a format sitegen does not know")
    assert "the search index is Pagefind's own, as it wrote it" in notice


def test_an_untested_pagefind_version_keeps_its_own_index(raw_site, tmp_path):
    folder = tmp_path / "pagefind"
    shutil.copytree(raw_site / "pagefind", folder)
    entry = json.loads((folder / ENTRY_FILE).read_bytes())
    entry["version"] = "1.6.0"
    (folder / ENTRY_FILE).write_text(json.dumps(entry))
    before = tree(folder)
    with pytest.warns(EnvironmentNotice, match=r"Pagefind 1\.6\.0 is not a version .* tested"):
        assert canonicalise_search_index(folder) is False
    assert tree(folder) == before


def test_a_tested_version_is_canonicalised_without_a_notice(raw_site, tmp_path):
    folder = tmp_path / "pagefind"
    shutil.copytree(raw_site / "pagefind", folder)
    with warnings.catch_warnings():
        warnings.simplefilter("error", EnvironmentNotice)
        assert canonicalise_search_index(folder) is True
    assert tree(folder) == tree(canonical_copy(raw_site, tmp_path / "canon"))


def test_a_build_whose_index_cannot_be_canonicalised_ships_it_with_a_notice(
        tmp_path, monkeypatch, capsys):
    """Even with --strict: a notice is about the installed Pagefind, not the content."""
    def unknown(folder: Path) -> None:
        raise FormatError("a format from the future")

    monkeypatch.setattr(pagefind_canon, "canonicalise_index", unknown)
    site = publishing_site(tmp_path / "site")
    entry = site / "content" / "entries" / "2019-treaty-ends.md"  # its one content warning
    entry.write_text(entry.read_text().replace("sources:", "primary_not_found: example.org\n"
                                                "sources:", 1))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    code = main(["-C", str(site), "build", "--strict", "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 0
    assert err.count("notice: ") == 1
    version = index_version(tmp_path / "out" / "pagefind")
    assert f"notice: Pagefind {version} wrote an index in a format sitegen does not know (a " \
           "format from the future): the search index is Pagefind's own" in err
    assert index_data(tmp_path / "out" / "pagefind")  # the index is there, and complete
    assert (tmp_path / "out" / "pagefind" / "pagefind.js").is_file()


records = st.recursive(st.integers(0, 2**64 - 1) | st.text(),
                       lambda inner: st.lists(inner, max_size=5), max_leaves=20)


@given(records)
def test_cbor_round_trips(value):
    assert decode(encode(value)) == value
    assert read_record(gzip_bytes(SIGNATURE + encode(value))) == value
