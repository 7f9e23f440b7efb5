"""Revision history from Git (sitegen/content/history.py), through the real command line
and the built files: each entry's revisions (renames followed, diff links when the settings
name the repository), the recent changes page and feed, the dataset's version, and the
history omitted outside Git, in a shallow clone and without git; warm builds after a commit
equal cold ones; the whole history read with a few Git processes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FIXTURES
from helpers import cold, edit, tree

from sitegen.config import load_config
from sitegen.content import history
from sitegen.content.history import dataset_version, read_history
from sitegen.engine import tree as engine_tree
from sitegen.engine import workers
from sitegen.engine.builder import build
from sitegen.errors import ConfigError
from sitegen.outputs.feeds import JSON_VERSION
from sitegen.preview.rebuild import Rebuilder

SITEGEN = [sys.executable, "-P", "-m", "sitegen"]
ENTRIES = Path("content/entries")
ATOM = "{http://www.w3.org/2005/Atom}"


def git(repo: Path, *args: str, date: str = "2024-01-02T10:00:00+00:00") -> str:
    """Git as a contributor runs it, with a fixed author and commit date."""
    env = {"PATH": os.environ["PATH"], "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "Editor",
           "GIT_AUTHOR_EMAIL": "editor@example.org", "GIT_COMMITTER_NAME": "Editor",
           "GIT_COMMITTER_EMAIL": "editor@example.org", "GIT_AUTHOR_DATE": date,
           "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def commit(repo: Path, message: str, date: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


def plain_site(tmp: Path, name: str = "site") -> Path:
    """The fixture site with the packaged theme (its own templates removed)."""
    root = shutil.copytree(FIXTURES / "basic", tmp / name, symlinks=True)
    shutil.rmtree(root / "templates")
    edit(root / ENTRIES / "2019-treaty-ends.md", "sources:",  # no warning: --strict passes
         "primary_not_found: the archive of the event\nsources:")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, list[str]]:
    """A throw-away repository of the fixture site with four commits at fixed dates: the
    record, a title correction, a rename (the entry keeps its id), and a commit outside
    the content."""
    root = plain_site(tmp_path)
    git(root, "init", "-q", "-b", "main")
    shas = [commit(root, "Start the record", "2024-01-02T10:00:00+00:00")]
    edit(root / ENTRIES / "2019-treaty-ends.md", "title: A treaty ends",
         "title: The INF Treaty ends")
    edit(root / ENTRIES / "1994-partnership.md", "Text.", "Text, revised.")
    shas.append(commit(root, "Correct the treaty's title <and> a body",
                       "2024-03-04T09:30:00+01:00"))
    git(root, "mv", "content/entries/2019-treaty-ends.md", "content/entries/2019-inf-ends.md")
    edit(root / ENTRIES / "2019-inf-ends.md", "title: ", "id: 2019-treaty-ends\ntitle: ")
    shas.append(commit(root, "Rename the INF entry", "2024-05-06T12:00:00+00:00"))
    (root / "NOTES.txt").write_text("not content\n", encoding="utf-8")
    shas.append(commit(root, "Add notes outside the content", "2024-07-08T12:00:00+00:00"))
    return root, shas


def cli(root: Path, *args: str, env: dict[str, str] | None = None,
        ok: bool = True) -> subprocess.CompletedProcess[str]:
    run_env = {k: v for k, v in os.environ.items() if k != "SITEGEN_COMMIT"}
    run_env["XDG_CACHE_HOME"] = str(root.parent / "xdg")
    run_env.update(env or {})
    done = subprocess.run([*SITEGEN, "-C", str(root), *args], env=run_env, capture_output=True,
                          text=True)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def built(root: Path, *extra: str, env: dict[str, str] | None = None) -> Path:
    out = root.parent / f"out-{len(list(root.parent.glob('out-*')))}"
    cli(root, "build", "--no-search", "--output", str(out), *extra, env=env)
    return out


class Revisions(HTMLParser):
    """The revision list of an entry page: (datetime, text, link) per item."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[list[str | None]] = []
        self.inside = self.depth = 0
        self.section = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and "history" in (a.get("class") or ""):
            self.section = True
        if self.section and tag == "ol":
            self.inside = 1
        elif self.inside and tag == "li":
            self.items.append([None, "", None])
        elif self.inside and self.items and tag == "time":
            self.items[-1][0] = a.get("datetime")
        elif self.inside and self.items and tag == "a":
            self.items[-1][2] = a.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "ol":
            self.inside = 0
        if tag == "section":
            self.section = False

    def handle_data(self, data: str) -> None:
        if self.inside and self.items:
            self.items[-1][1] = (self.items[-1][1] or "") + data


def revisions(page: Path) -> list[list[str | None]]:
    p = Revisions()
    p.feed(page.read_text(encoding="utf-8"))
    return [[when, " ".join((text or "").split()), href] for when, text, href in p.items]


def test_an_entry_page_lists_its_revisions_newest_first_renames_followed(
        repo: tuple[Path, list[str]]) -> None:
    root, shas = repo
    out = built(root)
    assert revisions(out / "entries/2019-treaty-ends/index.html") == [
        ["2024-05-06T12:00:00+00:00", f"6 May 2024 Rename the INF entry (commit {shas[2][:7]})",
         None],
        ["2024-03-04T09:30:00+01:00",
         f"4 March 2024 Correct the treaty's title <and> a body (commit {shas[1][:7]})", None],
        ["2024-01-02T10:00:00+00:00", f"2 January 2024 Start the record (commit {shas[0][:7]})",
         None]]
    assert [r[0] for r in revisions(out / "entries/2022-01-12-second/index.html")] == [
        "2024-01-02T10:00:00+00:00"]
    page = (out / "entries/2019-treaty-ends/index.html").read_text(encoding="utf-8")
    assert "Correct the treaty&#39;s title &lt;and&gt; a body" in page  # escaped
    assert '<a href="/fixture/changes/">Recent changes</a>' in page  # in the footer


def test_with_the_repository_named_each_revision_links_its_diff(
        repo: tuple[Path, list[str]]) -> None:
    root, shas = repo
    with (root / "sitegen.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[repository]\nurl = "https://github.com/owner/record"\nbranch = "trunk"\n')
    out = built(root)
    page = out / "entries/2019-treaty-ends/index.html"
    assert [r[2] for r in revisions(page)] == [
        f"https://github.com/owner/record/commit/{s}" for s in (shas[2], shas[1], shas[0])]
    assert ('href="https://github.com/owner/record/commits/trunk/content/entries/'
            '2019-inf-ends.md"') in page.read_text(encoding="utf-8")


def test_a_bad_repository_setting_names_the_field_and_what_would_be_right(
        repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    with (root / "sitegen.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[repository]\nurl = "git@github.com:owner/record.git"\n')
    done = cli(root, "check", ok=False)
    assert done.returncode == 1
    assert "sitegen.toml: repository.url: 'git@github.com:owner/record.git' is not an https " \
           "address of a repository" in done.stderr
    assert 'hint: e.g. url = "https://github.com/owner/repo"' in done.stderr
    with pytest.raises(ConfigError):
        load_config(root)


def test_the_recent_changes_page_and_feed_list_commits_and_the_entries_they_touched(
        repo: tuple[Path, list[str]]) -> None:
    root, shas = repo
    out = built(root)
    page = (out / "changes/index.html").read_text(encoding="utf-8")
    items = re.findall(r'<li id="commit-([0-9a-f]{7})">(.*?)</li>\n', page, re.S)
    assert [sha for sha, _ in items] == [s[:7] for s in shas[2::-1]]  # NOTES.txt: not content
    rename, correction, start = (body for _, body in items)
    assert '<a href="/fixture/entries/2019-treaty-ends/">The INF Treaty ends</a>' in rename
    assert '<a href="/fixture/entries/1994-partnership/">' in correction
    assert '<a href="/fixture/entries/2019-treaty-ends/">' in correction  # by its name now
    assert "content/participants.yaml" in start and "content/pages/about.md" in start
    assert "2023-draft" not in page  # a draft has no page to link
    feed = ET.fromstring((out / "changes.xml").read_bytes())
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Rename the INF entry", "Correct the treaty's title <and> a body", "Start the record"]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2024-05-06T12:00:00+00:00", "2024-03-04T09:30:00+01:00", "2024-01-02T10:00:00+00:00"]
    assert feed.findtext(f"{ATOM}updated") == "2024-05-06T12:00:00+00:00"
    assert {link.get("href") for link in entries[0].findall(f"{ATOM}link[@rel='related']")} \
        == {"https://example.org/fixture/entries/2019-treaty-ends/"}
    home = (out / "pages/about/index.html").read_text(encoding="utf-8")
    assert 'href="/fixture/changes.xml"' in home  # linked from the About page's open data


def test_the_dataset_version_is_the_head_commit_in_pages_and_data(
        repo: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    root, shas = repo
    out = built(root)
    data = json.loads((out / "timeline.json").read_bytes())
    assert data["version"] == JSON_VERSION  # the file format's version, unchanged
    assert data["dataset_version"] == {"commit": shas[3], "short": shas[3][:7],
                                       "date": "2024-07-08T12:00:00+00:00"}
    assert (f'Version <code>{shas[3][:7]}</code> of <time datetime="2024-07-08T12:00:00+00:00">'
            '8 July 2024</time>') in (out / "index.html").read_text(encoding="utf-8")
    # SITEGEN_COMMIT is honoured (another commit of the repository: its own date) ...
    data = json.loads((built(root, env={"SITEGEN_COMMIT": shas[1]}) / "timeline.json")
                      .read_bytes())
    assert data["dataset_version"]["commit"] == shas[1]
    assert data["dataset_version"]["date"] == "2024-03-04T09:30:00+01:00"
    monkeypatch.setenv("SITEGEN_COMMIT", shas[0][:10])  # ... also through the function
    got = dataset_version(load_config(root))
    assert got is not None and (got.commit, got.date) == (shas[0], "2024-01-02T10:00:00+00:00")


def test_the_same_commit_gives_the_same_bytes_wherever_it_is_checked_out(
        repo: tuple[Path, list[str]], tmp_path: Path) -> None:
    root, _ = repo
    first = tree(built(root))
    clone = tmp_path / "elsewhere" / "site"
    clone.parent.mkdir()
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})
    os.utime(clone / ENTRIES / "1994-partnership.md", (1, 1))  # other file times
    assert tree(built(clone)) == first
    assert tree(built(root)) == first


def test_outside_git_the_history_is_omitted_and_check_says_why(tmp_path: Path) -> None:
    root = plain_site(tmp_path)
    out = built(root)
    page = (out / "entries/2019-treaty-ends/index.html").read_text(encoding="utf-8")
    assert "Revision history" not in page and "Recent changes" not in page
    assert not (out / "changes").exists() and not (out / "changes.xml").exists()
    assert json.loads((out / "timeline.json").read_bytes())["dataset_version"] is None
    done = cli(root, "check", "--strict")  # a notice, not a warning: --strict passes
    assert ("notice: revision history omitted from entry pages: the content folder is not "
            "in a Git repository") in done.stderr
    # SITEGEN_COMMIT still names the version, without a date
    data = json.loads((built(root, env={"SITEGEN_COMMIT": "ABCDEF1234567"}) / "timeline.json")
                      .read_bytes())
    assert data["dataset_version"] == {"commit": "abcdef1234567", "short": "abcdef1",
                                       "date": None}


def test_in_a_shallow_clone_the_history_is_omitted_and_check_says_why(
        repo: tuple[Path, list[str]], tmp_path: Path) -> None:
    root, shas = repo
    shallow = tmp_path / "shallow" / "site"
    shallow.parent.mkdir()
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(shallow)],
                   check=True, env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})
    out = built(shallow)
    assert "Revision history" not in (out / "entries/2019-treaty-ends/index.html").read_text()
    assert not (out / "changes").exists()
    # the commit built is still known
    assert json.loads((out / "timeline.json").read_bytes())["dataset_version"]["commit"] \
        == shas[3]
    done = cli(shallow, "check")
    assert "notice: revision history omitted from entry pages: the repository is a shallow " \
           "clone" in done.stderr and "fetch-depth: 0" in done.stderr


def test_without_git_installed_the_history_is_omitted(repo: tuple[Path, list[str]],
                                                      tmp_path: Path) -> None:
    root, _ = repo
    bare_path = tmp_path / "no-git-here"
    bare_path.mkdir()
    out = built(root, env={"PATH": str(bare_path)})
    assert "Revision history" not in (out / "entries/2019-treaty-ends/index.html").read_text()
    assert json.loads((out / "timeline.json").read_bytes())["dataset_version"] is None
    done = cli(root, "check", env={"PATH": str(bare_path)})
    assert "revision history omitted from entry pages: git is not installed" in done.stderr


def test_the_whole_history_is_read_with_a_few_git_processes(repo: tuple[Path, list[str]],
                                                            tmp_path: Path) -> None:
    """Not one process per entry: a git on PATH that logs each call sees three."""
    root, _ = repo
    for i in range(40):
        text = (root / ENTRIES / "1994-partnership.md").read_text(encoding="utf-8")
        (root / ENTRIES / f"2001-{i:02d}-added.md").write_text(
            text.replace("date: 1994", f"date: 2001-01-{i % 28 + 1:02d}"), encoding="utf-8")
    commit(root, "Forty more entries", "2024-08-01T00:00:00+00:00")
    shim = tmp_path / "shim"
    shim.mkdir()
    log = tmp_path / "git-calls.log"
    (shim / "git").write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {shutil.which("git")} "$@"\n')
    (shim / "git").chmod(0o755)
    out = built(root, env={"PATH": f"{shim}:{os.environ['PATH']}", "SITEGEN_JOBS": "2"})
    assert len(revisions(out / "entries/2001-39-added/index.html")) == 1
    calls = log.read_text().splitlines()
    assert len(calls) == 3, calls
    assert sum(" log " in f" {c} " and "--name-status" in c for c in calls) == 1


def test_git_output_past_its_bound_omits_the_history(repo: tuple[Path, list[str]],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = repo
    monkeypatch.setattr(history, "MAX_OUTPUT", 100)
    got = read_history(load_config(root))
    assert not got.available and "more than 100 bytes" in got.reason


@pytest.fixture
def fast_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SITEGEN_COMMIT", raising=False)
    monkeypatch.setattr(engine_tree, "SPARE_MIN_OUTPUTS", 0)
    monkeypatch.setattr(workers, "MIN_BATCH", 2)
    monkeypatch.setenv("SITEGEN_JOBS", "2")


@pytest.mark.parametrize("touches", ["an-entry", "nothing-of-the-content"])
def test_a_build_after_a_new_commit_equals_a_cold_build(
        repo: tuple[Path, list[str]], tmp_path: Path, fast_paths: None, touches: str) -> None:
    """test_warm_equals_cold.py's way: the preview's builder kept in memory and a new
    builder reading .cache/, each compared with a cold build after a commit."""
    root, _ = repo
    serve = Rebuilder(load_config(root), tmp_path / "preview")
    assert serve.rebuild().ok
    build(load_config(root))
    assert tree(root / "output") == cold(root, tmp_path)
    if touches == "an-entry":
        edit(root / ENTRIES / "2022-01-12-second.md", "title: ", "title: Also ")
    else:
        (root / "NOTES.txt").write_text("more notes\n", encoding="utf-8")
    commit(root, f"A commit touching {touches}", "2024-09-10T08:00:00+00:00")
    outcome = serve.rebuild([root / "content"])
    assert outcome.ok, outcome.error
    assert tree(tmp_path / "preview") == cold(root, tmp_path, drafts=True)
    result = build(load_config(root))  # a new process: reads .cache/
    assert tree(root / "output") == cold(root, tmp_path)
    if touches == "an-entry":
        assert revisions(root / "output/entries/2022-01-12-second/index.html")[0][0] == \
            "2024-09-10T08:00:00+00:00"
        assert "entries/2022-01-12-second/index.html" in result.rendered
    assert "changes.xml" in result.rendered or touches != "an-entry"
    assert build(load_config(root)).rendered == []  # and once more, nothing changed


def test_the_preview_asks_git_again_only_once_the_repository_moved(
        repo: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each Git process cost the preview 5-15 ms on every save; a save changes no commit.
    A commit (or checkout) moves the repository's refs: then Git is asked again."""
    root, _ = repo
    calls: list[str] = []
    run_git = history.run_git

    def counted(args: list[str], *rest: object, **kw: object) -> bytes:
        calls.append(args[0])
        return run_git(args, *rest, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(history, "run_git", counted)
    monkeypatch.delenv("SITEGEN_COMMIT", raising=False)
    serve = Rebuilder(load_config(root), tmp_path / "preview")
    assert serve.rebuild().ok
    asked = len(calls)
    assert asked >= 2
    entry = root / ENTRIES / "2022-01-12-second.md"
    edit(entry, "title: ", "title: Saved, ")
    assert serve.rebuild([entry]).ok
    assert len(calls) == asked  # a save: Git not asked
    sha = commit(root, "A commit during the preview", "2024-09-10T08:00:00+00:00")
    assert serve.rebuild([root / "content"]).ok
    assert len(calls) > asked
    page = (tmp_path / "preview" / "entries/2022-01-12-second/index.html").read_text()
    assert sha[:7] in page and revisions(
        tmp_path / "preview" / "entries/2022-01-12-second/index.html")[0][0] == \
        "2024-09-10T08:00:00+00:00"
    git(root, "checkout", "-q", "HEAD~1")  # a checkout moves HEAD too
    assert serve.rebuild([root / "content"]).ok
    assert sha[:7] not in (tmp_path / "preview" / "entries/2022-01-12-second/index.html"
                           ).read_text()


def test_the_repository_stamp_never_opens_a_pipe(tmp_path: Path) -> None:
    """A `.git/HEAD` that is not a regular file (a pipe would block the preview for ever)
    gives no stamp: Git is asked each time instead, as for any layout not read here."""
    (tmp_path / ".git").mkdir()
    os.mkfifo(tmp_path / ".git" / "HEAD")
    (tmp_path / "content").mkdir()
    assert history.repository_stamp(tmp_path / "content") is None
    (tmp_path / ".git" / "HEAD").unlink()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    assert history.repository_stamp(tmp_path / "content") is not None
