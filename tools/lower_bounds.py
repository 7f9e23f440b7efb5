"""The lower bound of every dependency in pyproject.toml, as pip constraints.

    python tools/lower_bounds.py            one "name==lower-bound" line per requirement
                                            that has one (main and optional dependencies)
    python tools/lower_bounds.py --spec N   the requirement for N as pyproject writes it
    python tools/lower_bounds.py --check    exit 1 unless every one is installed exactly

tools/lowest-versions.sh installs sitegen with these constraints, so the tests run with
every dependency at the lowest version pyproject.toml allows (MkDocs' "min-req" job).
Extras are dropped (pip refuses them in constraints); the extra's own packages are pinned
by the package that declares the extra (pagefind[bin] pins pagefind_bin to its version).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)")


def requirements() -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    found = list(project["dependencies"])
    for group in project.get("optional-dependencies", {}).values():
        found += group
    return found


def parse(requirement: str) -> tuple[str, list[str]]:
    """(normalised name, its version clauses such as ">=3.10")."""
    match = _REQUIREMENT.fullmatch(requirement.split(";")[0])
    if match is None:
        raise ValueError(f"cannot read the requirement {requirement!r}")
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    return name, [c.strip() for c in match.group(2).split(",") if c.strip()]


def lower_bounds() -> dict[str, str]:
    bounds: dict[str, str] = {}
    for requirement in requirements():
        name, clauses = parse(requirement)
        for clause in clauses:
            if clause.startswith(("==", "~=")):
                raise ValueError(f"{requirement}: give a range (>=, <), not a pin")
            if clause.startswith(">="):
                version = clause[2:].strip()
                if bounds.setdefault(name, version) != version:
                    raise ValueError(f"{name} has two lower bounds: {bounds[name]}, {version}")
    return bounds


def _release(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in re.findall(r"\d+", version.split("+")[0])]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def check() -> int:
    """Whether the running environment holds every dependency at its lower bound."""
    from importlib.metadata import PackageNotFoundError, version

    wrong = []
    for name, bound in sorted(lower_bounds().items()):
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "not installed"
        if installed == "not installed" or _release(installed) != _release(bound):
            wrong.append(f"{name}: {installed}, not {bound}")
    for line in wrong:
        print(f"lowest versions: {line}", file=sys.stderr)
    return 1 if wrong else 0


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        return check()
    if argv[:1] == ["--spec"] and len(argv) == 2:
        specs = {parse(r)[0]: r for r in requirements()}
        print(specs[parse(argv[1])[0]].replace(" ", ""))
        return 0
    for name, version in sorted(lower_bounds().items()):
        print(f"{name}=={version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
