"""The naive reference build the benchmark compares sitegen against.

What a straightforward Python static-site generator does: one process, python-frontmatter for
each file, a fresh Python-Markdown instance (extra, toc, smarty) per entry, Jinja templates,
no cache. It writes the same page set as sitegen: entry pages, the home page, participant,
topic and year pages, and an Atom feed.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import frontmatter
import jinja2
import markdown
import yaml

BASE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ title }}</title></head><body><header><a href="/">Timeline</a></header>
<main>{% block main %}{% endblock %}</main></body></html>
"""
CARD = """<article class="card"><h3><a href="/entries/{{ e.id }}/">{{ e.title }}</a></h3>
<p><time>{{ e.date }}</time> · {{ e.kind }}</p><p>{{ e.summary }}</p>
<p>{% for p in e.participants %}<a href="/participants/{{ p }}/">{{ p }}</a> {% endfor %}</p>
</article>
"""
LIST = """{% extends "base.html" %}{% block main %}<h1>{{ title }}</h1>
{% for year, items in groups %}<section><h2>{{ year }}</h2>
{% for e in items %}{% include "card.html" %}{% endfor %}</section>{% endfor %}
{% endblock %}"""
ENTRY = """{% extends "base.html" %}{% block main %}<article><h1>{{ e.title }}</h1>
<p>{{ e.date }} · {{ e.kind }}</p><p>{{ e.summary }}</p>
<ul>{% for p in e.participants %}<li><a href="/participants/{{ p }}/">{{ p }}</a></li>
{% endfor %}</ul>
{{ body | safe }}
<h2>Sources</h2><ul>{% for s in e.sources %}<li><a href="{{ s.url }}">{{ s.title }}</a></li>
{% endfor %}</ul>
{% if prev %}<a href="/entries/{{ prev.id }}/">{{ prev.title }}</a>{% endif %}
{% if next %}<a href="/entries/{{ next.id }}/">{{ next.title }}</a>{% endif %}
</article>{% endblock %}"""
FEED = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
{% for e in entries %}<entry><id>/entries/{{ e.id }}/</id><title>{{ e.title }}</title>
<summary>{{ e.summary }}</summary></entry>{% endfor %}</feed>
"""


def _participant_id(item: Any) -> str:
    return str(next(iter(item))) if isinstance(item, dict) else str(item)


def _write(out: Path, rel: str, text: str) -> None:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build(root: Path, out: Path) -> int:
    """Build the site under ``root`` into ``out`` (writing over files already there).

    Returns the number of pages written.
    """
    env = jinja2.Environment(loader=jinja2.DictLoader(
        {"base.html": BASE, "card.html": CARD, "list.html": LIST, "entry.html": ENTRY,
         "feed.xml": FEED}), autoescape=True)
    entries = []
    for path in sorted((root / "content" / "entries").glob("*.md")):
        post = frontmatter.load(str(path))
        meta = dict(post.metadata)
        meta["id"] = path.stem
        meta["date"] = str(meta["date"])
        meta["participants"] = [_participant_id(p) for p in meta.get("participants", [])]
        md = markdown.Markdown(extensions=["extra", "toc", "smarty"])
        entries.append((meta, md.convert(post.content)))
    entries.sort(key=lambda pair: (pair[0]["date"], pair[0]["id"]))
    metas = [m for m, _ in entries]
    pages = 0
    entry_t = env.get_template("entry.html")
    for i, (meta, body) in enumerate(entries):
        _write(out, f"entries/{meta['id']}/index.html", entry_t.render(
            title=meta["title"], e=meta, body=body, prev=metas[i - 1] if i else None,
            next=metas[i + 1] if i + 1 < len(metas) else None))
        pages += 1
    list_t = env.get_template("list.html")

    def listing(rel: str, title: str, items: list[dict[str, Any]]) -> None:
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for m in items:
            groups[m["date"][:4]].append(m)
        _write(out, rel, list_t.render(title=title, groups=sorted(groups.items())))

    listing("index.html", "Timeline", metas)
    by_participant: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_topic: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_year: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in metas:
        for p in m["participants"]:
            by_participant[p].append(m)
        for t in m.get("topics", []):
            by_topic[t].append(m)
        by_year[m["date"][:4]].append(m)
    registry = yaml.safe_load((root / "content" / "participants.yaml").read_text())
    for p in registry:  # every registered participant gets a page, as in sitegen
        listing(f"participants/{p['id']}/index.html", p["name"], by_participant[p["id"]])
    for kind, index in (("topics", by_topic), ("years", by_year)):
        for key, items in sorted(index.items()):
            listing(f"{kind}/{key}/index.html", key, items)
    pages += 1 + len(registry) + len(by_topic) + len(by_year)
    _write(out, "feed.xml", env.get_template("feed.xml").render(entries=metas[-50:]))
    return pages


if __name__ == "__main__":
    start = time.perf_counter()
    n = build(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{n} pages in {time.perf_counter() - start:.2f} s")
