"""Answers copied from the corpus: the sentences of the top paragraphs that best answer a question.

Each sentence is quoted verbatim and cited, so an extractive answer cannot say anything its
paragraphs do not. How sentences are scored is ``Tuning.sentence_scoring``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from rag.citations import CitationList
from rag.question import Question, answer_type  # noqa: F401  (answer_type: kept importable here)
from rag.refusal import check_extractive, hidden_by_filters, refused, undated_by_filters
from rag.retrieve import Retrieval
from rag.schema import Answer, AnswerMode, Hit, RefusalReason, Sentence
from rag.snapshot import CorpusSnapshot
from rag.text import content_terms, split_sentences, words
from rag.tuning import SentenceScoring, Tuning

if TYPE_CHECKING:
    from rag.models import Encoder

# Shorter "sentences" are datelines, bylines and captions ("Reuters, Monday."), not answers.
_MIN_SENTENCE_WORDS = 4
# A tie-breaker, not a signal: one rank above is worth less than one question word of overlap
# (overlap_weight / a typical question's 5-10 content words), so paragraph order only decides
# between sentences that otherwise score the same.
_RANK_STEP = 0.03
# "When was that?" names the dates of the previous answer's first three sources: enough to date
# the story without repeating every citation, which the earlier answer still lists.
_WHEN_SOURCES = 3


def answer(asked: Question, retrieval: Retrieval, snapshot: CorpusSnapshot, tuning: Tuning, encoder: Encoder) -> Answer:
    """The best sentences of ``retrieval``'s hits, or a refusal saying why they cannot answer;
    as sure as ``rag.refusal.check_extractive`` finds the hits (a tentative answer is the same
    sentences, marked). ``encoder`` is the store's, for embedding sentence scoring."""
    question = asked.question
    topic = asked.topic or " ".join(sorted(asked.terms))
    verdict = check_extractive(asked, retrieval, snapshot, tuning)
    undated = undated_by_filters(asked.topic or asked.text, asked.filters, snapshot)
    if verdict.reason is not None:
        reason = verdict.reason
        hidden = hidden_by_filters(asked.topic or asked.text, asked.filters, snapshot)
        return replace(refused(question, reason, retrieval.hits, missing=verdict.missing, topic=topic,
                               speaker=asked.speaker, hidden=hidden,
                               as_of=retrieval.as_of if reason is RefusalReason.NOTHING_RECENT else ""),
                       undated_hidden=undated)
    hits = list(retrieval.hits[: tuning.extractive_paragraphs])
    citations = CitationList(retrieval.dense_scores)
    sentences = tuple(
        Sentence(text, (citations.cite(hit.paragraph, hit.score),), also_in=hit.sources[1:])
        for hit, text in best_sentences(asked, hits, retrieval, tuning, encoder)
    )
    return Answer(
        question=question, mode=AnswerMode.EXTRACTIVE, citations=citations.all(), sentences=sentences,
        topic=topic, speaker=asked.speaker, confidence=verdict.confidence, answerability=verdict.answerability,
        unmatched=verdict.missing, undated_hidden=undated, closest_date=verdict.closest_date, as_of=verdict.as_of,
    )


def best_sentences(
    asked: Question, hits: Sequence[Hit], retrieval: Retrieval, tuning: Tuning, encoder: Encoder
) -> list[tuple[Hit, str]]:
    """Up to ``Tuning.max_extractive_sentences`` (hit, sentence) pairs, best first.

    A sentence scores its paragraph's similarity to the question (or, with embedding scoring,
    its own), plus its share of the question's words, a little for its paragraph's rank, and a
    bonus when it holds what the question asks for (``Question.wanted``). Further sentences must
    come close to the best one and say something else.
    """
    candidates: list[tuple[Hit, str, int]] = []
    for rank, hit in enumerate(hits):
        for sentence in split_sentences(hit.paragraph.text):
            if len(words(sentence)) >= _MIN_SENTENCE_WORDS:
                candidates.append((hit, sentence, rank))
    if not candidates:
        candidates = [(h, h.paragraph.text, r) for r, h in enumerate(hits)]
    q_terms = asked.terms
    wanted = asked.wanted
    if tuning.sentence_scoring is SentenceScoring.EMBEDDING:
        # Embedding sentences is the costly step of an answer: embed only the most promising.
        candidates.sort(key=lambda c: (-len(q_terms & content_terms(c[1])), c[2]))
        candidates = candidates[: tuning.max_sentences_embedded]
        q_vec = np.asarray(encoder.embed_query(asked.text))
        similarity = [float(q_vec @ v) for v in np.asarray(encoder.embed_texts([s for _, s, _ in candidates]))]
    else:
        similarity = [retrieval.dense_scores.get(h.paragraph.paragraph_id, 0.0) for h, _, _ in candidates]
    scored = []
    for (hit, sentence, rank), sim in zip(candidates, similarity, strict=True):
        overlap = len(q_terms & content_terms(sentence)) / max(len(q_terms), 1)
        score = sim + tuning.overlap_weight * overlap + _RANK_STEP * (len(hits) - rank)
        if wanted is not None and wanted.search(sentence):
            score += tuning.answer_type_bonus
        scored.append((score, hit, sentence))
    scored.sort(key=lambda t: -t[0])
    best = scored[0][0]
    chosen = [scored[0]]
    for item in scored[1:]:
        if len(chosen) >= tuning.max_extractive_sentences or item[0] < best * tuning.second_sentence_ratio:
            break
        if all(content_terms(item[2]) != content_terms(c[2]) for c in chosen):
            chosen.append(item)
    pairs = [(hit, sentence) for _, hit, sentence in chosen]
    return _with_lead_in(pairs, tuning.max_extractive_sentences) if tuning.lead_in else pairs


def _with_lead_in(pairs: list[tuple[Hit, str]], most: int) -> list[tuple[Hit, str]]:
    """The best sentence after the one before it in its paragraph, when it is not the first.

    News writes a sentence to follow its predecessor: the lead names what the next one calls
    "she", "the company" or "band members" ("Rep. Liz Cheney of Wyoming lost her primary race on
    Tuesday. She and nine other House Republicans voted to impeach ..."). Alone, the best
    sentence may answer without the name the question asks for, and a reader checking it needs
    both. The answer keeps at most ``most`` sentences: the weakest one gives way.
    """
    hit, sentence = pairs[0]
    sentences = split_sentences(hit.paragraph.text)
    at = sentences.index(sentence) if sentence in sentences else 0
    if at == 0 or any(h.paragraph.paragraph_id == hit.paragraph.paragraph_id and s == sentences[at - 1]
                      for h, s in pairs):
        return pairs
    return [(hit, sentences[at - 1]), *pairs][:most]


def when(asked: Question, earlier: Sequence[Answer]) -> Answer:
    """"When was that?": the publication dates of the previous answer's first sources."""
    question = asked.question
    last = next((a for a in reversed(earlier) if a.citations), None)
    if last is None:
        return refused(question, RefusalReason.NO_EARLIER_ANSWER)
    citations = CitationList()
    sentences = []
    for block, c in enumerate(last.citations[:_WHEN_SOURCES]):
        n = citations.recite(c)
        text = f"{c.source or 'The source'} published this on {c.date or 'an unknown date'} (\u201c{c.title}\u201d)."
        sentences.append(Sentence(text, (n,), block=block, bullet=True))
    return Answer(
        question=question, mode=AnswerMode.EXTRACTIVE, citations=citations.all(), sentences=tuple(sentences),
        topic=asked.topic, speaker=asked.speaker,
    )
