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

from common.knowledge.answering import phrases
from common.knowledge.answering.askback import priced_things
from common.knowledge.answering.changes import not_of_the_address
from common.knowledge.answering.contact import with_hours
from common.knowledge.answering.deadlines import deadlines
from common.knowledge.answering.fees import PRICE, free_elsewhere, unstated_fee, unstated_for_place, without
from common.knowledge.answering.followups import (
    ORDER_TOPICS,
    PLACES,
    QUESTIONS_BEFORE,
    concepts_in,
    latest_two,
    read_with_before,
)
from common.knowledge.answering.location import (
    asks_where_it_ships_from,
    asks_where_the_shop_is,
    saying_where,
    saying_where_from,
    unnamed_place,
    where_to_send_it_back,
)
from common.knowledge.answering.orders import about_one_order
from common.knowledge.answering.smalltalk import small_talk
from common.knowledge.answering.when import leaves_and_arrives, told_it_left
from common.knowledge.answering.yesno import without_yes_or_no
from common.knowledge.entries import Knowledge, KnowledgeEntry
from common.knowledge.reading.analysis import terms
from common.knowledge.reading.countries import COUNTRY_CONCEPTS, NAMED_PLACES, places_apart
from common.knowledge.reading.language import Language, detect_language, fold, words
from common.knowledge.reading.vocabulary import WHEN
from common.knowledge.search.passages import Passage, ScoredPassage, choose, joined, tidy
from common.knowledge.search.retrieval import KnowledgeIndex, Query, knowledge_index
from common.llm import AnswerSource, Prompt, Source, StreamEnd, StreamEvent, TextDelta

# The model name recorded with answers taken from the knowledge base.
KNOWLEDGE_MODEL = "knowledge-base"
# A passage answers when it holds at least this share of what the question asks about.
MIN_COVERAGE = 0.5
_CONTACT_QUERY = ("@phone", "@email", "@contact")
# What the pages say for any order, asked about one: cancelling, returning, changing its address,
# one that never came (the missing-parcel rule); where it is now is the team's alone.
_RULES_FOR_AN_ORDER = (ORDER_TOPICS | {"@missing"}) - {"@ship", "@track"}
# Whether a service is offered ("Is express shipping available?") asks for its terms: what every
# page says of it counts (its price on one, its delivery time on another), unless the question
# asks for one of them. A place does not count so ("Do you ship to Japan?" is where, not how long).
_SERVICES = frozenset({"@express"})
_TERMS = frozenset({"@cost", "@duration", "@free"})
_SERVICE_TERMS_SHARE = 0.75
_PLACE_TERMS = frozenset({"@cost", "@duration"})


@dataclass(frozen=True)
class KnowledgeReply:
    text: str
    sources: tuple[Source, ...] = ()


def knowledge_answer(
    index: KnowledgeIndex, question: str, entry: KnowledgeEntry | None = None, *, before: str = ""
) -> KnowledgeReply:
    """What the knowledge base says to ``question``: from ``entry`` if given, else the best
    passages (``before``: the shopper's previous questions, which a follow-up refers to)."""
    if entry is not None:
        return _reply([Passage(entry, 0, tidy(entry.content))], index, index.language)
    talk = small_talk(question, before=latest_two(before))
    if talk is not None:
        return KnowledgeReply(talk.reply)
    if _in_another_script(question):
        # Arabic, Cyrillic, Chinese...: not a question the pages fail to cover.
        return _team_reply(index, index.language, phrases.other_language(index.language))
    query = read_with_before(index, question, before)
    if about_one_order(question):
        # "I want to cancel my order #12345": the order is the team's; the rule is the pages'.
        rule = _chosen(index, query, question) if concepts_in(query) & _RULES_FOR_AN_ORDER else []
        return _team_reply(
            index, query.language, phrases.order_lookup(query.language), [c.passage for c in rule]
        )
    things = priced_things(index, query, question, MIN_COVERAGE)
    if things:
        return KnowledgeReply(phrases.which_price(query.language, things))
    giving = deadlines(index, query, question)
    if giving:
        return KnowledgeReply(phrases.which_deadline(query.language, giving))
    chosen = _chosen(index, query, question)
    unstated = unstated_fee(index, query, [c.passage for c in chosen])
    if unstated is not None:
        # "Do I have to pay customs?": not said; what the pages say of customs, then the team.
        return _team_reply(index, query.language, phrases.customs_fees_unsaid(query.language), unstated)
    texts = [question, *reversed(before.split("\n\n"))]
    place = unnamed_place(index, query, texts)
    if not chosen and not place:
        return _team_reply(index, query.language, phrases.not_covered(query.language))
    if place and not _naming_places(index, chosen):
        # Nothing the pages say of places answers for it (they price others only): the team.
        return _team_reply(index, query.language, phrases.not_named(query.language, place))
    missing = None if place else unstated_for_place(index, query, [c.passage for c in chosen], texts)
    if missing:
        # "How much is shipping (How long) to Canada?": the pages ship worldwide, price (time) others.
        where, kind = missing
        opening = (phrases.no_price_for if kind == PRICE else phrases.no_time_for)(query.language, where)
        return _team_reply(
            index, query.language, opening, without(index, query, [c.passage for c in chosen], kind)
        )
    told = _told_before(index, before, query.language)
    said = without_yes_or_no([c.passage for c in chosen], question)
    passages = with_hours(index, query, free_elsewhere(index, query, said, MIN_COVERAGE))
    return _reply(passages, index, query.language, place, told_of_language=told)


def _naming_places(index: KnowledgeIndex, chosen: list[ScoredPassage]) -> bool:
    """Whether any of the ``chosen`` passages names a place or region ("We ship within Europe")."""
    return any(COUNTRY_CONCEPTS.intersection(terms(c.passage.text, (index.language,))) for c in chosen)


def _told_before(index: KnowledgeIndex, before: str, language: Language) -> bool:
    """Whether an earlier question of the conversation, in ``language``, was answered from the
    pages: that answer said they are written in another language."""
    return language != index.language and any(
        detect_language(q) == language and covering_entries(index, q)
        for q in before.split("\n\n")
        if q.strip()
    )


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
    if small_talk(question, before=latest_two(before)) is not None or about_one_order(question):
        return ()
    query = read_with_before(index, question, before)
    if unnamed_place(index, query, [question, *reversed(before.split("\n\n"))]) is not None:
        return ()
    if deadlines(index, query, question):
        return ()  # asked back: which deadline?
    chosen = [c.passage for c in _chosen(index, query, question)]
    if unstated_fee(index, query, chosen) is not None:
        return ()  # a fee the pages never state is a gap, whatever they say of customs
    if unstated_for_place(index, query, chosen, [question, *reversed(before.split("\n\n"))]):
        return ()  # a price or time to a place they give none for, whatever they say of shipping there
    return tuple(dict.fromkeys(p.entry for p in chosen))


def _chosen(index: KnowledgeIndex, query: Query, question: str) -> list[ScoredPassage]:
    concepts = concepts_in(query)
    if not concepts and asks_where_the_shop_is(question):
        return saying_where(index, query, question, min_coverage=MIN_COVERAGE)
    if "@ship" in concepts and concepts <= PLACES | {"@ship"} and asks_where_it_ships_from(question):
        return saying_where_from(index, query, min_coverage=MIN_COVERAGE)
    sent_back = where_to_send_it_back(index, query, question, min_coverage=MIN_COVERAGE)
    if sent_back:
        return sent_back
    ranked = not_of_the_address(index.rank_passages(query), query, question)  # "add an item"
    # Asked when and no price ("I bought it 6 weeks ago" asks no "when").
    if not concepts & {"@cost", "@free"} and WHEN.intersection(fold(w) for w in words(question)):
        ranked = _no_price_unasked(ranked, index.language)
        # "When will my order ship (arrive)?": when orders leave, and how long delivery takes.
        left = told_it_left(question)  # "It shipped yesterday, when ...?": how long, not when it leaves
        both = leaves_and_arrives(ranked, concepts, index.language, min_coverage=MIN_COVERAGE, left=left)
        if both:
            return both
    if concepts & _SERVICES and not concepts & _TERMS:
        return choose(ranked, min_coverage=MIN_COVERAGE, other_entry_share=_SERVICE_TERMS_SHARE)
    return _own_terms_alone(choose(ranked, min_coverage=MIN_COVERAGE), concepts, index.language)


def _no_price_unasked(ranked: list[ScoredPassage], language: Language) -> list[ScoredPassage]:
    """For a question that asks when and no price ("I ordered 3 days ago, when will it ship?"),
    the passages that give a price and no time ("Standard shipping costs 4.95 EUR") are no
    answer."""
    held = {r.passage: frozenset(terms(r.passage.text, (language,))) for r in ranked}
    return [r for r in ranked if "@cost" not in held[r.passage] or "@duration" in held[r.passage]]


def _own_terms_alone(chosen: list[ScoredPassage], asked: set[str], language: Language) -> list[ScoredPassage]:
    """For a place the shop gives a price or time of its own ("We also ship to Canada: ...
    takes 7-12 working days and costs 19.95 EUR"), that passage alone: the others that give
    the price or time asked for give it to other places ("Standard shipping costs 4.95 EUR")."""
    places, kinds = asked & NAMED_PLACES, asked & _PLACE_TERMS
    if len(places) != 1 or not kinds:
        return chosen
    held = {c.passage: frozenset(terms(c.passage.text, (language,))) for c in chosen}
    own = [
        c
        for c in chosen
        if places_apart(held[c.passage], c.passage.text) == places and kinds <= held[c.passage]
    ]
    return [c for c in chosen if c in own or not kinds & held[c.passage]] if own else chosen


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
    """The shopper's new message, and up to ``QUESTIONS_BEFORE`` before it, oldest first, each
    after a blank line (a follow-up refers to them)."""
    asked = [t.text for t in reversed(prompt.turns) if t.role == "user"][: QUESTIONS_BEFORE + 1]
    last = asked[0] if asked else ""
    question = prompt.question or last
    earlier = list(reversed(asked[1:]))
    if last != question and last.endswith(question):
        # Joined with earlier messages nobody answered: those came last before it.
        earlier.append(last[: -len(question)].rstrip())
    return question, "\n\n".join("\n\n".join(earlier).split("\n\n")[-QUESTIONS_BEFORE:])
