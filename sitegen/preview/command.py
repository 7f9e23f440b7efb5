"""`sitegen serve`: build with drafts, serve on loopback, rebuild and reload on every save.

Wiring only: the rebuild step is in rebuild.py, file watching in watcher.py and HTTP (with
livereload) in server.py.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sitegen.config import Config
from sitegen.errors import SitegenError
from sitegen.portable import running
from sitegen.preview.rebuild import Outcome
from sitegen.preview.worker import BuildProcess

PUBLIC_HOSTS = ("0.0.0.0", "::", "")


def serve_folder(config: Config) -> Path:
    """Where this process builds the preview: a cache folder, never the published output/.

    Each `sitegen serve` has a folder of its own (named for its process id), so that two
    previews of one project never overwrite each other's pages; it is removed at exit.
    """
    return config.root / ".cache" / "serve" / str(os.getpid()) / "site"


def _remove(folder: Path) -> None:
    """Remove a preview's folder (links inside are removed, never followed)."""
    shutil.rmtree(folder, ignore_errors=True)


def _sweep(config: Config) -> None:
    """Remove the folders of previews that ended without cleaning up (killed)."""
    top = config.root / ".cache" / "serve"
    if any(p.is_symlink() for p in (top.parent, top)):
        return  # not ours to clean up through
    try:
        names = sorted(os.listdir(top))
    except OSError:
        return
    for name in names:
        if name.isdigit() and int(name) != os.getpid() and not running(int(name)):
            _remove(top / name)


@contextmanager
def _interruptible() -> Iterator[None]:
    """SIGTERM stops the work at hand as Ctrl-C does (KeyboardInterrupt), so that forked
    build workers are stopped before the process ends (the default action kills this
    process alone and leaves them running)."""
    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: nothing to do
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _require(*modules: str) -> None:
    """Fail with an install hint when the optional `serve` packages are missing."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise SitegenError(f"sitegen serve needs {', '.join(missing)}, which is not installed\n"
                           "    hint: pip install 'sitegen[serve]' (or run `make serve`)")


def _say(text: str, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout, flush=True)


class _Reporter:
    """Prints each rebuild to the terminal; an error is printed once, not on every save."""

    def __init__(self) -> None:
        self.shown: str | None = None

    def __call__(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            if outcome.error != self.shown:
                _say(f"build failed (the preview keeps the last good pages):\n{outcome.error}",
                     err=True)
            self.shown = outcome.error
            return
        _say(("fixed: " if self.shown else "") + f"rebuilt {outcome.summary}")
        self.shown = None


def serve(config: Config, *, host: str = "127.0.0.1", port: int = 8000, reload: bool = True,
          base_url: str | None = None) -> int:
    """Preview the site at http://host:port/<base path>/ until Ctrl-C; returns the exit code.

    ``base_url`` is the --base-url override, kept when the configuration file changes.
    """
    _require("tornado", "livereload", *(["watchfiles"] if reload else []))
    from sitegen.preview.server import bind

    sockets, port = bind(host, port, say=lambda s: _say(s, err=True))
    local_host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    shown_host = f"[{local_host}]" if ":" in local_host else local_host
    _sweep(config)
    folder = serve_folder(config)
    builds = BuildProcess(config.root, folder, f"http://{shown_host}:{port}", base_url,
                          config.base_path)
    try:
        return _serve(config, builds, sockets, host, port, shown_host, reload)
    finally:
        builds.stop()
        _remove(folder.parent)


def _url_to_output(url_path: str, base_path: str) -> str | None:
    """The output path of the page at ``url_path`` (e.g. entries/x/index.html), if any."""
    if not url_path.startswith(base_path):
        return None
    rest = url_path[len(base_path):]
    return rest + "index.html" if rest == "" or rest.endswith("/") else rest


def _serve(config: Config, builds: BuildProcess, sockets: list[socket.socket], host: str,
           port: int, shown_host: str, reload: bool) -> int:
    """Build the preview and serve it until Ctrl-C or SIGTERM."""
    from sitegen.preview.server import Hosts, PreviewServer
    from sitegen.preview.watcher import RebuildQueue, Watcher

    report = _Reporter()
    try:
        with _interruptible():
            report(builds.rebuild())
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM during the first build
        _say("stopped")
        return 0
    hosts = Hosts.of(host, port, sockets, public=host in PUBLIC_HOSTS)
    server = PreviewServer(builds, sockets, port, live=reload, hosts=hosts)
    early: set[str] = set()  # pages reloaded while the build went on

    def on_first(rels: list[str]) -> None:
        early.update(builds.base_path + rel.removesuffix("index.html") for rel in rels)
        server.reload(only=early)

    def build(changed: set[Path]) -> Outcome:
        """A rebuild that renders the pages open in browsers first and reloads them."""
        early.clear()
        shown = [_url_to_output(p, builds.base_path) for p in server.open_pages()]
        return builds.rebuild(changed, first=[p for p in shown if p], on_first=on_first)

    def on_done(outcome: Outcome, changed: set[Path]) -> None:
        was_failing = report.shown is not None
        report(outcome)
        one_css = len(changed) == 1 and next(iter(changed)).suffix == ".css"
        restyle = outcome.ok and not was_failing and one_css  # restyle in place, no reload
        server.reload(next(iter(changed)).name if restyle else "*",
                      skip=early if outcome.ok else set())

    queue = RebuildQueue(build, on_done)
    watcher = Watcher(config, queue.submit, output=builds.output)

    def ready() -> None:
        if reload:
            queue.start()
            watcher.start()
        _say(f"serving http://{shown_host}:{port}{builds.base_path} "
             f"(drafts included{', live reload' if reload else ''}) - press Ctrl-C to stop")
        if host in PUBLIC_HOSTS:
            _say(f"warning: --host {host or '(all)'} makes the preview reachable from other "
                 "machines", err=True)

    try:
        server.run(on_ready=ready)
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        queue.stop()
    _say("stopped")
    return 0
