"""RealTime QA's weekly quizzes read by date (2022 and 2023 only), their passages as articles, and stores of them.

Shared by ``bench/realtimeqa.py``, ``bench/confidence.py`` and ``bench/encoder.py``; 2024 onwards is reserved
for acceptance and never opened (``weekly_files``)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from bench import report
from bench.datasets.labelled import STORE_CODE, code_hash, jsonl_rows

ROOT = Path(__file__).resolve().parents[2]
YEARS = ("2022", "2023")  # 2024 onwards is reserved for acceptance: never opened
TUNE_YEAR, FIGURE_YEAR = "2022", "2023"
SEARCH_K = 10
GOAL_GAIN = 0.03  # default recall@5 and MRR at least 3 points above dense-only, both corpus sizes
GOAL_REFUSED = 0.80  # unanswerable questions refused
GOAL_FALSE_REFUSALS = 0.05  # answerable questions refused, at most
GOAL_HOLDS = 0.90  # answered questions whose answer text holds the correct choice
MAX_SENTENCES = 3
SEED = 2023  # which half of the passages the refusal corpus leaves out
TYPES = ("who", "what", "when", "how many", "other")
CACHE = report.OUT / "realtimeqa"
_WEEKLY = re.compile(r"(?P<date>(?P<year>\d{4})\d{4})_qa\.jsonl")  # 20220701_qa.jsonl, nothing else
_URL_DATE = re.compile(r"/(20\d\d)/(\d\d)/(\d\d)/")
_BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
                         "table", "tr", "section", "article"})
_DROPPED_TAGS = frozenset({"script", "style"})
_SLUG_NOISE = frozenset({"index", "html", "htm", "intl", "hnk", "spt", "cnnphotos", "gbr", "scli", "ctrp"})


# --- reading RealTime QA ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    """One quiz question with its evidence passage, HTML removed."""

    qid: str  # "20220701_3"
    date: str  # ISO, from question_date
    source: str  # the quiz's publisher: "CNN", "THE WEEK", "USAtoday", ...
    question: str
    correct: str  # the correct choice's text; "" when the record gives none
    passage: str  # the evidence, as plain text; "" when the record has none
    links: tuple[str, ...] = ()  # the evidence's links, in order: the first is the article behind it

    @property
    def year(self) -> str:
        return self.date[:4]

    @property
    def counted(self) -> bool:
        """Whether the question is scored: its correct choice is in its passage."""
        return bool(self.correct and self.passage) and contains_answer(self.correct, self.passage)

    @property
    def kind(self) -> str:
        return question_type(self.question)


def data_root(path: Path | str | None) -> Path:
    """The folder holding ``past/<year>/``; raises ``SystemExit`` saying what to fetch."""
    if path is None or not str(path).strip():
        raise SystemExit("RealTime QA not given: pass --realtimeqa DIR or set NEWSRAG_REALTIMEQA (a checkout of "
                         "github.com/realtimeqa/realtimeqa_public, or `git archive HEAD past/2022 past/2023 "
                         "backnumber/2022` unpacked; it has no licence, so it is not shipped with newsrag)")
    root = Path(path).expanduser()
    if not all((root / "past" / year).is_dir() for year in YEARS):
        raise SystemExit(f"no RealTime QA under {root} (looked for past/2022 and past/2023); fetch "
                         "github.com/realtimeqa/realtimeqa_public and pass --realtimeqa DIR")
    return root


def weekly_files(root: Path, year: str) -> list[Path]:
    """The year's weekly question files, by their dated names: ``past/<year>/YYYYMMDD_qa.jsonl``
    and the pre-June-2022 ``backnumber/<year>/YYYYMMDD_qa.jsonl``. Only these two folders of the
    one year are listed; nothing else in the repository is looked at."""
    if year not in YEARS:
        raise SystemExit(f"year {year} is not evaluated here (only {', '.join(YEARS)}; later years are reserved)")
    files = []
    for folder in (root / "past" / year, root / "backnumber" / year):
        if folder.is_dir():
            for path in folder.iterdir():
                m = _WEEKLY.fullmatch(path.name)
                if m and m["year"] == year:
                    files.append(path)
    return sorted(files, key=lambda p: (p.name, str(p)))


def question_year(record: dict) -> str:
    """The year of a record's ``question_date`` ("2022/07/01"); "" when it has none."""
    m = re.match(r"\s*(\d{4})\D", str(record.get("question_date") or "") + " ")
    return m.group(1) if m else ""


def select_by_date(records: Iterable[dict], years: Sequence[str]) -> list[dict]:
    """The records dated in ``years`` (and in the evaluated years at all), first copy of each id."""
    wanted = set(years) & set(YEARS)
    seen: set[str] = set()
    kept = []
    for record in records:
        qid = str(record.get("question_id", ""))
        if qid and qid not in seen and question_year(record) in wanted:
            seen.add(qid)
            kept.append(record)
    return kept


def load_questions(root: Path, years: Sequence[str]) -> list[QuizQuestion]:
    """Every question dated in ``years``, read from those years' weekly files only."""
    records = []
    for year in sorted(set(years)):
        for path in weekly_files(root, year):
            records.extend(jsonl_rows(path))
    return sorted((quiz_question(r) for r in select_by_date(records, years)), key=lambda q: (q.date, _qid_key(q.qid)))


def _qid_key(qid: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", qid))


def quiz_question(record: dict) -> QuizQuestion:
    choices = [str(c) for c in record.get("choices") or []]
    answer = record.get("answer") or []
    correct = ""
    if len(answer) == 1 and str(answer[0]).strip().isdigit() and int(answer[0]) < len(choices):
        correct = " ".join(choices[int(answer[0])].split())
    text, links = clean_html(str(record.get("evidence") or ""))
    date = str(record.get("question_date") or "").strip().replace("/", "-")[:10]
    return QuizQuestion(
        qid=str(record["question_id"]), date=date, source=" ".join(str(record.get("question_source") or "").split()),
        question=" ".join(str(record.get("question_sentence") or "").split()), correct=correct, passage=text,
        links=tuple(links),
    )


class _TextOf(HTMLParser):
    """Text and links of an HTML fragment; block elements and <br> end a paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.dropped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_TAGS:
            self.dropped += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href and href.strip():
                self.links.append(href.strip())
        if tag == "br" or tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_TAGS:
            self.dropped = max(self.dropped - 1, 0)
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.dropped:
            self.parts.append(data)


def clean_html(fragment: str) -> tuple[str, list[str]]:
    """The plain text of an evidence fragment (tags gone, entities decoded, whitespace collapsed;
    paragraphs separated by a blank line) and the links it holds."""
    parser = _TextOf()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n\n".join(line for line in lines if line), parser.links


def normalise(text: str) -> str:
    """The matching form: NFKC, case folded, curly quotes and dashes made plain, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                                         "\u2013": "-", "\u2014": "-", "\u00a0": " "}))
    return " ".join(text.split())


def contains_answer(answer: str, text: str) -> bool:
    """Whether ``answer`` (a choice) is in ``text`` as whole words, in the ``normalise`` form;
    a final full stop of the choice is ignored ("Italy." matches "... Italy,")."""
    needle = normalise(answer).rstrip(".").strip()
    if not needle:
        return False
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", normalise(text)) is not None


_WH = re.compile(r"\b(who|whom|whose|what|which|when|where|why|how)\b")
_HOW_MANY = re.compile(r"\b(?:how (?:many|much|long|old|far)|what (?:percent(?:age)?|number|share|proportion))\b")
_WHEN = re.compile(r"^(?:(?:what|which) (?:year|month|day|date|decade|century|time)|how soon)\b")


def question_type(question: str) -> str:
    """who / what / when / how many / other, from the sentence that asks (the first ending in "?",
    else the last): its wh-word that opens a clause ("According to NASA, where ..."), else its last
    one ("... delivery of which item?"; a "where" or "who" inside is usually relative). "which"
    counts as "what", "what year" and "how soon" as "when", "how many/much" and "what percentage"
    as "how many"."""
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", normalise(question)) if s]
    if not sentences:
        return "other"
    asking = next((s for s in sentences if s.endswith("?")), sentences[-1])
    if _HOW_MANY.search(asking):
        return "how many"
    found = list(_WH.finditer(asking))
    if not found:
        return "other"
    opening = [m for m in found if not asking[: m.start()].strip() or asking[: m.start()].rstrip().endswith(",")]
    m = opening[0] if opening else found[-1]
    word = m.group(1)
    if word in ("who", "whom", "whose"):
        return "who"
    if word == "when" or _WHEN.match(asking[m.start():]):
        return "when"
    return "what" if word in ("what", "which") else "other"


# --- the corpus ------------------------------------------------------------------------------------


def passage_id(q: QuizQuestion) -> str:
    return f"realtimeqa-{q.qid}"


def passage_date(q: QuizQuestion) -> str:
    """The linked article's date when its URL has one within 60 days before the quiz, else the quiz's."""
    for link in q.links[:1]:
        m = _URL_DATE.search(link)
        if m:
            found = "-".join(m.groups())
            if q.date and found <= q.date and _days_between(found, q.date) <= 60:
                return found
    return q.date


def _days_between(a: str, b: str) -> int:
    from datetime import date

    try:
        return (date.fromisoformat(b) - date.fromisoformat(a)).days
    except ValueError:
        return 10**6


def url_title(url: str) -> str:
    """A stand-in headline from a URL's slug: ".../2022/06/28/investing/bed-bath--beyond-sales-decline/
    index.html" -> "bed bath beyond sales decline" (``--titles url`` only)."""
    path = re.sub(r"[?#].*$", "", url).rstrip("/")
    pieces = [p for p in path.split("/")[3:] if p]
    for piece in reversed(pieces):
        words = [w for w in re.split(r"[-_.]+", piece.lower()) if w and not w.isdigit() and w not in _SLUG_NOISE]
        if len(words) >= 2:
            return " ".join(words)
    return ""


def article_record(q: QuizQuestion, titles: str = "none") -> dict:
    """The JSON article a user would ingest for this passage."""
    url = q.links[0] if q.links else ""
    return {"id": passage_id(q), "title": url_title(url) if titles == "url" and url else "", "text": q.passage,
            "date": passage_date(q), "source": q.source, "url": url}


def normalised_url(url: str) -> str:
    url = re.sub(r"[?#].*$", "", url.strip().lower())
    return re.sub(r"^[a-z]+://(?:www\.|edition\.|amp\.)?", "", url).rstrip("/")


def near_duplicate_groups(articles: Sequence[object]) -> dict[str, str]:
    """Article id -> group id: articles sharing a URL, a title or their normalised text are one group.

    ``articles`` are ``rag.schema.Article`` as the loader makes them (so a fallback title is the one
    ingest stores)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_with: dict[tuple[str, str], str] = {}
    for a in articles:
        aid = a.article_id  # type: ignore[attr-defined]
        find(aid)
        keys = [("text", normalise(" ".join(a.paragraphs))), ("title", normalise(a.title))]  # type: ignore[attr-defined]
        if a.url:  # type: ignore[attr-defined]
            keys.append(("url", normalised_url(a.url)))  # type: ignore[attr-defined]
        for key in keys:
            if not key[1]:
                continue
            other = first_with.setdefault(key, aid)
            parent[find(aid)] = find(other)
    return {aid: find(aid) for aid in parent}


def write_articles(records: Sequence[dict], folder: Path) -> None:
    """One JSON Lines file per passage date, as a feed of the week would come."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    by_date: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_date[r["date"] or "undated"].append(r)
    for day, rows in sorted(by_date.items()):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (folder / f"realtimeqa-{day}.jsonl").write_text(text, encoding="utf-8")


def ingest_with_cli(articles: Path, db: Path, encoder: str = "torch") -> dict:
    """``newsrag ingest ARTICLES --db DB --json`` in a child process, as a user runs it (with
    ``--encoder ENCODER`` when not torch: ``NEWSRAG_*`` variables are not passed on)."""
    script = Path(sys.executable).with_name("newsrag")
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from ui.cli import main; main()"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ORT_DISABLE_TELEMETRY="1",
               ANONYMIZED_TELEMETRY="False", TOKENIZERS_PARALLELISM="false")
    chosen = [] if encoder == "torch" else ["--encoder", encoder]
    done = subprocess.run([*command, "ingest", str(articles), "--db", str(db), "--json", *chosen], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    try:
        summary = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        summary = None
    if done.returncode != 0 or summary is None:
        raise SystemExit(f"newsrag ingest {articles} failed (exit {done.returncode}): "
                         f"{(done.stderr or done.stdout).strip()[-2000:]}")
    return summary


@dataclass
class Corpus:
    """One store of passages, ingested through the CLI, and which of its paragraphs are whose."""

    name: str
    records: list[dict]
    settings: object = None
    paragraphs: dict[str, list[str]] = field(default_factory=dict)  # article id -> paragraph ids
    ingest_s: float = 0.0
    summary: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.records)


def build_corpus(name: str, records: list[dict], cache: Path, *, encoder: str = "torch") -> Corpus:
    """Write ``records`` and bring their cached store up to date through ``newsrag ingest``.

    The store's folder is keyed by the records and the code that shapes stored records, so a
    changed selection gets a new store (older ones of the same name are removed); ingest is run
    every time, which re-embeds only what changed (e.g. after a change to paragraphing).
    ``encoder`` (``Settings.encoder``) writes the vectors; any but torch is in the folder's name,
    so the stores of one corpus by different encoders (``bench/encoder.py``) live side by side.
    """
    from rag import NewsIndex
    from rag.settings import Settings

    stem = name if encoder == "torch" else f"{name}-{encoder}"
    digest = hashlib.sha1(code_hash(STORE_CODE).encode())
    for r in records:
        digest.update(json.dumps(r, sort_keys=True, ensure_ascii=False).encode() + b"\n")
    folder = cache / f"{stem}-{digest.hexdigest()[:12]}"
    for old in cache.glob(f"{stem}-*"):
        if old != folder and re.fullmatch(re.escape(stem) + r"-[0-9a-f]{12}", old.name):
            shutil.rmtree(old, ignore_errors=True)
    write_articles(records, folder / "articles")
    start = time.perf_counter()
    summary = ingest_with_cli(folder / "articles", folder / "db", encoder)
    corpus = Corpus(name, records, Settings.load(env={}, db=folder / "db", encoder=encoder),
                    ingest_s=time.perf_counter() - start, summary=summary)
    for p in NewsIndex.open(corpus.settings).store.iter_paragraphs():
        corpus.paragraphs.setdefault(p.article_id, []).append(p.paragraph_id)
    return corpus


# --- retrieval ---------------------------------------------------------------------------------------
