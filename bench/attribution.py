"""Who said what on PolNeAR, scored as acceptance scores it (issue 20), with misses by cue class.

    .venv/bin/python bench/attribution.py --polnear /tmp/polnear --split dev
    .venv/bin/python bench/attribution.py --polnear /tmp/polnear --split dev --rules-only --write

The scorer: a quote we store is right when its text matches some gold content of its article
(PolNeAR's first annotator, body paragraphs only, as ``bench/polnear.py`` reads them): token F1
>= 0.5, or >= 80% of its tokens inside that content. A gold attribution is found when some quote
of ours matches it that way. Direct quotes are gold contents wholly inside quote marks, against
our quotes of kind ``direct``; "all" is every kind on both sides. Speaker accuracy is over
matched pairs (each gold paired with the matching quote of highest token F1;
``bench.polnear.speaker_right``); gold pronoun sources ("he said") are reported apart and
credited when our speaker shares a name word with the nearest preceding named mention (spaCy's
entities: a person for he/she/I, also organisations and groups for it/they/we), as PolNeAR's
brat files carry no coreference.

Misses are counted by the class of the gold cue, so the next round knows where recall is lost:
speech verb, other communication, cognition, evidential, according to, punctuation, nominal, and
any other predicate (PolNeAR also annotates stances: "X backed Clinton", "X laid out her plans").
Only ``train`` and ``dev`` are read (``bench.polnear.split_dir`` refuses ``test``).
"""

from __future__ import annotations

import sys
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import functools  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from dataclasses import dataclass, field, replace  # noqa: E402

from bench import report  # noqa: E402
from bench.attribution_cost import ingest_cost  # noqa: E402
from bench.datasets.polnear import (  # noqa: E402
    MAX_ARTICLE_BYTES,
    NOT_GIVEN,
    GoldAttribution,
    first_annotator_files,
    make_lemmatizer,
    read_article,
    split_dir,
)
from bench.polnear_match import _name_words, _paragraphs_touched, locate_paragraphs, speaker_right  # noqa: E402
from ingest.loaders import load_file  # noqa: E402
from ingest.pipeline import article_paragraphs  # noqa: E402
from ingest.quotes.lexicon import word_set  # noqa: E402
from rag.schema import Quote, QuoteKind  # noqa: E402
from rag.text import fold  # noqa: E402

F1_MATCH = 0.5
INSIDE_MATCH = 0.8
_TOKEN = re.compile(r"\w+(?:'\w+)*")
_PRONOUNS = word_set("he she they it we i you him her them his its their")

CUE_CLASSES = ("speech verb", "other communication", "cognition", "evidential", "according to",
               "punctuation", "nominal", "other predicate", "none")
_SPEECH = word_set("say tell add ask answer reply respond note quote")
_COMMUNICATION = word_set("argue claim call announce explain warn write report insist suggest acknowledge admit deny state "
    "describe declare urge accuse praise criticize criticise predict testify tweet post joke complain "
    "concede contend confirm assert charge emphasize stress promise pledge vow repeat recall question "
    "point mention remark observe cite blast slam attack dismiss defend boast brag caution advise "
    "recommend propose demand threaten reveal disclose allege insist maintain counter rebut tout "
    "lament concede predict agree disagree hint signal vow label dub brand thank apologize")
_COGNITION = word_set("think believe know feel expect hope fear worry want plan intend doubt wonder consider see view "
    "regard understand realize recognize assume suspect guess decide prefer support oppose favor like "
    "love hate trust agree remember forget learn imagine seem appear")
_EVIDENTIAL = word_set("show find indicate suggest reveal demonstrate prove confirm estimate put give")
_NOMINAL = word_set("statement letter report interview memo email e-mail tweet speech remarks comment comments release "
    "filing testimony post message op-ed column editorial book poll survey study analysis document "
    "documents transcript video ad advertisement claim claims view views argument warning promise "
    "pledge announcement accusation criticism assessment belief opinion position message words")


def tokens(text: str) -> Counter[str]:
    """Folded word tokens with counts (curly apostrophes straight), the scorer's unit."""
    return Counter(_TOKEN.findall(fold(text.replace("’", "'"))))


def f1(predicted: Counter[str], gold: Counter[str]) -> float:
    common = sum((predicted & gold).values())
    if not common:
        return 0.0
    p, r = common / sum(predicted.values()), common / sum(gold.values())
    return 2 * p * r / (p + r)


def matches(predicted: Counter[str], gold: Counter[str]) -> bool:
    """The acceptance test: token F1 >= 0.5, or >= 80% of the prediction's tokens inside the gold."""
    if not predicted or not gold:
        return False
    common = sum((predicted & gold).values())
    if not common:
        return False
    p, r = common / sum(predicted.values()), common / sum(gold.values())
    return 2 * p * r / (p + r) >= F1_MATCH or p >= INSIDE_MATCH


def cue_class(gold: GoldAttribution, lemma: Callable[[str], str]) -> str:
    """Which of ``CUE_CLASSES`` the gold cue is (first word's lemma; "according to" and marks apart)."""
    cue = gold.cue.strip()
    words = [w.lower() for w in _TOKEN.findall(cue)]
    if not words:
        return "punctuation" if cue else "none"
    if words[:2] == ["according", "to"]:
        return "according to"
    heads = [lemma(w) for w in words]
    if any(h in _SPEECH for h in heads):
        return "speech verb"
    if any(w in _NOMINAL or h in _NOMINAL for w, h in zip(words, heads, strict=True)) and not any(
        h in _COMMUNICATION or h in _COGNITION for h in heads
    ):
        return "nominal"
    if any(h in _COMMUNICATION for h in heads):
        return "other communication"
    if any(h in _EVIDENTIAL for h in heads):
        return "evidential"
    if any(h in _COGNITION for h in heads):
        return "cognition"
    return "other communication" if words[0] in ("as", "in") else "other predicate"


@dataclass
class Tally:
    """Counts for one split under the acceptance scorer."""

    articles: int = 0
    gold: Counter[str] = field(default_factory=Counter)  # "all", "direct"
    found: Counter[str] = field(default_factory=Counter)  # gold found
    ours: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)  # ours that match some gold
    by_class: Counter[str] = field(default_factory=Counter)
    missed_by_class: Counter[str] = field(default_factory=Counter)
    speaker: Counter[str] = field(default_factory=Counter)  # named/pronoun x right/total
    extraction_s: float = 0.0
    misses: list[tuple[str, GoldAttribution, str]] = field(default_factory=list)  # class, gold, sentence
    wrong: list[tuple[Quote, str]] = field(default_factory=list)
    wrong_speaker: list[tuple[GoldAttribution, Quote]] = field(default_factory=list)

    def precision(self, kind: str) -> float:
        return self.right[kind] / self.ours[kind] if self.ours[kind] else 0.0

    def recall(self, kind: str) -> float:
        return self.found[kind] / self.gold[kind] if self.gold[kind] else 0.0


Extractor = Callable[[Path], tuple[list[str], list[Quote]]]


def ingest_extractor(text_path: Path, parse: bool = True) -> tuple[list[str], list[Quote]]:
    """What ingest stores for a PolNeAR .txt: its body paragraphs and their quotes (``parse=False``:
    what the rules alone store, ``Settings.attribution == "rules"``)."""
    loaded = load_file(text_path, max_bytes=MAX_ARTICLE_BYTES)[0]
    paragraphs = article_paragraphs(loaded, parse=parse)
    return [p.text for p in paragraphs], [q for p in paragraphs for q in p.quotes]


def articles(split_path: Path) -> Iterator[tuple[Path, Path, int]]:
    annotated = first_annotator_files(split_path / "attributions")
    for text_path in sorted((split_path / "text").glob("*.txt")):
        if text_path.stem in annotated:
            yield text_path, *annotated[text_path.stem]


def body_gold(gold: Sequence[GoldAttribution], text: str, paragraphs: Sequence[str]) -> list[GoldAttribution]:
    located = locate_paragraphs(text, paragraphs)
    kept = []
    for g in gold:
        touched = _paragraphs_touched(g.content_spans, located) if g.content_spans else ()
        if touched:
            kept.append(replace(g, paragraphs=touched))
    return kept


def same_source(gold_source: str, source: str) -> bool:
    """Whether a candidate's subject is the gold source: no gold source, both pronouns, or a shared
    name word ("Sen. Ted Cruz" and "Cruz")."""
    if not gold_source.strip():
        return True
    g, o = fold(gold_source.strip()), fold(source.strip())
    if g in _PRONOUNS or o in _PRONOUNS:
        return g in _PRONOUNS and o in _PRONOUNS
    return bool(_name_words(gold_source) & _name_words(source)) or g == o


@functools.cache
def _ner() -> object:
    import spacy

    from ingest.quotes.parsed import PIPELINES

    for name in PIPELINES:
        try:
            return spacy.load(name, disable=["parser", "lemmatizer"])
        except OSError:
            continue
    raise SystemExit("no spaCy English pipeline installed (make install)")


def nearest_mention(text: str, before: int, pronoun: str) -> str:
    """The named mention nearest before ``before`` that a pronoun can point to: a person for
    he/she/I, a person, organisation or group for the others (spaCy's named entities)."""
    kinds = {"PERSON"} if pronoun in ("he", "she", "him", "her", "his", "i") else {"PERSON", "ORG", "NORP", "GPE"}
    found = [e.text for e in _ner()(text[:before]).ents if e.label_ in kinds]
    return found[-1] if found else ""


def score_split(split_path: Path, extractor: Extractor, lemma: Callable[[str], str]) -> Tally:
    tally = Tally()
    for text_path, ann_path, annotators in articles(split_path):
        article = read_article(text_path, ann_path, annotators)
        start = time.perf_counter()
        paragraphs, quotes = extractor(text_path)
        tally.extraction_s += time.perf_counter() - start
        tally.articles += 1
        gold = body_gold(article.gold, article.text, paragraphs)
        gold_tokens = [tokens(g.content) for g in gold]
        quote_tokens = [tokens(q.text) for q in quotes]
        for q, qt in zip(quotes, quote_tokens, strict=True):
            kinds = ("all", "direct") if q.kind is QuoteKind.DIRECT else ("all",)
            hit = [gi for gi, gt in enumerate(gold_tokens) if matches(qt, gt)]
            for kind in kinds:
                tally.ours[kind] += 1
                tally.right[kind] += bool(hit)
            if not hit:
                tally.wrong.append((q, paragraphs[q.paragraphs[0] - 1]))
        for g, gt in zip(gold, gold_tokens, strict=True):
            kinds = ("all", "direct") if g.kind is QuoteKind.DIRECT else ("all",)
            hits = sorted((q for q, qt in zip(quotes, quote_tokens, strict=True) if matches(qt, gt)),
                          key=lambda q: -f1(tokens(q.text), gt))  # the pair: the closest quote
            klass = cue_class(g, lemma)
            tally.by_class[klass] += 1
            for kind in kinds:
                tally.gold[kind] += 1
                tally.found[kind] += bool(hits)
            if not hits:
                tally.missed_by_class[klass] += 1
                at = g.cue_spans[0][0] if g.cue_spans else g.content_spans[0][0]
                tally.misses.append((klass, g, article.text[max(0, at - 150): at + 150].replace("\n", " ")))
                continue
            right = speaker_right(g, hits[0], article.text)
            if right is None:
                continue
            # "the mayor said" read as "the mayor" (and resolved to Bill de Blasio): the gold's own words
            right = right or fold(g.source.strip()) == fold(hits[0].speaker_as_written.strip())
            pronoun = fold(g.source.strip()) in _PRONOUNS
            if pronoun:
                at = min(g.content_spans[0][0], *(a for a, _ in g.cue_spans)) if g.cue_spans else g.content_spans[0][0]
                nearest = nearest_mention(article.text, at, fold(g.source.strip()))
                right = bool(_name_words(nearest) & _name_words(hits[0].speaker))
            group = "pronoun" if pronoun else "named"
            if not right:
                tally.wrong_speaker.append((g, hits[0]))
            tally.speaker[group + " total"] += 1
            tally.speaker[group + " right"] += bool(right)
    return tally


def goal_figures(tally: Tally, label: str) -> dict[str, report.Figure]:
    """Issue 20's goals as this run measured them (PolNeAR dev only: train is what rules are drawn from)."""
    direct_r, direct_p = tally.recall("direct"), tally.precision("direct")
    all_r, all_p = tally.recall("all"), tally.precision("all")
    named = tally.speaker["named right"] / max(tally.speaker["named total"], 1)
    pronoun = tally.speaker["pronoun right"] / max(tally.speaker["pronoun total"], 1)
    return {
        "attribution-direct-recall": report.Figure(
            direct_r, f"recall {100 * direct_r:.1f}%, precision {100 * direct_p:.1f}% ({label})",
            direct_r >= 0.90 and direct_p >= 0.95),
        "attribution-all-recall": report.Figure(
            all_r, f"recall {100 * all_r:.1f}% at precision {100 * all_p:.1f}% ({label})", all_r >= 0.70 and all_p >= 0.90),
        "attribution-speaker-accuracy": report.Figure(
            named, f"named gold sources: {100 * named:.1f}%; pronoun gold sources credited to the nearest preceding "
            f"named mention: {100 * pronoun:.1f}% of {tally.speaker['pronoun total']}", None,
            "met (named); pronoun: reported" if named >= 0.92 else "not met (named); pronoun: reported"),
    }


def render(tally: Tally, split: str, label: str) -> str:
    def pct(x: float) -> str:
        return f"{100 * x:.1f}"

    rows = [[kind, tally.gold[kind], tally.found[kind], pct(tally.recall(kind)), tally.ours[kind],
             tally.right[kind], pct(tally.precision(kind))] for kind in ("direct", "all")]
    classes = [[c, tally.by_class[c], tally.missed_by_class[c],
                pct(1 - tally.missed_by_class[c] / tally.by_class[c]) if tally.by_class[c] else "-",
                pct(tally.missed_by_class[c] / max(sum(tally.missed_by_class.values()), 1))]
               for c in CUE_CLASSES if tally.by_class[c]]
    named = tally.speaker["named right"] / max(tally.speaker["named total"], 1)
    pronoun = tally.speaker["pronoun right"] / max(tally.speaker["pronoun total"], 1)
    both = (tally.speaker["named right"] + tally.speaker["pronoun right"]) / max(
        tally.speaker["named total"] + tally.speaker["pronoun total"], 1)
    return "\n".join([
        f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}; load average {os.getloadavg()[0]:.2f}. PolNeAR {split}, {tally.articles} "
        f"articles, extractor: {label}; extraction {tally.extraction_s:.1f} s (paragraph repair included).",
        "",
        report.table(["gold kind", "gold", "found", "R %", "ours", "right", "P %"], rows),
        "",
        f"Speaker accuracy on matched pairs: {pct(both)}% (named sources {pct(named)}% of "
        f"{tally.speaker['named total']}; pronoun sources, credited to the nearest preceding name, "
        f"{pct(pronoun)}% of {tally.speaker['pronoun total']}).",
        "",
        "Misses by cue class:",
        "",
        report.table(["cue class", "gold", "missed", "R %", "share of misses %"], classes),
        "",
    ])


def main() -> None:
    from bench.polnear import _vocabulary

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", type=Path, default=os.environ.get("NEWSRAG_POLNEAR"))
    parser.add_argument("--split", choices=("train", "dev"), default="dev")
    parser.add_argument("--misses", type=int, default=0, help="print N missed gold per cue class")
    parser.add_argument("--wrong", type=int, default=0, help="print N of our quotes that match no gold")
    parser.add_argument("--wrong-speakers", type=int, default=0, help="print N matched pairs with the wrong speaker")
    parser.add_argument("--ingest-cost", type=int, default=0, metavar="N",
                        help="time `newsrag ingest` of N articles of the split, rules alone vs rules + parse")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threshold", type=float, nargs="*", default=None,
                        help="score the parse at these cue-model thresholds instead of the shipped one")
    parser.add_argument("--rules-only", action="store_true", help="the extractor without the parse")
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    args = parser.parse_args()
    if args.polnear is None:
        raise SystemExit(NOT_GIVEN)
    from ingest.quotes import extractor_label, parsed

    extractor = functools.partial(ingest_extractor, parse=not args.rules_only)

    path = split_dir(args.polnear, args.split)
    lemma = make_lemmatizer(_vocabulary(path))
    if args.ingest_cost:
        section = ingest_cost(path, args.ingest_cost, args.repeats)
        print(section)
        if args.write:
            ratio = float(re.search(r"\*\*([\d.]+)x\*\*", section).group(1))  # the section's own figure
            figures = {"ingest-parse-cost": report.Figure(ratio, section.strip(), ratio <= 1.25)}
            report.append_section("attribution: what the parse costs ingest", section, figures)
        return
    shipped = parsed.model()
    for threshold in args.threshold or ():
        parsed.model = lambda t=threshold, m=shipped: dataclasses.replace(m, threshold=t)  # type: ignore[assignment]
        t = score_split(path, extractor, lemma)
        print(f"threshold {threshold:.2f}: all R {t.recall('all'):.3f} P {t.precision('all'):.3f}; direct R "
              f"{t.recall('direct'):.3f} P {t.precision('direct'):.3f}; named speakers "
              f"{t.speaker['named right'] / max(t.speaker['named total'], 1):.3f}", flush=True)
    if args.threshold:
        return
    tally = score_split(path, extractor, lemma)
    section = render(tally, args.split, extractor_label(not args.rules_only))
    print(section)
    for klass in CUE_CLASSES:
        shown = [m for m in tally.misses if m[0] == klass][: args.misses]
        for _, g, sentence in shown:
            print(f"MISS [{klass}] cue={g.cue!r} source={g.source!r}\n    {sentence}")
    for q, paragraph in tally.wrong[: args.wrong]:
        print(f"WRONG {q.kind.value} {q.speaker!r} {q.cue!r}: {q.text[:160]!r}\n    {paragraph[:300]}")
    for g, q in tally.wrong_speaker[: args.wrong_speakers]:
        print(f"SPEAKER gold {g.source!r} ({g.cue!r}) ours {q.speaker!r} as {q.speaker_as_written!r} ({q.cue!r}): "
              f"{q.text[:100]!r}")
    if args.write:
        figures = goal_figures(tally, extractor_label(not args.rules_only)) if args.split == "dev" else {}
        if args.rules_only:
            figures = {}  # a variant, not the shipped extractor: written down, but not the goal's figure
        report.append_section(f"attribution: PolNeAR {args.split} with the acceptance scorer", section, figures)


if __name__ == "__main__":
    main()
