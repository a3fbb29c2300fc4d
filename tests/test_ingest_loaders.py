"""Loading article files: each format from a real file, and every way a file can be bad."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest

from ingest.loaders import SUPPORTED_SUFFIXES, discover_files, find_files, load_file, read_entries
from rag.errors import BadArticle
from rag.schema import article_id_for

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
MiB = 1024 * 1024
LIMIT = 25 * MiB


def load(path: Path) -> list:
    return load_file(path, max_bytes=LIMIT)


def entries(path: Path) -> tuple[list, list[BadArticle]]:
    """A file read entry by entry, as ingest reads it: (its articles, its bad entries)."""
    return entries_within(path, max_bytes=LIMIT)


def entries_within(path: Path, max_bytes: int) -> tuple[list, list[BadArticle]]:
    read = list(read_entries(path, max_bytes=max_bytes))
    return [e for e in read if not isinstance(e, BadArticle)], [e for e in read if isinstance(e, BadArticle)]


def bad(path: Path, max_bytes: int = LIMIT) -> BadArticle:
    with pytest.raises(BadArticle) as caught:
        load_file(path, max_bytes=max_bytes)
    assert caught.value.path == str(path)
    return caught.value


# --- discover_files ------------------------------------------------------------------------------


def test_discover_walks_directories_in_sorted_order_skipping_hidden_and_unsupported(tmp_path: Path) -> None:
    for name in ["b.txt", "a/c.json", "a/z/d.rss", "notes.pdf", ".hidden.txt", ".git/config.txt",
                 "a/.cache/e.json", "STORY.HTML"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")

    files, skipped = discover_files([tmp_path])

    assert files == [tmp_path / name for name in ["STORY.HTML", "a/c.json", "a/z/d.rss", "b.txt"]]
    assert skipped == [tmp_path / "notes.pdf"]


def test_discover_passes_a_missing_path_on_so_load_file_reports_it(tmp_path: Path) -> None:
    missing = tmp_path / "gone.pdf"

    files, skipped = discover_files([missing])

    assert (files, skipped) == ([missing], [])
    assert "does not exist" in bad(missing).reason


def test_discover_lists_a_named_unsupported_file_as_skipped_and_each_file_once(tmp_path: Path) -> None:
    story, photo = tmp_path / "story.txt", tmp_path / "photo.jpg"
    story.write_text("x")
    photo.write_bytes(b"\xff\xd8")

    files, skipped = discover_files([story, photo, tmp_path, story])

    assert (files, skipped) == ([story], [photo])


def test_a_link_out_of_the_folder_is_skipped_with_the_reason_and_not_read(tmp_path: Path) -> None:
    secrets = tmp_path / "etc" / "passwd.txt"
    secrets.parent.mkdir()
    secrets.write_text("root:x:0:0:root:/root:/bin/bash\n")
    stories = tmp_path / "stories"
    (stories / "archive").mkdir(parents=True)
    (stories / "harbour.txt").write_text("Harbour Reopens\n\nThe harbour reopened.\n")
    (stories / "passwd.txt").symlink_to(secrets)
    (stories / "etc").symlink_to(secrets.parent)
    (stories / "archive" / "up.txt").symlink_to("../../etc/passwd.txt")

    files, skipped = find_files([stories])

    assert files == [stories / "harbour.txt"]
    assert [(Path(s.path), s.reason.split(",")[0]) for s in skipped] == [
        (stories / "archive" / "up.txt", "is a symbolic link to ../../etc/passwd.txt"),
        (stories / "etc", f"is a symbolic link to {secrets.parent}"),
        (stories / "passwd.txt", f"is a symbolic link to {secrets}"),
    ]
    assert all("outside " + str(stories) in s.reason for s in skipped)


def test_a_link_to_a_file_inside_the_folder_is_read_once_under_the_files_name(tmp_path: Path) -> None:
    (tmp_path / "2026").mkdir()
    story = tmp_path / "2026" / "harbour.txt"
    story.write_text("Harbour Reopens\n\nThe harbour reopened.\n")
    (tmp_path / "a-latest.txt").symlink_to(story)
    (tmp_path / "this-year").symlink_to(tmp_path / "2026")

    files, skipped = find_files([tmp_path])

    assert (files, skipped) == ([story], [])


def test_a_link_named_on_the_command_line_is_followed(tmp_path: Path) -> None:
    story = tmp_path / "elsewhere" / "harbour.txt"
    story.parent.mkdir()
    story.write_text("Harbour Reopens\n\nThe harbour reopened.\n")
    link = tmp_path / "latest.txt"
    link.symlink_to(story)

    files, skipped = find_files([link])

    assert (files, skipped) == ([link], [])
    assert load(link)[0].title == "Harbour Reopens"


def test_a_link_loop_in_a_folder_is_passed_on_for_load_file_to_report(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")

    files, skipped = find_files([tmp_path])

    assert (files, skipped) == ([tmp_path / "a.txt", tmp_path / "b.txt"], [])
    assert "could not be read" in bad(tmp_path / "a.txt").reason


def test_an_unsupported_file_is_skipped_naming_its_suffix(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.7")

    _, [skip] = find_files([tmp_path])

    assert (skip.path, skip.reason) == (str(tmp_path / "notes.pdf"), "has an unsupported suffix '.pdf'")


def test_supported_suffixes_cover_every_format() -> None:
    assert {".txt", ".text", ".json", ".jsonl", ".ndjson", ".html", ".htm", ".xml", ".rss", ".atom"} == set(
        SUPPORTED_SUFFIXES
    )


# --- plain text -----------------------------------------------------------------------------------


def test_plain_text_with_publication_and_section_lines() -> None:
    path = FIXTURES / "council_water_rates.txt"

    [article] = load(path)

    assert article.source == "Harbor City Ledger"
    assert article.section == "Metro"
    assert article.title == "Council Approves 9 Percent Water Rate Increase After Four-Hour Hearing"
    assert len(article.paragraphs) == 5
    assert article.paragraphs[0].startswith("The Harbor City Council voted 6-3 on Tuesday night")
    assert article.paragraphs[-1].endswith("discount program for low-income households.")
    assert article.location == str(path)
    assert article.article_id == article_id_for(title=article.title, source="Harbor City Ledger")


def test_plain_text_starting_with_the_headline_joins_hard_wrapped_lines() -> None:
    [article] = load(FIXTURES / "transit_strike_headline_first.txt")

    assert article.title == "Bus Drivers Vote to Authorize Strike as Contract Talks Stall"
    assert (article.source, article.section) == ("", "")
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0] == (
        "Bus drivers for the Midland Regional Transit Authority voted overwhelmingly on Sunday to "
        "authorize a strike, raising the prospect of the first service shutdown in the region in "
        "nearly two decades."
    )


def test_a_headline_with_its_subhead_keeps_the_lede_as_a_paragraph(tmp_path: Path) -> None:
    lede = (
        "Rep. Ana Ruiz, the top Democrat on the committee, called on the president to retaliate "
        "against the hackers for interference in the election -- meddling the congresswoman said "
        'is designed to "sow discord" in American politics.'
    )
    path = tmp_path / "subhead.txt"
    path.write_text(
        "Lawmaker urges retaliation on hackers;\nMember of House panel says U.S. must keep them out.\n\n"
        f"{lede}\n\nShe spoke on Wednesday.\n",
        encoding="utf-8",
    )

    [article] = load(path)

    assert article.title == "Lawmaker urges retaliation on hackers;"
    assert (article.source, article.section) == ("", "")
    assert article.paragraphs == ("Member of House panel says U.S. must keep them out.", lede, "She spoke on Wednesday.")


def test_plain_text_without_blank_lines_has_one_paragraph_per_line(tmp_path: Path) -> None:
    path = tmp_path / "brief.txt"
    path.write_text("Ferry Adds Late Sailing\nThe ferry adds a 9 p.m. sailing.\nIt starts Monday.\n")

    [article] = load(path)

    assert article.title == "Ferry Adds Late Sailing"
    assert article.paragraphs == ("The ferry adds a 9 p.m. sailing.", "It starts Monday.")


DATA_TXT = Path(__file__).parent.parent / "data" / "txt"
# data/README.md: the Seversk story is copied as printed, and the print carries no date.
UNDATED_AS_PRINTED = "los-angeles-chronicle_seversk-withdrawal.txt"


def test_every_dated_demo_txt_loads_with_its_date() -> None:
    dated = {path.name: load(path)[0].date for path in sorted(DATA_TXT.glob("*.txt"))}

    assert len(dated) == 9
    assert dated.pop(UNDATED_AS_PRINTED) == ""
    assert all(dated.values()), [name for name, date in dated.items() if not date]
    assert dated["varnholm-courier_2026-09-13_lothe-floods-varnholm.txt"] == "2026-09-13"
    assert dated["tarvik-evening-post_2026-10-15_first-mayoral-debate.txt"] == "2026-10-15"


def _txt(folder: Path, text: str, name: str = "story.txt") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_date_line_under_the_headline_dates_the_txt_and_is_no_paragraph(tmp_path: Path) -> None:
    path = _txt(tmp_path, "Varnholm Courier\nLocal News\n\nFlood Levy Passes\n\n2026-11-25\n\n"
                "The council passed the levy.\n\nIt takes effect in January.\n")

    [article] = load(path)

    assert article.date == "2026-11-25"
    assert (article.source, article.title) == ("Varnholm Courier", "Flood Levy Passes")
    assert article.paragraphs == ("The council passed the levy.", "It takes effect in January.")


@pytest.mark.parametrize("line", ["November 25, 2026", "Published: 25 November 2026",
                                  "Tuesday, Nov. 25, 2026, 9:15 a.m.", "Published: 2026-11-25T09:15:00Z"])
def test_date_lines_in_the_shapes_papers_print_them(tmp_path: Path, line: str) -> None:
    path = _txt(tmp_path, f"Flood Levy Passes\n{line}\n\nThe council passed the levy.\n")

    [article] = load(path)

    assert article.date == "2026-11-25"
    assert article.paragraphs == ("The council passed the levy.",)


def test_published_wins_over_updated(tmp_path: Path) -> None:
    path = _txt(tmp_path, "Flood Levy Passes\nUpdated: 2026-11-27\nPublished: 2026-11-25\n\nThe levy passed.\n")

    assert load(path)[0].date == "2026-11-25"


def test_a_date_deep_in_the_article_or_a_lone_weekday_is_no_date_line(tmp_path: Path) -> None:
    path = _txt(tmp_path, "Flood Levy Passes\n\nMonday\n\nOne.\n\nTwo.\n\nThree.\n\nFour.\n\n"
                "Five.\n\n2026-11-25\n")

    [article] = load(path)

    assert article.date == ""
    assert article.paragraphs == ("Monday", "One.", "Two.", "Three.", "Four.", "Five.", "2026-11-25")


def test_front_matter_dates_the_txt_and_is_no_text(tmp_path: Path) -> None:
    path = _txt(tmp_path, "---\ndate: 2026-11-25\nauthor: Jo Lind\n---\nFlood Levy Passes\n\nThe levy passed.\n")

    [article] = load(path)

    assert article.date == "2026-11-25"
    assert article.title == "Flood Levy Passes"
    assert article.paragraphs == ("The levy passed.",)


def test_a_front_matter_date_that_is_no_date_names_the_file_and_value(tmp_path: Path) -> None:
    path = _txt(tmp_path, "---\ndate: next spring\n---\nFlood Levy Passes\n\nThe levy passed.\n")

    assert "'next spring' as its front matter 'date', which is not a date" in bad(path).reason


def test_the_file_name_dates_a_txt_with_no_date_inside(tmp_path: Path) -> None:
    path = _txt(tmp_path, "Flood Levy Passes\n\nThe levy passed.\n", name="2026-11-20-varnholm-flood.txt")

    assert load(path)[0].date == "2026-11-20"


def test_date_line_then_front_matter_then_file_name(tmp_path: Path) -> None:
    front = "---\ndate: 2026-11-22\n---\n"
    versions = {
        "all three": front + "Flood Levy Passes\n2026-11-25\n\nThe levy passed.\n",
        "front matter and name": front + "Flood Levy Passes\n\nThe levy passed.\n",
        "name only": "Flood Levy Passes\n\nThe levy passed.\n",
    }
    dates = {}
    for n, (label, text) in enumerate(versions.items()):
        (tmp_path / str(n)).mkdir()
        dates[label] = load(_txt(tmp_path / str(n), text, name="courier_2026-11-20_levy.txt"))[0].date

    assert dates == {"all three": "2026-11-25", "front matter and name": "2026-11-22", "name only": "2026-11-20"}


def test_windows_1252_text_is_decoded_with_its_accents_and_curly_quotes() -> None:
    [article] = load(FIXTURES / "festival_cp1252.txt")

    assert article.paragraphs[0].startswith("The Fête du Port, the waterfront festival")
    assert article.paragraphs[1].startswith("“We’re thrilled — truly thrilled — to bring it back,” said")
    assert "Renée Lavoie, the festival’s director. The café stalls" in article.paragraphs[1]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_text_with_a_byte_order_mark_loads_without_it(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("Café Reopens on Main Street\r\n\r\nThe café reopened on Monday.\r\n".encode(encoding))

    [article] = load(path)

    assert article.title == "Café Reopens on Main Street"
    assert article.paragraphs == ("The café reopened on Monday.",)


SHORT_WESTERN = 'Café Owner Speaks\r\n\r\n"Ça va," said owner Zoë Brünn.\r\n'


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8", "utf-8-sig", "utf-16"])
def test_a_headline_and_a_sentence_keep_their_accents_in_every_western_encoding(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "cafe.txt"
    path.write_bytes(SHORT_WESTERN.encode(encoding))

    [article] = load(path)

    assert article.title == "Café Owner Speaks"
    assert article.paragraphs == ('"Ça va," said owner Zoë Brünn.',)


def test_short_windows_1252_keeps_curly_quotes_and_the_em_dash(tmp_path: Path) -> None:
    path = tmp_path / "fete.txt"
    path.write_bytes(b"F\xeate Returns to the Harbour\r\n\r\n"
                     b"\x93We\x92re back \x97 truly,\x94 said Ren\xe9e Dubois.\r\n")

    [article] = load(path)

    assert article.title == "Fête Returns to the Harbour"
    assert article.paragraphs == ("“We’re back — truly,” said Renée Dubois.",)


SEVERSK = (
    "Северск готовится к зиме\n\n"
    "В Северске на этой неделе начался отопительный сезон. Городские власти сообщили, что все "
    "котельные работают в штатном режиме. Жители многоквартирных домов уже получили тепло.\n\n"
    "«Мы подготовились заранее», — сказал глава города Иван Петров. По его словам, запасов угля "
    "хватит до весны.\n"
)


def test_a_windows_1251_article_in_russian_is_read_as_cyrillic(tmp_path: Path) -> None:
    path = tmp_path / "seversk.txt"
    path.write_bytes(SEVERSK.encode("cp1251"))

    [article] = load(path)

    assert article.title == "Северск готовится к зиме"
    assert article.paragraphs[0].startswith("В Северске на этой неделе начался отопительный сезон.")
    assert article.paragraphs[1].startswith("«Мы подготовились заранее», — сказал глава города Иван Петров.")


def test_bytes_windows_1252_leaves_undefined_are_read_as_latin_1(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(b"Caf\xe9 Owner Speaks\n\nThe caf\xe9 reopened\x81 on Monday.\n")

    [article] = load(path)

    assert article.title == "Café Owner Speaks"
    assert article.paragraphs == ("The café reopened\x81 on Monday.",)


def test_direction_controls_are_taken_out_of_headlines_and_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "spoof.txt"
    path.write_text("Mayor \u202eseigologa\u202c Resigns\n\n"
                    "\u2066The mayor\u2069 said \u2067\u2068nothing\u2069\u2069 more.\n", encoding="utf-8")

    [article] = load(path)

    assert article.title == "Mayor seigologa Resigns"
    assert article.paragraphs == ("The mayor said nothing more.",)


def test_direction_controls_escaped_in_json_go_and_zero_width_joiners_stay(tmp_path: Path) -> None:
    path = tmp_path / "spoof.json"
    path.write_text(json.dumps({"title": "Budget \u202eDeal\u202c Agreed",
                                "author": "\u202bRana Haddad\u202c",
                                "text": "The council\u2066 agreed.\n\nShe said it was a \u0915\u094d\u200d\u0937 moment."}),
                    encoding="utf-8")

    [article] = load(path)

    assert (article.title, article.author) == ("Budget Deal Agreed", "Rana Haddad")
    assert article.paragraphs == ("The council agreed.", "She said it was a \u0915\u094d\u200d\u0937 moment.")


def test_headline_without_paragraphs_is_refused() -> None:
    error = bad(FIXTURES / "headline_only.txt")

    assert "has a headline but no paragraphs" in error.reason
    assert "blank line" in error.reason


# --- JSON ----------------------------------------------------------------------------------------


def test_json_list_reads_every_article_with_its_metadata() -> None:
    path = FIXTURES / "wire_articles.json"

    fine, library, robotics = load(path)

    assert [a.location for a in (fine, library, robotics)] == [f"{path}#1", f"{path}#2", f"{path}#3"]
    assert fine.title == "State Regulators Fine Utility $4.2 Million Over Summer Outages"
    assert fine.source == "The Midland Courier"  # from "publication"
    assert fine.section == "Business"
    assert fine.author == "Priya Raman, Tom Kessler"
    assert fine.url == "https://www.midlandcourier.example/business/2026/11/03/utility-fine-outages/"
    assert fine.article_id == article_id_for(explicit="mc-2026-11-03-0147")
    assert len(fine.paragraphs) == 3
    assert fine.paragraphs[2] == (
        '"This was preventable," said Commissioner Alicia Brandt. '
        '"The company knew where the risks were and did not act."'
    )


def test_json_dates_become_iso_dates_in_the_writers_time_zone() -> None:
    fine, library, robotics = load(FIXTURES / "wire_articles.json")

    assert fine.date == "2026-11-03"  # "2026-11-03T16:45:00-06:00", not moved to UTC
    assert library.date == "2026-11-03"  # RFC 2822 in "published"
    assert robotics.date == "2026-11-03"  # "November 3, 2026"


def test_json_body_without_blank_lines_splits_on_single_newlines() -> None:
    _, library, _ = load(FIXTURES / "wire_articles.json")

    assert library.paragraphs == (
        "The Midland Public Library board voted on Monday to keep three branches open until 8 p.m. "
        "on Saturdays, starting next month.",
        "The change follows a pilot program last spring that drew more than 11,000 additional visits.",
        "The library's director, Samuel Ortiz, said the extra hours would be paid for with a state grant.",
    )
    assert library.author == "Grace Liu"


def test_json_paragraph_list_is_whitespace_normalised_and_empty_entries_dropped() -> None:
    *_, robotics = load(FIXTURES / "wire_articles.json")

    assert len(robotics.paragraphs) == 3
    assert robotics.paragraphs[1] == (
        "The team's robot, nicknamed Gus, placed second at the regional championship in October."
    )


def test_single_json_object_without_title_is_titled_by_its_first_sentence() -> None:
    path = FIXTURES / "single_untitled.json"

    [article] = load(path)

    assert article.location == str(path)
    assert article.title == "The Harbor City ferry will add two evening crossings to Kelp Island beginning…"
    assert len(article.title) <= 80
    assert article.url == "https://ledger.example/news/ferry-schedule"
    assert article.article_id == article_id_for(url="https://ledger.example/news/ferry-schedule")
    assert article.date == "2026-10-30"


def test_short_first_sentence_is_the_whole_fallback_title(tmp_path: Path) -> None:
    path = tmp_path / "brief.json"
    path.write_text(json.dumps({"text": "Elm Street reopened. Crews finished early."}))

    [article] = load(path)

    assert article.title == "Elm Street reopened."


def test_json_object_with_an_articles_list() -> None:
    path = FIXTURES / "newsletter_articles.json"

    cooling, market = load(path)

    assert cooling.title == "City Opens Two Cooling Centers as Heat Advisory Continues"
    assert cooling.date == "2026-07-14"
    assert (cooling.location, market.location) == (f"{path}#1", f"{path}#2")


def test_numeric_json_id_is_an_explicit_id(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"id": 4411, "title": "Pool Opens", "text": "The pool opened."}))

    [article] = load(path)

    assert article.article_id == article_id_for(explicit="4411")


def test_malformed_json_names_line_and_column() -> None:
    error = bad(FIXTURES / "malformed.json")

    assert (error.line, error.column) == (6, 3)
    assert error.reason == "not valid JSON (Expecting ',' delimiter); fix the file and re-run newsrag ingest"
    assert str(error).startswith(f"{FIXTURES / 'malformed.json'} line 6 column 3: ")


def test_json_article_without_text_names_the_article_and_the_fields_to_add() -> None:
    error = bad(FIXTURES / "missing_text.json")

    assert error.reason == (
        "article 3 ('Bridge Repairs to Close Two Lanes') has no text: "
        "add a 'text', 'body' or 'paragraphs' field"
    )


def test_unparseable_json_date_names_the_field_and_value() -> None:
    error = bad(FIXTURES / "bad_date.json")

    assert "'sometime next spring' in its 'date' field, which is not a date" in error.reason
    assert "2026-11-03" in error.reason


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ([], "holds an empty list: there are no articles in it"),
        ("just a headline", "holds a string, not an article object"),
        ({"articles": {"title": "x"}}, "its 'articles' field is an object, not a list"),
        ([{"title": "Fine", "text": "Fine."}, 42], "article 2 is a number, not an article object"),
        ({"title": 2026, "text": "Budget."}, "has a number in its 'title' field where a string belongs"),
        ({"title": "Budget", "text": "   \n\n  "}, "has no paragraphs: its 'text' field is empty"),
        ({"title": "Budget", "text": ["a", "b"]}, "has a list in its 'text' field"),
        ({"title": "Budget", "paragraphs": "one"}, "has a 'paragraphs' field that is not a list of strings"),
        ({"title": "Budget", "text": "Passed.", "author": {"name": "Ann"}}, "in its 'author' field"),
        ([["nested"]], "article 1 is a list, not an article object"),
    ],
)
def test_json_of_the_wrong_shape_is_refused_saying_what_is_wrong(
    tmp_path: Path, document: object, expected: str
) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(document))

    assert expected in bad(path).reason


def test_absurdly_deep_json_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)

    assert "nests lists or objects too deeply" in bad(path).reason


# --- JSON Lines ----------------------------------------------------------------------------------


def test_json_lines_are_located_by_line_number_skipping_blank_lines() -> None:
    path = FIXTURES / "wire_feed.jsonl"

    wildfire, rail, university = load(path)

    assert [a.location for a in (wildfire, rail, university)] == [f"{path}#1", f"{path}#3", f"{path}#4"]
    assert wildfire.paragraphs == (
        "Firefighters had contained 40 percent of the Cedar Creek fire near Pine Ridge by Tuesday "
        "evening, the state forestry agency said.",
        "Evacuation orders for about 1,200 homes remain in effect.",
    )
    assert university.author == "Lena Park"
    assert university.paragraphs[1] == "He will take office in January."


def test_one_bad_json_line_fails_the_whole_file_naming_the_line() -> None:
    error = bad(FIXTURES / "bad_line.jsonl")

    assert error.line == 2
    assert error.column is not None
    assert error.reason.startswith("not valid JSON (")
    assert error.reason.endswith("fix or delete the line and re-run newsrag ingest")


def test_json_line_without_text_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.ndjson"
    path.write_text('{"title": "A", "text": "Fine."}\n{"title": "Tax Vote Delayed", "summary": "x"}\n')

    error = bad(path)

    assert error.line == 2
    assert str(error) == (
        f"{path} line 2: article 2 ('Tax Vote Delayed') has no text: "
        "add a 'text', 'body' or 'paragraphs' field"
    )


def test_line_separator_inside_a_json_string_does_not_split_the_json_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    line = json.dumps({"title": "Port Deal", "text": "Signed\u2028today."}, ensure_ascii=False)
    path.write_text(line + "\n")

    [article] = load(path)

    assert (article.title, article.location) == ("Port Deal", f"{path}#1")


def export_of_50_with_article_18_broken(path: Path) -> Path:
    stories = [{"title": f"Story {n}", "text": f"Paragraph of story {n}."} for n in range(1, 51)]
    stories[17] = {"title": "Broken", "text": None}
    path.write_text(json.dumps(stories))
    return path


def test_a_bad_article_of_a_json_export_fails_alone_naming_its_number(tmp_path: Path) -> None:
    path = export_of_50_with_article_18_broken(tmp_path / "export.json")

    articles, failures = entries(path)

    assert len(articles) == 49
    assert "Story 18" not in {a.title for a in articles}
    assert articles[17].location == f"{path}#19"
    [broken] = failures
    assert (broken.path, broken.entry, broken.line) == (str(path), 18, None)
    assert str(broken) == f"{path}: article 18 ('Broken') has no text: add a 'text', 'body' or 'paragraphs' field"


def test_an_articles_list_in_an_object_fails_per_entry_too(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"articles": [{"title": "Fine", "text": "Fine."}, 42]}))

    articles, [failure] = entries(path)

    assert [a.title for a in articles] == ["Fine"]
    assert failure.entry == 2 and "article 2 is a number" in failure.reason


def test_a_json_export_cut_off_mid_list_still_fails_whole(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text('[{"title": "A", "text": "Fine."}, {"title": "B", "te')

    with pytest.raises(BadArticle) as caught:
        list(read_entries(path, max_bytes=LIMIT))

    assert caught.value.entry is None
    assert caught.value.reason.startswith("not valid JSON (")


def test_a_broken_json_line_fails_alone_and_the_lines_after_it_are_read(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"title": "Dam Inspected", "text": "The dam passed."}\n'
                    '{"title": "Cut Off", "text": "The la\n'
                    '{"title": "Ferry Resumes", "text": "Ferries run again."}\n')

    articles, [broken] = entries(path)

    assert [(a.title, a.location) for a in articles] == [("Dam Inspected", f"{path}#1"),
                                                        ("Ferry Resumes", f"{path}#3")]
    assert (broken.line, broken.entry) == (2, None)
    assert str(broken).startswith(f"{path} line 2 column ")
    assert broken.reason.endswith("fix or delete the line and re-run newsrag ingest")


def test_a_feed_item_without_text_fails_alone_naming_the_item(tmp_path: Path) -> None:
    path = tmp_path / "feed.rss"
    path.write_text(_rss("<item><title>Full</title><description>Text.</description></item>"
                         "<item><title>Headline Only</title><link>https://c.example/2</link></item>"
                         "<item><title>Also Full</title><description>More text.</description></item>"))

    articles, [failure] = entries(path)

    assert [(a.title, a.location) for a in articles] == [("Full", f"{path}#1"), ("Also Full", f"{path}#3")]
    assert failure.entry == 2
    assert failure.reason.startswith("entry 2 ('Headline Only') has no text")


# --- HTML ----------------------------------------------------------------------------------------


def test_html_page_gives_story_paragraphs_and_metadata() -> None:
    path = FIXTURES / "harbor_bridge_article.html"

    [article] = load(path)

    assert article.title == "Fourth Street Bridge to Close for Six Weeks of Repairs"
    assert article.source == "Harbor City Ledger"
    assert article.author == "Jordan Meyers"
    assert article.date == "2026-10-12"
    assert article.section == "Transportation"
    assert article.url == "https://ledger.example/news/2026/10/12/fourth-street-bridge-repairs"
    assert article.location == str(path)
    assert len(article.paragraphs) == 5
    assert article.paragraphs[0].startswith("The Fourth Street Bridge, which carries about 38,000 vehicles")
    assert article.paragraphs[-1] == (
        "The $8.6 million project is paid for mostly by a federal infrastructure grant awarded to the "
        "city last year."
    )


def test_html_scripts_navigation_and_footer_do_not_leak_into_paragraphs() -> None:
    [article] = load(FIXTURES / "harbor_bridge_article.html")

    text = " ".join(article.paragraphs)
    for leaked in ["SCRIPT TEXT", "dataLayer", "trackPageView", "Subscribe", "Most read", "Privacy policy",
                   "All rights reserved", "Advertisement", "font-family"]:
        assert leaked not in text


def test_html_page_without_a_story_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "front.html"
    path.write_text("<html><head><title>Home</title><script>var x = 1;</script></head>"
                    "<body><nav><a href='/news'>News</a></nav></body></html>")

    assert "has no article text that could be found" in bad(path).reason


# --- RSS and Atom --------------------------------------------------------------------------------


def test_rss_items_become_articles_with_html_content_as_paragraphs() -> None:
    path = FIXTURES / "midland_courier.rss"

    fire, fair = load(path)

    assert (fire.location, fair.location) == (f"{path}#1", f"{path}#2")
    assert fire.title == "Grain Elevator Fire Forces Evacuation in Ashford"
    assert fire.source == "The Midland Courier"
    assert fire.url == "https://www.midlandcourier.example/news/2026/08/19/ashford-elevator-fire"
    assert fire.article_id == article_id_for(url=fire.url)
    assert fire.author == "Ben Alvarez"
    assert fire.section == "Local"
    assert fire.date == "2026-08-19"  # 22:40 in UTC-5: the printed date, not UTC's 20th
    assert fire.paragraphs == (
        "A fire at the Ashford Co-op grain elevator forced about 300 residents from their homes on "
        "Wednesday evening, the Ashford Fire Department said.",
        "Crews from four counties fought the blaze for more than five hours. No injuries were reported.",
        "“The dust inside these elevators is the real danger,” said Fire Chief Lorraine Hughes. "
        "“We had to keep everyone well back.”",
    )


def test_rss_description_splits_on_double_line_breaks_and_unescapes_entities() -> None:
    _, fair = load(FIXTURES / "midland_courier.rss")

    assert fair.paragraphs == (
        "The Midland County Fair drew 203,450 visitors over its ten days, organizers said on Tuesday.",
        "That beat the previous record, set in 2019, by about 9,000.",
        "Fair officials credited cooler weather & a new Saturday concert series.",
    )
    assert fair.author == "Grace Liu"  # from "editor@midlandcourier.example (Grace Liu)"


def test_atom_entries_join_their_authors_and_fall_back_to_summary_and_updated() -> None:
    path = FIXTURES / "regional_wire.atom"

    drought, parks = load(path)

    assert drought.source == "Regional Wire: State News"
    assert drought.author == "Lena Park, Omar Haddad"
    assert drought.date == "2026-09-02"
    assert len(drought.paragraphs) == 2
    assert parks.paragraphs == (
        "Campers at all 42 state parks can now reserve sites online up to six months ahead, the parks "
        "department said.",
    )
    assert parks.date == "2026-09-01"
    assert parks.location == f"{path}#2"


def test_feed_saved_as_xml_is_read_as_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "courier.xml"
    shutil.copy(FIXTURES / "midland_courier.rss", path)

    assert [a.title for a in load(path)] == [
        "Grain Elevator Fire Forces Evacuation in Ashford",
        "County Fair Attendance Tops 200,000 for First Time",
    ]


def test_xml_that_is_not_a_feed_is_refused() -> None:
    assert "is not an RSS or Atom feed" in bad(FIXTURES / "sitemap.xml").reason


def _rss(items: str) -> str:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Courier</title>{items}</channel></rss>'


def test_feed_entry_without_link_is_identified_by_its_guid(tmp_path: Path) -> None:
    path = tmp_path / "feed.rss"
    path.write_text(_rss("<item><title>Dam Inspected</title><guid isPermaLink='false'>c-77</guid>"
                         "<description>The dam passed inspection.</description></item>"))

    [article] = load(path)

    assert article.article_id == article_id_for(explicit="c-77")
    assert article.url == ""


def test_feed_entry_without_text_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "feed.rss"
    path.write_text(_rss("<item><title>Full</title><description>Text.</description></item>"
                         "<item><title>Headline Only</title><link>https://c.example/2</link></item>"))

    assert bad(path).reason.startswith("entry 2 ('Headline Only') has no text (no content or summary)")


def test_feed_in_the_encoding_its_xml_declaration_names_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "feed.rss"
    feed = _rss("<item><title>Café Reopens</title><description>The café reopened.</description></item>")
    declared = feed.replace('version="1.0"?>', 'version="1.0" encoding="ISO-8859-1"?>')
    path.write_bytes(declared.encode("latin-1"))

    [article] = load(path)

    assert (article.title, article.paragraphs) == ("Café Reopens", ("The café reopened.",))


def test_control_characters_in_feed_html_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "feed.rss"
    path.write_text(_rss("<item><title>Pier Closed</title>"
                         "<description>The pier\x0b closed &lt;b&gt;today&lt;/b&gt;.</description></item>"))

    [article] = load(path)

    assert article.paragraphs == ("The pier closed today.",)


def test_unreadable_encoding_name_in_xml_declaration_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="\xff\xfe8"?><rss version="2.0"><channel/></rss>')

    assert "XML declaration" in bad(path).reason


def test_a_feed_over_the_file_limit_is_read_an_entry_at_a_time(tmp_path: Path) -> None:
    """A feed is a stream, like JSON Lines: the limit is per entry, so a feed larger than it goes in."""
    path = tmp_path / "wire.rss"
    path.write_text(_rss("".join(f"<item><title>Story {i}</title><link>https://c.example/{i}</link>"
                                 f"<description>Paragraph {i} of the wire feed.</description></item>"
                                 for i in range(200))))
    assert path.stat().st_size > 4_000

    articles, failures = entries_within(path, max_bytes=4_000)

    assert ([a.title for a in articles], failures) == ([f"Story {i}" for i in range(200)], [])
    assert (articles[0].source, articles[-1].location) == ("Courier", f"{path}#200")


def test_an_entry_over_the_limit_in_a_feed_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "wire.atom"
    path.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>'
                    "<entry><title>Short</title><summary>A short story.</summary></entry>"
                    f"<entry><title>Huge</title><summary>{'word ' * 2_000}</summary></entry>"
                    "<entry><title>After</title><summary>The story after it.</summary></entry></feed>")

    articles, [huge] = entries_within(path, max_bytes=1_000)

    assert [a.title for a in articles] == ["Short", "After"]
    assert huge.entry == 2 and "entry 2 is over the 1000 bytes limit for one article" in str(huge)


def test_an_rss_1_feed_takes_its_name_from_the_channel_beside_its_items(tmp_path: Path) -> None:
    path = tmp_path / "wire.xml"
    path.write_text('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                    'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                    '<channel rdf:about="https://w.example/"><title>Valley Wire</title></channel>'
                    '<item rdf:about="https://w.example/1"><title>Dam Inspected</title><link>https://w.example/1'
                    "</link><description>The dam passed.</description><dc:creator>Ann Lee</dc:creator>"
                    "<dc:date>2026-01-02T10:00:00-05:00</dc:date></item></rdf:RDF>")

    [article] = load(path)

    assert (article.source, article.author, article.date) == ("Valley Wire", "Ann Lee", "2026-01-02")


def test_a_feed_with_entity_bombs_and_external_entities_expands_and_fetches_nothing(tmp_path: Path) -> None:
    """Entities are left as written: a billion laughs stays a few bytes and a SYSTEM entity
    naming a file on this machine does not bring that file into an article."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PASSWORD")
    laughs = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(2, 10))
    path = tmp_path / "feed.rss"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol1 "lol">{laughs}'
                    f'<!ENTITY leak SYSTEM "file://{secret}">]>'
                    + _rss("<item><title>Dam &lol9; Inspected</title>"
                           "<description>The dam passed &leak; inspection.</description></item>"
                           ).removeprefix('<?xml version="1.0"?>'))

    [article] = load(path)

    text = article.title + " ".join(article.paragraphs)
    assert "lollol" not in text and "TOP-SECRET" not in text
    assert article.paragraphs[0].startswith("The dam passed")


def test_a_feed_that_is_not_well_formed_xml_is_still_read_whole(tmp_path: Path) -> None:
    """Saved feeds often hold a bare ``&``: XML stops there, feedparser reads on, and so does ingest."""
    path = tmp_path / "feed.rss"
    path.write_text(_rss("<item><title>Dam Inspected</title><description>The dam passed.</description></item>"
                         "<item><title>Fish & Chips Shop Opens</title><description>It opened.</description></item>"
                         "<item><title>Ferry Resumes</title><description>Ferries run.</description></item>"))

    assert [a.title for a in load(path)] == ["Dam Inspected", "Fish & Chips Shop Opens", "Ferry Resumes"]


def test_a_large_feed_cut_off_keeps_the_entries_before_the_cut_and_names_its_line(tmp_path: Path) -> None:
    """Over the file limit a feed is never read whole: what came before the break goes in, and the
    break is named so the user can fix it."""
    path = tmp_path / "feed.rss"
    items = "".join(f"<item><title>Story {i}</title><description>Story {i} of the wire.</description></item>\n"
                    for i in range(40))
    path.write_text(_rss(items).replace("</channel></rss>", "<item><title>Cut Off</title><descrip"))

    read = []
    with pytest.raises(BadArticle) as caught:
        for entry in read_entries(path, max_bytes=1_000):
            read.append(entry)

    assert [a.title for a in read] == [f"Story {i}" for i in range(40)]
    assert caught.value.path == str(path)
    assert caught.value.reason.startswith("is not well-formed XML at line 41 (Couldn't find end of Start Tag")
    assert "the entries after entry 40 were not read" in caught.value.reason


def test_feed_without_entries_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "feed.atom"
    path.write_text(_rss(""))

    assert "is a feed with no entries" in bad(path).reason


# --- files that cannot be read -------------------------------------------------------------------


def test_empty_file_is_refused() -> None:
    assert bad(FIXTURES / "empty.txt").reason == "is empty; add an article to it or remove it"


@pytest.mark.parametrize("name", ["blank.txt", "blank.json", "blank.rss"])
def test_whitespace_only_file_is_empty(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("  \n\n\t\n")

    assert "is empty" in bad(path).reason


@pytest.mark.parametrize("name", ["photo.txt", "export.json", "feed.rss", "page.html"])
def test_binary_file_is_refused_whatever_its_suffix(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))

    assert bad(path).reason.startswith("looks like a binary file, not an article")


def test_nul_bytes_mark_a_file_as_binary_even_when_it_is_valid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_bytes(b'{"title": "x"}\x00\x00\x00\x01\x02')

    assert bad(path).reason.startswith("looks like a binary file, not an article")


def test_bytes_that_fit_no_text_encoding_are_refused_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(random.Random(7).randbytes(4096).replace(b"\x00", b"\x01"))

    assert bad(path).reason.startswith("looks like a binary file, not an article")


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "dump.json"
    with path.open("wb") as sparse:
        sparse.truncate(int(31.2 * MiB))

    error = bad(path, max_bytes=25 * MiB)

    assert error.reason == "is 31.2 MiB, over the 25 MiB limit; raise NEWSRAG_MAX_FILE_MB or split the file"


def test_size_message_gives_exact_bytes_when_both_sizes_round_alike(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(b"x" * 1126)

    assert bad(path, max_bytes=1100).reason.startswith("is 1,126 bytes, over the 1,100 bytes limit")


def test_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    assert bad(tmp_path / "nowhere.txt").reason == "does not exist; check the path"


def test_dangling_symlink_is_reported_as_broken(tmp_path: Path) -> None:
    link = tmp_path / "latest.json"
    link.symlink_to(tmp_path / "deleted.json")

    assert bad(link).reason.startswith("is a broken symbolic link")


@pytest.mark.parametrize("name", ["stories", "stories.json"])
def test_directory_passed_as_a_file_is_refused(tmp_path: Path, name: str) -> None:
    directory = tmp_path / name
    directory.mkdir()

    assert bad(directory).reason.startswith("is a directory, not a file")


def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "stream.txt"
    os.mkfifo(fifo)

    assert bad(fifo).reason.startswith("is not a regular file")


def test_unsupported_suffix_lists_what_is_read(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7")

    assert bad(path).reason.startswith("has an unsupported suffix '.pdf'; newsrag reads .atom, .htm, .html")


def test_a_json_lines_feed_over_the_file_limit_is_read_a_line_at_a_time(tmp_path: Path) -> None:
    """JSON Lines is a stream: the limit is per article, so a feed larger than it goes in whole."""
    feed = tmp_path / "wire.jsonl"
    lines = [json.dumps({"title": f"Story {i}", "text": f"Paragraph {i} of the wire feed, with some words."})
             for i in range(200)]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert feed.stat().st_size > 4_000

    entries = list(read_entries(feed, max_bytes=4_000))

    assert [e.title for e in entries] == [f"Story {i}" for i in range(200)]


def test_an_article_over_the_limit_in_a_json_lines_feed_fails_alone(tmp_path: Path) -> None:
    feed = tmp_path / "wire.jsonl"
    feed.write_text(json.dumps({"title": "Short", "text": "A short story."}) + "\n"
                    + json.dumps({"title": "Huge", "text": "word " * 2_000}) + "\n"
                    + json.dumps({"title": "After", "text": "The story after the huge one."}) + "\n",
                    encoding="utf-8")

    entries = list(read_entries(feed, max_bytes=1_000))

    assert [e.title for e in entries if not isinstance(e, BadArticle)] == ["Short", "After"]
    [huge] = [e for e in entries if isinstance(e, BadArticle)]
    assert huge.line == 2 and "over the 1000 bytes limit for one article" in str(huge)
