"""checkov scans infra/ clean: every finding is fixed or skipped inline with a reason.

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
def scan(checkov: Path) -> dict[str, Any]:
    """checkov's JSON report of infra/ (terraform checks only, offline)."""
    result = subprocess.run(
        [
            str(checkov),
            "--directory",
            str(INFRA_DIR),
            "--framework",
            "terraform",
            "--skip-download",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"},
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    (terraform,) = [r for r in reports if r.get("check_type") == "terraform"]
    return terraform["results"]


def test_checkov_finds_nothing(scan: dict[str, Any]) -> None:
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']}): {c['check_name']}"
        for c in scan["failed_checks"]
    ]
    assert not failed, "checkov findings:\n" + "\n".join(failed)
    assert scan["passed_checks"], "checkov passed nothing: did it scan infra/ at all?"


def test_every_checkov_skip_says_why(scan: dict[str, Any]) -> None:
    for check in scan["skipped_checks"]:
        reason = (check["check_result"].get("suppress_comment") or "").strip()
        assert reason and reason != "No comment provided", (
            f"{check['check_id']} on {check['resource']} is skipped without a reason"
        )
