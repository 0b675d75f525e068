"""Read infra/*.tf offline (python-hcl2) into plain dicts the tests can ask questions of.

Neither python-hcl2 nor checkov knows the google provider's schema, so the tests check the
names that matter themselves; this module only parses and resolves simple references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

from common.config import REPO_ROOT

INFRA_DIR = REPO_ROOT / "infra"

_OPTIONS = hcl2.SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)
_REFERENCE = re.compile(r"^\$\{([A-Za-z0-9_.\[\]\"]+)\}$")


def parse_file(path: Path) -> dict[str, Any]:
    """One .tf file as python-hcl2 serializes it (blocks are lists, strings unquoted)."""
    with path.open(encoding="utf-8") as handle:
        return hcl2.load(handle, serialization_options=_OPTIONS)


@dataclass
class TerraformConfig:
    """Every top-level block of a Terraform root module, merged across its files."""

    files: dict[str, dict[str, Any]]
    resources: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    terraform: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path = INFRA_DIR) -> TerraformConfig:
        files = {path.name: parse_file(path) for path in sorted(directory.glob("*.tf"))}
        config = cls(files=files)
        for parsed in files.values():
            for block in parsed.get("resource", []):
                for kind, named in block.items():
                    for name, body in named.items():
                        config.resources[(kind, name)] = body
            for block in parsed.get("data", []):
                for kind, named in block.items():
                    for name, body in named.items():
                        config.data[(kind, name)] = body
            for block in parsed.get("variable", []):
                config.variables.update(block)
            for block in parsed.get("locals", []):
                config.locals.update(block)
            for block in parsed.get("output", []):
                config.outputs.update(block)
            config.terraform.extend(parsed.get("terraform", []))
        return config

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        """The resources of one type, by name."""
        return {name: body for (k, name), body in self.resources.items() if k == kind}

    def resolve(self, value: Any) -> Any:
        """Follow a bare ``${var.x}`` (to its default) or ``${local.x}``; anything else as is."""
        for _ in range(10):
            if not isinstance(value, str):
                return value
            match = _REFERENCE.match(value)
            if not match:
                return value
            scope, _, name = match.group(1).partition(".")
            if scope == "var" and name in self.variables:
                value = self.variables[name].get("default")
            elif scope == "local" and name in self.locals:
                value = self.locals[name]
            else:
                return value
        return value


def strings(node: Any) -> Iterator[str]:
    """Every string anywhere in a parsed value (keys included), comments excluded."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def only(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """The single nested block python-hcl2 wraps in a list."""
    assert len(blocks) == 1, f"expected one block, found {len(blocks)}"
    return blocks[0]


def unwrap(expression: str) -> str:
    """``${tostring(local.x)}`` and ``${local.x}`` both become ``local.x``."""
    inner = expression.strip()
    if inner.startswith("${") and inner.endswith("}"):
        inner = inner[2:-1].strip()
    while (match := re.fullmatch(r"(?:tostring|tonumber)\((.*)\)", inner)) is not None:
        inner = match.group(1).strip()
    return inner
