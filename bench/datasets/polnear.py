"""PolNeAR read from its brat files: the splits (never ``test``), the first annotator's attributions, their kinds, and the records the scorers share.

Shared by ``bench/polnear.py``, ``bench/attribution.py``, ``bench/train_cues.py``, ``bench/ingest.py`` and ``bench/encoder.py``."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rag.schema import Quote, QuoteKind
from rag.text import NAME_TITLES, fold

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


NOT_GIVEN = ("PolNeAR not given: pass --polnear DIR or set NEWSRAG_POLNEAR "
             "(github.com/networkdynamics/PolNeAR; it is not shipped with newsrag)")


def split_dir(polnear: Path | None, split: str) -> Path:
    """The split's folder, given a PolNeAR checkout, its ``data`` folder, or an archive of it.

    Raises ``SystemExit`` naming what is missing (``NOT_GIVEN`` for no folder at all): the data
    is not shipped with newsrag.
    """
    if polnear is None:
        raise SystemExit(NOT_GIVEN)
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
