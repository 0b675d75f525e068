"""The console's response bodies in ``openapi.yaml`` match their pydantic models, name for name."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from pydantic import BaseModel

from common import responses
from common.config import REPO_ROOT
from common.console import responses as console_responses

DOCUMENT: dict[str, Any] = schemathesis.openapi.from_path(REPO_ROOT / "openapi.yaml").raw_schema
CONSOLE_MODELS = [
    "WhoAmI", "StaffView", "StaffList", "StaffCreated", "KnowledgeRevisionView", "KnowledgeRevisions",
    "PreviewAnswer", "ConversationSummary", "ConversationList", "AnswerFeedback", "TranscriptMessage",
    "Transcript", "ConversationDeleted", "SeriesPoint", "Satisfaction", "AnalyticsSeries", "FeedbackItem",
    "FeedbackList", "UnansweredGroup", "UnansweredList", "RetentionResult", "TimeWindow", "MessageUsage",
]  # fmt: skip


@pytest.mark.parametrize("name", CONSOLE_MODELS)
def test_the_document_describes_the_model_of_the_same_name(name: str) -> None:
    model: type[BaseModel] = getattr(console_responses, name, None) or getattr(responses, name)
    documented = DOCUMENT["components"]["schemas"][name]
    generated = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")

    assert set(documented["properties"]) == set(generated["properties"])
    assert set(documented.get("required", [])) == set(generated.get("required", []))


def test_a_written_entry_documents_its_revision() -> None:
    parts = DOCUMENT["components"]["schemas"]["KnowledgeEntryWritten"]["allOf"]
    assert set(parts[1]["required"]) == set(responses.KnowledgeEntryWritten.model_fields) - set(
        responses.KnowledgeEntry.model_fields
    )
