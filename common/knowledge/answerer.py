"""Answers from the shop's knowledge base without a model, streamed like a model's.

Used when no model is configured, as the fallback when the model fails before its first
token, and (optionally) to answer a confident FAQ match without a model call. It answers
with the one to three sentences that answer (and names their entries as sources), replies
to small talk, speaks the shopper's language, and says what it can help with otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from common.knowledge import phrases
from common.knowledge.analysis import terms
from common.knowledge.entries import Knowledge, KnowledgeEntry
from common.knowledge.language import Language, detect_language, fold, words
from common.knowledge.location import (
    asks_where_it_ships_from,
    asks_where_the_shop_is,
    saying_where,
    saying_where_from,
    unnamed_place,
)
from common.knowledge.orders import about_one_order
from common.knowledge.passages import Passage, ScoredPassage, choose, joined, tidy
from common.knowledge.retrieval import KnowledgeIndex, Query, knowledge_index
from common.knowledge.smalltalk import small_talk
from common.knowledge.vocabulary import CONDITIONED_TOPICS, COUNTRY_CONCEPTS, ITEM_KINDS, OTHER
from common.llm import AnswerSource, Prompt, Source, StreamEnd, StreamEvent, TextDelta

# The model name recorded with answers taken from the knowledge base.
KNOWLEDGE_MODEL = "knowledge-base"
# A passage answers when it holds at least this share of what the question asks about.
MIN_COVERAGE = 0.5
_CONTACT_QUERY = ("@phone", "@email", "@contact")
# What a question asks for, and where or which way: a question naming only these ("How much is
# it to Norway?", "And how long?", "Is it free?", "And express?") has no topic of its own and
# follows up the one before it.
_ASKS = frozenset({"@cost", "@duration", "@free"})
_PLACES = COUNTRY_CONCEPTS | {"@country"}
_VARIANTS = _PLACES | {"@express"}
_SHORT_FOLLOW_UP_WORDS = 3
# "What if it already shipped?" after "Can I cancel my order?": a case of the previous
# question's topic (``_CASES``: what became of the order), or none ("What if I opened it?").
# Accent-free; a bare "si", "se" or "als" may be a "yes" or start a question of its own.
_WHAT_IF = re.compile(
    r"^\W*(and |but |so )?(what if|what about if|and if|but if|(und|aber|was|was ist) wenn"
    r"|et si|mais si|(y|pero|que pasa) si|(e|ma) se|(en|maar|wat) als)\b"
)
_CASES = frozenset({"@ship", "@late", "@missing"})
# "It has already shipped", "Es ist schon unterwegs": the case told, not asked.
_ALREADY = re.compile(r"\b(already|schon|bereits|deja|ya|gia|inmiddels|al (verzonden|onderweg|verstuurd))\b")
# "It's been two weeks" or "Still nothing" after "Where is my parcel?": the parcel is late.
_UNIT = (
    r"(days?|weeks?|months?|tage?n?|wochen?|monate?n?|jours?|semaines?|mois|dias?|semanas?|mes(es)?"
    r"|giorn[oi]|settiman[ae]|mes[ei]|dag(en)?|weken|maand(en)?)"
)
_ELAPSED = re.compile(
    rf"\b(been|already|since|schon|bereits|seit|fait|deja|depuis|ya|hace|llevo|gia|passat[eio]|al|sinds)\b.*\b{_UNIT}\b"
    rf"|\b{_UNIT}\b.*\b(ago|already|her|geleden|fa|deja)\b"
    r"|\b(still (nothing|waiting|not here)|(immer )?noch (nichts|nicht da)|toujours rien|(todavia|aun) nada"
    r"|ancora (niente|nulla)|nog (steeds |altijd )?(niets|niks))\b"
)
_WAITING_TOPICS = frozenset({"@track", "@ship", "@late", "@missing"})
# Topics an order's case belongs to: "What if it never arrives?" after a payment question is
# about the parcel, not the payment.
_ORDER_TOPICS = frozenset({"@cancel", "@address", "@return", "@refund", "@ship", "@track", "@damage"})
# What the pages say for any order, asked about one: cancelling, returning, changing its address.
_RULES_FOR_AN_ORDER = _ORDER_TOPICS - {"@ship", "@track"}


@dataclass(frozen=True)
class KnowledgeReply:
    text: str
    sources: tuple[Source, ...] = ()


def knowledge_answer(
    index: KnowledgeIndex, question: str, entry: KnowledgeEntry | None = None, *, before: str = ""
) -> KnowledgeReply:
    """What the knowledge base says to ``question``: from ``entry`` if given, else the best
    passages (``before``: the shopper's previous question, which a follow-up refers to)."""
    if entry is not None:
        return _reply([Passage(entry, 0, tidy(entry.content))], index, index.language)
    talk = small_talk(question, before=before)
    if talk is not None:
        return KnowledgeReply(talk.reply)
    if _in_another_script(question):
        # Arabic, Cyrillic, Chinese...: not a question the pages fail to cover.
        return _team_reply(index, index.language, phrases.other_language(index.language))
    query = _query(index, question, before)
    if about_one_order(question):
        # "I want to cancel my order #12345": the order is the team's; the rule is the pages'.
        rule = _chosen(index, query, question) if _concepts(query) & _RULES_FOR_AN_ORDER else []
        return _team_reply(
            index, query.language, phrases.order_lookup(query.language), [c.passage for c in rule]
        )
    chosen = _chosen(index, query, question)
    if not chosen:
        return _team_reply(index, query.language, phrases.not_covered(query.language))
    place = unnamed_place(index, query, [question, *reversed(before.split("\n\n"))])
    told = _told_before(index, before, query.language)
    return _reply([c.passage for c in chosen], index, query.language, place, told_of_language=told)


def _told_before(index: KnowledgeIndex, before: str, language: Language) -> bool:
    """Whether an earlier question of the conversation, in ``language``, was answered from the
    pages: that answer said they are written in another language."""
    return language != index.language and any(
        detect_language(q) == language and covering_entries(index, q)
        for q in before.split("\n\n")
        if q.strip()
    )


def _query(index: KnowledgeIndex, question: str, before: str) -> Query:
    """What ``question`` asks, read with the questions ``before`` it that it follows up."""
    return _following_up(
        index, index.query(question, language=_language_before(index, question, before)), question, before
    )


def follows_up(question: str) -> bool:
    """Whether ``question`` is a few words naming only a price, a time or a place ("How much?",
    "And to Canada?", not "Gift wrapping?"): it is read with the shopper's question before it."""
    if len(words(question)) > _SHORT_FOLLOW_UP_WORDS:
        return False
    concepts = {t for t in terms(question, (detect_language(question),)) if t.startswith("@")}
    return bool(concepts) and concepts <= _ASKS | _VARIANTS


def _language_before(index: KnowledgeIndex, question: str, before: str) -> Language | None:
    """The previous question's language for a follow-up of a few words ("And Switzerland?"),
    too short to tell its own; None: detect it."""
    if not before or len(words(question)) > _SHORT_FOLLOW_UP_WORDS:
        return None
    return detect_language(before, default=index.language)


def _in_another_script(text: str) -> bool:
    """Whether ``text`` has letters and none of them is Latin (the script of every language the
    answerer reads)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and not any(unicodedata.name(c, "").startswith("LATIN") for c in letters)


def covering_entries(index: KnowledgeIndex, question: str, *, before: str = "") -> tuple[KnowledgeEntry, ...]:
    """The entries whose passages answer ``question`` (after ``before``, as for
    ``knowledge_answer``) as ``knowledge_answer`` would: none for small talk, a question about
    one order, one the knowledge base does not cover, or one about a place its pages never name
    ("Do you ship to Canada?" is not answered by where the shop ships)."""
    if small_talk(question, before=before) is not None or about_one_order(question):
        return ()
    query = _query(index, question, before)
    if unnamed_place(index, query, [question, *reversed(before.split("\n\n"))]) is not None:
        return ()
    return tuple(dict.fromkeys(c.passage.entry for c in _chosen(index, query, question)))


def _chosen(index: KnowledgeIndex, query: Query, question: str) -> list[ScoredPassage]:
    concepts = _concepts(query)
    if not concepts and asks_where_the_shop_is(question):
        return saying_where(index, query, question, min_coverage=MIN_COVERAGE)
    if "@ship" in concepts and concepts <= _PLACES | {"@ship"} and asks_where_it_ships_from(question):
        return saying_where_from(index, query, min_coverage=MIN_COVERAGE)
    return choose(index.rank_passages(query), min_coverage=MIN_COVERAGE)


def _following_up(index: KnowledgeIndex, query: Query, question: str, before: str) -> Query:
    """``query`` about the previous question's topic, if it names only a price, a time or a place:
    "How much is it to Norway?" after "How long does shipping take?" asks what shipping costs.
    A kind of item alone follows up a question about returns: "What about sale items?" after
    "Can I return my shoes?" asks how sale items are returned. ``before`` may hold the questions
    before it, oldest first, each after a blank line: a previous follow-up ("And to Norway?")
    is read as about its own previous question's topic. "What if ...?" with no topic but what
    became of the order ("What if it already shipped?") is a case of the previous topic."""
    concepts = _concepts(query)
    if before and concepts and concepts <= ITEM_KINDS:
        returns = {t for t in index.query(before).terms if t in CONDITIONED_TOPICS}
        return Query(query.language, [*query.terms, *sorted(returns)]) if returns else query
    if not before:
        return query
    own = concepts - _ASKS - _VARIANTS
    # "It's been two weeks": a time, and words the pages never use ("her"), is no thing of its own.
    waiting = not own - {OTHER} and bool(_ELAPSED.search(fold(question)))
    what_if = not concepts or bool(own)  # past here only as "What if ...?"
    case = _WHAT_IF.match(fold(question)) or (own and _ALREADY.search(fold(question)))
    if what_if and not waiting and not (own <= _CASES and case):
        return query  # a topic of its own, or a thing the pages never name ("the red sofa")
    older, _, latest = before.rpartition("\n\n")
    previous = _following_up(index, index.query(latest), latest, older)
    earlier = _concepts(previous)
    topic = earlier - _ASKS - _VARIANTS - {OTHER}
    if waiting and topic & _WAITING_TOPICS:
        # Its words say only how long ("zwei Wochen", "todavia nada"): a parcel sent has not
        # come. How long delivery takes comes with what to do then, as the wait may be short.
        return Query(query.language, ["@duration", "@missing", "@ship"])
    if what_if and not topic & _ORDER_TOPICS:
        return query  # the previous question was not about an order
    if not topic:
        # A topic the shop's vocabulary has no concept for ("Do you gift wrap?"): both questions
        # read as one, so that a price of a thing the pages never name is none of theirs.
        if earlier - _ASKS or all(t.startswith("@") for t in previous.terms):
            return query
        return index.query(f"{latest} {question}", language=query.language)
    # "And to Switzerland?" also asks what the previous question asked (a price, a time).
    inherited = topic if concepts & _ASKS else topic | (earlier & _ASKS)
    if not concepts & _PLACES:  # "How much?" or "And express?" after "Do you ship to Canada?": to Canada
        inherited |= earlier & _PLACES
    return Query(query.language, [*query.terms, *sorted(inherited - concepts)])


def _concepts(query: Query) -> set[str]:
    return {t for t in query.terms if t.startswith("@")}


def _reply(
    passages: list[Passage],
    index: KnowledgeIndex,
    language: Language,
    place: str | None = None,
    *,
    told_of_language: bool = False,
) -> KnowledgeReply:
    """The passages as the answer; in another language than the shopper's, said so once."""
    sources = tuple(dict.fromkeys(Source(p.entry.key, p.entry.title) for p in passages))
    parts = [phrases.not_named(language, place)] if place else []
    if language != index.language and not told_of_language:
        parts.append(phrases.written_in(language, index.language))
    parts.append(joined(passages))
    parts.append(phrases.sources_line(language, [s.title for s in sources]))
    return KnowledgeReply("\n\n".join(parts), sources)


def _team_reply(
    index: KnowledgeIndex, language: Language, opening: str, passages: list[Passage] | None = None
) -> KnowledgeReply:
    """``opening`` (and the ``passages`` that answer what it can), then how to reach the team,
    as the shop wrote it (if it did), with the sources named as every other answer names them."""
    ranked = index.rank_passages(Query(index.language, list(_CONTACT_QUERY)), limit=1)
    if not ranked:
        return KnowledgeReply(opening)
    contact = ranked[0].passage
    if passages:
        framed = [phrases.written_in(language, index.language)] if language != index.language else []
        parts = [opening, *framed, joined(passages), f"{phrases.reach_team(language)} {contact.text}"]
    else:
        parts = [f"{opening} {phrases.reach_team(language)}", contact.text]
    sources = tuple(dict.fromkeys(Source(p.entry.key, p.entry.title) for p in [*(passages or []), contact]))
    parts.append(phrases.sources_line(language, [s.title for s in sources]))
    return KnowledgeReply("\n\n".join(parts), sources)


class KnowledgeAnswerer:
    """An ``LLMClient`` that answers from the knowledge base, streamed a few words at a time."""

    model = KNOWLEDGE_MODEL
    source: AnswerSource = "knowledge"

    def __init__(
        self, knowledge: Knowledge, *, entry: KnowledgeEntry | None = None, words_per_chunk: int = 3
    ) -> None:
        # The index is built on first use (and then cached per version), so a fallback that
        # is never needed costs nothing.
        self._knowledge = knowledge
        self._entry = entry
        self._words_per_chunk = words_per_chunk

    def answer(self, question: str, *, before: str = "") -> KnowledgeReply:
        return knowledge_answer(knowledge_index(self._knowledge), question, self._entry, before=before)

    def stream(self, prompt: Prompt) -> Iterator[StreamEvent]:
        question, before = _question_and_before(prompt)
        reply = self.answer(question, before=before)
        words = re.split(r"(?<=\s)", reply.text)
        for start in range(0, len(words), self._words_per_chunk):
            yield TextDelta("".join(words[start : start + self._words_per_chunk]))
        yield StreamEnd("stop", 0, 0, sources=reply.sources)

    def complete(self, prompt: Prompt) -> str:
        return ""


def _question_and_before(prompt: Prompt) -> tuple[str, str]:
    """The shopper's new message, and the two before it, oldest first, each after a blank line
    (a follow-up refers to them)."""
    asked = [t.text for t in reversed(prompt.turns) if t.role == "user"][:3]
    last = asked[0] if asked else ""
    question = prompt.question or last
    if last != question and last.endswith(question):
        # Joined with earlier messages nobody answered: the newest of those came before.
        return question, last[: -len(question)].rstrip().rpartition("\n\n")[2]
    return question, "\n\n".join(reversed(asked[1:]))
