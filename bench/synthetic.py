"""Synthetic but realistic news articles for the benchmarks, recombined from real news copy.

The sentences come from the demo corpus in ``data/`` (txt, JSON, JSONL) and the shared seed corpus
in ``../shared/corpus/seed``. Each synthetic article takes one real article as its skeleton,
swaps in some paragraphs and sentences from other articles, and renames every proper noun and
number consistently within its storyline. Paragraphs are therefore distinct (ids, BM25 term
statistics and near-duplicate checks behave as on a real corpus) while sentence shapes, quote
patterns, attributions ("said Mayor X", "she added") and lengths stay those of real news copy.

Deterministic: the same ``seed`` and count give the same articles on every machine.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SEED_CORPUS = ROOT.parent / "shared" / "corpus" / "seed"

# Articles of one storyline share their cast and places, as follow-up stories do in real news.
ARTICLES_PER_STORYLINE = 4
# Chance that a paragraph without quotes is replaced by one from another article, and that one
# of its sentences is swapped for a sentence from elsewhere.
PARAGRAPH_SWAP = 0.15
SENTENCE_SWAP = 0.5

MONTHS_AND_DAYS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
]
_KEEP = frozenset(
    MONTHS_AND_DAYS
    + ["Nobody", "Dr", "Mr", "Mrs", "Ms", "Prof", "Gen", "Col", "Gov", "Sen", "Rep", "Rev", "St", "Cllr", "Justice",
       "The", "This", "That", "But", "And", "Mayor", "Governor", "Minister", "President", "Chief"]
)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")
_LOWER_WORD = re.compile(r"\b[a-z]{3,}\b")
_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_QUOTE_MARKS = re.compile(r"[\"“”‘]|'\s|\s'")
_QUOTED_SPAN = re.compile(r"(?<=[\"“])([^\"“”]{12,}?)([,.!?]?)(?=[\"”])")
# Chance that a quoted span is replaced by the words of another quote (same punctuation kept).
QUOTE_SWAP = 0.5

_ONSETS = [
    "b", "br", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p", "r", "s", "st", "t", "tr", "v", "w",
    "z", "sh", "ch", "j",
]
_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ei", "ou"]
_CODAS = ("", "", "n", "r", "l", "s", "m", "nd", "rt", "k", "th", "v")
_OUTLETS = ("Courier", "Gazette", "Herald", "Times", "Post", "Ledger", "Observer", "Chronicle", "Journal")


@dataclass(frozen=True, slots=True)
class SourceArticle:
    """A real article from the corpus, used as a skeleton and a pool of sentences."""

    source: str
    section: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SyntheticArticle:
    """One generated article; ``to_txt`` writes it in the plain-text format the loader reads."""

    source: str
    section: str
    title: str
    date: str  # ISO date (the .txt format has no date line; query.py stores it as metadata)
    paragraphs: tuple[str, ...]

    def to_txt(self) -> str:
        return f"{self.source}\n{self.section}\n\n{self.title}\n\n" + "\n\n".join(self.paragraphs) + "\n"


def _txt_article(path: Path) -> SourceArticle | None:
    blocks = [b.split("\n") for b in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip())]
    blocks = [[line.strip() for line in b if line.strip()] for b in blocks]
    blocks = [b for b in blocks if b]
    if len(blocks) < 3:
        return None
    if len(blocks[0]) == 2 and len(blocks[1]) == 1:
        source, section = blocks[0]
        title, body = blocks[1][0], blocks[2:]
    else:
        source = section = ""
        title, body = blocks[0][0], blocks[1:]
    return SourceArticle(source, section, title, tuple(" ".join(b) for b in body))


def _json_article(obj: object) -> SourceArticle | None:
    if not isinstance(obj, dict) or not isinstance(obj.get("title"), str):
        return None
    paragraphs = obj.get("paragraphs")
    if not isinstance(paragraphs, list):
        text = obj.get("text") or obj.get("body") or ""
        paragraphs = re.split(r"\n\s*\n", text) if isinstance(text, str) else []
    paragraphs = tuple(" ".join(str(p).split()) for p in paragraphs if str(p).strip())
    if not paragraphs:
        return None
    return SourceArticle(str(obj.get("source") or ""), str(obj.get("section") or ""), obj["title"], paragraphs)


def _feed_articles(path: Path) -> list[SourceArticle | None]:
    import html

    import feedparser

    feed = feedparser.parse(path.read_bytes())
    source = str(feed.feed.get("title", ""))
    found: list[SourceArticle | None] = []
    for entry in feed.entries:
        markup = entry.content[0].value if entry.get("content") else entry.get("summary", "")
        paragraphs = [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r"<p>(.*?)</p>", markup, re.S)]
        paragraphs = [" ".join(p.split()) for p in paragraphs if p.strip()]
        found.append(SourceArticle(source, "News", str(entry.get("title", "")), tuple(paragraphs)))
    return found


@lru_cache(maxsize=1)
def source_articles() -> tuple[SourceArticle, ...]:
    """The real articles the generator recombines (txt, JSON and JSONL of data/, and the seed)."""
    found: list[SourceArticle | None] = []
    for path in sorted(DATA.glob("**/*.txt")) + sorted(SEED_CORPUS.glob("*.txt")):
        found.append(_txt_article(path))
    for path in sorted(DATA.glob("**/*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(document, dict) and isinstance(document.get("articles"), list):
            document = document["articles"]
        for obj in document if isinstance(document, list) else [document]:
            found.append(_json_article(obj))
    for path in sorted(DATA.glob("**/*.xml")):
        found.extend(_feed_articles(path))
    for path in sorted(DATA.glob("**/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(_json_article(json.loads(line)))
    articles = tuple(a for a in found if a is not None and len(a.paragraphs) >= 3)
    if not articles:
        raise SystemExit(f"no source articles found under {DATA} or {SEED_CORPUS}")
    return articles


@lru_cache(maxsize=1)
def proper_nouns() -> frozenset[str]:
    """Capitalised words seen mid-sentence and never in lower case: the names to rename."""
    lower: set[str] = set()
    mid: set[str] = set()
    for article in source_articles():
        for paragraph in article.paragraphs:
            lower.update(w.lower() for w in _LOWER_WORD.findall(paragraph))
            for sentence in _SENTENCE.split(paragraph):
                tokens = sentence.split()
                for token in tokens[1:]:
                    mid.update(_CAPITALISED.findall(token))
    return frozenset(w for w in mid if w.lower() not in lower and w not in _KEEP)


def _pseudo_name(rng: random.Random) -> str:
    syllables = rng.choice((2, 2, 3))
    name = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)) + rng.choice(_CODAS)
    return name.capitalize()


class _Renamer:
    """Renames proper nouns consistently (one storyline's cast) and numbers freshly per call."""

    def __init__(self, rng: random.Random, names: frozenset[str]):
        self.rng = rng
        self.names = names
        self.mapping: dict[str, str] = {}

    def _name(self, match: re.Match[str]) -> str:
        word = match.group()
        if word not in self.names:
            return word
        if word not in self.mapping:
            self.mapping[word] = _pseudo_name(self.rng)
        return self.mapping[word]

    def _number(self, match: re.Match[str], rng: random.Random) -> str:
        digits = match.group()
        if re.fullmatch(r"(19|20)\d\d", digits):
            return str(rng.randint(1950, 2026))
        out = []
        for i, ch in enumerate(digits):
            out.append(str(rng.randint(1 if i == 0 else 0, 9)) if ch.isdigit() else ch)
        return "".join(out)

    def __call__(self, text: str, rng: random.Random) -> str:
        text = _CAPITALISED.sub(self._name, text)
        return _NUMBER.sub(lambda m: self._number(m, rng), text)


def _has_quote(paragraph: str) -> bool:
    return bool(_QUOTE_MARKS.search(paragraph)) or " said" in paragraph or "ccording to" in paragraph


def _swap_quote(match: re.Match[str], rng: random.Random, spans: list[str]) -> str:
    if rng.random() >= QUOTE_SWAP:
        return match.group()
    return rng.choice(spans).rstrip(",.!?") + match.group(2)


def make_articles(count: int, seed: int = 0) -> list[SyntheticArticle]:
    """``count`` synthetic articles with distinct (source, headline) pairs, hence distinct ids."""
    sources = source_articles()
    names = proper_nouns()
    plain_paragraphs = [p for a in sources for p in a.paragraphs if not _has_quote(p)]
    plain_sentences = [s for p in plain_paragraphs for s in _SENTENCE.split(p) if len(s.split()) >= 6]
    quoted_spans = [m.group(1) for a in sources for p in a.paragraphs for m in _QUOTED_SPAN.finditer(p)]
    outlet_rng = random.Random(seed * 7919 + 1)
    outlets = [f"{_pseudo_name(outlet_rng)} {outlet_rng.choice(_OUTLETS)}" for _ in range(40)]
    articles: list[SyntheticArticle] = []
    seen: set[tuple[str, str]] = set()
    seen_paragraphs: set[str] = set()
    for start in range(0, count, ARTICLES_PER_STORYLINE):
        story_rng = random.Random(f"{seed}-storyline-{start}")
        renamer = _Renamer(story_rng, names)
        skeletons = story_rng.sample(range(len(sources)), min(ARTICLES_PER_STORYLINE, len(sources)))
        for j, skeleton_index in enumerate(skeletons):
            if start + j >= count:
                break
            rng = random.Random(f"{seed}-article-{start + j}")
            skeleton = sources[skeleton_index]
            paragraphs = []
            for paragraph in skeleton.paragraphs:
                if not _has_quote(paragraph):
                    if rng.random() < PARAGRAPH_SWAP:
                        paragraph = rng.choice(plain_paragraphs)
                    sentences = _SENTENCE.split(paragraph)
                    if len(sentences) > 1 and rng.random() < SENTENCE_SWAP:
                        sentences[rng.randrange(len(sentences))] = rng.choice(plain_sentences)
                    paragraph = " ".join(sentences)
                else:
                    paragraph = _QUOTED_SPAN.sub(lambda m, rng=rng: _swap_quote(m, rng, quoted_spans), paragraph)
                text = renamer(paragraph, rng)
                while text in seen_paragraphs:  # a short stock paragraph: extend it with another sentence
                    text = f"{text} {renamer(rng.choice(plain_sentences), rng)}"
                seen_paragraphs.add(text)
                paragraphs.append(text)
            source = rng.choice(outlets)
            title = renamer(skeleton.title, rng)
            n = 2
            base_title = title
            while (source, title) in seen:
                title, n = f"{base_title} (update {n})", n + 1
            seen.add((source, title))
            date = f"{rng.randint(2025, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            articles.append(SyntheticArticle(source, skeleton.section or "News", title, date, tuple(paragraphs)))
    return articles


def write_txt(articles: list[SyntheticArticle], folder: Path) -> list[Path]:
    """Write one .txt file per article into ``folder``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, article in enumerate(articles):
        path = folder / f"article-{i:06d}.txt"
        path.write_text(article.to_txt(), encoding="utf-8")
        paths.append(path)
    return paths
