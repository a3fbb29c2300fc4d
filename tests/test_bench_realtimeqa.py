"""The RealTime QA harness (bench/realtimeqa.py): date selection, HTML cleaning, the answer filter; a real slice.

Everything but the last test builds its own records or a tiny fake repository, so it needs no
RealTime QA data. The last one runs the harness on 40 questions of 2022 when
``NEWSRAG_REALTIMEQA`` points at a checkout of github.com/realtimeqa/realtimeqa_public.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from bench_helpers import load_harness

from bench.datasets import realtimeqa as rtqa_data

rtqa = load_harness("realtimeqa")  # the report: Options, evaluate, realtimeqa_section


def _record(qid: str, date: str, evidence: str = "", choices=("Italy", "Greece"), answer=("0",)) -> dict:
    return {"question_id": qid, "question_date": date, "question_source": "CNN", "question_url": "https://x/quiz",
            "question_sentence": "Which country's prime minister quit this week?", "choices": list(choices),
            "answer": list(answer), "evidence": evidence}


# --- selection by date ---------------------------------------------------------------------------


def test_select_by_date_keeps_only_the_years_asked_for():
    records = [_record("a", "2021/12/31"), _record("b", "2022/01/07"), _record("c", "2023/12/29"),
               _record("d", "2024/01/05"), _record("e", "2025/03/01"), _record("f", ""), _record("b", "2022/01/07")]
    assert [r["question_id"] for r in rtqa_data.select_by_date(records, ["2022", "2023"])] == ["b", "c"]
    assert [r["question_id"] for r in rtqa_data.select_by_date(records, ["2023"])] == ["c"]


def test_later_years_are_never_selected_even_when_asked_for():
    records = [_record("d", "2024/01/05"), _record("e", "2026/07/17")]
    assert rtqa_data.select_by_date(records, ["2024", "2026"]) == []
    with pytest.raises(SystemExit, match="reserved"):
        rtqa_data.weekly_files(Path("/nonexistent"), "2024")


def _fake_repository(root: Path) -> Path:
    """past/2022, past/2023 and backnumber/2022 weekly files; a 2024 folder whose files would fail
    to parse if anything opened them; cumulative and variant files that must be ignored."""
    def write(path: str, rows: list[dict] | str) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        text = rows if isinstance(rows, str) else "".join(json.dumps(r) + "\n" for r in rows)
        target.write_text(text, encoding="utf-8")

    hit = 'Mario Draghi quit as prime minister of <a href="https://www.cnn.com/2022/07/21/europe/draghi/index.html">Italy</a>.'
    write("past/2022/20220722_qa.jsonl", [_record("20220722_0", "2022/07/22", hit),
                                          _record("20220722_1", "2022/07/22", "Nothing about it here.")])
    write("past/2022/20221230_qa.jsonl", [_record("20221230_0", "2023/01/02", hit)])  # dated 2023: selected as 2023
    write("past/2022/20220617-20221014_qa.jsonl", [_record("cumulative", "2022/07/22", hit)])
    write("past/2022/pm_qa.jsonl", [_record("variant", "2022/07/22", hit)])
    write("past/2022/20220722_qa_nota.jsonl", [_record("nota", "2022/07/22", hit)])
    write("backnumber/2022/20220107_qa.jsonl", [_record("20220107_0", "2022/01/07", hit)])
    write("past/2023/20230106_qa.jsonl", [_record("20230106_0", "2023/01/05", hit),
                                          _record("20230106_9", "2024/01/01", hit)])  # misdated: never 2024
    write("past/2024/20240105_qa.jsonl", "this is not JSON: reading a 2024 file fails the test\n")
    write("past/2023/20240105_qa.jsonl", "not JSON: a 2024 file filed under 2023 is not read either\n")
    write("backnumber/2021/20211231_qa.jsonl", "not JSON either\n")
    return root


def test_only_weekly_files_of_2022_and_2023_are_read(tmp_path: Path):
    root = _fake_repository(tmp_path)
    names = {p.name for year in ("2022", "2023") for p in rtqa_data.weekly_files(root, year)}
    assert names == {"20220722_qa.jsonl", "20221230_qa.jsonl", "20220107_qa.jsonl", "20230106_qa.jsonl"}
    questions = rtqa_data.load_questions(rtqa_data.data_root(root), ("2022", "2023"))
    assert {q.qid for q in questions} == {"20220722_0", "20220722_1", "20220107_0", "20221230_0", "20230106_0"}
    assert {q.year for q in questions} == {"2022", "2023"}
    assert [q.qid for q in rtqa_data.load_questions(root, ("2022",))] == ["20220107_0", "20220722_0", "20220722_1"]


def test_missing_data_names_what_to_fetch(tmp_path: Path):
    with pytest.raises(SystemExit, match="realtimeqa/realtimeqa_public"):
        rtqa_data.data_root(tmp_path)
    with pytest.raises(SystemExit, match="NEWSRAG_REALTIMEQA"):
        rtqa_data.data_root(None)
    assert rtqa.realtimeqa_section(tmp_path).startswith("Skipped: ")


# --- cleaning, the answer filter, question types ---------------------------------------------------


def test_html_is_cleaned_and_links_kept():
    text, links = rtqa_data.clean_html(
        'Analysts accuse Bed Bath &amp; Beyond of <a href="https://www.cnn.com/2022/06/28/x/index.html">cutting'
        ' air   conditioning</a>, <u>reports</u> <strong>say</strong>.<br>Second&nbsp;part &#8220;quoted&#8221;.'
        '<script>var x = "<b>no</b>";</script>')
    assert text == "Analysts accuse Bed Bath & Beyond of cutting air conditioning, reports say.\n\nSecond part “quoted”."
    assert links == ["https://www.cnn.com/2022/06/28/x/index.html"]
    assert not re.search(r"<[a-z/]|&(?:amp|nbsp|#\d+);", text)


def test_a_question_counts_only_when_its_correct_choice_is_in_its_passage():
    def question(evidence: str, choices=("Italy", "Greece"), answer=("0",)):
        return rtqa_data.quiz_question(_record("q", "2022/07/22", evidence, choices, answer))

    assert question('Draghi, prime minister of <a href="u">Italy</a>, quit.').counted
    assert not question("Draghi quit on Thursday.").counted
    assert not question("The Italy-born Draghi quit.", answer=("1",)).counted  # the right choice is Greece
    assert not question("Iranian officials said so.", choices=("Iran", "Iraq")).counted  # whole words only
    assert question("Officials in Iran said so.", choices=("Iran", "Iraq")).counted
    assert question("He won 37 MILLION votes.", choices=("37 million", "2")).counted  # case folded
    assert question("the “Don’t Say Gay” bill", choices=('"Don\'t Say Gay"', "x")).counted  # curly quotes
    assert not question("").counted
    assert not question("Italy", answer=()).counted  # no answer given


def test_question_types():
    assert rtqa_data.question_type("Who won the 2022 Masters golf tournament?") == "who"
    assert rtqa_data.question_type("Which car company unveiled the EQXX?") == "what"
    assert rtqa_data.question_type("What year did CNN debut?") == "when"
    assert rtqa_data.question_type("When is the surge expected to occur?") == "when"
    assert rtqa_data.question_type("A total of 73 monuments were removed. How many remain standing?") == "how many"
    assert rtqa_data.question_type("What percentage of US adults disapprove?") == "how many"
    assert rtqa_data.question_type("The US launched a website where Americans can order which item?") == "what"
    assert rtqa_data.question_type("NASA made history this week. Where did the launch occur?") == "other"
    assert rtqa_data.question_type("This state's governor signed a controversial bill.") == "other"


def test_passage_articles_and_near_duplicates():
    from rag.schema import Article

    q = rtqa_data.quiz_question(_record("20220722_0", "2022/07/22",
                                   'Draghi quit in <a href="https://www.cnn.com/2022/07/21/europe/draghi-quits/index.html'
                                   '?x=1">Italy</a>.'))
    record = rtqa_data.article_record(q)
    assert record == {"id": "realtimeqa-20220722_0", "title": "", "text": "Draghi quit in Italy.",
                      "date": "2022-07-21", "source": "CNN",
                      "url": "https://www.cnn.com/2022/07/21/europe/draghi-quits/index.html?x=1"}
    assert rtqa_data.article_record(q, titles="url")["title"] == "draghi quits"

    def article(aid: str, title: str, text: str, url: str = "") -> Article:
        return Article(article_id=aid, title=title, paragraphs=(text,), url=url)

    groups = rtqa_data.near_duplicate_groups([
        article("a", "One", "Same   TEXT here."), article("b", "Two", "same text here."),
        article("c", "Three", "Other.", "https://www.cnn.com/x/"), article("d", "Four", "More.", "http://cnn.com/x"),
        article("e", "Four", "Yet more."), article("f", "Five", "Alone."),
    ])
    assert groups["a"] == groups["b"]
    assert groups["c"] == groups["d"] == groups["e"]  # same URL, then same title
    assert len({groups["a"], groups["c"], groups["f"]}) == 3


# --- a real slice ------------------------------------------------------------------------------------


def test_a_slice_of_2022_runs_end_to_end(tmp_path: Path):
    path = os.environ.get("NEWSRAG_REALTIMEQA", "")
    if not path or not (Path(path) / "past" / "2022").is_dir():
        pytest.skip("RealTime QA not found: set NEWSRAG_REALTIMEQA to a checkout of "
                    "github.com/realtimeqa/realtimeqa_public (it has no licence, so it is not shipped with newsrag)")
    root = rtqa_data.data_root(path)
    questions = rtqa_data.load_questions(root, ("2022",))
    assert questions and all(q.date.startswith("2022-") for q in questions)
    counted = [q for q in questions if q.counted]
    assert 0 < len(counted) < len(questions)  # many passages do not hold the answer
    assert not any(re.search(r"<[a-z/]|&(?:amp|quot|nbsp|#\d+);", q.passage) for q in questions)

    text = rtqa.evaluate(root, rtqa.Options(years=("2022",), limit=40, max_distractors=40, weights=(),
                                            labelled=False, cache=tmp_path / "cache"))
    assert "### Retrieval, 2022" in text and "### Retrieval, 2023" not in text
    assert "| 2022 | " in text and "| 40 |" in text
    for row in ("dense only", "BM25 only", "RRF", "(the default)"):
        assert row in text
    # 40 passages in the small store, 80 in the large one; the refusal corpus keeps about half.
    assert "(40 passages," in text and "(80 passages," in text
    assert "RealTime QA 2022" in text and "Refusal reasons" in text
    scores = [float(x) for x in re.findall(r"\| dense only \| ([0-9.]+) \|", text)]
    assert len(scores) == 2 and all(0.5 <= s <= 1.0 for s in scores)  # recall@1 of dense on a tiny corpus
    stores = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert [s.split("-limit")[0] for s in stores] == ["2022-small", "half", "large"]


def test_a_tuning_variant_reads_each_value_as_its_fields_type() -> None:
    from bench.variants import tuning_changes
    from rag.tuning import Fusion, Tuning

    changes = tuning_changes(["fresh_days=-1", "lead_in=false", "fusion=rrf", "answerability_age=0.2"])
    assert changes == {"fresh_days": -1, "lead_in": False, "fusion": Fusion.RRF, "answerability_age": 0.2}
    assert Tuning(**changes).fresh_days == -1  # a Tuning takes them as they are
    with pytest.raises(ValueError, match="answerability_ages"):
        tuning_changes(["answerability_ages=0.2"])
    with pytest.raises(ValueError, match="fresh_days takes int values"):
        tuning_changes(["fresh_days=0.5"])
