"""Issue 17: the GitHub workflows give a pull request no secrets and no way to the live site.

GitHub Actions cannot run here, so these tests read the workflow files (PyYAML) and assert
the properties the threat model (SECURITY.md) relies on:

- no ``pull_request_target``; a pull request is built without secrets and never deployed;
- ``timeout-minutes`` on every job and least-privilege ``permissions`` per job (the top
  level grants nothing or ``contents: read``); only the Pages deploy job holds
  ``pages: write`` / ``id-token: write``, and it runs no code of the checkout;
- ``actions/checkout`` never leaves the token in ``.git/config`` (persist-credentials);
- ``sitegen verify-output`` checks the built site before it is uploaded;
- the official actions at their Node 24 majors;
- every ``python -m`` runs with ``-P`` or ``-I`` (a ``pip/`` folder in the checkout would
  otherwise be imported);
- no ``${{ github.event… }}`` inside a shell script (branch names and titles are the
  attacker's text: they go through environment variables);
- changes outside ``content/**`` from forks are labelled for a maintainer by a job that
  reads only metadata from the GitHub API: it checks out and runs nothing of the PR.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
MAJORS = {  # the Node 24 majors of the official actions
    "actions/checkout": "v7",
    "actions/setup-python": "v7",
    "actions/configure-pages": "v6",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
}
LABEL = "needs maintainer review"


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def triggers(workflow: dict[str, Any]) -> set[str]:
    on = workflow["on"]
    return {on} if isinstance(on, str) else set(on)


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps") or [])


def uses(step: dict[str, Any]) -> tuple[str, str]:
    name, _, version = str(step.get("uses", "")).partition("@")
    return name, version


ALL = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
PARSED = {p.name: load(p) for p in ALL}
JOBS = [(name, job_id, job) for name, wf in PARSED.items()
        for job_id, job in wf["jobs"].items()]


def job_ids(jobs: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    return [f"{name}:{job_id}" for name, job_id, _ in jobs]


def test_the_expected_workflows_exist() -> None:
    assert {"pages.yml", "pull-request.yml"} <= set(PARSED)
    assert any("pull_request" in triggers(wf) for wf in PARSED.values())


@pytest.mark.parametrize("name", sorted(PARSED))
def test_no_workflow_runs_on_pull_request_target(name: str) -> None:
    assert "pull_request_target" not in triggers(PARSED[name])


@pytest.mark.parametrize("name", sorted(PARSED))
def test_top_level_permissions_grant_at_most_reading_the_code(name: str) -> None:
    assert "permissions" in PARSED[name], "no top-level permissions: the default is broad"
    assert PARSED[name]["permissions"] in ({}, {"contents": "read"})


@pytest.mark.parametrize(("name", "job_id", "job"), JOBS, ids=job_ids(JOBS))
def test_every_job_has_a_timeout_and_its_own_least_permissions(
    name: str, job_id: str, job: dict[str, Any]
) -> None:
    assert isinstance(job.get("timeout-minutes"), int) and 0 < job["timeout-minutes"] <= 60
    perms = job.get("permissions")
    assert isinstance(perms, dict), "each job names the permissions it needs"
    assert set(perms.values()) <= {"read", "write", "none"}
    writes = {k for k, v in perms.items() if v == "write"}
    if writes & {"pages", "id-token"}:  # only the Pages deploy job
        assert name == "pages.yml" and job_id == "deploy"
        assert writes == {"pages", "id-token"}
    assert writes <= {"pages", "id-token", "pull-requests"}


def test_only_the_deploy_job_can_publish_and_it_runs_no_checked_out_code() -> None:
    pages = PARSED["pages.yml"]
    assert triggers(pages) <= {"push", "workflow_dispatch"}
    assert pages["on"]["push"]["branches"] == ["main"]
    deploy = pages["jobs"]["deploy"]
    assert deploy["needs"] == "build" or deploy["needs"] == ["build"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [uses(s)[0] for s in steps(deploy)] == ["actions/deploy-pages"]
    assert not any("run" in s for s in steps(deploy))


@pytest.mark.parametrize("name", sorted(PARSED))
def test_pull_requests_get_no_secrets_and_are_never_deployed(name: str) -> None:
    workflow = PARSED[name]
    if "pull_request" not in triggers(workflow):
        return
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    assert "secrets." not in text and "secrets[" not in text
    for job in workflow["jobs"].values():
        assert "environment" not in job
        assert all(v != "write" for v in job["permissions"].values())
        for step in steps(job):
            assert uses(step)[0] not in ("actions/deploy-pages", "actions/upload-pages-artifact",
                                         "actions/configure-pages")


@pytest.mark.parametrize(("name", "job_id", "job"), JOBS, ids=job_ids(JOBS))
def test_checkout_never_keeps_the_token_and_actions_are_current(
    name: str, job_id: str, job: dict[str, Any]
) -> None:
    for step in steps(job):
        action, version = uses(step)
        if action == "actions/checkout":
            assert (step.get("with") or {}).get("persist-credentials") is False
        if action.startswith("actions/"):
            assert MAJORS.get(action) == version, f"{action}@{version}"


def run_scripts(job: dict[str, Any]) -> list[str]:
    return [str(s["run"]) for s in steps(job) if "run" in s]


PYTHON_M = re.compile(r"\bpython[\d.]*((?:\s+-[A-Za-z]+)*)\s+-m\b")


@pytest.mark.parametrize(("name", "job_id", "job"), JOBS, ids=job_ids(JOBS))
def test_scripts_import_nothing_from_the_checkout_and_quote_no_event_text(
    name: str, job_id: str, job: dict[str, Any]
) -> None:
    for script in run_scripts(job):
        for flags in PYTHON_M.findall(script):
            assert "P" in flags or "I" in flags, script
        assert "${{ github.event" not in script and "github.head_ref" not in script, script


def _position(job: dict[str, Any], pred: Any) -> int:
    found = [i for i, s in enumerate(steps(job)) if pred(s)]
    assert found, "step not found"
    return found[0]


def test_the_pages_output_is_verified_after_the_build_and_before_the_upload() -> None:
    build = PARSED["pages.yml"]["jobs"]["build"]
    built = _position(build, lambda s: "sitegen build" in str(s.get("run", "")))
    verified = _position(build, lambda s: re.search(r"sitegen verify-output\s+_site\b",
                                                      str(s.get("run", ""))))
    uploaded = _position(build, lambda s: uses(s)[0] == "actions/upload-pages-artifact")
    assert built < verified < uploaded
    assert "--output _site" in str(steps(build)[built]["run"])
    assert (steps(build)[uploaded].get("with") or {}).get("path") == "_site"


def test_a_pull_request_is_built_and_verified_but_uploads_nothing() -> None:
    pr = PARSED["pull-request.yml"]
    assert triggers(pr) == {"pull_request"}
    build = pr["jobs"]["build"]
    built = _position(build, lambda s: "sitegen build" in str(s.get("run", "")))
    verified = _position(build, lambda s: "sitegen verify-output" in str(s.get("run", "")))
    assert built < verified
    assert not any("upload" in uses(s)[0] for s in steps(build))


def test_changes_outside_content_from_forks_are_labelled_from_metadata_only() -> None:
    labellers = [(name, job) for name, _, job in JOBS
                 if (job.get("permissions") or {}).get("pull-requests") == "write"]
    assert labellers, "no job labels pull requests"
    for name, job in labellers:
        workflow = PARSED[name]
        assert triggers(workflow) <= {"workflow_run", "pull_request"}
        assert not any(uses(s)[0] == "actions/checkout" for s in steps(job))
        assert all(not uses(s)[0] for s in steps(job)), "no action runs in the labelling job"
        script = "\n".join(run_scripts(job))
        ran = re.findall(r"\b(sitegen|make|pip3?|python[\d.]*|git|npm|npx|bash|source)\b|\./",
                         script)
        assert not ran, f"the labelling job runs {ran}"
        assert "gh api" in script and "content/" in script and LABEL in str(job)
        if "workflow_run" in triggers(workflow):  # forks only: their head is another repo
            assert "head_repository.full_name != github.repository" in job["if"]
