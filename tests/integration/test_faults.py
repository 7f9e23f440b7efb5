"""Faults: a build killed at any point, a full disk or a read-only folder never loses the site.

The killed builds are real processes ended with SIGKILL: either at a chosen step (a small
wrapper kills the process from inside, so the stage is exact) or from outside while a slow
template holds the build mid-render. Afterwards output/ must be exactly the old site or
exactly the new one, and the next build must clean up whatever the killed one left.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import FIXTURES

from sitegen import cli
from sitegen.engine import tree

BUILD = ["build", "--no-search"]
# Runs the CLI after arranging to SIGKILL itself at one exact stage of the build.
KILLER = textwrap.dedent("""
    import os, shutil, signal, sys
    from sitegen import cli
    from sitegen.engine import tree
    plan, arg = sys.argv[1], sys.argv[2]

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    if plan == "write":  # before the n-th file is written into the temporary folder
        count = [0]
        def counted(real):
            def write(folder, rel, data):
                count[0] += 1
                if count[0] == int(arg):
                    die()
                return real(folder, rel, data)
            return write
        tree.write_new = counted(tree.write_new)  # every write
    elif plan == "after-exchange":  # swapped in, the old site not yet deleted
        real_rmtree = shutil.rmtree
        def rmtree(path, *a, **k):
            if ".output.tmp-" in str(path):
                die()
            real_rmtree(path, *a, **k)
        shutil.rmtree = rmtree
    elif plan == "between-renames":  # no renameat2: old site moved away, new not yet in
        tree.exchange = lambda a, b: False
        real_rename = os.rename
        def rename(a, b):
            real_rename(a, b)
            if ".output.old-" in str(b):
                die()
        os.rename = rename
    sys.exit(cli.main(sys.argv[3:]))
""")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if p.name.startswith(".output."))


def change_content(site: Path) -> None:
    """Edit the site so that the next build differs from the last."""
    path = site / "content/entries/1994-partnership.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "A partnership begins", "A partnership begins (revised)"), encoding="utf-8")


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The fixture's output before and after change_content (built once)."""
    site = shutil.copytree(FIXTURES / "basic", tmp_path_factory.mktemp("versions") / "site")
    assert cli.main(["-C", str(site), *BUILD]) == 0
    old = snapshot(site / "output")
    change_content(site)
    assert cli.main(["-C", str(site), *BUILD]) == 0
    new = snapshot(site / "output")
    assert old != new
    return old, new


@pytest.fixture
def site(tmp_path: Path, versions: tuple[dict[str, bytes], dict[str, bytes]]) -> Path:
    """The fixture with the old site built into output/ and the content already changed."""
    root = shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    assert cli.main(["-C", str(root), *BUILD]) == 0
    assert snapshot(root / "output") == versions[0]
    change_content(root)
    return root


def killed_build(site: Path, plan: str, arg: str = "0") -> int:
    proc = subprocess.run([sys.executable, "-c", KILLER, plan, arg, "-C", str(site), *BUILD],
                          capture_output=True, text=True, timeout=60)
    return proc.returncode


def assert_next_build_recovers(site: Path, new: dict[str, bytes]) -> None:
    assert cli.main(["-C", str(site), *BUILD]) == 0
    assert snapshot(site / "output") == new
    assert leftovers(site) == []


@pytest.mark.parametrize("n", [1, 2, 8, 13])  # the build writes 14 files (the rest is kept)
def test_killed_while_writing_leaves_the_old_site(site: Path, versions, n: int) -> None:  # type: ignore[no-untyped-def]
    old, new = versions
    assert n < len(new)
    assert killed_build(site, "write", str(n)) == -signal.SIGKILL
    assert snapshot(site / "output") == old
    assert leftovers(site) != []  # the half-written temporary folder
    assert_next_build_recovers(site, new)


def test_killed_after_the_swap_leaves_the_new_site(site: Path, versions) -> None:  # type: ignore[no-untyped-def]
    old, new = versions
    assert killed_build(site, "after-exchange") == -signal.SIGKILL
    assert snapshot(site / "output") == new
    (tmp,) = [site / name for name in leftovers(site)]
    assert snapshot(tmp) == old  # the previous site, not yet deleted
    assert_next_build_recovers(site, new)


def test_killed_between_fallback_renames_is_restored(site: Path, versions) -> None:  # type: ignore[no-untyped-def]
    old, new = versions
    assert killed_build(site, "between-renames") == -signal.SIGKILL
    assert not (site / "output").exists()  # the one window the fallback cannot close
    saved = [site / n for n in leftovers(site) if n.startswith(".output.old-")]
    assert len(saved) == 1 and snapshot(saved[0]) == old
    assert_next_build_recovers(site, new)


def test_killed_from_outside_mid_render(site: Path, versions) -> None:  # type: ignore[no-untyped-def]
    """SIGKILL from another process while a slow template holds the build mid-render."""
    old, new = versions
    entry = site / "templates/entry.html"
    slow = "{% for _ in range(400000) %}{% endfor %}"
    entry.write_text(entry.read_text(encoding="utf-8").replace(
        "{% block main %}", "{% block main %}" + slow, 1), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", "-C", str(site), *BUILD],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = 0
    deadline = time.monotonic() + 30
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            tmp = [site / n for n in leftovers(site) if n.startswith(".output.tmp-")]
            seen = sum(1 for p in tmp[0].rglob("*") if p.is_file()) if tmp else 0
            if seen >= 3:  # the marker, 404, home page… and now inside the entry pages
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
    finally:
        proc.kill()
        proc.wait()
    assert seen >= 3, "the build finished before it could be killed"
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(site / "output") == old
    entry.write_text(entry.read_text(encoding="utf-8").replace(slow, ""), encoding="utf-8")
    assert_next_build_recovers(site, new)


@pytest.mark.parametrize(("code", "reason"), [
    (errno.ENOSPC, "the disk is full"), (errno.EROFS, "the file system is read-only"),
    (errno.EDQUOT, "the disk quota is exceeded"), (errno.EIO, "Input/output error"),
])
def test_write_errors_keep_the_old_site(site: Path, versions, code: int, reason: str,  # type: ignore[no-untyped-def]
                                        monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    old, _ = versions
    real_open, calls = open, [0]

    def failing_open(path, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        calls[0] += 1
        if calls[0] > 5:
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(tree, "open", failing_open, raising=False)
    assert cli.main(["-C", str(site), *BUILD]) == 1
    err = capsys.readouterr().err
    assert f"{site / 'output'}: cannot write " in err and reason in err, err
    assert "hint: the previous site was left as it was" in err and "Traceback" not in err
    assert snapshot(site / "output") == old
    assert leftovers(site) == []


def test_a_failing_swap_keeps_the_old_site(site: Path, versions,  # type: ignore[no-untyped-def]
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    old, _ = versions

    def refuse(a: Path, b: Path) -> bool:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(a))

    monkeypatch.setattr(tree, "exchange", refuse)
    assert cli.main(["-C", str(site), *BUILD]) == 1
    err = capsys.readouterr().err
    assert "cannot replace the output folder: permission denied" in err, err
    assert snapshot(site / "output") == old and leftovers(site) == []


def test_a_second_build_waits_for_the_first(site: Path, versions) -> None:  # type: ignore[no-untyped-def]
    """Two builds at once (say `serve` and `build`) must not delete each other's work."""
    _, new = versions
    protected = [site, site / "content", site / "templates"]
    with tree.AtomicTree(site / "output", protected) as first:
        first.write("index.html", b"the first build")
        second = subprocess.Popen([sys.executable, "-m", "sitegen", "-C", str(site), *BUILD],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)  # a whole build takes well under a second here
        assert second.poll() is None, "the second build did not wait"
        assert (first.tmp / "index.html").read_bytes() == b"the first build"
    assert second.wait(timeout=60) == 0, second.stderr.read() if second.stderr else ""
    assert snapshot(site / "output") == new
    assert leftovers(site) == []


# A real small file system, mounted in a private mount namespace that dies with the process:
# nothing can leak into the host's mount table.
IN_NAMESPACE = textwrap.dedent("""
    import json, os, shutil, subprocess, sys
    src, mnt = sys.argv[1], sys.argv[2]
    def sh(*args):
        subprocess.run(args, check=True)
    def build():
        p = subprocess.run([sys.executable, "-m", "sitegen", "-C", site, "build", "--no-search"],
                           capture_output=True, text=True)
        return p.returncode, p.stderr
    def files():
        out = os.path.join(site, "output")
        return sorted(os.path.relpath(os.path.join(d, f), out)
                      for d, _, fs in os.walk(out) for f in fs)
    def used():
        st = os.statvfs(mnt)
        return (st.f_blocks - st.f_bfree) * st.f_frsize
    sh("mount", "--make-rprivate", "/")
    sh("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt)
    site = shutil.copytree(src, os.path.join(mnt, "site"))
    result = {"first": build(), "files": files()}
    before = used()
    out = os.path.join(site, "output")
    snap = {f: open(os.path.join(out, f), "rb").read().hex() for f in files()}
    # room for the sources and one site, not for the old and the new side by side (a
    # template edit: every page is made anew, none is kept)
    sh("mount", "-o", f"remount,size={before + (before // 8)}", mnt)
    with open(os.path.join(site, "templates/base.html"), "a") as fh:
        fh.write("<!-- edited -->\\n")
    result["full"] = build()
    result["full_same"] = snap == {f: open(os.path.join(out, f), "rb").read().hex()
                                   for f in files()}
    sh("mount", "-o", "remount,size=16m,ro", mnt)
    result["readonly"] = build()
    result["readonly_same"] = snap == {f: open(os.path.join(out, f), "rb").read().hex()
                                       for f in files()}
    result["left"] = sorted(n for n in os.listdir(site) if n.startswith(".output."))
    print(json.dumps(result))
""")


def _namespaces_allowed() -> bool:
    try:
        return subprocess.run(["unshare", "-m", "true"], capture_output=True,
                              timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.mark.skipif(not _namespaces_allowed(),
                    reason="needs a private mount namespace (root / CAP_SYS_ADMIN); the "
                           "monkeypatched write-error tests above cover the same paths")
def test_a_real_full_disk_and_read_only_mount(tmp_path: Path) -> None:
    src = shutil.copytree(FIXTURES / "basic", tmp_path / "src")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    proc = subprocess.run(["unshare", "-m", sys.executable, "-c", IN_NAMESPACE, str(src),
                           str(mnt)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["first"][0] == 0 and "index.html" in result["files"], result
    code, err = result["full"]
    assert code == 1 and "the disk is full" in err and "Traceback" not in err, err
    assert result["full_same"]
    code, err = result["readonly"]
    assert code == 1 and "read-only" in err and "Traceback" not in err, err
    assert result["readonly_same"]
    assert result["left"] == []
    assert list(mnt.iterdir()) == []  # the mount never existed outside the namespace
