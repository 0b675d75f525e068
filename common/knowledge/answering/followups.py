"""Follow-ups: a question read with the shopper's questions before it.

"How much is it to Norway?" after "How long does shipping take?" asks what shipping costs;
"What if it already shipped?" after "Can I cancel my order?" is a case of cancelling; "It's
been two weeks" after "Where is my parcel?" says the parcel has not come.
"""

from __future__ import annotations

import re

from common.knowledge.answering.deadlines import by_a_day, names_a_day, reporting_deadline
from common.knowledge.reading.analysis import terms
from common.knowledge.reading.countries import COUNTRY_CONCEPTS
from common.knowledge.reading.language import Language, detect_language, fold, is_stopword, words
from common.knowledge.reading.vocabulary import CONDITIONED_TOPICS, ITEM_KINDS, OTHER
from common.knowledge.search.retrieval import KnowledgeIndex, Query

# What a question asks for, and where or which way: a question naming only these ("How much is
# it to Norway?", "And how long?", "Is it free?", "And express?") has no topic of its own and
# follows up the one before it.
_ASKS = frozenset({"@cost", "@duration", "@free"})
PLACES = COUNTRY_CONCEPTS | {"@country"}
_VARIANTS = PLACES | {"@express"}
_SHORT_FOLLOW_UP_WORDS = 3
# "How much does it cost?", "Wie lange dauert das?": the thing is the one asked about before.
_IT = frozenset(
    {"it", "that", "this", "es", "das", "dies", "ca", "cela", "eso", "esto", "cio", "questo", "het", "dat"}
)
# "What do I do?", "What now?", "And then?", "Was jetzt?", "¿Y ahora qué?": a question whose
# words, but stopwords, are only these names no topic and goes on with the one before it.
_NO_TOPIC = frozenset(
    {"now", "then", "next", "do", "does", "done", "happens", "jetzt", "nun", "dann", "tun", "mache"}
    | {"machen", "passiert", "maintenant", "alors", "ensuite", "faire", "fais", "ahora", "luego"}
    | {"despues", "hago", "hacer", "pasa", "adesso", "ora", "poi", "dopo", "faccio", "fare", "nu"}
    | {"dan", "daarna", "doe", "doen"}
)
# Sending it ("Where do I send it?", "How do I ship them?", "Wohin schicke ich es?"): no topic of
# its own either, but of the question before (a return is sent back one way, an order another).
_SENDING = frozenset(
    {"send", "sent", "ship", "post", "mail", "schicke", "schicken", "sende", "senden", "verschicke"}
    | {"envoie", "envoyer", "renvoie", "renvoyer", "envio", "enviar", "mando", "mandar"}
    | {"spedisco", "spedire", "invio", "inviare", "stuur", "sturen", "opsturen", "verstuur"}
)
_THEM = _IT | {"them", "sie", "ihn", "les", "le", "la", "lo", "los", "las", "li", "ze", "hem"}
_SENT_BY = frozenset({"@ship", "@email", "@return"})  # "ship", "mail", "renvoyer"
# Where or how a thing is sent: after a question about returns, how a return starts.
_WHERE_OR_HOW = frozenset({"where", "how", "wohin", "wie", "ou", "comment", "donde", "adonde", "como"})
_WHERE_OR_HOW |= {"dove", "come", "waar", "waarheen", "hoe"}
# The shopper's questions before the new one that the answerer reads: a chain of follow-ups
# ("How long does shipping take?", "And to Norway?", "And Switzerland?", "Is it free?") keeps
# its first question's topic up to this deep.
QUESTIONS_BEFORE = 4
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
    rf"|\b(vor|il y a) (\w+ )?{_UNIT}\b"  # "vor 12 Tagen", "il y a deux semaines"
    r"|\b(still (nothing|waiting|not here)|(immer )?noch (nichts|nicht da)|toujours rien|(todavia|aun) nada"
    r"|ancora (niente|nulla)|nog (steeds |altijd )?(niets|niks))\b"
)
_WAITING_TOPICS = frozenset({"@track", "@ship", "@late", "@missing"})
_NOT_HERE = _WAITING_TOPICS - {"@ship"}


def _waited(query: Query) -> Query:
    """A parcel on its way for a while: how long delivery takes and what to do when one has not
    come, not the number of days the shopper gave ("12 days" is in no rule)."""
    return Query(query.language, ["@duration", "@missing", "@ship"])


# Topics an order's case belongs to: "What if it never arrives?" after a payment question is
# about the parcel, not the payment.
ORDER_TOPICS = frozenset(
    {"@cancel", "@address", "@change", "@return", "@refund", "@ship", "@track", "@damage"}
)


def read_with_before(index: KnowledgeIndex, question: str, before: str) -> Query:
    """What ``question`` asks, read with the questions ``before`` it that it follows up. Where
    or how to send something back ("Where do I send it?" after a question about returns) is how
    a return starts."""
    own = index.query(question, language=_language_before(index, question, before))
    # "By when do I have to report it?" with no topic before it: the damaged-item deadline.
    query = reporting_deadline(index, _following_up(index, own, question, before), question)
    # "I need it by Friday": how long delivery takes; "Can I do that by Friday?": the topic before.
    query = by_a_day(query, question, _topic_before(index, before) if names_a_day(question) else frozenset())
    if _waiting_long(question, query):
        return _waited(query)
    said = {fold(w) for w in words(question)}
    if (
        said & _SENDING
        and _names_no_topic(question, own, index.language)
        and _shipped_unwanted(index, before)
    ):
        query = Query(query.language, [*query.terms, "@return"])  # the shopper sends it back
    if said & _THEM and concepts_in(query) - ITEM_KINDS == {"@return"} and _damaged_before(index, before):
        query = Query(query.language, [*query.terms, "@damage"])  # "Do I send it back?": the damaged one
    # "How do I return it?", "Wie geht das?" about returning, nothing else: how a return starts.
    how = concepts_in(query) - ITEM_KINDS == {"@return"} or bool(said & _SENDING)
    # (Where the pages say how one starts: a return label, a link.)
    starts = index.names("@label") and "@label" not in query.terms
    if "@return" in query.terms and how and said & _WHERE_OR_HOW and starts:
        return Query(query.language, [*query.terms, "@label"])
    return query


def _topic_before(index: KnowledgeIndex, before: str) -> frozenset[str]:
    """The topic of the latest question ``before``, where and which way (not what it asked:
    a price, a time)."""
    return frozenset(concepts_in(_previous(index, before)) - _ASKS - {OTHER}) if before else frozenset()


def _damaged_before(index: KnowledgeIndex, before: str) -> bool:
    """Whether the conversation so far is about an item that arrived damaged ("My book arrived
    with a torn cover", then "By when do I have to report it?"): sending "it" back is its case."""
    return "@damage" in _topic_before(index, before)


def _shipped_unwanted(index: KnowledgeIndex, before: str) -> bool:
    """Whether the latest question ``before`` is an order the shopper wanted to cancel or change
    that has shipped ("What if it already shipped?" after "Can I cancel my order?"): sending
    it ("Where do I send it?") is sending it back."""
    older, _, latest = before.rpartition("\n\n")
    if not latest or not (_WHAT_IF.match(fold(latest)) or _ALREADY.search(fold(latest))):
        return False
    read = concepts_in(_following_up(index, index.query(latest), latest, older))
    return "@ship" in read and bool(read & {"@cancel", "@change", "@address"})


def _waiting_long(question: str, query: Query) -> bool:
    """Whether ``question`` asks after a parcel and says how long it has been on its way ("Where
    is my parcel? It shipped 12 days ago", "vor 12 Tagen verschickt"): one that has not come."""
    concepts = concepts_in(query)
    # "I ordered 3 days ago, when will it ship?" asks when it leaves, not where it is.
    return (
        bool(concepts & _NOT_HERE)
        and concepts <= _WAITING_TOPICS | _ASKS
        and bool(_ELAPSED.search(fold(question)))
    )


def _names_no_topic(question: str, query: Query, shop: Language) -> bool:
    """Whether ``question`` says only what to do now ("What do I do?", "Was jetzt?") or where or
    how to send "it" ("Where do I send it?"), and so no topic of its own."""
    said = [fold(w) for w in words(question)]
    content = {w for w in said if not is_stopword(w, query.language) and not is_stopword(w, shop)}
    sending = bool(content & _SENDING) and bool(_THEM.intersection(said))
    if not content - _NO_TOPIC - (_SENDING | _WHERE_OR_HOW if sending else set()) - _THEM:
        return concepts_in(query) <= (_SENT_BY if sending else set())
    return False


def follows_up(question: str) -> bool:
    """Whether ``question`` is a few words naming only a price, a time or a place ("How much?",
    "And to Canada?", not "Gift wrapping?"), or names only those and its thing as "it" ("How much
    does it cost?"): it is read with the shopper's question before it."""
    said = words(question)
    if len(said) > _SHORT_FOLLOW_UP_WORDS and not _IT & {fold(w) for w in said}:
        return False
    concepts = {t for t in terms(question, (detect_language(question),)) if t.startswith("@")}
    return bool(concepts) and concepts <= _ASKS | _VARIANTS


def _language_before(index: KnowledgeIndex, question: str, before: str) -> Language | None:
    """The previous question's language for a follow-up of a few words ("And Switzerland?"),
    too short to tell its own; None: detect it."""
    if not before or len(words(question)) > _SHORT_FOLLOW_UP_WORDS:
        return None
    return detect_language(latest_two(before), default=index.language)


def latest_two(before: str) -> str:
    """The two latest of the questions ``before``: what tells the language a conversation is in
    now (a shopper may have switched)."""
    return "\n\n".join(before.split("\n\n")[-2:])


def _following_up(index: KnowledgeIndex, query: Query, question: str, before: str) -> Query:
    """``query`` about the previous question's topic, if it names only a price, a time or a place:
    "How much is it to Norway?" after "How long does shipping take?" asks what shipping costs.
    A kind of item alone follows up a question about returns: "What about sale items?" after
    "Can I return my shoes?" asks how sale items are returned. ``before`` may hold the questions
    before it, oldest first, each after a blank line: a previous follow-up ("And to Norway?")
    is read as about its own previous question's topic. "What if ...?" with no topic but what
    became of the order ("What if it already shipped?") is a case of the previous topic."""
    concepts = concepts_in(query)
    if before and concepts and concepts <= ITEM_KINDS:
        # The two latest questions ("Can I return my shoes?", "Thanks"), or a chain of kinds.
        asked = {*index.query(latest_two(before)).terms, *_previous(index, before).terms}
        returns = {t for t in asked if t in CONDITIONED_TOPICS}
        return Query(query.language, [*query.terms, *sorted(returns)]) if returns else query
    if not before:
        return query
    bare = _names_no_topic(question, query, index.language)
    if bare:
        concepts = set()  # "What now?": what the question before asked, as it asked it
    own = concepts - _ASKS - _VARIANTS
    # "It's been two weeks": a time, and words the pages never use ("her"), is no thing of its own.
    waiting = not own - {OTHER} and bool(_ELAPSED.search(fold(question)))
    what_if = not bare and (not concepts or bool(own))  # past here only as "What if ...?"
    case = _WHAT_IF.match(fold(question)) or (own and _ALREADY.search(fold(question)))
    if what_if and not waiting and not (own <= _CASES and case):
        return query  # a topic of its own, or a thing the pages never name ("the red sofa")
    previous = _previous(index, before)
    earlier = concepts_in(previous)
    topic = earlier - _ASKS - _VARIANTS - {OTHER}
    if waiting and topic & _WAITING_TOPICS:
        # Its words say only how long ("zwei Wochen", "todavia nada"): a parcel sent has not
        # come. How long delivery takes comes with what to do then, as the wait may be short.
        return _waited(query)
    if what_if and not topic & ORDER_TOPICS:
        return query  # the previous question was not about an order
    if not topic:
        # A topic the shop's vocabulary has no concept for ("Do you gift wrap?"): both questions
        # read as one, so that a price of a thing the pages never name is none of theirs.
        if earlier - _ASKS or all(t.startswith("@") for t in previous.terms):
            return query
        latest = before.rpartition("\n\n")[2]
        return index.query(f"{latest} {question}", language=query.language)
    # "And to Switzerland?" also asks what the previous question asked (a price, a time).
    inherited = topic if concepts & _ASKS else topic | (earlier & _ASKS)
    if not concepts & PLACES:  # "How much?" or "And express?" after "Do you ship to Canada?": to Canada
        inherited |= earlier & PLACES
    return Query(query.language, [*query.terms, *sorted(inherited - concepts)])


def _previous(index: KnowledgeIndex, before: str) -> Query:
    """What the latest question in ``before`` asked, read with the ones before it. A case of an
    earlier topic ("What if it already shipped?" after "Can I cancel my order?") passes on only
    the case: "And to Norway?" after it is about shipping, not cancelling."""
    older, _, latest = before.rpartition("\n\n")
    own = index.query(latest)
    if _WHAT_IF.match(fold(latest)) or _ALREADY.search(fold(latest)):
        # A case the shop's vocabulary has no word for ("What if it is a gift?") passes on the
        # topic before it.
        return own if concepts_in(own) or not older else _previous(index, older)
    return _following_up(index, own, latest, older)


def concepts_in(query: Query) -> set[str]:
    """The concepts a query names ("@ship", "@cost"), not its plain words."""
    return {t for t in query.terms if t.startswith("@")}
