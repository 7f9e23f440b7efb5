"""Python-Markdown's own test suite, with sitegen's accelerator applied to every instance.

    python tools/markdown_suite.py [VERSION ...]

For the lowest and the newest Python-Markdown that pyproject.toml allows (or the versions
given), it fetches the source distribution (its tests/ folder is the suite), makes a
virtual environment under .cache/markdown-suite/ with that Markdown and the Pygments
version the suite's tox.ini names (so the code-highlighting tests run instead of skipping),
and runs the suite twice: stock, then with ``sitegen.accel.fastinline.speed_up`` applied to
every ``markdown.Markdown`` as it is made. Both runs must pass with the same tests; a test
may be skipped only for a reason Python-Markdown's suite gives itself (UPSTREAM_SKIPS: they
are skipped stock too). Environments and downloads are kept, so a second run only tests.

    python tools/markdown_suite.py --run SUITE_DIR [--stock]

is the runner used inside each environment.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "markdown-suite"

# Skips written into Python-Markdown's suite itself (known differences of stock
# Python-Markdown from other implementations, and legacy tests it excludes): these tests do
# not run with or without the accelerator, so they cannot tell the two apart.
UPSTREAM_SKIPS = {
    "This behaves as a loose list in Python-Markdown",
    "This is broken in Python-Markdown",
    "Excluded",
}


def run_suite(suite: Path, accelerate: bool) -> int:
    """Run the suite in ``suite`` (an unpacked sdist) in this interpreter; the exit code."""
    import markdown

    applied = [0]
    if accelerate:
        sys.path.insert(0, str(REPO))
        from sitegen.accel.fastinline import speed_up
        from sitegen.accel.gates import MARKDOWN

        if not MARKDOWN.admits(markdown.__version__):
            print(f"Python-Markdown {markdown.__version__} is outside the accelerator's gate "
                  f"(>={MARKDOWN.lowest}, <{MARKDOWN.below}): sitegen would not apply it")
            return 1
        stock_init = markdown.Markdown.__init__

        def init(self: markdown.Markdown, *args: object, **kwargs: object) -> None:
            stock_init(self, *args, **kwargs)
            speed_up(self)
            applied[0] += 1

        markdown.Markdown.__init__ = init  # type: ignore[method-assign]
    os.chdir(suite)
    tests = unittest.defaultTestLoader.discover("tests", top_level_dir=".")
    with open(os.devnull, "w") as sink:
        result = unittest.TextTestRunner(stream=sink, verbosity=0).run(tests)
    how = f"accelerated ({applied[0]} Markdown instances)" if accelerate else "stock"
    other_skips = [(str(test), reason) for test, reason in result.skipped
                   if reason not in UPSTREAM_SKIPS]
    print(f"Python-Markdown {markdown.__version__}, {how}: {result.testsRun} tests, "
          f"{len(result.failures)} failures, {len(result.errors)} errors, "
          f"{len(result.skipped) - len(other_skips)} skipped by the suite itself, "
          f"{len(other_skips)} other skips")
    for test, text in result.failures + result.errors:
        print(f"FAILED {test}\n{text}")
    for test, reason in other_skips:
        print(f"SKIPPED {test}: {reason}")
    problems = result.failures or result.errors or other_skips or (accelerate and not applied[0])
    return 1 if problems else 0


def pip(python: Path | str, *args: str) -> str:
    done = subprocess.run([str(python), "-I", "-m", "pip", *args], check=True,
                          capture_output=True, text=True)
    return done.stdout


def fetch_sdist(requirement: str) -> Path:
    """The newest source distribution of Python-Markdown meeting ``requirement``."""
    sdists = CACHE / "sdists"
    out = pip(sys.executable, "download", "--no-deps", "--no-binary", ":all:", "-d",
              str(sdists), requirement)
    names = re.findall(r"(markdown-[0-9][^/\s]*?\.tar\.gz)", out, re.I)
    if not names:
        raise SystemExit(f"no source distribution found for {requirement}:\n{out}")
    return sdists / names[-1]


def prepare(sdist: Path) -> tuple[Path, Path, str]:
    """(the unpacked suite, the Python of its environment, the Pygments version)."""
    version = re.sub(r"(?i)^markdown-|\.tar\.gz$", "", sdist.name)
    home = CACHE / version
    suite = home / "src"
    if not (suite / "tests").is_dir():
        home.mkdir(parents=True, exist_ok=True)
        with tarfile.open(sdist) as tar:
            tar.extractall(home, filter="data")
        (home / sdist.name.removesuffix(".tar.gz")).rename(suite)
    tox = (suite / "tox.ini").read_text(encoding="utf-8")
    pygments = re.search(r"PYGMENTS_VERSION\s*=\s*([0-9.]+)", tox)
    if pygments is None:
        raise SystemExit(f"{sdist.name}: tox.ini names no PYGMENTS_VERSION")
    venv = home / "venv"
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    if not stamp.is_file():
        subprocess.run([sys.executable, "-I", "-m", "venv", "--clear", str(venv)], check=True)
        pip(python, "install", "-q", f"markdown=={version}", f"pygments=={pygments.group(1)}",
            "pyyaml", "packaging")
        stamp.touch()
    return suite, python, pygments.group(1)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--run"]:
        return run_suite(Path(argv[1]), accelerate="--stock" not in argv)
    sys.path.insert(0, str(REPO / "tools"))
    from lower_bounds import lower_bounds, parse, requirements

    spec = next(r for r in requirements() if parse(r)[0] == "markdown").replace(" ", "")
    wanted = [f"markdown=={v}" for v in argv] or [
        f"markdown=={lower_bounds()['markdown']}", spec]  # the lowest, the newest allowed
    failed = 0
    for requirement in wanted:
        suite, python, pygments = prepare(fetch_sdist(requirement))
        env = {**os.environ, "PYGMENTS_VERSION": pygments}
        for mode in (["--stock"], []):
            done = subprocess.run([str(python), "-P", __file__, "--run", str(suite), *mode],
                                  env=env, check=False)
            failed |= done.returncode
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
