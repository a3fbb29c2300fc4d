"""Ingest in windows of files (ingest/pipeline.py, ``INGEST_WINDOW_ARTICLES``): a folder spanning
many windows is stored and reported exactly as if it were read in one, including a story saved
twice in files of different windows and a re-read file that lost stories."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from ingest import ingest as run_ingest
from rag import Settings
from rag.schema import IngestReport, Paragraph
from rag.store import Store

WIRE = "The Valley Herald"


def story(title: str, *paragraphs: str) -> str:
    return f"{WIRE}\nLocal\n\n{title}\n\n" + "\n\n".join(paragraphs) + "\n"


def wire_line(title: str, text: str, url: str = "") -> str:
    fields = {"title": title, "source": WIRE, "text": text} | ({"url": url} if url else {})
    return json.dumps(fields) + "\n"


def write_folder(folder: Path) -> None:
    """Seven stories, a wire file of three, a broken file, and two late files: one a second copy
    (other text) of the first story, one holding a story the wire file also holds."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(7):
        (folder / f"a{i}.txt").write_text(story(
            f"Council Report {i}",
            f"The council met on Tuesday to discuss budget line {i}.",
            f'"We will fund line {i} in full," said Mayor Ana Ruiz.',
            f"Engineers estimate line {i} will take {i + 2} years."), encoding="utf-8")
    (folder / "b-wire.jsonl").write_text(
        wire_line("Ferry Resumes Night Crossings", "The ferry sails again at night.", "https://wire.test/ferry")
        + wire_line("Quarry Expansion Draws Protest", "Residents marched on the quarry.\n\nThe owner declined to comment.")
        + wire_line("Library Hours Extended", "The library now opens on Sundays.", "https://wire.test/library"),
        encoding="utf-8")
    (folder / "c-broken.json").write_text('{"title": "Half Saved",,}', encoding="utf-8")
    (folder / "z-copy.txt").write_text(story("Council Report 0", "A later draft that must not replace the first."),
                                       encoding="utf-8")
    (folder / "z-quarry.txt").write_text(
        story("Quarry Expansion Draws Protest", "Residents marched on the quarry.", "The owner declined to comment."),
        encoding="utf-8")


def edit_folder(folder: Path) -> None:
    """The wire file loses two stories (the quarry one is still in z-quarry.txt), one story changes."""
    wire = folder / "b-wire.jsonl"
    wire.write_text(wire.read_text(encoding="utf-8").splitlines(keepends=True)[0], encoding="utf-8")
    path = folder / "a3.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("5 years", "six years"), encoding="utf-8")


def ingest_in_windows(folder: Path, db: Path, window: int) -> tuple[IngestReport, dict[str, Paragraph]]:
    settings = Settings.load(env={}, db=db, batch_size=4)
    report = run_ingest([folder], settings, window_articles=window)
    return report, {p.paragraph_id: p for p in Store.connect(settings).iter_paragraphs()}


def test_windows_of_two_articles_store_and_report_what_one_window_does(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "news"
    write_folder(folder)
    first_small, stored_small = ingest_in_windows(folder, tmp_path / "small", window=2)
    first_whole, stored_whole = ingest_in_windows(folder, tmp_path / "whole", window=10_000)
    assert dataclasses.asdict(first_small) == dataclasses.asdict(first_whole)
    assert stored_small == stored_whole
    assert (first_small.articles_added, len(first_small.failed)) == (10, 1)
    texts = {p.text for p in stored_small.values()}
    assert "A later draft that must not replace the first." not in texts  # the first file won

    edit_folder(folder)
    again_small, stored_small = ingest_in_windows(folder, tmp_path / "small", window=2)
    again_whole, stored_whole = ingest_in_windows(folder, tmp_path / "whole", window=10_000)
    assert dataclasses.asdict(again_small) == dataclasses.asdict(again_whole)
    assert stored_small == stored_whole
    titles = {p.title for p in stored_small.values()}
    assert "Library Hours Extended" not in titles  # lost by its only file
    assert "Quarry Expansion Draws Protest" in titles  # still held by a file of a later window
    assert again_small.paragraphs_removed == 1  # the library story's one paragraph
    assert again_small.articles_updated == 2  # a3.txt's edit; the quarry story as z-quarry.txt prints it


def rss_feed(stories: list[tuple[str, str]]) -> str:
    items = "".join(f"<item><title>{title}</title><description>{text}</description></item>\n"
                    for title, text in stories)
    return f'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>{WIRE}</title>\n{items}</channel></rss>\n'


@pytest.mark.parametrize("name", ["wire.jsonl", "wire.rss"])
def test_a_feed_larger_than_the_file_limit_goes_in_a_window_at_a_time(tmp_path: Path, name: str) -> None:
    """JSON Lines and RSS are read as streams with the limit per article, and in windows of
    ``window_articles``: a feed of many articles neither hits the file limit nor fills memory."""
    feed = tmp_path / "feed" / name
    feed.parent.mkdir()
    stories = [(f"Wire Story {i}", f"Story {i} of the wire, told in a few words.") for i in range(9)]
    text = rss_feed(stories) if name.endswith(".rss") else "".join(wire_line(*story) for story in stories)
    feed.write_text(text, encoding="utf-8")
    settings = Settings.load(env={}, db=tmp_path / "db", batch_size=4, max_file_mb=0.0005)  # 524 bytes a file
    assert feed.stat().st_size > settings.max_file_mb * 1024 * 1024

    report = run_ingest([feed], settings, window_articles=2)

    assert (report.articles_added, report.failed) == (9, ())
    assert run_ingest([feed], settings, window_articles=2).articles_unchanged == 9
