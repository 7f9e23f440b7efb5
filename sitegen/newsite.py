"""`sitegen init DIR`: a new site from the starter files sitegen carries.

The starter (``sitegen/starter/``, package data) holds the settings, sample content, entry
archetype, editors' guide, pull-request template and publishing workflows. Names starting
with ``dot-`` are written with a leading dot (``dot-github`` → ``.github``): a ``.gitignore``
inside the package would apply to sitegen's own repository. Text files get the site's
title, language and base URL; ``constraints.txt`` is written from the versions of the
libraries this sitegen runs with, and ``requirements.txt`` names this sitegen when it was
installed from a public address.
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path

from sitegen import __version__
from sitegen.config import CONTROL_RE, normalise_base_url
from sitegen.errors import Problem, UsageError
from sitegen.packaged import starter

DISTRIBUTION = "sitegen-timeline"
TEXT_SUFFIXES = (".md", ".toml", ".txt")  # files whose tokens are filled in
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?[^;]*(?:;(.*))?")
_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")
_PLACEHOLDER_PIN = f"{DISTRIBUTION}[serve] @ git+https://github.com/OWNER/REPO@v{__version__}"


def init_site(target: Path, *, title: str | None = None, language: str = "en",
              base_url: str = "http://127.0.0.1:8000/", force: bool = False) -> list[Path]:
    """Write the starter site into ``target`` (created if missing); the files written.

    A folder that is not empty is refused unless ``force``; even then no existing file is
    replaced (it is kept, and left out of the list).
    """
    title = _title(title if title is not None else _title_from(target))
    if not _LANGUAGE.fullmatch(language):
        raise UsageError(problems=[Problem("--language", None, None,
                                           f"'{language}' is not a language tag",
                                           "write a BCP 47 tag such as en, fr or pt-BR")])
    base_url = normalise_base_url(base_url, "--base-url")
    if target.exists() and not target.is_dir():
        raise UsageError(problems=[Problem(str(target), None, None, "is not a folder",
                                           "give the name of a new folder")])
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(problems=[Problem(
            str(target), None, None, "is not empty",
            "choose a new or empty folder, or add --force to add the starter files to it "
            "(no existing file is replaced)")])
    tokens = {
        "@SITE_TITLE_TOML@": _toml_string(title),
        "@SITE_LANGUAGE_TOML@": _toml_string(language),
        "@SITE_BASE_URL_TOML@": _toml_string(base_url),
        "@SITE_TITLE@": title,
        "@SITEGEN_VERSION@": __version__,
    }
    files = dict(_starter_files(tokens))
    files[Path("constraints.txt")] = constraints_text().encode()
    pin = pinned_requirement()
    if pin is not None:
        files[Path("requirements.txt")] = files[Path("requirements.txt")].replace(
            _PLACEHOLDER_PIN.encode(), pin.encode())
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for rel, data in sorted(files.items()):
        path = target / rel
        _make_folders(target, rel.parent)
        try:  # 'x' never replaces a file and never follows a link at the name
            with open(path, "xb") as fh:
                fh.write(data)
        except FileExistsError:
            continue
        written.append(path)
    return written


def _title(title: str) -> str:
    title = " ".join(title.split())
    if not title or CONTROL_RE.search(title):
        raise UsageError(problems=[Problem("--title", None, None,
                                           "must be text on one line, without control "
                                           "characters", "e.g. --title \"Water talks\"")])
    return title


def _title_from(target: Path) -> str:
    """'my-water-talks' → 'My water talks'."""
    words = re.sub(r"[-_.]+", " ", target.resolve().name).strip()
    return words[:1].upper() + words[1:] if words else "Timeline"


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _starter_files(tokens: dict[str, str]) -> list[tuple[Path, bytes]]:
    """Every starter file as (path in the new site, bytes), tokens filled in."""
    root = starter()
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or any(p.startswith((".", "__")) for p in rel.parts):
            continue
        data = path.read_bytes()
        if path.suffix in TEXT_SUFFIXES and rel.parts[0] != "archetypes":
            text = data.decode("utf-8")
            for token, value in tokens.items():
                text = text.replace(token, value)
            data = text.encode("utf-8")
        named = Path(*("." + p[4:] if p.startswith("dot-") else p for p in rel.parts))
        found.append((named, data))
    return found


def _make_folders(target: Path, rel: Path) -> None:
    """Create ``target/rel`` folder by folder, refusing a link (a folder already there in a
    non-empty target could point anywhere)."""
    here = target
    for part in rel.parts:
        here = here / part
        if here.is_symlink():
            raise UsageError(problems=[Problem(str(here), None, None,
                                               "is a link: sitegen init writes only into "
                                               "real folders", "remove the link")])
        here.mkdir(exist_ok=True)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def constraints_text() -> str:
    """constraints.txt: the installed version of every library sitegen needs to build and
    preview (its requirements and theirs), so a site's workflows build with exactly these."""
    pins: dict[str, str] = {}
    todo = [(DISTRIBUTION, frozenset({"serve"}))]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if name != DISTRIBUTION:
            pins[_normal(dist.metadata["Name"])] = dist.version
        for requirement in dist.requires or []:
            m = _REQUIREMENT.match(requirement)
            if m is None:
                continue
            extra = _EXTRA.search(m.group(3) or "")
            if extra is not None and _normal(extra.group(1)) not in extras:
                continue
            wanted = frozenset(_normal(e) for e in (m.group(2) or "").split(",") if e.strip())
            todo.append((_normal(m.group(1)), wanted))
    lines = [
        "# The exact versions of the libraries the build uses, as installed with the sitegen",
        f"# that wrote this site ({DISTRIBUTION} {__version__}). The workflows install with",
        "# `-c constraints.txt`, so the published site changes only when the site does.",
        "# To update: install newer versions in .venv, run `sitegen check --strict --links`,",
        "# then set the versions here to those `python -P -m pip freeze` shows.",
    ]
    if not pins:
        lines.append(f"# ({DISTRIBUTION} was not installed as a package: nothing recorded)")
    lines.extend(f"{name}=={version}" for name, version in sorted(pins.items()))
    return "\n".join(lines) + "\n"


def pinned_requirement() -> str | None:
    """The requirement line naming this very sitegen, when it was installed from a public
    address (a git tag or commit, or a wheel's https address: PEP 610's direct_url.json),
    else None (requirements.txt then keeps its OWNER/REPO placeholder)."""
    try:
        raw = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
        info = json.loads(raw) if raw else None
    except (metadata.PackageNotFoundError, ValueError, OSError):
        return None
    if not isinstance(info, dict) or not str(info.get("url", "")).startswith("https://"):
        return None
    url = info["url"]
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        ref = vcs.get("requested_revision") or vcs.get("commit_id")
        return f"{DISTRIBUTION}[serve] @ git+{url}@{ref}" if ref else None
    if "archive_info" in info and url.endswith(".whl"):
        return f"{DISTRIBUTION}[serve] @ {url}"
    return None


__all__ = ["constraints_text", "init_site", "pinned_requirement"]
