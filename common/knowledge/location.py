"""Where the shop's store, warehouse or address is: only a text that says where answers it."""

from __future__ import annotations

import re

from common.knowledge.analysis import asks_the_shops_address
from common.knowledge.passages import ScoredPassage, choose
from common.knowledge.retrieval import KnowledgeIndex, Query

# Asking where (stems, which a text that says where need not repeat); a text that says where.
_ASKING_WHERE = frozenset(
    {"where", "wo", "ou", "donde", "dove", "waar", "locat", "based", "situat", "befind"}
)
_SAYS_WHERE = re.compile(
    r"\b(located|based in|situated|find us|visit us|street|road|avenue|befindet|finden sie uns"
    r"|se trouve|se encuentra|si trova|gevestigd)\b"
    r"|(stra(ss|ß)e|str\.|weg|platz|laan|gracht)\b|\b(rue|calle|piazza|plaza) \w"
    r"|\b\d{4,5} (?-i:[A-ZÄÖÜ][a-zäöüéèà]+)",
    re.IGNORECASE,
)


def saying_where(
    index: KnowledgeIndex, query: Query, question: str, *, min_coverage: float
) -> list[ScoredPassage]:
    """The passages that say where the thing asked about is ("Where is your store?" is not
    answered by "store credit"); for the shop's address, the one entry that says where."""
    thing = Query(query.language, [t for t in query.terms if t not in _ASKING_WHERE])
    ranked = [r for r in index.rank_passages(thing) if _SAYS_WHERE.search(r.passage.text)]
    chosen = choose(ranked, min_coverage=min_coverage)
    if chosen or not asks_the_shops_address(question):
        return chosen
    where = [p for p in index.passages if _SAYS_WHERE.search(p.text)]
    if len({p.entry.key for p in where}) != 1:
        return []
    return [ScoredPassage(p, 1.0, 1.0) for p in where]
