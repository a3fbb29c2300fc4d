"""Ingest end to end into a real embedded Chroma: idempotency, updates, bad input, crash safety."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest import ingest
from rag import Settings
from rag.schema import FileFailure
from rag.store import Store

STORY = """The Valley Herald
Local News

Council Approves New Flood Barrier for Riverside District

The city council voted 7-2 on Tuesday to fund a flood barrier along the Riverside district.

"We cannot afford another spring like the last one," said Mayor Ana Ruiz, who proposed the plan.

Engineers estimate the barrier will take two years to build.
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(settings: Settings) -> dict[str, str]:
    """Every stored paragraph id with its text: what 'the store equals' means in these tests."""
    store = Store.connect(settings)
    return {p.paragraph_id: p.text for p in store.iter_paragraphs()}


def test_ingest_stores_numbered_paragraphs_with_metadata(tmp_path: Path, settings: Settings) -> None:
    write(tmp_path / "in" / "story.txt", STORY)
    report = ingest([tmp_path / "in"], settings)
    assert (report.articles_added, report.paragraphs_added, report.failed) == (1, 3, ())
    paragraphs = sorted(Store.connect(settings).iter_paragraphs(), key=lambda p: p.number)
    assert [p.number for p in paragraphs] == [1, 2, 3]
    assert paragraphs[0].title == "Council Approves New Flood Barrier for Riverside District"
    assert paragraphs[0].source == "The Valley Herald"
    assert paragraphs[0].section == "Local News"
    assert paragraphs[1].text.startswith('"We cannot afford another spring')
    assert paragraphs[1].quotes and paragraphs[1].quotes[0].speaker == "Ana Ruiz"


def test_reingesting_unchanged_files_changes_nothing(tmp_path: Path, settings: Settings) -> None:
    write(tmp_path / "in" / "story.txt", STORY)
    ingest([tmp_path / "in"], settings)
    before = snapshot(settings)
    report = ingest([tmp_path / "in"], settings)
    assert report.articles_unchanged == 1
    assert report.paragraphs_unchanged == 3
    assert report.paragraphs_added == report.paragraphs_updated == report.articles_added == 0
    assert snapshot(settings) == before


def test_changed_article_replaces_its_paragraphs_without_orphans(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "in" / "story.txt", STORY)
    ingest([path], settings)
    edited = STORY.replace("two years", "three years").replace(
        "Engineers estimate", "Construction starts in May.\n\nEngineers estimate"
    )
    write(path, edited)
    report = ingest([path], settings)
    assert report.articles_updated == 1
    texts = sorted(snapshot(settings).values())
    assert len(texts) == 4
    assert not any("two years" in t for t in texts)
    assert any("three years" in t for t in texts)


def test_shrunk_article_loses_its_last_paragraphs(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "story.txt", STORY)
    ingest([path], settings)
    write(path, STORY.rsplit("\n\nEngineers", 1)[0] + "\n")
    report = ingest([path], settings)
    assert report.paragraphs_removed == 1
    assert len(snapshot(settings)) == 2


def test_same_article_in_two_files_is_stored_once(tmp_path: Path, settings: Settings) -> None:
    write(tmp_path / "a" / "story.txt", STORY)
    write(tmp_path / "b" / "copy.txt", STORY)
    report = ingest([tmp_path / "a", tmp_path / "b"], settings)
    assert report.articles_added == 1
    assert len(snapshot(settings)) == 3


def test_story_dropped_from_one_file_stays_while_another_file_holds_it(tmp_path: Path, settings: Settings) -> None:
    write(tmp_path / "a" / "story.txt", STORY)
    write(tmp_path / "b" / "copy.txt", STORY)
    ingest([tmp_path / "a", tmp_path / "b"], settings)
    write(tmp_path / "a" / "story.txt", STORY.replace("Council Approves New Flood Barrier", "Council Delays Vote"))
    report = ingest([tmp_path / "a", tmp_path / "b"], settings)
    assert report.articles_added == 1 and report.articles_unchanged == 1
    texts = list(snapshot(settings).values())
    assert len(texts) == 6  # the original story (still in b/copy.txt) and the retitled one


def test_mixed_folder_ingests_every_valid_file_and_reports_every_bad_one(
    tmp_path: Path, settings: Settings
) -> None:
    folder = tmp_path / "mixed"
    write(folder / "good.txt", STORY)
    write(folder / "good.jsonl", json.dumps({"title": "Bridge Reopens", "text": "The bridge reopened.\n\nTraffic resumed."}) + "\n")
    write(folder / "empty.txt", "")
    write(folder / "broken.json", '{"title": "x", "text": "y",,}')
    write(folder / "notext.json", json.dumps({"title": "Nothing Here"}))
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xffPNG\x00" * 50)
    write(folder / "notes.docx", "not an article format")
    report = ingest([folder], settings)
    assert report.articles_added == 2
    failed = {Path(f.path).name: f.error for f in report.failed}
    assert set(failed) == {"empty.txt", "broken.json", "notext.json", "binary.txt"}
    assert "line 1 column" in failed["broken.json"]
    assert all(name in error for name, error in failed.items())
    assert [Path(p).name for p in report.skipped] == ["notes.docx"]


def test_bad_file_never_loses_what_was_already_ingested(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "story.json", json.dumps({"title": "Bridge Reopens", "text": "The bridge reopened."}))
    ingest([path], settings)
    before = snapshot(settings)
    write(path, '{"title": "Bridge Reopens", "text": ')  # truncated by a bad save
    report = ingest([path], settings)
    assert len(report.failed) == 1 and "story.json" in report.failed[0].error
    assert snapshot(settings) == before


def test_an_export_with_one_bad_article_ingests_the_other_49_and_names_it(tmp_path: Path, settings: Settings) -> None:
    stories = [{"title": f"Story {n}", "text": f"Paragraph of story {n}."} for n in range(1, 51)]
    stories[17] = {"title": "Broken", "text": None}
    path = write(tmp_path / "export.json", json.dumps(stories))

    report = ingest([path], settings)

    assert report.articles_added == 49
    assert report.failed == (FileFailure(str(path), f"{path}: article 18 ('Broken') has no text: add a 'text', "
                                         "'body' or 'paragraphs' field", entry=18),)
    assert len({p.article_id for p in Store.connect(settings).iter_paragraphs()}) == 49


def _wire(line_2: str) -> str:
    return "\n".join([json.dumps({"title": "Dam Inspected", "text": "The dam passed its inspection."}), line_2,
                      json.dumps({"title": "Ferry Resumes", "text": "Ferries run again from Monday."})]) + "\n"


def test_a_broken_json_line_is_named_and_the_other_lines_go_in(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "wire.jsonl", _wire('{"title": "Toll Vote", "text": "The council vo'))

    report = ingest([path], settings)

    assert report.articles_added == 2
    [failure] = report.failed
    assert (failure.path, failure.line, failure.entry) == (str(path), 2, None)
    assert failure.error.startswith(f"{path} line 2 column ")
    assert {p.title for p in Store.connect(settings).iter_paragraphs()} == {"Dam Inspected", "Ferry Resumes"}


def test_rerun_after_fixing_the_broken_line_adds_only_that_article(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "wire.jsonl", _wire('{"title": "Toll Vote", "text": "The council vo'))
    ingest([path], settings)
    write(path, _wire(json.dumps({"title": "Toll Vote", "text": "The council voted to keep the toll."})))

    report = ingest([path], settings)

    assert (report.articles_added, report.articles_unchanged, report.failed) == (1, 2, ())
    assert report.paragraphs_added == 1


def test_a_line_broken_by_a_bad_save_loses_nothing_already_stored(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "wire.jsonl", _wire(json.dumps({"title": "Toll Vote", "text": "The toll stays."})))
    ingest([path], settings)
    before = snapshot(settings)
    write(path, _wire('{"title": "Toll Vote", "text": "The toll st'))

    report = ingest([path], settings)

    assert [f.line for f in report.failed] == [2]
    assert report.articles_unchanged == 2
    assert snapshot(settings) == before


def test_a_feed_item_without_text_is_named_and_the_others_go_in(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "courier.rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>Courier</title>'
                 "<item><title>Pier Closed</title><link>https://c.example/1</link>"
                 "<description>The pier closed for repairs.</description></item>"
                 "<item><title>Headline Only</title><link>https://c.example/2</link></item>"
                 "<item><title>Fair Opens</title><link>https://c.example/3</link>"
                 "<description>The county fair opened on Friday.</description></item></channel></rss>")

    report = ingest([path], settings)

    assert report.articles_added == 2
    [failure] = report.failed
    assert failure.entry == 2 and "entry 2 ('Headline Only') has no text" in failure.error


def test_oversized_file_is_refused_by_name(tmp_path: Path) -> None:
    settings = Settings.load(env={}, db=tmp_path / "db", max_file_mb=0.001)
    path = write(tmp_path / "big.txt", STORY * 20)
    report = ingest([path], settings)
    assert len(report.failed) == 1
    assert "big.txt" in report.failed[0].error and "limit" in report.failed[0].error


def _big_batch(folder: Path, articles: int) -> None:
    for i in range(articles):
        body = "\n\n".join(
            f"Paragraph {j} of report {i}: the regional council discussed budget line {i * 31 + j} at length."
            for j in range(1, 9)
        )
        write(folder / f"report_{i:03d}.txt", f"The Test Wire\nBudget\n\nBudget Report Number {i}\n\n{body}\n")


def test_killed_ingest_resumes_to_the_same_store_as_a_clean_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _big_batch(corpus, 60)
    killed = Settings.load(env={}, db=tmp_path / "killed", batch_size=16)
    clean = Settings.load(env={}, db=tmp_path / "clean", batch_size=16)
    cmd = [sys.executable, "-m", "ui.cli", "ingest", str(corpus), "--db", str(killed.db), "--batch-size", "16"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 180
    # Wait until some paragraphs are committed, then kill it hard mid-batch.
    while time.time() < deadline:
        time.sleep(0.5)
        if proc.poll() is not None:
            break
        try:
            if Store.connect(killed).count() >= 48:
                break
        except Exception:
            continue
    assert proc.poll() is None, "ingest finished before it could be killed; make the batch larger"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = Store.connect(killed).count()
    assert 0 < partial < 480

    rerun = subprocess.run(cmd + ["--json"], capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    ingest([corpus], clean)
    assert snapshot(killed) == snapshot(clean)
    assert len(snapshot(clean)) == 480


def test_ingest_copies_shared_seed_without_touching_it(tmp_path: Path, settings: Settings, seed_dir: Path) -> None:
    copy = tmp_path / "seed"
    shutil.copytree(seed_dir, copy)
    report = ingest([copy], settings)
    assert report.articles_added == 1 and report.paragraphs_added == 11


def test_a_newer_extractor_requotes_stored_articles_without_embedding_again(tmp_path: Path, settings: Settings) -> None:
    from dataclasses import replace

    from ingest.quotes import extractor_version

    write(tmp_path / "story.txt", STORY)
    ingest([tmp_path / "story.txt"], settings)
    store = Store.connect(settings)
    assert store.extractor_version() == extractor_version()
    quoted = next(p for p in store.iter_paragraphs() if p.quotes)
    vector = store.embeddings([quoted.paragraph_id])[quoted.paragraph_id]
    # A store written by an older extractor: its version differs and its quotes are not today's.
    store.update_quotes([replace(quoted, quotes=())])
    store.bump_revision(extractor="0")

    report = ingest([write(tmp_path / "other.txt", STORY.replace("Council", "Board"))], settings)

    assert report.articles_requoted == 1
    again = Store.connect(settings)
    restored = again.get([quoted.paragraph_id])[0]
    assert restored.quotes == quoted.quotes and restored.text == quoted.text
    assert again.embeddings([quoted.paragraph_id])[quoted.paragraph_id] == vector  # not embedded again
    assert again.extractor_version() == extractor_version()
    assert ingest([tmp_path / "story.txt"], settings).articles_requoted == 0  # once only


def test_attribution_rules_in_the_settings_ingests_the_rules_alone_and_switching_requotes(
        tmp_path: Path, settings: Settings) -> None:
    from ingest.quotes import extractor_version

    story = write(tmp_path / "report.txt", "Reservoir report\n\nThe utility's annual report warned that the "
                  "reservoir could run dry by August.\n\n'We will rebuild,' said Mayor Lena Okafor.")
    ingest([story], settings.replace(attribution="rules"))
    store = Store.connect(settings)
    assert store.extractor_version() == extractor_version(parse=False)
    assert {q.speaker for p in store.iter_paragraphs() for q in p.quotes} == {"Lena Okafor"}

    assert ingest([story], settings).articles_requoted == 1  # the parse turned back on: quotes read again
    speakers = {q.speaker.lower() for p in Store.connect(settings).iter_paragraphs() for q in p.quotes}
    assert speakers == {"lena okafor", "the utility's annual report"}


EXOTIC_QUOTES = {
    "guillemets": "«Nous reconstruirons», a déclaré le maire Luc Berger.",
    "german": "„Wir bauen wieder auf“, sagte Bürgermeisterin Anna Roth. Mayor Anna Roth said „the bridge will reopen“.",
    "corner brackets": "「再建します」と市長は述べた。 The mayor said 「we will rebuild」 on Monday.",
    "mixed straight and curly": "“We will rebuild,\" said Mayor Ana Ruiz. \"The river will not win,” she added.",
    "never closed": "\"We will rebuild, said Mayor Ana Ruiz, and the council agreed.\n\nThe vote was 7-2.",
    "stray marks": "It was a ' strange \" day ” for « the » town, said Ana Ruiz „ of the council.",
    "doubled apostrophes": "''We will rebuild,'' Mayor Ana Ruiz said. ``The river will not win,'' she added.",
}


@pytest.mark.parametrize("name", sorted(EXOTIC_QUOTES))
def test_unbalanced_or_exotic_quote_marks_never_fail_an_ingest(tmp_path: Path, settings: Settings, name: str) -> None:
    path = write(tmp_path / "story.txt", f"The Valley Herald\nLocal News\n\nRebuilding after the flood\n\n"
                                         f"{EXOTIC_QUOTES[name]}\n")
    report = ingest([path], settings)
    assert not report.failed and report.articles_added == 1
    stored = list(Store.connect(settings).iter_paragraphs())
    assert stored and all(q.text for p in stored for q in p.quotes)


def test_curly_and_doubled_quotes_are_still_attributed(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "story.txt", "The Valley Herald\nLocal News\n\nRebuilding after the flood\n\n"
                                         f"{EXOTIC_QUOTES['doubled apostrophes']}\n")
    ingest([path], settings)
    quotes = [q for p in Store.connect(settings).iter_paragraphs() for q in p.quotes]
    assert [(q.speaker, q.text) for q in quotes] == [
        ("Ana Ruiz", "We will rebuild"), ("Ana Ruiz", "The river will not win")]


def test_an_awkward_folder_goes_in_whole_names_every_bad_entry_and_a_second_run_changes_nothing(
        tmp_path: Path, settings: Settings) -> None:
    """What newsrooms hand over (issue 24): an export with an empty item, a feed with a cut-off
    line, a Latin-1 file, a headline with a direction override, a link out of the folder, a
    binary file. Every valid article goes in with its letters; every bad entry is named."""
    folder = tmp_path / "handed-over"
    folder.mkdir()
    export = [{"title": f"Export Story {i}", "text": f"Export story {i} is told here."} for i in range(5)]
    export[2] = {"title": "Photo Gallery", "text": None}
    write(folder / "cms-export.json", json.dumps(export))
    write(folder / "wire.jsonl", json.dumps({"title": "Wire One", "text": "The first wire story."}) + "\n"
          + '{"title": "Wire Cut", "text": "The sec\n')
    (folder / "cafe.txt").write_bytes("Caf\xe9 Owner Speaks\n\n\"\xc7a va,\" said owner Zo\xeb Br\xfcnn.\n".encode("latin-1"))
    write(folder / "spoof.json", json.dumps({"title": "Mayor \u202eseigolopa\u202c Resigns", "text": "The mayor resigned."}))
    outside = write(tmp_path / "secret.txt", "Not For Newsrag\n\nA file outside the folder.\n")
    (folder / "linked.txt").symlink_to(outside)
    (folder / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0IHDR")

    first = ingest([folder], settings)

    assert first.articles_added == 4 + 1 + 1 + 1
    failed = {(Path(f.path).name, f.entry, f.line) for f in first.failed}
    assert failed == {("cms-export.json", 3, None), ("wire.jsonl", None, 2), ("image.html", None, None)}
    assert [Path(s.path).name for s in first.skipped_files] == ["linked.txt"]
    titles = {p.title for p in Store.connect(settings).iter_paragraphs()}
    assert {"Café Owner Speaks", "Mayor seigolopa Resigns", "Wire One"} <= titles
    assert "Not For Newsrag" not in titles

    again = ingest([folder], settings)
    assert (again.articles_added, again.articles_updated, again.articles_unchanged) == (0, 0, 7)
    assert {(Path(f.path).name, f.entry, f.line) for f in again.failed} == failed


def test_a_file_s_stored_records_are_read_a_page_at_a_time(tmp_path: Path, settings: Settings) -> None:
    """A feed of tens of thousands of paragraphs cannot be read back in one query (Chroma fails
    with "too many SQL variables" past 32,766): ``stored_for`` pages through a file's records, and
    what it finds does not depend on the page size."""
    feed = write(tmp_path / "wire.jsonl", "".join(
        json.dumps({"title": f"Wire Story {i}", "text": f"Story {i} opens.\n\nStory {i} goes on."}) + "\n"
        for i in range(7)))
    ingest([feed], settings)
    store = Store.connect(settings)

    whole_sigs: dict = {}
    paged_sigs: dict = {}
    whole = store.stored_for([], [str(feed)], whole_sigs)
    paged = store.stored_for([], [str(feed)], paged_sigs, page=3)

    assert paged == whole and paged_sigs == whole_sigs
    assert len(paged[1][str(feed)]) == 7 and len(paged_sigs) == 14
