"""Which language a text is in, and how to cut it into comparable words in that language."""

from __future__ import annotations

import bisect
import functools
import gzip
import heapq
import itertools
import json
import re
import threading
import unicodedata
from typing import Any, Literal

import snowballstemmer

from common.knowledge.reading.cues import covers_more, language_of_words

Language = Literal["en", "de", "fr", "es", "it", "nl"]
LANGUAGES: tuple[Language, ...] = ("en", "de", "fr", "es", "it", "nl")
_STEMMERS: dict[Language, str] = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
}
# Below this confidence a short text is more likely the shop's own language misread.
_MIN_CONFIDENCE = 0.75
# Unless a question of two words or more is read this surely, and at least this many times as
# likely as the next language: "Wat kost verzending?" (nl 0.69, de 0.28) and "Wie lautet eure
# E-Mail-Adresse?" (de 0.65, fr 0.31) are no English. A single word ("Retoure": fr 0.69) is not.
_CLEAR_LEAD_CONFIDENCE = 0.6
_CLEAR_LEAD_RATIO = 2.0
# Or, for two words or more, read this surely with the language's shop words in it (``cues``).
_CUED_CONFIDENCE = 0.5
# A question of this many words or fewer may be told by its shop words (``cues``), when it is
# this short: a compound is long, a pasted blob of one "word" is no question (and its cue scan
# would cost tens of milliseconds).
_FEW_WORDS = 2
_FEW_WORDS_CHARS = 60

_WORD = re.compile("[^\\W_]+(?:['\u2019][^\\W_]+)?")


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no topic, in every language we speak ("how long does shipping take" is
# about shipping). Words that do carry one (long, take, cost) are left to the vocabulary.
_STOPWORDS: dict[Language, frozenset[str]] = {
    "en": _set(
        "a an and are as at be by can could do does did for from how i i'm i'd i've i'll if in is it it's "
        "my of on or our so the to what what's whats when where which who why will with would you your me "
        "we us this that there please just still any some have has had am was get hi hey should shall "
        "must might but ok okay"
    ),
    "de": _set(
        "der die das den dem des ein eine einen einem einer und oder ist sind wie was wann wo welche "
        "welcher welches ich mich mir mein meine meinen du dich dir ihr euch euer eure sie es wir uns "
        "kann können könnt koennen man zu zum zur für von mit bei auf in im an am ob bitte noch auch "
        "habe hast hat haben wird werden aber ok okay"
    ),
    "fr": _set(
        "le la les l un une des du de d et ou est sont comment quoi quand où quel quelle quels quelles "
        "je j me m moi mon ma mes vous votre vos tu te il elle on nous ce c ça qu que qui à au aux en "
        "pour par avec sur dans est-ce puis peux peut pouvez s'il plait plaît mais ok"
    ),
    "es": _set(
        "el la los las un una unos unas y o es son cómo como qué que cuándo cuando dónde donde cuál "
        "cual yo me mi mis tu tus su sus usted ustedes vosotros vuestro vuestra nos nuestro de del a al "
        "en por para con se lo le puedo puede pueden hay pero ok"
    ),
    "it": _set(
        "il lo la i gli le un uno una e o è sono come cosa quando dove quale quali quanto io mi mio mia "
        "miei mie tu ti tuo vostro vostra voi ci noi di del della dei delle a al alla da dal in nel "
        "nella per con su posso può potete si ma ok"
    ),
    "nl": _set(
        "de het een en of is zijn hoe wat wanneer waar welke ik mij me mijn jij je jou jullie u uw wij "
        "we ons onze van voor met bij op in aan naar te kan kun kunnen er dat dit die maar ok oke"
    ),
}
# Words of agreement before a question ("Great, but how much?"), accent-free; within a question
# they may mean a thing ("a nice box", "un vale"), so they are no stopwords.
LEADING_FILLERS = _set(
    "yes yeah yep great cool alright fine nice perfect sure well so ja gut super prima klar also oui "
    "parfait bon alors si vale genial perfecto bueno entonces perfetto ottimo bene allora top goed dus"
)
# Chat shorthand, before anything else.
SHORTHAND: dict[str, str] = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "nr": "number",
    "no.": "number",
    "thx": "thanks",
    "ty": "thanks",
    "hasnt": "has not",
    "havent": "have not",
    "didnt": "did not",
    "isnt": "is not",
    "cant": "cannot",
    "whats": "what is",
}
_local = threading.local()


def fold(text: str) -> str:
    """Lower case without accents, so "Rückgabe", "ruckgabe" and "RÜCKGABE" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def unelided(word: str) -> str:
    """A word without its elided article or preposition ("l'heure": "heure", "dell'ordine":
    "ordine"); any other word as it is ("it's", "dov'e")."""
    head, apostrophe, tail = word.partition("'")
    return tail if apostrophe and 0 < len(head) <= 4 and len(tail) >= 3 else word


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, accents kept (stemmers need them)."""
    return [w.replace("\u2019", "'") for w in _WORD.findall(text.lower())]


_CLAUSE_END = re.compile(r"[,.;:!?\u00bf\u00a1]")


def clause_openings(text: str) -> list[str]:
    """The first two words of each clause of ``text`` ("My order shipped yesterday, when will it
    arrive?": "my", "order", "when", "will")."""
    return [w for clause in _CLAUSE_END.split(text) for w in words(clause)[:2]]


def is_stopword(word: str, language: Language) -> bool:
    return word in _STOPWORDS[language]


def stem(words_: list[str], language: Language) -> list[str]:
    """Snowball stems; stemmers keep state while they work, so one per thread and language."""
    stemmers: dict[str, Any] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    stemmer = stemmers.get(language)
    if stemmer is None:
        stemmer = stemmers[language] = snowballstemmer.stemmer(_STEMMERS[language])
    stems: list[str] = stemmer.stemWords(words_)
    kept = _UNSTEMMED.get(language)
    if kept:
        stems = [w if w in kept else s for w, s in zip(words_, stems, strict=True)]
    return stems


# Words whose stem would mean something else: "packaging" (the box an item came in) is no
# "package" (a parcel).
_UNSTEMMED: dict[Language, frozenset[str]] = {"en": frozenset({"packaging"})}


# The most frequent words of a language that count as words of it (pyspellchecker's frequency
# lists, from subtitles). Words at a list's lowest count are left out: most of the German,
# French, Italian and Dutch lists share it, so it tells no frequent word from a rare one.
_COMMON_WORDS = 50_000
_common_words_lock = threading.Lock()


def is_common_word(word: str, language: Language) -> bool:
    """Whether the accent-free ``word`` is a common word of ``language`` ("agent", "customer",
    "dress" in English), or another form of one (the Spanish list has "pedido", order, but not
    "pedidos"; nor "tardan" beside "tardar"): such a word is what the shopper meant, not a typo
    of another one ("pedidos" is no "perdido", lost)."""
    with _common_words_lock:  # two first questions at once load the list once
        if word in _common_words(language):
            return True
    base = stem([word], language)[0]
    if len(base) < _MIN_STEM:
        return False
    return any(w.startswith(base) for w in _by_stem(language, base[:_MIN_STEM]).get(base, ()))


# A stem this short is shared by words of every kind.
_MIN_STEM = 3


@functools.lru_cache(maxsize=4096)
def _by_stem(language: Language, start: str) -> dict[str, tuple[str, ...]]:
    """The common words of ``language`` that begin with ``start``, by their stem. Stemmed once
    per beginning (about 1 ms per 100 words), so a message of many odd words costs at most one
    pass over the list, not one per word."""
    with _common_words_lock:
        ordered = _in_order(language)
    first = bisect.bisect_left(ordered, start)
    same_start = list(
        itertools.takewhile(lambda w: w.startswith(start), itertools.islice(ordered, first, None))
    )
    grouped: dict[str, list[str]] = {}
    for w, s in zip(same_start, stem(same_start, language), strict=True):
        grouped.setdefault(s, []).append(w)
    return {s: tuple(ws) for s, ws in grouped.items()}


@functools.cache
def _in_order(language: Language) -> tuple[str, ...]:
    """The common words of ``language`` in alphabetical order (those sharing a beginning are together)."""
    return tuple(sorted(_common_words(language)))


@functools.cache
def _common_words(language: Language) -> frozenset[str]:
    """Loaded the first time a word of ``language`` looks like a typo of a known word (0.2-0.8 s,
    2-7 MB kept, 15-55 MB while loading; never at cold start, nor for a question without such a word)."""
    from importlib import resources

    packed = resources.files("spellchecker") / "resources" / f"{language}.json.gz"
    with packed.open("rb") as raw, gzip.open(raw) as unpacked:
        counts: dict[str, int] = json.load(unpacked)
    floor = min(counts.values(), default=0)
    frequent = [w for w, n in counts.items() if n > floor]
    return frozenset(fold(w) for w in heapq.nlargest(_COMMON_WORDS, frequent, key=counts.__getitem__))


@functools.cache
def _identifier() -> Any:
    """py3langid's model (about 0.5 s to load): once per instance, on the first question."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


_identify_lock = threading.Lock()


# Only Spanish opens a question or an exclamation with a turned mark.
_SPANISH_MARKS = re.compile("[\u00bf\u00a1]")


def detect_language(text: str, *, default: Language = "en") -> Language:
    """The language of ``text`` among those we speak; ``default`` when too short to tell."""
    count = len(words(text))
    if count == 0:
        return default
    with _identify_lock:  # the identifier is not documented as thread-safe
        (language, confidence), (_, runner_up) = _identifier().rank(text)[:2]
    clear_lead = (
        count > 1 and confidence >= _CLEAR_LEAD_CONFIDENCE and confidence >= _CLEAR_LEAD_RATIO * runner_up
    )
    if (confidence < _MIN_CONFIDENCE and not clear_lead) or language not in LANGUAGES:
        # Too short to tell ("¿Aceptan PayPal?"), but for Spanish's opening marks, and a word or
        # two that are one language's shop words ("Retourenetikett?", "Rechnung?").
        if _SPANISH_MARKS.search(text):
            return "es"
        folded_words = [fold(w) for w in words(text)]
        few = count <= _FEW_WORDS and len(text) <= _FEW_WORDS_CHARS
        cued = language_of_words(folded_words) if few else None
        if cued is None and count > 1 and confidence >= _CUED_CONFIDENCE and language in LANGUAGES:
            # "Is retourneren gratis?" (nl 0.57): more likely than not, and its shop words say so
            # more than the shop language's ("retourneren" holds Dutch's "retour", no English one).
            cued = language if covers_more(folded_words, language, default) else None
        return cued or default
    return language  # type: ignore[no-any-return]
