"""checkov scans infra/ and the CI workflows clean: every finding is fixed or skipped inline with a reason.

checkov pins ``packaging<24``, which conflicts with the project's pins, so it lives in its own
virtualenv (``.venv-checkov``, pinned in requirements-checkov.txt). ``make test`` builds it
first; when pytest runs on its own the fixture builds it, so the scan is never skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from common.config import REPO_ROOT
from tests.infra.terraform import INFRA_DIR

CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"

# Building the virtualenv on first use takes about a minute.
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def checkov() -> Path:
    """The checkov binary of the project's separate virtualenv, built on first use."""
    if not CHECKOV.exists():
        subprocess.run(
            ["make", "--no-print-directory", "-C", str(REPO_ROOT), ".venv-checkov/bin/checkov"],
            check=True,
            timeout=900,
        )
    return CHECKOV


@pytest.fixture(scope="module")
def reports(checkov: Path) -> dict[str, dict[str, Any]]:
    """checkov's results (offline) by check type: terraform for infra/, github_actions for CI."""
    return {
        # The workflow checks find .github/workflows only when scanning the repository root.
        "terraform": _scan(checkov, INFRA_DIR, "terraform"),
        "github_actions": _scan(checkov, REPO_ROOT, "github_actions"),
    }


def _scan(checkov: Path, directory: Path, framework: str) -> dict[str, Any]:
    result = subprocess.run(
        [
            str(checkov),
            "--directory",
            str(directory),
            "--framework",
            framework,
            "--skip-download",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report.get("check_type") == framework, f"checkov found nothing to scan for {framework}"
    return report["results"]


@pytest.mark.parametrize("check_type", ["terraform", "github_actions"])
def test_checkov_finds_nothing(reports: dict[str, dict[str, Any]], check_type: str) -> None:
    scan = reports[check_type]
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']}): {c['check_name']}"
        for c in scan["failed_checks"]
    ]
    assert not failed, "checkov findings:\n" + "\n".join(failed)
    assert scan["passed_checks"], f"checkov passed no {check_type} check: did it scan anything?"


def test_every_checkov_skip_says_why(reports: dict[str, dict[str, Any]]) -> None:
    for check in [c for scan in reports.values() for c in scan["skipped_checks"]]:
        reason = (check["check_result"].get("suppress_comment") or "").strip()
        assert reason and reason != "No comment provided", (
            f"{check['check_id']} on {check['resource']} is skipped without a reason"
        )
