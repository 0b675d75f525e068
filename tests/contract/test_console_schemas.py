"""A written entry documents its revision (``allOf`` parts; the models are compared name for name in
``test_models_match_the_document.py``)."""

from __future__ import annotations

from typing import Any

import schemathesis

from common import responses
from common.config import REPO_ROOT

DOCUMENT: dict[str, Any] = schemathesis.openapi.from_path(REPO_ROOT / "openapi.yaml").raw_schema


def test_a_written_entry_documents_its_revision() -> None:
    parts = DOCUMENT["components"]["schemas"]["KnowledgeEntryWritten"]["allOf"]
    assert set(parts[1]["required"]) == set(responses.KnowledgeEntryWritten.model_fields) - set(
        responses.KnowledgeEntry.model_fields
    )
