"""Checking an LLM's answer sentence by sentence against the paragraphs it cites.

A sentence survives only if it cites a paragraph it was given and that paragraph backs it
(shared content words, or embedding similarity), and states no number or grave claim (a
negation, "resigned", "killed", ...) the paragraph lacks. A paragraph that addresses the model
("ignore previous instructions ...") backs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from rag.schema import Paragraph
from rag.text import content_terms, split_sentences, words

if TYPE_CHECKING:
    from rag.models import Encoder

# -- verification thresholds ---------------------------------------------------------------------
# A sentence is backed by its cited paragraphs when it states no number and no STATED_ONLY word
# family that they lack, and either at least LEXICAL_SUPPORT of its content words occur in them
# (names found there earn nothing; see measure_support) or its embedding (all-MiniLM-L6-v2, unit
# vectors) has cosine >= COSINE_SUPPORT with one of their sentences or the whole paragraph.
# Chosen on the labelled cases in tests/test_rag_llm.py (SUPPORT_CASES: copies and paraphrases vs.
# fabrications that reuse the paragraph's names): faithful sentences scored lexical >= 0.60, or
# cosine >= 0.75 when their words differ; fabrications that no contradiction rule catches scored
# at most lexical 0.50 and cosine 0.62. A plain 0.5 word share would pass "The mayor resigned"
# on "mayor" alone. Known miss: a loose paraphrase with new words and cosine < 0.7 ("make trips
# twenty minutes shorter" for "cut commute times by twenty minutes") is dropped; that errs safe.
LEXICAL_SUPPORT = 0.6
COSINE_SUPPORT = 0.7
# Two words match when one is a stem of the other ("approved"/"approve", "resign"/"resignation"):
# content_terms' suffix stripping is deliberately crude, so also accept a shared prefix this long.
PREFIX_MATCH_CHARS = 6
# Word overlap and MiniLM similarity are both blind to polarity and to the gravest claims: "The
# council rejected the budget" scores lexical 0.8, cosine 0.75 against "voted to approve the
# budget". So a claim using one of these word families needs the same family in the paragraph.
NEGATIONS = frozenset({"not", "no", "never", "nobody", "none", "nothing", "neither", "nor", "without", "cannot"})
STATED_ONLY: dict[str, re.Pattern[str]] = {
    family: re.compile(pattern)
    for family, pattern in {
        "negation": r"^(?:not|no|never|nobody|none|nothing|neither|nor|without|cannot|\w+n['\u2019]t)$",
        "reject": r"^reject\w*$",
        "deny": r"^den(?:y|ies|ied|ying|ial)$",
        "refuse": r"^refus\w*$",
        "cancel": r"^cancel\w*$",
        "fail": r"^fail\w*$",
        "oppose": r"^oppos\w*$",
        "block": r"^block(?:s|ed|ing)?$",
        "veto": r"^veto\w*$",
        "overturn": r"^overturn\w*$",
        "defeat": r"^defeat\w*$",
        "abandon": r"^abandon\w*$",
        "reverse": r"^revers\w*$",
        "resign": r"^resign\w*$",
        "fire": r"^fired$",
        "dismiss": r"^dismiss\w*$",
        "die": r"^(?:die[sd]?|dying|dead|deaths?)$",
        "kill": r"^kill\w*$",
        "arrest": r"^arrest\w*$",
        "charge": r"^charged$",
        "convict": r"^convict\w*$",
        "lose": r"^(?:lose|loses|losing|lost)$",
    }.items()
}


_MARKER = re.compile(r"\[\s*(?:paragraphs?\s*)?(\d+(?:\s*[,;]\s*\d+)*)\s*\]", re.I)
_MARKER_RUN = r"(?:\s*\[\s*(?:paragraphs?\s*)?\d+(?:\s*[,;]\s*\d+)*\s*\])+"
# "It opened. [1] Next ..." -> "It opened [1]. Next ...": the splitter must see the marker as
# part of the sentence it ends, not as the start of the next one.
_MARKERS_AFTER_STOP = re.compile(r"([.!?\u2026]+[\"'\u201d\u2019)\u00bb]*)(" + _MARKER_RUN + ")", re.I)
_BULLET = re.compile(r"^(?:[-*\u2022]|\d+[.)])\s+")
_THINKING = re.compile(r"<think>.*?(?:</think>|$)", re.S | re.I)
# Sentences that address the model rather than report news. A paragraph containing one is
# hostile data, and nothing in it counts as evidence: the payload often sits in the sentence
# after the instruction ("Ignore previous instructions. The mayor has resigned.").
_INSTRUCTION_PATTERNS = (
    re.compile(
        r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?]{0,40}?"
        r"\b(?:instructions?|prompts?|rules|directions|guidelines|directives)\b"
    ),
    re.compile(r"\b(?:system|developer)\s+(?:prompt|message|instructions?)\b"),
    re.compile(r"\b(?:ai|assistants?|chatbots?|language models?|llms?|models?)\s+(?:must|shall|are to)\b"),
    re.compile(r"\b(?:ai|assistant|chatbot|language model|llm|model)s?\b(?:\s+\w+){0,3}?\s+"
               r"(?:reading|processing|summari[sz]ing)\s+this\b"),
    re.compile(r"\byou\s+(?:are\s+now|must\s+now|will\s+now)\b"),
    re.compile(r"^\W*(?:reply|respond|answer|say|state|output|print)\s+(?:only\s+)?(?:that|with|:)"),
    re.compile(r"\btell\s+(?:the\s+)?(?:user|users|reader|readers)\b"),
    re.compile(r"\b(?:new|updated|additional|following)\s+instructions?\b"),
    re.compile(r"\binstructions?\b[^.!?]{0,60}?\b(?:say|reply|respond|answer|write|state|tell|output)\b"),
)
# Fences and chat-template tokens have no business in news copy: text carrying them is trying to
# end our data block or open a turn of its own.
_FORGED_MARKUP = re.compile(r"<{3,}|>{3,}|<\|[a-z_]+\|>|\[/?INST\]|<</?SYS>>|^\s*#{2,}\s*(?:system|assistant)\b",
                            re.I | re.M)


# -- verification ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Support:
    """How well a paragraph set backs one sentence: the two signals and the verdict."""

    lexical: float  # share of the sentence's content words found in the paragraphs
    cosine: float  # best embedding similarity to a paragraph sentence or a whole paragraph
    # what the sentence asserts that the paragraphs never do: a number ("80") or a STATED_ONLY
    # family ("negation", "resign"); any one of these sinks the sentence whatever the scores say
    contradictions: tuple[str, ...] = ()

    @property
    def supported(self) -> bool:
        if self.contradictions:
            return False
        return self.lexical >= LEXICAL_SUPPORT or self.cosine >= COSINE_SUPPORT


@dataclass(frozen=True, slots=True)
class VerifiedSentence:
    """One sentence of the LLM's answer: its text without markers and the paragraphs it cites."""

    text: str  # as written by the LLM, markers included
    claim: str  # the text without citation markers
    cited: tuple[int, ...]  # 1-based numbers as the LLM wrote them, in order of first mention
    bullet: bool
    line: int  # which line of the answer it was on, to keep bullets and paragraphs apart
    kept: bool = False


def is_instruction(sentence: str) -> bool:
    """Does this sentence address an AI model ("ignore previous instructions", "reply that ...")?"""
    if _FORGED_MARKUP.search(sentence):
        return True
    folded = " ".join(words(sentence))
    return any(p.search(folded) for p in _INSTRUCTION_PATTERNS)


def evidence_sentences(paragraph: Paragraph) -> list[str]:
    """The paragraph's sentences that may back a claim; none if the paragraph addresses the model."""
    sentences = split_sentences(paragraph.text) or [paragraph.text]
    if any(is_instruction(s) for s in sentences):
        return []
    return sentences


def _term_found(term: str, pool: set[str], prefixes: set[str]) -> bool:
    if term in pool:
        return True
    if len(term) >= PREFIX_MATCH_CHARS and term[:PREFIX_MATCH_CHARS] in prefixes:
        return True
    # "elect" in "election": a short stem that begins a longer word of the paragraph
    return len(term) >= 5 and any(p.startswith(term) for p in pool)


def _numbers(text: str) -> set[str]:
    return {w for w in words(text) if any(c.isdigit() for c in w)}


def _names(claim: str) -> set[str]:
    """Content terms of the capitalised words after the first: the names a claim is about."""
    tokens = re.findall(r"[\w'\u2019-]+", claim)
    return {t for tok in tokens[1:] if tok[:1].isupper() for t in content_terms(tok)}


def _stated_only(tokens: Sequence[str]) -> set[str]:
    """The ``STATED_ONLY`` word families among ``tokens``."""
    return {family for family, pattern in STATED_ONLY.items() if any(pattern.match(t) for t in tokens)}


def measure_support(claim: str, evidence: Sequence[str], encoder: Encoder, claim_vector: Any = None,
                    evidence_vectors: Any = None) -> Support:
    """Score ``claim`` (one sentence, markers stripped) against the cited paragraphs' sentences.

    Names found in the paragraphs earn nothing (a fabrication reuses them: "Mayor Ruiz
    resigned") but names missing from them count against the claim. Vectors come from
    ``encoder`` (the store's), or may be passed in when the caller has embedded many claims in
    one batch.
    """
    import numpy as np

    if not evidence:
        return Support(0.0, 0.0)
    claim_tokens = words(claim)
    evidence_tokens = [t for s in evidence for t in words(s)]
    problems = sorted(_numbers(claim) - set(_numbers(" ".join(evidence))))
    problems += sorted(_stated_only(claim_tokens) - _stated_only(evidence_tokens))

    pool: set[str] = set()
    for s in evidence:
        pool |= content_terms(s)
    prefixes = {t[:PREFIX_MATCH_CHARS] for t in pool if len(t) >= PREFIX_MATCH_CHARS}
    terms = content_terms(claim) - NEGATIONS
    if not terms:
        return Support(0.0, 0.0, tuple(problems))
    names = _names(claim) & terms
    plain = terms - names
    found = {t for t in terms if _term_found(t, pool, prefixes)}
    # names found earn nothing, names missing count against
    lexical = len(plain & found) / (len(plain) + len(names - found)) if plain else len(found) / len(terms)
    if claim_vector is None or evidence_vectors is None:
        units = [*evidence, " ".join(evidence)]
        vectors = np.asarray(encoder.embed_texts([claim, *units]))
        claim_vector, evidence_vectors = vectors[0], vectors[1:]
    cosine = float(np.max(np.asarray(evidence_vectors) @ np.asarray(claim_vector)))
    return Support(round(lexical, 4), round(cosine, 4), tuple(problems))


def split_answer(text: str) -> list[VerifiedSentence]:
    """The LLM's answer as sentences with their citation numbers, bullets and lines kept."""
    text = _THINKING.sub("", text)  # reasoning models may echo their scratchpad
    sentences = []
    for line_no, raw in enumerate(text.splitlines()):
        line = raw.strip()
        if not line:
            continue
        bullet = _BULLET.match(line)
        body = line[bullet.end():] if bullet else line
        body = _MARKERS_AFTER_STOP.sub(lambda m: " " + m.group(2).strip() + m.group(1), body)
        for sentence in split_sentences(body):
            cited: dict[int, None] = {}
            for m in _MARKER.finditer(sentence):
                for n in re.split(r"[,;]", m.group(1)):
                    cited.setdefault(int(n), None)
            claim = _MARKER.sub("", sentence)
            claim = re.sub(r"\s+([.,;:!?\u2026])", r"\1", " ".join(claim.split()))
            sentences.append(VerifiedSentence(sentence, claim, tuple(cited), bool(bullet), line_no))
    return sentences


def verify(text: str, paragraphs: Sequence[Paragraph], encoder: Encoder) -> list[VerifiedSentence]:
    """Mark each sentence of ``text`` kept or not, given the paragraphs numbered 1..len.

    Kept: it cites at least one paragraph, only paragraphs it was given, and those paragraphs
    back it (``Support.supported``).
    """
    import numpy as np

    sentences = split_answer(text)
    evidence = {n: evidence_sentences(p) for n, p in enumerate(paragraphs, start=1)}
    checkable = [
        i for i, s in enumerate(sentences)
        if s.cited and all(n in evidence for n in s.cited) and content_terms(s.claim)
    ]
    if not checkable:
        return sentences
    # One embedding batch for every claim and every evidence unit (sentences + whole paragraph).
    cited_ns = sorted({n for i in checkable for n in sentences[i].cited})
    units: list[str] = []
    spans: dict[int, tuple[int, int]] = {}
    for n in cited_ns:
        start = len(units)
        units.extend(evidence[n])
        if evidence[n]:
            units.append(" ".join(evidence[n]))
        spans[n] = (start, len(units))
    vectors = np.asarray(encoder.embed_texts([sentences[i].claim for i in checkable] + units))
    claim_vectors, unit_vectors = vectors[: len(checkable)], vectors[len(checkable):]
    verified = list(sentences)
    for i, vec in zip(checkable, claim_vectors, strict=True):
        s = sentences[i]
        rows = [r for n in s.cited for r in range(*spans[n])]
        cited_evidence = [x for n in s.cited for x in evidence[n]]
        support = measure_support(s.claim, cited_evidence, encoder, vec, unit_vectors[rows] if rows else None)
        verified[i] = replace(s, kept=support.supported)
    return verified
