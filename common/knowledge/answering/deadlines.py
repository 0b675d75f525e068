"""A deadline asked with no topic, in the first message or after one that named none: "By when
do I have to report it?" is the damaged-item deadline (reporting is what one does of a damaged
or faulty item); "How long do I have?" names nothing, and is asked back: which deadline? A day
to have it by ("I need it by Friday", "Kommt es bis Freitag an?") asks how long delivery takes."""

from __future__ import annotations

import re

from common.knowledge.reading.analysis import folded
from common.knowledge.reading.countries import COUNTRY_CONCEPTS
from common.knowledge.reading.language import is_stopword
from common.knowledge.reading.vocabulary import OTHER, concepts_of
from common.knowledge.search.retrieval import KnowledgeIndex, Query

# By when, or how long one has, accent-free (``folded``).
_DEADLINE = re.compile(
    r"\b(by|until|till|bis|jusqu'a|hasta|entro|fino a|tot) (when|wann|quand|cuando|quando|wanneer)\b"
    r"|\bhow (long|much time|many days) (do|have) (i|we) (have|got)\b|\bdeadlines?\b"
    r"|\bwie (lange|viel zeit) (habe|hab|haben) (ich|wir)( zeit)?\b"
    r"|\bcombien de (temps|jours) (ai je|j'ai|avons nous)\b|\bcuanto tiempo (tengo|tenemos)\b"
    r"|\bquanto tempo (ho|abbiamo)\b|\bhoe ?(lang|veel tijd) (heb|hebben) (ik|we)\b"
)
# Telling the shop of a problem: "report it", "mich melden", "reklamieren", "le signaler",
# "avisar", "segnalarlo", "het melden", "tell you", "let you know".
_REPORTING = re.compile(
    r"\b(report\w*|complain\w*|notify|tell|let (you|us) know|melde\w*|meld|reklam\w*|bescheid"
    r"|signal\w*|preveni\w*|reclam\w*|avis\w*|segnal\w*)\b"
)
# What one must or may do by then, and what for: no thing of its own.
_MUST_OR_MAY = frozenset(
    {"need", "must", "should", "can", "could", "muss", "musst", "kann", "dois", "doit", "peux", "tengo"}
    | {"debo", "puedo", "devo", "posso", "moet", "kan", "ai", "heb", "have", "you", "us", "om", "um", "zu"}
)
# Having the thing, or it being with the shopper: by when asks when it comes ("By when will I
# have it?", "Bis wann habe ich es?", "Bis wann ist es bei mir?"), not "have to", "zu".
_HAVING_THE_THING = re.compile(
    r"\b(have|get|receive) (it|them)\b(?! to\b)"
    r"|\b(habe|hab|haben|bekomme|kriege) (ich |wir )?(es|sie|das|ihn)\b(?! zu\b)"
    r"|\b(heb|hebben|krijg|krijgen) (ik |we )?(het|ze)\b(?! te\b)|\bl'(avoir|aurai|aurons)\b"
    r"|\b(tenerlo|tenerla|tenerlos|lo tendre|la tendre)\b|\b(averlo|averla|ce l'avro)\b"
    r"|\b(bei (mir|uns)|chez (moi|nous)|bij (mij|ons)|en casa|a casa)\b"
)
_DAMAGE = "@damage"
# A deadline the shopper has: "within 14 days of delivery", "innerhalb von 14 Tagen", "binnen
# 30 dagen", "entro 14 giorni", "dentro de 14 días", "sous 14 jours".
_WITHIN_DAYS = re.compile(
    r"\b(within|innerhalb( von)?|binnen|entro|dentro de|en un plazo de|sous|dans un delai de) \d+ "
    r"(\w+ )?(days?|tagen?|werktagen?|dagen|werkdagen|giorni|dias|jours)\b"
)
_MOST_OPTIONS = 3


def _asks_a_deadline_alone(index: KnowledgeIndex, query: Query, question: str) -> bool:
    """Whether ``question`` asks by when, with no concept but a time, and no word of a thing
    ("the deadline for the competition") but telling the shop ("heb", "tengo" are no things,
    though the pages never use them)."""
    text = folded(question)
    if not _DEADLINE.search(text) or {t for t in query.terms if t.startswith("@")} - {"@duration", OTHER}:
        return False
    if _HAVING_THE_THING.search(text):
        return False  # "By when will I have it?": when it comes
    rest = _REPORTING.sub(" ", _DEADLINE.sub(" ", text)).split()
    languages = (query.language, index.language)
    return all(
        w in _MUST_OR_MAY or concepts_of(w) or any(is_stopword(w, lang) for lang in languages) for w in rest
    )


def reporting_deadline(index: KnowledgeIndex, query: Query, question: str) -> Query:
    """``query``, about a damaged item if it asks by when to report something and names no topic
    (nor did the question it follows up), and the pages write about damage."""
    if not _asks_a_deadline_alone(index, query, question) or not _REPORTING.search(folded(question)):
        return query
    if not index.rank_passages(Query(index.language, [_DAMAGE]), limit=1):
        return query
    return Query(query.language, [*(t for t in query.terms if t != OTHER), _DAMAGE])


def deadlines(index: KnowledgeIndex, query: Query, question: str) -> list[str]:
    """The titles of the entries that give the shopper a deadline ("within 30 days of delivery"),
    when ``question`` asks one and names nothing: the shopper is asked which. Empty: answer it."""
    if not _asks_a_deadline_alone(index, query, question):
        return []
    giving = [p.entry.title for p in index.passages if _WITHIN_DAYS.search(folded(p.text))]
    titles = list(dict.fromkeys(giving))
    return titles[:_MOST_OPTIONS] if len(titles) > 1 else []


# A day, or a holiday, to have it by, accent-free: "by Friday", "bis Freitag", "avant samedi",
# "para el viernes", "entro venerdi", "voor zaterdag", "before Christmas".
_BY_A_DAY = re.compile(
    r"\b(by|until|till|before|bis|vor|avant|d'ici|pour|para|antes|entro|prima|voor|uiterlijk|tegen)"
    r"( \w+){0,2} (?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|christmas"
    r"|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|wochenende|weihnachten|lundi|mardi"
    r"|mercredi|jeudi|vendredi|samedi|dimanche|noel|lunes|martes|miercoles|jueves|viernes|sabado|domingo"
    r"|navidad|lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|natale|maandag|dinsdag|woensdag"
    r"|donderdag|vrijdag|zaterdag|zondag|kerst|kerstmis)\b"
)
# The shop open or closed, there or at work, or reached: a day for that is support's hours ("open
# until Saturday", "Seid ihr bis Freitag da?", "Do you work till Friday?").
_OPEN_OR_REACHED = re.compile(
    r"\b(open|opening|close|closed|offen|geoffnet|ouvert|ouverts|ferme|abierto|abiertos|cerrado"
    r"|aperto|aperti|chiuso|geopend|gesloten|hours|uhr|reach|erreichbar|joindre)\b"
    r"|\b(seid ihr|sind sie)\b.*\bda\b|\b(you|u) (work|working)\b|\b(arbeitet ihr|arbeiten sie|travaillez"
    r"|trabajais|trabajan|lavorate|werken jullie)\b"
)
_HOURS = "@hours"
_REACHING = frozenset({"@contact", "@phone", "@email"})
_HAVING_IT = (
    frozenset({_HOURS, "@ship", "@duration", "@express", "@cutoff"}) | COUNTRY_CONCEPTS | {"@country"}
)


def names_a_day(question: str) -> bool:
    """Whether ``question`` names a day or a holiday to have or do something by."""
    return bool(_BY_A_DAY.search(folded(question)))


def by_a_day(query: Query, question: str, topic_before: frozenset[str] = frozenset()) -> Query:
    """``query``, about how long delivery takes if ``question`` asks to have it by a day ("I need
    it by Friday, is that possible?", "Will my order arrive before Christmas?"), which is no
    question of when the team is open; about ``topic_before`` (the previous question's topic) if
    it names none of its own ("Can I do that by Friday?" after "I want to return something")."""
    text = folded(question)
    day = _BY_A_DAY.search(text)
    concepts = {t for t in query.terms if t.startswith("@")}
    if not day or _OPEN_OR_REACHED.search(text) or concepts & _REACHING:
        return query
    if any("hours" in concepts_of(w) for w in f"{text[: day.start('day')]} {text[day.end('day') :]}".split()):
        return query  # "Quels sont vos horaires pour samedi ?", "Seid ihr Montag bis Freitag da?"
    terms = [t for t in query.terms if t != _HOURS]  # the day is no opening hours
    concepts -= {_HOURS}
    if topic_before and not concepts - {"@duration", OTHER}:
        # "Until when on Saturday?" after "When are you open?": the hours on that day.
        terms += sorted(topic_before - concepts)
        concepts |= topic_before
    if concepts - _HAVING_IT - {OTHER} or _HOURS in concepts:
        # "Can I return it before Friday?": the day is by when to do that, not support's hours,
        # unless the hours were the topic before.
        return Query(query.language, terms)
    # Its words ("need", "Friday", "before") are none of delivery's: the day is in no rule.
    return Query(query.language, sorted(concepts - {OTHER} | {"@ship", "@duration"}))
