"""Finding what answers a question in one knowledge snapshot: BM25 over entries and over their
passages, on stems and shop concepts, in the shopper's language and the shop's."""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from common.knowledge.entries import Knowledge, KnowledgeEntry
from common.knowledge.reading.analysis import terms, vocabulary_of
from common.knowledge.reading.countries import (
    COUNTRY_CONCEPTS,
    NAMED_PLACES,
    WORLD,
    about_other_places,
    in_regions,
    place_weight,
    places_apart,
    with_regions,
)
from common.knowledge.reading.language import Language, clause_openings, detect_language, fold, words
from common.knowledge.reading.vocabulary import CONDITIONED_TOPICS, ITEM_KINDS, OTHER, SOFT_CONCEPTS, WHEN
from common.knowledge.search.passages import Passage, ScoredPassage, idf, scaled, split_passages
from common.knowledge.search.prices import priced_as_asked

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# Titles say what an entry is about; count their words more than the body's.
_TITLE_WEIGHT = 3
_PASSAGE_TITLE_WEIGHT = 2
# How much the whole entry's score counts in a passage's (the entry is about the topic).
_ENTRY_SHARE = 0.5
# An entry's first sentence usually states its main fact ("Standard delivery takes 2-4 working
# days", "We ship to ..."); among passages that match about as well, it comes first.
_LEAD_BONUS = 0.1
# An FAQ entry's title is the question it answers: one that names a topic the shopper's question
# does not ("What if my item arrives damaged?" for "When will my order arrive?") answers another
# question, and counts this much. So does a policy whose title names none of the question's
# topics: "Returns and refunds" for "How much does shipping to Switzerland cost?", although
# its sentence on return costs names shipping, Switzerland and a cost.
_OTHER_QUESTION_SHARE = 0.5
# What a question asks about a thing (whether it is sold, its price, how long), not the thing.
_ASKED_OF_A_THING = frozenset({"@range", "@cost", "@duration", "@free"})
# How much of a passage's coverage comes from its whole entry: "We ship to Switzerland" and
# "Standard shipping costs 4.95 EUR" each hold half of "What does shipping to Switzerland
# cost?", their entry all of it.
_ENTRY_COVERAGE_SHARE = 0.3
# What a question asks for, when it asks for a price or a time: an entry that names neither
# ("Delivery times" for "How much is shipping to Germany?") answers another question, and its
# passages count this much, where another entry names it.
_ANSWER_KINDS = frozenset({"@cost", "@duration"})
_OTHER_ANSWER_SHARE = 0.3
# A passage that holds all a question asks about (its coverage).
_ALL = 0.999
_SHIPPING = frozenset({"@ship", "@duration", "@cost"})  # the rest of the world as a destination
# The shop's language is told from this much of its text.
_LANGUAGE_SAMPLE_CHARS = 4000


@dataclass(frozen=True)
class Match:
    entry: KnowledgeEntry
    score: float
    # How far ahead of the runner-up the best entry is (1.0: no competition).
    margin: float


@dataclass(frozen=True)
class Query:
    """A question, analysed: its language and its retrieval terms."""

    language: Language
    terms: list[str]


class KnowledgeIndex:
    """BM25 over the entries and the passages of one knowledge snapshot."""

    def __init__(self, knowledge: Knowledge) -> None:
        from rank_bm25 import BM25Okapi  # numpy-backed: loaded only where it is used

        self.knowledge = knowledge
        self._entries = knowledge.entries
        self.language: Language = shop_language(knowledge)
        self.vocabulary = vocabulary_of(f"{e.title} {e.content}" for e in self._entries)
        lang = [self.language]
        corpus = [terms(e.title, lang) * _TITLE_WEIGHT + terms(e.content, lang) for e in self._entries]
        self._bm25 = BM25Okapi(corpus) if corpus else None
        self.passages = [p for e in self._entries for p in split_passages(e)]
        titles = {e.key: terms(e.title, lang) for e in self._entries}
        docs = [titles[p.entry.key] * _PASSAGE_TITLE_WEIGHT + terms(p.text, lang) for p in self.passages]
        self._passage_terms = [frozenset(d) for d in docs]
        self._held = dict(zip(self.passages, self._passage_terms, strict=True))
        self._apart = [
            places_apart(held, p.text) for p, held in zip(self.passages, self._passage_terms, strict=True)
        ]
        self._entry_terms: dict[str, frozenset[str]] = {}
        for p, held in zip(self.passages, self._passage_terms, strict=True):
            self._entry_terms[p.entry.key] = self._entry_terms.get(p.entry.key, frozenset()) | held
        self._passage_bm25 = BM25Okapi(docs) if docs else None
        self._entry_row = {e.key: n for n, e in enumerate(self._entries)}
        # The first sentences of entries of more than one (an FAQ answer read whole is no lead).
        self._leads = {
            n
            for n, (p, following) in enumerate(itertools.pairwise(self.passages))
            if p.position == 0 and following.entry.key == p.entry.key
        }
        self._idf = idf(docs)
        # "We ship worldwide" names every country; "International cards are welcome" none.
        self._ships_worldwide = any(WORLD in held and held & _SHIPPING for held in self._passage_terms)
        # Concepts most entries use ("@ship" in a shop) name no particular topic.
        used = [{t for t in doc if t.startswith("@")} for doc in corpus]
        common = {c for c in set().union(*used) if sum(c in u for u in used) > len(used) / 2}
        self._faq_concepts = {
            e.key: frozenset(t for t in titles[e.key] if t.startswith("@"))
            for e in self._entries
            if e.kind == "faq"
        }
        self._faq_topics = {key: concepts - common for key, concepts in self._faq_concepts.items()}
        self._policy_topics = {
            e.key: frozenset(t for t in titles[e.key] if t.startswith("@"))
            for e in self._entries
            if e.kind == "policy"
        }

    def query(self, question: str, *, language: Language | None = None) -> Query:
        """``question`` analysed, in ``language`` if given (else the one it is detected in)."""
        language = language or detect_language(question, default=self.language)
        found = terms(question, [language, self.language], vocabulary=self.vocabulary)
        said = words(question)
        # "When ...?", "And when ...?", "It shipped, when ...?", "Je vais recevoir ma commande quand ?"
        asks_when = any(fold(w) in WHEN for w in [*clause_openings(question), *said[-1:]])
        if asks_when and "@ship" in found and "@duration" not in found:
            found.append("@duration")  # "When will my order arrive?": how long it takes
        if asks_when and "@phone" in found and "@hours" not in found:
            found.append("@hours")  # "When can I call you?": the hours the phone is answered
        return Query(language, [t for t in found if t not in SOFT_CONCEPTS or t in self._idf])

    def entry_scores(self, query: Query) -> NDArray[np.float64]:
        """BM25 of every entry (in ``knowledge.entries`` order)."""
        import numpy as np

        if self._bm25 is None or not query.terms:
            return np.zeros(len(self._entries))
        return np.asarray(self._bm25.get_scores(query.terms), dtype=np.float64)

    def best(self, question: str, *, kind: str | None = None) -> Match | None:
        """The entry that best answers ``question`` (optionally of one kind), or None."""
        query = self.query(question)
        asked = {t for t in query.terms if t.startswith("@")}
        if OTHER in asked:
            return None  # about a thing the pages never name: no entry answers it
        scores = self.entry_scores(query)
        scored = sorted(
            (
                (float(s) * self._topic_share(e.key, asked), e)
                for s, e in zip(scores, self._entries, strict=True)
                if kind in (None, e.kind)
            ),
            key=lambda pair: pair[0],
            reverse=True,
        )
        if not scored or scored[0][0] <= 0:
            return None
        top, entry = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        return Match(entry, top, (top - max(runner_up, 0.0)) / top)

    def rank_passages(self, query: Query, *, limit: int = 10) -> list[ScoredPassage]:
        """The passages that best match ``query``, best first."""
        if self._passage_bm25 is None or not query.terms:
            return []
        entry_scores = self.entry_scores(query)
        asked = {t for t in query.terms if t.startswith("@")}
        top_entry = max(float(entry_scores.max()), 1e-9)
        passage_scores = self._passage_bm25.get_scores(query.terms)
        top_passage = max(float(passage_scores.max()), 1e-9)
        kinds = (asked | ({"@cost"} if "@free" in asked else set())) & _ANSWER_KINDS
        naming = {key for key, held in self._entry_terms.items() if kinds & held} if kinds else set()
        # Entries that name no price or time asked for, where another entry does.
        other_answers = set(self._entry_terms) - naming if naming else set()
        # "Any student discounts?" is not answered by what returning a sale item costs.
        item_kinds_only = bool(asked) and asked <= ITEM_KINDS
        places = with_regions(asked & NAMED_PLACES)  # Austria's is the EU's
        named = any(c in self._idf for c in places)
        # An FAQ that asks the shopper's particular question ("What if my item arrives damaged?"
        # for "How do I return a damaged item?") answers it before a rule that names it in passing.
        own = {k for k, t in self._faq_topics.items() if t and t <= asked and not t <= _ASKED_OF_A_THING}
        scored = []
        for n, passage in enumerate(self.passages):
            if passage_scores[n] <= 0:
                continue
            if item_kinds_only and self._passage_terms[n] & CONDITIONED_TOPICS:
                continue
            if about_other_places(self._apart[n], places, self._passage_terms[n], asked_is_named=named):
                continue  # "Shipping to Canada costs 19.95 EUR" answers nothing about Austria
            entry_part = float(entry_scores[self._entry_row[passage.entry.key]]) / top_entry
            entry_held = self._entry_terms[passage.entry.key]
            if places and not named and "@country" not in self._passage_terms[n]:
                # Where the shop ships answers of a place it never names, not what its entry
                # says of somewhere ("Express shipping costs 12.95 EUR" for "Do you ship to Japan?").
                entry_held -= {"@country"}
            coverage = (1 - _ENTRY_COVERAGE_SHARE) * self._coverage(
                query, priced_as_asked(self._passage_terms[n], asked)
            ) + _ENTRY_COVERAGE_SHARE * self._coverage(query, entry_held)
            # A passage that holds all the question asks about beats one that repeats part of it.
            score = (float(passage_scores[n]) / top_passage + _ENTRY_SHARE * entry_part) * coverage
            score *= self._share(n, asked, other_answers, own)
            if score > 0:  # an FAQ about another thing is no candidate at all
                scored.append(ScoredPassage(passage, score, coverage))
        scored.sort(key=lambda s: s.score, reverse=True)
        return self._elsewhere_first(scored, kinds)[:limit]

    def _share(self, n: int, asked: set[str], other_answers: set[str], own: set[str]) -> float:
        """How much passage ``n``'s match counts: more as its entry's lead, less in an entry about
        another topic, one naming no price or time asked for where another does, or one that
        names in passing what an FAQ of its own (``own``) asks."""
        key = self.passages[n].entry.key
        share = (1 + _LEAD_BONUS if n in self._leads else 1.0) * self._topic_share(key, asked)
        if key in other_answers:
            share *= _OTHER_ANSWER_SHARE
        if own and key not in own and any(self._faq_topics[k] & self._passage_terms[n] for k in own):
            share *= _OTHER_QUESTION_SHARE
        return share

    def _elsewhere_first(self, scored: list[ScoredPassage], kinds: set[str]) -> list[ScoredPassage]:
        """``scored``, where a passage gives the time or price asked for to the rest of the world
        and so holds all the question asks, with those that give none after it: "7-14 working
        days to the rest of the world" answers "How long does shipping to Canada take?", which
        "We ship to the EU, ..., the USA and Canada" (the place's name, no time) does not."""
        held = self._held
        answering = (s for s in scored if s.coverage >= _ALL and kinds & held[s.passage])
        if not any(WORLD in held[s.passage] for s in answering):
            return scored
        kept = [s if kinds & held[s.passage] else scaled(s, _OTHER_ANSWER_SHARE) for s in scored]
        return sorted(kept, key=lambda s: s.score, reverse=True)

    def _topic_share(self, key: str, asked: set[str]) -> float:
        """How much an entry counts for a question about ``asked`` concepts: less for an FAQ
        entry that answers another question, or a policy about none of the question's topics;
        nothing for an FAQ that shares only what is asked about a thing with the question, not
        the thing ("Do you sell gift cards?" for "Do you sell shipping boxes?")."""
        if key in self._policy_topics:
            topics = self._policy_topics[key]
            return 1.0 if not topics or topics & asked else _OTHER_QUESTION_SHARE
        topics = self._faq_topics.get(key, frozenset())
        if topics <= asked:
            # An FAQ whose question names no topic, only what it asks ("How much does gift
            # wrapping cost?"), is no answer to one about a topic ("How much does shipping cost?").
            named = (
                asked - _ASKED_OF_A_THING - COUNTRY_CONCEPTS - {"@country", OTHER} - self._faq_concepts[key]
            )
            return 0.0 if topics and topics <= _ASKED_OF_A_THING and named else 1.0
        shared = topics & asked
        return 0.0 if shared and shared <= _ASKED_OF_A_THING else _OTHER_QUESTION_SHARE

    def names(self, concept: str) -> bool:
        """Whether the pages name ``concept`` ("@eu"), its region, a place in it, or (a place) the world."""
        worldwide = self._ships_worldwide and concept in COUNTRY_CONCEPTS
        return worldwide or bool((with_regions({concept}) | in_regions({concept})) & self._idf.keys())

    def passage(self, key: str, position: int = 0) -> Passage | None:
        return next((p for p in self.passages if p.entry.key == key and p.position == position), None)

    def _coverage(self, query: Query, held: frozenset[str]) -> float:
        """The idf-weighted share of the question's shop concepts the passage holds (of all its
        terms when it names no concept): "exchange my shoes" is about returns whatever the shoes,
        "tell me a joke" is about nothing the shop wrote, and neither is a question about a thing
        the shop never names ("@other": "How much is the blue sofa?")."""
        concepts = {t for t in query.terms if t.startswith("@")}
        if OTHER in concepts:
            return 0.0
        if {"@country", "@ship"} <= concepts and "@country" in self._idf:
            # A country the shop never names is answered by where it does ship.
            concepts = {c for c in concepts if c in self._idf or c not in COUNTRY_CONCEPTS}
        wanted = concepts or set(query.terms)
        unknown = math.log(len(self.passages) + 1) + 1  # a term the knowledge never uses
        weight = {t: place_weight(t, self._idf, unknown) for t in wanted}
        total = sum(weight.values())
        held = held | in_regions(held)
        if WORLD in held:
            held |= COUNTRY_CONCEPTS  # "to the rest of the world" is to Canada, named elsewhere or not
        found = sum(weight[t] for t in wanted & held)
        return found / total if total else 0.0


def shop_language(knowledge: Knowledge) -> Language:
    """The language the shop writes its knowledge in, told from the start of its text."""
    return detect_language(" ".join(e.content for e in knowledge.entries)[:_LANGUAGE_SAMPLE_CHARS])


@functools.lru_cache(maxsize=4)
def knowledge_index(knowledge: Knowledge) -> KnowledgeIndex:
    """The index of a knowledge snapshot, built once per version on this instance."""
    return KnowledgeIndex(knowledge)
