"""Citations of an entry and of the whole dataset: a readable sentence, BibTeX, RIS and CSL-JSON.

A citation names the site's publisher and editors (settings, never the tool), the entry's
``updated`` date, the dataset's version (the build's date and, when known, its commit) and an
access date. The access date is the reader's: an entry page carries the placeholder
``ACCESSED`` ("[date]"), which the page's script replaces when a reader copies the sentence,
so that a build never reads the clock.

An entry page holds only the sentence. Its BibTeX, RIS and CSL-JSON are made in the browser,
when the reader asks (timeline.js), from the page's JSON-LD and the dataset's own record in
citation.json, whose editors, publisher and version every entry shares: 2–3 KB an
entry page less, within the output budget of 20 KB an entry. This module writes the dataset's
records, citation.{bib,ris,json}, the same way the script writes an entry's (the tests read
both back with bibtexparser, rispy and citeproc-py):

- BibTeX: ``@misc`` with biblatex's ``date``, ``urldate`` and ``version``; TeX's special
  characters escaped, braces balanced; the title in double braces (capitals kept).
- RIS: ``TAG  - value`` lines, one value per line, ``ER  -`` last.
- CSL-JSON: an array of items; dates as ``date-parts``; the access date as ``raw`` until
  the script fills it in.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from slugify import slugify

from sitegen.config import Config
from sitegen.content.dates import PartialDate
from sitegen.content.history import DatasetVersion
from sitegen.content.model import Entry, Site
from sitegen.i18n.language import Language
from sitegen.outputs.feeds import build_time
from sitegen.render.context import entry_url

ACCESSED = "[date]"  # the access date's placeholder, filled in by timeline.js
FILES = {"bib": "application/x-bibtex", "ris": "application/x-research-info-systems",
         "json": "application/vnd.citationstyles.csl+json"}


@dataclass(frozen=True)
class Version:
    """The dataset's version: a date and, when known, the commit (or version label)."""

    date: dt.date
    commit: str | None

    def text(self) -> str:
        return self.date.isoformat() + (f", commit {self.commit}" if self.commit else "")


def site_version(site: Site, config: Config, head: DatasetVersion | None) -> Version:
    """The version a citation gives: the commit built and its date (``head``, from Git or
    ``SITEGEN_COMMIT``: content/history.py); without a commit date, the build's date
    (SOURCE_DATE_EPOCH, else the newest date of the content); without a commit, the
    ``[dataset] version`` setting. Never the clock: builds stay deterministic."""
    if head is None:
        return Version(build_time(site).date(), config.dataset_version)
    day = dt.date.fromisoformat(head.date[:10]) if head.date else build_time(site).date()
    return Version(day, head.short)


@dataclass(frozen=True)
class Work:
    """What a citation cites, in the terms every format shares."""

    key: str
    kind: str  # "entry" or "dataset"
    title: str
    url: str
    issued: dt.date | PartialDate
    version: Version
    publisher: str
    editors: tuple[str, ...]
    container: str | None = None  # the site an entry is part of
    event: PartialDate | None = None
    updated: PartialDate | None = None  # the entry's last review
    language: str = "en"
    circa: bool = False  # the event's date is approximate


def entry_work(e: Entry, config: Config, version: Version, title: str | None = None,
               language: str | None = None) -> Work:
    """An entry page as a citable work, issued on its ``updated`` date (else the build's);
    ``title`` and ``language``: the page's, when it shows a translation."""
    return Work(key=e.id, kind="entry", title=title or e.title,
                url=config.absolute_url(entry_url(e.id)),
                issued=e.updated or version.date, version=version,
                publisher=publisher(config), editors=config.editors, container=config.title,
                event=e.date, updated=e.updated, language=language or config.language,
                circa=e.circa)


def dataset_work(config: Config, version: Version) -> Work:
    """The whole dataset as a citable work, issued on the build's date."""
    return Work(key=_key(config.title), kind="dataset", title=config.title,
                url=config.absolute_url(""), issued=version.date, version=version,
                publisher=publisher(config), editors=config.editors,
                language=config.language)


def publisher(config: Config) -> str:
    """Who publishes the site: the setting, else the site's own title (never the tool)."""
    return config.publisher or config.author or config.title


def _key(title: str) -> str:
    """A citation key from the site's title (ASCII: BibTeX keys are)."""
    return slugify(title, max_length=48, word_boundary=True) or "dataset"


def _parts(d: dt.date | PartialDate) -> list[int]:
    if isinstance(d, dt.date):
        return [d.year, d.month, d.day]
    return [int(x) for x in d.iso().split("-")]


def _iso(d: dt.date | PartialDate) -> str:
    return d.isoformat() if isinstance(d, dt.date) else d.iso()


def _editors_text(names: tuple[str, ...], lang: Language) -> str:
    if not names:
        return ""
    from babel.lists import format_list

    joined = format_list(list(names), locale=lang.locale)
    return lang.ngettext("%(names)s, ed.", "%(names)s, eds.", len(names), names=joined) + " "


def text(w: Work, lang: Language | None = None) -> str:
    """The citation as a sentence in ``lang`` (the page's language; English when None): the
    page shows it, "Copy citation" copies it with the placeholder ACCESSED filled in."""
    lang = lang or Language("en")
    if w.kind == "entry":
        assert w.event is not None
        when = lang.circa(w.event) if w.circa else lang.date(w.event)
        # the publisher is left out when it is the site itself, as citation styles do
        by = "" if w.publisher == w.container else f" {w.publisher}."
        head = f"“{w.title}” ({when}). " + lang.gettext("In %(title)s.", title=w.container) + by
        updated = (" " + lang.gettext("Updated %(date)s.", date=lang.date(w.updated))
                   if w.updated else "")
    else:
        head, updated = f"{w.title} [dataset]. {w.publisher}.", ""
    version = (lang.gettext("Dataset version %(date)s, commit %(commit)s.",
                            date=w.version.date.isoformat(), commit=w.version.commit)
               if w.version.commit else
               lang.gettext("Dataset version %(date)s.", date=w.version.date.isoformat()))
    return (f"{_editors_text(w.editors, lang)}{head}{updated} {version} "
            + lang.gettext("%(url)s, accessed %(date)s.", url=w.url, date=ACCESSED))


# -- BibTeX -----------------------------------------------------------------------------
_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
        "%": r"\%", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}"}
_TEX_RE = re.compile(r"[\\{}$&%#_~^]")


def tex(value: str) -> str:
    """Text safe inside a BibTeX field's braces: TeX's specials escaped, one line."""
    return _TEX_RE.sub(lambda m: _TEX[m.group(0)], " ".join(value.split()))


def _url(value: str) -> str:
    """A URL for a verbatim field: braces and backslashes percent-encoded, % kept."""
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def bibtex(w: Work, accessed: bool = True) -> str:
    """One ``@misc`` record (biblatex reads ``date``, ``urldate`` and ``version``), as
    timeline.js writes an entry's."""
    fields = [("title", "{" + tex(w.title) + "}")]
    if w.editors:
        fields.append(("editor", " and ".join("{" + tex(n) + "}" for n in w.editors)))
    fields.append(("publisher", tex(w.publisher)))
    if w.container:
        fields.append(("howpublished", tex(w.container)))
    fields += [("year", str(_parts(w.issued)[0])), ("date", _iso(w.issued)),
               ("version", tex(w.version.text()))]
    fields.append(("url", _url(w.url)))
    if accessed:
        fields.append(("urldate", ACCESSED))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{w.key},\n{body}\n}}\n"


# -- RIS --------------------------------------------------------------------------------
def ris(w: Work, accessed: bool = True) -> str:
    """One RIS record: ELEC (a web page) for an entry, DATA for the dataset."""
    def line(tag: str, value: str) -> str:
        return f"{tag}  - {' '.join(value.split())}\n"

    p = _parts(w.issued)
    out = [line("TY", "ELEC" if w.kind == "entry" else "DATA"), line("TI", w.title)]
    out += [line("A2", n) for n in w.editors]  # A2: secondary authors, i.e. editors
    out.append(line("PB", w.publisher))
    if w.container:
        out.append(line("T2", w.container))
    out += [line("PY", str(p[0])), line("DA", "/".join(f"{x:02d}" for x in p)),
            line("ET", w.version.text())]
    out.append(line("UR", w.url))
    if accessed:
        out.append(line("Y2", ACCESSED))
    out.append("ER  - \n")
    return "".join(out)


# -- CSL-JSON ---------------------------------------------------------------------------
def csl(w: Work, accessed: bool = True) -> dict[str, Any]:
    """One CSL-JSON item (the access date as ``raw`` until the page's script sets it)."""
    item: dict[str, Any] = {"id": w.key, "type": "webpage" if w.kind == "entry" else "dataset",
                            "title": w.title}
    if w.editors:
        item["editor"] = [{"literal": n} for n in w.editors]
    item["publisher"] = w.publisher
    if w.container:
        item["container-title"] = w.container
    item["issued"] = {"date-parts": [_parts(w.issued)]}
    item["version"] = w.version.text()
    item["URL"] = w.url
    if accessed:
        item["accessed"] = {"raw": ACCESSED}
    return item


def csl_json(items: list[dict[str, Any]]) -> str:
    """An array of items, one a line (the page shows it wrapped, not a screen of braces)."""
    return "[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n]\n"


def entry_citation(e: Entry, config: Config, version: Version, lang: Language | None = None,
                   title: str | None = None) -> str:
    """What an entry page shows: the sentence in the page's language ``lang`` (the script
    makes the formats); ``title``: the page's, when it shows a translation."""
    code = lang.code if lang is not None else None
    return text(entry_work(e, config, version, title, code), lang)


# -- the whole dataset: citation.{bib,ris,json}, beside timeline.csv ----------------------
def dataset_file(fmt: str, config: Config, version: Version) -> bytes:
    """The dataset's own record in format ``fmt`` (each entry's is on its page: a file of
    every entry's would cost ~0.9 KB an entry); no access date (no script runs on a file:
    the reader adds it)."""
    works = [dataset_work(config, version)]
    if fmt == "json":
        return csl_json([csl(w, False) for w in works]).encode("utf-8")
    write = bibtex if fmt == "bib" else ris
    return "\n".join(write(w, False) for w in works).encode("utf-8")


def dataset_paths() -> list[tuple[str, str]]:
    """(format, path) of each whole-dataset file."""
    return [(fmt, f"citation.{fmt}") for fmt in FILES]
