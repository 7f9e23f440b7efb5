"""The build cache: hits skip work, and a corrupt or foreign cache is never trusted."""

from __future__ import annotations

import hashlib
import hmac
import pickle
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

from sitegen.config import load_config
from sitegen.content import fields
from sitegen.engine import cache, incremental
from sitegen.engine.build import build, build_uncached
from sitegen.engine.incremental import SiteBuilder
from sitegen.engine.writer import AtomicOutput
from sitegen.render.markup import MarkdownRenderer


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(incremental, "LINK_MIN_PAGES", 0)
    root = shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    build(load_config(root))
    return root


def cache_file(root: Path) -> Path:
    return root / ".cache" / "sitegen" / cache.FILE


def reference(root: Path, tmp: Path) -> dict[str, bytes]:
    build_uncached(load_config(root), output=tmp / "cold")
    return tree(tmp / "cold")


def cache_warnings(result: object) -> list[str]:
    return [w.message for w in result.warnings if "build cache" in w.message]  # type: ignore[attr-defined]


def test_a_build_writes_a_signed_cache(site: Path) -> None:
    blob = cache_file(site).read_bytes()
    assert blob.startswith(cache.MAGIC)
    assert cache._verified(blob) is not None


def test_sections_written_ahead_load_as_the_others(site: Path) -> None:
    """A cold build writes the parsed sections while its workers render; all load back."""
    stored = cache._verified(cache_file(site).read_bytes())
    assert stored is not None and sorted(stored) == sorted(cache.SECTIONS)
    builder = SiteBuilder(load_config(site))
    loaded = cache.BuildCache.load(builder.config, builder.keys())
    assert loaded.warnings == []
    assert loaded.parsed.items and loaded.digests.items and loaded.markdown.items


def test_a_cache_begun_by_a_failed_build_is_removed(site: Path, monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
    shutil.rmtree(site / ".cache")
    monkeypatch.setattr(AtomicOutput, "copy_files",  # after the pages, before the swap
                        lambda *a: (_ for _ in ()).throw(RuntimeError("late failure")))
    with pytest.raises(RuntimeError):
        build(load_config(site))
    assert [p.name for p in (site / ".cache" / "sitegen").iterdir()] == []


def test_a_section_changed_after_it_was_written_is_written_again(site: Path) -> None:
    config = load_config(site)
    keys = SiteBuilder(config).keys()
    stored = cache.BuildCache.load(config, keys)
    stored.prepare(config, ("parsed",))
    stored.parsed.items = {"replaced": True}
    stored.save(config)
    assert cache.BuildCache.load(config, keys).parsed.items == {"replaced": True}


def test_warm_build_converts_no_markdown_and_parses_no_entry(site: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr(MarkdownRenderer, "render", refuse)
    monkeypatch.setattr(fields, "build_entry", refuse)
    result = build(load_config(site))
    assert cache_warnings(result) == []
    monkeypatch.undo()
    assert tree(site / "output") == reference(site, tmp_path)


def payload(blob: bytes) -> bytes:
    return blob[len(cache.MAGIC) + 32:]


def test_a_warm_build_appends_what_changed_instead_of_rewriting(site: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    before = cache_file(site).read_bytes()
    dumped: list[str] = []
    real = cache._CacheFile.add

    def add(self: cache._CacheFile, name: str, key: str, items: dict) -> None:  # type: ignore[type-arg]
        dumped.append(name)
        real(self, name, key, items)

    monkeypatch.setattr(cache._CacheFile, "add", add)
    build(load_config(site))  # nothing changed: the pages records may have moved (spare)
    after = cache_file(site).read_bytes()
    assert dumped == []  # the file was not written anew
    assert payload(after)[:len(payload(before))] == payload(before)
    appended = cache._read(after)
    assert appended is not None and sorted(appended[0]) == sorted(cache.SECTIONS)
    assert set(appended[2]) == set(cache.SECTIONS)
    build(load_config(site))  # and the appended file serves the next build
    monkeypatch.undo()
    assert tree(site / "output") == reference(site, tmp_path)


def test_an_unchanged_cache_is_not_written_at_all(site: Path) -> None:
    config = load_config(site)
    keys = SiteBuilder(config).keys()
    path = cache_file(site)
    ident = cache._identity(path)
    cache.BuildCache.load(config, keys).save(config)
    assert cache._identity(path) == ident
    changed = cache.BuildCache.load(config, keys)
    changed.pages.items = {"live": {}, "spare": {}}
    changed.save(config)
    assert cache._identity(path) != ident
    assert cache.BuildCache.load(config, keys).pages.items == {"live": {}, "spare": {}}


def test_appended_records_never_make_up_half_of_the_file(site: Path) -> None:
    config = load_config(site)
    keys = SiteBuilder(config).keys()
    sizes = []
    for n in range(12):
        stored = cache.BuildCache.load(config, keys)
        stored.pages.items = {"live": {f"page-{n}-{i}": ("s" * 40, (i, n, 0)) for i in range(50)},
                              "spare": {}}
        stored.save(config)
        sizes.append(cache_file(site).stat().st_size)
        read = cache._read(cache_file(site).read_bytes())
        assert read is not None and read[0]["pages"][1] == stored.pages.items
        superseded = sizes[-1] - len(cache.MAGIC) - 32 - sum(read[2].values())
        assert superseded * 2 <= sizes[-1]
    assert max(sizes) < 2 * min(sizes)


def test_a_cache_replaced_by_another_build_is_not_appended_to(site: Path) -> None:
    config = load_config(site)
    keys = SiteBuilder(config).keys()
    mine = cache.BuildCache.load(config, keys)
    other = cache.BuildCache.load(config, keys)
    other.markdown.items = {"other": ("<p>x</p>", ())}
    other.save(config)  # another build saved meanwhile
    mine.pages.items = {"live": {}, "spare": {}}
    mine.save(config)  # must not graft its records onto the other build's file
    stored = cache.BuildCache.load(config, keys)
    assert stored.pages.items == {"live": {}, "spare": {}}
    assert "other" not in stored.markdown.items and stored.parsed.items


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty"])
def test_corrupt_cache_is_discarded_with_a_warning(site: Path, tmp_path: Path,
                                                   damage: str) -> None:
    path = cache_file(site)
    blob = path.read_bytes()
    path.write_bytes({"garbage": b"not a cache at all", "truncated": blob[: len(blob) // 2],
                      "flipped": blob[:-1] + bytes([blob[-1] ^ 1]), "empty": b""}[damage])
    result = build(load_config(site))
    assert cache_warnings(result) == [
        "build cache is corrupt or was not written by this sitegen; discarded"]
    assert tree(site / "output") == reference(site, tmp_path)
    assert cache._verified(cache_file(site).read_bytes()) is not None  # rewritten, good again


def test_foreign_cache_is_never_unpickled(site: Path, tmp_path: Path) -> None:
    """A well-formed cache signed with another key (copied from elsewhere) is not loaded."""
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (marker.write_text, ("unpickled",))

    data = pickle.dumps({"parsed": ("k", Payload())})
    other_key = b"k" * 32
    cache_file(site).write_bytes(
        cache.MAGIC + hmac.new(other_key, data, hashlib.sha256).digest() + data)
    result = build(load_config(site))
    assert not marker.exists()
    assert len(cache_warnings(result)) == 1
    assert tree(site / "output") == reference(site, tmp_path)


def test_another_users_key_means_a_cold_build(site: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    result = build(load_config(site))
    assert len(cache_warnings(result)) == 1
    assert tree(site / "output") == reference(site, tmp_path)


def test_sections_are_dropped_when_their_key_changes(site: Path) -> None:
    builder = SiteBuilder(load_config(site))
    keys = builder.keys()
    loaded = cache.BuildCache.load(load_config(site), keys)
    assert loaded.parsed.items and loaded.markdown.items and loaded.pages.items
    other = dict(keys, pages="another templates digest")
    partly = cache.BuildCache.load(load_config(site), other)
    assert partly.pages.items == {} and partly.markdown.items == loaded.markdown.items


def test_template_edit_changes_the_pages_key_only(site: Path) -> None:
    before = SiteBuilder(load_config(site)).keys()
    (site / "templates" / "base.html").open("a").write("<!-- x -->\n")
    after = SiteBuilder(load_config(site)).keys()
    assert before["pages"] != after["pages"]
    assert before["markdown"] == after["markdown"] and before["parsed"] == after["parsed"]


def test_unreadable_cache_folder_does_not_fail_the_build(site: Path, tmp_path: Path) -> None:
    shutil.rmtree(site / ".cache")
    (site / ".cache").write_text("a file where the folder should be")
    result = build(load_config(site))
    assert tree(site / "output") == reference(site, tmp_path)
    assert result.pages > 0


def test_other_sitegen_code_means_a_cold_build(site: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout moved to other commits keeps its version but must not read old pickles."""
    before = SiteBuilder(load_config(site)).keys()
    (site / "content" / "entries" / "1994-partnership.md").open("a").write("\nMore.\n")
    for module in (cache, incremental):
        monkeypatch.setattr(module, "code_digest", lambda: "other code, same version")
    parsed = []
    real = fields.build_entry

    def counting(*args: object, **kwargs: object) -> object:
        parsed.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fields, "build_entry", counting)
    after = SiteBuilder(load_config(site)).keys()
    assert all(before[name] != after[name] for name in cache.SECTIONS)
    build(load_config(site))
    entries = len(list((site / "content" / "entries").glob("*.md")))
    assert len(parsed) == entries  # nothing was taken from the old cache
    assert tree(site / "output") == reference(site, tmp_path)
