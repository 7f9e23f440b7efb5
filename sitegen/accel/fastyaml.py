"""Front matter read faster than PyYAML's general constructor reads it (the same data).

PyYAML's ``construct_object`` keeps every node in two dictionaries (for aliases and
recursion) and looks its constructor up by tag, and its resolver runs a chain of regular
expressions on every scalar; front matter is small trees of plain strings whose keys and
ids recur in every file. Two shortcuts, used only on the PyYAML versions the tests cover
(sitegen.accel.yaml_fast_path checks the version before this module is imported):

- :func:`construct_plain` walks a document without anchors, aliases or merges directly;
  any other tag still goes through PyYAML's own constructor.
- :class:`MemoResolver` remembers the tag of short scalars.

tests/test_yamlio.py compares both with PyYAML's own path on generated documents.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml

from sitegen.content.yamlio import LineDict, LineList, check_key
from sitegen.content.yamlio import Loader as StockLoader

_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_VALUE = "tag:yaml.org,2002:value"
_SHORT = 48
_intern = sys.intern
_RESOLVED: dict[tuple[str, tuple[bool, bool]], str] = {}  # see MemoResolver.resolve
_MEMO_MAX_LEN, _MEMO_MAX_SIZE = 40, 100_000


class Loader(StockLoader):  # type: ignore[misc, valid-type]
    """sitegen's loader, with the tag of short scalars memoised."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """The tag of a node, memoised for short scalars (keys, ids, kinds, dates).

        The answer depends on the scalar and this class's resolvers only (it has no path
        resolvers), and the same few hundred keys and ids recur in every file.
        """
        if kind is not yaml.ScalarNode or len(value) > _MEMO_MAX_LEN:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            if len(_RESOLVED) >= _MEMO_MAX_SIZE:
                _RESOLVED.clear()
            tag = _RESOLVED[key] = super().resolve(kind, value, implicit)
        return tag


def construct_plain(loader: Any, node: yaml.Node) -> Any:
    """What construct_document gives, for a document without anchors, aliases or merges.

    PyYAML's general construct_object keeps every node in two dictionaries (for aliases
    and recursion) and looks its constructor up by tag; front matter is small trees of
    strings, so this direct walk does the same work in a third of the time. Any other tag
    still goes through PyYAML's own constructor.
    """
    tag = node.tag
    if tag == _STR and type(node) is yaml.ScalarNode:
        value = node.value
        # Keys, ids, kinds, roles, publishers repeat in every file: one shared string each
        # (10,000 entries hold ~15 MB of copies otherwise, which every worker would copy).
        return _intern(value) if len(value) <= _SHORT else value
    offset = loader.line_offset
    if tag == _MAP and type(node) is yaml.MappingNode:
        result = LineDict()
        result.line = node.start_mark.line + 1 + offset
        key_lines: dict[str, int] = {}
        result.key_lines = key_lines
        for key_node, value_node in node.value:
            if key_node.tag == _VALUE:  # a bare "=" key: flatten_mapping makes it a string
                key_node.tag = _STR
            key = construct_plain(loader, key_node)
            check_key(key, result, key_node)
            result[key] = construct_plain(loader, value_node)
            key_lines[str(key)] = key_node.start_mark.line + 1 + offset
        return result
    if tag == _SEQ and type(node) is yaml.SequenceNode:
        items = LineList(construct_plain(loader, child) for child in node.value)
        items.line = node.start_mark.line + 1 + offset
        items.item_lines = [child.start_mark.line + 1 + offset for child in node.value]
        return items
    return loader.construct_object(node, deep=True)
