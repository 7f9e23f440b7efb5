"""How long the revision history of a big site takes to read (sitegen/content/history.py).

Writes a synthetic corpus (bench/corpus.py) of N entries into a throw-away Git repository
with three commits (all entries; every tenth entry edited; every hundredth renamed), then
times, best of three: Git alone (the three processes), and the history as a build reads it
(the log parsed, each entry's revisions and the recent changes projected).

    python bench/history.py [--entries 10000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import make_corpus  # noqa: E402

from sitegen.config import load_config  # noqa: E402
from sitegen.content import history  # noqa: E402
from sitegen.content.loader import load_site  # noqa: E402
from sitegen.engine.deps import Memo  # noqa: E402
from sitegen.render.reads import Reads  # noqa: E402


def git(root: Path, *args: str, date: str) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(root.parent), "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.org",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.org",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def repository(root: Path, n: int) -> None:
    make_corpus(root, n)
    git(root, "init", "-q", "-b", "main", date="2024-01-01T00:00:00Z")
    git(root, "add", "-A", date="2024-01-01T00:00:00Z")
    git(root, "commit", "-qm", "All entries", date="2024-01-01T00:00:00Z")
    files = sorted((root / "content" / "entries").glob("*.md"))
    for path in files[::10]:
        path.write_text(path.read_text(encoding="utf-8") + "\nA revision.\n", encoding="utf-8")
    git(root, "commit", "-qam", "Revise every tenth entry", date="2024-02-01T00:00:00Z")
    for path in files[::100]:  # the entry keeps its id
        text = path.read_text(encoding="utf-8").replace("---\n", f"---\nid: {path.stem}\n", 1)
        path.unlink()
        path.with_name("renamed-" + path.name).write_text(text, encoding="utf-8")
    git(root, "add", "-A", date="2024-03-01T00:00:00Z")
    git(root, "commit", "-qm", "Rename every hundredth entry", date="2024-03-01T00:00:00Z")


def best(run: object, times: int = 3) -> float:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        spent.append(time.perf_counter() - start)
    return min(spent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        start = time.perf_counter()
        repository(root, args.entries)
        print(f"repository made in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        config = load_config(root)
        site = load_site(config).site

        def whole() -> None:
            rd = Reads(site, config, Memo(), {})
            for e in site.entries:
                rd.read("revisions", e.id)
            rd.read("changes")

        git_only = best(lambda: history.read_history(config))
        with_pages = best(whole)
        h = history.read_history(config)
        renamed = next(e for e in site.entries if "renamed-" in e.path)
        kept = len(Reads(site, config, Memo(), {}).read("revisions", renamed.id)["commits"])
        print(f"{len(site.entries)} entries, {len(h.commits)} commits: history read in "
              f"{git_only:.2f} s (log and rev-parse, parsed); with every entry's revisions "
              f"and the recent changes, {with_pages:.2f} s; a renamed entry keeps "
              f"{kept} revisions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
