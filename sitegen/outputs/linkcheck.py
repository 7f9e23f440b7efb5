"""`sitegen check --links`: every internal link and #anchor of a built site must resolve.

The site is built into a temporary folder with its real base URL, then every HTML file is
parsed: links (href, src, form actions) that stay on the site are resolved to files the way
a static host resolves them (``dir/`` → ``dir/index.html``), and fragments are checked against
the ids of the target page. External URLs are listed, and fetched only with ``--external``;
a timeout or a missing network is reported as such, never as a broken link.
"""

from __future__ import annotations

import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import TextIO
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.config import Config

LINK_ATTRS = {"a": "href", "link": "href", "area": "href", "script": "src", "img": "src",
              "source": "src", "iframe": "src", "audio": "src", "video": "src",
              "form": "action"}
SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")
EXTERNAL_TIMEOUT = 10.0
NOT_BROKEN_STATUS = (401, 403, 405, 429)  # the server answered but refuses robots


class _PageParser(HTMLParser):
    """Collects the links and the anchor ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(values[key] or "")
        attr = LINK_ATTRS.get(tag)
        if attr and values.get(attr) is not None:
            self.links.append((values[attr] or "").strip())


@dataclass(frozen=True)
class Broken:
    page: str
    target: str
    reason: str

    def format(self) -> str:
        return f"{self.page} → {self.target}: {self.reason}"


@dataclass
class LinkReport:
    """What a link check found."""

    pages: int = 0
    links: int = 0
    broken: list[Broken] = field(default_factory=list)
    external: dict[str, list[str]] = field(default_factory=dict)  # url → pages using it
    external_results: dict[str, str] = field(default_factory=dict)  # url → outcome
    external_broken: list[str] = field(default_factory=list)


def _page_url(rel: str, base_path: str) -> str:
    """The URL path a file is served at ('entries/x/index.html' → '/base/entries/x/')."""
    url = base_path + rel
    return url.removesuffix("index.html")


def _resolve(site_dir: Path, path: str) -> Path | None:
    """The file a static host serves for a site-relative path, or None."""
    rel = PurePosixPath(unquote(path))
    if ".." in rel.parts:
        return None
    target = site_dir.joinpath(*rel.parts) if rel.parts else site_dir
    if path.endswith("/") or not rel.parts:
        target = target / "index.html"
    elif target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def scan_site(site_dir: Path, config: Config) -> LinkReport:
    """Check every internal link and anchor of the built site in ``site_dir``."""
    report = LinkReport()
    parsed: dict[Path, _PageParser] = {}
    for path in sorted(site_dir.rglob("*.html")):
        parser = _PageParser()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        parsed[path] = parser
    base_path = config.base_path
    origin = urlsplit(config.base_url)
    for path, parser in parsed.items():
        rel = path.relative_to(site_dir).as_posix()
        page_url = _page_url(rel, base_path)
        report.pages += 1
        for link in parser.links:
            if not link or link.startswith(SKIP_SCHEMES):
                continue
            report.links += 1
            absolute = urljoin(f"{origin.scheme}://{origin.netloc}{page_url}", link)
            parts = urlsplit(absolute)
            written_in_full = bool(urlsplit(link).scheme) or link.startswith("//")
            if written_in_full and not absolute.startswith(config.base_url):
                report.external.setdefault(absolute, []).append(rel)
                continue
            if not parts.path.startswith(base_path):
                report.broken.append(Broken(rel, link, f"outside the site's base path "
                                                       f"{base_path}"))
                continue
            target = _resolve(site_dir, parts.path[len(base_path):])
            if target is None:
                report.broken.append(Broken(rel, link, "no such page or file"))
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else set()
                if unquote(parts.fragment) not in ids:
                    report.broken.append(Broken(rel, link, f"no element with "
                                                           f"id=\"{parts.fragment}\""))
    return report


def fetch_external(urls: Iterable[str], timeout: float = EXTERNAL_TIMEOUT,
                   workers: int = 8) -> dict[str, tuple[str, bool]]:
    """Try each URL; returns url → (outcome, broken). Timeouts and no network are not broken."""
    def one(url: str) -> tuple[str, tuple[str, bool]]:
        headers = {"User-Agent": "sitegen-linkcheck"}
        try:
            req = urllib.request.Request(url, headers=headers, method="HEAD")
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
                return url, (f"ok ({resp.status})", False)
        except urllib.error.HTTPError as exc:
            if exc.code in NOT_BROKEN_STATUS:
                return url, (f"refused ({exc.code}), not checked", False)
            return url, (f"HTTP {exc.code}", True)
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                return url, (f"timeout after {timeout:g} s (not counted as broken)", False)
            return url, (f"unreachable: {reason} (no network? not counted as broken)", False)
        except TimeoutError:
            return url, (f"timeout after {timeout:g} s (not counted as broken)", False)
        except (OSError, ValueError) as exc:
            return url, (f"unreachable: {exc} (not counted as broken)", False)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(one, sorted(set(urls))))


def format_report(report: LinkReport, external: bool) -> str:
    """The text `sitegen check --links` prints."""
    lines = [b.format() for b in report.broken]
    if report.external:
        lines.append(f"{len(report.external)} external URL"
                     f"{'s' if len(report.external) != 1 else ''}"
                     f"{'' if external else ' (not fetched; add --external to try them)'}:")
        for url in sorted(report.external):
            outcome = report.external_results.get(url)
            lines.append(f"  {url}" + (f"  {outcome}" if outcome else ""))
    total = len(report.broken) + len(report.external_broken)
    lines.append(f"{'ok' if total == 0 else 'broken'}: {report.pages} pages, "
                 f"{report.links} links checked, {len(report.broken)} broken internal"
                 + (f", {len(report.external_broken)} broken external" if external else ""))
    return "\n".join(lines)


def check_links(config: Config, *, external: bool = False, stream: TextIO | None = None,
                timeout: float = EXTERNAL_TIMEOUT, annotations: bool = False) -> int:
    """Build into a temporary folder, check its links, print the report; the exit code.

    ``annotations``: also print each broken link as a GitHub workflow annotation."""
    from sitegen.engine.builder import build

    out = stream or sys.stdout
    with tempfile.TemporaryDirectory(prefix="sitegen-links-") as tmp:
        site_dir = Path(tmp) / "site"
        build(config, output=site_dir)
        report = scan_site(site_dir, config)
    if external and report.external:
        for url, (outcome, broken) in fetch_external(report.external, timeout).items():
            report.external_results[url] = outcome
            if broken:
                report.external_broken.append(url)
    if annotations:
        from sitegen.annotations import plain_annotation

        for b in report.broken:
            print(plain_annotation("error", "sitegen: broken link", b.format()), file=out)
        for url in report.external_broken:
            print(plain_annotation("error", "sitegen: broken external link", url), file=out)
    print(format_report(report, external), file=out)
    return 1 if report.broken or report.external_broken else 0
