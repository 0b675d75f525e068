"""The knowledge answerer on the labelled questions: at least 90 % must be answered right."""

from __future__ import annotations

from tests.eval.evaluate import PASS_MARK, evaluate, load_questions


def test_the_evaluation_set_covers_what_shoppers_ask() -> None:
    questions = load_questions()
    kinds = {q.kind for q in questions}

    assert len(questions) >= 60
    assert sum(q.lang != "en" for q in questions) >= 10
    assert {q.lang for q in questions} >= {"en", "de", "fr", "es", "it", "nl"}
    assert kinds == {"answer", "smalltalk", "offtopic"}


def test_answers_without_a_model_pass_the_evaluation_set() -> None:
    score, total, misses = evaluate()

    report = "\n".join(f"{m.question.q!r}: {'; '.join(m.problems)}" for m in misses)
    assert score >= PASS_MARK, f"{score:.1%} of {total}; misses:\n{report}"
