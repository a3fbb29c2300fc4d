"""The who-said-what set built from PolNeAR (bench/whosaid.py): a question per named source about
words of its own annotated content, and one about another article's topic it never spoke of.

The tests build a tiny split of our own in brat standoff, so they need no PolNeAR data."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_helpers import load_harness

whosaid = load_harness("whosaid")

ARTICLES = {
    "nyt_2016-10-01_bridge": ("Bridge Reopens\n\nMayor Lena Okafor said the damaged bridge would reopen after the "
                              "inspection of its cables.\n", "Mayor Lena Okafor",
                              "the damaged bridge would reopen after the inspection of its cables"),
    "nyt_2016-10-02_harvest": ("Harvest Falls\n\nTomas Reyes said the drought had ruined the barley "
                               "harvest across the valley.\n", "Tomas Reyes",
                               "the drought had ruined the barley harvest across the valley"),
}


def _write_split(root: Path) -> Path:
    split = root / "data" / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    for stem, (text, source, content) in ARTICLES.items():
        (split / "text" / f"{stem}.txt").write_text(text, encoding="utf-8")
        s, c = text.index(source), text.index(content)
        cue = text.index("said")
        lines = [f"T1\tSource {s} {s + len(source)}\t{source}", f"T2\tCue {cue} {cue + 4}\tsaid",
                 f"T3\tContent {c} {c + len(content)}\t{content}", f"T4\tAttribution {cue} {cue + 4}\tsaid",
                 "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1"]
        (split / "attributions" / f"{stem}_0aaa.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return split


def test_a_source_is_asked_about_its_own_words_and_about_another_article_s(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    from ingest.quotes import parsed

    if not parsed.available():
        pytest.skip("no spaCy English pipeline installed (make install)")
    questions = whosaid.build(_write_split(tmp_path), per_article=3)

    asked = {(q.speaker, q.answerable): q for q in questions}
    okafor = asked[("Lena Okafor", True)]
    assert okafor.topic in ARTICLES["nyt_2016-10-01_bridge"][2] and okafor.gold.startswith("the damaged bridge")
    assert okafor.question == f"What did Lena Okafor say about {okafor.topic}?"
    assert asked[("Lena Okafor", False)].topic == asked[("Tomas Reyes", True)].topic  # the other article's
    assert len(questions) == 4


def test_only_a_named_person_or_body_is_a_speaker_to_ask_about() -> None:
    assert whosaid._name_of("Democratic nominee Hillary Clinton") == "Hillary Clinton"
    assert whosaid._name_of("Mr. Donald Trump’s") == "Donald Trump"
    assert whosaid._name_of("Mayor Lena Okafor") == "Lena Okafor"
    assert whosaid._name_of("One Tweet") == ""
    assert whosaid._name_of("he") == ""
    assert whosaid._name_of("a spokesman for Senator Ted Cruz and Governor Greg Abbott of Texas") == ""
