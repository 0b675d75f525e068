"""Questions about orders, returns and delivery as shoppers write them, in one message."""

from __future__ import annotations

import pytest

from common.knowledge import DEFAULT_KNOWLEDGE
from common.knowledge.answerer import KnowledgeAnswerer

_MISSING_RULE = "If a parcel has not arrived 10 working days after shipping"


@pytest.mark.parametrize(
    "question",
    [
        "Where is my parcel? It shipped 12 days ago.",
        "Wo ist mein Paket? Es wurde vor 12 Tagen verschickt.",
        "¿Dónde está mi paquete? Lo enviaron hace 12 días.",
        "Où est mon colis ? Il a été expédié il y a 12 jours.",
        "Where is my order? I've been waiting for two weeks.",
    ],
)
def test_a_parcel_on_its_way_for_days_gets_the_missing_parcel_rule(question: str) -> None:
    """Said in the same message as "where is it", a wait is a parcel that has not come; the
    number of days is no word of any rule ("12" must not find "12.95 EUR")."""
    answer = KnowledgeAnswerer(DEFAULT_KNOWLEDGE).answer(question).text

    assert _MISSING_RULE in answer
    assert "tracking link" not in answer
