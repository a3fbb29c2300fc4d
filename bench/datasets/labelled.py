"""The labelled demo set: ``data/`` in a cached store, and the labels of ``bench/labels/`` read against it.

Shared by ``eval.py`` (which scores it), ``confidence.py`` (its check of fitted thresholds),
``realtimeqa_refusals.py`` (its line beside RealTime QA's figures) and ``encoder.py`` (recall per
encoder). The store lives in ``bench/out/eval-db-<hash>/``, keyed by a hash of the code that
shapes the stored record format; every use re-ingests ``data/`` into it (content-derived ids:
only changed paragraphs are embedded) with a fingerprint of the quote extractor's code as its
version, so a changed extractor re-reads the quotes without embedding anything again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import report
from bench.datasets.vector_cache import memoised_encoder

ROOT = report.BENCH.parent
DATA = ROOT / "data"
LABELS = report.BENCH / "labels"
# Code whose changes alter the stored record format: the one thing that keys the cached eval db.
# Vectors are kept by content-derived paragraph id, so changed text is re-embedded by ingest
# itself, and changed extractor rules only re-read quotes (``_EXTRACTOR_CODE``), never re-embed.
STORE_CODE = ("rag/store.py", "rag/chroma.py", "rag/revisions.py", "rag/records.py", "rag/schema/corpus.py",
              "rag/models.py")
_EXTRACTOR_CODE = (
    *sorted(f"ingest/quotes/{p.name}" for p in (ROOT / "ingest" / "quotes").glob("*.py")),
    "ingest/quotes/cue_model.json",
    "rag/text.py",
)


def norm(text: str) -> str:
    """Whitespace collapsed and case folded: the matching rule for every ``*_contains``."""
    return " ".join(text.split()).casefold()


def read_jsonl(name: str) -> list[dict]:
    """The rows of ``bench/labels/<name>``."""
    return jsonl_rows(LABELS / name)


def jsonl_rows(path: Path) -> list[dict]:
    """Every non-blank line of a JSON Lines file, parsed; a bad line stops the run naming it."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path} line {n}: not JSON ({exc.msg}); fix the line and re-run") from None
    return rows



def code_hash(names: tuple[str, ...]) -> str:
    """A short fingerprint of these files' contents (paths relative to the repository): a cache key."""
    digest = hashlib.sha1()
    for name in names:
        path = ROOT / name
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def demo_settings(rebuild: bool) -> tuple[object, str]:
    """Settings of the cached demo-corpus store, brought up to date with ``data/`` and the extractor.

    The store is re-ingested every run: unchanged paragraphs cost nothing, changed ones are
    embedded, and quotes are re-read whenever the extractor's code changed (its fingerprint is
    passed as the extractor version), without embedding anything again.
    """
    from ingest import ingest
    from ingest.quotes import extractor_version
    from rag.settings import Settings

    folder = report.OUT / f"eval-db-{code_hash(STORE_CODE)}"
    if rebuild:
        shutil.rmtree(folder, ignore_errors=True)
    for old in report.OUT.glob("eval-db-*"):
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    settings = Settings.load(env={}, db=folder / "db")
    start = time.perf_counter()
    result = ingest([DATA], settings, extractor_version=f"{extractor_version()}+{code_hash(_EXTRACTOR_CODE)}",
                    make_encoder=memoised_encoder)
    for failure in result.failed:
        print(f"  ingest failed: {failure.path}: {failure.error}", file=sys.stderr)
    return settings, (
        f"`{folder.relative_to(ROOT)}` brought up to date in {time.perf_counter() - start:.0f} s: "
        f"{result.paragraphs_added + result.paragraphs_updated} paragraphs embedded, "
        f"quotes re-read in {result.articles_requoted} articles"
    )



@dataclass(frozen=True, slots=True)
class Question:
    question: str
    kind: str
    title: str
    gold: frozenset[str]  # ids of the paragraphs that answer it
    until: str = ""  # asked "as of" this ISO date (RealTime QA: the quiz's date); "" = no date filter


def answerable_questions(paragraphs: list) -> tuple[list[Question], list[str]]:
    """The labelled questions with their gold paragraph ids, and a note per unusable label."""
    by_title: dict[str, list] = {}
    for p in paragraphs:
        by_title.setdefault(norm(p.title), []).append(p)
    found, problems = [], []
    for row in read_jsonl("questions.jsonl"):
        candidates = by_title.get(norm(row["title"]), [])
        gold = frozenset(p.paragraph_id for p in candidates if norm(row["answer_contains"]) in norm(p.text))
        if not candidates:
            problems.append(f"no stored article titled {row['title']!r} (question {row['question']!r})")
        elif not gold:
            problems.append(f"no paragraph of {row['title']!r} contains {row['answer_contains']!r}")
        if gold:
            found.append(Question(row["question"], row.get("kind", ""), row["title"], gold))
    return found, problems


