"""Screenshots of the reading views (home in its card, compact and table views, an entry,
the chart, a year page) at 1280 and 360 px, for docs/screenshots/ and the README.

`make screenshots` (or `python tests/screenshots.py`) builds the project's own site and
writes them to docs/screenshots/; tests/test_browser_reading.py takes the same shots into
test-artifacts/ to check that they can be made.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

WIDTHS = {1280: 900, 360: 740}  # viewport width → height
ENTRY = "entries/1997-05-27-founding-act/"
YEAR = "years/2022/"


def shots() -> list[tuple[str, str, int]]:
    """(file name, what, width) for every screenshot."""
    return [(f"{what}-{w}.png", what, w)
            for what in ("home", "compact", "table", "entry", "chart", "year") for w in WIDTHS]


def take(browser, root_url: str, dest: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    """Every screenshot of the site served at ``root_url``, written into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for name, what, width in shots():
        context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]},
                                      reduced_motion="reduce")
        page = context.new_page()
        page.set_default_timeout(10_000)
        path = {"home": "", "chart": "", "compact": "chronology/", "table": "table/",
                "entry": ENTRY, "year": YEAR}[what]
        page.goto(root_url + path)
        page.wait_for_load_state("load")
        if what == "chart":
            page.evaluate("document.querySelector('.overview-fold').open = true")
            page.locator(".overview-figure").screenshot(path=str(dest / name))
        else:
            page.screenshot(path=str(dest / name))
        context.close()
        out.append(dest / name)
    return out


def main() -> None:
    """Build the project's site and write docs/screenshots/."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from conftest import CHROMIUM_ARGS, ROOT, chromium_path, static_server
    from playwright.sync_api import sync_playwright

    from sitegen.config import load_config
    from sitegen.engine.builder import build

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(load_config(ROOT).with_base_url("http://127.0.0.1/"), output=site)
        with static_server(site) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            try:
                for path in take(browser, url, ROOT / "docs" / "screenshots"):
                    print(f"wrote {path.relative_to(ROOT)}")
            finally:
                browser.close()


if __name__ == "__main__":
    main()
