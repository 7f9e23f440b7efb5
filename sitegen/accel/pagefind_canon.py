"""Make Pagefind's index byte-identical across runs on the same site.

Pagefind (checked for 1.5.2) keeps each filter in a Rust hash map, so every run writes the
values of a filter, and the list of filters in the ``pagefind.<hash>.pf_meta`` file, in a
new random order. Its files are named after the SHA-1 of their content, so the filter files,
the meta file that names them and ``pagefind-entry.json`` that names the meta file all change
between runs while holding the same data. Everything else it writes is already stable.

This module rewrites just those files in a canonical order: filter values sorted by value
(their page lists ascending), the meta file's filter and sort lists sorted by name. Pagefind's
loader reads all three lists into hash maps (pagefind_web's ``decode_filter_index_chunk`` and
``decode_metadata``), so their order carries no meaning. Each rewritten file is named as
Pagefind names it: language prefix + the first 7 (filter) or 10 (meta) characters of the
SHA-1 of its CBOR body as Pagefind spells it (:func:`pagefind_hash`), longer on a clash. The
loader fetches files by the names in the meta and entry files and checks no hash, but the
names stay content hashes, so long-lived caches of immutable index files stay correct.

Pagefind files are gzip(``pagefind_dcd`` + CBOR). The CBOR here uses only unsigned integers,
text strings and definite-length arrays; :func:`read_record` refuses anything else and any
file that it cannot re-encode to the very same bytes, or whose name is not its hash. Every
file is read and checked before any is written, so a change in Pagefind's format leaves the
index as Pagefind wrote it (sitegen.accel.canonicalise_search_index ships it so, with a
notice) rather than a broken one. Checked with the Pagefind versions of gates.PAGEFIND.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from pathlib import Path
from typing import TypeAlias

from sitegen.errors import OutputError, Problem

SIGNATURE = b"pagefind_dcd"
FILTER_HASH_LENGTH = 7
META_HASH_LENGTH = 10
ENTRY_FILE = "pagefind-entry.json"
Record: TypeAlias = "int | str | list[Record]"


class FormatError(ValueError):
    """A Pagefind file that is not in the format this module knows."""


def _head(major: int, n: int) -> bytes:
    """The shortest CBOR head for major type ``major`` with argument ``n`` (as minicbor)."""
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise FormatError(f"integer {n} too large for CBOR")


def encode(value: Record) -> bytes:
    """CBOR for an unsigned int, a text string or a list of those, shortest form."""
    if isinstance(value, bool) or not isinstance(value, int | str | list):
        raise FormatError(f"cannot encode {type(value).__name__}")
    if isinstance(value, int):
        if value < 0:
            raise FormatError("negative integers are not used by Pagefind")
        return _head(0, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    return _head(4, len(value)) + b"".join(encode(item) for item in value)


def _decode(data: bytes, i: int) -> tuple[Record, int]:
    if i >= len(data):
        raise FormatError("truncated CBOR")
    major, info = data[i] >> 5, data[i] & 31
    i += 1
    if info < 24:
        n = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        if i + size > len(data):
            raise FormatError("truncated CBOR")
        n, i = int.from_bytes(data[i:i + size], "big"), i + size
    else:
        raise FormatError(f"CBOR additional info {info} (indefinite length or reserved)")
    if major == 0:
        return n, i
    if major == 3:
        if i + n > len(data):
            raise FormatError("truncated CBOR text")
        return data[i:i + n].decode("utf-8"), i + n
    if major == 4:
        items: list[Record] = []
        for _ in range(n):
            item, i = _decode(data, i)
            items.append(item)
        return items, i
    raise FormatError(f"CBOR major type {major} is not used by the Pagefind files we know")


def decode(data: bytes) -> Record:
    """The value of one complete CBOR item (the subset :func:`encode` writes)."""
    value, end = _decode(data, 0)
    if end != len(data):
        raise FormatError(f"{len(data) - end} bytes after the CBOR item")
    return value


def read_body(raw: bytes) -> bytes:
    """The CBOR body of a Pagefind file: gunzipped, its signature checked and removed."""
    try:
        data = zlib.decompress(raw, wbits=31)
    except zlib.error as exc:
        raise FormatError(f"not gzip: {exc}") from None
    if not data.startswith(SIGNATURE):
        raise FormatError("no pagefind_dcd signature")
    return data[len(SIGNATURE):]


def read_record(raw: bytes) -> Record:
    """The decoded content of a Pagefind file, checked to re-encode to the same bytes."""
    body = read_body(raw)
    value = decode(body)
    if encode(value) != body:
        raise FormatError("CBOR not in the shortest form this module writes")
    return value


def gzip_bytes(data: bytes) -> bytes:
    """gzip with a fixed header (no name, mtime 0, best compression, OS unknown), as Pagefind."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    body = deflate.compress(data) + deflate.flush()
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + body
            + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF))


def pagefind_hash(body: bytes) -> str:
    """Pagefind's content hash: SHA-1 with each byte in hex *without* zero padding (its
    ``full_hash`` formats bytes with ``{:x}``), so 0x03 0xe9 reads "3e9"."""
    return "".join(format(byte, "x") for byte in hashlib.sha1(body).digest())


def _hash_tail(name: str, body: bytes) -> str:
    """The language prefix of Pagefind file name ``name``, checked to end with its hash."""
    prefix, _, tail = name.rpartition("_")
    digest = pagefind_hash(body)
    if not prefix or len(tail) < FILTER_HASH_LENGTH or not digest.startswith(tail):
        raise FormatError(f"name {name} is not the SHA-1 of its content")
    return prefix + "_"


def _new_name(prefix: str, body: bytes, length: int, taken: set[str]) -> str:
    """Pagefind's name for ``body``: the shortest unused prefix of its hash from ``length``."""
    digest = pagefind_hash(body)
    while prefix + digest[:length] in taken and length < len(digest):
        length += 1
    name = prefix + digest[:length]
    taken.add(name)
    return name


def _pairs(value: Record, what: str) -> list[tuple[str, Record]]:
    """``value`` checked to be a list of [text, anything] pairs with distinct texts, sorted."""
    pairs: dict[str, Record] = {}
    for pair in value if isinstance(value, list) else [value]:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
            raise FormatError(f"{what} is not a list of [name, value] pairs")
        if pair[0] in pairs:
            raise FormatError(f"{what} repeats {pair[0]!r}")
        pairs[pair[0]] = pair[1]
    return sorted(pairs.items())


def _canonical_filter(record: Record, name: str) -> Record:
    """A filter record with its values sorted by value and each page list ascending."""
    if not (isinstance(record, list) and len(record) == 2 and record[0] == name):
        raise FormatError(f"filter file for {name} does not hold filter {name}")
    values: list[Record] = []
    for value, pages in _pairs(record[1], f"filter {name}"):
        if not (isinstance(pages, list) and all(isinstance(p, int) for p in pages)):
            raise FormatError(f"filter {name}: page list is not numbers")
        values.append([value, sorted(p for p in pages if isinstance(p, int))])
    return [name, values]


def _canonical_language(folder: Path, old_hash: str, taken: set[str],
                        files: dict[Path, bytes | None]) -> str:
    """Queue the canonical meta and filter files of one language; its new meta hash."""
    meta_path = folder / f"pagefind.{old_hash}.pf_meta"
    raw = meta_path.read_bytes()
    prefix = _hash_tail(old_hash, read_body(raw))
    meta = read_record(raw)
    if not isinstance(meta, list) or len(meta) < 5:
        raise FormatError(f"{meta_path.name} does not have the five fields sitegen knows")
    files[meta_path] = None
    filters: list[Record] = []
    for name, old in _pairs(meta[3], "the meta file's filter list"):
        path = folder / "filter" / f"{old}.pf_filter"
        raw = path.read_bytes()
        _hash_tail(str(old), read_body(raw))
        files.setdefault(path, None)
        body = encode(_canonical_filter(read_record(raw), name))
        new = _new_name(prefix, body, FILTER_HASH_LENGTH, taken)
        files[folder / "filter" / f"{new}.pf_filter"] = gzip_bytes(SIGNATURE + body)
        filters.append([name, new])
    meta[3] = filters
    meta[4] = [[key, pages] for key, pages in _pairs(meta[4], "the meta file's sort list")]
    body = encode(meta)
    new_hash = _new_name(prefix, body, META_HASH_LENGTH, set())
    files[folder / f"pagefind.{new_hash}.pf_meta"] = gzip_bytes(SIGNATURE + body)
    return new_hash


def index_version(folder: Path) -> str:
    """The version of Pagefind that wrote the index in ``folder`` (from its entry file)."""
    try:
        version = json.loads((folder / ENTRY_FILE).read_bytes())["version"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FormatError(f"{ENTRY_FILE}: {exc}") from None
    if not isinstance(version, str):
        raise FormatError(f"{ENTRY_FILE}: the version is not a string")
    return version


def canonicalise_index(folder: Path) -> None:
    """Rewrite the Pagefind index in ``folder`` (…/pagefind) so that it is the same bytes on
    every run. FormatError, with nothing changed, if the index is not in the format this
    module knows; OutputError if rewriting it fails."""
    entry_path = folder / ENTRY_FILE
    try:
        entry = json.loads(entry_path.read_bytes())
        languages = entry["languages"]
        files: dict[Path, bytes | None] = {}
        taken: set[str] = set()
        for lang in sorted(languages):
            languages[lang]["hash"] = _canonical_language(folder, languages[lang]["hash"],
                                                          taken, files)
        entry["languages"] = {lang: languages[lang] for lang in sorted(languages)}
        files.update((p, None) for p in [*folder.glob("pagefind.*.pf_meta"),
                                          *folder.glob("filter/*")] if p not in files)
    except FormatError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise FormatError(f"{type(exc).__name__}: {exc}") from None
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    files[entry_path] = text.encode("utf-8")
    try:
        for path in sorted(p for p, data in files.items() if data is None):
            path.unlink(missing_ok=True)
        for path, data in sorted((p, d) for p, d in files.items() if d is not None):
            path.write_bytes(data)
    except OSError as exc:
        raise _problem(f"cannot rewrite the search index: {exc}", folder) from None


def _problem(message: str, folder: Path) -> OutputError:
    """The error a build reports when the index cannot be rewritten."""
    return OutputError(problems=[Problem(
        f"{folder.name}/", None, None, message,
        "build again, or build without search: `sitegen build --no-search`")])
