"""The shop's knowledge (policies and FAQ entries) as the chat reads it.

The built-in defaults seed a new shop and are the last resort when the database is
unreachable and nothing is cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from common.knowledge.search.embeddings import EmbeddingMatrix

Kind = Literal["policy", "faq"]


@dataclass(frozen=True)
class KnowledgeEntry:
    key: str
    title: str
    content: str
    kind: Kind = "policy"


@dataclass(frozen=True)
class Knowledge:
    """A consistent snapshot of the knowledge base; ``version`` changes with every edit.

    Version 0 means the built-in defaults (nothing read from the database). ``embeddings``
    (one row per entry, for hybrid retrieval) rides along with the cached snapshot.
    """

    version: int
    entries: tuple[KnowledgeEntry, ...]
    embeddings: EmbeddingMatrix | None = field(default=None, compare=False, repr=False)

    @property
    def policies(self) -> tuple[KnowledgeEntry, ...]:
        return tuple(e for e in self.entries if e.kind == "policy")

    @property
    def faq(self) -> tuple[KnowledgeEntry, ...]:
        return tuple(e for e in self.entries if e.kind == "faq")


DEFAULT_ENTRIES: tuple[KnowledgeEntry, ...] = (
    KnowledgeEntry(
        "shipping",
        "Shipping",
        "We ship to all addresses in the EU, the UK, Switzerland and Norway. Standard shipping "
        "costs 4.95 EUR and is free on orders over 50 EUR. Express shipping costs 12.95 EUR. "
        "Orders placed before 14:00 (CET) on a working day leave our warehouse the same day; "
        "later orders leave the next working day. Every order gets a tracking link by email "
        "once it has shipped.",
    ),
    KnowledgeEntry(
        "delivery",
        "Delivery times",
        "Standard delivery takes 2-4 working days within Germany and 3-7 working days to the "
        "rest of the EU, the UK, Switzerland and Norway. Express delivery takes 1-2 working days "
        "within Germany and 2-3 working days elsewhere. Deliveries to the UK, Switzerland and "
        "Norway may be delayed by customs. If a parcel has not arrived 10 working days after "
        "shipping, contact support and we will trace it or send a replacement.",
    ),
    KnowledgeEntry(
        "returns",
        "Returns and refunds",
        "You can return unused items in their original packaging within 30 days of delivery. "
        "Start a return from the link in your shipping email; returns within the EU are free, "
        "returns from the UK, Switzerland and Norway cost 6.95 EUR. We refund to the original "
        "payment method within 5 working days of receiving the return. Sale items can be "
        "returned for store credit only. Personalised items and opened hygiene products cannot "
        "be returned unless they arrived damaged or faulty.",
    ),
    KnowledgeEntry(
        "support-hours",
        "Support hours and contact",
        "Our support team is open Monday to Friday, 9:00-18:00, and Saturday, 10:00-14:00 (CET), "
        "except public holidays. Email support@example-shop.com (answer within one working day) "
        "or call +49 30 1234 5678 during support hours. Outside these hours, leave a message "
        "and we will get back to you on the next working day.",
    ),
    KnowledgeEntry(
        "faq-track-order",
        "How do I track my order?",
        "Use the tracking link in your shipping confirmation email. If you cannot find it, "
        "contact support with your order number and we will send it again.",
        "faq",
    ),
    KnowledgeEntry(
        "faq-change-address",
        "Can I change my delivery address after ordering?",
        "Yes, as long as the order has not shipped yet. Contact support with your order number "
        "and the new address as soon as possible.",
        "faq",
    ),
    KnowledgeEntry(
        "faq-payment-methods",
        "Which payment methods do you accept?",
        "We accept Visa, Mastercard, American Express, PayPal, Apple Pay, Google Pay and Klarna (pay later).",
        "faq",
    ),
    KnowledgeEntry(
        "faq-damaged-item",
        "What if my item arrives damaged?",
        "We are sorry! Send a photo of the damage and your order number to support within 14 "
        "days of delivery and we will send a replacement or refund you in full, including "
        "shipping.",
        "faq",
    ),
    KnowledgeEntry(
        "faq-cancel-order",
        "Can I cancel my order?",
        "Orders can be cancelled free of charge until they ship. After that, simply return the "
        "items within 30 days of delivery.",
        "faq",
    ),
)

DEFAULT_KNOWLEDGE = Knowledge(version=0, entries=DEFAULT_ENTRIES)
