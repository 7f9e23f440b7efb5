"""`make bench`: sitegen against the naive reference build, same corpus, same run.

For N = 1,000 and 10,000 entries (bench/corpus.py) it times, each in a fresh process:
the naive build (bench/naive.py) into an empty folder and again over its own output;
sitegen cold (no .cache/, no output), warm (nothing changed), one entry edited, one
template edited; then one entry edited as `serve` does it (its Rebuilder kept in memory),
also on the shipped site. It prints a table of seconds, ratios to the naive build and peak
memory (each process's RSS, and the PSS of all build processes together: forked workers'
shared pages count once), the largest HTML page, and the Pagefind indexing time on its own
line. Every sitegen result is compared with a cold build of the same input (byte for byte).
Then the hostile rows (issue 17, item 3): each attack payload scaled to 2 MB in a one-entry
site built by the `sitegen` command, with its CPU seconds, peak memory (PSS of all build
processes) and outcome: built, or refused by a shape limit or the CPU budget.

The scale rows (``--scale N ...``, on demand only: a 50,000-entry site takes minutes) build
the same corpus cold as `sitegen build` publishes it: the site, then its Pagefind index. For
each size they give the cold build time, the indexing time, the peak memory of each step
(PSS of all its processes, in a second run of its own so that sampling costs no timed
second), the output's bytes with the search index, per entry and as the tar archive GitHub
Pages uploads (its limit is 1 GB), and the bytes of each kind of output per entry.

The three-edition row (``--editions``, and in ``make bench``): the same corpus cold-built
read in English alone and in English, French and Russian (a quarter of its entries
translated into each), and the ratio of the two (target <= 3.3x).

Usage: python bench/run.py [N ...]   (default: 1000 10000; output under bench/out/)
       python bench/run.py --hostile  (the hostile rows only)
       python bench/run.py --scale N [N ...]  (the scale rows only, e.g. 30000 50000)
       python bench/run.py --editions [N ...]  (the three-edition row only; default 1000)
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
SCALE_OUT = Path(tempfile.gettempdir()) / "sitegen-bench-scale"  # outside any Git checkout
sys.path[:0] = [str(REPO), str(BENCH)]

EDIT = "\n\nA sentence added by the benchmark -- \"edited\" once more.\n"


def step(argv: list[str]) -> None:
    """Run one measured action in this (fresh) process and print its figures as JSON."""
    kind, root = argv[0], Path(argv[1])
    start = time.perf_counter()
    extra: dict[str, object] = {}
    if kind == "naive":
        import naive

        naive.build(root, root / "naive-out")
    elif kind == "sitegen":
        from sitegen.config import load_config
        from sitegen.engine.builder import build

        build(load_config(root))
    elif kind == "sitegen-drafts":
        from sitegen.config import load_config
        from sitegen.engine.builder import build

        build(load_config(root), drafts=True, output=root / "preview-check")
    elif kind == "serve-edit":
        from sitegen.config import load_config
        from sitegen.preview.rebuild import Rebuilder

        # exactly what `sitegen serve` runs: its rebuild step, into its own folder
        builder = Rebuilder(load_config(root), root / ".cache" / "serve" / "site")
        builder.rebuild()
        # originals, not the translations beside them (<stem>.<lang>.md)
        entries = sorted(p for p in (root / "content" / "entries").glob("*.md")
                         if "." not in p.stem)
        times = []
        for path in (entries[len(entries) // 3], entries[len(entries) // 2]):
            path.write_text(path.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
            start = time.perf_counter()
            outcome = builder.rebuild([path])
            times.append(time.perf_counter() - start)
            if not outcome.ok:
                raise SystemExit(outcome.error)
        extra["first"] = times[0]
    elif kind == "search":
        from sitegen.search.indexer import index_site

        extra["files"] = index_site(root / "output").files
    seconds = time.perf_counter() - start
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "rss_mb": self_kb / 1024,
                      "worker_rss_mb": child_kb / 1024, **extra}))


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc)."""
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                for child in fh.read().split():
                    found += _tree(int(child))
    except OSError:
        pass
    return found


def _pss_mb(pid: int) -> float:
    """Proportional set size: private pages plus a fair share of shared ones (copy-on-write
    pages of forked workers count once across all processes, not once per process)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(kind: str, root: Path, *args: str, memory: bool = False) -> dict[str, float]:
    """Wall time of a fresh process running ``step`` (start-up included), plus its figures.

    With ``memory``, also the peak memory of it and all its workers together (PSS, sampled
    every 0.1 s). Reading a process's page tables costs CPU on a 2-core machine, so a run
    sampled this way is never one whose time goes into the table; nor is its wall time
    exact (it ends at the next sample). A timed run is waited for to the millisecond.
    """
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--step", kind, str(root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while memory and proc.poll() is None:
        peak = max(peak, sum(_pss_mb(pid) for pid in _tree(proc.pid)))
        time.sleep(0.1)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{err[-3000:]}")
    figures = json.loads(out.strip().splitlines()[-1])
    figures["wall"] = wall
    figures["pss_mb"] = peak
    wait_for_trash(root)
    return figures


def wait_for_trash(root: Path, limit: float = 300.0) -> None:
    """Let a background deletion of a previous site finish before the next timing."""
    deadline = time.monotonic() + limit
    while list(root.glob(".output.trash-*")) and time.monotonic() < deadline:
        time.sleep(0.2)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def fresh_corpus(n: int, out: Path = OUT) -> Path:
    from corpus import make_corpus

    root = out / f"n{n}"
    for leftover in (root / "output", root / "naive-out", root / ".cache",
                     root / ".output.spare"):
        shutil.rmtree(leftover, ignore_errors=True)
    make_corpus(root, n)
    return root


def bench_size(n: int) -> list[str]:
    """All measurements for one corpus size; returns the table rows."""
    root = fresh_corpus(n)
    naive_cold = measure("naive", root)
    naive_warm = measure("naive", root)
    cold = measure("sitegen", root)
    reference = tree(root / "output")
    largest = max((p.stat().st_size, p.relative_to(root / "output").as_posix())
                  for p in (root / "output").rglob("*.html"))
    warm = measure("sitegen", root)
    same = [tree(root / "output") == reference]
    entry = sorted((root / "content" / "entries").glob("*.md"))[n // 2]
    entry.write_text(entry.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
    edited = measure("sitegen", root)
    template = root / "templates" / "base.html"
    template.write_text(template.read_text(encoding="utf-8") + "<!-- edited -->\n",
                        encoding="utf-8")
    templated = measure("sitegen", root)
    after_edits = tree(root / "output")
    shutil.rmtree(root / ".cache")
    rebuilt = measure("sitegen", root, memory=True)  # cold again: what the edited site must be
    same.append(tree(root / "output") == after_edits)
    serve = measure("serve-edit", root)
    serve_tree = tree(root / ".cache" / "serve" / "site")
    shutil.rmtree(root / ".cache")
    measure("sitegen-drafts", root)  # cold, drafts shown: what the preview must be
    same.append(tree(root / "preview-check") == serve_tree)
    shutil.rmtree(root / "preview-check")
    base = naive_cold["wall"]
    again = naive_warm["wall"]
    rows = [
        f"| {n:,} | cold build (empty cache) | {base:.2f} | {cold['wall']:.2f} "
        f"| {cold['wall'] / base:.3f}x | <= 0.35x |",
        f"| {n:,} | warm build (nothing changed) | {again:.2f} | {warm['wall']:.2f} "
        f"| {warm['wall'] / again:.3f}x | <= 0.10x |",
        f"| {n:,} | one entry edited (CLI build) | {again:.2f} | {edited['wall']:.2f} "
        f"| {edited['wall'] / again:.3f}x | |",
        f"| {n:,} | one template edited (CLI build) | {again:.2f} | {templated['wall']:.2f} "
        f"| {templated['wall'] / again:.3f}x | |",
        f"| {n:,} | one entry edited, as serve does it (first edit; next edit) | {again:.2f} "
        f"| {serve['first']:.3f}; {serve['seconds']:.3f} | {serve['seconds'] / again:.4f}x "
        "| < 1 s at 10k |",
        f"| {n:,} | peak RSS, MB (main + largest worker) | {naive_cold['rss_mb']:.0f} "
        f"| {cold['rss_mb']:.0f} + {cold['worker_rss_mb']:.0f} "
        f"| {cold['rss_mb'] / naive_cold['rss_mb']:.2f}x | |",
        f"| {n:,} | peak memory, MB (all build processes together, PSS; naive: RSS) "
        f"| {naive_cold['rss_mb']:.0f} | {rebuilt['pss_mb']:.0f} "
        f"| {rebuilt['pss_mb'] / naive_cold['rss_mb']:.2f}x | < 400 MB |",
        f"| {n:,} | largest HTML page | | {largest[0] / 1e6:.2f} MB ({largest[1]}) | "
        "| <= 1 MB |",
        f"| {n:,} | output identical to a cold build (warm, edits, serve) | | "
        f"{'yes' if all(same) else 'NO: ' + str(same)} | | yes |",
    ]
    if (REPO / "sitegen" / "search" / "indexer.py").exists():
        found = measure("search", root)
        rows.append(f"| {n:,} | search indexing (Pagefind, separate step) | "
                    f"| {found['wall']:.2f} | | |")
    return rows


def shipped_serve() -> str:
    """One entry edited as serve does it, on a copy of the shipped site."""
    root = OUT / "shipped"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "sitegen.toml", root / "sitegen.toml")  # the site's settings
    try:
        serve = measure("serve-edit", root)
    except SystemExit as exc:
        return f"| shipped | one entry edited, as serve does it | | failed: {exc} | | |"
    return (f"| shipped | one entry edited, as serve does it (first edit; next edit) | "
            f"| {serve['first'] * 1000:.0f} ms; {serve['seconds'] * 1000:.0f} ms | | < 100 ms |")


HOSTILE_BYTES = 2_000_000  # a body just under the 2 MiB file limit


def _fill(unit: str, head: str = "", tail: str = "") -> str:
    """``head`` then ``unit`` repeated, then ``tail``: HOSTILE_BYTES characters in all."""
    room = HOSTILE_BYTES - len(head) - len(tail)
    return head + (unit * (room // len(unit) + 1))[:room] + tail


def _deepening(limit: int | None = None) -> str:
    """Lines of ever deeper '>' quotes (restarting after ``limit`` levels, if given)."""
    lines, depth, size = [], 0, 0
    while size < HOSTILE_BYTES:
        depth = depth % limit + 1 if limit else depth + 1
        lines.append(">" * depth + " a\n")
        size += depth + 3
    return "".join(lines)[:HOSTILE_BYTES]


def hostile_payloads() -> list[tuple[str, str, str]]:
    """(name, extra front matter, body): item 3's payloads at 2 MB, then each shape at its
    limit (which must build or hit the budget, fast either way), shapes no limit covers
    (the CPU budget stops them) and a plain body."""
    words = " words" * 3
    return [
        ("'[' repeated", "", _fill("[")),
        ("'![a' repeated", "", _fill("![a")),
        ("'<a ' repeated", "", _fill("<a ")),
        ("'<div>' repeated", "", _fill("<div>")),
        ("'\\t \\n' lines, then an entry link", "",
         _fill("\t \n", "Intro.\n", "[me](entry:hostile)\n")),  # (leading ones are stripped)
        ("deepening '>' quotes", "", _deepening()),
        ("1.9 MB string x 2,000 YAML aliases under extra:",
         f"extra:\n  s: &s \"{'x' * 1_900_000}\"\n  copies: [{', '.join(['*s'] * 2000)}]\n",
         "A body.\n"),
        ("at the limit: 8 open '[' then text", "", _fill(words, "[" * 8)),
        ("at the limit: 8 '<a ' then text", "", _fill(words, "<a " * 8)),
        ("at the limit: quotes 32 deep, again and again", "", _deepening(32)),
        ("at the limit: 128 nested <div> with text", "",
         _fill("<div>" * 128 + "text " * 20 + "</div>" * 128 + "\n\n")),
        ("beyond the shape limits: 'a' paragraphs", "", _fill("a\n\n")),
        ("beyond the shape limits: one paragraph of links", "",
         _fill("[a](https://example.org/) ")),
        ("plain Markdown paragraphs", "",
         _fill("Some words, a [link](https://example.org/) and *emphasis*.\n\n")),
    ]


def _cli() -> list[str]:
    """The installed `sitegen` command (never `python -m` from a project folder)."""
    script = Path(sys.executable).parent / "sitegen"
    return [str(script)] if script.exists() else [sys.executable, "-P", "-m", "sitegen"]


def hostile_build(root: Path) -> tuple[int, str, float, float]:
    """`sitegen build` of one site: (exit code, first line of its message, CPU seconds of
    it and its workers, peak PSS in MB of all its processes, sampled every 0.05 s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen([*_cli(), "-C", str(root), "build", "--no-search"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, sum(_pss_mb(pid) for pid in _tree(proc.pid)))
        time.sleep(0.05)
    out, err = proc.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    message = (err.strip() or out.strip()).splitlines()[0] if (err or out).strip() else ""
    return proc.returncode, message, cpu, peak


def bench_hostile() -> list[str]:
    """One row per hostile payload (see hostile_payloads) in a one-entry site."""
    from corpus import make_corpus

    rows = []
    for name, extra, body in hostile_payloads():
        root = OUT / "hostile"
        shutil.rmtree(root, ignore_errors=True)
        make_corpus(root, 1)
        (entry,) = sorted((root / "content" / "entries").glob("*.md"))
        text = entry.read_text(encoding="utf-8")
        front = text[:text.index("\n---\n", 4) + 1]
        entry.unlink()
        (root / "content" / "entries" / "hostile.md").write_text(
            front + extra + "---\n" + body, encoding="utf-8")
        code, message, cpu, peak = hostile_build(root)
        if code == 0:
            outcome = "built"
        elif "CPU" in message or "limit" in message or "nested" in message \
                or "open at once" in message or "in a row" in message or "aliases" in message:
            outcome = "refused: " + message.split(": ", 2)[-1]
        else:
            outcome = f"FAILED (exit {code}): {message}"
        ok = cpu <= 10 and peak < 500 and not outcome.startswith("FAILED")
        rows.append(f"| hostile | {name}, 2 MB | | {cpu:.1f} s CPU, {peak:.0f} MB: {outcome} "
                    f"| {'ok' if ok else 'OVER'} | <= 10 s CPU (or refused), < 500 MB |")
        print(rows[-1], file=sys.stderr, flush=True)
    shutil.rmtree(OUT / "hostile", ignore_errors=True)
    return rows


PAGES_LIMIT = 1_000_000_000  # GitHub Pages: a published site may be at most 1 GB
ENTRY_BUDGET = 20_000  # bytes of output per entry, search index included (issue 18)


def output_bytes(folder: Path) -> tuple[int, int, dict[str, int]]:
    """(bytes of the files, bytes of a tar archive of the folder, bytes by kind of output).

    The tar size is what actions/upload-pages-artifact packs: a 512-byte header for every
    file and folder, contents padded to 512 bytes, two closing blocks, 10 KiB records.
    A kind is the first folder of a path (entries, participants, pagefind, data, …) or
    the file itself at the top level.
    """
    files = archive = 0
    kinds: dict[str, int] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        archive += 512 * len(dirnames)
        for name in filenames:
            path = Path(dirpath, name)
            size = path.stat().st_size
            files += size
            archive += 512 + -(-size // 512) * 512
            rel = path.relative_to(folder).parts
            kinds[rel[0]] = kinds.get(rel[0], 0) + size
    archive += 1024
    archive = -(-archive // 10240) * 10240
    return files, archive, kinds


def bench_scale(n: int) -> list[str]:
    """The scale rows of one corpus size (see the module's docstring). The corpus is built
    outside sitegen's own checkout, as a site's own folder would be: inside it, Git would
    give each of its (untracked) entries a revision-history block ("not committed yet"),
    0.5 KB an entry that no real site carries in that form."""
    root = fresh_corpus(n, SCALE_OUT)
    cold = measure("sitegen", root)
    found = measure("search", root)
    files, archive, kinds = output_bytes(root / "output")
    shutil.rmtree(root / ".cache")
    sampled = measure("sitegen", root, memory=True)  # cold again, for its memory only
    sampled_search = measure("search", root, memory=True)
    top = sorted(kinds.items(), key=lambda kv: -kv[1])
    shares = ", ".join(f"{k} {v / n / 1000:.1f}" for k, v in top[:8])
    rest = sum(v for _, v in top[8:])
    fits = files <= PAGES_LIMIT and files / n <= ENTRY_BUDGET  # the tar is for information
    return [
        f"| {n:,} | cold build, s (`sitegen build --no-search`) | {cold['wall']:.1f} | |",
        f"| {n:,} | search indexing, s (Pagefind) | {found['wall']:.1f} | |",
        f"| {n:,} | peak memory of the build, MB (all its processes, PSS) "
        f"| {sampled['pss_mb']:.0f} | < 1,000 MB |",
        f"| {n:,} | peak memory of search indexing, MB (Pagefind, PSS) "
        f"| {sampled_search['pss_mb']:.0f} | |",
        f"| {n:,} | output with the search index, MB: files; tar for Pages "
        f"| {files / 1e6:.0f}; {archive / 1e6:.0f} | <= 1,000 MB |",
        f"| {n:,} | output per entry, KB | {files / n / 1000:.1f} "
        f"{'(fits)' if fits else '(OVER)'} | <= {ENTRY_BUDGET // 1000} KB |",
        f"| {n:,} | per entry by kind, KB | {shares}, rest {rest / n / 1000:.1f} | |",
    ]


def bench_editions(n: int) -> list[str]:
    """The three-edition row (issue 22): the same corpus cold-built read in English alone,
    then with a share of its entries translated into French and Russian and read in the
    three languages (/, /fr/, /ru/)."""
    from corpus import add_translations

    root = fresh_corpus(n)
    one = measure("sitegen", root)
    one_bytes = output_bytes(root / "output")[0]
    translated = add_translations(root)
    shutil.rmtree(root / ".cache")
    three = measure("sitegen", root)
    three_bytes = output_bytes(root / "output")[0]
    ratio = three["wall"] / one["wall"]
    return [
        f"| {n:,} | cold build, one edition (en), s | {one['wall']:.2f} | |",
        f"| {n:,} | cold build, three editions (en, fr, ru; {translated:,} translation files "
        f"for {n:,} entries), s | {three['wall']:.2f} | |",
        f"| {n:,} | three editions ÷ one | {ratio:.2f}x "
        f"{'(fits)' if ratio <= EDITIONS_TARGET else '(OVER)'} | <= {EDITIONS_TARGET}x |",
        f"| {n:,} | output ÷ entries, KB: one edition; three (no search index; the budget "
        f"per entry is measured at scale) | {one_bytes / n / 1000:.1f}; "
        f"{three_bytes / n / 1000:.1f} | |",
    ]


EDITIONS_TARGET = 3.3
SCALE_HEADER = ["| N | measurement | value | target |", "|---|---|---|---|"]


HOSTILE_HEADER = [
    "| N | measurement | naive | sitegen | ratio | target |", "|---|---|---|---|---|---|"]


def main(sizes: list[int]) -> None:
    OUT.mkdir(exist_ok=True)
    print(f"sitegen bench: {os.cpu_count()} cores; naive = python-frontmatter + Python-Markdown "
          "(fresh instance per entry) + Jinja, one process, no cache; times are wall seconds "
          "of a fresh process (start-up included)", flush=True)
    rows = ["| N | measurement | naive | sitegen | ratio | target |",
            "|---|---|---|---|---|---|"]
    for n in sizes:
        rows += bench_size(n)
        print(f"… {n:,} entries done", file=sys.stderr, flush=True)
    rows.append(shipped_serve())
    rows += SCALE_HEADER + bench_editions(sizes[0])
    rows += bench_hostile()
    print("\n".join(rows))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--step"]:
        step(sys.argv[2:])
    elif sys.argv[1:] == ["--hostile"]:
        OUT.mkdir(exist_ok=True)
        print("\n".join(HOSTILE_HEADER + bench_hostile()))
    elif sys.argv[1:2] == ["--editions"]:
        OUT.mkdir(exist_ok=True)
        edition_rows = list(SCALE_HEADER)
        for size in [int(a) for a in sys.argv[2:]] or [1000]:
            edition_rows += bench_editions(size)
        print("\n".join(edition_rows))
    elif sys.argv[1:2] == ["--scale"]:
        OUT.mkdir(exist_ok=True)
        scale_rows = list(SCALE_HEADER)
        for size in [int(a) for a in sys.argv[2:]] or [30000, 50000]:
            scale_rows += bench_scale(size)
            print(f"… {size:,} entries done", file=sys.stderr, flush=True)
        print("\n".join(scale_rows))
    else:
        main([int(a) for a in sys.argv[1:]] or [1000, 10000])
