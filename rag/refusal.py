"""Deciding that the corpus cannot answer, and which case it is: never a guess instead.

Each check returns a ``Refusal`` (or ``None`` to go on answering); the wording of each case is
the renderers' job (``rag.render.speech.refusal_message``).
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.question import Question
from rag.retrieve import Retrieval
from rag.schema import Answer, AnswerMode, Filters, Hit, NearestArticle, Refusal, RefusalReason
from rag.snapshot import CorpusSnapshot
from rag.text import content_terms, fold, names_in, tokens
from rag.topic import Topic
from rag.tuning import Tuning


def nearest_articles(hits: Sequence[Hit], limit: int = 3) -> tuple[NearestArticle, ...]:
    """The first ``limit`` distinct articles among ``hits``."""
    seen: dict[str, NearestArticle] = {}
    for hit in hits:
        p = hit.paragraph
        seen.setdefault(p.article_id, NearestArticle(p.article_id, p.title, p.source, p.date))
        if len(seen) >= limit:
            break
    return tuple(seen.values())


def refused(
    question: str, reason: RefusalReason, hits: Sequence[Hit] = (), *, subject: str = "", speaker: str = "",
    missing: Sequence[str] = (), topic: str = "", hidden: int = 0,
) -> Answer:
    """A ``none`` answer: the case, its subject and the nearest articles, nothing cited."""
    refusal = Refusal(reason, subject=subject, missing_terms=tuple(missing), hidden_by_filters=hidden,
                      nearest=nearest_articles(hits))
    return Answer(question=question, mode=AnswerMode.NONE, refusal=refusal, topic=topic, speaker=speaker)


def hidden_by_filters(subject: str, filters: Filters, snapshot: CorpusSnapshot) -> int:
    """How many articles mention ``subject`` (as ``Topic`` reads it) but are outside ``filters``.

    So a refusal can say "3 articles mention Seversk but are outside your date filter" instead
    of leaving the user to think the corpus has nothing.
    """
    if filters.empty or not subject:
        return 0
    topic = Topic(subject, snapshot.variants.expand)
    cache = snapshot.keywords
    mentioning = cache.articles_mentioning(topic.spellings, topic.needed) if topic else set()
    if not mentioning:
        return 0
    mask = cache.filter_mask(filters)
    inside = {a for a, keep in zip(cache.article_ids, mask, strict=True) if keep and a in mentioning}
    return len(mentioning - inside)


def check_extractive(
    asked: Question, retrieval: Retrieval, snapshot: CorpusSnapshot, tuning: Tuning
) -> tuple[RefusalReason, tuple[str, ...]] | None:
    """Why the hits cannot answer ``asked`` (the case and the words at fault), or ``None``.

    In order: no hit at all; a name in the question that no article holds; only weak matches
    (low similarity and no hit naming everything the question names); paragraphs that miss
    more than ``Tuning.max_uncovered_terms`` of the question's content words.
    """
    hits = retrieval.hits
    if not hits:
        return RefusalReason.NO_MATCH, ()
    missing = snapshot.unknown_names(names_in(asked.text))
    if missing:
        return RefusalReason.NOT_MENTIONED, tuple(missing)
    if retrieval.dense_top < tuning.min_dense_similarity and not names_found_together(asked.text, hits, snapshot):
        return RefusalReason.WEAK_MATCHES, ()
    uncovered = uncovered_terms(asked.text, hits, snapshot)
    if len(uncovered) > tuning.max_uncovered_terms * len(content_terms(asked.text)):
        return RefusalReason.WEAK_MATCHES, tuple(uncovered)
    return None


def names_found_together(question: str, hits: Sequence[Hit], snapshot: CorpusSnapshot) -> bool:
    """True when one hit holds every name the question asks about (a strong keyword match).

    A long paragraph can sit below the dense threshold although it names exactly who or
    what the question is about; that is not a weak match.
    """
    names = names_in(question)
    if not names:
        return False
    expand = snapshot.variants.expand
    for hit in hits:
        text = fold(f"{hit.paragraph.title} {hit.paragraph.text}")
        if all(any(fold(v) in text for v in expand(n).split()) for n in names):
            return True
    return False


def uncovered_terms(question: str, hits: Sequence[Hit], snapshot: CorpusSnapshot) -> list[str]:
    """The question's words (as written) that no hit's paragraph or headline holds in any spelling."""
    canonical = snapshot.variants.canonical
    covered = {canonical(t) for h in hits for t in content_terms(f"{h.paragraph.title} {h.paragraph.text}")}
    uncovered: list[str] = []
    for word in tokens(question):
        terms = content_terms(word)
        if terms and not any(canonical(t) in covered for t in terms) and word not in uncovered:
            uncovered.append(word)
    return uncovered
