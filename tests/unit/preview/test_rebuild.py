"""The preview's rebuild step, without a server: success, failure, recovery; and the queue
that folds a burst of saves into one rebuild."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.engine.builder import Builder, BuildResult
from sitegen.preview.rebuild import Outcome, Rebuilder
from sitegen.preview.watcher import RebuildQueue

ENTRY = Path("content/entries/1994-partnership.md")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def rebuilder(basic_site: Path, tmp_path: Path) -> Rebuilder:
    return Rebuilder(load_config(basic_site), tmp_path / "serve" / "site")


def test_success_builds_with_drafts(rebuilder: Rebuilder) -> None:
    outcome = rebuilder.rebuild()
    assert outcome.ok and outcome.error is None and rebuilder.error is None
    assert "entries" in outcome.summary
    assert (rebuilder.output / "index.html").is_file()
    assert (rebuilder.output / "entries" / "2023-draft" / "index.html").is_file()


def test_failure_keeps_last_good_site_and_records_the_cli_text(rebuilder: Rebuilder) -> None:
    assert rebuilder.rebuild().ok
    before = snapshot(rebuilder.output)
    entry = rebuilder.config.root / ENTRY
    entry.write_text(entry.read_text().replace("kind: agreement", "kind: [agreement"))

    outcome = rebuilder.rebuild([entry])

    assert not outcome.ok
    assert outcome.error == rebuilder.error
    assert "content/entries/1994-partnership.md:7: invalid YAML" in outcome.error
    assert snapshot(rebuilder.output) == before


def test_recovery_clears_the_error_and_shows_the_fix(rebuilder: Rebuilder) -> None:
    entry = rebuilder.config.root / ENTRY
    good = entry.read_text()
    assert rebuilder.rebuild().ok
    entry.write_text(good.replace("kind: agreement", "kind: [agreement"))
    assert not rebuilder.rebuild([entry]).ok

    entry.write_text(good.replace("Text.", "Recovered text."))
    outcome = rebuilder.rebuild([entry])

    assert outcome.ok and rebuilder.error is None
    page = rebuilder.output / "entries" / "1994-partnership" / "index.html"
    assert "Recovered text." in page.read_text()


def test_a_broken_configuration_is_an_error_too_and_recovers(rebuilder: Rebuilder) -> None:
    toml = rebuilder.config.root / "sitegen.toml"
    good = toml.read_text()
    assert rebuilder.rebuild().ok
    toml.write_text(good + "colour = 'red'\n")
    outcome = rebuilder.rebuild([toml])
    assert not outcome.ok and "sitegen.toml: colour: unknown setting" in (outcome.error or "")

    toml.write_text(good.replace("Fixture timeline", "Renamed timeline"))
    assert rebuilder.rebuild([toml]).ok
    assert "Renamed timeline" in (rebuilder.output / "index.html").read_text()


@pytest.mark.parametrize("exc", [SystemExit(3), RuntimeError("boom"), MemoryError()])
def test_no_exception_escapes(rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch,
                              exc: BaseException) -> None:
    assert rebuilder.rebuild().ok

    def explode(self: object, changed: object = None, **kwargs: object) -> None:
        raise exc

    monkeypatch.setattr(Builder, "build", explode)
    outcome = rebuilder.rebuild([rebuilder.config.root / ENTRY])
    assert not outcome.ok
    assert f"internal error: {type(exc).__name__}" in (outcome.error or "")
    assert (rebuilder.output / "index.html").is_file()


def test_changes_of_a_failed_build_are_retried_with_the_next(
    rebuilder: Rebuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert rebuilder.rebuild().ok
    seen: list[set[Path] | None] = []

    def record(self: object, changed: set[Path] | None = None, **kwargs: object) -> BuildResult:
        seen.append(None if changed is None else set(changed))
        if len(seen) == 1:
            raise RuntimeError("first fails")
        return BuildResult(0, 0, 0.0, None)

    monkeypatch.setattr(Builder, "build", record)
    a, b = Path("/x/a.md"), Path("/x/b.md")
    assert not rebuilder.rebuild([a]).ok
    assert rebuilder.rebuild([b]).ok
    assert rebuilder.rebuild([b]).ok
    assert seen == [{a}, {a, b}, {b}]


class SlowRebuilder:
    """Stands in for Rebuilder: records each batch and takes a while per build."""

    def __init__(self) -> None:
        self.batches: list[set[Path]] = []
        self.started = threading.Event()

    def rebuild(self, changed: set[Path]) -> Outcome:
        self.started.set()
        self.batches.append(set(changed))
        time.sleep(0.15)
        return Outcome(True, 0.15, summary="ok")


def test_queue_folds_a_burst_into_few_builds_and_reports_the_last_change() -> None:
    fake = SlowRebuilder()
    done: list[set[Path]] = []
    finished = threading.Event()

    def on_done(outcome: Outcome, changed: set[Path]) -> None:
        done.append(changed)
        if Path("f19") in changed:
            finished.set()

    queue = RebuildQueue(fake.rebuild, on_done)
    queue.start()
    try:
        queue.submit([Path("f0")])
        assert fake.started.wait(2)
        for i in range(1, 20):  # a burst while the first build runs
            queue.submit([Path(f"f{i}")])
        assert finished.wait(3), "the last change never reached on_done"
    finally:
        queue.stop()
    assert len(fake.batches) == 2  # the first save, then everything that came meanwhile
    assert fake.batches[1] == {Path(f"f{i}") for i in range(1, 20)}
    assert len(done) == 1 and done[0] == {Path(f"f{i}") for i in range(20)}
