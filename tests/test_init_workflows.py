"""The workflows `sitegen init` writes: the same hardening as this repository's own
(tests/test_trust_workflows.py), plus what a site needs that only pins what it builds with.

Actions cannot run here: these tests read the workflow files and assert that
- nothing runs on ``pull_request_target``; the top level grants nothing; every job has a
  timeout and its own least permissions; only the Pages deploy job holds ``pages: write``
  and ``id-token: write``, and it runs nothing of the checkout;
- a pull request gets ``contents: read`` only, no secrets, no upload, no deploy;
- checkout keeps no token (``persist-credentials: false``) and fetches the full history;
- official actions at their Node 24 majors; every ``python -m`` with ``-P``;
- sitegen and its libraries are installed as the site pins them (requirements.txt,
  constraints.txt); ``sitegen check --strict --links --format github`` runs before the
  build, and ``sitegen verify-output`` after it and before any upload;
- no ``${{ github.event… }}`` inside a shell script.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.packaged import starter

WORKFLOWS = starter() / "dot-github" / "workflows"
MAJORS = {"actions/checkout": "v7", "actions/setup-python": "v7",
          "actions/configure-pages": "v6", "actions/upload-pages-artifact": "v5",
          "actions/deploy-pages": "v5"}


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data  # type: ignore[no-any-return]


PARSED = {p.name: load(p) for p in sorted(WORKFLOWS.glob("*.yml"))}
JOBS = [(name, job_id, job) for name, wf in PARSED.items() for job_id, job in wf["jobs"].items()]
IDS = [f"{name}:{job_id}" for name, job_id, _ in JOBS]


def triggers(workflow: dict[str, Any]) -> set[str]:
    on = workflow["on"]
    return {on} if isinstance(on, str) else set(on)


def uses(step: dict[str, Any]) -> tuple[str, str]:
    name, _, version = str(step.get("uses", "")).partition("@")
    return name, version


def position(job: dict[str, Any], pattern: str) -> int:
    found = [i for i, s in enumerate(job["steps"])
             if re.search(pattern, str(s.get("run", "")) + str(s.get("uses", "")))]
    assert found, pattern
    return found[0]


def test_init_writes_the_three_workflows() -> None:
    assert set(PARSED) == {"pages.yml", "pull-request.yml", "pull-request-label.yml"}


@pytest.mark.parametrize("name", sorted(PARSED))
def test_no_pull_request_target_and_nothing_granted_by_default(name: str) -> None:
    assert "pull_request_target" not in triggers(PARSED[name])
    assert PARSED[name]["permissions"] == {}


@pytest.mark.parametrize(("name", "job_id", "job"), JOBS, ids=IDS)
def test_every_job_is_bounded_and_least_privileged(name: str, job_id: str,
                                                   job: dict[str, Any]) -> None:
    assert isinstance(job["timeout-minutes"], int) and 0 < job["timeout-minutes"] <= 30
    writes = {k for k, v in job["permissions"].items() if v == "write"}
    if name == "pages.yml" and job_id == "deploy":
        assert job["permissions"] == {"pages": "write", "id-token": "write"}
        assert [uses(s)[0] for s in job["steps"]] == ["actions/deploy-pages"]
        assert not any("run" in s for s in job["steps"])
    elif name == "pull-request-label.yml":
        assert job["permissions"] == {"pull-requests": "write"}
        assert not any("uses" in s for s in job["steps"])  # reads metadata only
    else:
        assert writes == set()
    for step in job["steps"]:
        action, version = uses(step)
        if action == "actions/checkout":
            assert step["with"]["persist-credentials"] is False
            assert step["with"]["fetch-depth"] == 0
        if action.startswith("actions/"):
            assert MAJORS[action] == version, action
        script = str(step.get("run", ""))
        for flags in re.findall(r"\bpython[\d.]*((?:\s+-[A-Za-z]+)*)\s+-m\b", script):
            assert "P" in flags, script
        assert "${{ github.event" not in script and "github.head_ref" not in script


@pytest.mark.parametrize("name", ["pages.yml", "pull-request.yml"])
def test_the_build_installs_the_pinned_sitegen_checks_then_verifies(name: str) -> None:
    job = PARSED[name]["jobs"]["build"]
    install = position(job, r"pip install -r requirements\.txt -c constraints\.txt")
    pinned = position(job, r"OWNER/REPO")  # stops with a message until the pin is set
    check = position(job, r"sitegen check --strict --links --format github")
    build = position(job, r"sitegen build --strict .*--output _site")
    verify = position(job, r"sitegen verify-output _site")
    assert pinned < install < check < build < verify
    if name == "pages.yml":
        upload = position(job, r"actions/upload-pages-artifact")
        assert verify < upload
        assert job["steps"][upload]["with"] == {"path": "_site", "include-hidden-files": True}
        assert "SOURCE_DATE_EPOCH" in job["steps"][build]["run"]


def test_a_pull_request_is_checked_but_never_uploaded_or_deployed() -> None:
    pr = PARSED["pull-request.yml"]
    assert triggers(pr) == {"pull_request"}
    text = (WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8")
    assert "secrets." not in text
    for job in pr["jobs"].values():
        assert job["permissions"] == {"contents": "read"} and "environment" not in job
        assert not any(uses(s)[0] in ("actions/upload-pages-artifact", "actions/deploy-pages",
                                      "actions/configure-pages") for s in job["steps"])


def test_pages_publishes_only_from_main() -> None:
    pages = PARSED["pages.yml"]
    assert triggers(pages) == {"push", "workflow_dispatch"}
    assert pages["on"]["push"]["branches"] == ["main"]
    assert pages["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert pages["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}


def test_fork_pull_requests_beyond_content_are_labelled_from_metadata_only() -> None:
    label = PARSED["pull-request-label.yml"]
    assert triggers(label) == {"workflow_run"}
    assert label["on"]["workflow_run"]["workflows"] == [PARSED["pull-request.yml"]["name"]]
    job = label["jobs"]["label"]
    assert "head_repository.full_name != github.repository" in job["if"]
    script = "\n".join(str(s["run"]) for s in job["steps"])
    assert "gh api" in script and 'startswith("content/")' in script
    assert not re.findall(r"\b(sitegen|pip3?|python[\d.]*|git|make)\b", script)
