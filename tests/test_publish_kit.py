"""The publishing kit (issue 20): a reusable GitHub Pages workflow any site's repository can
call, `.github/workflows/publish-site.yml`, and the callers a site copies from
docs/workflows/.

Actions cannot run here, so these tests read the files (PyYAML) and assert what GitHub and
the threat model (SECURITY.md, issue 17) rely on:

- the reusable workflow runs on `workflow_call` only, grants nothing at the top level, and
  its one job holds `contents: read` and nothing else, so that a pull request's caller
  (and a fork's read-only token) can call it: GitHub checks every nested job's permissions
  against the caller's grant when the run starts, before any `if:` (actions/runner#4151);
- the same hardening as the repository's and the starter's workflows: timeouts, checkout
  without a kept token and with the full history, official actions at their Node 24
  majors, `python -P -m pip`, the build's libraries pinned by a constraints file, no
  secrets, no `${{ }}` inside a script (inputs reach scripts through the environment);
- `sitegen check --strict --links --format github`, then the build, then
  `sitegen verify-output`, then (on a push only, when asked) the Pages upload;
- the callers: on a pull request only `contents: read`, nothing uploaded or deployed; on a
  push to main a deploy job that alone holds `pages: write` / `id-token: write` and runs
  nothing of the checkout; each caller grants what the called workflow asks for;
- the starter workflows `sitegen init` writes stay standalone (README says why) and run
  the same commands.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from test_trust_workflows import MAJORS, PYTHON_M, load, steps, triggers, uses

from sitegen.packaged import starter

REUSABLE = ROOT / ".github" / "workflows" / "publish-site.yml"
CALLERS = ROOT / "docs" / "workflows"
STARTER = starter() / "dot-github" / "workflows"
KIT = load(REUSABLE)
CALLER = {p.name: load(p) for p in sorted(CALLERS.glob("*.yml"))}
USES = re.compile(r"OWNER/REPO/\.github/workflows/publish-site\.yml@TAG")


def position(job: dict[str, Any], pattern: str) -> int:
    found = [i for i, s in enumerate(steps(job))
             if re.search(pattern, str(s.get("run", "")) + str(s.get("uses", "")))]
    assert found, pattern
    return found[0]


def nested_permissions(workflow: dict[str, Any]) -> dict[str, str]:
    """The most any job of a called workflow asks for (what GitHub checks at start-up)."""
    out: dict[str, str] = {}
    for job in workflow["jobs"].values():
        for scope, level in (job.get("permissions") or {}).items():
            if out.get(scope) != "write":
                out[scope] = level
    return out


def grants(given: dict[str, str], wanted: dict[str, str]) -> bool:
    rank = {"none": 0, "read": 1, "write": 2}
    return all(rank[given.get(scope, "none")] >= rank[level] for scope, level in wanted.items())


# --- the reusable workflow ---------------------------------------------------------------

def test_the_kit_is_a_reusable_workflow_with_the_inputs_a_site_sets() -> None:
    assert triggers(KIT) == {"workflow_call"}
    inputs = KIT["on"]["workflow_call"]["inputs"]
    assert {"sitegen", "site", "constraints", "python-version", "base-url", "upload"} <= set(inputs)
    assert inputs["upload"] == {**inputs["upload"], "type": "boolean", "default": False}
    assert inputs["site"]["default"] == "." and inputs["constraints"]["default"] == \
        "constraints.txt"
    assert "secrets" not in KIT["on"]["workflow_call"]


def test_the_kit_asks_for_contents_read_only_so_a_pull_request_can_call_it() -> None:
    assert KIT["permissions"] == {}
    assert list(KIT["jobs"]) == ["build"]
    job = KIT["jobs"]["build"]
    assert job["permissions"] == {"contents": "read"}
    assert nested_permissions(KIT) == {"contents": "read"}
    assert isinstance(job["timeout-minutes"], int) and 0 < job["timeout-minutes"] <= 30
    assert "environment" not in job
    for step in steps(job):
        assert uses(step)[0] not in ("actions/deploy-pages", "actions/configure-pages")


def test_the_kit_keeps_the_hardening() -> None:
    text = REUSABLE.read_text(encoding="utf-8")
    assert "pull_request_target:" not in text and "secrets." not in text
    job = KIT["jobs"]["build"]
    for step in steps(job):
        action, version = uses(step)
        if action == "actions/checkout":
            assert step["with"]["persist-credentials"] is False
            assert step["with"]["fetch-depth"] == 0
        if action.startswith("actions/"):
            assert MAJORS[action] == version, action
        script = str(step.get("run", ""))
        assert "${{" not in script, script  # inputs come in through the environment
        for flags in PYTHON_M.findall(script):
            assert "P" in flags, script
    assert {k: v for k, v in job["env"].items()} == {
        "SITEGEN": "${{ inputs.sitegen }}", "SITE": "${{ inputs.site }}",
        "CONSTRAINTS": "${{ inputs.constraints }}", "BASE_URL": "${{ inputs.base-url }}"}


def test_the_kit_installs_the_pins_checks_builds_verifies_then_uploads() -> None:
    job = KIT["jobs"]["build"]
    checkout = position(job, r"actions/checkout")
    pinned = position(job, r"OWNER/REPO")  # stops with a message until the pin is set
    missing = position(job, r'! -f "\$SITE/\$CONSTRAINTS"')  # no constraints file: stop
    install = position(job, r"python -P -m pip install")
    check = position(job, r'sitegen -C "\$SITE" check --strict --links --format github')
    build = position(job, r'sitegen -C "\$SITE" build --strict')
    verify = position(job, r'sitegen verify-output "\$GITHUB_WORKSPACE/_site"')
    upload = position(job, r"actions/upload-pages-artifact")
    assert checkout < missing == pinned < install < check < build < verify < upload
    script = str(steps(job)[install]["run"])
    assert script.count('-c "$SITE/$CONSTRAINTS"') == 2  # both ways of naming sitegen
    assert "SOURCE_DATE_EPOCH" in str(steps(job)[build]["run"])
    assert str(steps(job)[build]["run"]).count('--output "$GITHUB_WORKSPACE/_site"') == 2
    step = steps(job)[upload]
    assert step["with"] == {"path": "_site", "include-hidden-files": True}
    assert "inputs.upload" in step["if"] and "github.event_name != 'pull_request'" in step["if"]


# --- the callers a site copies -------------------------------------------------------------

def test_the_callers_exist_and_call_the_kit_by_a_documented_placeholder() -> None:
    assert set(CALLER) == {"pages.yml", "pull-request.yml"}
    for name, workflow in CALLER.items():
        callers = [j for j in workflow["jobs"].values() if "uses" in j]
        assert len(callers) == 1, name
        assert USES.fullmatch(callers[0]["uses"]), callers[0]["uses"]
        text = (CALLERS / name).read_text(encoding="utf-8")
        assert "OWNER/REPO" in text.split("\nname:")[0] and "TAG" in text.split("\nname:")[0]


@pytest.mark.parametrize("name", ["pages.yml", "pull-request.yml"])
def test_each_caller_grants_what_the_kit_asks_and_passes_known_inputs_only(name: str) -> None:
    workflow = CALLER[name]
    assert "pull_request_target" not in triggers(workflow)
    assert workflow["permissions"] == {}
    inputs = set(KIT["on"]["workflow_call"]["inputs"])
    for job in workflow["jobs"].values():
        assert isinstance(job.get("permissions"), dict), "each job names what it needs"
        if "uses" in job:
            assert grants(job["permissions"], nested_permissions(KIT))
            assert set(job.get("with") or {}) <= inputs
            assert "secrets" not in job  # nothing is passed on, `inherit` least of all
            assert "timeout-minutes" not in job  # GitHub refuses it on a calling job
        else:
            assert isinstance(job["timeout-minutes"], int) and 0 < job["timeout-minutes"] <= 30
            for step in steps(job):
                action, version = uses(step)
                assert action != "actions/checkout"  # no caller job runs the checkout
                if action.startswith("actions/"):
                    assert MAJORS[action] == version, action


def test_a_pull_request_gets_contents_read_only_and_nothing_is_uploaded() -> None:
    pr = CALLER["pull-request.yml"]
    assert triggers(pr) == {"pull_request"}
    assert pr["name"] == load(STARTER / "pull-request.yml")["name"]  # the label workflow's
    text = (CALLERS / "pull-request.yml").read_text(encoding="utf-8")
    assert "secrets" not in text.split("\nname:", 1)[1]
    for job in pr["jobs"].values():
        assert job["permissions"] == {"contents": "read"} and "environment" not in job
        assert not (job.get("with") or {}).get("upload", False)


def test_a_push_to_main_is_deployed_by_the_one_job_that_can_publish() -> None:
    pages = CALLER["pages.yml"]
    assert triggers(pages) == {"push", "workflow_dispatch"}
    assert pages["on"]["push"]["branches"] == ["main"]
    assert pages["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    jobs = pages["jobs"]
    assert jobs["configure"]["permissions"] == {"pages": "read"}
    assert [uses(s)[0] for s in steps(jobs["configure"])] == ["actions/configure-pages"]
    build = jobs["build"]
    assert build["needs"] == "configure" and build["permissions"] == {"contents": "read"}
    assert build["with"]["upload"] is True
    assert build["with"]["base-url"] == "${{ needs.configure.outputs.base_url }}"
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [uses(s)[0] for s in steps(deploy)] == ["actions/deploy-pages"]
    assert not any("run" in s for s in steps(deploy))
    writers = [jid for jid, j in jobs.items() if "write" in (j.get("permissions") or {}).values()]
    assert writers == ["deploy"]


# --- the starter stays standalone, and says the same ---------------------------------------

def test_the_starter_workflows_stay_standalone_and_run_the_same_commands() -> None:
    kit = REUSABLE.read_text(encoding="utf-8")
    for name in ("pages.yml", "pull-request.yml"):
        text = (STARTER / name).read_text(encoding="utf-8")
        assert "publish-site.yml" not in text
        for command in ("check --strict --links --format github", "build --strict",
                        "verify-output", "python -P -m pip install -r", "fetch-depth: 0",
                        "persist-credentials: false", "SOURCE_DATE_EPOCH"):
            assert command in text and command in kit, (name, command)


def test_readme_documents_the_kit_and_the_choice() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Publishing", 1)[1].split("\n## ", 1)[0]
    assert "OWNER/REPO/.github/workflows/publish-site.yml@TAG" in section
    assert "docs/workflows/" in section and "standalone" in section
    assert "pull-request-label.yml" in section


def test_paths_the_kit_names_exist() -> None:
    assert Path(STARTER / "pull-request-label.yml").is_file()
