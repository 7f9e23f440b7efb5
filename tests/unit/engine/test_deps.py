"""Recorded dependencies: what a render reads is recorded, a signature changes exactly when a
part it read changes, and digests of per-entry parts are memoised by the entry's version."""

from __future__ import annotations

from typing import Any

from sitegen.config import canonical
from sitegen.engine.deps import Memo, Recorder


class Parts(Recorder):
    """A toy site: parts "title" and "card" (versioned: memoised from build to build),
    computed from ``data``."""

    def __init__(self, data: dict[str, str], versions: dict[str, Any], memo: Memo) -> None:
        super().__init__(memo)
        self.data, self.versions, self.computed = data, versions, 0

    def _title(self, _: None) -> str:
        return "Site"

    def _card(self, key: str) -> dict[str, str]:
        self.computed += 1
        return {"id": key, "text": self.data[key]}

    def _version_card(self, key: str) -> str:
        return self.versions[key]


def test_every_part_read_is_recorded_with_its_value() -> None:
    parts = Parts({"a": "x"}, {"a": "v1"}, Memo())
    with parts.recording() as read:
        parts.read("title")
        parts.read("card", "a")
    assert read == {("title", None): "Site", ("card", "a"): {"id": "a", "text": "x"}}


def test_a_signature_changes_when_and_only_when_a_part_read_does() -> None:
    recorded = [("title", None), ("card", "a")]
    before = Parts({"a": "x", "b": "y"}, {"a": "v1", "b": "v1"}, Memo()).signature(recorded)
    same = Parts({"a": "x", "b": "z"}, {"a": "v1", "b": "v2"}, Memo()).signature(recorded)
    other = Parts({"a": "w", "b": "y"}, {"a": "v2", "b": "v1"}, Memo()).signature(recorded)
    assert before == same != other


def test_a_part_that_no_longer_exists_has_no_digest() -> None:
    parts = Parts({}, {}, Memo())
    assert parts.digest(("card", "gone")) is None
    assert parts.signature([("card", "gone")]) is None


def test_per_entry_digests_are_memoised_by_version_across_builds() -> None:
    memo = Memo()
    first = Parts({"a": "x"}, {"a": "v1"}, memo)
    first.digest(("card", "a"))
    assert first.computed == 1 and first.drain_digests()
    again = Parts({"a": "x"}, {"a": "v1"}, memo)  # a later build, same file
    again.digest(("card", "a"))
    assert again.computed == 0 and again.drain_digests() == {}
    edited = Parts({"a": "y"}, {"a": "v2"}, memo)  # the file changed
    assert edited.digest(("card", "a")) != first.digest(("card", "a"))
    assert edited.computed == 1


def test_canonical_puts_sets_in_a_fixed_order_at_any_depth() -> None:
    a = {"k": [frozenset({"zeta", "alpha", "mu"})], "s": {3, 1, 2}}
    assert repr(canonical(a)) == repr(
        {"k": [("set", "alpha", "mu", "zeta")], "s": ("set", 1, 2, 3)})
