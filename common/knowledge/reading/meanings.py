"""Phrases whose words mean something else alone, rewritten before a question is cut into words."""

from __future__ import annotations

import re

# Phrases whose words mean something else alone ("as long as the order has not shipped").
_NOT_TOPICAL = re.compile(r"\b(?:as long as|so lange|get back to you)\b")
# "Outside (of) (the)", "non-", "außerhalb", "hors de", "fuera de", "fuori", "buiten": before a region.
_OUTSIDE = (
    r"\b(?:outside (?:of )?(?:the )?|non-?|au(?:ss|ß)erhalb (?:der |von )?"
    r"|hors (?:de )?(?:l[\u2019']|la )?|fuera de (?:la )?"
    r"|(?:al di )?fuori (?:dal|dall[\u2019']|dell[\u2019']|della |d[\u2019'])?|buiten (?:de )?)"
)
# The European Union, by name (the EU, not Europe).
_EUROPEAN_UNION = (
    r"(?:european union|union europ[ée]enne|uni[oó]n europea|unione europea|europese unie"
    r"|europ[aä]ische(?:n)? union)"
)
# Phrases that mean one concept whose words alone mean another: an email address is no
# delivery address, and "free of charge" is free, not a charge.
_ONE_MEANING = (
    (
        re.compile(
            r"\be-?mail[\s-]?(?:address|adresse|adres)\b"
            r"|\b(?:adresse|direcci[oó]n|indirizzo)(?: de| di)? (?:e-?mail|correo|courriel)\b"
        ),
        " email ",
    ),
    (re.compile(r"\bfree of charge\b"), " free "),
    # Everywhere else (the vocabulary's phrases have two words, or three with one between).
    (re.compile(r"\brest (?:of the world|van de wereld)\b"), " worldwide "),
    # Outside the EU is no country in it: not "the EU" (``countries``' "noneu"); outside Europe
    # is none in Europe ("noneurope"), and the European Union is the EU, not Europe.
    (
        re.compile(_OUTSIDE + r"(?:eu|ue|" + _EUROPEAN_UNION + r")\b"),
        " noneu ",
    ),
    (re.compile(_OUTSIDE + r"(?:europe|europa|europas)\b"), " noneurope "),
    (re.compile(r"\b" + _EUROPEAN_UNION + r"\b"), " eu "),
    # "All other EU countries" are the EU's, not the rest of the world ("other countries").
    (
        re.compile(
            r"\b(?:other|andere[n]?|autres|otros|altri) (?:eu|ue)[\s-]?"
            r"(?:countr(?:y|ies)|l[aä]nder[n]?|landen|pays|pa[ií]ses|paesi|member states)\b"
        ),
        " eu ",
    ),
    # A sum of money is a price, whether the shop writes "3.95 EUR" or "€3.95".
    (re.compile(r"[€£$]"), " eur "),
    # An email address or a phone number is a way to reach the shop ("Mail us at help@shop.example
    # or ring +31 20 123 4567"), more than a word that names one.
    (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), " email email "),
    (re.compile(r"(?<![\w.,])(?:\+\d|\(?0\d{1,4}\)?[ /-]\d)[\d ()/-]{5,}\d\b"), " phone phone "),
    # Shrink wrap is packaging, not gift wrap ("still in the shrink wrap", "shrink-wrapped").
    (re.compile(r"\bshrink[\s-]?wrap\w*"), " sealed "),
    # A card brand, not express shipping.
    (re.compile(r"\bamerican express\b"), " amex "),
    # Money back is a refund, not a return ("Geld zurück", "geld terug", "devolver el dinero").
    (
        re.compile(
            r"\b(?:geld|money) (?:zur[uü]ck|terug|back)\w*"
            r"|\b(?:devolver|devuelv\w+|devoluci[oó]n)(?: de)? (?:el |mi |del )?dinero\b"
        ),
        " refund ",
    ),
    # Changing an order or an address, not exchanging an item ("cambiar" is both).
    (
        re.compile(
            r"\bcambiar(?:e)?(?: (?:el|la|mi|mis|los|las|il|la|mio|mia|l'|lo))* ?"
            r"(?=pedidos?\b|ordin[ei]\b|direcci[oó]n\b|indirizzo\b)"
        ),
        " modificar ",
    ),
    # Nobody at home, in three or four words (the vocabulary's phrases have two).
    (re.compile(r"\bno (?:estoy|estar[eé]|hay nadie) en casa\b|\bnon (?:sono|sar[oò]) a casa\b"), " absent "),
)


def with_one_meaning(text: str) -> str:
    """Lower-case ``text`` with such phrases left out or written as the one word they mean."""
    text = _NOT_TOPICAL.sub(" ", text.lower())
    for phrase, meaning in _ONE_MEANING:
        text = phrase.sub(meaning, text)
    return text
