"""Shop words that only one language writes so, for questions too short to tell by their letters.

"Retourenetikett?" or "Rechnung?" alone is too short for the language identifier (it reads
"Retourenetikett" as French), yet a German word: its "etikett", "rechnung". Accent-free and
lower case; a word starting with a cue is the cue's language, and in German and Dutch, which
write compounds as one word, so is a word holding one ("ruckgabe" in "warenruckgabe").
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from common.knowledge.reading.language import Language

# A word two languages write ("retour" in French and Dutch, "tracking" in English, German and
# Dutch) tells neither: the shop's own language then.
_CUES: dict[Language, str] = {
    "en": "shipping shipment deliver parcel package refund return exchange invoice receipt label "
    "tracking cancel payment voucher discount customs damaged broken warranty pickup size "
    "address order phone opening hours",
    "de": "versand versend verschick liefer paket zustell sendung ruckgab rucksend ruckversand "
    "ruckerstatt umtausch erstatt retoure etikett rechnung quittung beleg bestell storn "
    "zahlung bezahl zahlungs uberweis gutschein rabatt zoll abhol kundenservice kundendienst "
    "anruf telefonnummer offnungszeit verfolg widerruf gewahrleist kaputt defekt beschadigt "
    "andern anderung adresse falsch grosse kosten preis gebuhr kostenlos versandkost tracking "
    "label nummer",
    "fr": "livraison livrer expedition envoi colis remboursement rembourser echange facture recu "
    "retour retourner "
    "etiquette suivi annulation annuler paiement payer douane endommage casse garantie retrait "
    "taille adresse commande modifier modification telephone horaire",
    "es": "envio entrega paquete reembolso devolucion devolver cambio factura recibo etiqueta "
    "seguimiento cancelar cancelacion pago pagar aduana danado roto garantia recogida talla "
    "direccion pedido modificar cambiar telefono horario",
    "it": "spedizione spedire consegna pacco rimborso reso restituire cambio fattura ricevuta "
    "etichetta tracciamento annullare annullamento pagamento pagare dogana danneggiato rotto "
    "garanzia ritiro taglia indirizzo ordine modificare cambiare telefono orari",
    "nl": "verzend bezorg levering pakket terugbetal retour ruilen factuur kassabon etiket "
    "volgen annuleren betaling betalen douane beschadigd kapot garantie afhalen ophalen maat "
    "adres bestelling wijzigen wijziging telefoon openingstijd kosten tracking label nummer",
}
# Languages that write a compound as one word: a cue counts inside a word too.
_COMPOUNDING = frozenset({"de", "nl"})
# A cue this short counts only at the start of a word.
_MIN_INSIDE = 5


@functools.cache
def _cues() -> dict[Language, tuple[str, ...]]:
    return {language: tuple(dict.fromkeys(cues.split())) for language, cues in _CUES.items()}


def language_of_words(folded_words: list[str]) -> Language | None:
    """The one language whose shop words cover most of ``folded_words`` (accent-free, lower
    case), and at least half their letters: "retourenetikett" is German ("retoure", "etikett"),
    more than Dutch ("retour", "etiket"). None: no such language, or two cover as much."""
    covered = {
        language: sum(_covered(w, cues, language in _COMPOUNDING) for w in folded_words)
        for language, cues in _cues().items()
    }
    most = max(covered.values())
    best = [language for language, n in covered.items() if n == most]
    letters = sum(len(w) for w in folded_words)
    return best[0] if len(best) == 1 and 2 * most >= letters else None


def covers_more(folded_words: list[str], language: Language, than: Language) -> bool:
    """Whether ``language``'s shop words cover more letters of ``folded_words`` than ``than``'s:
    "retourneren" is a Dutch shop word ("retour"), and no English one."""
    cues = _cues()
    mine = sum(_covered(w, cues[language], language in _COMPOUNDING) for w in folded_words)
    return mine > sum(_covered(w, cues[than], than in _COMPOUNDING) for w in folded_words)


def _covered(word: str, cues: tuple[str, ...], inside: bool) -> int:
    """How many letters of ``word`` the cues cover: one it starts with, and in a compounding
    language any it holds."""
    hit = [False] * len(word)
    for cue in cues:
        starts = [0] if word.startswith(cue) else []
        if inside and len(cue) >= _MIN_INSIDE:
            starts += [n for n in range(1, len(word)) if word.startswith(cue, n)]
        for start in starts:
            hit[start : start + len(cue)] = [True] * len(cue)
    return sum(hit)
