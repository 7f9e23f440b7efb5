"""Issue 17, item 4: a checkout cannot make `sitegen build` unpickle anything it supplies.

The build cache (``.cache/sitegen/build.pickle``, inside the checkout) is signed with a key
kept in the user's cache folder. When ``XDG_CACHE_HOME`` or ``HOME`` points into the
checkout, or the key file is a link or writable by others, that key is the attacker's: a
committed key plus a pickle signed with it ran code on the old code. Each test commits such
a pair, where unpickling writes a marker file outside the project, and expects exit 0 (the
build goes on without its cache), a notice that names the key file with a hint, no marker,
and nothing changed outside the places a build may write.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
from pathlib import Path

import pytest
from attack import Checkout

KEY = bytes(range(32))  # the "committed" signing key
MAGIC = b"SGCACHE1"  # the cache file's header as sitegen 4cd0af2 wrote it


class _RunsCode:
    """Unpickling this writes ``marker``: proof that the cache file was unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (Path.write_text, (self.marker, "code from the checkout ran\n"))


def commit_cache(co: Checkout, key_file: Path, key: bytes = KEY) -> Path:
    """Put a signing key at ``key_file`` and a cache file signed with it in the checkout,
    exactly as sitegen 4cd0af2 would accept it; returns the marker its unpickling writes."""
    marker = co.outside / "pwned"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(key)
    key_file.chmod(0o600)
    payload = pickle.dumps(("parsed", "key", _RunsCode(marker)), protocol=pickle.HIGHEST_PROTOCOL)
    mac = hmac.new(key, payload, hashlib.sha256).digest()
    cache = co.root / ".cache" / "sitegen" / "build.pickle"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(MAGIC + mac + payload)
    return marker


def assert_neutralised(co: Checkout, result: object, marker: Path, key_shown: str,
                       before: dict, also: tuple[str, ...] = ()) -> None:  # type: ignore[type-arg]
    code, text = result.code, result.text  # type: ignore[attr-defined]
    assert not marker.exists(), "the checkout's pickle was unpickled (its code ran)"
    assert code == 0, text
    assert "built " in text
    # a notice naming the key file, why it is not used, and what to do instead
    assert key_shown in text and "signing key" in text, text
    assert "hint:" in text, text
    assert co.changed_outside_allowed(before, co.snapshot(), also) == []


@pytest.mark.parametrize("variable", ["XDG_CACHE_HOME", "HOME"])
def test_a_key_committed_in_the_checkout_is_never_used(tmp_path: Path, variable: str) -> None:
    co = Checkout(tmp_path)
    if variable == "XDG_CACHE_HOME":
        home = co.root / ".cache-home"
        key_file = home / "sitegen" / "cache-signing-key"
        shown = ".cache-home/sitegen/cache-signing-key"
    else:
        home = co.root
        key_file = home / ".cache" / "sitegen" / "cache-signing-key"
        shown = ".cache/sitegen/cache-signing-key"
    marker = commit_cache(co, key_file)
    before = co.snapshot()
    result = co.run("build", "--no-search", **{variable: str(home)})
    assert_neutralised(co, result, marker, shown, before)
    assert key_file.read_bytes() == KEY  # not replaced either: it is the checkout's file


@pytest.mark.parametrize("flaw", ["link", "group-writable", "world-writable"])
def test_a_key_file_others_could_have_written_is_never_used(tmp_path: Path, flaw: str) -> None:
    co = Checkout(tmp_path)
    key_file = co.home / ".cache" / "sitegen" / "cache-signing-key"
    if flaw == "link":  # the user's key is a link to a file the checkout holds
        marker = commit_cache(co, co.root / "docs" / "key.bin")
        key_file.parent.mkdir(parents=True)
        os.symlink(co.root / "docs" / "key.bin", key_file)
    else:
        marker = commit_cache(co, key_file)
        key_file.chmod(0o620 if flaw == "group-writable" else 0o602)
    before = co.snapshot()
    result = co.run("build", "--no-search")
    assert_neutralised(co, result, marker, "cache-signing-key", before)


def test_the_users_own_key_still_gives_warm_builds(tmp_path: Path) -> None:
    """The safe case keeps working: the key is made outside the checkout (mode 0600) and
    a second build verifies and uses the cache the first one wrote (no notice about the
    key, no "build cache … discarded" warning)."""
    co = Checkout(tmp_path)
    first = co.run("build", "--no-search")
    assert first.code == 0, first.text
    key_file = co.home / ".cache" / "sitegen" / "cache-signing-key"
    assert key_file.is_file() and (key_file.stat().st_mode & 0o777) == 0o600
    assert (co.root / ".cache" / "sitegen" / "build.pickle").is_file()
    second = co.run("build", "--no-search")
    assert second.code == 0, second.text
    assert "build cache" not in second.text and "signing key" not in second.text


def test_even_a_cache_signed_with_the_users_key_cannot_run_code(tmp_path: Path) -> None:
    """Defence in depth: should the key ever leak, a cache file may still name only
    sitegen's own data classes; anything else is discarded with a warning, unrun."""
    co = Checkout(tmp_path)
    assert co.run("build", "--no-search").code == 0  # makes the user's key
    key = (co.home / ".cache" / "sitegen" / "cache-signing-key").read_bytes()
    marker = commit_cache(co, co.sandbox / "tmp" / "leaked-key", key)
    before = co.snapshot()
    result = co.run("build", "--no-search")
    assert not marker.exists(), "the cache file's pickle ran code"
    assert result.code == 0, result.text
    assert "build cache" in result.text and "discarded" in result.text
    assert co.changed_outside_allowed(before, co.snapshot()) == []
