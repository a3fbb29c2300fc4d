"""Who said what on real news: questions built from PolNeAR's human attributions (issue 21).

Our own who-said-what labels are 38 questions over our demo corpus; a rule fitted there would be
fitted on our own set. This builds a larger set from real news, with the answers known from
PolNeAR's annotations, and asks it of a store of the split's articles, as a user would:

- **answerable**: "What did <named source> say about <topic>?", the topic a noun phrase of one of
  that source's annotated contents (the rarest one in the split, 1-3 content words). Right when a
  shown statement matches that content (the acceptance scorer's rule, bench/attribution.py).
- **unanswerable**: the same speaker, asked about a topic taken from another source's content in
  another article, where no annotated content of the speaker's (by surname, in the whole split)
  shares a word with the topic and no paragraph names both. Right when refused or tentative.

The topics are the contents' own words, so the answerable half is easier than a user's paraphrase
("the walkout" for "the strike"): read it beside our labelled set, which paraphrases. Train is
for fitting a rule, dev for reporting; test is never read.

    python -m bench whosaid --polnear /tmp/polnear --split dev [--write]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.attribution import articles, matches, tokens  # noqa: E402
from bench.datasets.polnear import SPLITS, read_article, split_dir  # noqa: E402

_TITLES = re.compile(r"^(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col)\.|President|Senator|Governor|Secretary|"
                     r"Speaker|Judge|Justice|Attorney General|Vice President|Mayor|Chairman|Chairwoman)\s+")
_NAME = re.compile(r"\b[A-Z][a-z’'-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z’'-]+){1,2}\b")
_WORD = re.compile(r"[a-z][a-z'-]{2,}[a-z]")


@dataclass(frozen=True)
class Asked:
    question: str
    speaker: str  # the full name as the article writes it
    surname: str
    topic: str
    answerable: bool
    gold: str  # the annotated content (answerable), or ""
    article: str


@dataclass(frozen=True)
class Outcome:
    asked: Asked
    confidence: str  # answered / tentative / refused
    mode: str
    right: bool  # answerable: a shown statement matches the gold content; unanswerable: not answered
    statements: int
    best_cosine: float  # the topic's cosine to the closest shown statement (0 when none shown)
    topic_in_statement: float  # the share of the topic's words in the best-covered shown statement


# Capitalised words that open a source without being a name ("One Tweet", "Former White House").
_NOT_NAMES = frozenset(re.findall(r"\w+", "the a an one two former popular battleground new some many other "
                                            "this that these those his her their its our"))


def _name_of(source: str) -> str:
    """The person a source names ("Democratic nominee Hillary Clinton" -> "Hillary Clinton"), or ""."""
    source = _TITLES.sub("", " ".join(source.split()))
    found = _NAME.findall(source)
    if len(found) != 1 or len(source.split()) > 6:
        return ""
    name = re.sub(r"[’']s?$", "", found[0])
    first, *rest = name.split()
    if first.lower() in _NOT_NAMES or not rest:
        return ""
    return name


def _content_words(text: str, stop: frozenset[str]) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in stop]


def build(split_path: Path, per_article: int, seed: int = 0) -> list[Asked]:
    """The answerable questions and as many unanswerable ones (see the module doc)."""
    from ingest.quotes import parsed

    nlp = parsed.pipeline()
    stop = frozenset(nlp.Defaults.stop_words) | {"said", "says", "percent", "people", "year", "years", "time"}
    read = [read_article(*a) for a in articles(split_path)]
    df: Counter[str] = Counter()
    for art in read:
        df.update(set(_content_words(art.text, stop)))
    by_surname: dict[str, list[str]] = {}  # surname -> every content annotated to a source holding it
    for art in read:
        for g in art.gold:
            for word in re.findall(r"[A-Z][a-z’'-]+", g.source):
                by_surname.setdefault(word.lower(), []).append(g.content.lower())
    paragraphs = [p.lower() for art in read for p in art.text.split("\n") if p.strip()]
    # Words written capitalised in the split (names: "Trump", "Brazil") make no topic of their own.
    capitalised = {w.lower() for art in read for w in re.findall(r"\b[A-Z][a-z]+", art.text)}
    lowercase = {w for art in read for w in re.findall(r"\b[a-z][a-z'-]+", art.text)}
    named = capitalised - lowercase

    answerable: list[Asked] = []
    for art in read:
        chosen = 0
        seen: set[str] = set()
        for g in art.gold:
            name = _name_of(g.source)
            if not name or name in seen or len(g.content.split()) < 6 or chosen >= per_article:
                continue
            surname = name.split()[-1]
            chunks = []
            for chunk in nlp(g.content).noun_chunks:
                words = _content_words(chunk.text, stop)
                if not 1 <= len(words) <= 3 or any(w in name.lower() or w in named for w in words):
                    continue
                if chunk.root.pos_ not in ("NOUN", "PROPN"):
                    continue
                chunks.append((statistics.mean(df[w] for w in words), " ".join(words)))
            if not chunks:
                continue
            topic = min(chunks)[1]
            seen.add(name)
            chosen += 1
            answerable.append(Asked(f"What did {name} say about {topic}?", name, surname, topic, True,
                                    g.content, art.name))
    rng = random.Random(seed)
    topics = [(a.topic, a.article) for a in answerable]
    unanswerable: list[Asked] = []
    for a in answerable:
        surname = a.surname.lower()
        said = by_surname.get(surname, [])
        for _ in range(50):
            topic, article = rng.choice(topics)
            stems = [w[:5] for w in topic.split()]  # "refusal" is what "refused" is about
            if article == a.article or any(w in s for s in said for w in stems):
                continue
            if any(surname in p and any(w in p for w in stems) for p in paragraphs):
                continue
            if any(u.speaker == a.speaker and u.topic == topic for u in unanswerable):
                continue
            unanswerable.append(Asked(f"What did {a.speaker} say about {topic}?", a.speaker, a.surname, topic,
                                      False, "", a.article))
            break
    return answerable + unanswerable


def store_for(split: str, split_path: Path, rebuild: bool) -> object:
    """Settings of a cached store of the split's articles, brought up to date (like the eval's)."""
    from bench.datasets.labelled import _EXTRACTOR_CODE, code_hash
    from bench.datasets.vector_cache import memoised_encoder
    from ingest import ingest
    from ingest.quotes import extractor_version
    from rag.settings import Settings

    folder = report.OUT / f"whosaid-{split}-db"
    if rebuild:
        shutil.rmtree(folder, ignore_errors=True)
    settings = Settings.load(env={}, db=folder / "db")
    start = time.perf_counter()
    result = ingest([split_path / "text"], settings, make_encoder=memoised_encoder,
                    extractor_version=f"{extractor_version()}+{code_hash(_EXTRACTOR_CODE)}")
    print(f"  store {folder}: {result.paragraphs_added} paragraphs embedded, {result.articles_requoted} "
          f"articles re-quoted, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return settings


def ask_all(settings: object, questions: list[Asked]) -> list[Outcome]:
    import numpy as np

    from bench.datasets.vector_cache import memoised_encoder
    from rag import NewsIndex

    index = NewsIndex.open(settings, make_encoder=memoised_encoder)
    encoder = index.store.encoder
    out = []
    for a in questions:
        answer = index.ask(a.question)
        shown = [s for group in answer.speakers for s in group.statements]
        right = any(matches(tokens(s.text), tokens(a.gold)) for s in shown) if a.answerable else \
            answer.confidence.value != "answered"
        best, covered = 0.0, 0.0
        if shown:
            topic = np.asarray(encoder.embed_query(a.topic))
            vectors = np.asarray(encoder.embed_texts([s.text for s in shown]))
            best = float(np.max(vectors @ topic))
            words = a.topic.split()
            covered = max(sum(w in s.text.lower() for w in words) / len(words) for s in shown)
        out.append(Outcome(a, answer.confidence.value, answer.mode.value, right, len(shown), best, covered))
    return out


def _row(outcomes: list[Outcome]) -> str:
    n = len(outcomes)
    by = Counter(o.confidence for o in outcomes)
    return " | ".join(f"{by[c]} ({100 * by[c] / max(n, 1):.0f}%)" for c in ("answered", "tentative", "refused"))


def render(split: str, outcomes: list[Outcome], seconds: float) -> str:
    yes = [o for o in outcomes if o.asked.answerable]
    no = [o for o in outcomes if not o.asked.answerable]
    shown_yes = [o for o in yes if o.confidence != "refused"]
    holding = sum(o.right for o in shown_yes)
    lines = [
        f"Machine: {report.machine()}. PolNeAR {split}: {len(yes)} answerable and {len(no)} unanswerable "
        f"who-said-what questions built from its annotations (bench/whosaid.py), asked with `index.ask` "
        f"(default settings, no LLM) in {seconds:.0f} s.",
        "",
        "| questions | n | answered | tentative | refused |",
        "|---|---|---|---|---|",
        f"| answerable | {len(yes)} | {_row(yes)} |",
        f"| unanswerable | {len(no)} | {_row(no)} |",
        "",
        f"Answered or tentative answerable questions showing the annotated content: {holding} of "
        f"{len(shown_yes)} ({100 * holding / max(len(shown_yes), 1):.1f}%).",
        "",
        "Signals over the shown statements (answered or tentative), answerable against unanswerable, "
        "quartiles:",
        "",
        "| signal | answerable | unanswerable |",
        "|---|---|---|",
    ]
    for name, get in (("topic cosine to the closest statement", lambda o: o.best_cosine),
                      ("share of topic words in the best statement", lambda o: o.topic_in_statement)):
        cells = []
        for group in (shown_yes, [o for o in no if o.confidence != "refused"]):
            values = [get(o) for o in group]
            cells.append(" / ".join(f"{q:.2f}" for q in statistics.quantiles(values, n=4)) if len(values) > 1 else "-")
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    shown_no = [o for o in no if o.confidence != "refused"]
    lines += ["", "A candidate rule (not built): tentative when no shown statement holds a word of the topic and "
              "the topic's cosine to every statement is below c. What it would change:", "",
              "| c | answerable made tentative | unanswerable answered made tentative |", "|---|---|---|"]
    for c in (0.15, 0.2, 0.25):
        def caught(group: list[Outcome], c: float = c) -> int:
            return sum(o.topic_in_statement == 0 and o.best_cosine < c for o in group)
        lines.append(f"| {c} | {caught(shown_yes)} of {len(shown_yes)} | {caught(shown_no)} of {len(shown_no)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", type=Path, default=os.environ.get("NEWSRAG_POLNEAR"),
                        help="PolNeAR checkout or its data/ folder (default: $NEWSRAG_POLNEAR)")
    parser.add_argument("--split", choices=SPLITS, default="dev", help="train to fit a rule, dev to report (test is reserved)")
    parser.add_argument("--per-article", type=int, default=3, help="named speakers asked about per article")
    parser.add_argument("--rebuild", action="store_true", help="ingest the split again from scratch")
    parser.add_argument("--dump", type=Path, help="write every question and outcome as TSV here")
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    args = parser.parse_args()
    split_path = split_dir(args.polnear, args.split)
    questions = build(split_path, args.per_article)
    settings = store_for(args.split, split_path, args.rebuild)
    start = time.perf_counter()
    outcomes = ask_all(settings, questions)
    body = render(args.split, outcomes, time.perf_counter() - start)
    print(body)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as f:
            for o in outcomes:
                f.write("\t".join([str(o.asked.answerable), o.confidence, str(o.right), o.mode, str(o.statements),
                                   f"{o.best_cosine:.3f}", f"{o.topic_in_statement:.2f}", o.asked.question]) + "\n")
    if args.write:
        print(f"\nappended to {report.append_section(f'who said what on PolNeAR {args.split}', body, {})}")


if __name__ == "__main__":
    main()
