"""The generator's tests do not depend on the NATO record: only tests/content_checks/ reads
the repository's content/ and sitegen.toml (conftest.ContentGuard fails any other test that
opens them in this process; this module checks the guard, and that no test hands the
repository's folder to a command it runs in another process)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import CONTENT, CONTENT_CHECKS, ROOT

from sitegen.config import load_config
from sitegen.content.loader import load_site

TESTS = Path(__file__).resolve().parent


def test_the_guard_sees_every_way_a_test_could_read_the_record() -> None:
    before = len(CONTENT.seen)
    try:
        (ROOT / "content" / "topics.yaml").read_bytes()
        load_site(load_config(ROOT))
        seen = set(CONTENT.seen[before:])
        assert str(ROOT / "sitegen.toml") in seen
        assert str(ROOT / "content" / "topics.yaml") in seen
        assert any(p.startswith(str(ROOT / "content" / "entries")) for p in seen)
        assert any(p.startswith(str(ROOT / "content" / "pages")) for p in seen)
    finally:
        del CONTENT.seen[before:]  # this test read them on purpose


def test_the_guard_ignores_fixture_sites_and_the_theme(tmp_path: Path) -> None:
    before = len(CONTENT.seen)
    (ROOT / "templates" / "index.html").read_bytes()
    (ROOT / "tests" / "fixtures" / "basic" / "sitegen.toml").read_bytes()
    load_site(load_config(ROOT / "tests" / "fixtures" / "basic"))
    assert CONTENT.seen[before:] == []


def test_no_test_runs_a_command_on_the_repositorys_site() -> None:
    """What another process reads the guard cannot see: no test outside content_checks
    runs a command in the repository's folder or points one at it."""
    found = []
    for path in sorted(TESTS.rglob("test_*.py")):
        if path.is_relative_to(CONTENT_CHECKS) or path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"cwd=ROOT\b|\"-C\",\s*str\(ROOT\)|load_config\(ROOT\)", text):
            found.append(f"{path.relative_to(TESTS)}:{text.count(chr(10), 0, m.start()) + 1}")
    assert found == [], "move these onto a fixture site, or into tests/content_checks/"
