"""What a question asks: its kind, the speaker and topic it names, resolved against the history.

No LLM: a handful of patterns recognise "who said what about X", "what did X say", "which
officials commented on X", "according to whom ..."; follow-ups ("what else did he say?", "and
the analysts?", "when was that?") take their speaker and topic from the earlier answers passed in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from rag.schema import Answer, AnswerMode, Filters
from rag.text import content_terms, name_runs, tokens

# What a good answer sentence holds for why / how many / when questions: (asks, answers).
_ANSWER_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"^\s*why\b|\breason\b|\bwhat (?:caused|led to)\b", re.I),
     re.compile(r"\b(?:because|due to|to avoid|in order to|so that|as a result|after|since|"
                r"amid|following|caused by|led to|blamed|reason)\b", re.I)),
    (re.compile(r"^\s*how (?:many|much)\b|\bwhat (?:number|percentage|share|amount)\b", re.I),
     re.compile(r"\d|\b(?:hundred|thousand|million|billion|dozen|percent)s?\b", re.I)),
    (re.compile(r"^\s*when\b|\bwhat (?:date|day|time)\b", re.I),
     re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
                r"april|may|june|july|august|september|october|november|december|\d{4}|yesterday|"
                r"today|last (?:week|month|year)|next (?:week|month|year))\b", re.I)),
]
# A question about the present: the newest news should win a tie ("who resigned this week?").
_PRESENT = re.compile(
    r"\b(this (past )?(week|month|weekend)|recent(ly)?|latest|currently|right now|now|today|yesterday|"
    r"last week|so far)\b",
    re.IGNORECASE,
)


def answer_type(question: str) -> re.Pattern[str] | None:
    """The pattern a good answer sentence matches, for why / how many / when questions."""
    for asks, answers in _ANSWER_TYPES:
        if asks.search(question):
            return answers
    return None


def asks_about_now(question: str) -> bool:
    """Whether the question's wording points at the present ("this week", "recently", "latest")."""
    return bool(_PRESENT.search(question))


class QuestionKind(str, Enum):
    ATTRIBUTION = "attribution"  # who said what: answered from the stored quotes
    FACT = "fact"  # anything else: answered with extracted sentences
    WHEN = "when"  # "when was that?": the dates of the previous answer's sources


@dataclass(frozen=True, slots=True)
class Question:
    """What was asked, read once (``resolve``) and passed down whole: the answerer, retrieval
    and the answer read this, never the question's wording again.

    ``text`` is what retrieval searches for (a follow-up's pronoun replaced by the speaker it
    means); ``wording`` is the question as the user wrote it (the answer's ``question``).
    ``speaker`` is the speaker the question is about: named in a "what did X say" question or,
    for a factual follow-up ("why was he worried?"), the one its pronoun stands for; retrieval
    prefers the paragraphs quoting them (``Tuning.prefer_quoted``) in ``search`` and ``ask``
    alike. A first factual question's names stay words for retrieval to match.

    What the steps after compare against ``text`` is read here once, when the ``Question`` is
    made (and again by ``dataclasses.replace``): ``terms`` (its stemmed content words,
    ``rag.text.content_terms``), ``names`` (its runs of capitalised words, ``name_runs``),
    ``words`` (each word as written with its stems, for the coverage checks: rarity needs the
    corpus and stays with ``CorpusSnapshot.rarity``), ``wanted`` (what a good answer sentence
    holds, ``answer_type``) and ``about_now``. Refusal, extractive answers and retrieval read
    these instead of tokenising the question again, about seven times a question before.
    """

    text: str
    kind: QuestionKind = QuestionKind.FACT
    speaker: str = ""
    topic: str = ""
    exclude: frozenset[str] = field(default_factory=frozenset)  # quote texts already given
    described: str = ""  # a speaker description no profile matched, looked for in the paragraph
    # The question gives what was said and asks who said it ("Which automaker said it plans to
    # ...?"): when no quote answers, the articles may still say it in their own words.
    identifies: bool = False
    filters: Filters = field(default_factory=Filters)  # the source and dates the answer keeps to
    wording: str = ""  # as asked; "" = ``text``
    # Read from ``text`` in ``__post_init__``: never passed, recomputed by ``replace``.
    terms: frozenset[str] = field(init=False, repr=False, compare=False)
    names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    words: tuple[tuple[str, frozenset[str]], ...] = field(init=False, repr=False, compare=False)
    wanted: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    about_now: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        read: dict[str, frozenset[str]] = {}
        for word in tokens(self.text):
            stems = content_terms(word)
            if stems and word not in read:
                read[word] = stems
        object.__setattr__(self, "terms", content_terms(self.text))
        object.__setattr__(self, "names", tuple(name_runs(self.text)))
        object.__setattr__(self, "words", tuple(read.items()))
        object.__setattr__(self, "wanted", answer_type(self.text))
        object.__setattr__(self, "about_now", asks_about_now(self.text))

    @property
    def question(self) -> str:
        """The question as the user wrote it."""
        return self.wording or self.text

    @property
    def attribution(self) -> bool:
        return self.kind is QuestionKind.ATTRIBUTION


_ATTRIBUTION_PATTERNS = [
    re.compile(r"\bwho\s+said\s+what\b(?:\s+(?:about|on|regarding|concerning)\s+(?P<topic>.+))?", re.I),
    re.compile(
        r"\bwhat\s+(?:did|does|do|has|have|had)\s+(?P<speaker>.+?)\s+"
        r"(?:say|said|tell|told|claim|claimed|argue|argued|warn|warned|think|thought|comment|commented|"
        r"state|stated|declare|declared|report|reported|suggest|suggested|note|noted|add|added|"
        r"vow|vowed|promise|promised|concede|conceded|admit|admitted|predict|predicted)"
        r"(?:\s+(?:about|on|regarding|concerning|of|that|to|would|was|were|had)\b\s*(?P<topic>.+)|"
        r"\s+(?P<rest>.+))?$",
        re.I,
    ),
    re.compile(
        r"\b(?:which|what)\s+(?P<speaker>[\w\s'-]+?)\s+(?:commented|spoke|said|reacted|responded|"
        r"weighed in|were quoted|are quoted|was quoted)(?:\s+(?P<about>about|on|regarding|to)\b)?\s*(?P<topic>.*)$",
        re.I,
    ),
    re.compile(
        r"\bwho\s+(?:has\s+|have\s+|had\s+)?(?:said|says|commented|spoke|warned|claimed|argued|"
        r"criticized|criticised|praised|reacted|responded|was quoted|is quoted|declared|stated)"
        r"(?:\s+(?P<about>about|on|regarding|concerning|to)\b|\s+that\b)?\s*(?P<topic>.*)$",
        re.I,
    ),
    re.compile(r"\baccording\s+to\s+whom\b,?\s*(?P<topic>.*)$", re.I),
    re.compile(r"\bhow\s+did\s+(?P<speaker>.+?)\s+(?:react|respond)(?:\s+to\s+(?P<topic>.+))?$", re.I),
    re.compile(
        r"\b(?:quotes?|statements?|reactions?|remarks?|comments?)\s+(?:from|by)\s+(?P<speaker>.+?)"
        r"(?:\s+(?:about|on|regarding)\s+(?P<topic>.+))?$",
        re.I,
    ),
    re.compile(r"\b(?:quotes?|statements?|reactions?)\s+(?:about|on|regarding)\s+(?P<topic>.+)$", re.I),
]
_NOBODY_IN_PARTICULAR = {"people", "they", "everyone", "anyone", "everybody"}
_FOLLOWUP_ELSE = re.compile(
    r"^\s*(?:and\s+)?what\s+else\s+(?:did|does|has)\s+(?P<pronoun>he|she|they|it|him|her)\b", re.I
)
_FOLLOWUP_AND = re.compile(r"^\s*(?:and|what about|how about)\s+(?P<x>[^?]+?)\s*\??\s*$", re.I)
_FOLLOWUP_WHEN = re.compile(r"^\s*(?:and\s+)?when\s+(?:was|were|did|is)\b.*\b(?:that|this|it|he|she|they)\b", re.I)
_PRONOUNS = re.compile(r"\b(he|she|him|her|they|them)\b", re.I)


def _clean(fragment: str | None) -> str:
    if not fragment:
        return ""
    text = fragment.strip().rstrip("?.! ").strip()
    return re.sub(r"^(?:the\s+)?(?:subject\s+of\s+)?", "", text, flags=re.I).strip() if text else ""


def classify(question: str) -> Question:
    """Recognise attribution questions ("who said what about X", "what did X say")."""
    q = " ".join(question.split()).rstrip()
    for pattern in _ATTRIBUTION_PATTERNS:
        m = pattern.search(q.rstrip("?"))
        if m:
            groups = m.groupdict()
            speaker = (groups.get("speaker") or "").strip()
            if speaker.lower() in _NOBODY_IN_PARTICULAR:
                speaker = ""
            topic = _clean(groups.get("topic") or groups.get("rest"))
            # "Which automaker said it plans to ...", "Who said the bridge was unsafe?": what was
            # said is given and the speaker asked for, not statements about a subject.
            identifies = "about" in groups and bool(topic) and not groups["about"]
            return Question(q, QuestionKind.ATTRIBUTION, speaker=speaker, topic=topic, identifies=identifies)
    return Question(q)


def earlier_answers(history: Sequence[object]) -> list[Answer]:
    """History entries may be ``Answer``s or ``(question, Answer)`` pairs."""
    answers = []
    for turn in history:
        if isinstance(turn, Answer):
            answers.append(turn)
        elif isinstance(turn, tuple | list) and len(turn) == 2 and isinstance(turn[1], Answer):
            answers.append(turn[1])
    return answers


def resolve(question: str, history: Sequence[object] = (), filters: Filters | None = None) -> Question:
    """What ``question`` asks, inside ``filters``, carrying the topic and last speaker over from
    earlier turns: the one reading of it that everything after works from."""
    resolved = _resolved(question, history)
    return replace(resolved, filters=filters or Filters(), wording=question)


def _resolved(question: str, history: Sequence[object]) -> Question:
    asked = classify(question)
    answers = earlier_answers(history)
    if not answers:
        return asked
    last = answers[-1]
    last_speaker = _meant_by("they", last)
    last_topic = next((a.topic for a in reversed(answers) if a.topic), "")
    said = frozenset(q.text for a in answers for q in a.quotes)

    m = _FOLLOWUP_ELSE.match(question)
    if m:
        speaker = _meant_by(m.group("pronoun"), last) if m.group("pronoun").lower() != "it" else ""
        return Question(question, QuestionKind.ATTRIBUTION, speaker=speaker, exclude=said)
    if _FOLLOWUP_WHEN.match(question):
        return Question(question, QuestionKind.WHEN, topic=last_topic, speaker=last_speaker)
    m = _FOLLOWUP_AND.match(question)
    if m and not asked.attribution:
        x = m.group("x").strip()
        if last.mode in (AnswerMode.ATTRIBUTION, AnswerMode.NONE) and (last.speaker or last.topic or last.speakers):
            return Question(question, QuestionKind.ATTRIBUTION, speaker=x, topic=last_topic)
        return Question(f"{x} {last_topic}".strip(), topic=x)
    if asked.attribution and asked.speaker and _PRONOUNS.fullmatch(asked.speaker.strip()) \
            and _meant_by(asked.speaker.strip(), last):
        return replace(asked, text=question, speaker=_meant_by(asked.speaker.strip(), last),
                       topic=asked.topic or last_topic)
    pronoun = _PRONOUNS.search(question)
    if not asked.attribution and pronoun and _meant_by(pronoun.group(1), last):
        # "Why was he worried?" after Pushilin's quotes is about Pushilin: retrieval prefers his paragraphs.
        speaker = _meant_by(pronoun.group(1), last)
        return Question(_PRONOUNS.sub(speaker, question, count=1), topic=asked.topic or last_topic,
                        speaker=speaker)
    return asked


# Speaker kinds (``Quote.speaker_kind``) that "he" and "she" can never mean; "" (a store from
# before the kinds were recorded) may be anyone.
_NOT_A_PERSON = frozenset({"publication", "org", "group"})


def _meant_by(pronoun: str, last: Answer) -> str:
    """The speaker a follow-up's pronoun stands for after ``last``; "" when none fits.

    The person the conversation is about: the speaker the last question named, or else the
    first person among the last answer's speakers. "he"/"she"/"him"/"her" never mean a
    publication, an organisation or a group ("what else did he say?" after "who said what about
    Seversk?" is not The New York Times, first quoted there); "they" may mean any speaker. A
    person named as such ("person") comes before a description ("a DPR spokesperson").
    """
    kinds = {group.speaker: group.kind for group in last.speakers}
    if pronoun.lower() in ("they", "them"):
        return last.speaker or (last.speakers[0].speaker if last.speakers else "")
    if last.speaker and kinds.get(last.speaker, "") not in _NOT_A_PERSON:
        return last.speaker
    people = [g.speaker for g in last.speakers if g.kind == "person"]
    maybe = [g.speaker for g in last.speakers if g.kind not in _NOT_A_PERSON]
    return next(iter(people or maybe), "")
