"""A deterministic synthetic timeline for benchmarks and previews.

``make_corpus(root, n)`` writes a complete site (sitegen.toml, content/, templates/) whose
entries look like real ones: 300–600 word bodies with headings, lists, footnotes and links,
2–6 participants, 1–3 topics, outcomes and sources. The same ``n`` and ``seed`` always give
the same bytes, so paired runs (sitegen and the naive reference) read identical input.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# written into every corpus: only a folder holding it (or an empty one) is ever replaced
MARKER = ".sitegen-bench-corpus"


class NotACorpus(ValueError):
    """The target folder holds files this script did not write."""
KINDS = ("meeting", "summit", "agreement", "declaration", "statement", "proposal",
         "suspension", "resumption", "treaty")
LEVELS = ("heads-of-state", "ministers", "ambassadors", "military", "working")
OUTCOMES = ("agreed", "reaffirmed", "proposed", "rejected", "suspended", "resumed",
            "deferred", "no-agreement", "statement")
WORDS = (
    "council ministers dialogue security treaty forces exercise transparency agreement "
    "partnership consultation delegation ambassador summit declaration enlargement missile "
    "defence conventional arms control verification mechanism cooperation crisis "
    "communication channel military liaison office mission proposal framework principle "
    "sovereignty territorial integrity confidence building measures reciprocity regional "
    "stability deployment withdrawal inspection notification negotiation statement "
    "the of and to in a for with on that by as at from this was were their its "
    "which would also not have has been after before during under between against"
).split()
PLACES = ("Brussels", "Moscow", "Rome", "Paris", "Vienna", "Geneva", "Madrid", "Istanbul",
          "Lisbon", "Bucharest", "Warsaw", "Riga", "Helsinki", "Prague")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    flavour = rng.random()
    if flavour < 0.12:  # the typography smart quotes must handle
        text += " -- the \"joint\" reading of the minister's words"
    elif flavour < 0.2:
        text += "... which 'some' delegations doubted"
    return text[0].upper() + text[1:] + "."


def _body(rng: random.Random, earlier: list[str], n_words: int) -> str:
    """A Markdown body of about ``n_words`` words with the structures real entries use."""
    parts: list[str] = []
    written = 0
    notes = 0
    while written < n_words:
        roll = rng.random()
        if roll < 0.15:
            parts.append("## " + " ".join(rng.choice(WORDS) for _ in range(3)).capitalize())
            written += 3
        elif roll < 0.3:
            items = [f"- {_sentence(rng, rng.randint(5, 12))}" for _ in range(rng.randint(2, 4))]
            parts.append("\n".join(items))
            written += 9 * len(items)
        else:
            sents = [_sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(2, 5))]
            para = " ".join(sents)
            if rng.random() < 0.4:
                notes += 1
                para += f"[^{notes}]"
            if rng.random() < 0.3:
                doc = rng.randint(1, 9999)
                para += f" See the [official record](https://example.org/doc/{doc})."
            if earlier and rng.random() < 0.2:
                para += f" It followed [an earlier meeting](entry:{rng.choice(earlier[-50:])})."
            if rng.random() < 0.2:
                para += " The text was *initialled* and **signed** in `two` copies."
            parts.append(para)
            written += len(para.split())
    for i in range(1, notes + 1):
        parts.append(f"[^{i}]: {_sentence(rng, rng.randint(6, 12))}")
    return "\n\n".join(parts) + "\n"


def _registries(rng: random.Random, n: int) -> tuple[list[str], list[str], str, str, str]:
    n_people = max(12, n // 40)
    pids = [f"person-{i:04d}" for i in range(n_people)] + [
        f"state-{i:02d}" for i in range(30)] + ["nato", "russia"]
    lines = []
    for pid in pids:
        kind = "person" if pid.startswith("person") else (
            "state" if pid.startswith("state") else "organisation")
        lines += [f"- id: {pid}", f"  name: {pid.replace('-', ' ').title()}", f"  kind: {kind}",
                  f"  description: {_sentence(rng, 10)}"]
        if kind == "person":
            y = rng.randint(1991, 2020)
            lines += ["  roles:", "    - role: Minister", "      organisation: Government",
                      f"      from: {y}-0{rng.randint(1, 9)}", f"      to: {y + 4}"]
    participants = "\n".join(lines) + "\n"
    tids = [f"topic-{i:02d}" for i in range(max(8, min(60, n // 150)))]
    topics = "".join(f"- id: {t}\n  label: Topic {t[-2:]}\n  description: {_sentence(rng, 8)}\n"
                     for t in tids)
    periods = "".join(
        f"- id: era-{y}\n  label: Era from {y}\n  kind: era\n  start: {y}-01\n"
        f"  end: {y + 7}-12-31\n  description: {_sentence(rng, 12)}\n"
        for y in range(1991, 2024, 8))
    return pids, tids, participants, topics, periods


def entry_text(rng: random.Random, i: int, n: int, pids: list[str], tids: list[str],
               earlier: list[str]) -> tuple[str, str]:
    """One entry file: (file stem, text)."""
    day = 1 + (i * 35 * 365) // max(n, 1)  # spread over 1991–2025
    year, rest = 1991 + day // 365, day % 365
    month, dom = 1 + rest // 31 % 12, 1 + rest % 28
    stem = f"{year}-{month:02d}-{dom:02d}-event-{i:05d}"
    parts = rng.sample(pids, rng.randint(2, 6))
    lines = ["---", f"title: Event {i} in {rng.choice(PLACES)}",
             f"summary: {_sentence(rng, rng.randint(10, 20))}",
             f"date: {year}-{month:02d}-{dom:02d}", f"kind: {rng.choice(KINDS)}",
             f"level: {rng.choice(LEVELS)}", f"location: {rng.choice(PLACES)}",
             "participants:"]
    for p in parts:
        lines.append(f"  - {p}: host" if rng.random() < 0.3 else f"  - {p}")
    lines.append(f"topics: [{', '.join(rng.sample(tids, rng.randint(1, 3)))}]")
    lines.append("outcomes:")
    for _ in range(rng.randint(1, 3)):
        lines += [f"  - type: {rng.choice(OUTCOMES)}", f"    text: {_sentence(rng, 8)}"]
    lines.append("sources:")
    for k in range(rng.randint(1, 3)):
        lines += [f"  - title: Document {i}-{k}", "    publisher: Example Press",
                  f"    url: https://example.org/{i}/{k}",
                  f"    kind: {'primary' if k == 0 else 'secondary'}"]
    lines.append("---")
    body = _body(rng, earlier, rng.randint(300, 600))
    return stem, "\n".join(lines) + "\n" + body


def check_target(root: Path) -> None:
    """Refuse a folder that is neither missing, empty, nor a corpus this script made."""
    if root.is_symlink() or (root.exists() and not root.is_dir()):
        raise NotACorpus(f"{root} is not a folder")
    if root.is_dir() and any(root.iterdir()) and not (root / MARKER).is_file():
        raise NotACorpus(f"{root} is not empty and is not a corpus made by bench/corpus.py "
                         f"(no {MARKER} file); give a new or empty folder")


def make_corpus(root: Path, n: int, seed: int = 7, templates: Path | None = None) -> Path:
    """Write a site with ``n`` entries into ``root`` (replacing its content); returns root.

    ``root`` must be missing, empty or a corpus made here (NotACorpus otherwise): a
    mistyped folder, e.g. the repository itself, must not lose its content/ and templates/.
    """
    check_target(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text("made by bench/corpus.py; the folder may be replaced\n")
    rng = random.Random(seed)
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    (content / "entries").mkdir(parents=True)
    (content / "pages").mkdir()
    pids, tids, participants, topics, periods = _registries(rng, n)
    (content / "participants.yaml").write_text(participants)
    (content / "topics.yaml").write_text(topics)
    (content / "periods.yaml").write_text(periods)
    (content / "pages" / "about.md").write_text(
        "---\ntitle: About\ndescription: About this benchmark.\n---\n" + _body(rng, [], 200))
    earlier: list[str] = []
    for i in range(n):
        stem, text = entry_text(rng, i, n, pids, tids, earlier)
        (content / "entries" / f"{stem}.md").write_text(text)
        earlier.append(stem)
    (root / "sitegen.toml").write_text(
        'title = "Benchmark timeline"\ndescription = "A synthetic corpus."\n'
        'base_url = "https://example.org/bench/"\nlanguage = "en"\nsearch = false\n')
    src = templates or REPO / "templates"
    if (root / "templates").exists():
        shutil.rmtree(root / "templates")
    shutil.copytree(src, root / "templates")
    return root


def add_translations(root: Path, share: float = 0.25, languages: tuple[str, ...] = ("fr", "ru"),
                     seed: int = 7) -> int:
    """Translate a ``share`` of the corpus's entries into each of ``languages`` (the
    <stem>.<lang>.md files of issue 22: title, summary and body of their own) and read the
    site in English and those languages. Returns how many translation files it wrote."""
    rng = random.Random(seed)
    entries = sorted(p for p in (root / "content" / "entries").glob("*.md")
                     if p.stem.count(".") == 0)
    written = 0
    for path in entries:
        for lang in languages:
            if rng.random() >= share:
                continue
            stem = path.stem
            (path.parent / f"{stem}.{lang}.md").write_text(
                f"---\ntranslated_from: en\ntranslated: 2026-12-01\n"
                f"title: ({lang}) {stem}\nsummary: ({lang}) {_sentence(rng, 12)}\n---\n"
                + _body(rng, [], rng.randint(300, 600)))
            written += 1
    toml = root / "sitegen.toml"
    toml.write_text(toml.read_text() + f"languages = {json.dumps(['en', *languages])}\n")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a deterministic synthetic timeline site for benchmarks.")
    parser.add_argument("folder", type=Path,
                        help="a new or empty folder, or a corpus this script made earlier")
    parser.add_argument("entries", type=int, nargs="?", default=1000,
                        help="how many entries (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    if args.entries < 0:
        parser.error("entries must be 0 or more")
    try:
        make_corpus(args.folder, args.entries, args.seed)
    except NotACorpus as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
