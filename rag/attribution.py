"""Who said what: the stored quotes that fit a question's speaker and topic, grouped by speaker.

Every statement is a stored quote record, cited to the paragraph it starts in (and those it runs
on into), so nothing is paraphrased or invented. A quote is about the topic when it, its
paragraph or its headline names the topic (``rag.topic.Topic``), or its paragraph is close to
the topic in meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from rag.citations import CitationList
from rag.question import Question
from rag.records import within
from rag.refusal import check_attribution, hidden_by_filters, holds_names, refused, topic_groups
from rag.retrieve import Retrieval
from rag.schema import (
    Answer,
    AnswerMode,
    Filters,
    Paragraph,
    Quote,
    QuoteKind,
    RefusalReason,
    SpeakerStatements,
    Statement,
)
from rag.snapshot import CorpusSnapshot
from rag.spellings import merge_spellings, same_statements
from rag.text import content_terms, mostly_in, names_in, split_sentences, with_final_stop
from rag.topic import Topic
from rag.tuning import Tuning

# Quoted words inside reported speech: the fragments of a mixed statement.
_FRAGMENT = re.compile(r"[\"“‘']([^\"“”‘’']{3,})[\"”’']")

# Speaker ranking (``_most_relevant``): the bonus for a quote that names the topic, and the weight
# of each statement shown, beside its paragraph's cosine to the topic.
_NAMES_TOPIC = 0.5
_PER_STATEMENT = 0.1


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of an attribution answer to show; "show all" asks again with higher ones."""

    speakers: int
    statements: int


@dataclass(frozen=True, slots=True)
class Reads:
    """The corpus reads an attribution answer makes beyond its snapshot, handed in by the
    answerer (``rag.answerer``) so this module holds no store and no retriever.

    ``search``: hybrid retrieval of a topic inside filters; ``vectors``: the stored vector of
    each paragraph id; ``paragraphs``: the paragraphs at (article id, number) places, all in
    one read (the paragraphs quotes run on into, for a whole answer at once); ``embed_query``:
    a text's vector from the store's own encoder (``store.encoder``), the space of ``vectors``.
    """

    search: Callable[[str, int, Filters], Retrieval]
    vectors: Callable[[Sequence[str]], Mapping[str, Sequence[float]]]
    paragraphs: Callable[[Collection[tuple[str, int]]], Mapping[tuple[str, int], Paragraph]]
    embed_query: Callable[[str], Sequence[float]]


def answer(
    asked: Question, snapshot: CorpusSnapshot, reads: Reads, tuning: Tuning, k: int, limits: Limits,
) -> Answer:
    """The attribution answer to ``asked`` (inside its filters), or a refusal saying which case it is."""
    question, filters = asked.question, asked.filters
    cache = snapshot.keywords
    topic = asked.topic
    expand = snapshot.variants.expand
    # Paragraphs are about the topic by the strict rule. Asked about a named speaker, their
    # own words and the headline they are quoted under need only share one word with it
    # (see ``Topic``); the speaker already narrows the quotes.
    about = Topic(topic, expand).find_articles(cache)
    said_about = about if not (asked.speaker or asked.described) else Topic(topic, expand, strict=False)

    speakers = snapshot.speakers.like(asked.speaker) if asked.speaker else frozenset()
    own = snapshot.speakers.paragraphs_of(speakers)
    relevant_ids: set[str] = set()
    retrieval: Retrieval | None = None
    if topic:
        missing = snapshot.unknown_names(names_in(topic, phrase=True))
        if 0 < len(own) <= tuning.speaker_paragraphs_scored and not missing:
            retrieval = _similarity_to(topic, own, reads)
            scored = [cache.quoted[pid] for pid in retrieval.dense_scores if pid in cache.quoted]
        else:
            retrieval = reads.search(topic, _topic_hits(k), filters)
            scored = [h.paragraph for h in retrieval.hits]
        if missing:
            return refused(question, RefusalReason.NOT_MENTIONED, retrieval.hits, subject=topic,
                           speaker=asked.speaker, missing=missing, topic=topic)
        relevant_ids = about.relevant(scored, retrieval.dense_scores, tuning.topic_similarity)

    candidates = _candidates(snapshot, asked, own, relevant_ids, filters, tuning.topic_keyword_candidates)
    selected = _select(candidates, asked, speakers, said_about, relevant_ids, tuning.stem_prefix, expand)
    undated = _undated_left_out(snapshot, asked, own, relevant_ids, tuning, speakers, said_about)
    if not selected and asked.speaker and not asked.exclude and _descriptive(asked.speaker):
        # A description no speaker profile matches ("the Quay Street baker" may be
        # "Petra Sollis, who runs a bakery on Quay Street"): look for quotes about the described
        # person and the topic together rather than refuse. A bare name ("Ester Vallin") is no
        # description: nobody else's quotes answer for her.
        broader = answer(replace(asked, speaker="", described=asked.speaker), snapshot, reads, tuning, k, limits)
        if broader.mode is not AnswerMode.NONE:
            return broader  # else the refusal names the speaker asked for, as without the search
    if not selected:
        found = _nobody(asked, speakers, about, retrieval, relevant_ids, reads, tuning, snapshot, k)
        return replace(found, undated_hidden=undated)
    found = _grouped(asked, selected, retrieval, reads, snapshot, limits)
    verdict = check_attribution(topic, [p for p, _ in selected], expand, tuning.stem_prefix,
                                speaker=bool(asked.speaker or asked.described))
    return replace(found, undated_hidden=undated, confidence=verdict.confidence, unmatched=verdict.missing)


def _select(candidates: Iterable[Paragraph], asked: Question, speakers: frozenset[str], said_about: Topic,
            relevant_ids: set[str], stem_prefix: int, expand: Callable[[str], str]) -> list[tuple[Paragraph, Quote]]:
    """The quotes of ``candidates`` that answer ``asked``, in reading order (a described speaker's
    words found with ``stem_prefix``, as ``rag.text.mostly_in`` reads it)."""
    topic = asked.topic
    topic_names = [g for g in topic_groups(topic, expand) if g.name]
    selected: list[tuple[Paragraph, Quote]] = []
    for p in sorted(candidates, key=lambda p: (p.date, p.article_id, p.number)):
        described = _described_in(p, asked.described, stem_prefix) if asked.described else None
        if described is not None and not described:
            continue
        # In an article whose headline names the topic, every quote is about it; in a
        # paragraph retrieval found relevant, so is every quote. Elsewhere a quote must name
        # the topic itself. Where some of a paragraph's quotes name the topic, those are the
        # ones about it; the others merely share the paragraph.
        headline_on_topic = said_about.in_text(p.title)
        # Asked about one person, a paragraph of theirs naming a word of the topic will do: a
        # quote paraphrases its occasion ("rebuilt this shop" after "waded out through water"),
        # and ``rag.refusal.check_attribution`` marks the answer tentative when that is all there is.
        # So long as it holds every name the topic gives: Reinholt's words on the flood in
        # Varnholm are no answer about the containers at Kessmouth.
        relevant = (not topic or headline_on_topic or p.paragraph_id in relevant_ids
                    or (bool(asked.speaker or asked.described) and said_about.in_text(p.text, p.article_id)
                        and holds_names(topic_names, f"{p.title} {p.text}", stem_prefix)))
        fitting, on_topic = [], []
        for q in p.quotes:
            if q.text in asked.exclude or (asked.speaker and q.speaker not in speakers):
                continue
            if described is not None and not (content_terms(f"{q.speaker} {q.speaker_as_written}") & described):
                continue
            names_topic = said_about.in_text(q.text, p.article_id)
            if relevant or names_topic:
                fitting.append(q)
                if names_topic:
                    on_topic.append(q)
        selected.extend((p, q) for q in (fitting if headline_on_topic else on_topic or fitting))
    return selected


_PREPOSITION = re.compile(r"\s+(?:of|in|at|from|for|on|with|to|near)\s+", re.I)


def _descriptive(speaker: str) -> bool:
    """Whether a question's speaker is a description ("the Quay Street baker", "the head of the
    water authority"): its head word, the last before any preposition, is no name. "The mediator
    Piotr Salo" is a person named: nobody else's quotes answer for him."""
    head = _PREPOSITION.split(speaker.strip(), maxsplit=1)[0].split()
    return bool(head) and not head[-1][:1].isupper()


def _described_in(p: Paragraph, described: str, stem_prefix: int) -> frozenset[str]:
    """The words of the sentences of ``p`` that describe the person ``described`` ("Petra Sollis,
    who runs a bakery on Quay Street, waded out ..." for "the Quay Street baker"), empty when none
    does: a quote is theirs when its speaker is named there, so the other people quoted in the
    paragraph ("Local residents said ...") are not taken for them. The description is the
    writer's, never a quote's own words ('Malinen said: "... the same treatment as a bottling
    plant"' does not make him a bottling plant's owner)."""
    wanted = content_terms(described)
    found: frozenset[str] = frozenset()
    narrative = p.text
    for q in p.quotes:
        if q.span is not None and q.kind is QuoteKind.DIRECT:
            a, b = q.span
            narrative = narrative[:a] + " " * (b - a) + narrative[b:]
    for sentence in split_sentences(narrative):
        terms = content_terms(sentence)
        if mostly_in(wanted, terms, stem_prefix):
            found |= terms
    return found


def _undated_left_out(
    snapshot: CorpusSnapshot, asked: Question, own: frozenset[str], relevant_ids: set[str], tuning: Tuning,
    speakers: frozenset[str], said_about: Topic,
) -> int:
    """How many undated articles hold quotes that would answer ``asked`` but for its date filter
    (``Answer.undated_hidden``): the same selection over the undated paragraphs outside it."""
    if not asked.filters.since and not asked.filters.until:
        return 0
    dateless = replace(asked.filters, since=None, until=None)
    undated = [p for p in _candidates(snapshot, asked, own, relevant_ids, dateless, tuning.topic_keyword_candidates)
               if not p.date and not within(p, asked.filters)]
    return len({p.article_id for p, _ in _select(undated, asked, speakers, said_about, relevant_ids, tuning.stem_prefix,
                                                      snapshot.variants.expand)})


def _topic_hits(k: int) -> int:
    """How many hits to retrieve for an attribution topic: four per hit asked for (as
    ``Tuning.candidates_per_hit``), at least 20, since the quotes about a topic sit in more
    paragraphs than the few an extractive answer cites."""
    return max(k * 4, 20)


def _nobody(
    asked: Question, speakers: frozenset[str], about: Topic, retrieval: Retrieval | None,
    relevant_ids: set[str], reads: Reads, tuning: Tuning, snapshot: CorpusSnapshot, k: int,
) -> Answer:
    """The refusal when no quote fits: which of the cases it is, with the nearest articles."""
    question, filters = asked.question, asked.filters
    topic = asked.topic
    if topic and retrieval is not None and not retrieval.hits:
        # Scored only the speaker's own paragraphs: search the corpus for the refusal's
        # nearest articles and to tell "mentioned, nobody quoted" from "weak matches".
        retrieval = reads.search(topic, _topic_hits(k), filters)
        relevant_ids = about.relevant([h.paragraph for h in retrieval.hits], retrieval.dense_scores,
                                      tuning.topic_similarity)
    hits = retrieval.hits if retrieval else ()
    if asked.speaker and not speakers:
        reason, subject = RefusalReason.UNKNOWN_SPEAKER, asked.speaker
    elif asked.exclude:
        reason, subject = RefusalReason.NOTHING_MORE, asked.speaker
    elif topic and hits and relevant_ids:
        reason, subject = RefusalReason.NOBODY_QUOTED, topic
    elif topic:
        reason, subject = RefusalReason.WEAK_MATCHES, topic
    else:
        reason, subject = RefusalReason.NO_QUOTES, ""
    hidden = hidden_by_filters(topic, filters, snapshot) if reason is not RefusalReason.UNKNOWN_SPEAKER else 0
    return refused(question, reason, hits, subject=subject, speaker=asked.speaker, topic=topic, hidden=hidden)


def _similarity_to(text: str, paragraph_ids: Iterable[str], reads: Reads) -> Retrieval:
    """Cosine similarity of ``text`` to each of a few paragraphs, from their stored vectors.

    "What did Okafor say about X" only needs to know which of Okafor's paragraphs are about
    X: scoring exactly those beats searching the whole corpus for its top 80 and hoping hers
    are among them (and costs one lookup by id instead of a wide vector search).
    """
    vectors = reads.vectors(sorted(paragraph_ids))
    if not vectors:
        return Retrieval((), 0.0, {})
    q = np.asarray(reads.embed_query(text), dtype=np.float32)
    ids = list(vectors)
    m = np.asarray([vectors[i] for i in ids], dtype=np.float32)
    cos = m @ q / np.maximum(np.linalg.norm(m, axis=1) * np.linalg.norm(q), 1e-9)  # no division by a zero vector
    scores = {pid: float(c) for pid, c in zip(ids, cos, strict=True)}
    return Retrieval((), max(scores.values()), scores)


def _candidates(
    snapshot: CorpusSnapshot, asked: Question, own: frozenset[str], relevant_ids: set[str], filters: Filters,
    keyword_candidates: int,
) -> list[Paragraph]:
    """The quoted paragraphs worth checking, found by index rather than by scanning all quotes.

    A named speaker narrows to that speaker's paragraphs; a topic to the paragraphs that
    retrieval found relevant plus those whose text or headline holds the topic's words (BM25
    over headline + paragraph); only a bare "who said what?" reads every quote.
    """
    cache = snapshot.keywords
    if asked.speaker:
        ids = set(own)
    elif asked.topic:
        ids = set(cache.matching(snapshot.variants.expand(asked.topic), keyword_candidates)) | relevant_ids
    else:
        ids = set(cache.quoted)
    return [cache.quoted[pid] for pid in ids if pid in cache.quoted and within(cache.quoted[pid], filters)]


def _grouped(
    asked: Question, selected: list[tuple[Paragraph, Quote]], retrieval: Retrieval | None,
    reads: Reads, snapshot: CorpusSnapshot, limits: Limits,
) -> Answer:
    """The selected quotes as one ``SpeakerStatements`` per speaker, the most relevant first kept."""
    scores = retrieval.dense_scores if retrieval else {}
    citations = CitationList(scores)
    groups: dict[str, list[tuple[Paragraph, Quote]]] = {}
    for p, q in selected:
        groups.setdefault(q.speaker, []).append((p, q))
    groups, spellings = merge_spellings(groups, lambda name: len(snapshot.speakers.by_speaker.get(name, ())))
    kept = _most_relevant(groups, scores, asked.topic, limits)
    shown = {speaker: same_statements(groups[speaker]) for speaker in kept}
    # The paragraphs the shown quotes run on into, for the whole answer in one read.
    follows = reads.paragraphs({(cp.article_id, extra)
                                for copies in shown.values() for group in copies[: limits.statements]
                                for cp, cq in group for extra in cq.paragraphs[1:]})
    parts = []
    for speaker, copies in shown.items():
        statements = []
        for (p, q), *wire in copies[: limits.statements]:
            ns: list[int] = []
            for cp, cq in ((p, q), *wire):  # syndicated copies: one statement citing every source
                ns.append(citations.cite(cp))
                for extra in cq.paragraphs[1:]:
                    follow = follows.get((cp.article_id, extra))
                    if follow is not None:
                        ns.append(citations.cite(follow))
            statements.append(statement(p, q, tuple(dict.fromkeys(ns))))
        role = next((q.role for _, q in groups[speaker] if q.role), "")
        kind = next((q.speaker_kind for _, q in groups[speaker] if q.speaker_kind), "")
        parts.append(SpeakerStatements(speaker, role, tuple(statements), total=len(copies),
                                       speaker_id=snapshot.variants.canonical(speaker),
                                       variants=spellings.get(speaker, ()), kind=kind))
    hidden = sum(len(same_statements(items)) for name, items in groups.items() if name not in kept)
    return Answer(
        question=asked.question,
        mode=AnswerMode.ATTRIBUTION,
        citations=citations.all(),
        speakers=tuple(parts),
        total_speakers=len(groups),
        hidden_statements=hidden,
        topic=asked.topic,
        speaker=next(iter(groups)) if asked.speaker and len(groups) == 1 else asked.speaker,
    )


def statement(p: Paragraph, q: Quote, citation_ids: tuple[int, ...]) -> Statement:
    """A stored quote as an answer's statement: where its words sit in ``p``, its quoted fragments."""
    span = q.span
    if span is None:  # stored by an extractor before 9: look the words up
        start = p.text.find(q.text)
        span = (start, start + len(q.text)) if start >= 0 else None
    fragments = tuple(_FRAGMENT.findall(q.text)) if q.kind is not QuoteKind.DIRECT else ()
    text = with_final_stop(q.text, p.text, span) if q.kind is QuoteKind.DIRECT else q.text
    return Statement(
        kind=q.kind, cue=q.cue, text=text, citation_ids=citation_ids, speaker_as_written=q.speaker_as_written,
        fragments=fragments, span=span, reported_by=q.reported_by, content_form=q.content_form,
    )


def _most_relevant(
    groups: dict[str, list[tuple[Paragraph, Quote]]], scores: dict[str, float], topic: str, limits: Limits
) -> list[str]:
    """The ``limits.speakers`` most relevant speakers, in the order they were first quoted.

    A speaker ranks by the weight of what they said about it: over the statements an answer
    would show, the dense similarity of each one's paragraph to the topic, plus a bonus when
    the quote itself names the topic. So the mayor quoted six times about the flood outranks
    someone with one apt sentence.
    """
    if len(groups) <= limits.speakers:
        return list(groups)
    named = Topic(topic, str, strict=False)  # the quote names one of the topic's words

    def relevance(speaker: str) -> float:
        # Cosines sit around 0.3-0.7: a quote naming the topic itself (+ _NAMES_TOPIC) outweighs
        # a paragraph merely near it, and every statement counts a little (+ _PER_STATEMENT), so
        # among speakers equally on topic the one who said more ranks first.
        return sum(
            scores.get(p.paragraph_id, 0.0) + (_NAMES_TOPIC if named.in_text(q.text) else 0.0) + _PER_STATEMENT
            for p, q in groups[speaker][: limits.statements]
        )

    keep = set(sorted(groups, key=relevance, reverse=True)[: limits.speakers])
    return [name for name in groups if name in keep]
