"""``make package``: one deployable zip per function in ``dist/``.

Each ``dist/<name>.zip`` holds what Cloud Functions builds from: the function's ``main.py`` at
the root, the ``common/`` package, the repository's pinned ``requirements.txt`` with a line that
applies ``constraints.txt`` (also in the zip), so that the build installs the dependencies of
dependencies at the versions the tests ran with, as the migration image does. Nothing else: no
tests, no scripts, no caches. The zips are byte-for-byte reproducible (sorted
entries, fixed timestamps and modes), so Terraform's content hash changes only when the code
does and an unchanged function is not redeployed.
"""

from __future__ import annotations

import argparse
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from scripts.local import FUNCTIONS_DIR, function_names

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_PACKAGE = REPO_ROOT / "common"
REQUIREMENTS = REPO_ROOT / "requirements.txt"
CONSTRAINTS = REPO_ROOT / "constraints.txt"
# Appended to the zip's requirements.txt: pip reads options in a requirements file.
CONSTRAINED = (
    b"\n# Every dependency of a dependency at its tested version (make package)\n-c constraints.txt\n"
)
DEFAULT_OUT = REPO_ROOT / "dist"

# The earliest timestamp a zip entry can carry; any fixed value keeps builds reproducible.
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_SKIPPED_DIRS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"})
_SKIPPED_SUFFIXES = frozenset({".pyc", ".pyo"})


def package_entries(name: str) -> list[tuple[str, Path]]:
    """The (archive name, source file) pairs of one function's zip, sorted by archive name."""
    main = FUNCTIONS_DIR / name / "main.py"
    if not main.is_file():
        raise FileNotFoundError(f"no function named {name!r} (expected {main})")
    entries = [("main.py", main), ("requirements.txt", REQUIREMENTS), ("constraints.txt", CONSTRAINTS)]
    entries += [(path.relative_to(REPO_ROOT).as_posix(), path) for path in _package_files(SHARED_PACKAGE)]
    return sorted(entries)


def build_package(name: str, out_dir: Path = DEFAULT_OUT) -> Path:
    """Write ``<out_dir>/<name>.zip`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}.zip"
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for arcname, source in package_entries(name):
            info = zipfile.ZipInfo(arcname, date_time=_FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = source.read_bytes() + (CONSTRAINED if source == REQUIREMENTS else b"")
            archive.writestr(info, content)
    partial.replace(target)
    return target


def build_all(out_dir: Path = DEFAULT_OUT, names: Iterable[str] | None = None) -> list[Path]:
    """Build the named functions' zips (all of them by default)."""
    return [build_package(name, out_dir) for name in (names or function_names())]


def _package_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in _SKIPPED_DIRS for part in relative.parts):
            continue
        if path.is_file() and path.suffix not in _SKIPPED_SUFFIXES:
            yield path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help="functions to package (default: all)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: dist/)")
    args = parser.parse_args()
    for path in build_all(args.out, args.names or None):
        print(f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
