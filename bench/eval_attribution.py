"""Attribution on the labelled set: ``index.quotes()`` against ``bench/labels/quotes.jsonl``.

A stored quote matches an annotation when the annotation's ``text_contains`` is in the quote's
text and the speakers agree (either name containing the other); one-to-one, greedy. Scored per
rule (span + speaker, span only, speaker only) and per article.
"""

from __future__ import annotations

import re

from bench import report
from bench.datasets.labelled import LABELS, norm, read_jsonl

GOAL_ATTRIBUTION_F1 = 0.90


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


