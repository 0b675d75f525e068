"""The deploy workflow: tests first, Terraform checks on every PR, apply only from main.

No YAML parser is among the project's dependencies, so these read the workflow as text;
checkov (tests/infra/test_checkov.py) parses it and runs its GitHub Actions checks.
"""

from __future__ import annotations

import re

import pytest

from common.config import REPO_ROOT
from tests.infra.terraform import TerraformConfig

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "deploy.yml"


@pytest.fixture(scope="module")
def text() -> str:
    """The workflow file."""
    return WORKFLOW.read_text(encoding="utf-8")


def _position(text: str, needle: str) -> int:
    index = text.find(needle)
    assert index >= 0, f"the workflow never runs {needle!r}"
    return index


def test_runs_on_pull_requests_and_on_main(text: str) -> None:
    assert re.search(r"^on:\n(?:  .*\n)*  pull_request:", text, re.M)
    assert re.search(r"^  push:\n    branches: \[main\]", text, re.M)


def test_tests_pass_before_terraform_runs(text: str) -> None:
    assert _position(text, "run: make test") < _position(text, "needs: test")


def test_terraform_checks_run_in_order(text: str) -> None:
    steps = [
        "python -m scripts.package_functions",
        "terraform fmt -check",
        "terraform init",
        "terraform validate",
        "terraform plan -out=tfplan",
        "python -m common.migrate",
        "terraform apply tfplan",
        "python -m scripts.web_config",
        "gcloud storage rsync web",
    ]
    positions = [_position(text, step) for step in steps]
    assert positions == sorted(positions)


def test_migrations_apply_and_publish_only_from_main(text: str) -> None:
    gate = "if: github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    for step in ("name: Apply database migrations", "name: terraform apply", "name: Publish the chat page"):
        following = text[_position(text, step) :].splitlines()[1].strip()
        assert following == gate, f"{step} is not gated on main"


def test_authenticates_with_workload_identity_federation_only(text: str) -> None:
    assert "id-token: write" in text
    assert "google-github-actions/auth@" in text
    assert "workload_identity_provider:" in text
    assert "service_account:" in text
    assert "credentials_json" not in text
    assert "GOOGLE_APPLICATION_CREDENTIALS" not in text


def test_every_terraform_variable_without_a_default_is_passed(text: str) -> None:
    required = {name for name, body in TerraformConfig.load().variables.items() if "default" not in body}
    passed = set(re.findall(r"^\s+TF_VAR_(\w+):", text, re.M))
    assert required <= passed, f"variables CI never sets: {sorted(required - passed)}"
