"""Deciding that the corpus cannot answer, and which case it is: never a guess instead.

This is the one place that turns evidence into how sure an answer is (``Confidence``):
``check_extractive`` gives a factual question's ``Verdict`` (answered, tentative, or refused
with its case), and ``refused`` builds every ``none`` answer, so each is ``refused``. The
wording of each case is the renderers' job (``rag.render.speech.refusal_message``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rag.evidence import answerability, rare_coverage, uncovered_terms, words_held
from rag.question import Question
from rag.records import age_in_days
from rag.retrieve import Retrieval
from rag.schema import (
    Answer,
    AnswerMode,
    Confidence,
    Filters,
    Hit,
    NearestArticle,
    Paragraph,
    Refusal,
    RefusalReason,
)
from rag.snapshot import CorpusSnapshot
from rag.text import STOPWORDS, content_terms, fold, name_runs, same_stem
from rag.topic import Topic
from rag.tuning import Tuning


def nearest_articles(hits: Sequence[Hit], about: Sequence[str] = (), limit: int = 3) -> tuple[NearestArticle, ...]:
    """The first ``limit`` distinct articles among ``hits`` that name one of ``about`` (the
    question's subject or names, as far as the corpus knows them): an article that shares
    nothing with the question is no lead, however near its vector. None without ``about``.
    Three leads by default: something to read instead, not a second search result to scan."""
    wanted = [fold(w) for w in about if w.strip()]
    seen: dict[str, NearestArticle] = {}
    for hit in hits:
        p = hit.paragraph
        text = fold(f"{p.title} {p.text}")
        if not any(_names(w, text) for w in wanted):
            continue
        seen.setdefault(p.article_id, NearestArticle(p.article_id, p.title, p.source, p.date))
        if len(seen) >= limit:
            break
    return tuple(seen.values())


def _names(word: str, text: str) -> bool:
    """``text`` holds ``word`` (or a word it is the stem of: "collaps" in "collapsed")."""
    return re.search(rf"\b{re.escape(word)}", text) is not None


def refused(
    question: str, reason: RefusalReason, hits: Sequence[Hit] = (), *, subject: str = "", speaker: str = "",
    missing: Sequence[str] = (), topic: str = "", hidden: int = 0, as_of: str = "",
) -> Answer:
    """A ``none`` answer: the case, its subject and the nearest articles, nothing cited."""
    missing_folded = {fold(m) for m in missing}
    about = [w for w in (name_runs(subject) or sorted(content_terms(subject)) if subject else name_runs(question))
             if fold(w) not in missing_folded]
    if reason is RefusalReason.NOT_MENTIONED and missing:
        subject = as_written(question, missing) or ", ".join(missing)  # never the whole topic
    refusal = Refusal(reason, subject=subject, missing_terms=tuple(missing), hidden_by_filters=hidden,
                      nearest=nearest_articles(hits, about), as_of=as_of)
    return Answer(question=question, mode=AnswerMode.NONE, refusal=refusal, topic=topic, speaker=speaker,
                  confidence=Confidence.REFUSED)


_DETERMINERS = frozenset(["the", "a", "an"])


def as_written(question: str, missing: Sequence[str]) -> str:
    """The words of ``question`` that name ``missing`` as the user wrote them, for the refusal to
    repeat: "the 2022 World Cup" for the missing "World Cup", never the bare name (issue 22).

    Each missing name grows over the words around it that belong to it: capitalised words and
    numbers before and after ("2022", "World" before "Cup"), then an article before those. The
    question's first word is left out (its capital is the sentence's). "" when a name is not
    found in the question as such (it came from a rewritten follow-up).
    """
    words = list(re.finditer(r"[\w'\u2019-]+", question))
    phrases: list[str] = []
    for name in missing:
        found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", question, re.I)
        if found is None:
            return ""
        inside = [i for i, w in enumerate(words) if w.start() >= found.start() and w.end() <= found.end()]
        if not inside:
            return ""
        first, last = inside[0], inside[-1]

        def belongs(i: int) -> bool:
            return i > 0 and (words[i].group()[:1].isupper() or words[i].group().isdigit())

        while first - 1 >= 0 and belongs(first - 1):
            first -= 1
        while last + 1 < len(words) and belongs(last + 1):
            last += 1
        if first > 0 and words[first - 1].group().lower() in _DETERMINERS:
            first -= 1
        phrase = question[words[first].start() : words[last].end()]
        if phrase not in phrases:
            phrases.append(phrase)
    return ", ".join(phrases)


def hidden_by_filters(subject: str, filters: Filters, snapshot: CorpusSnapshot) -> int:
    """How many articles mention ``subject`` (as ``Topic`` reads it) but are outside ``filters``.

    So a refusal can say "3 articles mention Seversk but are outside your date filter" instead
    of leaving the user to think the corpus has nothing.
    """
    if filters.empty or not subject:
        return 0
    mentioning = _mentioning(subject, snapshot)
    return len(mentioning - snapshot.keywords.articles_within(mentioning, filters)) if mentioning else 0


def _mentioning(subject: str, snapshot: CorpusSnapshot) -> set[str]:
    """Ids of the articles that mention ``subject`` as ``Topic`` reads it, whatever the filters."""
    topic = Topic(subject, snapshot.variants.expand)
    return set(snapshot.keywords.articles_mentioning(topic.spellings, topic.needed)) if topic else set()


def undated_by_filters(subject: str, filters: Filters, snapshot: CorpusSnapshot) -> int:
    """How many articles mention ``subject`` but are left out by the date filter only because
    they carry no date (``Answer.undated_hidden``); 0 without a date filter."""
    if not (filters.since or filters.until) or not subject:
        return 0
    mentioning = _mentioning(subject, snapshot)
    if not mentioning:
        return 0
    cache = snapshot.keywords
    dateless = replace(filters, since=None, until=None)
    outside = cache.articles_within(mentioning, dateless) - cache.articles_within(mentioning, filters)
    return len(cache.undated(outside)) if outside else 0


@dataclass(frozen=True, slots=True)
class Verdict:
    """How sure an extractive answer from these hits can be; when ``refused``, the case
    (``reason``) and the question's words at fault (``missing``)."""

    confidence: Confidence
    reason: RefusalReason | None = None
    missing: tuple[str, ...] = ()
    answerability: float | None = None  # the score the confidence was read from, if one decided
    closest_date: str = ""  # tentative with stale evidence: the top hit's day and the reference day
    as_of: str = ""


_ANSWERED = Verdict(Confidence.ANSWERED)
# A tentative answer's lead says how old its closest paragraph is past a week: "this week's"
# news is what the staleness (``rag.evidence.staleness``) leaves unmarked-down the least.
STALE_AFTER_DAYS = 7


def confidence_of(score: float, tuning: Tuning, guarded: bool = False) -> Confidence:
    """``refused`` below ``Tuning.refuse_below``, ``answered`` at or over ``Tuning.answer_above``,
    ``tentative`` between: the closest sentences are worth showing, marked as such, when the
    evidence is neither clearly off the question nor clearly on it. ``guarded`` (``guards``):
    never more than tentative, however high the score."""
    if score < tuning.refuse_below:
        return Confidence.REFUSED
    return Confidence.ANSWERED if score >= tuning.answer_above and not guarded else Confidence.TENTATIVE


def guards(coverage: float, uncovered_share: float, tuning: Tuning) -> bool:
    """Whether the best paragraphs hold too little of the question to answer it confidently: one
    holds under ``Tuning.sure_coverage`` of its words weighted by rarity, and none holds at least
    ``Tuning.sure_uncovered`` of them. "How much have house prices in Varnholm fallen since the
    flood?" comes close in meaning to flood stories (cosine 0.73) that never mention house prices.

    Off by default (``sure_coverage`` 0): thresholds fitted on the first half of RealTime QA 2022
    answer 24.0% of the second half's unanswerable questions confidently, 14.9% with this guard,
    but it also mutes fair questions whose words the article paraphrases ("Why did the Ukrainian
    army leave Seversk?": "forces withdrew"), since words no paragraph holds weigh the most as
    rare. On our labelled set it mutes 10 answerable questions to catch 1 (``Tuning``)."""
    return coverage < tuning.sure_coverage and uncovered_share >= tuning.sure_uncovered


def check_extractive(asked: Question, retrieval: Retrieval, snapshot: CorpusSnapshot, tuning: Tuning) -> Verdict:
    """How sure an answer to ``asked`` from these hits is; when refused, why (the case and the
    words at fault).

    In order: no hit at all; names in the question (``rag.text.name_runs``) that no article
    holds (``Question.names``): all of them by default (``Tuning.not_mentioned_share``), and not when a close hit
    holds the question's rare words anyway (``Tuning.context_name_similarity``), since a quiz
    question names context its answering passage need not repeat ("a ferry to Oslo"); an
    unknown name beside known ones goes on to the checks below. A question about the present
    ("this week") whose hits are all older than ``Tuning.recent_days`` before the reference day
    (``Retrieval.as_of``) is NOTHING_RECENT; one whose top hit is at most ``Tuning.fresh_days``
    old is answered from it (a fresh paragraph on its story). Then the ``answerability``:
    refused as weak matches below ``Tuning.refuse_below``, tentative below ``Tuning.answer_above``,
    answered from there.
    """
    hits = retrieval.hits
    if not hits:
        return Verdict(Confidence.REFUSED, RefusalReason.NO_MATCH)
    runs = asked.names
    missing = snapshot.unknown_runs(runs, tuning.stem_prefix)
    held: list[list[frozenset[str]]] = []  # each hit's words, read once and only when a rule needs them
    covered: list[float] = []  # rare_coverage, likewise

    def hit_words() -> list[frozenset[str]]:
        if not held:
            held.append(words_held(hits, snapshot))
        return held[0]

    def coverage() -> float:
        if not covered:
            covered.append(rare_coverage(asked, hit_words()[: tuning.extractive_paragraphs], snapshot))
        return covered[0]

    if missing and len(missing) >= tuning.not_mentioned_share * len(runs) and not (
            retrieval.dense_top >= tuning.context_name_similarity and coverage() >= tuning.dense_rescue_coverage):
        return Verdict(Confidence.REFUSED, RefusalReason.NOT_MENTIONED, tuple(missing))
    if asked.about_now and retrieval.as_of:
        ages = [a for a in (age_in_days(h.paragraph.date, retrieval.as_of) for h in hits) if a is not None]
        if ages and min(ages) > tuning.recent_days:
            return Verdict(Confidence.REFUSED, RefusalReason.NOTHING_RECENT)
        top = age_in_days(hits[0].paragraph.date, retrieval.as_of)
        if top is not None and 0 <= top <= tuning.fresh_days:
            return _ANSWERED
    uncovered = uncovered_terms(asked, hit_words(), snapshot)
    terms = len(asked.terms)
    uncovered_share = min(len(uncovered) / terms, 1.0) if terms else 0.0
    judged = judged_answerable(retrieval, tuning)
    age = age_in_days(hits[0].paragraph.date, retrieval.as_of) if retrieval.as_of else None
    if judged is not None:  # a judge decides: answered or refused (no tentative band fitted on its scale)
        score = retrieval.judge_top
        confidence = Confidence.ANSWERED if judged else Confidence.REFUSED
    else:
        score = answerability(retrieval.dense_top, coverage(), uncovered_share, tuning, age)
        confidence = confidence_of(score, tuning, guards(coverage(), uncovered_share, tuning))
    named = tuple(uncovered) if uncovered_share > 0.5 else ()  # most of the question missing: worth naming
    if confidence is Confidence.REFUSED:
        return Verdict(confidence, RefusalReason.WEAK_MATCHES, named, score)
    if confidence is not Confidence.TENTATIVE:
        return Verdict(confidence, answerability=score)
    if judged is not None or not tuning.answerability_age or age is None or age <= STALE_AFTER_DAYS:
        return Verdict(confidence, missing=named, answerability=score)
    # The staleness marked it down: the lead line says how old the closest paragraph is.
    return Verdict(confidence, missing=named, answerability=score,
                   closest_date=hits[0].paragraph.date[:10], as_of=retrieval.as_of[:10])


def judged_answerable(retrieval: Retrieval, tuning: Tuning) -> bool | None:
    """Whether the judge (``rag.judge``) scores some hit as answering the question: its best score
    reaches ``Tuning.min_judge_score``. ``None`` without a judge: the word and cosine rules decide.

    A cross-encoder reads question and paragraph together, so where a user brings one its
    judgement replaces ``answerability``'s (the name and recency rules still apply).
    """
    if retrieval.judge_top is None:
        return None
    return retrieval.judge_top >= tuning.min_judge_score


def check_attribution(topic: str, paragraphs: Sequence[Paragraph], expand: Callable[[str], str], stem_prefix: int,
                      speaker: bool) -> Verdict:
    """How sure a "who said what about X" answer quoting from ``paragraphs`` is.

    Answered when one of the paragraphs (with its headline) is about the topic: it holds every
    name the topic gives (a name of several words is one, its last word held: "Calder Valley")
    and, asked about one ``speaker``, one of its other words, as the quotes are chosen (the
    speaker narrows them, and such questions paraphrase: "what did Okafor warn would happen if
    the river defences are not made higher"); asked about the topic alone, most of them, as
    ``Topic`` counts strictly. Tentative when the quotes only touch it: "What did Governor Voss
    say about wildfire preparedness in the Calder Valley?" finds her words about the valley's
    water, none about wildfires; "... about its former employees setting up Fernline?" finds an
    email about employees that never names Fernline. A quote is evidence that someone spoke, not
    that they spoke about this: the topic's words decide. ``unmatched`` names the topic's words no
    paragraph holds, for the lead line.
    """
    groups = topic_groups(topic, expand)
    if not groups or not paragraphs:
        return _ANSWERED
    words = [g for g in groups if not g.name]
    if speaker:
        needed = min(len(words), 1)
    else:
        needed = len(groups) if len(groups) <= 2 else math.ceil(len(groups) / 2)
    held_anywhere = [False] * len(groups)
    firm = False

    def enough(held: list[bool]) -> bool:
        count = sum(h for h, g in zip(held, groups, strict=True) if not g.name) if speaker else sum(held)
        return count >= needed and all(h for h, g in zip(held, groups, strict=True) if g.name)

    for p in paragraphs:
        text = f"{p.title} {p.text}"
        # A stem (or, with ``stem_prefix``, its first letters) inside the folded text is a cheap
        # test that a paragraph may hold a word: only the ones that may be enough are tokenised (a
        # broad topic selects hundreds of paragraphs). It may say "held" of a word a paragraph only
        # holds inside another, so the lead line never names a word that is there.
        folded = fold(text)
        maybe = [any((t[:stem_prefix] if stem_prefix else t) in folded for t in g.terms) for g in groups]
        held_anywhere = [a or h for a, h in zip(held_anywhere, maybe, strict=True)]
        if not enough(maybe):
            continue
        terms = content_terms(text)
        if enough([_holds(terms, g.terms, stem_prefix) for g in groups]):
            firm = True
            break
    if firm:
        return _ANSWERED
    unmatched = tuple(g.word for g, h in zip(groups, held_anywhere, strict=True) if not h)
    return Verdict(Confidence.TENTATIVE, missing=unmatched)


@dataclass(frozen=True, slots=True)
class TopicGroup:
    """One word of a topic as ``check_attribution`` counts it: as written, its stems in every
    spelling, and whether it stands for a name (a run of capitalised words, held by its last)."""

    word: str
    terms: frozenset[str]
    name: bool


def topic_groups(topic: str, expand: Callable[[str], str]) -> list[TopicGroup]:
    """The words of ``topic`` (a noun phrase out of a question), a name of several words as one."""
    words = re.findall(r"[\w'’-]+", topic)
    groups: list[TopicGroup] = []
    seen: set[frozenset[str]] = set()
    run: list[str] = []

    def add(word: str, name: bool, written: str) -> None:
        terms = content_terms(word)
        if terms and terms not in seen:
            seen.add(terms)
            groups.append(TopicGroup(written, terms | content_terms(expand(word)), name))

    for word in [*words, ""]:
        if word[:1].isupper() and fold(word) not in STOPWORDS:
            run.append(word)
            continue
        if run:
            add(run[-1], True, " ".join(run))
            run = []
        if word:
            add(word, False, word)
    return groups


def holds_names(names: Sequence[TopicGroup], text: str, stem_prefix: int) -> bool:
    """Whether ``text`` holds every one of ``names`` (``topic_groups``' names of a topic)."""
    if not names:
        return True
    terms = content_terms(text)
    return all(_holds(terms, g.terms, stem_prefix) for g in names)


def _holds(terms: frozenset[str], wanted: frozenset[str], stem_prefix: int) -> bool:
    """Whether ``terms`` hold one of ``wanted``, or, with ``stem_prefix``, a word one of them is a
    prefix of or starts with ("baker" and "bakery"), the shorter at least that long."""
    return bool(wanted & terms) or bool(stem_prefix) and any(same_stem(w, t, stem_prefix) for w in wanted for t in terms)
