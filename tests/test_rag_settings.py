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
