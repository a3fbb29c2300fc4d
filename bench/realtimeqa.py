"""Retrieval, refusals and answers on real news: RealTime QA's 2022 and 2023 weekly quizzes.

    .venv/bin/python bench/realtimeqa.py --realtimeqa /tmp/realtimeqa            # both years
    .venv/bin/python bench/realtimeqa.py --realtimeqa /tmp/realtimeqa --year 2022 --misses 10
    .venv/bin/python bench/realtimeqa.py --realtimeqa /tmp/realtimeqa --write    # and write the run down

RealTime QA (github.com/realtimeqa/realtimeqa_public; Kasai et al., NeurIPS 2023 Datasets and
Benchmarks) publishes weekly news quizzes from CNN, The Week, USA Today and others: a question,
its choices, the correct one, and the "evidence", the quiz's own few-sentence explanation in
HTML, linking to the article behind it. It states no licence, so it is never copied into this
repository: point ``--realtimeqa`` (or ``NEWSRAG_REALTIMEQA``) at a checkout, or at an unpacked
``git archive HEAD past/2022 past/2023 backnumber/2022``.

Selection is by date, never by a glob over the repository: only the weekly files
``past/<year>/YYYYMMDD_qa.jsonl`` and ``backnumber/<year>/YYYYMMDD_qa.jsonl`` of the years 2022
and 2023 are opened (the cumulative ``YYYYMMDD-YYYYMMDD_qa.jsonl`` copies and the variants are
not), and of those only questions whose ``question_date`` lies in the year asked for. 2022 is
for tuning, 2023 is the reported figure; later years are reserved for acceptance and never read.

A question counts only when the text of its correct choice is in its evidence passage (HTML
removed, case folded, whitespace and quote marks normalised, whole words): many passages do not
hold the answer. Each passage becomes one JSON Lines article (``id``, ``title``, ``text``,
``date``, ``source``, ``url``; one file per quiz date) and goes in through ``newsrag ingest``, as a
user's files would, so loading, paragraphing and metadata are the real ones. The passages have
no headline: ``title`` is left empty and the loader's own fallback (the first sentence) applies,
unless ``--titles url`` makes one from the linked article's URL slug (an experiment). Stores are
cached in ``bench/out/realtimeqa/`` and re-ingested every run (unchanged paragraphs cost nothing).

Measured, per year:

- retrieval recall@1/5/10 and MRR@10 of ``search(q, k=10)`` for every ``Tuning.fusion`` (each
  with every other knob at its default; the default's row is marked), on the *small* corpus
  (the passages of the year's counted questions) and the *large* one (every 2022-2023 passage,
  counted or not); a hit is the question's passage or a near-duplicate of it (same URL, same
  title, or the same text once normalised). Per question type (who / what / when / how many /
  other, from the wh-word of the sentence that asks). 2022 also gets a ``Tuning.dense_weight``
  sweep.
- refusals on one corpus for both years: every 2022-2023 passage, less a seeded random half of
  the near-duplicate groups. Questions whose passage was left out are unanswerable; the rest are
  answerable. ``index.ask(q)`` (no LLM): refusal rate on the unanswerable, false refusals on the
  answerable, and whether each answered question's answer text holds the correct choice, with
  the number of sentences. Our own labelled set (``bench/labels``) is measured beside it.

``realtimeqa_section(path)`` returns the same report for ``bench/eval.py --realtimeqa``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/realtimeqa.py`, this file's folder (which has ingest.py) would shadow `ingest`.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Iterable, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from html.parser import HTMLParser  # noqa: E402

from bench import eval as bench_eval  # noqa: E402
from bench import report  # noqa: E402

ROOT = _BENCH.parent
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
            records.extend(bench_eval.jsonl_rows(path))
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
    digest = hashlib.sha1(bench_eval._code_hash(bench_eval._STORE_CODE).encode())
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


def _scores(ranks: Sequence[int | None]) -> tuple[float, float, float, float]:
    """recall@1, recall@5, recall@10, MRR@10."""
    n = max(len(ranks), 1)
    return (sum(1 for r in ranks if r == 1) / n, sum(1 for r in ranks if r and r <= 5) / n,
            sum(1 for r in ranks if r and r <= 10) / n, sum(1 / r for r in ranks if r) / n)


def gold_paragraphs(questions: Sequence[QuizQuestion], corpus: Corpus, ids: dict[str, str],
                    groups: dict[str, str]) -> dict[str, frozenset[str]]:
    """Question id -> the corpus's paragraphs of its passage and of that passage's near-duplicates."""
    members: dict[str, list[str]] = defaultdict(list)
    for aid in corpus.paragraphs:
        members[groups.get(aid, aid)].append(aid)
    gold = {}
    for q in questions:
        aid = ids[passage_id(q)]
        gold[q.qid] = frozenset(pid for other in members.get(groups.get(aid, aid), [aid])
                                for pid in corpus.paragraphs.get(other, ()))
    return gold


NO_PRIOR = {"recency_weight": 0.0, "recency_weight_all": 0.0}
DENSE_WITH_PRIOR = "dense + the recency prior"
DEFAULT_WITHOUT_PRIOR = "the default without the recency prior"


def _fusions() -> list[tuple[str, dict]]:
    """The rows of a retrieval table: each retriever alone (no prior: the model's own ranking), each
    fusion as the default runs it, and the recency prior on dense / off the default, to show which
    part of the default's gain is the fusion's and which the prior's."""
    from rag.tuning import Fusion, Tuning

    default = Tuning()
    rows: list[tuple[str, dict]] = [("dense only", {"fusion": Fusion.DENSE, **NO_PRIOR}),
                                    ("BM25 only", {"fusion": Fusion.BM25, **NO_PRIOR})]
    for method in (Fusion.RRF, Fusion.WEIGHTED):
        label = {"rrf": f"RRF (k={default.rrf_k})", "weighted": f"weighted (dense_weight={default.dense_weight})"}[
            method.value]
        rows.append((label + (" **(the default)**" if method is default.fusion else ""), {"fusion": method}))
    rows.append((DENSE_WITH_PRIOR, {"fusion": Fusion.DENSE}))
    rows.append((DEFAULT_WITHOUT_PRIOR, dict(NO_PRIOR)))
    return rows


def run_retrieval(corpus: Corpus, questions: Sequence[QuizQuestion], gold: dict[str, frozenset[str]],
                  as_of: bool = True, **changes: object) -> list[int | None]:
    """Ranks of each question's passage; with ``as_of`` each is searched as of its quiz's date
    (``until``), as a reader that week would: the corpus then held no later news."""
    index = bench_eval.tuned(corpus.settings, **changes)
    asked = [bench_eval.Question(q.question, q.kind, q.qid, gold[q.qid], q.date if as_of else "") for q in questions]
    return bench_eval.retrieval_scores(index, asked)["ranks"]


def _pts(x: float) -> str:
    return f"{100 * x:+.1f}"


def retrieval_report(corpus: Corpus, questions: Sequence[QuizQuestion], gold: dict[str, frozenset[str]],
                     as_of: bool = True) -> tuple[str, dict[str, list[int | None]], dict[str, bool]]:
    """The fusion table for one corpus, the goal lines, and the ranks per variant."""
    from rag.tuning import Tuning

    ranks = {label: run_retrieval(corpus, questions, gold, as_of, **changes) for label, changes in _fusions()}
    rows = [[label, *(f"{x:.3f}" for x in _scores(r))] for label, r in ranks.items()]
    dense = _scores(next(r for label, r in ranks.items() if label.startswith("dense")))
    default_label = next(label for label in ranks if "the default" in label)
    default = _scores(ranks[default_label])
    gain5, gain_mrr = default[1] - dense[1], default[3] - dense[3]
    met = {"recall@5": gain5 >= GOAL_GAIN, "MRR": gain_mrr >= GOAL_GAIN}
    text = (
        report.table(["retrieval (`Tuning.fusion`)", "recall@1", "recall@5", "recall@10", "MRR@10"], rows)
        + f"\n\nDefault `Tuning()` minus dense only: recall@5 {_pts(gain5)} points, MRR@10 {_pts(gain_mrr)} points "
        f"(goal >= +{100 * GOAL_GAIN:.0f} each: recall@5 {'met' if met['recall@5'] else 'NOT met'}, "
        f"MRR {'met' if met['MRR'] else 'NOT met'}). Against {DENSE_WITH_PRIOR}: recall@5 "
        f"{_pts(default[1] - _scores(ranks[DENSE_WITH_PRIOR])[1])}, MRR@10 "
        f"{_pts(default[3] - _scores(ranks[DENSE_WITH_PRIOR])[3])} points (the fusion's own share). "
        f"{'Every question is searched as of its quiz date (`until`). ' if as_of else 'No date filter. '}"
        f"Rows keep the other `Tuning` fields at their defaults (prefer_quoted={Tuning().prefer_quoted}; recency "
        f"prior {Tuning().recency_weight} / {Tuning().recency_weight_all} over {Tuning().recency_days:g} days)."
    )
    return text, ranks, met


def by_type_table(questions: Sequence[QuizQuestion], ranks: dict[str, list[int | None]]) -> str:
    labels = [label for label in ranks if label in ("dense only", "BM25 only") or "the default**" in label]
    headers = ["question type", "questions"]
    for label in labels:
        short = label.split(" (")[0].split(" **")[0] + (" (default)" if "the default" in label else "")
        headers += [f"R@5 {short}", f"MRR {short}"]
    rows = []
    for kind in TYPES:
        idx = [i for i, q in enumerate(questions) if q.kind == kind]
        if not idx:
            continue
        row: list[object] = [kind, len(idx)]
        for label in labels:
            _, r5, _, mrr = _scores([ranks[label][i] for i in idx])
            row += [f"{r5:.3f}", f"{mrr:.3f}"]
        rows.append(row)
    return report.table(headers, rows)


def weight_sweep(corpus: Corpus, questions: Sequence[QuizQuestion], gold: dict[str, frozenset[str]],
                 weights: Sequence[float], as_of: bool = True) -> str:
    from rag.tuning import Fusion, Tuning

    default = Tuning()
    rows = []
    for w in weights:
        r = _scores(run_retrieval(corpus, questions, gold, as_of, fusion=Fusion.WEIGHTED, dense_weight=w))
        rows.append([bench_eval._mark(w, default.dense_weight), *(f"{x:.3f}" for x in r)])
    return report.table(["Tuning.dense_weight", "recall@1", "recall@5", "recall@10", "MRR@10"], rows)


# --- refusals and answers ------------------------------------------------------------------------------


def answer_words(answer: object) -> str:
    """What the answer itself says: its sentences, or its speakers and their statements (not the
    cited paragraphs, which would hold the passage whether or not the answer does)."""
    parts = [s.text for s in answer.sentences]  # type: ignore[attr-defined]
    for group in answer.speakers:  # type: ignore[attr-defined]
        parts.append(group.speaker)
        parts += [s.text for s in group.statements]
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Asked:
    question: QuizQuestion
    answerable: bool
    mode: str
    reason: str  # the refusal reason, "" when answered
    missing: tuple[str, ...]
    holds: bool  # the answer text holds the correct choice
    sentences: int
    dense_top: float


def ask_all(corpus: Corpus, questions: Sequence[QuizQuestion], answerable: set[str], dense_top: bool = True,
            as_of: bool = True, **changes: object) -> list[Asked]:
    """``index.ask`` every question (``Tuning`` fields as the defaults with ``changes``), as of its
    quiz's date with ``as_of``."""
    from rag.schema import AnswerMode, Filters

    index = bench_eval.tuned(corpus.settings, **changes)
    answerer = index.answerer  # type: ignore[attr-defined]
    results = []
    for q in questions:
        until = q.date if as_of else None
        answer = index.ask(q.question, until=until)  # type: ignore[attr-defined]
        refused = answer.mode is AnswerMode.NONE
        top = answerer.retriever.retrieve(q.question, 5, Filters(until=until), answerer.snapshot().keywords).dense_top \
            if dense_top else float("nan")
        results.append(Asked(
            q, q.qid in answerable, answer.mode.value, answer.refusal.reason.value if refused else "",
            tuple(answer.refusal.missing_terms) if refused else (), (not refused) and contains_answer(
                q.correct, answer_words(answer)), len(answer.sentences), top))
    return results


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    qs = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return f"min {min(values):.2f}, quartiles {qs[0]:.2f} / {qs[1]:.2f} / {qs[2]:.2f}, max {max(values):.2f}"


def refusal_rows(label: str, asked: Sequence[Asked]) -> list[list[object]]:
    good = [a for a in asked if a.answerable]
    bad = [a for a in asked if not a.answerable]
    answered = [a for a in good if not a.reason]
    extractive = [a for a in answered if a.mode == "extractive"]
    bad_answered = [a for a in bad if not a.reason]
    return [[
        label, len(bad), _rate(sum(bool(a.reason) for a in bad), len(bad)),
        _rate(sum(a.holds for a in bad_answered), len(bad_answered)),
        len(good), _rate(sum(bool(a.reason) for a in good), len(good)),
        _rate(sum(a.holds for a in answered), len(answered)),
        f"{statistics.mean(a.sentences for a in extractive):.2f} / {max(a.sentences for a in extractive)}"
        if extractive else "-",
    ]]


def refusal_goals(asked: Sequence[Asked]) -> str:
    good = [a for a in asked if a.answerable]
    bad = [a for a in asked if not a.answerable]
    answered = [a for a in good if not a.reason]
    refused = sum(bool(a.reason) for a in bad) / max(len(bad), 1)
    false = sum(bool(a.reason) for a in good) / max(len(good), 1)
    holds = sum(a.holds for a in answered) / max(len(answered), 1)
    longest = max((a.sentences for a in answered if a.mode == "extractive"), default=0)

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    return (f"Goals ({FIGURE_YEAR}): unanswerable refused {100 * refused:.1f}% (>= {100 * GOAL_REFUSED:.0f}%: "
            f"{verdict(refused >= GOAL_REFUSED)}); answerable refused {100 * false:.1f}% "
            f"(<= {100 * GOAL_FALSE_REFUSALS:.0f}%: {verdict(false <= GOAL_FALSE_REFUSALS)}); answered holding the "
            f"correct choice {100 * holds:.1f}% (>= {100 * GOAL_HOLDS:.0f}%: {verdict(holds >= GOAL_HOLDS)}); "
            f"longest extractive answer {longest} sentences (<= {MAX_SENTENCES}: {verdict(longest <= MAX_SENTENCES)}).")


def labelled_figures() -> tuple[list[list[object]], str]:
    """Our labelled set (bench/labels) measured the way ``bench/eval.py`` does: the refusal row
    (unanswerable refused, false refusals) and the line comparing the default with dense only."""
    from rag import NewsIndex
    from rag.tuning import Fusion

    settings, _ = bench_eval.demo_settings(False)
    index = NewsIndex.open(settings, make_encoder=bench_eval.memoised_encoder)
    asked, _ = bench_eval.answerable_questions(list(index.store.iter_paragraphs()))
    unanswerable = bench_eval.read_jsonl("unanswerable.jsonl")
    o = bench_eval.refusal_outcomes(bench_eval.tuned(settings), asked, unanswerable)
    row = ["our labelled set (`bench/labels`)", len(unanswerable), _rate(sum(o["refused_bad"]), len(unanswerable)),
           "-", len(asked), _rate(sum(o["refused_good"]), len(asked)), "-", "-"]
    r5 = {}
    for label, changes in (("dense", {"fusion": Fusion.DENSE, "prefer_quoted": False}),
                           ("dense + quoted speakers", {"fusion": Fusion.DENSE}), ("default", {})):
        r5[label] = bench_eval.retrieval_scores(bench_eval.tuned(settings, **changes), asked)["all"][1]
    gain = r5["default"] - r5["dense"]
    line = (f"Our labelled set ({len(asked)} questions, `bench/eval.py`'s rule): default recall@5 {r5['default']:.3f}, "
            f"dense only {r5['dense']:.3f} ({_pts(gain)} points; goal >= +{100 * bench_eval.GOAL_HYBRID_GAIN:.0f}: "
            f"{'met' if gain >= bench_eval.GOAL_HYBRID_GAIN else 'NOT met'}), dense + quoted speakers "
            f"{r5['dense + quoted speakers']:.3f}.")
    return [row], line


# --- the report ---------------------------------------------------------------------------------------


@dataclass
class Options:
    years: tuple[str, ...] = YEARS
    limit: int = 0  # questions per year (0: all); for quick runs and the tests
    max_distractors: int = -1  # passages beyond the evaluated ones in the large corpus (-1: all)
    titles: str = "none"
    weights: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
    misses: int = 0
    refusal_sweep: bool = False
    labelled: bool = True
    as_of: bool = True  # each question asked as of its quiz's date (until); False: the whole corpus
    cache: Path = CACHE


@dataclass
class Prepared:
    """The questions evaluated per year and the stores built for them (cached under ``opts.cache``)."""

    every: list[QuizQuestion]
    with_passage: list[QuizQuestion]
    evaluated: dict[str, list[QuizQuestion]]
    corpora: dict[str, Corpus]  # per year (small), "large", and "half" (the refusal corpus)
    ids: dict[str, str]  # passage id -> article id
    groups: dict[str, str]  # article id -> its near-duplicate group
    left_out: set[str]  # passage ids the refusal corpus leaves out: their questions are unanswerable
    large_records: list[dict]
    timings: list[tuple[str, float]]

    def answerable(self, year: str) -> set[str]:
        """The qids of ``year`` whose passage the refusal corpus holds."""
        return {q.qid for q in self.evaluated[year] if passage_id(q) not in self.left_out}


def prepare(root: Path, opts: Options) -> Prepared:
    """Read the questions, build (or reuse) the small, large and refusal corpora."""
    from ingest.loaders import load_file
    from rag.schema import article_id_for

    timings: list[tuple[str, float]] = []
    clock = time.perf_counter()
    every = load_questions(root, YEARS)  # the large corpus is every 2022-2023 passage
    timings.append(("read and clean the questions", time.perf_counter() - clock))
    with_passage = [q for q in every if q.passage]
    evaluated: dict[str, list[QuizQuestion]] = {}
    for year in opts.years:
        counted = [q for q in with_passage if q.year == year and q.counted]
        evaluated[year] = counted[: opts.limit] if opts.limit else counted
    chosen = {q.qid for qs in evaluated.values() for q in qs}
    others = [q for q in with_passage if q.qid not in chosen]
    if opts.max_distractors >= 0:
        others = sorted(random.Random(SEED).sample(others, min(opts.max_distractors, len(others))),
                        key=lambda q: (q.date, _qid_key(q.qid)))
    large_questions = sorted([q for qs in evaluated.values() for q in qs] + others,
                             key=lambda q: (q.date, _qid_key(q.qid)))
    tag = f"-limit{opts.limit}-d{opts.max_distractors}" if opts.limit or opts.max_distractors >= 0 else ""
    tag += "-urltitles" if opts.titles == "url" else ""
    opts.cache.mkdir(parents=True, exist_ok=True)

    # Titles and ids exactly as the loader makes them: write the large corpus once and read it back.
    large_records = [article_record(q, opts.titles) for q in large_questions]
    probe = opts.cache / f"loaded{tag}"
    write_articles(large_records, probe)
    loaded = [a for path in sorted(probe.glob("*.jsonl")) for a in load_file(path, max_bytes=50_000_000)]
    shutil.rmtree(probe, ignore_errors=True)
    ids = {r["id"]: article_id_for(explicit=r["id"]) for r in large_records}
    if set(ids.values()) != {a.article_id for a in loaded}:
        raise SystemExit("the loader did not read back the passages written (ids differ); see ingest/loaders.py")
    groups = near_duplicate_groups(loaded)

    corpora: dict[str, Corpus] = {}
    for year in opts.years:
        records = [article_record(q, opts.titles) for q in evaluated[year]]
        corpora[year] = build_corpus(f"{year}-small{tag}", records, opts.cache)
        timings.append((f"ingest the {year} small corpus ({len(records)} passages)", corpora[year].ingest_s))
    corpora["large"] = build_corpus(f"large{tag}", large_records, opts.cache)
    timings.append((f"ingest the large corpus ({len(large_records)} passages)", corpora["large"].ingest_s))

    # The refusal corpus: every passage of the large one, less a seeded random half of the groups.
    by_group: dict[str, list[str]] = defaultdict(list)
    for record in large_records:
        by_group[groups[ids[record["id"]]]].append(record["id"])
    order = sorted(by_group)
    random.Random(SEED).shuffle(order)
    left_out = {pid for g in order[: len(order) // 2] for pid in by_group[g]}
    half_records = [r for r in large_records if r["id"] not in left_out]
    corpora["half"] = build_corpus(f"half{tag}", half_records, opts.cache)
    timings.append((f"ingest the refusal corpus ({len(half_records)} passages)", corpora["half"].ingest_s))
    return Prepared(every, with_passage, evaluated, corpora, ids, groups, left_out, large_records, timings)


def evaluate(root: Path, opts: Options) -> str:
    """Everything, as markdown."""
    prep = prepare(root, opts)
    every, with_passage, evaluated, corpora = prep.every, prep.with_passage, prep.evaluated, prep.corpora
    ids, groups, left_out, large_records, timings = prep.ids, prep.groups, prep.left_out, prep.large_records, prep.timings
    missing = [(c.name, r["id"]) for c in corpora.values() for r in c.records if ids[r["id"]] not in c.paragraphs]
    parts = [intro(every, with_passage, evaluated, corpora, groups, opts)]
    if missing:
        parts.append(f"**{len(missing)} passages were not stored** (e.g. {missing[:3]}); figures below miss them.")

    miss_lines: list[str] = []
    for year in opts.years:
        questions = evaluated[year]
        role = "the figure" if year == FIGURE_YEAR else "for tuning" if year == TUNE_YEAR else ""
        parts.append(f"### Retrieval, {year} ({role}; {len(questions)} questions)")
        for key, what in (("small", "small corpus: the passages of the year's counted questions"),
                          ("large", "large corpus: every 2022-2023 passage")):
            corpus = corpora[year if key == "small" else key]
            gold = gold_paragraphs(questions, corpus, ids, groups)
            clock = time.perf_counter()
            text, ranks, _ = retrieval_report(corpus, questions, gold, opts.as_of)
            timings.append((f"retrieval, {year}, {key} corpus ({len(ranks)} variants x {len(questions)} questions)",
                            time.perf_counter() - clock))
            parts.append(f"#### {year}, {what} ({corpus.size} passages, {sum(map(len, corpus.paragraphs.values()))} "
                         f"paragraphs)\n\n{text}\n\nBy question type:\n\n{by_type_table(questions, ranks)}")
            if year == TUNE_YEAR and opts.weights:
                clock = time.perf_counter()
                parts.append(f"`Tuning.dense_weight` sweep, {year}, {key} corpus (weighted fusion, other fields default):\n\n"
                             + weight_sweep(corpus, questions, gold, opts.weights, opts.as_of))
                timings.append((f"dense_weight sweep, {year}, {key} corpus", time.perf_counter() - clock))
            if opts.misses and key == "large":
                default_label = next(label for label in ranks if "the default" in label)
                dense_label = next(label for label in ranks if label.startswith("dense"))
                lost = [(q, ranks[default_label][i], ranks[dense_label][i]) for i, q in enumerate(questions)
                        if not ranks[default_label][i] or ranks[default_label][i] > 5]
                miss_lines += [f"Retrieval, {year} large corpus: {len(lost)} questions outside the default's top 5 "
                               f"(first {opts.misses}; rank default / dense):", ""]
                miss_lines += [f"- {r or '>10'} / {d or '>10'}: {q.question} [answer {q.correct!r}] -- passage: "
                               f"{_clip(q.passage)}" for q, r, d in lost[: opts.misses]]
                miss_lines.append("")

    clock = time.perf_counter()
    half = corpora["half"]
    asked_by_year = {year: ask_all(half, evaluated[year], {q.qid for q in evaluated[year] if passage_id(q) not in left_out},
                                   as_of=opts.as_of) for year in opts.years}
    timings.append((f"ask, refusal corpus ({sum(map(len, asked_by_year.values()))} questions)",
                    time.perf_counter() - clock))
    parts.append(refusal_part(asked_by_year, half, len(large_records), opts))
    if opts.refusal_sweep and TUNE_YEAR in opts.years:
        clock = time.perf_counter()
        answerable = {q.qid for q in evaluated[TUNE_YEAR] if passage_id(q) not in left_out}
        parts.append(f"Refusal knobs on {TUNE_YEAR} (the refusal corpus; one field changed at a time):\n\n"
                     + refusal_sweep(half, evaluated[TUNE_YEAR], answerable, opts.as_of))
        timings.append((f"refusal sweep, {TUNE_YEAR}", time.perf_counter() - clock))
    if opts.misses:
        miss_lines += refusal_misses(asked_by_year, opts.misses)

    parts.append("### Timings\n\n" + report.table(["step", "seconds"], [[s, f"{t:.1f}"] for s, t in timings]))
    if miss_lines:
        parts.append("### Misses\n\n" + "\n".join(miss_lines).strip())
    return "\n\n".join(parts)


def intro(every: list[QuizQuestion], with_passage: list[QuizQuestion], evaluated: dict[str, list[QuizQuestion]],
          corpora: dict[str, Corpus], groups: dict[str, str], opts: Options) -> str:
    rows = []
    for year in YEARS:
        n_all = sum(q.year == year for q in every)
        n_passage = sum(q.year == year for q in with_passage)
        n_counted = sum(q.year == year and q.counted for q in with_passage)
        used = len(evaluated.get(year, []))
        kinds = Counter(q.kind for q in evaluated.get(year, []))
        rows.append([year, n_all, n_passage, n_counted, used if year in evaluated else "(distractors only)",
                     ", ".join(f"{k} {kinds[k]}" for k in TYPES if kinds[k]) or "-"])
    sources = Counter(q.source for qs in evaluated.values() for q in qs)
    ingest_line = "; ".join(
        f"{c.name}: {c.summary.get('articles_added', 0)} articles added, "
        f"{c.summary.get('paragraphs_added', 0) + c.summary.get('paragraphs_updated', 0)} paragraphs embedded, "
        f"{c.ingest_s:.0f} s" for c in corpora.values())
    return (
        f"Machine: {report.machine()}; load average at the start {report.load_average()}. RealTime QA weekly "
        f"files of {', '.join(YEARS)} only (`past/<year>/YYYYMMDD_qa.jsonl`, `backnumber/<year>/...`), questions "
        "selected by `question_date`; a question counts when its correct choice is in its evidence passage "
        "(HTML removed, whole words, case and quote marks normalised).\n\n"
        + report.table(["year", "questions", "with a passage", "correct choice in passage", "evaluated",
                        "types evaluated"], rows)
        + f"\n\nEvaluated questions by quiz: {', '.join(f'{s} {n}' for s, n in sources.most_common())}. "
        f"Passages are ingested with `newsrag ingest DIR --json` as JSON Lines articles (title "
        f"{'from the URL slug' if opts.titles == 'url' else 'empty: the loader uses the first sentence'}; date "
        "of the linked article when its URL has one, else the quiz's); near-duplicate groups (same URL, title or "
        f"normalised text): {len(set(groups.values()))} for {len(groups)} passages. Stores in "
        f"`{_shown(opts.cache)}`: {ingest_line}."
        + (f" Limited run: {opts.limit} questions per year, {opts.max_distractors} distractors."
           if opts.limit or opts.max_distractors >= 0 else "")
    )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def refusal_part(asked_by_year: dict[str, list[Asked]], half: Corpus, total: int, opts: Options) -> str:
    rows = []
    for year, asked in asked_by_year.items():
        rows += refusal_rows(f"RealTime QA {year}" + (" (the figure)" if year == FIGURE_YEAR else ""), asked)
    labelled_line = ""
    if opts.labelled:
        labelled_rows, labelled_line = labelled_figures()
        rows += labelled_rows
    headers = ["questions", "unanswerable", "refused", "answered anyway, holding the correct choice", "answerable",
               "refused (false refusals)", "answered, holding the correct choice", "sentences (mean / max)"]
    text = (
        f"One corpus for both years: the {total} passages of the large corpus less a random half (seed {SEED}) of "
        f"their near-duplicate groups: {half.size} passages kept. A question is unanswerable when its passage was "
        "left out. `index.ask(q)` with the default `Tuning()`, no LLM; an answer holds the correct choice when its "
        "own text (sentences, or speakers and statements) does. \"Answered anyway, holding the correct choice\": "
        "another passage answered it.\n\n" + report.table(headers, rows)
    )
    if FIGURE_YEAR in asked_by_year:
        text += "\n\n" + refusal_goals(asked_by_year[FIGURE_YEAR])
    if labelled_line:
        text += "\n\n" + labelled_line
    reason_rows = []
    every = [a for asked in asked_by_year.values() for a in asked]
    reasons = sorted({a.reason for a in every if a.reason})
    for year, asked in asked_by_year.items():
        good = Counter(a.reason for a in asked if a.answerable and a.reason)
        bad = Counter(a.reason for a in asked if not a.answerable and a.reason)
        reason_rows += [[year, r, good[r], bad[r]] for r in reasons]
    modes = Counter((a.mode, a.answerable) for a in every)
    text += ("\n\nRefusal reasons (`answer.refusal.reason`):\n\n"
             + report.table(["year", "reason", "answerable (false refusals)", "unanswerable"], reason_rows)
             + "\n\nAnswer modes, answerable / unanswerable: "
             + ", ".join(f"{m} {modes[(m, True)]} / {modes[(m, False)]}" for m in sorted({m for m, _ in modes}))
             + f".\n\nBest dense cosine (`Retrieval.dense_top`): answerable {_spread([a.dense_top for a in every if a.answerable])}; "
             f"unanswerable {_spread([a.dense_top for a in every if not a.answerable])}.")
    return "### Refusals and answers\n\n" + text


def refusal_sweep(corpus: Corpus, questions: Sequence[QuizQuestion], answerable: set[str], as_of: bool = True) -> str:
    """How the refusal knobs trade refused unanswerable questions against false refusals."""
    from rag.tuning import Tuning

    default = Tuning()
    rows = []
    for name, values in (("refuse_below", (0.45, 0.48, 0.5, 0.52, 0.55)),
                         ("answerability_coverage", (0.3, 0.4, 0.5, 0.6)),
                         ("answerability_uncovered", (0.0, 0.1, 0.2, 0.3))):
        for value in values:
            asked = ask_all(corpus, questions, answerable, dense_top=False, as_of=as_of, **{name: value})
            good = [a for a in asked if a.answerable]
            bad = [a for a in asked if not a.answerable]
            answered = [a for a in good if not a.reason]
            rows.append([f"`{name}` = {bench_eval._mark(value, getattr(default, name))}",
                         _rate(sum(bool(a.reason) for a in bad), len(bad)),
                         _rate(sum(bool(a.reason) for a in good), len(good)),
                         _rate(sum(a.holds for a in answered), len(answered))])
    return report.table(["Tuning field", "unanswerable refused", "answerable refused", "answered holding the choice"],
                        rows)


def refusal_misses(asked_by_year: dict[str, list[Asked]], n: int) -> list[str]:
    lines = []
    for year, asked in asked_by_year.items():
        false = [a for a in asked if a.answerable and a.reason]
        lines += [f"False refusals, {year} ({len(false)}; first {n}):", ""]
        lines += [f"- {a.reason}{' ' + repr(list(a.missing)) if a.missing else ''} [dense_top {a.dense_top:.2f}]: "
                  f"{a.question.question} -- passage: {_clip(a.question.passage)}" for a in false[:n]]
        wrong = [a for a in asked if a.answerable and not a.reason and not a.holds]
        lines += ["", f"Answered without the correct choice, {year} ({len(wrong)}; first {n}):", ""]
        lines += [f"- ({a.mode}) {a.question.question} [answer {a.question.correct!r}]" for a in wrong[:n]]
        kept = [a for a in asked if not a.answerable and not a.reason]
        lines += ["", f"Unanswerable but answered, {year} ({len(kept)}; first {n}):", ""]
        lines += [f"- ({a.mode}{', holds the choice' if a.holds else ''}) [dense_top {a.dense_top:.2f}] "
                  f"{a.question.question}" for a in kept[:n]]
        lines.append("")
    return lines


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def realtimeqa_section(path: Path | str | None, **options: object) -> str:
    """The RealTime QA report for ``bench/eval.py``, or one line saying why it was skipped."""
    try:
        root = data_root(path)
    except SystemExit as exc:
        return f"Skipped: {exc}"
    text = evaluate(root, Options(labelled=False, **options))  # type: ignore[arg-type]
    return re.sub(r"^(#{3,}) ", r"#\1 ", text, flags=re.M)  # under eval.py's "### RealTime QA"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realtimeqa", type=Path, default=os.environ.get("NEWSRAG_REALTIMEQA") or None,
                        help="RealTime QA checkout or unpacked archive of past/2022, past/2023 (and backnumber/2022) "
                             "(default: $NEWSRAG_REALTIMEQA)")
    parser.add_argument("--year", choices=YEARS, action="append",
                        help=f"evaluate this year's questions (repeatable; default both, {FIGURE_YEAR} is the figure)")
    parser.add_argument("--limit", type=int, default=0, help="evaluate only the first N counted questions per year")
    parser.add_argument("--max-distractors", type=int, default=-1,
                        help="cap the passages the large corpus adds beyond the evaluated ones (default: all)")
    parser.add_argument("--titles", choices=("none", "url"), default="none",
                        help="passage titles: none (the loader's first-sentence fallback) or words of the URL slug")
    parser.add_argument("--weights", default="0.5,0.6,0.7,0.8,0.85,0.9,0.95",
                        help=f"Tuning.dense_weight values to sweep on {TUNE_YEAR} ('' for none)")
    parser.add_argument("--misses", type=int, default=0, metavar="N",
                        help="list N false refusals (with their reason), wrong answers and retrieval misses per year")
    parser.add_argument("--refusal-sweep", action="store_true",
                        help=f"also sweep Tuning.refuse_below and the answerability weights on {TUNE_YEAR} (~6 min)")
    parser.add_argument("--no-labelled", action="store_true", help="skip our labelled set's figures")
    parser.add_argument("--no-as-of", action="store_true",
                        help="search the whole corpus for every question instead of as of its quiz's date")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the stores are kept (default bench/out/realtimeqa)")
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    args = parser.parse_args()
    root = data_root(args.realtimeqa)
    opts = Options(years=tuple(sorted(set(args.year or YEARS))), limit=args.limit,
                   max_distractors=args.max_distractors, titles=args.titles,
                   weights=tuple(bench_eval._floats(args.weights)), misses=args.misses, refusal_sweep=args.refusal_sweep,
                   labelled=not args.no_labelled, as_of=not args.no_as_of, cache=args.cache)
    start = time.perf_counter()
    body = evaluate(root, opts) + f"\n\nTotal {time.perf_counter() - start:.0f} s."
    print(body)
    if args.write:
        print(f"\nappended to {report.append_section('RealTime QA 2022-2023', body)}")


if __name__ == "__main__":
    main()
