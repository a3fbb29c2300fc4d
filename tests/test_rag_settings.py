"""Settings: defaults, env, flags, and errors that name the bad key."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import ConfigError, Settings


def test_flags_override_env_which_overrides_defaults() -> None:
    settings = Settings.load(env={"NEWSRAG_DB": "/tmp/from-env", "NEWSRAG_K": "7"}, db="/tmp/from-flag")
    assert settings.db == Path("/tmp/from-flag")
    assert settings.k == 7
    assert settings.collection == "newsrag"


def test_unknown_env_key_fails_naming_it() -> None:
    with pytest.raises(ConfigError, match="NEWSRAG_DATABASE"):
        Settings.load(env={"NEWSRAG_DATABASE": "x"})


def test_invalid_value_names_key_and_source() -> None:
    with pytest.raises(ConfigError, match="NEWSRAG_K"):
        Settings.load(env={"NEWSRAG_K": "many"})


def test_chroma_url_must_be_a_url() -> None:
    with pytest.raises(ConfigError, match="not a URL"):
        Settings.load(env={}, chroma_url="localhost:8000")


def test_llm_setting_must_name_a_backend() -> None:
    with pytest.raises(ConfigError, match="ollama:MODEL"):
        Settings.load(env={"NEWSRAG_LLM": "gpt-5"})


def test_each_default_is_written_once_in_the_settings_table() -> None:
    import dataclasses

    from rag.settings import SETTINGS

    fields = {f.name: f.default for f in dataclasses.fields(Settings)}
    assert fields == {s.name: s.default for s in SETTINGS}
    assert Settings().encoder == "onnx"


def test_readme_settings_table_is_the_generated_one() -> None:
    from rag.settings import markdown_table

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("| setting | env | flag | default | meaning |")
    assert readme[start:readme.index("\n\n", start) + 1] == markdown_table()


def test_db_beside_chroma_url_is_refused_naming_both() -> None:
    with pytest.raises(ConfigError, match=r"db \(--db\) or chroma_url \(--chroma-url\), not both"):
        Settings.load(env={}, db="/tmp/store", chroma_url="http://127.0.0.1:1")
    with pytest.raises(ConfigError, match="db .* or environment variable NEWSRAG_CHROMA_URL"):
        Settings.load(env={"NEWSRAG_CHROMA_URL": "http://127.0.0.1:1"}, db="/tmp/store")


def test_chroma_url_alone_keeps_the_default_db_for_the_uploads_folder() -> None:
    settings = Settings.load(env={"NEWSRAG_DB": "/srv/news"}, chroma_url="http://127.0.0.1:8000")
    assert settings.chroma_url == "http://127.0.0.1:8000" and settings.uploads_dir == Path("/srv/news-uploads")


def test_opening_an_index_with_db_and_chroma_url_fails_like_the_cli(tmp_path: Path) -> None:
    from rag import NewsIndex

    with pytest.raises(ConfigError, match="not both"):
        NewsIndex.open(db=tmp_path, chroma_url="http://127.0.0.1:1")


def test_opening_with_settings_and_a_db_too_fails_rather_than_ignoring_the_db(tmp_path: Path) -> None:
    from rag import NewsIndex

    with pytest.raises(ConfigError, match="settings or db"):
        NewsIndex.open(Settings.load(env={}, db=tmp_path / "a"), db=tmp_path / "b")
