"""Cited answers without an LLM: speaker attribution, extractive sentences, honest refusals.

Every sentence of an answer is copied from (or, for attribution, quoted from) a stored
paragraph and followed by its ``[n]`` citation, so nothing can be invented. When the corpus
does not hold the answer, the answer says so and says which case it is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rag import models
from rag.retrieve import Filters, Retrieval, Retriever
from rag.schema import Answer, AnswerMode, AnswerQuote, Citation, Hit, Paragraph, Quote, QuoteKind
from rag.store import KeywordCache, Store, settle_long_lived
from rag.text import fold, split_sentences, words

# Below this query-paragraph cosine similarity the best match is a weak match, not an answer.
# Calibrated on bench/labels (answerable vs unanswerable questions); see bench/RESULTS.md.
MIN_DENSE_SIMILARITY = 0.35
# An extractive answer is refused as a weak match when its paragraphs (and their headlines)
# miss more than this share of the question's content words: "Which bridge collapsed in the
# storms?" answered from a paragraph about a storm-damaged port. Paraphrased questions miss up
# to about half (bench/RESULTS.md, "Refusals").
MAX_UNCOVERED_TERMS = 0.6
# An extra extractive sentence must score at least this fraction of the best sentence.
SECOND_SENTENCE_RATIO = 0.85
MAX_EXTRACTIVE_SENTENCES = 3
MAX_STATEMENTS_PER_SPEAKER = 6
# A broad topic over a big corpus can have hundreds of speakers; an answer shows the most
# relevant ones and says how many more there are (``newsrag quotes`` lists them all).
MAX_SPEAKERS = 10
# A paragraph that shares no word with an attribution question's topic must be at least this
# similar to it to count as being about it (bench/RESULTS.md, "Refusals").
TOPIC_SIMILARITY = 0.5
# "What did X say about Y": when X is quoted in at most this many paragraphs, each is scored
# against Y directly (stored vectors) instead of searching the whole corpus for Y.
SPEAKER_PARAGRAPHS_SCORED = 200
# Paragraphs holding a topic's words that attribution looks at (BM25 over headline + text).
TOPIC_KEYWORD_CANDIDATES = 2000
# Sentences are drawn from this many top paragraphs: the answer to a "why" is often in the
# fourth or fifth hit, below paragraphs that merely repeat the question's words.
EXTRACTIVE_PARAGRAPHS = 5
# How a candidate sentence is scored: "lexical" = its paragraph's dense similarity to the
# question plus OVERLAP_WEIGHT x the share of the question's words it holds (no encoding at
# question time); "embedding" = the sentence's own cosine instead, encoding up to
# MAX_SENTENCES_EMBEDDED sentences per question, which was most of a factual ask's time.
# Lexical also holds the labelled answer more often (43 vs 37 of 62; bench/RESULTS.md,
# "Extractive answers").
SENTENCE_SCORING = "lexical"
OVERLAP_WEIGHT = 0.3
MAX_SENTENCES_EMBEDDED = 12
# Bonus for a sentence holding the kind of thing the question asks for (a cause for "why",
# a number for "how many", a date for "when"); see bench/RESULTS.md, "extractive".
ANSWER_TYPE_BONUS = 0.15
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


def _answer_type(question: str) -> re.Pattern[str] | None:
    """The pattern a good answer sentence matches, for why / how many / when questions."""
    for asks, answers in _ANSWER_TYPES:
        if asks.search(question):
            return answers
    return None

STOPWORDS = frozenset(
    ["a", "an", "the", "of", "on", "in", "at", "to", "for", "from", "by", "with", "about", "and", "or", "but", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "done", "has", "have", "had", "what", "who", "whom", "whose", "which", "when", "where", "why", "how", "that", "this", "these", "those", "it", "its", "it's", "he", "she", "they", "them", "his", "her", "their", "there", "here", "said", "say", "says", "tell", "told", "any", "some", "all", "me", "us", "we", "you", "your", "i", "my", "our", "than", "then", "so", "as", "if", "not", "no", "into", "over", "under", "after", "before", "according", "comment", "commented", "comments", "else", "also", "just", "more", "most", "much", "many", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "whats", "what's", "between", "during", "against", "up", "down", "out", "off", "again", "further", "once", "only", "own", "same", "too", "very", "s", "t", "don", "now", "any", "anyone", "anybody", "someone", "somebody"]
)

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
        r"weighed in|were quoted|are quoted|was quoted)(?:\s+(?:about|on|regarding|to))?\s*(?P<topic>.*)$",
        re.I,
    ),
    re.compile(
        r"\bwho\s+(?:has\s+|have\s+|had\s+)?(?:said|says|commented|spoke|warned|claimed|argued|"
        r"criticized|criticised|praised|reacted|responded|was quoted|is quoted|declared|stated)"
        r"(?:\s+(?:about|on|regarding|concerning|that|to))?\s*(?P<topic>.*)$",
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
# Words a question may use for a role that articles word differently ("the farmers' leader"
# for "president of the Growers' Association"). Stems, as content_terms produces them.
_ROLE_GROUPS = (
    ("leader", "head", "chief", "chair", "chairman", "chairwoman", "president", "boss", "director"),
    ("judge", "justice"),
    ("spokesperson", "spokesman", "spokeswoman", "spokespeople"),
    ("farmer", "grower"),
    ("scientist", "hydrologist", "researcher", "expert", "economist", "meteorologist"),
    ("union", "guild"),
    ("company", "firm", "employer"),
    ("group", "association", "organisation", "organization", "society", "coalition", "alliance"),
)
_ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {w: g for g in _ROLE_GROUPS for w in g}

_FOLLOWUP_ELSE = re.compile(
    r"^\s*(?:and\s+)?what\s+else\s+(?:did|does|has)\s+(?P<pronoun>he|she|they|it|him|her)\b", re.I
)
_FOLLOWUP_AND = re.compile(r"^\s*(?:and|what about|how about)\s+(?P<x>[^?]+?)\s*\??\s*$", re.I)
_FOLLOWUP_WHEN = re.compile(r"^\s*(?:and\s+)?when\s+(?:was|were|did|is)\b.*\b(?:that|this|it|he|she|they)\b", re.I)
_PRONOUNS = re.compile(r"\b(he|she|him|her|they|them)\b", re.I)


@dataclass(frozen=True, slots=True)
class Intent:
    """What a question asks, after follow-up resolution."""

    question: str
    attribution: bool = False
    speaker: str = ""
    topic: str = ""
    when: bool = False  # "when was that?": dates of the previous answer's sources
    exclude: frozenset[str] = field(default_factory=frozenset)  # quote texts already given
    described: str = ""  # a speaker description no profile matched, looked for in the paragraph


def _clean(fragment: str | None) -> str:
    if not fragment:
        return ""
    text = fragment.strip().rstrip("?.! ").strip()
    return re.sub(r"^(?:the\s+)?(?:subject\s+of\s+)?", "", text, flags=re.I).strip() if text else ""


def classify(question: str) -> Intent:
    """Recognise attribution questions ("who said what about X", "what did X say")."""
    q = " ".join(question.split()).rstrip()
    for pattern in _ATTRIBUTION_PATTERNS:
        m = pattern.search(q.rstrip("?"))
        if m:
            groups = m.groupdict()
            speaker = (groups.get("speaker") or "").strip()
            if speaker.lower() in {"people", "they", "everyone", "anyone", "everybody"}:
                speaker = ""
            topic = _clean(groups.get("topic") or groups.get("rest"))
            return Intent(question=q, attribution=True, speaker=speaker, topic=topic)
    return Intent(question=q)


def _turns(history: Sequence[object]) -> list[Answer]:
    """History entries may be ``Answer``s or ``(question, Answer)`` pairs."""
    answers = []
    for turn in history:
        if isinstance(turn, Answer):
            answers.append(turn)
        elif isinstance(turn, tuple | list) and len(turn) == 2 and isinstance(turn[1], Answer):
            answers.append(turn[1])
    return answers


def resolve_followup(question: str, history: Sequence[object]) -> Intent:
    """Carry the topic and last speaker over from earlier turns, without an LLM."""
    intent = classify(question)
    answers = _turns(history)
    if not answers:
        return intent
    last = answers[-1]
    last_speaker = last.speaker or (last.quotes[0].speaker if last.quotes else "")
    last_topic = next((a.topic for a in reversed(answers) if a.topic), "")
    said = frozenset(q.text for a in answers for q in a.quotes)

    m = _FOLLOWUP_ELSE.match(question)
    if m:
        speaker = last_speaker if m.group("pronoun").lower() != "it" else ""
        return Intent(question=question, attribution=True, speaker=speaker, topic="", exclude=said)
    if _FOLLOWUP_WHEN.match(question):
        return Intent(question=question, when=True, topic=last_topic, speaker=last_speaker)
    m = _FOLLOWUP_AND.match(question)
    if m and not intent.attribution:
        x = m.group("x").strip()
        if last.mode in (AnswerMode.ATTRIBUTION, AnswerMode.NONE) and (last.speaker or last.topic or last.quotes):
            return Intent(question=question, attribution=True, speaker=x, topic=last_topic)
        return Intent(question=f"{x} {last_topic}".strip(), topic=x)
    if intent.attribution and intent.speaker and _PRONOUNS.fullmatch(intent.speaker.strip()) and last_speaker:
        return Intent(question=question, attribution=True, speaker=last_speaker, topic=intent.topic or last_topic)
    if not intent.attribution and _PRONOUNS.search(question) and last_speaker:
        text = _PRONOUNS.sub(last_speaker, question, count=1)
        return Intent(question=text, topic=intent.topic or last_topic)
    return intent


# -- helpers shared by the answer modes ----------------------------------------------------------


def _stem(word: str) -> str:
    for suffix in ("ings", "ing", "ies", "ied", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_POSSESSIVE = re.compile(r"['’]s?$")


@lru_cache(maxsize=262_144)
def content_terms(text: str) -> frozenset[str]:
    """Stemmed non-stopwords. Cached: speakers, roles and headlines repeat across every query."""
    stripped = (_POSSESSIVE.sub("", w) for w in words(text))
    return frozenset(_stem(w) for w in stripped if w not in STOPWORDS and len(w) > 1)


class Topic:
    """A topic's words, each with its other spellings, and when a text is about it.

    Asked about a topic alone ("who said what about water rationing?"), a text is about it when
    it holds all of a one- or two-word topic and half of a longer one (which questions word
    freely), or when it holds one of the words and its article holds the rest ("Selling the
    terminal ..." in a story about the old ferry terminal); a quote about the water rising in a
    flood story never mentioning rationing is not. Asked what a named speaker said about
    something, one word is enough: the speaker already narrows the quotes, and such topics
    paraphrase the quote ("what did Okafor warn would happen if ..."). Spellings count once:
    "Seversk" is one word however many ways the corpus writes it.
    """

    def __init__(self, topic: str, expand: Callable[[str], str], strict: bool = True):
        groups: dict[frozenset[str], str] = {}
        for word in re.findall(r"[\w'’-]+", topic):
            terms = content_terms(word)
            if terms and terms not in groups:
                groups[terms] = expand(word)
        self.spellings = list(groups.values())
        self.groups = [content_terms(spelled) | terms for terms, spelled in groups.items()]
        self.terms = frozenset().union(*self.groups)
        n = len(self.groups)
        self.needed = min(n, 1) if not strict else n if n <= 2 else math.ceil(n / 2)
        self.articles: set[str] = set()  # articles holding the whole topic; see ``find_articles``

    def __bool__(self) -> bool:
        return bool(self.groups)

    def find_articles(self, cache: KeywordCache) -> None:
        """Note the articles that hold the topic somewhere, for ``in_text(..., article_id)``."""
        if self.needed > 1:
            self.articles = cache.articles_mentioning(self.spellings, self.needed)

    def in_text(self, text: str, article_id: str | None = None) -> bool:
        """Whether ``text`` (in article ``article_id``, if given) is about the topic.

        A term is a stem, so a substring of the folded text: that cheap test runs first, and the
        full tokenising only for the few texts that pass it (attribution checks thousands of quotes).
        """
        if not self.groups:
            return False
        folded = fold(text)
        present = sum(any(t in folded for t in g) for g in self.groups)
        if present == 0 or present < self.needed and article_id not in self.articles:
            return False
        found = content_terms(text)
        held = sum(bool(g & found) for g in self.groups)
        return held >= self.needed or held >= 1 and article_id in self.articles


def _names_in(question: str) -> list[str]:
    """Capitalised words not at the start of the question: the names a question hinges on."""
    tokens = re.findall(r"[\w'’-]+", question)
    names = []
    for i, token in enumerate(tokens):
        token = re.sub(r"['’]s?$", "", token)  # "Petrova's" -> "Petrova"
        if i > 0 and token[:1].isupper() and fold(token) not in STOPWORDS:
            names.append(token)
    return names


class CitationList:
    """Numbers paragraphs in order of first use."""

    def __init__(self, scores: dict[str, float] | None = None):
        self._by_id: dict[str, Citation] = {}
        self._scores = scores or {}

    def cite(self, p: Paragraph, score: float | None = None) -> int:
        if p.paragraph_id not in self._by_id:
            n = len(self._by_id) + 1
            self._by_id[p.paragraph_id] = Citation(
                n=n,
                article_id=p.article_id,
                title=p.title,
                source=p.source,
                date=p.date,
                paragraph=p.number,
                text=p.text,
                location=p.url or p.location,
                score=round(float(score if score is not None else self._scores.get(p.paragraph_id, 0.0)), 4),
                paragraph_id=p.paragraph_id,
            )
        return self._by_id[p.paragraph_id].n

    def all(self) -> tuple[Citation, ...]:
        return tuple(self._by_id.values())


def _nearest(hits: Sequence[Hit], limit: int = 3) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for hit in hits:
        p = hit.paragraph
        label = f"{p.title} ({p.source}, {p.date})" if p.source or p.date else p.title
        seen.setdefault(label, None)
        if len(seen) >= limit:
            break
    return tuple(seen)


def _refusal(question: str, reason: str, hits: Sequence[Hit], topic: str = "", speaker: str = "") -> Answer:
    nearest = _nearest(hits)
    text = reason
    if nearest:
        text += "\n\nNearest articles in the corpus:\n" + "\n".join(f"- {n}" for n in nearest)
    return Answer(
        question=question, mode=AnswerMode.NONE, text=text, reason=reason, nearest=nearest, topic=topic,
        speaker=speaker,
    )


# -- the answerer ---------------------------------------------------------------------------------


class Answerer:
    """Turns a question (and history) into an ``Answer``, citing stored paragraphs only."""

    def __init__(self, store: Store, retriever: Retriever):
        self.store = store
        self.retriever = retriever
        self._profiles: dict[str, frozenset[str]] = {}
        self.prefer_quoted = True  # off only to measure what it adds (bench/eval.py)
        self._speakers_by_term: dict[str, set[str]] = {}
        self._profiles_revision: str | None = None
        self._by_speaker: dict[str, list[str]] = {}
        self._by_speaker_revision: str | None = None

    def warm(self) -> None:
        """Build the retrievers' indexes and the speaker index for the current corpus revision."""
        self.retriever.warm()
        self._refresh_speakers()

    # mention checks decide which refusal to give

    def unknown_names(self, question: str) -> list[str]:
        """Names in the question that no paragraph or headline contains, in any spelling."""
        cache = self.store.keyword_cache()
        missing = []
        for name in _names_in(question):
            if not cache.contains(self.retriever.variants.expand(name)):
                missing.append(name)
        return missing

    def _names_found_together(self, question: str, hits: Sequence[Hit]) -> bool:
        """True when one hit holds every name the question asks about (a strong keyword match).

        A long paragraph can sit below the dense threshold although it names exactly who or
        what the question is about; that is not a weak match.
        """
        names = _names_in(question)
        if not names:
            return False
        variants = self.retriever.variants
        for hit in hits:
            text = fold(f"{hit.paragraph.title} {hit.paragraph.text}")
            if all(any(fold(v) in text for v in (variants.expand(n).split())) for n in names):
                return True
        return False

    def search(self, query: str, k: int, filters: Filters) -> Retrieval:
        """Hybrid retrieval for ``query``, preferring paragraphs that quote the speaker it asks about.

        "What did Varnholm's mayor say the town needed?" rarely shares words with the paragraph
        that quotes Mayor Okafor; the quote records know she is the mayor.
        """
        return self.retriever.retrieve(query, k=k, filters=filters, prefer=self.quoting(classify(query).speaker))

    def quoting(self, speaker: str) -> frozenset[str]:
        """Ids of the paragraphs quoting a speaker who fits ``speaker`` (empty without one)."""
        if not speaker or not self.prefer_quoted:
            return frozenset()
        return self._paragraphs_of(self._speakers_like(speaker))

    def _paragraphs_of(self, speakers: Collection[str]) -> frozenset[str]:
        by_speaker = self._quotes_by_speaker()
        return frozenset(pid for name in speakers for pid in by_speaker.get(name, ()))

    def _similarity_to(self, text: str, paragraph_ids: Collection[str]) -> Retrieval:
        """Cosine similarity of ``text`` to each of a few paragraphs, from their stored vectors.

        "What did Okafor say about X" only needs to know which of Okafor's paragraphs are about
        X: scoring exactly those beats searching the whole corpus for its top 80 and hoping hers
        are among them (and costs one lookup by id instead of a wide vector search).
        """
        import numpy as np

        vectors = self.store.embeddings(sorted(paragraph_ids))
        if not vectors:
            return Retrieval((), 0.0, {})
        q = np.asarray(models.embed_query(text), dtype=np.float32)
        ids = list(vectors)
        m = np.asarray([vectors[i] for i in ids], dtype=np.float32)
        cos = m @ q / np.maximum(np.linalg.norm(m, axis=1) * np.linalg.norm(q), 1e-9)
        scores = {pid: float(c) for pid, c in zip(ids, cos, strict=True)}
        return Retrieval((), max(scores.values()), scores)

    def answer(self, question: str, history: Sequence[object], k: int, filters: Filters) -> Answer:
        intent = resolve_followup(question, history)
        if intent.when:
            return self._when(question, _turns(history), intent)
        if intent.attribution:
            return self.attribution(question, intent, k, filters)
        return self.extractive(question, intent, k, filters)

    # "when was that?"

    def _when(self, question: str, answers: list[Answer], intent: Intent) -> Answer:
        last = next((a for a in reversed(answers) if a.citations), None)
        if last is None:
            return _refusal(question, "There is no earlier answer to date; ask about a subject first.", ())
        citations = CitationList()
        lines = []
        for c in last.citations[:3]:
            p = Paragraph(
                paragraph_id=c.paragraph_id, article_id=c.article_id, number=c.paragraph, text=c.text,
                title=c.title, source=c.source, date=c.date, location=c.location,
            )
            n = citations.cite(p, c.score)
            when = c.date or "an unknown date"
            lines.append(f"- {c.source or 'The source'} published this on {when} (\u201c{c.title}\u201d) [{n}].")
        return Answer(
            question=question, mode=AnswerMode.EXTRACTIVE, text="\n".join(lines), citations=citations.all(),
            topic=intent.topic, speaker=intent.speaker,
        )

    # attribution: who said what

    def speaker_profile(self, speaker: str) -> frozenset[str]:
        """Every word the corpus uses for a speaker: names, how articles refer to them, roles.

        Built once per corpus revision, so "Varnholm's mayor" finds Lena Okafor although no
        single quote calls her that ("Mayor Lena Okafor", "Okafor, the Varnholm mayor"). Words
        are stored by spelling group (``VariantTable.canonical``), so Пушилин finds Pushilin
        with one set lookup.
        """
        return self._speaker_profiles().get(speaker, frozenset())

    def _speaker_profiles(self) -> dict[str, frozenset[str]]:
        self._refresh_speakers()
        return self._profiles

    def _refresh_speakers(self) -> None:
        """Rebuild the speaker profiles and their inverted index when the corpus changed."""
        cache = self.store.keyword_cache()
        if self._profiles_revision == cache.revision:
            return
        canonical = self.retriever.variants.canonical
        profiles: dict[str, set[str]] = {}
        for p in cache.quoted.values():
            for q in p.quotes:
                terms = profiles.setdefault(q.speaker, set())
                for text in (q.speaker, q.speaker_as_written, q.role):
                    for term in content_terms(text):
                        terms.add(canonical(term))
                        terms.update(_ROLE_SYNONYMS.get(term, ()))
        by_term: dict[str, set[str]] = {}
        for speaker, terms in profiles.items():
            for term in terms:
                by_term.setdefault(term, set()).add(speaker)
        self._profiles = {k: frozenset(v) for k, v in profiles.items()}
        self._speakers_by_term = by_term
        self._profiles_revision = cache.revision
        settle_long_lived()

    def speaker_matcher(self, wanted: str) -> Callable[[Quote], bool]:
        """A test for "does this quote's speaker fit the question's ``wanted`` speaker?"."""
        fitting = frozenset(self._speakers_like(wanted))
        return lambda quote: quote.speaker in fitting

    def _speakers_like(self, wanted: str) -> list[str]:
        """Resolved speakers whose profile fits ``wanted``, found through the term index.

        Every name (capitalised word) ``wanted`` gives must match, in some spelling; so must the
        descriptive words ("the head of the water authority"), or two thirds of them when there
        are four or more, among the words the corpus uses for the speaker (see
        ``speaker_profile``). Candidates come from the inverted index, so a corpus with 300,000
        speakers costs a few set operations, not a scan.
        """
        canonical = self.retriever.variants.canonical
        cleaned = re.sub(r"^(?:the|a|an)\s+", "", wanted.strip(), flags=re.I)
        wanted_terms = frozenset(canonical(t) for t in content_terms(cleaned))
        if not wanted_terms:
            return []
        names = [frozenset(canonical(t) for t in content_terms(n)) for n in _names_in("x " + cleaned)]
        names = [n for n in names if n]
        profiles = self._speaker_profiles()
        by_term = self._speakers_by_term

        def speakers_with(terms: frozenset[str]) -> set[str]:
            return set().union(*(by_term.get(t, ()) for t in terms))

        if names:
            candidates = speakers_with(names[0])
            for name in names[1:]:
                candidates &= speakers_with(name)
        else:
            candidates = speakers_with(wanted_terms)
        found = sorted(s for s in candidates if _mostly_in(wanted_terms, wanted_terms & profiles[s]))
        if found or not names:
            return found
        return self._described_with_place(wanted_terms, names)

    def _described_with_place(self, wanted_terms: frozenset[str], names: list[frozenset[str]]) -> list[str]:
        """Speakers fitting "the mayor of Charniv" through the headline they are quoted under.

        Articles often name the place only in the headline ("Mayor Bohdan Lesko told the
        crowd..." under "...Kharniv Hospital..."). Asked only when no profile holds the names; the
        descriptive words ("mayor") must still fit the speaker's own profile, so a bare person's
        name ("Ester Vallin") never matches someone else quoted under a headline naming them.
        """
        descriptive = wanted_terms - frozenset().union(*names)
        if not descriptive:
            return []
        profiles = self._speaker_profiles()
        cache = self.store.keyword_cache()
        canonical = self.retriever.variants.canonical
        by_speaker = self._quotes_by_speaker()
        found = []
        for speaker in set().union(*(self._speakers_by_term.get(t, ()) for t in descriptive)):
            if not _mostly_in(descriptive, descriptive & profiles[speaker]):
                continue
            headlines = {
                canonical(t) for pid in by_speaker.get(speaker, ()) for t in content_terms(cache.quoted[pid].title)
            }
            if all(n & (profiles[speaker] | headlines) for n in names):
                found.append(speaker)
        return sorted(found)

    def _quotes_by_speaker(self) -> dict[str, list[str]]:
        cache = self.store.keyword_cache()
        if self._by_speaker_revision != cache.revision:
            index: dict[str, list[str]] = {}
            for pid, p in cache.quoted.items():
                for q in p.quotes:
                    ids = index.setdefault(q.speaker, [])
                    if not ids or ids[-1] != pid:
                        ids.append(pid)
            self._by_speaker = index
            self._by_speaker_revision = cache.revision
        return self._by_speaker

    def _candidate_paragraphs(
        self, cache: KeywordCache, intent: Intent, own: frozenset[str], relevant_ids: set[str], filters: Filters
    ) -> list[Paragraph]:
        """The quoted paragraphs worth checking, found by index rather than by scanning all quotes.

        A named speaker narrows to that speaker's paragraphs; a topic to the paragraphs that
        retrieval found relevant plus those whose text or headline holds the topic's words (BM25
        over headline + paragraph); only a bare "who said what?" reads every quote.
        """
        if intent.speaker:
            ids = set(own)  # the paragraphs quoting the speakers who fit
        elif intent.topic:
            keyword = cache.search(self.retriever.variants.expand(intent.topic), TOPIC_KEYWORD_CANDIDATES)
            ids = {pid for pid, _ in keyword} | relevant_ids
        else:
            ids = set(cache.quoted)
        return [cache.quoted[pid] for pid in ids if pid in cache.quoted and _passes(cache.quoted[pid], filters)]

    def attribution(self, question: str, intent: Intent, k: int, filters: Filters) -> Answer:
        cache = self.store.keyword_cache()
        topic = intent.topic
        # Paragraphs are about the topic by the strict rule. Asked about a named speaker, their
        # own words and the headline they are quoted under need only share one word with it
        # (see ``Topic``); the speaker already narrows the quotes.
        about = Topic(topic, self.retriever.variants.expand)
        about.find_articles(cache)
        said_about = about if not (intent.speaker or intent.described) else Topic(
            topic, self.retriever.variants.expand, strict=False
        )

        # The speakers who fit the question, and the paragraphs quoting them, found once.
        speakers = frozenset(self._speakers_like(intent.speaker)) if intent.speaker else frozenset()
        own = self._paragraphs_of(speakers)
        relevant_ids: set[str] = set()
        retrieval: Retrieval | None = None
        if topic:
            missing = self.unknown_names(topic)
            if 0 < len(own) <= SPEAKER_PARAGRAPHS_SCORED and not missing:
                retrieval = self._similarity_to(topic, own)
                scored = [cache.quoted[pid] for pid in retrieval.dense_scores if pid in cache.quoted]
            else:
                retrieval = self.retriever.retrieve(topic, k=max(k * 4, 20), filters=filters)
                scored = [h.paragraph for h in retrieval.hits]
            if missing:
                return _refusal(
                    question,
                    f"No article in the corpus mentions {', '.join(missing)}, so nobody is quoted about it.",
                    retrieval.hits, topic=topic,
                )
            relevant_ids = _about_topic(scored, retrieval, about)

        quoted = self._candidate_paragraphs(cache, intent, own, relevant_ids, filters)
        selected: list[tuple[Paragraph, Quote]] = []
        for p in sorted(quoted, key=lambda p: (p.date, p.article_id, p.number)):
            if intent.described and not _mostly_in(content_terms(intent.described), content_terms(p.text)):
                continue
            # In an article whose headline names the topic, every quote is about it; in a
            # paragraph retrieval found relevant, so is every quote. Elsewhere a quote must name
            # the topic itself. Where some of a paragraph's quotes name the topic, those are the
            # ones about it; the others merely share the paragraph.
            headline_on_topic = said_about.in_text(p.title)
            relevant = not topic or headline_on_topic or p.paragraph_id in relevant_ids
            candidates, on_topic = [], []
            for q in p.quotes:
                if q.text in intent.exclude or (intent.speaker and q.speaker not in speakers):
                    continue
                names_topic = said_about.in_text(q.text, p.article_id)
                if relevant or names_topic:
                    candidates.append(q)
                    if names_topic:
                        on_topic.append(q)
            selected.extend((p, q) for q in (candidates if headline_on_topic else on_topic or candidates))

        if not selected and intent.speaker and not intent.exclude and not _names_in("x " + intent.speaker):
            # A description no speaker profile matches ("the Quay Street baker" may be
            # "Petra Sollis, who runs a bakery"): look for quotes about the described person
            # and the topic together rather than refuse.
            broader = replace(intent, speaker="", described=intent.speaker)
            return self.attribution(question, broader, k, filters)
        if not selected:
            if topic and retrieval is not None and not retrieval.hits:
                # Scored only the speaker's own paragraphs: search the corpus for the refusal's
                # nearest articles and to tell "mentioned, nobody quoted" from "weak matches".
                retrieval = self.retriever.retrieve(topic, k=max(k * 4, 20), filters=filters)
                relevant_ids = _about_topic([h.paragraph for h in retrieval.hits], retrieval, about)
            hits = retrieval.hits if retrieval else ()
            if intent.speaker and not speakers:
                reason = f"Nobody called {intent.speaker} is quoted in the corpus."
            elif intent.exclude:
                reason = f"The corpus has nothing more from {intent.speaker or 'them'}."
            elif topic and retrieval and retrieval.hits and relevant_ids:
                reason = f"Articles mention {topic}, but nobody in them is quoted about it."
            elif topic:
                reason = f"Only weak matches for {topic}; no article is clearly about it."
            else:
                reason = "No quotes in the corpus match the question."
            return _refusal(question, reason, hits, topic=topic, speaker=intent.speaker)

        return self._speaker_answer(question, intent, selected, retrieval)

    def _speaker_answer(
        self, question: str, intent: Intent, selected: list[tuple[Paragraph, Quote]], retrieval: Retrieval | None
    ) -> Answer:
        scores = retrieval.dense_scores if retrieval else {}
        citations = CitationList(scores)
        groups: dict[str, list[tuple[Paragraph, Quote]]] = {}
        for p, q in selected:
            groups.setdefault(q.speaker, []).append((p, q))
        hidden = _fewer_speakers(groups, scores, intent.topic)
        lines: list[str] = []
        answer_quotes: list[AnswerQuote] = []
        articles: dict[str, list[Paragraph]] = {}
        for speaker, items in groups.items():
            role = next((q.role for _, q in items if q.role), "")
            lines.append(f"**{speaker}**" + (f" ({role})" if role else ""))
            for p, q in items[:MAX_STATEMENTS_PER_SPEAKER]:
                ns = [citations.cite(p)]
                for extra in q.paragraphs[1:]:
                    if p.article_id not in articles:
                        articles[p.article_id] = self.store.article(p.article_id)
                    follow = next((x for x in articles[p.article_id] if x.number == extra), None)
                    if follow is not None:
                        ns.append(citations.cite(follow))
                marks = "".join(f"[{n}]" for n in ns)
                if q.kind is QuoteKind.DIRECT:
                    lines.append(f"- {q.cue or 'said'}: \u201c{q.text}\u201d {marks}")
                elif q.cue.lower().startswith("according"):
                    lines.append(f"- {q.cue} {q.speaker_as_written or speaker}: {q.text} {marks}")
                else:
                    lines.append(f"- {q.cue or 'said'} that {q.text} {marks}")
                answer_quotes.append(AnswerQuote(q.speaker, q.role, q.text, q.kind, q.cue, ns[0]))
            lines.append("")
        if hidden:
            about = f" about {intent.topic}" if intent.topic else ""
            lines.append(
                f"_{sum(len(v) for v in hidden.values())} more statements{about} by {len(hidden)} other speakers "
                "are not shown; narrow the question by source or date, or list every quote with "
                "`newsrag quotes`._"
            )
        return Answer(
            question=question,
            mode=AnswerMode.ATTRIBUTION,
            text="\n".join(lines).strip(),
            citations=citations.all(),
            quotes=tuple(answer_quotes),
            topic=intent.topic,
            speaker=next(iter(groups)) if intent.speaker and len(groups) == 1 else intent.speaker,
        )

    # extractive: the best sentences of the best paragraphs

    def extractive(self, question: str, intent: Intent, k: int, filters: Filters) -> Answer:
        retrieval = self.retriever.retrieve(intent.question, k=k, filters=filters)
        hits = list(retrieval.hits)
        topic = intent.topic or " ".join(sorted(content_terms(intent.question)))
        if not hits:
            return _refusal(question, "The corpus has no paragraph that matches the question.", (), topic=topic)
        missing = self.unknown_names(intent.question)
        if missing:
            return _refusal(
                question, f"No article in the corpus mentions {', '.join(missing)}.", hits, topic=topic
            )
        if retrieval.dense_top < MIN_DENSE_SIMILARITY and not self._names_found_together(intent.question, hits):
            return _refusal(
                question, "Only weak matches: no paragraph in the corpus clearly answers this.", hits, topic=topic
            )
        uncovered = self._uncovered_terms(intent.question, hits)
        if len(uncovered) > MAX_UNCOVERED_TERMS * len(content_terms(intent.question)):
            return _refusal(
                question,
                "Only weak matches: the closest paragraphs never mention "
                + ", ".join(f"“{w}”" for w in uncovered) + ".",
                hits, topic=topic,
            )
        return self._best_sentences(question, intent, hits[:EXTRACTIVE_PARAGRAPHS], retrieval, topic)

    def _uncovered_terms(self, question: str, hits: Sequence[Hit]) -> list[str]:
        """The question's words (as written) that no hit's paragraph or headline holds in any spelling."""
        canonical = self.retriever.variants.canonical
        covered = {
            canonical(t) for h in hits for t in content_terms(f"{h.paragraph.title} {h.paragraph.text}")
        }
        uncovered = []
        for word in re.findall(r"[\w'’-]+", question):
            terms = content_terms(word)
            if terms and not any(canonical(t) in covered for t in terms) and word not in uncovered:
                uncovered.append(word)
        return uncovered

    def _best_sentences(
        self, question: str, intent: Intent, hits: list[Hit], retrieval: Retrieval, topic: str
    ) -> Answer:
        candidates: list[tuple[Hit, str, int]] = []
        for rank, hit in enumerate(hits):
            for sentence in split_sentences(hit.paragraph.text):
                if len(words(sentence)) >= 4:
                    candidates.append((hit, sentence, rank))
        if not candidates:
            candidates = [(h, h.paragraph.text, r) for r, h in enumerate(hits)]
        q_terms = content_terms(intent.question)
        wanted = _answer_type(intent.question)
        if SENTENCE_SCORING == "embedding":
            # Embedding sentences is the costly step of an answer: embed only the most promising.
            candidates.sort(key=lambda c: (-len(q_terms & content_terms(c[1])), c[2]))
            candidates = candidates[:MAX_SENTENCES_EMBEDDED]
            import numpy as np

            q_vec = np.asarray(models.embed_query(intent.question))
            similarity = [float(q_vec @ v) for v in np.asarray(models.embed_texts([s for _, s, _ in candidates]))]
        else:
            similarity = [retrieval.dense_scores.get(h.paragraph.paragraph_id, 0.0) for h, _, _ in candidates]
        scored = []
        for (hit, sentence, rank), sim in zip(candidates, similarity, strict=True):
            overlap = len(q_terms & content_terms(sentence)) / max(len(q_terms), 1)
            score = sim + OVERLAP_WEIGHT * overlap + 0.03 * (len(hits) - rank)
            if wanted is not None and wanted.search(sentence):
                score += ANSWER_TYPE_BONUS
            scored.append((score, hit, sentence))
        scored.sort(key=lambda t: -t[0])
        best = scored[0][0]
        chosen = [scored[0]]
        for item in scored[1:]:
            if len(chosen) >= MAX_EXTRACTIVE_SENTENCES or item[0] < best * SECOND_SENTENCE_RATIO:
                break
            if all(content_terms(item[2]) != content_terms(c[2]) for c in chosen):
                chosen.append(item)
        citations = CitationList(retrieval.dense_scores)
        parts = []
        for _, hit, sentence in chosen:
            n = citations.cite(hit.paragraph, hit.score)
            also = f" (also in {', '.join(hit.sources[1:])})" if len(hit.sources) > 1 else ""
            parts.append(f"{sentence} [{n}]{also}")
        return Answer(
            question=question,
            mode=AnswerMode.EXTRACTIVE,
            text=" ".join(parts),
            citations=citations.all(),
            topic=topic,
            speaker=intent.speaker,
        )


def _fewer_speakers(
    groups: dict[str, list[tuple[Paragraph, Quote]]], scores: dict[str, float], topic: str
) -> dict[str, list[tuple[Paragraph, Quote]]]:
    """Keep the ``MAX_SPEAKERS`` most relevant speakers in ``groups`` (in place); return the rest.

    A speaker ranks by the weight of what they said about it: over the statements an answer
    would show, the dense similarity of each one's paragraph to the topic, plus a bonus when
    the quote itself names the topic. So the mayor quoted six times about the flood outranks
    someone with one apt sentence. The kept speakers stay in the order they were first quoted.
    """
    if len(groups) <= MAX_SPEAKERS:
        return {}
    named = Topic(topic, str, strict=False)  # the quote names one of the topic's words

    def relevance(speaker: str) -> float:
        return sum(
            scores.get(p.paragraph_id, 0.0) + (0.5 if named.in_text(q.text) else 0.0) + 0.1
            for p, q in groups[speaker][:MAX_STATEMENTS_PER_SPEAKER]
        )

    keep = set(sorted(groups, key=relevance, reverse=True)[:MAX_SPEAKERS])
    hidden = {name: items for name, items in groups.items() if name not in keep}
    for name in hidden:
        del groups[name]
    return hidden


def _about_topic(paragraphs: Sequence[Paragraph], retrieval: Retrieval, topic: Topic) -> set[str]:
    """Ids of the paragraphs close to the topic in meaning or naming it (``Topic.in_text``)."""
    return {
        p.paragraph_id
        for p in paragraphs
        if retrieval.dense_scores.get(p.paragraph_id, 0.0) >= TOPIC_SIMILARITY or topic.in_text(p.text, p.article_id)
    }


def _mostly_in(wanted: frozenset[str], available: frozenset[str]) -> bool:
    """All of ``wanted``, or two thirds of it when it has four or more words."""
    hits = len(wanted & available)
    return bool(wanted) and (hits == len(wanted) or (len(wanted) >= 4 and hits * 3 >= len(wanted) * 2))


def _passes(p: Paragraph, filters: Filters) -> bool:
    from rag.store import date_number

    if filters.source and fold(p.source) != fold(filters.source):
        return False
    if filters.since and date_number(p.date) < date_number(filters.since):
        return False
    if filters.until and date_number(p.date) > date_number(filters.until):
        return False
    return not (filters.article_id and p.article_id != filters.article_id)
