"""The preview's HTTP side: the site's own files, its 404 page, the error overlay, live reload.

livereload 2.7's quirks stay inside this module: only its WebSocket and script handlers are
used (imported late, as it changes class-level state on import), and reloads are pushed to
the browsers directly instead of through its polling loop, which drops a reload that comes
within 3 s of the previous one. Files are served by our own handler, which answers only for
files inside the site, honours the base path and serves the site's 404.html.

Every handler first checks the Host header (``Hosts``): a page elsewhere on the web whose
name is made to resolve to 127.0.0.1 (DNS rebinding) would otherwise read the preview,
drafts included. Only the addresses the server listens on and ``localhost`` with its port
are answered, and the reload socket opens only for an Origin that passes the same check.
"""

from __future__ import annotations

import asyncio
import errno
import html
import ipaddress
import json
import mimetypes
import re
import signal
import socket
import warnings
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tornado import web

from sitegen.errors import Problem, UsageError

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_FALLBACK = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>{0}</title></head>"
             "<body><h1>{0}</h1><p>{1}</p></body></html>")
PORT_TRIES = 20
# the style-src of a page's Content-Security-Policy meta (base.html)
_OVERLAY_STYLES = re.compile(rb"(<meta http-equiv=\"Content-Security-Policy\" content=\"[^\"]*"
                             rb"style-src 'self')")


def locate(root: Path, base_path: str, raw_path: str) -> Path | str | None:
    """Map a request path to a file inside ``root`` (Path), a redirect (str) or nothing.

    Refuses ``..`` and ``.`` segments, backslashes, NUL, double encoding and any path that
    leaves ``root`` once links are resolved.
    """
    if not raw_path.startswith(base_path):
        return base_path if raw_path in ("/", base_path.rstrip("/")) else None
    try:
        decoded = unquote(raw_path[len(base_path):], errors="strict")
    except UnicodeDecodeError:
        return None
    if "\\" in decoded or "\0" in decoded or unquote(decoded) != decoded:
        return None
    parts = [p for p in decoded.split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    top = root.resolve()
    try:
        target = top.joinpath(*parts).resolve()
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(top):
        return None
    if target.is_dir():
        if not raw_path.endswith("/"):
            return raw_path + "/"
        target = target / "index.html"
    return target if target.is_file() else None


def overlay_html(error: str) -> bytes:
    """The banner every page shows while the last rebuild failed (error text escaped)."""
    return (
        '<div id="sitegen-error" role="alert" style="position:fixed;top:0;left:0;right:0;'
        "z-index:2147483647;max-height:70vh;overflow:auto;margin:0;padding:1rem 1.25rem;"
        "background:#fff5f5;color:#4a0000;border-bottom:4px solid #b00020;"
        'box-shadow:0 4px 16px rgba(0,0,0,.35);font:15px/1.45 system-ui,sans-serif">'
        "<strong>The last rebuild failed.</strong> You are looking at the last good version; "
        "fix the file and save to rebuild."
        '<pre style="white-space:pre-wrap;margin:.6rem 0 0;font:14px/1.45 ui-monospace,'
        f'Menlo,Consolas,monospace">{html.escape(error)}</pre></div>'
    ).encode()


def inject(page: bytes, head: bytes, body: bytes) -> bytes:
    """Put ``head`` before ``</head>`` and ``body`` at the start of ``<body>`` (any case)."""
    b = _BODY_START.search(page)
    h = _HEAD_END.search(page)
    at_body = b.end() if b else (h.end() if h else 0)
    page = page[:at_body] + body + page[at_body:]
    at_head = h.start() if h else at_body
    return page[:at_head] + head + page[at_head:]


def bind(host: str, port: int,
         say: Callable[[str], None] = print) -> tuple[list[socket.socket], int]:
    """Listen on ``host:port``, or on the next free port after it (and say which)."""
    from tornado.netutil import bind_sockets

    for candidate in range(port, port + PORT_TRIES) if port else [0]:
        try:
            sockets = bind_sockets(candidate, host)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                continue
            raise UsageError(problems=[Problem("--host/--port", None, None,
                                               f"cannot listen on {host}:{candidate}: {exc}",
                                               "try --host 127.0.0.1 or another --port")]) from None
        bound = int(sockets[0].getsockname()[1])
        if port and bound != port:
            say(f"port {port} is taken; using port {bound} instead")
        return sockets, bound
    raise UsageError(problems=[Problem("--port", None, None,
                                       f"ports {port}-{port + PORT_TRIES - 1} are all taken",
                                       "pass a free port with --port")])


@dataclass(frozen=True)
class Hosts:
    """The Host headers the preview answers: one of ``names`` with ``port``.

    Bound to every interface (``any_ip``), any IP address is accepted as well, so that other
    machines can use the preview: rebinding needs a host name, never an address.
    """

    names: frozenset[str]
    port: int
    any_ip: bool = False

    @classmethod
    def of(cls, host: str, port: int, sockets: Iterable[socket.socket],
           public: bool) -> Hosts:
        """For a server asked to listen on ``host`` (as given) and bound to ``sockets``."""
        names = {"localhost", *(str(s.getsockname()[0]).lower() for s in sockets)}
        if host and not public:
            names.add(host.lower().strip("[]"))
        return cls(frozenset(names), port, public)

    def allows(self, value: str) -> bool:
        """Whether a Host header (or an Origin's host:port) names this server."""
        if not value or "@" in value or any(c.isspace() for c in value):
            return False
        try:
            parts = urlsplit("//" + value)
            port = parts.port or 80
        except ValueError:
            return False
        name = parts.hostname or ""
        if port != self.port or not name:
            return False
        if name in self.names:
            return True
        if self.any_ip:
            try:
                ipaddress.ip_address(name)
            except ValueError:
                return False
            return True
        return False


def _check_host(handler: web.RequestHandler) -> None:
    """Refuse (421) a request whose Host header does not name this server (any handler)."""
    hosts: Hosts = handler.application.settings["sitegen_hosts"]
    if not hosts.allows(handler.request.headers.get("Host", "")):
        raise web.HTTPError(421)


def _livereload() -> Any:
    """livereload's handlers, imported here only, with its DeprecationWarnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from livereload import handlers
    handlers.LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # belt and braces: we push reloads
    return handlers


class SiteHandler(web.RequestHandler):
    """Serves the preview folder: files, redirects, the site's 404, overlay and script."""

    def initialize(self, builds: Any, script: bytes) -> None:
        """``builds``: the preview's builds (worker.BuildProcess, or rebuild.Rebuilder),
        for the folder, the base path and the last error."""
        self.builds = builds
        self.script = script

    def prepare(self) -> None:
        _check_host(self)

    def compute_etag(self) -> None:
        return None  # every answer is no-store; an ETag of a HEAD's empty body would mislead

    def get(self) -> None:
        self._answer(include_body=True)

    def head(self) -> None:
        self._answer(include_body=False)

    def _answer(self, include_body: bool) -> None:
        root = self.builds.output
        found = locate(root, self.builds.base_path, self.request.path)
        if isinstance(found, str):
            self.redirect(found)
            return
        status, path = (200, found) if found else (404, root / "404.html")
        try:
            data = path.read_bytes()
        except OSError:  # no 404.html, or the file went away in a rebuild just now
            status, path, data = 404, root / "404.html", _fallback(root)
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/json", "application/xml"):
            ctype += "; charset=utf-8"
        if ctype.startswith("text/html"):
            error = self.builds.error
            data = inject(data, self.script, overlay_html(error) if error else b"")
            if error:  # the page's policy refuses style attributes; the overlay has its own
                data = _OVERLAY_STYLES.sub(rb"\1 'unsafe-inline'", data, count=1)
        self.set_status(status)
        self.set_header("Content-Type", ctype)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Length", str(len(data)))
        if include_body:
            self.write(data)


def _fallback(root: Path) -> bytes:
    """A 404 page for a site without its own (or with no successful build yet)."""
    if (root / "index.html").is_file():
        return _FALLBACK.format("Not found", "There is no page at this address.").encode()
    return _FALLBACK.format("Nothing built yet", "The site has not built successfully yet; "
                            "fix the error shown above and save.").encode()


def _same_origin(handler: Any, origin: str) -> bool:
    """Let only the preview's own pages open the reload socket (livereload allows any site):
    an Origin naming this server, the very host the request was sent to."""
    parts = urlsplit(origin)
    hosts: Hosts = handler.application.settings["sitegen_hosts"]
    return (parts.scheme == "http" and hosts.allows(parts.netloc)
            and parts.netloc.lower() == handler.request.headers.get("Host", "").lower())


def _note_page(handler: Any, message: str) -> None:
    """livereload.js says which page it shows ("info" with its url): remember it, so that
    the page being read is rendered and reloaded first."""
    super(type(handler), handler).on_message(message)
    try:
        data = json.loads(message)
    except ValueError:
        return
    if isinstance(data, dict) and data.get("command") == "info" and isinstance(
            data.get("url"), str):
        handler.page = urlsplit(data["url"]).path


def _log_errors_only(handler: web.RequestHandler) -> None:
    if handler.get_status() >= 500:
        web.app_log.error("%d %s %s", handler.get_status(), handler.request.method,
                          handler.request.uri)


class PreviewServer:
    """One tornado application on already-bound sockets, run until SIGINT or SIGTERM."""

    def __init__(self, builds: Any, sockets: list[socket.socket], port: int,
                 live: bool = True, hosts: Hosts | None = None) -> None:
        """``hosts``: the Host headers answered (default: the sockets' addresses, localhost)."""
        self.sockets = sockets
        self.live = live
        self._lr = _livereload() if live else None
        routes: list[Any] = []
        script = b""
        if self._lr:
            socket_handler = type("SameOriginLiveReload", (self._lr.LiveReloadHandler,),
                                  {"check_origin": _same_origin, "prepare": _check_host,
                                   "on_message": _note_page, "page": None})
            script_handler = type("CheckedLiveReloadJS", (self._lr.LiveReloadJSHandler,),
                                  {"prepare": _check_host})
            routes += [(r"/livereload", socket_handler),
                       (r"/livereload\.js", script_handler)]
            script = f'<script src="/livereload.js?port={port}" async></script>'.encode()
        routes.append((r".*", SiteHandler, {"builds": builds, "script": script}))
        hosts = hosts or Hosts.of("", port, sockets, public=False)
        self.app = web.Application(routes, log_function=_log_errors_only, sitegen_hosts=hosts)
        self._loop: asyncio.AbstractEventLoop | None = None

    def open_pages(self) -> list[str]:
        """The URL paths of the pages open browsers show (as they said); thread-safe."""
        waiters = list(self._lr.LiveReloadHandler.waiters) if self._lr else []
        return sorted({w.page for w in waiters if getattr(w, "page", None)})

    def reload(self, path: str = "*", *, only: Collection[str] | None = None,
               skip: Collection[str] = ()) -> None:
        """Tell open pages to reload (or restyle, for a .css path): those showing a URL
        path in ``only`` if given, but not those in ``skip``; thread-safe."""
        loop = self._loop
        if loop is None or not self._lr:
            return
        try:
            loop.call_soon_threadsafe(self._broadcast, path, set(only) if only is not None
                                      else None, set(skip))
        except RuntimeError:  # the loop has closed: the server is stopping
            pass

    def _broadcast(self, path: str, only: set[str] | None, skip: set[str]) -> None:
        if not self._lr:
            return
        waiters = self._lr.LiveReloadHandler.waiters
        message = {"command": "reload", "path": path, "liveCSS": True, "liveImg": True}
        for waiter in list(waiters):
            page = getattr(waiter, "page", None)
            if (only is not None and page not in only) or page in skip:
                continue
            try:
                waiter.write_message(message)
            except Exception:  # noqa: BLE001 — a closed tab: forget it
                waiters.discard(waiter)

    def run(self, on_ready: Callable[[], None] = lambda: None) -> None:
        """Serve until SIGINT/SIGTERM; ``on_ready`` runs once the loop is up."""
        asyncio.run(self._main(on_ready))

    async def _main(self, on_ready: Callable[[], None]) -> None:
        from tornado.httpserver import HTTPServer

        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (ValueError, RuntimeError, NotImplementedError):
                pass  # not the main thread: the caller stops us some other way
        server = HTTPServer(self.app)
        server.add_sockets(self.sockets)
        self._loop = loop
        on_ready()
        try:
            await stop.wait()
        finally:
            self._loop = None
            server.stop()
            if self._lr:
                for waiter in list(self._lr.LiveReloadHandler.waiters):
                    waiter.close()
