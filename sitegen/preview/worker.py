"""The preview's builds in a process of their own, and the server's handle on it.

``sitegen serve`` has threads (HTTP, file watching), and a threaded process must not fork;
its builds run here instead, in a process with one thread, where they may fork their
render workers and each body has its CPU budget, as in ``sitegen build``. The server
keeps answering requests while a build runs (no lock is shared with it).

The process is ``python -P -m sitegen.preview.worker ROOT FOLDER ORIGIN [BASE_URL]``
(``-P``: nothing is imported from the project folder). It reads one request per line on
its standard input, ``{"changed": [paths] or null, "first": [output paths]}``, and answers
on its standard output with ``{"first": [paths]}`` once the pages open in a browser are
written, then ``{"done": Outcome}``. SIGTERM stops it, and the build workers with it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sitegen.preview.rebuild import Outcome, Rebuilder, preview_config


class BuildProcess:
    """The server's handle on the worker process: ``rebuild`` as Rebuilder has it."""

    def __init__(self, root: Path, output: Path, origin: str, base_url: str | None,
                 base_path: str) -> None:
        self.output, self.base_path = output, base_path
        self.error: str | None = None
        self.proc = subprocess.Popen(
            [sys.executable, "-P", "-m", "sitegen.preview.worker", str(root), str(output),
             origin, base_url or ""], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, bufsize=1)

    def rebuild(self, changed: Collection[Path] | None = None, *, first: Iterable[str] = (),
                on_first: Callable[[list[str]], None] = lambda rels: None) -> Outcome:
        """Have the process build once (see Rebuilder.rebuild); its Outcome."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        request = {"changed": None if changed is None else sorted(map(str, changed)),
                   "first": list(first)}
        outcome = Outcome(False, 0.0, error="sitegen: the preview's build process has ended",
                          base_path=self.base_path)
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            for line in self.proc.stdout:
                message = json.loads(line)
                if "first" in message:  # pages of a build that loaded: no error on them
                    self.error = None
                    on_first(message["first"])
                else:
                    outcome = Outcome(**message["done"])
                    break
        except (OSError, ValueError):
            pass
        self.error, self.base_path = outcome.error, outcome.base_path
        return outcome

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the process (and, through it, its build workers) and wait for it."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    """Serve build requests until the standard input ends (or a signal stops it)."""
    root, output, origin, base_url = Path(argv[0]), Path(argv[1]), argv[2], argv[3] or None
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything else printed goes to the terminal, not into the answers

    def send(message: dict[str, Any]) -> None:
        channel.write(json.dumps(message) + "\n")

    try:
        signal.signal(signal.SIGTERM, _interrupt)  # workers.run then stops its workers
        rebuilder = Rebuilder(preview_config(root, origin, base_url), output,
                              reload_config=lambda: preview_config(root, origin, base_url))
        for line in sys.stdin:
            request = json.loads(line)
            changed = request["changed"]
            outcome = rebuilder.rebuild(None if changed is None else [Path(p) for p in changed],
                                        first=request["first"],
                                        on_first=lambda rels: send({"first": rels}))
            send({"done": asdict(outcome)})
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
