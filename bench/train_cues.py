"""Train the cue model of ``ingest.quotes.parsed`` on PolNeAR train; choose its threshold on dev.

    .venv/bin/python bench/train_cues.py --polnear /tmp/polnear            # prints the dev figures
    .venv/bin/python bench/train_cues.py --polnear /tmp/polnear --write    # + ingest/quotes/cue_model.json

Every candidate the parse offers in a body paragraph (``parsed.candidates``) that no rule quote
overlaps is an example; it is positive when its content matches a gold content of its article
under the acceptance scorer (``bench.attribution.matches``) and its source is that gold's
(``bench.attribution.same_source``): a right content under the wrong speaker misinforms. A logistic regression
(scikit-learn, L2) over the candidates' features is fitted on train; on dev, with the rules'
quotes added, the threshold is the lowest that keeps all-attribution precision at or above
``--precision``. The file written holds the weights of the features (lemmas of cue verbs and
nouns, parse labels), the threshold and a model card: data, date, dev figures, licence status.
It holds no article text. PolNeAR's test split is never read (``bench.polnear.split_dir``).
"""

from __future__ import annotations

import sys
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import datetime  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pickle  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from bench.attribution import articles, body_gold, ingest_extractor, matches, same_source, tokens  # noqa: E402
from bench.datasets.polnear import NOT_GIVEN, make_lemmatizer, read_article, split_dir  # noqa: E402
from ingest.quotes import parsed  # noqa: E402
from rag.schema import QuoteKind  # noqa: E402


@dataclass
class Example:
    features: tuple[str, ...]
    label: bool  # its content matches a gold content whose source is its subject: what it learns
    article: str
    gold_hits: tuple[int, ...]  # indexes of the body gold whose content it matches: what is scored
    direct: bool


@dataclass
class ArticleData:
    name: str
    gold_direct: list[bool]
    rule_hits: list[tuple[tuple[int, ...], bool]]  # per rule quote: gold it matches, is direct
    examples: list[Example]


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in spans)


def collect(split_path: Path) -> list[ArticleData]:
    out = []
    for text_path, ann_path, annotators in articles(split_path):
        article = read_article(text_path, ann_path, annotators)
        paragraphs, quotes = ingest_extractor(text_path, parse=False)  # the examples: what the parse adds
        gold = body_gold(article.gold, article.text, paragraphs)
        gold_tokens = [tokens(g.content) for g in gold]
        rule_hits = [(tuple(i for i, gt in enumerate(gold_tokens) if matches(tokens(q.text), gt)),
                      q.kind is QuoteKind.DIRECT) for q in quotes]
        taken: dict[int, list[tuple[int, int]]] = {}
        for q in quotes:
            if q.span is not None:
                taken.setdefault(q.paragraphs[0] - 1, []).append(q.span)
        examples = []
        for index, doc in enumerate(parsed.parse(paragraphs)):
            for c in parsed.candidates(doc):
                if _overlaps(c.content, taken.get(index, [])):
                    continue
                text = paragraphs[index][c.content[0]:c.content[1]]
                source = paragraphs[index][c.source[0]:c.source[1]] if c.source else ""
                hits = tuple(i for i, gt in enumerate(gold_tokens) if matches(tokens(text), gt))
                label = any(same_source(gold[i].source, source) for i in hits)
                direct = text.strip()[:1] in "\"“" and text.strip()[-1:] in "\"”"
                examples.append(Example(c.features, label, article.name, hits, direct))
        out.append(ArticleData(article.name, [g.kind is QuoteKind.DIRECT for g in gold], rule_hits, examples))
    return out


def cached(split_path: Path, split: str) -> list[ArticleData]:
    scorers = ("bench.attribution", "bench.polnear_match", "bench.datasets.polnear")  # what labels the examples
    code = "".join(Path(m.__file__).read_text()
                   for m in (parsed, sys.modules[__name__], *(sys.modules[n] for n in scorers if n in sys.modules)))
    key = hashlib.sha1((code + str(split_path.resolve())).encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"newsrag-cues-{split}-{key}.pickle"
    if path.exists():
        return pickle.loads(path.read_bytes())
    data = collect(split_path)
    path.write_bytes(pickle.dumps(data))
    return data


def evaluate(data: list[ArticleData], probability, threshold: float) -> dict[str, float]:
    """Acceptance figures of the rules plus the candidates kept at ``threshold``."""
    gold = found = gold_d = found_d = ours = right = ours_d = right_d = 0
    for a in data:
        hit: set[int] = set()
        for hits, direct in a.rule_hits:
            ours += 1
            right += bool(hits)
            ours_d += direct
            right_d += direct and bool(hits)
            hit.update(hits)
        for e in a.examples:
            if probability(e) < threshold:
                continue
            ours += 1
            right += bool(e.gold_hits)
            ours_d += e.direct
            right_d += e.direct and bool(e.gold_hits)
            hit.update(e.gold_hits)
        gold += len(a.gold_direct)
        found += len(hit)
        gold_d += sum(a.gold_direct)
        found_d += sum(1 for i in hit if a.gold_direct[i])
    return {"recall": found / gold, "precision": right / ours, "direct_recall": found_d / gold_d,
            "direct_precision": right_d / ours_d if ours_d else 0.0, "ours": ours}


def main() -> None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", type=Path, default=os.environ.get("NEWSRAG_POLNEAR"))
    parser.add_argument("--precision", type=float, default=0.90, help="all-attribution precision to keep on dev")
    parser.add_argument("--c", type=float, default=0.2, help="inverse L2 strength")
    parser.add_argument("--min-weight", type=float, default=0.02,
                        help="weights smaller than this are left out of the file (they move no decision)")
    parser.add_argument("--threshold", type=float, default=None,
                        help="ship this threshold (chosen with bench/attribution.py --threshold on dev) "
                             "instead of the one the candidates alone suggest")
    parser.add_argument("--label", choices=("source", "content"), default="source",
                        help="positive when content and source match a gold (default), or the content alone")
    parser.add_argument("--write", action="store_true", help="write ingest/quotes/cue_model.json")
    args = parser.parse_args()
    if args.polnear is None:
        raise SystemExit(NOT_GIVEN)
    train = cached(split_dir(args.polnear, "train"), "train")
    dev = cached(split_dir(args.polnear, "dev"), "dev")
    examples = [e for a in train for e in a.examples]
    print(f"train: {len(train)} articles, {len(examples)} candidates, {sum(e.label for e in examples)} positive")
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([dict.fromkeys(e.features, 1) for e in examples])
    classifier = LogisticRegression(C=args.c, max_iter=2000)
    classifier.fit(x, [e.label if args.label == "source" else bool(e.gold_hits) for e in examples])
    weights = {name: float(w) for name, w in zip(vectorizer.get_feature_names_out(), classifier.coef_[0], strict=True)
               if abs(w) >= args.min_weight}
    model = parsed.CueModel(float(classifier.intercept_[0]), weights, 0.5, {})

    def probability(e: Example) -> float:
        return model.probability(e.features)

    rules = evaluate(dev, probability, 2.0)
    print(f"dev, rules alone: R {rules['recall']:.3f} P {rules['precision']:.3f}; direct R "
          f"{rules['direct_recall']:.3f} P {rules['direct_precision']:.3f}")
    chosen, best = None, None
    for t in [i / 100 for i in range(5, 96)]:
        figures = evaluate(dev, probability, t)
        if figures["precision"] >= args.precision and (best is None or figures["recall"] > best["recall"]):
            chosen, best = t, figures
    for t in (0.3, 0.4, 0.5, 0.6, 0.7):
        f = evaluate(dev, probability, t)
        print(f"  threshold {t:.2f}: R {f['recall']:.3f} P {f['precision']:.3f}; direct R {f['direct_recall']:.3f} "
              f"P {f['direct_precision']:.3f}")
    if chosen is None or best is None:
        raise SystemExit(f"no threshold keeps precision >= {args.precision} on dev")
    print(f"chosen threshold {chosen:.2f}: R {best['recall']:.3f} P {best['precision']:.3f}; direct R "
          f"{best['direct_recall']:.3f} P {best['direct_precision']:.3f}")
    top = sorted(weights.items(), key=lambda kv: -abs(kv[1]))[:25]
    print("heaviest features:", ", ".join(f"{k} {v:+.2f}" for k, v in top))
    if args.write:
        card = {
            "what": "which attribution candidates of a dependency parse (spaCy en_core_web_sm 3.8.0) are "
                    "attributions; logistic regression over parse features, see ingest/quotes/parsed.py",
            "trained_on": f"PolNeAR train (github.com/networkdynamics/PolNeAR), {len(train)} articles, first "
                          f"annotator; {len(examples)} candidates, {sum(e.label for e in examples)} positive",
            "threshold_chosen_on": f"PolNeAR dev ({len(dev)} articles): the lowest keeping all-attribution "
                                   f"precision >= {args.precision} with the rules' quotes"
                                   + (" in the pipeline (bench/attribution.py --threshold ...)" if args.threshold else ""),
            "dev_figures_candidates": {k: round(v, 4) for k, v in best.items()},
            "dev_rules_alone": {k: round(v, 4) for k, v in rules.items()},
            "date": datetime.date.today().isoformat(),
            "parser": parsed.pipeline_name(),
            "licence": "PolNeAR states no licence. These weights are numbers attached to parse labels and "
                       "to the lemmas of cue words (a vocabulary); they hold no article text. Set "
                       "NEWSRAG_ATTRIBUTION=rules to run the rules alone, without this file.",
            "reproduce": "python bench/train_cues.py --polnear DIR --write"
                         + (f" --threshold {args.threshold}" if args.threshold else ""),
        }
        payload = {"bias": model.bias, "threshold": args.threshold or chosen, "weights": dict(sorted(weights.items())), "card": card}
        parsed.MODEL_FILE.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        # The figures of the pipeline itself (speakers resolved, overlaps with the rules removed).
        from bench.attribution import score_split
        from bench.polnear import _vocabulary

        parsed.model.cache_clear()
        dev_path = split_dir(args.polnear, "dev")
        tally = score_split(dev_path, ingest_extractor, make_lemmatizer(_vocabulary(dev_path)))
        card["dev_figures_pipeline"] = {
            "all_recall": round(tally.recall("all"), 4), "all_precision": round(tally.precision("all"), 4),
            "direct_recall": round(tally.recall("direct"), 4), "direct_precision": round(tally.precision("direct"), 4),
            "named_speaker_accuracy": round(tally.speaker["named right"] / max(tally.speaker["named total"], 1), 4),
        }
        parsed.MODEL_FILE.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {parsed.MODEL_FILE} ({len(weights)} weights); pipeline on dev: {card['dev_figures_pipeline']}")
    counts = Counter(f for e in examples for f in e.features if f.startswith("pattern="))
    print("candidates by pattern:", dict(counts))


if __name__ == "__main__":
    main()
