"""Attribution on real news: our quote extractor against PolNeAR's hand-annotated attributions.

    .venv/bin/python bench/polnear.py --polnear /tmp/polnear --split dev
    .venv/bin/python bench/polnear.py --polnear /tmp/polnear --split train --misses 2

PolNeAR (github.com/networkdynamics/PolNeAR; Newell, Margolin and Ruths, LREC 2018) is 1,008 US
election-2016 articles from 7 outlets, each attribution annotated as source / cue / content spans
in brat standoff. It states no licence, so it is never copied into this repository: point
``--polnear`` (or ``NEWSRAG_POLNEAR``) at a checkout or an unpacked ``git archive`` of its
``data/train`` and ``data/dev`` folders. Only ``train`` and ``dev`` are accepted: ``test`` is
reserved for acceptance and this script refuses to read it.

What is measured, per split:

- Gold: every ``Attribution`` / ``Attribution-no-source`` relation of the article's first
  annotator (lowest annotator id; the id is the ``_xxxx`` suffix of the ``.ann`` file). Its kind
  comes from the quote marks in its content, as PolNeAR has no direct/indirect attribute:
  direct when every word of the content is inside double quote marks, mixed when some are,
  indirect when none are. Attributions in the headline (first line), or elsewhere outside the
  body paragraphs ingest stores, or with no content span, are counted and left out: ingest
  reads quotes from the body paragraphs only.
- Ours: ``ingest.pipeline.article_paragraphs`` on the ``rag.schema.Article`` that
  ``ingest.loaders.load_file`` makes of the article's .txt file, i.e. exactly what ingest stores.
- Matching: one-to-one, greedy by score, between a quote and a gold attribution that share a
  paragraph, when the Jaccard similarity of their word-token sets is at least ``MATCH_JACCARD``.
  PolNeAR makes "'A,' he said. 'B.'" one attribution where we store two quotes, so the quotes
  of one speaker that lie inside a gold content may match it together; a line gives the
  figures without that allowance. Recall is by gold kind, precision by our kind.
- Speaker: right when the gold source and our ``speaker`` or ``speaker_as_written`` share a
  content word (case-folded, titles and stop words ignored). PolNeAR's brat files carry no
  coreference (only its automatic CoreNLP files do), so a pronoun source counts as right when
  our ``speaker_as_written`` is that pronoun or our resolved ``speaker`` is named in the article.

``--misses N`` prints N examples (from different articles where possible) for each of the ten
commonest missed cues and spurious patterns, each with its sentence. Figures per split also come
per outlet, since house styles differ (the New York Times writes its quote marks as '').
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/polnear.py`, this file's folder (which has ingest.py) would shadow `ingest`.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import hashlib  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Callable, Iterable, Sequence  # noqa: E402
from dataclasses import dataclass, field, replace  # noqa: E402

from bench import report  # noqa: E402
from ingest import quotes as quotes_module  # noqa: E402
from ingest.loaders import load_file  # noqa: E402
from ingest.pipeline import article_paragraphs  # noqa: E402
from rag.schema import Quote, QuoteKind  # noqa: E402
from rag.text import NAME_TITLES, STOPWORDS, fold, split_sentences, words  # noqa: E402

SPLITS = ("train", "dev")  # never "test": PolNeAR's test split is reserved for acceptance
# A quote and a gold content are the same attribution when their word sets overlap this much.
# 0.5 tolerates the usual boundary differences (gold keeps "that" and the quote marks, and may
# run a content across an interrupting "he said"), yet a quote sharing only a topic does not match.
MATCH_JACCARD = 0.5
# A quote this close to a gold content (overlap coefficient) without matching it is a boundary
# error rather than an invented attribution; used only to label misses and spurious quotes.
BOUNDARY_OVERLAP = 0.5
NEAR_SHARED_WORDS = 3  # a one-word gold content ("it", "Clinton") is inside everything
# A quote is a fragment of a gold content when this share of its words is in it.
FRAGMENT_INSIDE = 0.8
TOP_PATTERNS = 15
MAX_ARTICLE_BYTES = 10_000_000

_KINDS = (QuoteKind.DIRECT, QuoteKind.MIXED, QuoteKind.INDIRECT)
_MARKED = frozenset({QuoteKind.DIRECT, QuoteKind.MIXED})
_OPEN_MARKS = "“„«"
_CLOSE_MARKS = "”»"


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PRONOUNS = _word_set("i me we us you he him she her they them it who which one someone somebody everyone")
# Office titles stand before a name ("Sen. Ted Cruz", "President Obama") but do not identify
# anyone; a shared title is not a shared speaker.
_TITLES = NAME_TITLES | _word_set(
    "president senator governor mayor secretary speaker chairman chairwoman congressman congresswoman "
    "representative candidate nominee former vice state judge leader sir madam"
)
_IRREGULAR = {
    "said": "say", "says": "say", "told": "tell", "thought": "think", "wrote": "write",
    "written": "write", "felt": "feel", "knew": "know", "known": "know", "saw": "see", "seen": "see",
    "heard": "hear", "made": "make", "took": "take", "taken": "take", "gave": "give", "given": "give",
    "went": "go", "got": "get", "found": "find", "spoke": "speak", "spoken": "speak", "held": "hold",
    "meant": "mean", "understood": "understand", "began": "begin", "kept": "keep", "led": "lead",
    "brought": "bring", "sought": "seek", "taught": "teach", "chose": "choose", "shown": "show",
    "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be", "am": "be",
    "has": "have", "had": "have", "does": "do", "did": "do", "done": "do", "according": "according",
    "news": "news", "stood": "stand", "forgot": "forget", "won": "win", "lost": "lose", "hit": "hit",
    "put": "put", "set": "set", "let": "let", "read": "read", "fought": "fight", "struck": "strike",
}
_TEXT_TOKEN = re.compile(r"\w+(?:'\w+)*")

Spans = tuple[tuple[int, int], ...]  # (start, end) character offsets; several for a discontinuous span


# --- records -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One annotated attribution: who (source), the cue ("said", "according to") and what (content)."""

    article: str
    relation: str  # the brat event id, "E12"
    source: str  # "" for Attribution-no-source
    cue: str
    content: str  # the content fragments, joined by a space as brat does
    content_spans: Spans  # character offsets in the article's .txt
    cue_spans: Spans
    kind: QuoteKind
    paragraphs: tuple[int, ...]  # 1-based body paragraphs the content touches; () in the headline


@dataclass(frozen=True, slots=True)
class PolnearArticle:
    """An article's raw text and its first annotator's attributions (headline ones included)."""

    name: str  # the file stem, "nyt_2016-08-11_new-emails-raise-queries-over-cl"
    annotator: str
    annotators: int  # how many annotated it
    text: str
    gold: tuple[GoldAttribution, ...]


@dataclass(frozen=True, slots=True)
class Extraction:
    """What ingest stores for one article: its body paragraphs and the quotes found in them."""

    article: PolnearArticle
    paragraphs: tuple[str, ...]
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class Pair:
    """A gold attribution and the quote matched to it."""

    gold: GoldAttribution
    quotes: tuple[Quote, ...]  # one, or the fragments of one interrupted quote (see ``_candidates``)
    jaccard: float
    speaker_right: bool | None  # None when the gold has no source

    @property
    def quote(self) -> Quote:
        return self.quotes[0]


@dataclass(frozen=True, slots=True)
class Spurious:
    """A quote no gold attribution matched; ``boundary`` when it overlaps one it did not match."""

    article: str
    quote: Quote
    sentence: str
    boundary: bool


@dataclass(frozen=True, slots=True)
class Missed:
    """A gold attribution no quote matched; ``boundary`` when a quote overlaps it."""

    gold: GoldAttribution
    sentence: str
    boundary: bool


@dataclass
class SplitResult:
    """Everything the report needs for one split."""

    split: str
    articles: int = 0
    annotation_files: int = 0
    multi_annotated: int = 0
    extraction_s: float = 0.0
    gold_in_headline: int = 0
    gold_outside_body: int = 0  # e.g. a lede that the loader took for the headline
    gold_without_content: int = 0
    gold: list[GoldAttribution] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    missed: list[Missed] = field(default_factory=list)
    spurious: list[Spurious] = field(default_factory=list)
    found_by_outlet: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (outlet, marked)
    strict_pairs: int = 0  # matches when each gold may take one quote only
    strict_marked_gold: int = 0
    strict_marked_found: int = 0


# --- reading PolNeAR ---------------------------------------------------------------------------


def split_dir(polnear: Path, split: str) -> Path:
    """The split's folder, given a PolNeAR checkout, its ``data`` folder, or an archive of it.

    Raises ``SystemExit`` naming what is missing: the data is not shipped with newsrag.
    """
    if split not in SPLITS:
        raise SystemExit(f"split {split!r} is not evaluated here; choose one of {', '.join(SPLITS)}")
    for candidate in (polnear / "data" / split, polnear / split):
        if (candidate / "text").is_dir() and (candidate / "attributions").is_dir():
            return candidate
    raise SystemExit(
        f"no PolNeAR {split} split under {polnear} (looked for data/{split}/text and "
        f"data/{split}/attributions); fetch github.com/networkdynamics/PolNeAR and pass --polnear DIR"
    )


def first_annotator_files(attributions: Path) -> dict[str, tuple[Path, int]]:
    """Article stem -> (the ``.ann`` of its first annotator, number of annotators).

    Annotators are told apart only by the 4-hex-digit suffix of the file name
    (``..._4b22.ann``); the folder gives no other order, so "first" is the lowest id. (The
    metadata file's annotator order is not read: it also lists the test articles.)
    """
    by_article: dict[str, list[Path]] = defaultdict(list)
    for path in attributions.glob("*.ann"):
        stem, _, annotator = path.stem.rpartition("_")
        if stem and re.fullmatch(r"[0-9a-f]{4}", annotator):
            by_article[stem].append(path)
    return {stem: (min(paths, key=lambda p: p.stem), len(paths)) for stem, paths in by_article.items()}


def read_standoff(ann: str) -> tuple[dict[str, tuple[str, Spans]], list[tuple[str, dict[str, list[str]]]]]:
    """Text-bound annotations (id -> (type, spans)) and events (id, role -> [ids]) of a brat file.

    Span texts in the file are ignored (they lose newlines inside a span, which also breaks the
    line structure); the offsets are exact Python string offsets into the .txt.
    """
    spans: dict[str, tuple[str, Spans]] = {}
    events: list[tuple[str, dict[str, list[str]]]] = []
    for line in ann.splitlines():
        if m := re.match(r"(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t", line):
            offsets = tuple(
                (int(a), int(b)) for a, b in (piece.split() for piece in m.group(3).split(";"))
            )
            spans[m.group(1)] = (m.group(2), offsets)
        elif m := re.match(r"(E\d+)\t(.*)$", line):
            roles: dict[str, list[str]] = defaultdict(list)
            for pair in m.group(2).split()[1:]:  # the first pair is the event's own trigger
                role, _, target = pair.partition(":")
                roles[re.sub(r"\d+$", "", role)].append(target)  # Content2 is more Content
            events.append((m.group(1), roles))
    return spans, events


def quote_kind(fragments: Sequence[str]) -> QuoteKind:
    """Direct if every word is inside double quote marks, mixed if some are, indirect if none.

    Only double marks count, including the New York Times' two apostrophes (''): single ones
    are apostrophes far more often in this corpus, and its US outlets use them only for quotes
    nested inside a double-quoted one. A quote left open at a paragraph's end stays open, as it
    does in news copy.
    """
    inside = False
    quoted = unquoted = 0
    for fragment in (f.replace("''", '"') for f in fragments):
        previous = " "
        for char in fragment:
            if char in _OPEN_MARKS or (char == '"' and (previous.isspace() or previous in "([{—–-")):
                inside = True
            elif char in _CLOSE_MARKS or char == '"':
                inside = False
            elif char.isalnum():
                if inside:
                    quoted += 1
                else:
                    unquoted += 1
            previous = char
    if not quoted:
        return QuoteKind.INDIRECT
    return QuoteKind.DIRECT if not unquoted else QuoteKind.MIXED


def read_article(text_path: Path, ann_path: Path, annotators: int) -> PolnearArticle:
    """An article's text and its annotator's attributions, paragraphs not yet assigned."""
    text = text_path.read_text(encoding="utf-8")
    spans, events = read_standoff(ann_path.read_text(encoding="utf-8"))

    def joined(ids: Iterable[str]) -> Spans:
        return tuple(sorted(span for i in ids if i in spans for span in spans[i][1]))

    gold = []
    for relation, roles in events:
        content_spans = joined(roles.get("Content", ()))
        cue_spans = joined(roles.get("Cue", ()))
        source_spans = joined(roles.get("Source", ()))
        fragments = [text[a:b] for a, b in content_spans]
        gold.append(
            GoldAttribution(
                article=text_path.stem,
                relation=relation,
                source=" ".join(text[a:b] for a, b in source_spans),
                cue=" ".join(text[a:b] for a, b in cue_spans),
                content=" ".join(fragments),
                content_spans=content_spans,
                cue_spans=cue_spans,
                kind=quote_kind(fragments),
                paragraphs=(),
            )
        )
    return PolnearArticle(text_path.stem, ann_path.stem.rpartition("_")[2], annotators, text, tuple(gold))


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


# --- cue lemmas ----------------------------------------------------------------------------------


def make_lemmatizer(vocabulary: frozenset[str]) -> Callable[[str], str]:
    """A verb lemmatizer for cue words, checked against the words the split actually uses.

    Suffix rules alone cannot tell "noted" (note) from "claimed" (claim): the candidate base
    forms are tried in order and the first one that occurs in the split's text wins, so no
    lexicon or model is needed.
    """

    def lemma(word: str) -> str:
        w = fold(word.replace("’", "'"))
        if w in _IRREGULAR:
            return _IRREGULAR[w]
        for candidate in _base_candidates(w):
            if candidate in vocabulary:
                return candidate
        return w

    return lemma


def _base_candidates(w: str) -> list[str]:
    if len(w) < 4 or w.endswith(("ss", "us", "is", "'s")):
        return []
    if w.endswith("ies") or w.endswith("ied"):
        return [w[:-3] + "y"]
    if w.endswith("ing"):
        stem = w[:-3]
        return [stem + "e", stem] + ([stem[:-1]] if len(stem) > 2 and stem[-1] == stem[-2] else [])
    if w.endswith("ed"):
        stem = w[:-2]
        return [w[:-1], stem] + ([stem[:-1]] if len(stem) > 2 and stem[-1] == stem[-2] else [])
    if w.endswith("es"):
        return [w[:-1], w[:-2]]
    if w.endswith("s"):
        return [w[:-1]]
    return []


def cue_pattern(cue: str, lemma: Callable[[str], str]) -> str:
    """The cue with each word lemmatized: "told reporters" -> "tell reporters"; a colon stays ":"."""
    lemmas = " ".join(lemma(w) for w in _TEXT_TOKEN.findall(cue.replace("’", "'")))
    return lemmas or " ".join(cue.split()) or "(no cue)"


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


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _ratio(right: int, total: int) -> str:
    return f"{right}/{total} ({_pct(right / total) if total else '-'}%)"


def render(result: SplitResult, lemma: Callable[[str], str], examples: int) -> str:
    """The markdown report for one split."""
    rows = []
    for label, kinds in (
        ("with quote marks (direct + mixed)", _MARKED),
        ("all attributions", frozenset(_KINDS)),
        *((k.value, frozenset({k})) for k in _KINDS),
    ):
        s = score(result, kinds)
        rows.append([label, s.gold, s.found, s.gold_matched, s.found_matched,
                     _pct(s.precision), _pct(s.recall), _pct(s.f1)])
        if label == "all attributions":
            s = speech_score(result, lemma)
            rows.append(["speech and writing (all but belief/intention/evidence cues and sourceless)", s.gold,
                         s.found, s.gold_matched, s.found_matched, _pct(s.precision), _pct(s.recall), _pct(s.f1)])
    version = getattr(quotes_module, "EXTRACTOR_VERSION", "?")
    fragmented = sum(len(p.quotes) > 1 for p in result.pairs)
    parts = [
        f"## PolNeAR {result.split}\n",
        f"Machine: {report.machine()}. Extractor `ingest/quotes/` version {version}.",
        f"{result.articles} articles, {result.annotation_files} annotation files ({result.multi_annotated} "
        "articles annotated by several annotators; "
        f"the lowest annotator id's file is gold), {len(result.gold)} gold attributions scored; left out: "
        f"{result.gold_in_headline} in the headline, {result.gold_outside_body} elsewhere outside the body "
        f"paragraphs ingest stores, {result.gold_without_content} without a content span.",
        f"Extraction: {result.extraction_s:.2f} s, {result.articles / max(result.extraction_s, 1e-9):.0f} articles/s "
        f"(load + paragraph repair + quotes, as ingest runs them).",
        f"Match: same paragraph and word-set Jaccard >= {MATCH_JACCARD}, one-to-one, best first; the "
        f"quotes of one speaker lying inside a gold content (>= {FRAGMENT_INSIDE:.0%} of their words) "
        f"may match it together ({fragmented} gold matched by 2+ quotes). Recall by gold kind, "
        "precision by our kind.\n",
        report.table(["attributions", "gold", "ours", "gold matched", "ours matched", "P %", "R %", "F1 %"], rows),
        "",
        _strict_line(result),
        "",
        _outlet_table(result),
        "",
        _speaker_line(result),
        "",
        _kind_table(result),
        "",
        f"### Misses by pattern ({len(result.missed)} misses; the first pattern that fits; 'near' = a quote "
        "overlaps it but does not match)\n",
        _pattern_table(result, lemma),
        "",
        f"### Top missed cues ({len(result.missed)} misses; 'near' = a quote overlaps it but does not match)\n",
        _missed_table(result, lemma),
        "",
        f"### Top spurious patterns ({len(result.spurious)} unmatched quotes; 'near' = overlaps a gold content)\n",
        _spurious_table(result, lemma),
    ]
    if examples:
        parts += ["", _examples(result, lemma, examples)]
    return "\n".join(parts)


def _strict_line(result: SplitResult) -> str:
    """The same figures when each gold may take one quote only, as a plain one-to-one match would."""
    marked_gold = sum(g.kind in _MARKED for g in result.gold)
    marked_found = sum(q.kind in _MARKED for q in result.quotes)
    every = Score(len(result.gold), len(result.quotes), result.strict_pairs, result.strict_pairs)
    marked = Score(marked_gold, marked_found, result.strict_marked_gold, result.strict_marked_found)
    return (
        "Strictly one quote per gold attribution: all attributions P/R/F1 "
        f"{_pct(every.precision)}/{_pct(every.recall)}/{_pct(every.f1)} %, with quote marks "
        f"{_pct(marked.precision)}/{_pct(marked.recall)}/{_pct(marked.f1)} %."
    )


def _outlet_table(result: SplitResult) -> str:
    """Recall and precision per publisher: house styles differ (quote marks, attribution habits)."""
    rows = []
    for name in sorted({outlet(g.article) for g in result.gold}):
        marked, every = _outlet_score(result, name, _MARKED), _outlet_score(result, name, frozenset(_KINDS))
        rows.append([name, marked.gold, _pct(marked.precision), _pct(marked.recall),
                     every.gold, _pct(every.precision), _pct(every.recall)])
    return report.table(
        ["outlet", "gold with marks", "P %", "R %", "all gold", "P % (all)", "R % (all)"], rows
    )


def _outlet_score(result: SplitResult, name: str, kinds: frozenset[QuoteKind]) -> Score:
    pairs = [p for p in result.pairs if outlet(p.gold.article) == name]
    return Score(
        gold=sum(outlet(g.article) == name and g.kind in kinds for g in result.gold),
        found=sum(n for (o, marked), n in result.found_by_outlet.items()
                  if o == name and (marked or kinds != _MARKED)),
        gold_matched=sum(p.gold.kind in kinds for p in pairs),
        found_matched=sum(q.kind in kinds for p in pairs for q in p.quotes),
    )


def _speaker_line(result: SplitResult) -> str:
    scored = [p for p in result.pairs if p.speaker_right is not None]
    pronoun = [p for p in scored if not _name_words(p.gold.source)]
    named = [p for p in scored if _name_words(p.gold.source)]
    return (
        f"Speaker accuracy over matched pairs with a gold source: "
        f"{_ratio(sum(p.speaker_right for p in scored), len(scored))}; named or described sources "
        f"{_ratio(sum(p.speaker_right for p in named), len(named))}, pronoun sources "
        f"{_ratio(sum(p.speaker_right for p in pronoun), len(pronoun))} (lenient: no gold coreference). "
        f"Pairs whose gold has no source: {len(result.pairs) - len(scored)}."
    )


def _kind_table(result: SplitResult) -> str:
    confusion = Counter((p.gold.kind, p.quote.kind) for p in result.pairs)
    right = sum(confusion[(k, k)] for k in _KINDS)
    rows = [[f"gold {g.value}", *(confusion[(g, o)] for o in _KINDS)] for g in _KINDS]
    return (
        f"Kind accuracy over matched pairs: {_ratio(right, len(result.pairs))}.\n\n"
        + report.table(["", *(f"ours {k.value}" for k in _KINDS)], rows)
    )


def _missed_table(result: SplitResult, lemma: Callable[[str], str]) -> str:
    total = Counter(cue_pattern(g.cue, lemma) for g in result.gold)
    missed = Counter(cue_pattern(m.gold.cue, lemma) for m in result.missed)
    marked = Counter(cue_pattern(m.gold.cue, lemma) for m in result.missed if m.gold.kind in _MARKED)
    near = Counter(cue_pattern(m.gold.cue, lemma) for m in result.missed if m.boundary)
    rows = [[f"`{cue}`", n, total[cue], _pct(1 - n / total[cue]), marked[cue], near[cue]]
            for cue, n in missed.most_common(TOP_PATTERNS)]
    return report.table(["gold cue (lemmas)", "missed", "gold", "R %", "missed with quote marks", "near"], rows)


# Heads of sources that are not people or groups of people: documents, polls, messages, media.
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


def _pattern_table(result: SplitResult, lemma: Callable[[str], str]) -> str:
    total = Counter(miss_pattern(g, lemma) for g in result.gold)
    missed = Counter(miss_pattern(m.gold, lemma) for m in result.missed)
    near = Counter(miss_pattern(m.gold, lemma) for m in result.missed if m.boundary)
    rows = [[pattern, missed[pattern], total[pattern], _pct(1 - missed[pattern] / total[pattern]) if total[pattern] else "-",
             _pct(missed[pattern] / max(len(result.missed), 1)), near[pattern]]
            for pattern in MISS_PATTERNS]
    return report.table(["pattern", "missed", "gold", "R %", "share of misses %", "near"], rows)


def _spurious_pattern(s: Spurious, lemma: Callable[[str], str]) -> str:
    return f"{s.quote.kind.value} / `{cue_pattern(s.quote.cue, lemma)}`"


def _spurious_table(result: SplitResult, lemma: Callable[[str], str]) -> str:
    found = Counter(f"{q.kind.value} / `{cue_pattern(q.cue, lemma)}`" for q in result.quotes)
    spurious = Counter(_spurious_pattern(s, lemma) for s in result.spurious)
    near = Counter(_spurious_pattern(s, lemma) for s in result.spurious if s.boundary)
    rows = [[pattern, n, found[pattern], _pct(1 - n / found[pattern]), near[pattern]]
            for pattern, n in spurious.most_common(TOP_PATTERNS)]
    return report.table(["our kind / cue (lemmas)", "spurious", "ours", "P %", "near"], rows)


def _spread(items: list, article: Callable, n: int) -> list:
    """``n`` items in a fixed pseudo-random order, one per article first, so the examples are
    neither all one story's nor all from the alphabetically first outlet."""
    shuffled = sorted(items, key=lambda item: hashlib.sha1(repr(item).encode()).hexdigest())
    seen: set[str] = set()
    first, rest = [], []
    for item in shuffled:
        (rest if article(item) in seen else first).append(item)
        seen.add(article(item))
    return (first + rest)[:n]


def _examples(result: SplitResult, lemma: Callable[[str], str], n: int) -> str:
    lines = [f"### Examples ({n} for each of the top 10 missed cues and spurious patterns)\n"]
    by_cue: dict[str, list[Missed]] = defaultdict(list)
    for m in result.missed:
        by_cue[cue_pattern(m.gold.cue, lemma)].append(m)
    for cue, _ in Counter({c: len(ms) for c, ms in by_cue.items()}).most_common(10):
        lines.append(f"Missed `{cue}`:")
        for m in _spread(by_cue[cue], lambda m: m.gold.article, n):
            lines.append(
                f"- [{m.gold.kind.value}{', near' if m.boundary else ''}] source `{m.gold.source}`, cue "
                f"`{m.gold.cue}`, content `{_clip(m.gold.content)}`; {m.gold.article}: {_clip(m.sentence, 400)}"
            )
    by_pattern: dict[str, list[Spurious]] = defaultdict(list)
    for s in result.spurious:
        by_pattern[_spurious_pattern(s, lemma)].append(s)
    for pattern, _ in Counter({p: len(ss) for p, ss in by_pattern.items()}).most_common(10):
        lines.append(f"Spurious {pattern}:")
        for s in _spread(by_pattern[pattern], lambda s: s.article, n):
            lines.append(
                f"- [{'near' if s.boundary else 'no gold'}] speaker `{s.quote.speaker}` "
                f"(`{s.quote.speaker_as_written}`), text `{_clip(s.quote.text)}`: {_clip(s.sentence, 400)}"
            )
    return "\n".join(lines)


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split()).replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _vocabulary(split_path: Path) -> frozenset[str]:
    return frozenset(
        w for path in (split_path / "text").glob("*.txt")
        for w in _TEXT_TOKEN.findall(fold(path.read_text(encoding="utf-8").replace("’", "'")))
    )


def polnear_section(polnear: Path | str | None, split: str = "dev") -> str:
    """The report for one split, or one line saying why it was skipped (for ``bench/eval.py``)."""
    if not polnear:
        return ("Skipped: PolNeAR not given: pass --polnear DIR or set NEWSRAG_POLNEAR "
                "(github.com/networkdynamics/PolNeAR; it is not shipped with newsrag).")
    try:
        path = split_dir(Path(polnear), split)
    except SystemExit as exc:
        return f"Skipped: {exc}"
    return render(evaluate(path, split), make_lemmatizer(_vocabulary(path)), 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", type=Path, default=os.environ.get("NEWSRAG_POLNEAR"),
                        help="PolNeAR checkout, its data/ folder, or an archive of data/train and data/dev "
                             "(default: $NEWSRAG_POLNEAR)")
    parser.add_argument("--split", choices=SPLITS, default="dev", help="which split to evaluate (test is reserved)")
    parser.add_argument("--misses", type=int, default=0, metavar="N",
                        help="print N examples for each of the top 10 missed cues and spurious patterns")
    args = parser.parse_args()
    if args.polnear is None:
        raise SystemExit("PolNeAR not given: pass --polnear DIR or set NEWSRAG_POLNEAR "
                         "(github.com/networkdynamics/PolNeAR; it is not shipped with newsrag)")
    path = split_dir(args.polnear, args.split)
    result = evaluate(path, args.split)
    print(render(result, make_lemmatizer(_vocabulary(path)), args.misses))


if __name__ == "__main__":
    main()
