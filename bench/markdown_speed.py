"""How much fastinline saves: the shipped content's bodies converted by stock Python-Markdown
and by the accelerated converter, same extensions, same instance reuse as a build.

It converts every entry and page body of the site in content/ (or of the project given),
several rounds each way, alternating, and prints the best round of each, the ratio, and
whether every body gave the same HTML both ways. Conversion only (``convert``, before
sanitising): that is the part the accelerator changes.

Usage: python bench/markdown_speed.py [PROJECT] [--rounds N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO)]


def bodies(project: Path) -> list[str]:
    """The Markdown body of every entry and page, drafts included."""
    from sitegen.config import load_config
    from sitegen.content.loader import load_site, read_body

    config = load_config(project)
    site = load_site(config, drafts=True).site
    return [read_body(e, config) for e in site.entries] + [p.body_md for p in site.pages]


def one_round(renderer: object, texts: list[str]) -> tuple[float, list[str]]:
    start = time.perf_counter()
    out = [renderer.convert(t) for t in texts]  # type: ignore[attr-defined]
    return time.perf_counter() - start, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", default=str(REPO))
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    import markdown

    from sitegen.render.markup import MarkdownRenderer

    texts = bodies(Path(args.project))
    words = sum(len(t.split()) for t in texts)
    fast = MarkdownRenderer(lambda i: f"/entries/{i}/")
    stock = MarkdownRenderer(lambda i: f"/entries/{i}/", accelerate=False)
    best = {"stock": float("inf"), "fast": float("inf")}
    same = True
    for _ in range(args.rounds):
        for name, renderer in (("stock", stock), ("fast", fast)):
            seconds, out = one_round(renderer, texts)
            best[name] = min(best[name], seconds)
            if name == "stock":
                expected = out
            else:
                same = same and out == expected
    n = len(texts)
    print(f"Python-Markdown {markdown.__version__}, {n} bodies, {words:,} words, "
          f"best of {args.rounds} rounds")
    for name in ("stock", "fast"):
        print(f"  {name:5}  {best[name]:7.3f} s   {1000 * best[name] / n:6.2f} ms per body")
    print(f"  accelerated / stock = {best['fast'] / best['stock']:.2f}   "
          f"same HTML for every body: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
