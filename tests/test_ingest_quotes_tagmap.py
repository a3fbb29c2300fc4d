"""The array ruler (ingest/quotes/tagmap.py) gives every token the attributes spaCy's own
attribute ruler gives it: the parse is cheaper, never different."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import load_file
from ingest.quotes import parsed
from ingest.quotes.tagmap import FACTORY, use_array_ruler

ROOT = Path(__file__).resolve().parents[1]


def _spacy_as_shipped():
    spacy = pytest.importorskip("spacy")
    for name in parsed.PIPELINES:
        try:
            return spacy.load(name, exclude=["ner"])
        except OSError:
            continue
    pytest.skip("no spaCy English pipeline installed (make install)")


def _attributes(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc]


def test_the_parse_reads_every_token_of_the_demo_corpus_as_spacy_s_own_pipeline_does() -> None:
    files = sorted(f for f in (ROOT / "data").rglob("*") if f.is_file() and f.suffix != ".md")
    texts = [p for f in files for a in load_file(f, max_bytes=10_000_000) for p in a.paragraphs]
    texts += ["This isn't what he'd said: \"We'll see,\" the mayor told them, whether or not it rains.",
              "  Two  spaces and\ta tab; an e-mail; U.S. officials' 3.5% rise.", "",
              "Y'all ain't seen nothin' yet, he said. There's a reason; it is what it is. ", " \n "]
    assert len(texts) > 150
    shipped, ours = _spacy_as_shipped(), parsed.pipeline()
    assert FACTORY in ours.pipe_names and "attribute_ruler" not in ours.pipe_names  # really replaced

    for a, b in zip(shipped.pipe(texts), ours.pipe(texts), strict=True):
        assert _attributes(a) == _attributes(b)


def test_a_ruler_with_a_pattern_the_arrays_cannot_read_is_left_alone() -> None:
    nlp = _spacy_as_shipped()
    ruler = nlp.get_pipe("attribute_ruler")
    patterns = ruler.patterns
    ruler.add_patterns([{"patterns": [[{"LOWER": "very", "OP": "+"}]], "attrs": {"POS": "ADV"}}])

    assert use_array_ruler(nlp) is False
    assert FACTORY not in nlp.pipe_names and len(ruler.patterns) == len(patterns) + 1
