"""The `newsrag` command, through click's CliRunner: same behaviour as the Python API."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rag import Settings
from ui.cli import cli


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_every_command_has_help_with_an_example() -> None:
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert command.help and "Example" in command.help, name


def test_ingest_json_summary_has_the_documented_keys(tmp_path: Path, seed_dir: Path) -> None:
    result = run("ingest", str(seed_dir), "--db", str(tmp_path / "db"), "--json")
    assert result.exit_code == 0
    summary = json.loads(result.output)
    assert set(summary) >= {
        "files_seen", "articles_added", "articles_updated", "articles_unchanged", "paragraphs_added",
        "paragraphs_updated", "paragraphs_unchanged", "skipped", "failed",
    }
    assert summary["articles_added"] == 1 and summary["failed"] == []


def test_ingest_exits_2_when_some_files_fail(tmp_path: Path, seed_dir: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    result = run("ingest", str(seed_dir), str(tmp_path / "broken.json"), "--db", str(tmp_path / "db"), "--json")
    assert result.exit_code == 2
    summary = json.loads(result.stdout)
    assert summary["articles_added"] == 1
    assert summary["failed"][0]["path"].endswith("broken.json")


def test_ingest_names_each_bad_entry_and_exits_2_while_the_rest_go_in(tmp_path: Path) -> None:
    wire = tmp_path / "wire.jsonl"
    wire.write_text(json.dumps({"title": "Dam Inspected", "text": "The dam passed."}) + "\n"
                    + '{"title": "Cut Off", "text": "The la\n', encoding="utf-8")
    export = tmp_path / "export.json"
    export.write_text(json.dumps([{"title": "Broken", "text": None}, {"title": "Fine", "text": "Fine."}]),
                      encoding="utf-8")

    result = run("ingest", str(wire), str(export), "--db", str(tmp_path / "db"), "--json")

    assert result.exit_code == 2
    summary = json.loads(result.stdout)
    assert summary["articles_added"] == 2
    assert [(Path(f["path"]).name, f["line"], f["entry"]) for f in summary["failed"]] == [
        ("wire.jsonl", 2, None), ("export.json", None, 1)]
    assert summary["failed"][1]["error"] == f"{export}: article 1 ('Broken') has no text: add a 'text', 'body' " \
                                            "or 'paragraphs' field"


def test_ingest_summary_counts_failed_entries_apart_from_failed_files(tmp_path: Path) -> None:
    wire = tmp_path / "wire.jsonl"
    wire.write_text(json.dumps({"title": "Dam Inspected", "text": "The dam passed."}) + "\n{cut\n", encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")

    result = run("ingest", str(tmp_path), "--db", str(tmp_path / "db"), "--quiet")

    assert result.exit_code == 2
    assert "failed 1 file and 1 entry:" in result.stderr
    assert f"{wire} line 2 column 2: not valid JSON" in result.stderr
def test_ingest_does_not_follow_a_link_out_of_the_folder_and_says_why(tmp_path: Path) -> None:
    secret = tmp_path / "passwd.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n\ndaemon:x:1:1:daemon:/usr/sbin\n", encoding="utf-8")
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "harbour.txt").write_text("Harbour Reopens\n\nThe harbour reopened on Monday.\n", encoding="utf-8")
    (folder / "accounts.txt").symlink_to(secret)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.7")

    result = run("ingest", str(folder), "--db", str(tmp_path / "db"), "--quiet")

    assert result.exit_code == 0
    assert "articles 1 added" in result.output
    lines = result.output.splitlines()
    assert lines[lines.index("skipped 2 file(s):") + 1:] == [
        f"  {folder / 'accounts.txt'}: is a symbolic link to {secret}, outside {folder}; links that leave "
        "the folder are not followed: copy the file into the folder or name it on the command line",
        f"  {folder / 'notes.pdf'}: has an unsupported suffix '.pdf'",
    ]
    searched = run("search", "root daemon bash", "--db", str(tmp_path / "db"))
    assert searched.exit_code == 0 and "root:x" not in searched.output


def test_bad_usage_exits_1() -> None:
    assert CliRunner().invoke(cli, ["ingest"]).exit_code == 1
    assert CliRunner().invoke(cli, ["ask", "x", "--k", "lots"]).exit_code == 1
    assert CliRunner().invoke(cli, ["no-such-command"]).exit_code == 1


def test_db_and_chroma_url_together_is_bad_usage(tmp_path: Path, seed_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(seed_dir), "--db", "x", "--chroma-url", "http://127.0.0.1:1"])
    assert result.exit_code == 1 and "not both" in result.output


def test_help_shows_each_settings_env_name_and_real_default() -> None:
    text = " ".join(run("ingest", "--help").output.split())
    assert "[env NEWSRAG_ENCODER; default onnx]" in text
    assert "[env NEWSRAG_DB; default ./newsrag-db]" in text
    ui_help = " ".join(run("ui", "--help").output.split())
    assert "--no-uploads" in ui_help and "[env NEWSRAG_UPLOADS; default true]" in ui_help


def test_ask_json_prints_one_object_with_citations(seed_settings: Settings) -> None:
    result = run("ask", "what did Pushilin say?", "--db", str(seed_settings.db), "--json")
    assert result.exit_code == 0
    answer = json.loads(result.output)
    assert set(answer) >= {"question", "mode", "answer", "citations", "quotes"}
    assert answer["mode"] == "attribution"
    assert answer["citations"] and set(answer["citations"][0]) >= {
        "n", "article_id", "title", "source", "date", "paragraph", "text", "location", "score"
    }
    assert {q["speaker"] for q in answer["quotes"]} == {"Denis Pushilin"}


def test_ask_json_says_how_sure_the_answer_is(seed_settings: Settings) -> None:
    db = ["--db", str(seed_settings.db), "--json"]
    answered = json.loads(run("ask", "Why did the Ukrainian army leave Seversk?", *db).output)
    refused = json.loads(run("ask", "What did the mayor of Lisbon say about tourism?", *db).output)
    quoted = json.loads(run("ask", "what did Pushilin say?", *db).output)
    assert (answered["mode"], answered["confidence"]) == ("extractive", "answered")
    assert (refused["mode"], refused["confidence"]) == ("none", "refused")
    assert (quoted["mode"], quoted["confidence"]) == ("attribution", "answered")


def test_ask_about_an_archive_does_not_mark_old_evidence_down(demo_settings: Settings) -> None:
    # Asked as of a year after the demo corpus, the default reads its paragraphs as stale news and
    # refuses; an archive's questions ask about any time (NEWSRAG_QUESTIONS=archive, --questions).
    ask = ["ask", "Why haven't Varnholm's rebuilding supplies arrived?", "--db", str(demo_settings.db),
           "--json", "--until", "2028-01-01"]
    latest = json.loads(run(*ask).output)
    archive = json.loads(run(*ask, "--questions", "archive").output)
    assert latest["confidence"] == "refused"
    assert archive["confidence"] == "answered" and archive["citations"]
    bad = run(*ask, "--questions", "history")
    assert bad.exit_code != 0 and "history" in bad.output


def test_ask_human_output_lists_cited_paragraphs(seed_settings: Settings) -> None:
    result = run("ask", "Why did the Ukrainian army leave Seversk?", "--db", str(seed_settings.db))
    assert result.exit_code == 0
    assert "[1]" in result.output and "Sources:" in result.output


def test_search_json_returns_hits(seed_settings: Settings) -> None:
    result = run("search", "buffer zone", "--db", str(seed_settings.db), "--k", "2", "--json")
    hits = json.loads(result.output)["hits"]
    assert len(hits) == 2 and "buffer zone" in hits[0]["text"]


def test_quotes_json_lists_every_stored_quote(seed_settings: Settings) -> None:
    result = run("quotes", "--db", str(seed_settings.db), "--json")
    rows = json.loads(result.output)["quotes"]
    assert {"speaker", "speaker_as_written", "role", "text", "kind", "cue", "article_id", "title", "source",
            "date", "paragraph", "location"} <= set(rows[0])
    speakers = {r["speaker"] for r in rows}
    assert {"Denis Pushilin", "Elena Petrova"} <= speakers
    only = json.loads(run("quotes", "--db", str(seed_settings.db), "--speaker", "Petrova", "--json").output)
    assert {r["speaker"] for r in only["quotes"]} == {"Elena Petrova"}


@pytest.mark.parametrize("command", [["ask", "anything"], ["search", "anything"], ["quotes"]])
def test_missing_index_tells_the_user_to_ingest(tmp_path: Path, command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--db", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "newsrag ingest" in result.output


def test_bad_date_filter_is_a_clear_error(seed_settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["ask", "Seversk", "--db", str(seed_settings.db), "--since", "last week"])
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.output


def test_ask_all_shows_every_speaker_of_a_broad_topic(demo_settings: Settings) -> None:
    question = ["ask", "who said what about the flood?", "--db", str(demo_settings.db), "--json"]
    some = json.loads(run(*question).output)
    assert some["shown_speakers"] == 10 < some["total_speakers"] and some["hidden_statements"] > 0
    assert f"Showing 10 of {some['total_speakers']} speakers" in some["answer"]
    everyone = json.loads(run(*question, "--all").output)
    assert everyone["shown_speakers"] == everyone["total_speakers"] == some["total_speakers"]
    assert everyone["hidden_statements"] == 0


def test_killing_newsrag_ui_stops_the_chat_server(tmp_path: Path) -> None:
    """`kill <pid of newsrag ui>` (SIGTERM, as a service manager sends) must not leave Streamlit
    serving the port: the command becomes the server rather than waiting on a child."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ORT_DISABLE_TELEMETRY="1")
    cmd = [sys.executable, "-c", "from ui.cli import cli; cli()", "ui", "--db", str(tmp_path / "db"),
           "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, cwd=Path(__file__).resolve().parents[1], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)

    def serving() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                return response.read().strip() == b"ok"
        except OSError:
            return False

    try:
        deadline = time.monotonic() + 90
        while not serving():
            assert proc.poll() is None, f"newsrag ui exited with {proc.returncode} before serving"
            assert time.monotonic() < deadline, "the chat server did not start in 90 s"
            time.sleep(0.5)
        os.kill(proc.pid, signal.SIGTERM)  # the one process the user started, not its group
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while serving() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not serving(), "the Streamlit server outlived `newsrag ui`"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)



WIRE = ['"The harbour wall will be rebuilt before the winter storms," said Mayor Ana Berg on Tuesday.',
        "The council approved the money for the repairs after a long debate about the ferry terminal."]


@pytest.fixture(scope="module")
def wire_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One wire story printed by two papers: the same paragraphs under two sources."""
    folder = tmp_path_factory.mktemp("wire")
    for source in ("Harbour Post", "Coast Daily"):
        (folder / f"{source.split()[0].lower()}.json").write_text(json.dumps({
            "title": f"Harbour wall to be rebuilt ({source})", "source": source, "date": "2026-09-01",
            "paragraphs": WIRE}), encoding="utf-8")
    db = folder / "db"
    assert run("ingest", str(folder), "--db", str(db), "--json", "--quiet").exit_code == 0
    return db


def _paragraph_fields() -> set[str]:
    """A paragraph's fields as every --json object names them (``number`` is ``paragraph``)."""
    import dataclasses

    from rag import Paragraph

    return {"paragraph" if f.name == "number" else f.name for f in dataclasses.fields(Paragraph)}


def test_search_json_lists_the_other_copies_of_a_wire_paragraph_in_also_in(wire_db: Path) -> None:
    from rag import NewsIndex

    hit = json.loads(run("search", "harbour wall rebuilt", "--db", str(wire_db), "--k", "1", "--json").output)["hits"][0]
    api = NewsIndex.open(db=wire_db).search("harbour wall rebuilt", k=1)[0]
    assert [p["paragraph_id"] for p in hit["also_in"]] == [p.paragraph_id for p in api.also_in]
    assert {hit["source"], *(p["source"] for p in hit["also_in"])} == {"Harbour Post", "Coast Daily"}
    assert set(hit["sources"]) == {"Harbour Post", "Coast Daily"}
    assert set(hit) >= _paragraph_fields() | {"score", "also_in", "context", "sources"}
    assert set(hit["also_in"][0]) >= _paragraph_fields()


def test_every_json_command_prints_every_field_the_api_returns(wire_db: Path) -> None:
    import dataclasses

    from rag import Answer, CorpusStats, Quote
    from rag.schema import IngestReport, RemoveReport

    def names(cls: type) -> set[str]:
        return {f.name for f in dataclasses.fields(cls)}

    db = ["--db", str(wire_db)]
    ingested = json.loads(run("ingest", str(wire_db.parent), *db, "--json", "--quiet").output)
    assert set(ingested) == names(IngestReport) and ingested["articles_unchanged"] == 2
    asked = json.loads(run("ask", "what did Ana Berg say?", *db, "--json").output)
    # Answer.text is printed as "answer", the field the README has documented from the start.
    assert set(asked) >= names(Answer) - {"text"} | {"answer", "quotes", "reason", "nearest", "shown_speakers"}
    quoted = json.loads(run("quotes", *db, "--json").output)["quotes"]
    assert quoted and set(quoted[0]) >= names(Quote) | _paragraph_fields() - {"text", "quotes"}
    stats = json.loads(run("stats", *db, "--json").output)
    assert set(stats) == names(CorpusStats) and stats["articles"] == 2
    removed = json.loads(run("remove", "--source", "Coast Daily", "--dry-run", *db, "--json").output)
    assert set(removed) == names(RemoveReport) and removed["dry_run"] is True
    assert set(removed["articles"][0]) == {"article_id", "title", "source", "location", "paragraphs", "quotes"}
