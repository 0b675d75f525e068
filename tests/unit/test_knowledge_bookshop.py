"""A Dutch bookshop's pages (Boekhuis Lente, from a newcomer trial): the answers its shoppers
need come from its own sentences, not from another entry that shares a word."""

from __future__ import annotations

import pytest

from common.knowledge import Knowledge, KnowledgeEntry
from common.knowledge.answering.answerer import KnowledgeAnswerer, covering_entries
from common.knowledge.search.retrieval import knowledge_index

_BOOKSHOP = Knowledge(
    version=11,
    entries=(
        KnowledgeEntry(
            "shipping",
            "Shipping & delivery",
            "We send our books from Amsterdam with PostNL. Within the Netherlands shipping is €3.95, and it's free when your order comes to €30 or more. To Belgium and Germany we charge €6.95, to all other EU countries €9.95. The UK and Switzerland are €14.95; please note your local customs office may charge import duties or VAT when the parcel arrives. Sorry, for now we can't ship outside Europe.\n\nOrder before 16:00 on a working day and your books leave us the same day. In the Netherlands most parcels arrive within 1-2 working days; elsewhere in the EU allow 2-4 working days.",
            "policy",
        ),
        KnowledgeEntry(
            "returns",
            "Returns & refunds",
            "Changed your mind? You have 14 days after receiving your order to send a book back. We can only take books back unread and in the condition you got them: no creases, no notes, and still in the shrink wrap if it came in one. Return postage is at your own expense. Drop us a line first so we know it's coming, then post it to Boekhuis Lente, Retouren, Prinsengracht 100, 1015 EA Amsterdam. Once the book is back with us, you'll have your money back within 5 working days, on the payment method you used. E-books are downloads, so we can't take them back once you've bought them.",
            "policy",
        ),
        KnowledgeEntry(
            "support-hours",
            "Customer service",
            "Questions about an order, or looking for a particular book? Our customer service team is there for you Monday to Friday from 10:00 to 17:00 (CET). Mail us at help@boekhuislente.example or ring +31 20 123 4567. Mails that come in over the weekend are answered on Monday.",
            "policy",
        ),
        KnowledgeEntry(
            "payment",
            "Paying for your order",
            "You can pay with iDEAL, credit card (Visa and Mastercard), PayPal or a Boekhuis Lente gift card. A gift card can be combined with another payment method at checkout.",
            "policy",
        ),
        KnowledgeEntry(
            "faq-gift-wrap",
            "Can you wrap a book as a present?",
            "Of course! Tick 'gift wrap' in your basket and we wrap it in our Lente paper with a ribbon, for €2.50 per book. A handwritten card with your message is free.",
            "faq",
        ),
        KnowledgeEntry(
            "faq-pre-orders",
            "How do pre-orders work?",
            "Books that aren't out yet can be pre-ordered. We ship them on release day, so they usually land on your doormat a day or two later. If you order a pre-order together with books that are already in stock, we hold the whole order until the release day, so place two separate orders if you want the rest sooner.",
            "faq",
        ),
        KnowledgeEntry(
            "faq-track-order",
            "Where is my parcel?",
            "As soon as your parcel leaves us you get an email from PostNL with a Track & Trace code. Can't find it? Check your spam folder, or mail us your order number and we'll look it up.",
            "faq",
        ),
        KnowledgeEntry(
            "faq-change-address",
            "I entered the wrong address, can you change it?",
            "Let us know as fast as possible by phone or email. If we haven't packed your order yet we can change the address; once it's with PostNL we can't change it anymore.",
            "faq",
        ),
        KnowledgeEntry(
            "faq-damaged-book",
            "My book arrived damaged, what now?",
            "How annoying! Send us a photo of the damage and your order number within 7 days of delivery. We'll send you a new copy at our expense, or refund you if the book is no longer available. You don't need to send the damaged copy back.",
            "faq",
        ),
        KnowledgeEntry(
            "faq-gift-card-balance",
            "How do I check my gift card balance?",
            "Enter the code on the back of your card on our Gift cards page and click 'Check balance'. Gift cards are valid for 2 years after purchase and can be used for books and e-books.",
            "faq",
        ),
        KnowledgeEntry(
            "faq-student-discount",
            "Do you have a student discount?",
            "Because of the Dutch fixed book price law (vaste boekenprijs) we can't give discounts on Dutch-language books. Students do get 10% off English-language study books: sign up with your university email address and the discount is applied at checkout.",
            "faq",
        ),
        KnowledgeEntry(
            "faq-bulk-orders",
            "Can I order in bulk for a school or book club?",
            "Yes. For schools, book clubs and companies ordering 10 or more copies of the same title we're happy to make you an offer. Mail the titles and quantities to help@boekhuislente.example and we'll get back to you within 2 working days.",
            "faq",
        ),
        KnowledgeEntry(
            "faq-ebooks",
            "How do e-books work?",
            "After payment you get a download link by email. Our e-books are EPUB files that work on most e-readers (Kobo, Tolino, PocketBook) and in apps like Apple Books. Kindle is not supported.",
            "faq",
        ),
    ),
)


def _answer(question: str, *before: str) -> str:
    return KnowledgeAnswerer(_BOOKSHOP).answer(question, before="\n\n".join(before)).text


def test_returning_an_ebook_bought_by_mistake_gets_the_ebook_rule() -> None:
    text = _answer("I bought an e-book by mistake, can I return it?")

    assert "E-books are downloads" in text, text
    assert "damage" not in text, text


def test_sending_it_back_after_a_damaged_item_gets_the_damaged_items_case() -> None:
    text = _answer(
        "Do I need to send it back?", "My book arrived with a torn cover", "By when do I have to report it?"
    )

    assert "You don't need to send the damaged copy back." in text, text
    assert "unread" not in text, text


@pytest.mark.parametrize(
    ("question", "before", "said"),
    [
        ("I want to return a book. Where do I send it?", "", "Prinsengracht 100"),
        ("Wie kann ich ein Buch zurückgeben?", "", "You have 14 days"),
        ("Is it free above a certain amount?", "Do you ship to Austria? How much?", "free when your order"),
    ],
)
def test_a_covered_question_is_answered_and_no_gap(question: str, before: str, said: str) -> None:
    assert said in _answer(question, *([before] if before else []))
    assert covering_entries(knowledge_index(_BOOKSHOP), question, before=before)


def test_many_copies_of_one_title_get_the_bulk_orders_faq() -> None:
    text = _answer("We're a book club and want 15 copies of the same novel, is there a discount?")

    assert "10 or more copies" in text, text
    assert "Students" not in text, text


def test_whether_a_particular_book_is_in_stock_is_not_covered_and_a_gap() -> None:
    question = "Do you have the new Sally Rooney book in stock?"

    assert "couldn't find" in _answer(question)
    assert not covering_entries(knowledge_index(_BOOKSHOP), question)


@pytest.mark.parametrize(
    "question",
    ["Can I return a book I've already started reading?", "Kann ich ein gelesenes Buch zurückgeben?"],
)
def test_returning_a_read_book_gets_the_condition_unread(question: str) -> None:
    assert "unread" in _answer(question)


def test_shrink_wrap_is_no_gift_wrap() -> None:
    text = _answer("Can I return an opened book if it still has the shrink wrap?")

    assert "shrink wrap" in text, text
    assert "ribbon" not in text, text
    assert "@giftwrap" not in knowledge_index(_BOOKSHOP).query("Is it still in the shrink wrap?").terms
