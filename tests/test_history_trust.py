"""Git on an untrusted checkout (SECURITY.md, "Git on an untrusted checkout").

Each attack is a repository whose configuration names a script that leaves a marker file
when it runs: the fsmonitor hook, a textconv driver attached by a committed .gitattributes,
an external diff, a pager, a signature-checking program, and a fsmonitor pulled in by an
include of a committed file. A naive call (what a history feature might run: ``git status``,
``git log -p``, ``git diff``, ``git log`` on a terminal) runs each one; ``sitegen build``
and ``sitegen check`` run none of them, and still list the revisions.
"""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import pytest
from test_history import ENTRIES, built, cli, commit, git, plain_site, revisions

ATTACKS = ("fsmonitor", "textconv", "external-diff", "pager", "gpg", "included-fsmonitor")


def script(folder: Path, name: str, markers: Path) -> Path:
    path = folder / f"{name}.sh"
    path.write_text(f'#!/bin/sh\necho "$@" >> "{markers / name}"\nexit 0\n', encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    """A repository armed with every attack, and the folder where markers would appear."""
    root = plain_site(tmp_path)
    markers, tools = tmp_path / "markers", tmp_path / "tools"
    markers.mkdir()
    tools.mkdir()
    s = {name: script(tools, name, markers) for name in ATTACKS}
    git(root, "init", "-q", "-b", "main")
    (root / ".gitattributes").write_text("*.md diff=evil\n", encoding="utf-8")
    (root / "hooks.gitconfig").write_text(  # committed: a pull request can change it
        f"[core]\n\tfsmonitor = {s['included-fsmonitor']}\n", encoding="utf-8")
    commit(root, "Start the record", "2024-01-02T10:00:00+00:00")
    (root / "content/entries/1994-partnership.md").open("a").write("\nA second line.\n")
    commit(root, "Revise the partnership", "2024-02-03T10:00:00+00:00")
    _sign_head(root)
    with (root / ".git/config").open("a", encoding="utf-8") as fh:  # armed once committed
        fh.write(f"[core]\n\tfsmonitor = {s['fsmonitor']}\n\tpager = {s['pager']}\n"
                 f"[diff \"evil\"]\n\ttextconv = {s['textconv']}\n"
                 f"[diff]\n\texternal = {s['external-diff']}\n"
                 f"[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {s['gpg']}\n")
    (root / "content/entries/1994-partnership.md").open("a").write("\nNot committed.\n")
    return root, markers


def _sign_head(root: Path) -> None:
    """HEAD rewritten with a (fake) signature: ``log.showSignature`` then runs gpg.program."""
    raw = git(root, "cat-file", "commit", "HEAD")
    head, _, message = raw.partition("\n\n")
    signed = (f"{head}\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n"
              f" -----END PGP SIGNATURE-----\n\n{message}\n")
    sha = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=root,
                         input=signed, capture_output=True, text=True, check=True,
                         env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull}).stdout.strip()
    git(root, "update-ref", "HEAD", sha)


def naive(root: Path, *args: str, terminal: bool = False) -> None:
    """Git as a naive history reader would call it: the user's environment, defaults."""
    env = {**os.environ, "HOME": str(root.parent), "GIT_CONFIG_GLOBAL": os.devnull}
    if not terminal:
        subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, timeout=60)
        return
    leader, follower = pty.openpty()
    try:
        subprocess.run(["git", *args], cwd=root, env={**env, "TERM": "xterm"}, stdin=follower,
                       stdout=follower, stderr=follower, timeout=60)
    finally:
        os.close(follower)
        os.close(leader)


def ran(markers: Path) -> set[str]:
    return {p.name for p in markers.iterdir()}


def test_naive_git_calls_run_what_the_repository_configures(hostile: tuple[Path, Path]
                                                            ) -> None:
    """The attacks are real: each marker appears under the call a naive reader would make."""
    root, markers = hostile
    naive(root, "log", "-p", "-1", "--", "content/entries/1994-partnership.md")
    assert "textconv" in ran(markers) and "gpg" in ran(markers)
    naive(root, "status", "--porcelain")
    assert {"fsmonitor"} <= ran(markers)
    naive(root, "diff")
    assert "external-diff" in ran(markers)
    naive(root, "log", "-1", terminal=True)
    assert "pager" in ran(markers)
    (root / ".git/config").write_text((root / ".git/config").read_text().replace(
        "fsmonitor = ", "nothing = ") + "[include]\n\tpath = ../hooks.gitconfig\n")
    naive(root, "status", "--porcelain")
    assert ran(markers) == set(ATTACKS)


def test_sitegen_runs_none_of_them_and_still_lists_the_revisions(
        hostile: tuple[Path, Path]) -> None:
    root, markers = hostile
    with (root / ".git/config").open("a", encoding="utf-8") as fh:
        fh.write("[include]\n\tpath = ../hooks.gitconfig\n")
    out = built(root)
    cli(root, "check")
    assert ran(markers) == set()
    assert [r[1].split(" (commit")[0] for r in revisions(
        out / "entries/1994-partnership/index.html")] == [
        "3 February 2024 Revise the partnership", "2 January 2024 Start the record"]


def test_git_variables_of_the_caller_do_not_steer_it(hostile: tuple[Path, Path],
                                                     tmp_path: Path) -> None:
    """GIT_DIR, GIT_CONFIG_PARAMETERS and friends in sitegen's environment never reach Git."""
    root, markers = hostile
    elsewhere = tmp_path / "elsewhere"
    git(elsewhere.parent, "init", "-q", str(elsewhere))
    fsmonitor = markers.parent / "tools" / "fsmonitor.sh"
    out = built(root, env={"GIT_DIR": str(elsewhere / ".git"), "GIT_WORK_TREE": str(elsewhere),
                           "GIT_CONFIG_PARAMETERS": f"'core.fsmonitor'='{fsmonitor}'",
                           "GIT_EXTERNAL_DIFF": str(fsmonitor)})
    assert ran(markers) == set()
    assert len(revisions(out / "entries/1994-partnership/index.html")) == 2


def test_a_content_folder_shaped_as_a_bare_repository_is_not_used(tmp_path: Path) -> None:
    """Discovery from content/ would take it for a repository of its own, with its own
    configuration and a made-up history: with safe.bareRepository=explicit it is refused."""
    root = plain_site(tmp_path)
    git(root, "init", "-q", "-b", "main")
    commit(root, "Start the record", "2024-01-02T10:00:00+00:00")
    content = root / "content"
    git(tmp_path, "init", "-q", "--bare", str(tmp_path / "fake.git"))
    for name in ("HEAD", "config", "objects", "refs"):
        subprocess.run(["cp", "-r", str(tmp_path / "fake.git" / name), str(content / name)],
                       check=True)
    done = cli(root, "check")
    assert "revision history omitted" in done.stderr
    out = built(root)
    assert "Revision history" not in (out / ENTRIES.name / "1994-partnership/index.html"
                                      ).read_text(encoding="utf-8")
