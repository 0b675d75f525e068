"""``openapi.yaml`` and the response models (``common/responses.py``, ``common/console/responses.py``)
describe the same bodies.

Each model has a schema of the same name in the document (or is reached from one, as an
inline object); both name the same properties, require the same ones, and agree on which may
be null. A field added to a model but not to the document (or the other way round) fails here.
"""

from __future__ import annotations

import inspect
import types
import typing
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from common import responses
from common.config import REPO_ROOT
from common.console import responses as console_responses

DOCUMENT = yaml.safe_load((REPO_ROOT / "openapi.yaml").read_text())
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]
MODELS = {
    name: model
    for module in (responses, console_responses)
    for name, model in inspect.getmembers(module, inspect.isclass)
    if issubclass(model, BaseModel) and model.__module__ == module.__name__
}


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref``, merge ``allOf`` parts, and see through ``X | null`` (``anyOf``/``oneOf``)."""
    options = [o for o in schema.get("anyOf", []) + schema.get("oneOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        return resolve(options[0])
    if "$ref" in schema:
        return resolve(SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]])
    if "allOf" in schema:
        merged: dict[str, Any] = {"properties": {}, "required": []}
        for part in schema["allOf"]:
            part = resolve(part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return merged
    return schema


def nullable(schema: dict[str, Any]) -> bool:
    schema = resolve(schema) if "$ref" in schema else schema
    kinds = schema.get("type")
    return (
        kinds == "null"
        or (isinstance(kinds, list) and "null" in kinds)
        or any(nullable(option) for option in schema.get("oneOf", []) + schema.get("anyOf", []))
    )


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (directly, optionally, or as list items), if any."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if inspect.isclass(candidate) and issubclass(candidate, BaseModel):
            return candidate
        if typing.get_origin(candidate) is list:
            return nested_model(typing.get_args(candidate)[0])
    return None


def compare(model: type[BaseModel], schema: dict[str, Any], seen: set[str]) -> list[str]:
    seen.add(model.__name__)
    schema = resolve(schema)
    problems = []
    documented = schema.get("properties", {})
    if set(documented) != set(model.model_fields):
        problems.append(
            f"{model.__name__}: properties differ: model only {sorted(set(model.model_fields) - set(documented))}, "
            f"document only {sorted(set(documented) - set(model.model_fields))}"
        )
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    if set(schema.get("required", [])) != required:
        problems.append(
            f"{model.__name__}: required differs: {sorted(schema.get('required', []))} vs {sorted(required)}"
        )
    for name, field in model.model_fields.items():
        if name not in documented:
            continue
        may_be_none = type(None) in typing.get_args(field.annotation) or field.annotation is types.NoneType
        if may_be_none != nullable(documented[name]):
            problems.append(
                f"{model.__name__}.{name}: nullable in {'model' if may_be_none else 'document'} only"
            )
        inner = nested_model(field.annotation)
        if inner is not None:
            inner_schema = resolve(documented[name])
            if inner_schema.get("type") == "array" or "items" in inner_schema:
                inner_schema = inner_schema["items"]
            problems += compare(inner, inner_schema, seen)
    return problems


@pytest.mark.parametrize("name", sorted(name for name in MODELS if name in SCHEMAS))
def test_the_document_describes_the_model(name: str) -> None:
    assert compare(MODELS[name], SCHEMAS[name], set()) == []


def test_every_response_model_is_in_the_document() -> None:
    seen: set[str] = set()
    for name in MODELS:
        if name in SCHEMAS:
            compare(MODELS[name], SCHEMAS[name], seen)

    assert set(MODELS) - seen == set()


class _UniqueKeys(yaml.SafeLoader):
    """YAML forbids a key twice in one mapping; PyYAML would keep the last one silently (and
    strict loaders refuse the document)."""


def _mapping_with_unique_keys(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys = [loader.construct_object(key) for key, _ in node.value]
    twice = sorted({str(key) for key in keys if keys.count(key) > 1})
    if twice:
        raise yaml.constructor.ConstructorError(None, None, f"keys named twice: {twice}", node.start_mark)
    return loader.construct_mapping(node)


_UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_unique_keys)


def test_the_document_names_no_key_twice_in_one_mapping() -> None:
    document = yaml.load((REPO_ROOT / "openapi.yaml").read_text(), Loader=_UniqueKeys)  # noqa: S506 (safe)
    assert document == DOCUMENT
