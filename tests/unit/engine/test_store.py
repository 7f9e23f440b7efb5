"""The build cache, by what it does: a warm build does no work, any change of what a section
depends on (code, libraries, settings, templates) means doing that work again, and a
corrupt or foreign cache is never trusted."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from helpers import cold, edit, fixture_copy, inodes, tree

from sitegen.config import load_config
from sitegen.content import fields
from sitegen.engine import store
from sitegen.engine.builder import build
from sitegen.render.markup import MarkdownRenderer


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = fixture_copy(tmp_path)
    build(load_config(root))
    return root


def cache_warnings(result: object) -> list[str]:
    return [w.message for w in result.warnings if "build cache" in w.message]  # type: ignore[attr-defined]


def refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("the cache should have answered")


def forbid_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail on any parse of an entry or conversion of a body (what the cache saves)."""
    monkeypatch.setattr(MarkdownRenderer, "convert", refuse)
    monkeypatch.setattr(fields, "build_entry", refuse)


def test_a_warm_build_parses_converts_and_renders_nothing(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_work(monkeypatch)
    result = build(load_config(site))
    assert cache_warnings(result) == [] and result.rendered == []
    monkeypatch.undo()
    assert tree(site / "output") == cold(site, tmp_path)


def test_a_build_in_a_new_process_reuses_the_last_ones_cache(tmp_path: Path) -> None:
    """Each `sitegen build` is a new process with its own string hashes (PYTHONHASHSEED):
    its cache keys must not depend on them. They did: the settings' repr held a set (the
    archetype's sample values), so half the warm builds of any site rebuilt every page."""
    root = fixture_copy(tmp_path)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}

    def run(seed: int) -> None:
        subprocess.run([sys.executable, "-P", "-m", "sitegen", "-C", str(root), "build",
                        "--no-search"], env={**env, "PYTHONHASHSEED": str(seed)},
                       check=True, capture_output=True)

    run(0)
    first = inodes(root / "output")
    for seed in (1, 2, 3, 4):
        run(seed)
        again = [rel for rel, ino in inodes(root / "output").items()
                 if first.get(rel) != ino and rel != ".sitegen"]  # (the build's own mark)
        assert again == [], f"PYTHONHASHSEED={seed}: written again: {again[:5]}"


def test_without_its_markdown_cache_a_build_converts_again(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: throw the converted bodies away and it does."""
    (site / ".cache" / "sitegen" / "markdown.pickle").unlink()
    forbid_work(monkeypatch)
    with pytest.raises(AssertionError, match="the cache should have answered"):
        build(load_config(site))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty"])
def test_a_corrupt_cache_is_discarded_with_a_warning(site: Path, tmp_path: Path,
                                                     damage: str) -> None:
    path = site / ".cache" / "sitegen" / "build.pickle"
    blob = path.read_bytes()
    path.write_bytes({"garbage": b"not a cache at all", "truncated": blob[: len(blob) // 2],
                      "flipped": blob[:-1] + bytes([blob[-1] ^ 1]), "empty": b""}[damage])
    result = build(load_config(site))
    assert cache_warnings(result) == [
        "build cache is corrupt or was not written by this sitegen; discarded"]
    assert tree(site / "output") == cold(site, tmp_path)
    assert cache_warnings(build(load_config(site))) == []  # written anew, good again


def test_a_cache_signed_with_another_key_is_never_unpickled(site: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (marker.write_text, ("unpickled",))

    data = pickle.dumps(("content", "key", Payload()))
    (site / ".cache" / "sitegen" / "build.pickle").write_bytes(
        store.MAGIC + hmac.new(b"k" * 32, data, hashlib.sha256).digest() + data)
    result = build(load_config(site))
    assert not marker.exists()
    assert len(cache_warnings(result)) == 1
    assert tree(site / "output") == cold(site, tmp_path)


def test_another_users_key_means_a_cold_build(site: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    result = build(load_config(site))
    assert len(cache_warnings(result)) == 3  # one per file, none used
    assert tree(site / "output") == cold(site, tmp_path)


def test_a_template_edit_renders_again_but_parses_and_converts_nothing(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (site / "templates" / "base.html").open("a").write("<!-- edited -->\n")
    forbid_work(monkeypatch)
    result = build(load_config(site))
    assert "index.html" in result.rendered
    monkeypatch.undo()
    assert tree(site / "output") == cold(site, tmp_path)


def test_a_stylesheet_edit_writes_the_stylesheet_only(site: Path, tmp_path: Path) -> None:
    css = site / "templates" / "static" / "site.css"
    css.write_text(css.read_text() + "\nh1 { color: red; }\n")
    assert build(load_config(site)).rendered == ["static/site.css"]
    assert tree(site / "output") == cold(site, tmp_path)


def test_other_sitegen_code_means_a_cold_build(site: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout moved to other commits keeps its version but must not read old pickles."""
    monkeypatch.setattr(store, "code_digest", lambda: "other code, same version")
    parsed = []
    real = fields.build_entry
    monkeypatch.setattr(fields, "build_entry", lambda *a, **k: parsed.append(a) or real(*a, **k))
    result = build(load_config(site))
    assert len(parsed) == len(list((site / "content" / "entries").glob("*.md")))
    assert "index.html" in result.rendered
    monkeypatch.undo()
    assert tree(site / "output") == cold(site, tmp_path)


@pytest.mark.parametrize("library", store.LIBRARIES)
def test_another_version_of_a_library_that_shapes_output_means_a_cold_build(
        site: Path, monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    real = metadata.version
    monkeypatch.setattr(metadata, "version",
                        lambda name: "99.0" if name == library else real(name))
    store.code_digest.cache_clear()
    try:
        result = build(load_config(site))
    finally:
        monkeypatch.undo()
        store.code_digest.cache_clear()
    assert "index.html" in result.rendered and "timeline.json" in result.rendered


def test_an_unreadable_cache_folder_does_not_fail_the_build(site: Path, tmp_path: Path) -> None:
    for path in (site / ".cache" / "sitegen").iterdir():
        path.unlink()
    (site / ".cache" / "sitegen").rmdir()
    (site / ".cache" / "sitegen").write_text("a file where the folder should be")
    result = build(load_config(site))
    assert result.pages > 0
    assert tree(site / "output") == cold(site, tmp_path)


def test_a_section_made_under_other_settings_is_not_used(site: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    edit(site / "sitegen.toml", 'title = "Fixture timeline"', 'title = "Renamed timeline"')
    parsed = []
    real = fields.build_entry
    monkeypatch.setattr(fields, "build_entry", lambda *a, **k: parsed.append(a) or real(*a, **k))
    build(load_config(site))
    assert parsed  # the settings are in the parsed section's key
    monkeypatch.undo()
    assert tree(site / "output") == cold(site, tmp_path)
