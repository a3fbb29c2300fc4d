"""PolNeAR: running the extractor on an article, matching its quotes to the gold attributions, cue lemmas, and the scores by kind."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bench.datasets.polnear import (  # noqa: E402
    _MARKED,
    _PRONOUNS,
    _TEXT_TOKEN,
    _TITLES,
    BOUNDARY_OVERLAP,
    FRAGMENT_INSIDE,
    MATCH_JACCARD,
    MAX_ARTICLE_BYTES,
    NEAR_SHARED_WORDS,
    Extraction,
    GoldAttribution,
    Missed,
    Pair,
    PolnearArticle,
    SplitResult,
    Spurious,
    cue_pattern,
    first_annotator_files,
    read_article,
)
from ingest.loaders import load_file
from ingest.pipeline import article_paragraphs
from rag.schema import Quote, QuoteKind
from rag.text import STOPWORDS, fold, split_sentences, words

# --- running the extractor ---------------------------------------------------------------------


def extract(article: PolnearArticle, text_path: Path) -> Extraction:
    """The paragraphs and quotes ingest would store for this article's .txt file."""
    loaded = load_file(text_path, max_bytes=MAX_ARTICLE_BYTES)[0]
    paragraphs = article_paragraphs(loaded)
    return Extraction(
        article=article,
        paragraphs=tuple(p.text for p in paragraphs),
        quotes=tuple(q for p in paragraphs for q in p.quotes),
    )


def locate_paragraphs(text: str, paragraphs: Sequence[str]) -> list[tuple[int, int]]:
    """Where each body paragraph lies in the raw text, so gold offsets map to paragraph numbers.

    The loader collapses whitespace and paragraph repair joins paragraphs with a space, so a
    paragraph is found as its run of whitespace-separated words, searching on from the last one.
    A paragraph that cannot be found gets an empty span (no gold maps to it).
    """
    raw = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    located = []
    cursor = 0
    for paragraph in paragraphs:
        found = _find_words(raw, paragraph.split(), cursor)
        if found is None:
            at = raw[cursor][1] if cursor < len(raw) else len(text)
            located.append((at, at))
            continue
        located.append((raw[found][1], raw[found + len(paragraph.split()) - 1][2]))
        cursor = found + len(paragraph.split())
    return located


def _find_words(raw: Sequence[tuple[str, int, int]], wanted: Sequence[str], start: int) -> int | None:
    for k in range(start, len(raw) - len(wanted) + 1):
        if all(raw[k + j][0] == w for j, w in enumerate(wanted)):
            return k
    return None


def _paragraphs_touched(spans: Sequence[tuple[int, int]], located: Sequence[tuple[int, int]]) -> tuple[int, ...]:
    return tuple(
        number for number, (start, end) in enumerate(located, start=1)
        if any(a < end and start < b for a, b in spans)
    )


# --- matching ----------------------------------------------------------------------------------


def content_tokens(text: str) -> frozenset[str]:
    """Folded word tokens, curly apostrophes made straight so "NRA’s" and "NRA's" are one word."""
    return frozenset(_TEXT_TOKEN.findall(fold(text.replace("’", "'"))))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Word-set Jaccard similarity, 0 for two empty sets."""
    return len(a & b) / len(a | b) if a or b else 0.0


def containment(part: frozenset[str], whole: frozenset[str]) -> float:
    """How much of ``part`` lies in ``whole``."""
    return len(part & whole) / len(part) if part else 0.0


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient: how much of the smaller set the larger one holds."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def speaker_right(gold: GoldAttribution, quote: Quote, article_text: str) -> bool | None:
    """Whether our speaker is the gold source (see the module docstring); None without a source."""
    if not gold.source.strip():
        return None
    source = _name_words(gold.source)
    if not source and fold(gold.source.strip()) in _PRONOUNS:
        return fold(quote.speaker_as_written.strip()) == fold(gold.source.strip()) or (
            bool(quote.speaker) and fold(quote.speaker) in fold(article_text)
        )
    return bool(source & (_name_words(quote.speaker) | _name_words(quote.speaker_as_written)))


def _name_words(text: str) -> frozenset[str]:
    folded = (re.sub(r"'s?$", "", w.replace("’", "'")) for w in words(text))
    return frozenset(w for w in folded if w and w not in STOPWORDS and w not in _TITLES and w not in _PRONOUNS)


def match_article(extraction: Extraction, result: SplitResult) -> None:
    """Pair this article's quotes with its gold one-to-one, best-scoring pairs first."""
    text = extraction.article.text
    located = locate_paragraphs(text, extraction.paragraphs)
    gold = []
    for g in extraction.article.gold:
        if not g.content_spans:
            result.gold_without_content += 1
            continue
        touched = _paragraphs_touched(g.content_spans, located)
        if not touched and g.content_spans[0][0] < text.find("\n"):
            result.gold_in_headline += 1
            continue
        if not touched:
            result.gold_outside_body += 1
            continue
        gold.append(replace(g, paragraphs=touched))
    quotes = list(extraction.quotes)
    gold_tokens = [content_tokens(g.content) for g in gold]
    quote_tokens = [content_tokens(q.text) for q in quotes]

    candidates = _candidates(gold, quotes, gold_tokens, quote_tokens)
    strict = _greedy([c for c in candidates if len(c[2]) == 1])
    result.strict_pairs += len(strict)
    result.strict_marked_found += sum(quotes[group[0]].kind in _MARKED for _, _, group in strict)
    result.strict_marked_gold += sum(gold[gi].kind in _MARKED for _, gi, _ in strict)
    chosen = _greedy(candidates)
    for score, gi, group in chosen:
        g, first = gold[gi], quotes[group[0]]
        result.pairs.append(Pair(g, tuple(quotes[qi] for qi in group), score, speaker_right(g, first, text)))
    used_gold = {gi for _, gi, _ in chosen}
    used_quotes = {qi for _, _, group in chosen for qi in group}
    for gi, g in enumerate(gold):
        if gi not in used_gold:
            sentence = sentence_at(text, g.cue_spans[0][0] if g.cue_spans else g.content_spans[0][0], located)
            result.missed.append(Missed(g, sentence, _near(gold_tokens[gi], quote_tokens)))
    for qi, q in enumerate(quotes):
        if qi not in used_quotes:
            sentence = quote_sentence(extraction.paragraphs[q.paragraphs[0] - 1], q.text)
            result.spurious.append(Spurious(extraction.article.name, q, sentence, _near(quote_tokens[qi], gold_tokens)))
    result.gold.extend(gold)
    result.quotes.extend(quotes)
    result.found_by_outlet.update((outlet(extraction.article.name), q.kind in _MARKED) for q in quotes)


def _candidates(
    gold: Sequence[GoldAttribution],
    quotes: Sequence[Quote],
    gold_tokens: Sequence[frozenset[str]],
    quote_tokens: Sequence[frozenset[str]],
) -> list[tuple[float, int, tuple[int, ...]]]:
    """(score, gold index, quote indexes) for every pairing that passes the match rule.

    A pairing is one quote, or all the quotes of one speaker that lie inside a gold content:
    PolNeAR annotates "'A,' he said. 'B.'" as one attribution whose content is A and B, where
    we store two quotes, so a gold content may be matched by its fragments together.
    """
    found = []
    for gi, g in enumerate(gold):
        inside: dict[str, list[int]] = defaultdict(list)
        for qi, q in enumerate(quotes):
            if not set(g.paragraphs) & set(q.paragraphs):
                continue
            score = jaccard(gold_tokens[gi], quote_tokens[qi])
            if score >= MATCH_JACCARD:
                found.append((score, gi, (qi,)))
            if containment(quote_tokens[qi], gold_tokens[gi]) >= FRAGMENT_INSIDE:
                inside[q.speaker].append(qi)
        for group in inside.values():
            if len(group) > 1:
                union = frozenset().union(*(quote_tokens[qi] for qi in group))
                score = jaccard(gold_tokens[gi], union)
                if score >= MATCH_JACCARD:
                    found.append((score, gi, tuple(group)))
    return found


def _greedy(candidates: list[tuple[float, int, tuple[int, ...]]]) -> list[tuple[float, int, tuple[int, ...]]]:
    """Best score first, each gold attribution and each quote used at most once."""
    chosen = []
    used_gold: set[int] = set()
    used_quotes: set[int] = set()
    for score, gi, group in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if gi not in used_gold and not used_quotes & set(group):
            used_gold.add(gi)
            used_quotes.update(group)
            chosen.append((score, gi, group))
    return chosen


def _near(tokens: frozenset[str], others: Sequence[frozenset[str]]) -> bool:
    return any(
        len(tokens & other) >= NEAR_SHARED_WORDS and overlap(tokens, other) >= BOUNDARY_OVERLAP
        for other in others
    )


def outlet(article: str) -> str:
    """The publisher code that starts every PolNeAR file name ("nyt", "wash-post")."""
    return article.split("_", 1)[0]


def sentence_at(text: str, offset: int, located: Sequence[tuple[int, int]]) -> str:
    """The sentence of the body paragraph holding ``offset`` (a cue), for printing a miss."""
    for start, end in located:
        if start <= offset < end:
            before = " ".join(text[start:offset].split())
            position = len(before) + (1 if before else 0)
            paragraph = " ".join(text[start:end].split())
            return _sentence_containing(paragraph, position)
    return ""


def quote_sentence(paragraph: str, quote_text: str) -> str:
    """The sentence where a quote starts (by its first words), else the paragraph's first."""
    head = " ".join(quote_text.split()[:4])
    position = paragraph.find(head)
    return _sentence_containing(paragraph, max(position, 0))


def _sentence_containing(paragraph: str, position: int) -> str:
    cursor = 0
    for sentence in split_sentences(paragraph):
        found = paragraph.find(sentence, cursor)
        if found < 0:
            continue
        cursor = found + len(sentence)
        if position < cursor:
            return sentence
    return paragraph


# --- scoring and the report ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Score:
    """Precision over our quotes of a kind, recall over gold attributions of a kind."""

    gold: int
    found: int
    gold_matched: int
    found_matched: int

    @property
    def precision(self) -> float:
        return self.found_matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.gold_matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(result: SplitResult, kinds: frozenset[QuoteKind]) -> Score:
    """Gold of these kinds vs our quotes of these kinds; a pair counts on each side by its own kind."""
    return Score(
        gold=sum(g.kind in kinds for g in result.gold),
        found=sum(q.kind in kinds for q in result.quotes),
        gold_matched=sum(p.gold.kind in kinds for p in result.pairs),
        found_matched=sum(q.kind in kinds for p in result.pairs for q in p.quotes),
    )


# Attributions of belief, intention or evidence ("voters have no idea", "X wants to", "polls
# show") and those with no source: PolNeAR marks them; "who said what" does not ask for them.
NOT_SPEECH = frozenset({"indirect, other cue", "no source"})


def speech_score(result: SplitResult, lemma: Callable[[str], str]) -> Score:
    """All kinds, over the gold that reports speech or writing (``miss_pattern`` not in
    ``NOT_SPEECH``); our quotes matched to the other gold are left out of precision, not counted
    wrong (they are right, just not asked for here)."""
    speech = {id(g) for g in result.gold if miss_pattern(g, lemma) not in NOT_SPEECH}
    other_matched = sum(len(p.quotes) for p in result.pairs if id(p.gold) not in speech)
    return Score(
        gold=len(speech),
        found=len(result.quotes) - other_matched,
        gold_matched=sum(id(p.gold) in speech for p in result.pairs),
        found_matched=sum(len(p.quotes) for p in result.pairs if id(p.gold) in speech),
    )


def evaluate(split_path: Path, split: str) -> SplitResult:
    """Read, extract and match every article of one split."""
    result = SplitResult(split)
    annotated = first_annotator_files(split_path / "attributions")
    result.annotation_files = sum(1 for _ in (split_path / "attributions").glob("*.ann"))
    for text_path in sorted((split_path / "text").glob("*.txt")):
        if text_path.stem not in annotated:
            continue
        ann_path, annotators = annotated[text_path.stem]
        article = read_article(text_path, ann_path, annotators)
        start = time.perf_counter()
        extraction = extract(article, text_path)
        result.extraction_s += time.perf_counter() - start
        result.articles += 1
        result.multi_annotated += annotators > 1
        match_article(extraction, result)
    return result


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


_NON_PERSON_SOURCES = _lexicon(
    "poll polls survey surveys report reports statement statements email emails e-mail e-mails tweet tweets "
    "letter letters memo memos filing filings document documents website site data study studies analysis "
    "record records ad ads advertisement video videos book article editorial release transcript transcripts "
    "post posts message messages page numbers figures results research documents court-filings interview "
    "speech remarks testimony lawsuit complaint indictment order ruling law bill platform column op-ed "
    "footage recording recordings photo photos chart map story stories headline documents"
)
# Cues that report speech or writing (lemmas), as against belief, intention or evidence ("want",
# "plan", "show", "believe"), which PolNeAR also annotates.
_SPEECH_CUES = _lexicon(
    "say tell according add note ask answer argue claim call announce explain warn write report insist "
    "suggest acknowledge admit deny state describe declare urge accuse praise criticize criticise predict "
    "respond reply testify tweet post joke complain concede contend confirm assert charge emphasize stress "
    "promise pledge vow repeat recall question point mention remark observe describe quote cite"
)
MISS_PATTERNS = ("colon or dash", "non-person source", "mixed", "direct", "indirect, speech cue",
                 "indirect, other cue", "no source")


def miss_pattern(gold: GoldAttribution, lemma: Callable[[str], str]) -> str:
    """Which of ``MISS_PATTERNS`` a gold attribution is: where the extractor loses recall.

    First match wins: a colon (or dash) cue, then a source whose head is a document, poll or
    message, then by kind (mixed, direct), then indirect by whether its cue reports speech.
    """
    cue = cue_pattern(gold.cue, lemma)
    if cue in (":", "―", "—", "–", "-", "--") or gold.cue.strip().endswith(":"):
        return "colon or dash"
    if not gold.source.strip():
        return "no source"
    words = _TEXT_TOKEN.findall(gold.source.split(",")[0].lower())  # "court filings released Monday"
    if any(w in _NON_PERSON_SOURCES or lemma(w) in _NON_PERSON_SOURCES for w in words):
        return "non-person source"
    if gold.kind is QuoteKind.MIXED:
        return "mixed"
    if gold.kind is QuoteKind.DIRECT:
        return "direct"
    first = cue.split()[0] if cue.split() else ""
    return "indirect, speech cue" if first in _SPEECH_CUES or cue == "according to" else "indirect, other cue"
