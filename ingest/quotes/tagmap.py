"""The part-of-speech and morphology that spaCy's ``attribute_ruler`` sets from each tag, set in bulk.

The English pipelines' ``attribute_ruler`` begins with one pattern per fine-grained tag (``{"TAG":
"NNS"}`` -> ``POS NOUN``, ``MORPH Number=Plur``), which match every token, followed by exceptions
for particular words ("this", "n't", ...). Run through spaCy's ``Matcher``, the tag patterns cost
as much as the tagger and the parser together: 1.17 s of 3.75 s of the pipeline's CPU on 60 real
articles (bench/history/2026-12.md, "what the parse costs ingest"), and the parse is what makes
ingest slower than the rules alone (issue 20).

``use_bulk_tag_map`` moves that leading block of tag patterns into a component that reads the
tags as one array and writes POS and MORPH as one array (``Doc.to_array`` / ``Doc.from_array``),
and leaves the exceptions to the ``attribute_ruler``, in their order, so every token ends with the
same attributes as before (a test compares both pipelines token by token). A pipeline whose ruler
does not start that way is left as it is.
"""

from __future__ import annotations

from typing import Any

import numpy

FACTORY = "newsrag_bulk_tag_map"


class BulkTagMap:
    """Tag -> (POS, MORPH) for a whole doc at once; a tag without an entry keeps what it has."""

    def __init__(self, vocab: Any, table: dict[str, dict[str, str]]) -> None:
        from spacy.parts_of_speech import IDS as POS_IDS

        self._pos: dict[int, int] = {}
        self._morph: dict[int, int] = {}
        for tag, attrs in table.items():
            key = vocab.strings.add(tag)
            if "POS" in attrs:
                self._pos[key] = POS_IDS[attrs["POS"]]
            if "MORPH" in attrs:
                # "_" is spaCy's empty analysis; Morphology.add turns either spelling into its hash.
                self._morph[key] = vocab.morphology.add(attrs["MORPH"] if attrs["MORPH"] != "_" else "")

    def __call__(self, doc: Any) -> Any:
        from spacy.attrs import MORPH, POS, TAG

        if not len(doc):
            return doc
        tags = doc.to_array([TAG, POS, MORPH])
        for row in tags:
            row[1] = self._pos.get(int(row[0]), row[1])
            row[2] = self._morph.get(int(row[0]), row[2])
        doc.from_array([POS, MORPH], numpy.ascontiguousarray(tags[:, 1:]))
        return doc


def _leading_tag_patterns(patterns: list[dict[str, Any]]) -> int:
    """How many patterns open the ruler's list that match on one token's TAG alone and set only POS
    and MORPH; 0 when a pattern of that kind also comes later (then moving them would reorder)."""

    def tag_only(p: dict[str, Any]) -> bool:
        [*alternatives] = p["patterns"]
        return (len(alternatives) == 1 and len(alternatives[0]) == 1 and set(alternatives[0][0]) == {"TAG"}
                and isinstance(alternatives[0][0]["TAG"], str) and set(p["attrs"]) <= {"POS", "MORPH"}
                and p.get("index", 0) == 0)

    n = 0
    while n < len(patterns) and tag_only(patterns[n]):
        n += 1
    return 0 if any(tag_only(p) for p in patterns[n:]) else n


def use_bulk_tag_map(nlp: Any) -> bool:
    """Put the ruler's leading tag patterns in a ``BulkTagMap`` before it; whether it was done."""
    from spacy.language import Language

    if "attribute_ruler" not in nlp.pipe_names or FACTORY in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe("attribute_ruler")
    patterns = ruler.patterns
    n = _leading_tag_patterns(patterns)
    if n == 0:
        return False
    table = {p["patterns"][0][0]["TAG"]: p["attrs"] for p in patterns[:n]}  # a later duplicate wins, as in the ruler
    if not Language.has_factory(FACTORY):
        Language.factory(FACTORY, func=lambda nlp, name, table: BulkTagMap(nlp.vocab, table),
                         default_config={"table": {}})
    nlp.add_pipe(FACTORY, before="attribute_ruler", config={"table": table})
    ruler.clear()
    ruler.add_patterns(patterns[n:])
    return True
