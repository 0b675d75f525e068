"""Each function's zip is self-contained: unpacked alone, it imports in a clean interpreter.

The import runs in ``python -I`` (no PYTHONPATH, no current folder, no user site) from an
empty folder holding only the unpacked zip, with the project's runtime dependencies
installed, which is what Cloud Functions does after installing requirements.txt.
"""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from common.config import REPO_ROOT
from scripts.package_functions import build_all, build_package, function_names

FUNCTION_NAMES = sorted(p.parent.name for p in (REPO_ROOT / "functions").glob("*/main.py"))

# Runs inside the clean interpreter: import the function the way the runtime does and report
# what it needed besides the standard library.
_PROBE = """
import json, sys
folder, target = sys.argv[1], sys.argv[2]
sys.path.insert(0, folder)
before = set(sys.modules)
import main
import functions_framework
from functions_framework import _function_registry
function = getattr(main, target, None)
app = functions_framework.create_app(target, folder + "/main.py")
loaded = sorted(set(sys.modules) - before)
print(json.dumps({
    "callable": callable(function),
    "registered_as": _function_registry.REGISTRY_MAP.get(target),
    "main_file": main.__file__,
    "app": type(app).__name__,
    "modules": {name: getattr(sys.modules[name], "__file__", None) for name in loaded},
}))
"""


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Freshly built zips, one per function."""
    out = tmp_path_factory.mktemp("dist")
    return {path.stem: path for path in build_all(out)}


def test_a_zip_is_built_for_every_function(packages: dict[str, Path]) -> None:
    assert function_names() == FUNCTION_NAMES
    assert sorted(packages) == FUNCTION_NAMES


@pytest.mark.parametrize("function", FUNCTION_NAMES)
def test_zip_holds_main_common_and_the_pinned_requirements(packages: dict[str, Path], function: str) -> None:
    with zipfile.ZipFile(packages[function]) as archive:
        names = archive.namelist()
        assert archive.read("main.py") == (REPO_ROOT / "functions" / function / "main.py").read_bytes()
        requirements = archive.read("requirements.txt").decode()
        assert requirements.startswith((REPO_ROOT / "requirements.txt").read_text())
        # The build pins every dependency of a dependency too, as the tests and the migration ran.
        assert requirements.splitlines()[-1] == "-c constraints.txt"
        assert archive.read("constraints.txt") == (REPO_ROOT / "constraints.txt").read_bytes()
    assert "common/__init__.py" in names
    assert "common/config.py" in names
    others = [n for n in names if n not in ("main.py", "requirements.txt", "constraints.txt")]
    assert all(n.startswith("common/") for n in others), others
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]


def test_zips_are_reproducible(packages: dict[str, Path], tmp_path: Path) -> None:
    # Terraform names the uploaded object by its hash: same code, same object, no redeploy.
    again = build_package("history", tmp_path)
    assert again.read_bytes() == packages["history"].read_bytes()


@pytest.mark.parametrize("function", FUNCTION_NAMES)
def test_unpacked_zip_imports_its_function_in_a_clean_interpreter(
    packages: dict[str, Path], function: str, tmp_path: Path
) -> None:
    folder = tmp_path / function
    folder.mkdir()
    with zipfile.ZipFile(packages[function]) as archive:
        archive.extractall(folder)

    probe = _probe(folder, function)

    assert probe["callable"], f"main.{function} is missing or not callable"
    assert probe["registered_as"] == "http", (
        f"main.{function} is not decorated with @functions_framework.http"
    )
    assert Path(probe["main_file"]).resolve() == (folder / "main.py").resolve()
    first_party = {
        name for name, file in probe["modules"].items() if file and Path(file).is_relative_to(folder)
    }
    assert {name.split(".")[0] for name in first_party} <= {"main", "common"}
    needed = _distributions_of(probe["modules"], exclude=first_party)
    allowed = _requirement_closure((folder / "requirements.txt").read_text())
    assert needed <= allowed, f"imports outside requirements.txt: {sorted(needed - allowed)}"


def test_the_zips_requirements_are_what_the_tests_ran_with(packages: dict[str, Path], tmp_path: Path) -> None:
    """pip reads the zip's requirements.txt and its constraints as the build will, and finds
    every pin already installed here: no other version can reach the deploy."""
    with zipfile.ZipFile(packages["chat_stream"]) as archive:
        archive.extractall(tmp_path)

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-index",
            "-r",
            str(tmp_path / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert "Would install" not in result.stdout, result.stdout[-2000:]


def _probe(folder: Path, function: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-I", "-c", _PROBE, str(folder), function],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _distributions_of(modules: dict[str, str | None], *, exclude: set[str]) -> set[str]:
    """The installed distributions that provide the given (non-first-party) modules."""
    providers = importlib.metadata.packages_distributions()
    stdlib = sys.stdlib_module_names | set(sys.builtin_module_names)
    needed: set[str] = set()
    for name, file in modules.items():
        top = name.split(".")[0]
        if name in exclude or top in stdlib or top.startswith("_sysconfigdata"):
            continue
        dists = providers.get(top)
        if not dists and file is None:
            continue  # made at run time (e.g. Cython's shared _cython_X_Y module), not imported from disk
        assert dists, f"module {name} ({file}) comes from no installed distribution"
        needed.add(canonicalize_name(dists[0]))
    return needed


def _requirement_closure(requirements_txt: str) -> set[str]:
    """requirements.txt's distributions and, transitively, everything they depend on."""
    pending = [
        Requirement(line.split("#")[0].strip())
        for line in requirements_txt.splitlines()
        if line.split("#")[0].strip() and not line.startswith("-")  # an option: "-c constraints.txt"
    ]
    seen: set[str] = set()
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        extras = {""} | set(requirement.extras)
        for spec in importlib.metadata.requires(requirement.name) or []:
            dependency = Requirement(spec)
            if dependency.marker is None or any(dependency.marker.evaluate({"extra": e}) for e in extras):
                pending.append(dependency)
    return seen
