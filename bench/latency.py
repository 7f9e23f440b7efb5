"""Save-to-visible latency of `sitegen serve`, measured in a real browser.

For each site: start `sitegen serve` as a subprocess, open an entry page in headless Chromium,
then save that entry 8 times with a new title and 8 times with a new sentence in its body,
and time from the write to the moment the new words are on the reloaded page. Prints the
median and worst of each kind of edit.

    .venv/bin/python bench/latency.py                   # the shipped site
    .venv/bin/python bench/latency.py --entries 5000    # and a generated 5,000-entry site

Targets (issue 18): median under 200 ms and worst under 300 ms on the shipped site, for
title and body edits alike. The shipped content is copied to a temporary folder first;
content/ is never touched.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


# When the current document was first painted (or, failing a paint entry, parsed), epoch ms.
# (functions, not expressions: the pages' Content-Security-Policy forbids eval)
PAINTED = """() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const nav = performance.getEntriesByType('navigation')[0];
  return performance.timeOrigin + (paint ? paint.startTime : nav.domContentLoadedEventEnd);
}"""


# Whether the words are in the page's visible main text.
SHOWN = "(words) => (document.querySelector('main') || document.body).innerText.includes(words)"


class Server:
    """`sitegen serve` on a free port; collects what it prints."""

    def __init__(self, project: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "-C", str(project), "serve", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO)
        self.text = ""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            self.text += line

    def url(self, timeout: float) -> str:
        """The URL it serves, once the first build is done."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            m = re.search(r"serving (http://\S+)", self.text)
            if m:
                return m.group(1)
            time.sleep(0.05)
        raise SystemExit(f"sitegen serve did not start:\n{self.text}")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def shipped_copy(dest: Path) -> Path:
    """The shipped site's configuration, content and templates, copied into ``dest``."""
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy2(REPO / "sitegen.toml", dest / "sitegen.toml")  # the site's settings
    return dest


def generated(dest: Path, n: int) -> Path:
    """A deterministic ``n``-entry site from the performance benchmark's generator."""
    sys.path.insert(0, str(BENCH))
    from corpus import make_corpus

    return make_corpus(dest, n)


def edited(original: str, kind: str, probe: str) -> str:
    """The entry's text with ``probe`` as its title, or as a new last sentence of its body."""
    if kind == "body":
        return original + f"\n\n{probe}\n"
    return re.sub(r"^title: .*$", f"title: {probe}", original, count=1, flags=re.MULTILINE)


def measure(browser: Any, project: Path, edits: int,
            start_timeout: float) -> dict[str, list[float]]:
    """Seconds from each save to the new words being visible, ``edits`` saves of each kind.

    "painted": until the reloaded page's first paint, by the page's own clock (epoch-based,
    the same clock as the save's); "seen by Playwright": until the test driver has found the
    words, which adds its own polling and round trips (an upper bound).
    """
    # an original, not a translation beside it (<stem>.<lang>.md has no page of its own here)
    entry = sorted(p for p in (project / "content" / "entries").glob("*.md")
                   if "." not in p.stem)[0]
    original = entry.read_text(encoding="utf-8")
    server = Server(project)
    started = time.perf_counter()
    try:
        base = server.url(start_timeout)
        first = time.perf_counter() - started
        print(f"  first build and start: {first:.1f} s", flush=True)
        bound_ms = max(30.0, 3 * first) * 1000  # a bound for one edit, not a target
        page = browser.new_page()
        page.goto(f"{base}entries/{entry.stem}/")
        connected = "() => window.LiveReload && window.LiveReload.connector.protocol > 0"
        page.wait_for_function(connected, timeout=10_000)
        time.sleep(0.3)  # the page has told the server which page it shows
        times: dict[str, list[float]] = {}
        for kind in ("title", "body"):
            for i in range(edits):
                probe = f"Latency probe {kind} {i} reached the page."
                t0 = time.time()
                entry.write_text(edited(original, kind, probe), encoding="utf-8")
                # in the page's main text (a "text=" selector can settle on a hidden copy
                # of the words, such as the citation's or the document title's)
                page.wait_for_function(SHOWN, arg=probe, timeout=bound_ms)
                times.setdefault(f"{kind}, seen by Playwright", []).append(time.time() - t0)
                times.setdefault(f"{kind}, painted", []).append(page.evaluate(PAINTED) / 1000 - t0)
                page.wait_for_function(connected, timeout=10_000)
                time.sleep(0.3)  # an editor does not save twice in the same moment
        page.close()
        builds = [float(s) for s in re.findall(r"rebuilt .* in ([\d.]+) s", server.text)[1:]]
        if builds:
            print(f"  rebuild step alone: median {statistics.median(builds) * 1000:.0f} ms, "
                  f"worst {max(builds) * 1000:.0f} ms (as the server reports it)")
        return times
    except Exception:
        print("  the server said:\n" + server.text[-3000:], flush=True)
        raise
    finally:
        server.stop()
        entry.write_text(original, encoding="utf-8")


def report(name: str, times: dict[str, list[float]]) -> None:
    for how, values in times.items():
        med, worst = statistics.median(values) * 1000, max(values) * 1000
        print(f"{name}: save-to-visible ({how}) over {len(values)} edits: median {med:.0f} ms, "
              f"best {min(values) * 1000:.0f} ms, worst {worst:.0f} ms", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=8, help="saves of each kind")
    parser.add_argument("--entries", type=int, default=0,
                        help="also a generated site of this size (0: none)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("SITEGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        sites = [("shipped site", lambda: shipped_copy(Path(tmp) / "shipped"), 120.0)]
        if args.entries:
            sites.append((f"generated site, {args.entries} entries",
                          lambda: generated(Path(tmp) / "generated", args.entries), 900.0))
        for name, make, start_timeout in sites:
            print(f"{name}:", flush=True)
            report(name, measure(browser, make(), args.edits, start_timeout))
        browser.close()
    print("targets (shipped site, title and body edits): median < 200 ms, worst < 300 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
