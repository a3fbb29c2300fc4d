"""What the retrieved paragraphs hold of a question: the evidence ``rag.refusal`` reads.

Numbers only, no decision: the answerability score (cosine, rare-word coverage, the words no hit
holds, the top hit's staleness) and its parts. ``rag.refusal`` turns them into the three states.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rag.question import Question
from rag.schema import Hit
from rag.snapshot import CorpusSnapshot
from rag.text import content_terms
from rag.tuning import Tuning


def answerability(dense_top: float, coverage: float, uncovered_share: float, tuning: Tuning,
                  age: int | None = None) -> float:
    """How well the best hits answer the question: one score for refused / tentative / answered.

    The best cosine, raised by the share of the question's rare words one hit holds (a long
    paragraph naming exactly the event sits low in cosine) and lowered by the share of its words
    no hit holds at all (a close paragraph about another event). One weighted sum replaced
    three threshold rules: it refuses more unanswerable questions and fewer answerable ones on
    held-out real quiz questions (``Tuning.refuse_below``, ``Tuning.answer_above``).

    ``age``: days from the top hit to the reference day (``Retrieval.as_of``). A news question
    that names no time asks about the latest news, so evidence weeks older than the day asked
    about must be stronger: ``staleness`` is subtracted (``Tuning.answerability_age``).
    """
    return (dense_top + tuning.answerability_coverage * coverage
            - tuning.answerability_uncovered * uncovered_share - staleness(age, tuning))


def staleness(age: int | None, tuning: Tuning) -> float:
    """How much older evidence is marked down: ``Tuning.answerability_age`` x ln(1 + age / 7 days);
    0 for undated or future paragraphs. Logarithmic, so a week to a month weighs about as much as a
    month to five: "this week's" question against last month's paragraph is what it catches, and
    a year-old paragraph that matches well is still answered from."""
    if not tuning.answerability_age or age is None or age <= 0:
        return 0.0
    return tuning.answerability_age * math.log1p(age / 7)


def words_held(hits: Sequence[Hit], snapshot: CorpusSnapshot) -> list[frozenset[str]]:
    """Each hit's headline and paragraph words, in canonical spelling: what the word rules compare
    the question against (read once per question, shared by ``uncovered_terms`` and ``rare_coverage``)."""
    canonical = snapshot.variants.canonical
    return [frozenset(canonical(t) for t in content_terms(f"{h.paragraph.title} {h.paragraph.text}")) for h in hits]


def uncovered_terms(asked: Question, held: Sequence[frozenset[str]], snapshot: CorpusSnapshot) -> list[str]:
    """The question's words (as written) that no hit holds in any spelling (``held``: ``words_held``)."""
    canonical = snapshot.variants.canonical
    covered = frozenset().union(*held)
    return [word for word, terms in asked.words if not any(canonical(t) in covered for t in terms)]


def rare_coverage(asked: Question, held: Sequence[frozenset[str]], snapshot: CorpusSnapshot) -> float:
    """The best share of the question's words, each weighted by its rarity, that one hit holds.

    Scene-setting words ("glitz", "full display") are common and weigh little; the rare words
    that say which event the question is about weigh the most.
    """
    canonical = snapshot.variants.canonical
    weights = [(terms, snapshot.rarity(word)) for word, terms in asked.words]
    total = sum(w for _, w in weights)
    if not total:
        return 1.0
    best = 0.0
    for covered in held:
        share = sum(w for terms, w in weights if any(canonical(t) in covered for t in terms))
        best = max(best, share / total)
    return best
