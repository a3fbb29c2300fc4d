"""Uploads are kept under safe names in one folder (ingest/uploads.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.uploads import keep_upload, safe_upload_name


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../x.txt", "x.txt"),  # path parts never leave the folder
        ("..\\..\\windows\\x.txt", "x.txt"),
        ("/etc/passwd", "passwd"),
        (".hidden.json", "hidden.json"),  # no leading dots: nothing hidden, never "." or ".."
        ("..", "upload"),
        ("", "upload"),
        ("report\n2026\x00.txt", "report_2026_.txt"),  # control characters
        ("Seversk story.txt", "Seversk story.txt"),  # ordinary names are kept as they are
        ("café.html", "café.html"),
    ],
)
def test_an_upload_name_is_a_plain_file_name(name: str, safe: str) -> None:
    assert safe_upload_name(name) == safe


def test_a_very_long_name_is_cut_keeping_its_suffix() -> None:
    safe = safe_upload_name("a" * 500 + ".jsonl")
    assert len(safe) <= 120 and safe.endswith(".jsonl")


def test_kept_uploads_stay_inside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    kept = keep_upload(folder, "../../escape.txt", b"Headline\n\nBody.\n")
    assert kept == folder / "escape.txt"
    assert kept.read_bytes() == b"Headline\n\nBody.\n"
    assert not (tmp_path / "escape.txt").exists()


def test_a_clash_keeps_both_files_and_the_same_file_twice_is_kept_once(tmp_path: Path) -> None:
    first = keep_upload(tmp_path, "story.txt", b"one")
    second = keep_upload(tmp_path, "story.txt", b"two")
    third = keep_upload(tmp_path, "story.txt", b"three")
    again = keep_upload(tmp_path, "story.txt", b"two")
    assert [first.name, second.name, third.name] == ["story.txt", "story (2).txt", "story (3).txt"]
    assert again == second
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story (2).txt", "story (3).txt", "story.txt"]
