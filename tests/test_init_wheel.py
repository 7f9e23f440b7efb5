"""Issue 20's first "done when", exactly as a new user would do it: in a new virtual
environment holding the built wheel (not this checkout), `sitegen init my-site && cd my-site
&& sitegen build && sitegen check --links --strict` succeeds with no file copied by hand.

Nothing is downloaded: the wheel is built offline (--no-build-isolation, with the test
environment's setuptools), and the new environment finds sitegen's dependencies through a
.pth file naming the test environment's site-packages; only the wheel is installed in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT

SOURCES = ("pyproject.toml", "README.md", "sitegen", "templates", "schema")
PIP_ENV = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def build_wheel(tmp_path: Path) -> Path:
    """The wheel of a clean copy of the sources (no build/ or egg-info of earlier builds)."""
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    wheels = tmp_path / "wheels"
    run([sys.executable, "-P", "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(wheels), str(src)], tmp_path, PIP_ENV)
    (wheel,) = wheels.glob("sitegen_timeline-*.whl")
    return wheel


@pytest.mark.slow
def test_init_build_and_check_from_the_wheel_in_a_new_environment(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    env_dir = tmp_path / "env"
    run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], tmp_path)
    python = env_dir / "bin" / "python"
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                   "['purelib'])"], tmp_path).strip()
    (Path(purelib) / "sitegen-test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([sys.executable, "-P", "-m", "pip", "--python", str(python), "install", "-q",
         "--no-deps", "--no-index", str(wheel)], tmp_path, PIP_ENV)
    located = run([str(python), "-P", "-c", "import sitegen; print(sitegen.__file__)"],
                  tmp_path)
    assert located.strip().startswith(purelib), "sitegen must come from the wheel"
    installed = Path(purelib) / "sitegen"
    for path in sorted(installed.rglob("*")):  # the generator knows no subject
        if path.is_file() and path.suffix != ".pyc":
            assert b"nato" not in path.read_bytes().lower(), path

    env = {**os.environ, "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "VIRTUAL_ENV": str(env_dir), "PYTHONPATH": "", "SITEGEN_DEBUG": ""}
    env.pop("SOURCE_DATE_EPOCH", None)
    run(["sitegen", "init", "my-site"], tmp_path, env)
    site = tmp_path / "my-site"
    assert not (site / "templates").exists()  # the packaged theme serves it
    run(["sitegen", "build"], site, env)
    assert (site / "output" / "index.html").is_file()
    assert (site / "output" / "schema" / "entry-frontmatter.schema.json").is_file()
    run(["sitegen", "check", "--links", "--strict"], site, env)
