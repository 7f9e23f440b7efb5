"""YAML reading that remembers where each key stood, so messages can name the line.

Dates are left as text (the date parser decides their precision); the C loader is used
where libyaml is available, and sitegen.accel's faster constructor where the PyYAML version
is one it is tested on.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from sitegen.accel import yaml_fast_path

try:  # libyaml is ~11x faster; fall back to the pure-Python loader where it is missing
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Base = yaml.SafeLoader


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping from YAML that knows the line of itself and of each of its keys."""

    line: int = 1
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):  # type: ignore[type-arg]
    """A sequence from YAML that knows the line of each item."""

    line: int = 1
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class Loader(_Base):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader (the C one where available) that records lines and keeps
    dates as text; sitegen.accel.fastyaml derives a faster one from it."""

    line_offset = 0  # added to every recorded line: front matter starts below line 1


# Keep dates as strings: 2021-02-30 must become our message, not a bare ValueError.
Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in _Base.yaml_implicit_resolvers.items()  # type: ignore[attr-defined]
}


def check_key(key: Any, mapping: dict[Any, Any], key_node: yaml.Node) -> None:
    """Refuse a key no mapping can hold (a list, a mapping, a set: YAML allows them, we do
    not) and a key the mapping already has."""
    try:
        hash(key)
    except TypeError:
        raise yaml.constructor.ConstructorError(
            None, None, "a key must be a plain word, not a list or mapping",
            key_node.start_mark) from None
    if key in mapping:
        raise yaml.constructor.ConstructorError(
            None, None, f"the key '{key}' appears twice", key_node.start_mark)


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1 + loader.line_offset
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        check_key(key, result, key_node)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1 + loader.line_offset
    return result


def _construct_sequence(loader: Any, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1 + loader.line_offset
    result.item_lines = [child.start_mark.line + 1 + loader.line_offset for child in node.value]
    return result


MAX_NODES = 100_000  # far above any real front matter; stops alias bombs
# Aliases may not make a document more text than a content file may hold (2 MiB, so no
# document without aliases is refused; real front matter is a few KB). A 100 KB string
# repeated 2,000 times by aliases gave a 200 MB timeline.json.
MAX_EXPANDED_CHARS = 2 * 1024 * 1024

Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class YamlSyntaxError(ValueError):
    """YAML that cannot be parsed, with the 1-based line where the parser stopped."""

    def __init__(self, message: str, line: int | None, field: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.field = field  # the top-level key it concerns, when known
        self.hint = hint  # what to do, when the caller's general advice would not fit


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse YAML; lines in the result and in errors are offset to ``first_line``."""
    fast = yaml_fast_path()  # None: PyYAML's own code throughout
    loader = (fast.Loader if fast else Loader)(text)
    loader.line_offset = first_line - 1
    try:
        node = loader.get_single_node()
        if node is not None and "*" in text:
            _check_expansion(node, first_line)
        if node is None:
            data = None
        elif fast is None or "*" in text or "&" in text or "<<" in text:  # maybe anchors,
            data = loader.construct_document(node)  # aliases or merges
        else:
            data = fast.construct_plain(loader, node)
    except yaml.MarkedYAMLError as exc:
        if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
            # the parser ran to the end of the text looking for the closing quote: the
            # problem is where the quote opened, not where the text ends
            raise YamlSyntaxError(
                "invalid YAML: a quoted value starts on this line and its quote is never "
                "closed", exc.context_mark.line + first_line, None,
                "end the value with the same quote mark, or remove the opening one") from None
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        opened = _unclosed_quote(text, mark.line if mark is not None else len(text))
        hint = None
        if opened is not None and line is not None and opened + first_line < line:
            hint = (f"the quote opened on line {opened + first_line} is not closed on that "
                    "line: a quoted value runs on until the next quote mark")
        raise YamlSyntaxError(_explain(problem, text, mark), line, None, hint) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"invalid YAML: {exc}", None) from None
    except RecursionError:  # the pure-Python parser on absurdly deep nesting
        raise YamlSyntaxError("invalid YAML: nested too deeply", first_line) from None
    finally:
        loader.dispose()
    return data


_ALIAS_HINT = "write the value out once instead of repeating it with aliases (*name)"


def _check_expansion(root: yaml.Node, first_line: int) -> None:
    """Refuse a document whose aliases expand it past MAX_NODES values or
    MAX_EXPANDED_CHARS characters of text, naming the top-level key that does it."""
    sizes = _expanded_sizes(root)
    values, chars = sizes[id(root)]
    if values <= MAX_NODES and chars <= MAX_EXPANDED_CHARS:
        return
    what = (f"more than {MAX_NODES:,} values" if values > MAX_NODES
            else f"more than {MAX_EXPANDED_CHARS:,} characters")
    line, field = first_line, None
    if isinstance(root, yaml.MappingNode):  # the field whose value grows the most
        key_node, value_node = max(root.value, key=lambda kv: sizes[id(kv[1])])
        line = key_node.start_mark.line + first_line
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
        field = key if key.isprintable() and 0 < len(key) <= 64 else None  # never raw
    where = f" under '{field}'" if field else ""
    raise YamlSyntaxError(f"invalid YAML: aliases{where} expand to {what}", line, field,
                          _ALIAS_HINT)


def _expanded_sizes(root: yaml.Node) -> dict[int, tuple[int, int]]:
    """Each node's (values, characters of text) once aliases are expanded, by id(node).

    Sizes are memoised per node, so a billion-laughs document costs a few steps to measure
    (an alias is the anchored node itself, met again); both counts are capped just over
    their limits. A node that contains itself counts once (the constructor reports it).
    """
    sizes: dict[int, tuple[int, int]] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes and not done:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = (1, len(node.value))
            continue
        children: list[yaml.Node] = (
            [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
            else list(node.value))
        if done:
            got = [sizes.get(id(c), (1, 0)) for c in children]
            sizes[key] = (min(MAX_NODES + 1, 1 + sum(v for v, _ in got)),
                          min(MAX_EXPANDED_CHARS + 1, sum(c for _, c in got)))
            continue
        sizes[key] = (1, 0)  # provisional: breaks cycles
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes


_QUOTE_OPENS = re.compile(r"^\s*(?:-\s+)?(?:[^\s:#'\"][^:#]*:\s+)?([\"'])")


def _unclosed_quote(text: str, before: int) -> int | None:
    """The first line (0-based, before line ``before``) whose value opens a quote that the
    line does not close, if any."""
    for number, line in enumerate(text.split("\n")[:before]):
        m = _QUOTE_OPENS.match(line)
        if m is None:
            continue
        quote, rest = m.group(1), line[m.end():]
        if quote == "'":
            rest = rest.replace("''", "")
        else:
            rest = re.sub(r"\\.", "", rest)
        if quote not in rest:
            return number
    return None


def _explain(problem: str, text: str, mark: Any) -> str:
    line_text = ""
    if mark is not None:
        lines = text.splitlines()
        if 0 <= mark.line < len(lines):
            line_text = lines[mark.line]
    if "\t" in line_text or "found character '\\t'" in problem:
        return f"invalid YAML: {problem} (a tab: YAML indents with spaces only)"
    return f"invalid YAML: {problem}"

