"""spaCy's ``attribute_ruler``, evaluated as array comparisons over a batch of docs: the same
attributes for every token, a fraction of the CPU.

The English pipelines' ``attribute_ruler`` holds 179 patterns (en_core_web_sm 3.8.0): one per fine-grained tag
(``{"TAG": "NNS"}`` -> ``POS NOUN``, ``MORPH Number=Plur``), then exceptions for particular
words and contexts (``{"TAG": "DT", "LOWER": "this"}``, ``{"DEP": {"IN": ["aux", "auxpass"]}}``,
two-token patterns, a few regexes). Run through spaCy's ``Matcher`` they cost about as much as
the parser: even with the tag patterns moved into a dict over the tags (this module's first
version), the rest took 1.18 s of 4.97 s of the pipeline's CPU on 120 PolNeAR articles, and the
parse is what makes ingest slower than the rules alone (issue 20; bench/history/2026-12.md,
"the attribute ruler as arrays").

Every one of those patterns is a conjunction of equalities, ``IN`` / ``NOT_IN`` sets and regexes
over token attributes. ``use_array_ruler`` compiles them into one ``ArrayRuler`` that reads a
batch's attributes into one array (``Doc.to_array``), evaluates each pattern as a boolean mask
over it (all against the attributes as they were, as the Matcher matches before any are set),
applies the attributes in the ruler's order (a later pattern wins: the ruler sorts its matches by
pattern index) and writes the columns back (``Doc.from_array``). A pattern using anything else
(quantifiers, other operators) leaves spaCy's ruler in place. A test compares both pipelines
token by token; so were PolNeAR train and dev (822,720 tokens, no difference).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy

FACTORY = "newsrag_array_ruler"
# Attributes a pattern may test (token attributes and lexeme flags ``Doc.to_array`` reads).
_TESTED = ("ORTH", "LOWER", "TAG", "POS", "DEP", "LEMMA", "IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT")
_STRINGS = ("ORTH", "LOWER", "TAG", "DEP", "LEMMA")  # a REGEX reads these as strings
# Attributes a pattern may set, as ``set_token_attrs`` would.
_SET = ("POS", "MORPH", "LEMMA", "TAG", "DEP")


@dataclass(frozen=True)
class _Test:
    column: int  # in the batch array
    values: frozenset[int]
    negated: bool  # NOT_IN
    regex: re.Pattern[str] | None = None  # REGEX: matched against the string, not ``values``


@dataclass(frozen=True)
class _Rule:
    alternatives: tuple[tuple[tuple[_Test, ...], ...], ...]  # each: one tuple of tests per token
    index: int  # the token of the match that takes the attributes (negative: from the end)
    values: tuple[tuple[int, int], ...]  # (column in the set array, value)


class ArrayRuler:
    """The compiled patterns of one ``attribute_ruler``; ``compile`` says whether they all fit."""

    def __init__(self, rules: list[_Rule], tested: list[str], set_: list[str]) -> None:
        from spacy.attrs import IDS

        self.rules = rules
        self._searched: dict[tuple[str, int], bool] = {}  # (regex, string hash): a regex's answer
        self.tested_ids = [IDS[name] for name in tested]
        self.set_ids = [IDS[name] for name in set_]

    @classmethod
    def compile(cls, vocab: Any, patterns: list[dict[str, Any]]) -> ArrayRuler | None:
        """The ruler's patterns as array rules, in its order; None when one cannot be expressed."""
        from spacy.parts_of_speech import IDS as POS_IDS
        from spacy.strings import get_string_id

        tested: list[str] = []
        set_: list[str] = []

        def column(names: list[str], name: str) -> int:
            if name not in names:
                names.append(name)
            return names.index(name)

        def value_of(name: str, value: Any) -> int | None:
            if isinstance(value, bool):
                return int(value) if name.startswith("IS_") else None
            if not isinstance(value, str) or name.startswith("IS_"):
                return None
            if name == "POS":
                return POS_IDS.get(value)
            return get_string_id(value) if value else 0  # "" is spaCy's unset value

        rules = []
        for p in patterns:
            if set(p) - {"patterns", "attrs", "index"} or set(p["attrs"]) - set(_SET):
                return None
            alternatives = []
            for alternative in p["patterns"]:
                tokens = []
                for spec in alternative:
                    tests = []
                    for name, wanted in spec.items():
                        if name not in _TESTED:
                            return None
                        if isinstance(wanted, dict) and set(wanted) == {"REGEX"} and name in _STRINGS:
                            tests.append(_Test(column(tested, name), frozenset(), False, re.compile(wanted["REGEX"])))
                            continue
                        if isinstance(wanted, dict):
                            if len(wanted) != 1 or next(iter(wanted)) not in ("IN", "NOT_IN"):
                                return None
                            [(op, listed)] = wanted.items()
                            values = [value_of(name, v) for v in listed]
                            negated = op == "NOT_IN"
                        else:
                            values, negated = [value_of(name, wanted)], False
                        if any(v is None for v in values):
                            return None
                        tests.append(_Test(column(tested, name), frozenset(v for v in values if v is not None),
                                           negated))
                    tokens.append(tuple(tests))
                if not tokens:
                    return None
                alternatives.append(tuple(tokens))
            values = []
            for name, value in p["attrs"].items():
                if name == "POS":
                    if value not in POS_IDS:
                        return None
                    number = POS_IDS[value]
                elif name == "MORPH":
                    number = vocab.morphology.add(value if value != "_" else "")
                else:
                    number = vocab.strings.add(value)
                values.append((column(set_, name), number))
            rules.append(_Rule(tuple(alternatives), int(p.get("index", 0)), tuple(values)))
        return cls(rules, tested, set_)

    def __call__(self, doc: Any) -> Any:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Any], batch_size: int = 128) -> Iterator[Any]:
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size):
            self._apply(batch)
            yield from batch

    def _apply(self, docs: list[Any]) -> None:
        docs_with_tokens = [d for d in docs if len(d)]
        if not docs_with_tokens:
            return
        tested = numpy.concatenate([d.to_array(self.tested_ids) for d in docs_with_tokens]).astype(numpy.uint64)
        out = numpy.concatenate([d.to_array(self.set_ids) for d in docs_with_tokens]).astype(numpy.uint64)
        lengths = [len(d) for d in docs_with_tokens]
        n = len(tested)
        # A token's position in its doc, and its doc's length: a match never runs across two docs.
        position = numpy.concatenate([numpy.arange(k) for k in lengths])
        doc_length = numpy.repeat(lengths, lengths)
        masks: dict[tuple[_Test, ...], numpy.ndarray] = {}

        def token_mask(tests: tuple[_Test, ...]) -> numpy.ndarray:
            if tests not in masks:
                mask = numpy.ones(n, dtype=bool)
                for t in tests:
                    values = (self._matching(t.regex, tested[:, t.column], docs_with_tokens[0].vocab)
                              if t.regex is not None else numpy.fromiter(t.values, dtype=numpy.uint64))
                    hit = numpy.isin(tested[:, t.column], values)
                    mask &= ~hit if t.negated else hit
                masks[tests] = mask
            return masks[tests]

        # All masks read the attributes as they were before any rule applies, as the Matcher does.
        targets = []
        for rule in self.rules:
            chosen = numpy.zeros(n, dtype=bool)
            for tokens in rule.alternatives:
                width = len(tokens)
                start = token_mask(tokens[0]) & (position + width <= doc_length)
                for offset, tests in enumerate(tokens[1:], start=1):
                    start[: n - offset] &= token_mask(tests)[offset:]
                    start[n - offset :] = False
                index = rule.index if rule.index >= 0 else width + rule.index
                if not 0 <= index < width:
                    raise ValueError(f"attribute ruler pattern index {rule.index} outside its {width} tokens")
                chosen[numpy.flatnonzero(start) + index] = True
            targets.append(chosen)
        for rule, chosen in zip(self.rules, targets, strict=True):
            if chosen.any():
                for col, value in rule.values:
                    out[chosen, col] = value
        offset = 0
        for d, k in zip(docs_with_tokens, lengths, strict=True):
            d.from_array(self.set_ids, numpy.ascontiguousarray(out[offset : offset + k]))
            offset += k


    def _matching(self, regex: re.Pattern[str], column: numpy.ndarray, vocab: Any) -> numpy.ndarray:
        """The string hashes in ``column`` whose string ``regex`` finds (as the Matcher's REGEX)."""
        found = []
        for h in numpy.unique(column).tolist():
            key = (regex.pattern, h)
            if key not in self._searched:
                self._searched[key] = regex.search(vocab.strings[h] if h else "") is not None
            if self._searched[key]:
                found.append(h)
        return numpy.asarray(found, dtype=numpy.uint64)


def use_array_ruler(nlp: Any) -> bool:
    """Put an ``ArrayRuler`` in place of the pipeline's ``attribute_ruler``; whether it was done
    (not when a pattern uses what the array ruler does not read)."""
    from spacy.language import Language

    if "attribute_ruler" not in nlp.pipe_names or FACTORY in nlp.pipe_names:
        return False
    patterns = nlp.get_pipe("attribute_ruler").patterns
    if ArrayRuler.compile(nlp.vocab, patterns) is None:
        return False
    if not Language.has_factory(FACTORY):
        Language.factory(FACTORY, func=lambda nlp, name, patterns: ArrayRuler.compile(nlp.vocab, patterns),
                         default_config={"patterns": []})
    nlp.add_pipe(FACTORY, before="attribute_ruler", config={"patterns": patterns})
    nlp.remove_pipe("attribute_ruler")
    return True
