"""Removing articles (ingest/removal.py, `newsrag remove`): by id, file or source, everywhere at once.

Real embedded Chroma and the real model; the store is read back through ``NewsIndex`` as a
reader would: dense search, BM25, the speaker index behind ``quotes`` and ``ask``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest import ingest, remove
from ingest.uploads import keep_upload
from rag import NewsIndex, NewsragError, Settings
from rag.schema import RemoveReport
from rag.store import Store
from ui.cli import cli

BARRIER = """The Valley Herald
Local News

Council Approves Flood Barrier for Riverside

The city council voted 7-2 on Tuesday to fund a flood barrier along the Riverside district.

"We cannot afford another spring like the last one," said Mayor Ana Ruiz, who proposed the plan.

Engineers estimate the barrier will take two years to build.
"""

FERRY = """The Valley Herald
Transport

Harbour Ferry Resumes Night Crossings

The harbour ferry will run night crossings again from Monday, the operator said.

"Passengers asked for it and we listened," said Tomas Brandt, the ferry company's director.
"""

WIRE = [
    {"title": "Quarry Expansion Draws Protest", "source": "Regional Wire", "date": "2026-10-02",
     "url": "https://wire.test/quarry",
     "paragraphs": ["Residents of Orlen marched against the quarry expansion on Saturday.",
                    "\"The dust is already in our lungs,\" said Marta Kowal, a teacher who organised the march."]},
    {"title": "Library Hours Extended", "source": "Regional Wire", "date": "2026-10-03",
     "url": "https://wire.test/library",
     "paragraphs": ["The Orlen library will open until nine on weekdays.",
                    "\"Students need somewhere warm to work,\" said Piotr Lenz, the head librarian."]},
]

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Coastal Herald</title>
<item><title>Lighthouse Keeper Retires</title><link>https://coastal.test/keeper</link>
<description>&lt;p&gt;The last keeper of the Skarv lighthouse retired on Friday.&lt;/p&gt;&lt;p&gt;"The light never needed me, but I needed it," said Olav Lind, the keeper.&lt;/p&gt;</description></item>
<item><title>Seal Colony Grows</title><link>https://coastal.test/seals</link>
<description>&lt;p&gt;The grey seal colony on Skarv has doubled in five years.&lt;/p&gt;&lt;p&gt;"It is a quiet success," said biologist Ines Farr.&lt;/p&gt;</description></item>
</channel></rss>
"""




def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "barrier.txt").write_text(BARRIER, encoding="utf-8")
    (folder / "ferry.txt").write_text(FERRY, encoding="utf-8")
    (folder / "wire.jsonl").write_text("".join(json.dumps(a) + "\n" for a in WIRE), encoding="utf-8")
    (folder / "coast.xml").write_text(FEED, encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path: Path, settings: Settings) -> Path:
    folder = write_corpus(tmp_path / "articles")
    report = ingest([folder], settings)
    assert report.articles_added == 6 and not report.failed
    return folder


def stored_titles(settings: Settings) -> set[str]:
    return {p.title for p in Store.connect(settings).iter_paragraphs()}


def shown_article_ids(index: NewsIndex, query: str) -> set[str]:
    """Every article the index shows for ``query``: search hits, answer citations, quotes."""
    ids = {h.paragraph.article_id for h in index.search(query, k=20)}
    ids |= {c.article_id for c in index.ask(f"who said what about {query}?").citations}
    ids |= {c.article_id for c in index.ask(query).citations}
    ids |= {row.paragraph.article_id for row in index.quotes()}
    return ids


def test_removed_file_vanishes_from_search_answers_and_quotes_of_an_open_index(
    corpus: Path, settings: Settings
) -> None:
    index = NewsIndex.open(settings)
    before = index.ask("what did Ruiz say?")
    barrier_id = before.citations[0].article_id
    assert barrier_id in shown_article_ids(index, "flood barrier Riverside")
    quotes = sum(len(p.quotes) for p in index.article(barrier_id))

    report = remove(settings, files=[corpus / "barrier.txt"])

    assert [a.title for a in report.articles] == ["Council Approves Flood Barrier for Riverside"]
    assert report.paragraphs_removed == 3 and report.quotes_removed == quotes >= 1
    assert barrier_id not in shown_article_ids(index, "flood barrier Riverside")
    assert not index.quotes(speaker="Ruiz")
    assert index.ask("what did Ana Ruiz say?").mode.value == "none"
    assert index.stats().articles == 5
    assert "Harbour Ferry Resumes Night Crossings" in stored_titles(settings)  # same source, other file


def test_remove_by_source_takes_every_article_of_that_publication_whatever_its_case(
    corpus: Path, settings: Settings
) -> None:
    report = remove(settings, sources=["the valley HERALD"])
    assert {a.title for a in report.articles} == {"Council Approves Flood Barrier for Riverside",
                                                  "Harbour Ferry Resumes Night Crossings"}
    index = NewsIndex.open(settings)
    assert "The Valley Herald" not in index.stats().sources
    assert not index.quotes(speaker="Brandt") and not index.quotes(speaker="Ruiz")


def test_remove_by_article_id_leaves_the_rest_of_its_file(corpus: Path, settings: Settings) -> None:
    index = NewsIndex.open(settings)
    quarry = next(r.paragraph.article_id for r in index.quotes(speaker="Marta Kowal"))
    report = remove(settings, article_ids=[quarry])
    assert [a.title for a in report.articles] == ["Quarry Expansion Draws Protest"]
    assert not index.quotes(speaker="Kowal")
    assert index.quotes(speaker="Piotr Lenz")  # the other line of wire.jsonl stays
    assert report.still_on_disk == (str(corpus / "wire.jsonl"),)


def test_a_feed_file_removes_every_entry_and_file_hash_n_one_entry(corpus: Path, settings: Settings) -> None:
    one = remove(settings, files=[f"{corpus / 'coast.xml'}#2"])
    assert [a.title for a in one.articles] == ["Seal Colony Grows"]
    assert "Lighthouse Keeper Retires" in stored_titles(settings)
    rest = remove(settings, files=[corpus / "coast.xml"])
    assert [a.title for a in rest.articles] == ["Lighthouse Keeper Retires"]
    assert not {"Lighthouse Keeper Retires", "Seal Colony Grows"} & stored_titles(settings)


def test_a_file_matches_however_its_path_is_written(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_corpus(tmp_path / "articles")
    monkeypatch.chdir(tmp_path)
    ingest([Path("articles")], settings)  # stored as the relative "articles/ferry.txt"
    report = remove(settings, files=[str(tmp_path / "articles" / "." / "ferry.txt")])
    assert [a.title for a in report.articles] == ["Harbour Ferry Resumes Night Crossings"]


def test_nothing_matched_names_what_was_asked_and_how_to_list_what_is_stored(
    corpus: Path, settings: Settings
) -> None:
    count = Store.connect(settings).count()
    with pytest.raises(NewsragError) as caught:
        remove(settings, files=[corpus / "barier.txt"], sources=["Valley Harold"])
    message = str(caught.value)
    assert "barier.txt" in message and "'Valley Harold'" in message
    assert "newsrag stats" in message and "newsrag search" in message
    assert "barrier.txt" in message and "The Valley Herald" in message  # did you mean
    assert Store.connect(settings).count() == count


def test_an_empty_request_is_refused_before_touching_the_store(tmp_path: Path) -> None:
    with pytest.raises(NewsragError, match="--article ID"):
        remove(Settings.load(env={}, db=tmp_path / "none"), article_ids=[" "])


def test_what_matched_is_removed_and_what_did_not_is_listed(corpus: Path, settings: Settings) -> None:
    report = remove(settings, sources=["Coastal Herald", "Nowhere Times"], article_ids=["a000"])
    assert len(report.articles) == 2
    assert report.not_found == ("article 'a000'", "source 'Nowhere Times'")


def test_dry_run_reports_and_changes_nothing(corpus: Path, settings: Settings) -> None:
    store = Store.connect(settings)
    revision, count = store.revision(), store.count()
    report = remove(settings, sources=["Regional Wire"], dry_run=True)
    assert report.dry_run and len(report.articles) == 2 and report.paragraphs_removed == 4
    assert (store.revision(), store.count()) == (revision, count)


def test_a_killed_removal_is_completed_by_running_it_again(corpus: Path, settings: Settings) -> None:
    index = NewsIndex.open(settings)
    assert index.quotes(speaker="Ruiz")
    store = Store.connect(settings)
    barrier = sorted(p.paragraph_id for p in store.iter_paragraphs({"file": str(corpus / "barrier.txt")}))
    # What a kill after the first bump and part of the deletes leaves: some paragraphs gone.
    store.bump_revision()
    store.delete(barrier[:1])

    report = remove(settings, files=[corpus / "barrier.txt"])

    assert report.paragraphs_removed == 2
    assert not list(store.iter_paragraphs({"file": str(corpus / "barrier.txt")}))
    assert not index.quotes(speaker="Ruiz")
    with pytest.raises(NewsragError, match="nothing to remove"):
        remove(settings, files=[corpus / "barrier.txt"])


def test_the_chats_copy_of_a_removed_upload_is_deleted_and_a_shared_feed_kept(
    tmp_path: Path, settings: Settings
) -> None:
    story = keep_upload(settings.uploads_dir, "barrier.txt", BARRIER.encode())
    feed = keep_upload(settings.uploads_dir, "coast.xml", FEED.encode())
    ingest([story, feed], settings)

    kept_feed = remove(settings, files=[f"{feed}#1"])
    assert kept_feed.uploads_deleted == () and feed.exists()  # entry 2 is still read from it
    report = remove(settings, sources=["The Valley Herald"])
    assert report.uploads_deleted == (str(story),) and not story.exists()
    assert report.still_on_disk == ()
    remove(settings, files=[feed], delete_uploads=False)
    assert feed.exists()


def run_cli(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_dry_run_lists_what_would_go_and_json_is_the_report(corpus: Path, settings: Settings) -> None:
    db = str(settings.db)
    shown = run_cli("remove", "--source", "Regional Wire", "--dry-run", "--db", db)
    assert shown.exit_code == 0
    assert "would remove 2 article(s): 4 paragraph(s), 2 quote(s)" in shown.output
    assert "Quarry Expansion Draws Protest" in shown.output

    done = run_cli("remove", "--source", "Regional Wire", "--json", "--db", db)
    assert done.exit_code == 0
    report = json.loads(done.output)
    assert report["dry_run"] is False and report["paragraphs_removed"] == 4
    assert set(report) == {f.name for f in dataclasses.fields(RemoveReport)}
    assert {a["title"] for a in report["articles"]} == {"Library Hours Extended", "Quarry Expansion Draws Protest"}


def test_cli_nothing_matched_exits_1_with_the_message(corpus: Path, settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["remove", "--article", "a-nope", "--db", str(settings.db)])
    assert result.exit_code == 1
    assert "article 'a-nope'" in result.output and "newsrag search" in result.output


# A reader in another process (the chat) with the index open and warm before the removal.
_READER = textwrap.dedent("""
    import json, sys
    from rag import NewsIndex, Settings

    # Checking the server's revision before every question: the removal shows at once, no waiting.
    index = NewsIndex.open(Settings.load(env={}, chroma_url=sys.argv[1], cache_dir=sys.argv[2],
                                         revision_check_s=0))

    def shown():
        ids = {h.paragraph.article_id for h in index.search("flood barrier Riverside", k=20)}
        ids |= {c.article_id for c in index.ask("who said what about the flood barrier?").citations}
        ids |= {row.paragraph.article_id for row in index.quotes(speaker="Ruiz")}
        return sorted(ids)

    print(json.dumps(shown()), flush=True)
    sys.stdin.readline()  # the removal is done
    print(json.dumps(shown()), flush=True)
""")


@pytest.mark.server
def test_a_process_with_the_index_open_stops_showing_a_removed_article(tmp_path: Path, chroma_server: str) -> None:
    settings = Settings.load(env={}, chroma_url=chroma_server, cache_dir=tmp_path / "writer-cache")
    folder = write_corpus(tmp_path / "articles")
    ingest([folder], settings)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    reader = subprocess.Popen([sys.executable, "-c", _READER, chroma_server, str(tmp_path / "reader-cache")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        before = json.loads(reader.stdout.readline())
        report = remove(settings, files=[folder / "barrier.txt"])
        barrier = report.articles[0].article_id
        assert barrier in before
        reader.stdin.write("go\n")
        reader.stdin.flush()
        after = json.loads(reader.stdout.readline())
    finally:
        reader.kill()
        reader.wait()
    assert after and barrier not in after
