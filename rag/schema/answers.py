"""An answer as data: its citations, speakers' statements, sentences and refusal.

The renderers (``rag.render``) turn these into markdown, JSON and the chat's cards; nothing
here imports them (``Answer.text`` is filled where rag hands the answer out).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rag.schema.corpus import QuoteKind


class AnswerMode(str, Enum):
    """How an answer was produced; ``NONE`` means the corpus does not hold the answer."""

    ATTRIBUTION = "attribution"
    EXTRACTIVE = "extractive"
    LLM = "llm"
    NONE = "none"


class Confidence(str, Enum):
    """How sure an answer is: decided by ``rag.refusal`` from the evidence (``Answer.confidence``).

    ``tentative`` is an extractive answer whose best paragraphs only come near the question
    (``Tuning.refuse_below`` <= answerability < ``Tuning.answer_above``): the closest sentences,
    cited, shown as possibly not answering it rather than refused or stated as the answer.
    """

    ANSWERED = "answered"  # the evidence answers the question
    TENTATIVE = "tentative"  # the closest sentences, which may not answer it
    REFUSED = "refused"  # nothing relevant: a ``none`` answer with its ``refusal``


@dataclass(frozen=True, slots=True)
class Citation:
    """A numbered source an answer points to with ``[n]``."""

    n: int
    article_id: str
    title: str
    source: str
    date: str
    paragraph: int
    text: str
    location: str
    score: float
    paragraph_id: str = ""


@dataclass(frozen=True, slots=True)
class AnswerQuote:
    """A quote used in an answer, pointing at its (first) citation number: ``Answer.quotes``."""

    speaker: str
    role: str
    text: str
    kind: QuoteKind
    cue: str
    citation: int


@dataclass(frozen=True, slots=True)
class Statement:
    """One thing a speaker said, as the answer shows it: the cue and the content as written.

    ``fragments`` are the quoted words inside a mixed statement; ``span`` is where ``text``
    sits in the first cited paragraph (character offsets, for highlighting), ``None`` when the
    text is not found there verbatim; ``reported_by`` names who relayed a second-hand statement.
    """

    kind: QuoteKind
    cue: str
    text: str
    citation_ids: tuple[int, ...]
    speaker_as_written: str = ""
    fragments: tuple[str, ...] = ()
    span: tuple[int, int] | None = None
    reported_by: str = ""
    content_form: str = ""  # "object": ``text`` is a noun phrase, never after "that" (``Quote.content_form``)


@dataclass(frozen=True, slots=True)
class SpeakerStatements:
    """Everything one speaker said in a "who said what" answer (one card in the chat).

    ``total`` counts every statement found for the question; ``statements`` holds those shown.
    ``speaker_id`` is shared by the spelling variants merged into this speaker (``variants``).
    ``kind`` is what the speaker is (``Quote.speaker_kind``: "person", "org", "publication",
    "description", "group"; "" when the store predates it): a follow-up's "he" picks a person.
    """

    speaker: str
    role: str
    statements: tuple[Statement, ...]
    total: int = 0
    speaker_id: str = ""
    variants: tuple[str, ...] = ()
    kind: str = ""

    @property
    def citation_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(n for s in self.statements for n in s.citation_ids))


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an extractive or LLM answer, copied or checked, with its citations.

    ``block`` groups sentences into lines (an LLM's bullets or paragraphs); ``bullet`` marks a
    line written as a list item.
    """

    text: str
    citation_ids: tuple[int, ...]
    also_in: tuple[str, ...] = ()  # other sources carrying the same wire copy
    block: int = 0
    bullet: bool = False


class RefusalReason(str, Enum):
    """Why the corpus cannot answer: each case has its own message (``rag.render.speech``)."""

    NOT_MENTIONED = "not_mentioned"  # no article mentions the subject (``missing_terms``)
    NOBODY_QUOTED = "nobody_quoted"  # articles mention it, nobody in them is quoted about it
    WEAK_MATCHES = "weak_matches"  # only weak matches (``missing_terms``: words they never mention)
    NO_MATCH = "no_match"  # no paragraph matches at all
    UNKNOWN_SPEAKER = "unknown_speaker"  # nobody by that name or description is quoted
    NOTHING_MORE = "nothing_more"  # a follow-up asked for more, and there is none
    NO_QUOTES = "no_quotes"  # no quote matches the question
    NO_EARLIER_ANSWER = "no_earlier_answer"  # "when was that?" with nothing before it
    NOTHING_RECENT = "nothing_recent"  # asked about the present; the matches are all older (``as_of``)


@dataclass(frozen=True, slots=True)
class NearestArticle:
    """An article close to a refused question, offered instead of an answer."""

    article_id: str
    title: str
    source: str = ""
    date: str = ""


@dataclass(frozen=True, slots=True)
class Refusal:
    """What a ``none`` answer says instead: the case, its subject, and what was close.

    ``hidden_by_filters`` counts articles that mention the subject but were left out by the
    question's source or date filters.
    """

    reason: RefusalReason
    subject: str = ""
    missing_terms: tuple[str, ...] = ()
    hidden_by_filters: int = 0
    nearest: tuple[NearestArticle, ...] = ()
    as_of: str = ""  # the reference day of a question about the present (ISO), for NOTHING_RECENT


@dataclass(frozen=True, slots=True)
class Answer:
    """A cited answer as data: typed parts whose ``citation_ids`` index ``citations``.

    Attribution answers carry ``speakers`` (``total_speakers`` found, ``hidden_statements`` by
    those not shown); extractive and LLM answers carry ``sentences``; ``none`` answers a
    ``refusal``. ``confidence`` says how sure the answer is (``Confidence``): a ``none`` answer
    is always ``refused``. ``text`` is the markdown rendering, for scripts and the CLI, filled in when the
    answer leaves rag; front ends render the parts themselves (``rag.render``) and never parse it.
    """

    question: str
    mode: AnswerMode
    citations: tuple[Citation, ...] = ()
    speakers: tuple[SpeakerStatements, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    refusal: Refusal | None = None
    total_speakers: int = 0
    hidden_statements: int = 0
    # Articles a date filter left out only because they carry no date (so have no place in any
    # date range): with "since", a reader would otherwise never learn that 9 of Okafor's 16
    # statements sit in undated articles (issue 22). 0 without a date filter.
    undated_hidden: int = 0
    removed: tuple[str, ...] = ()  # LLM sentences dropped because no cited paragraph backs them
    note: str = ""  # why an LLM answer fell back to the extractive one
    topic: str = ""  # what the question was about, carried into follow-ups
    speaker: str = ""  # the speaker the question was about, carried into follow-ups
    confidence: Confidence = Confidence.ANSWERED  # set by rag.refusal; ``refused`` for every ``none`` answer
    # The extractive evidence score ``confidence`` was read from (``rag.evidence.answerability``:
    # best cosine + rare-word coverage - uncovered share - staleness); None where no score decided (who said
    # what, "when was that?", a fresh paragraph on a question about the present, a refusal by rule).
    answerability: float | None = None
    # For a tentative answer: the question's words no retrieved paragraph holds, when they are most
    # of it ("bridge", "collapsed"): the lead line names them, as a weak-match refusal would.
    unmatched: tuple[str, ...] = ()
    # For a tentative answer whose closest paragraph is over a week older than the day asked about
    # (the reference day: the until date, else the newest in the corpus): both days, ISO, so the
    # lead line can say how old the evidence is (``rag.evidence.staleness`` marked it down).
    closest_date: str = ""
    as_of: str = ""
    # Renderings kept beside the data for scripts and the CLI, filled where rag hands the answer
    # out (``rag.render.finish.finished``, for every answer ``NewsIndex.ask`` returns); the
    # renderers work from the typed parts above, never from these.
    text: str = ""  # the answer as markdown with [n] markers (unescaped: for terminals and scripts)
    reason: str = ""  # for ``none``: the refusal's message; "" when answered (an LLM's fallback is ``note``)
    nearest: tuple[str, ...] = ()  # for ``none``: labels of the nearest articles offered instead

    def __post_init__(self) -> None:
        # A ``none`` answer answers nothing, whoever built it (the renderers' tests build them by hand).
        if self.mode is AnswerMode.NONE and self.confidence is not Confidence.REFUSED:
            object.__setattr__(self, "confidence", Confidence.REFUSED)

    @property
    def shown_speakers(self) -> int:
        return len(self.speakers)

    @property
    def complete(self) -> bool:
        """Whether every speaker and statement found is shown (else "show all" has more)."""
        return self.shown_speakers >= self.total_speakers and all(
            len(g.statements) >= g.total for g in self.speakers)

    @property
    def quotes(self) -> tuple[AnswerQuote, ...]:
        """Every statement as a flat quote record (the documented ``--json`` ``quotes``)."""
        return tuple(
            AnswerQuote(group.speaker, group.role, s.text, s.kind, s.cue, s.citation_ids[0])
            for group in self.speakers
            for s in group.statements
        )
