"""One frozen ``Settings``, built once at the edge from defaults, ``NEWSRAG_*`` env and flags.

Modelled on datasette's ``SETTINGS`` tuple: each ``Setting`` carries its default and help, which
feed defaults, validation, the CLI help and the README. Nothing else in newsrag reads
``os.environ`` for configuration.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "NEWSRAG_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "./newsrag-db", "Folder of the embedded Chroma store (ignored with chroma_url)."),
    Setting("chroma_url", "", "URL of a `chroma run` server, e.g. http://127.0.0.1:8000; empty = embedded."),
    Setting("collection", "newsrag", "Chroma collection holding the paragraphs."),
    Setting("cache_dir", "", "Folder for rebuildable local caches (keyword index); default: inside db, "
            "or ~/.cache/newsrag for a server."),
    Setting("max_file_mb", 25.0, "Files larger than this many MiB are refused at ingest."),
    Setting("batch_size", 64, "Paragraphs embedded and written per batch."),
    Setting("k", 5, "Paragraphs retrieved per question."),
    Setting("variants", "", "Extra JSON file of name spellings ({\"groups\": [[\"Kyiv\", \"Kiev\"], ...]}), "
            "added to the built-in table."),
    Setting("llm", "", "Optional LLM: `ollama:MODEL` or `openai:MODEL` (with llm_url); empty = no LLM."),
    Setting("llm_url", "", "Base URL of an OpenAI-compatible server (or Ollama), e.g. http://127.0.0.1:11434."),
    Setting("llm_api_key", "", "API key sent to the OpenAI-compatible server, if it needs one."),
    Setting("llm_timeout_s", 120.0, "Seconds to wait for the LLM before giving up."),
    Setting("encoder", "onnx", "Paragraph encoder: `onnx` (all-MiniLM-L6-v2 on onnxruntime: torch's vectors, "
            "3x faster, no torch), `torch` (sentence-transformers) or `onnx-int8` (quantised); "
            "one database keeps the encoder family that wrote it."),
    Setting("attribution", "parse", "Who said what at ingest: `parse` (the rules, then a dependency parse "
            "kept by the cue model trained on PolNeAR) or `rules` (the hand rules alone); read by ingest from "
            "NEWSRAG_ATTRIBUTION."),
    Setting("revision_check_s", 2.0, "With a Chroma server: seconds an open index trusts its keyword cache "
            "before reading the store's revision again, so writes from other machines show up within this time "
            "(0: before every question)."),
    Setting("uploads", True, "Let the chat's users upload articles; false for a read-only deployment."),
    Setting("behind_auth_proxy", False, "The chat is served behind a reverse proxy that authenticates every "
            "request, so a non-loopback address needs no Streamlit login."),
)
_BY_NAME = {s.name: s for s in SETTINGS}
ENCODERS = ("torch", "onnx", "onnx-int8")
_ZERO_ALLOWED = frozenset({"revision_check_s"})  # 0: read the server's revision before every question


@dataclass(frozen=True, slots=True)
class Settings:
    """Every knob newsrag has. Build with ``Settings.load()``; change with ``replace``."""

    db: Path = Path("./newsrag-db")
    chroma_url: str = ""
    collection: str = "newsrag"
    cache_dir: Path | None = None
    max_file_mb: float = 25.0
    batch_size: int = 64
    k: int = 5
    variants: str = ""
    llm: str = ""
    llm_url: str = ""
    llm_api_key: str = ""
    llm_timeout_s: float = 120.0
    # Writes by other machines to a Chroma server show up within this time (an embedded store's
    # writers all pass its gate, which tells readers at once). 2 s: a chat user reading an answer
    # does not notice it, and one small metadata read per question at most every 2 s costs nothing.
    revision_check_s: float = 2.0
    encoder: str = "onnx"
    attribution: str = "parse"
    uploads: bool = True
    behind_auth_proxy: bool = False

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``NEWSRAG_*`` variables, then ``overrides`` (flags; ``None`` = unset).

        An unknown ``NEWSRAG_*`` variable or a value of the wrong type fails here, naming it,
        rather than being silently ignored later.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for key, raw in env.items():
            if not key.startswith("NEWSRAG_"):
                continue
            name = key[len("NEWSRAG_"):].lower()
            if name not in _BY_NAME:
                known = ", ".join(s.env for s in SETTINGS)
                raise ConfigError(f"environment variable {key} is not a newsrag setting (known: {known})")
            values[name] = _coerce(name, raw, f"environment variable {key}")
        for name, raw in overrides.items():
            if raw is None:
                continue
            if name not in _BY_NAME:
                raise ConfigError(f"unknown setting {name!r}")
            values[name] = _coerce(name, raw, f"option --{name.replace('_', '-')}")
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @property
    def keyword_cache_dir(self) -> Path:
        """Where the BM25 cache lives: beside the vectors, or per server+collection."""
        if self.cache_dir is not None:
            base = self.cache_dir
        elif self.chroma_url:
            base = Path.home() / ".cache" / "newsrag"
        else:
            base = self.db / "newsrag-cache"
        key = hashlib.sha1(f"{self.chroma_url}|{self.db.resolve()}|{self.collection}".encode()).hexdigest()[:12]
        return base / f"{self.collection}-{key}"

    @property
    def uploads_dir(self) -> Path:
        """Where the chat keeps uploaded files: beside the database (``newsrag-db-uploads``), so
        their locations in citations stay real files for as long as the database does."""
        return self.db.with_name(self.db.name + "-uploads")

    def describe_store(self) -> str:
        return f"Chroma server {self.chroma_url}" if self.chroma_url else f"{self.db}"


def _coerce(name: str, raw: Any, source: str) -> Any:
    default = _BY_NAME[name].default
    try:
        if name in ("db",):
            return Path(raw).expanduser()
        if name == "cache_dir":
            return Path(raw).expanduser() if str(raw) else None
        if isinstance(default, bool):
            return str(raw).lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            value = int(raw)
            if value <= 0:
                raise ValueError("must be positive")
            return value
        if isinstance(default, float):
            value = float(raw)
            if value < 0 or (value == 0 and name not in _ZERO_ALLOWED):
                raise ValueError("must be positive")
            return value
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: {raw!r} is not a valid value for {name} ({exc})") from None
    value = str(raw).strip()
    if name == "chroma_url" and value and not value.startswith(("http://", "https://")):
        raise ConfigError(f"{source}: {value!r} is not a URL; use e.g. http://127.0.0.1:8000")
    if name == "encoder" and value not in ENCODERS:
        raise ConfigError(f"{source}: {value!r} is not an encoder; use one of {', '.join(ENCODERS)}")
    if name == "attribution" and value not in ("parse", "rules"):
        raise ConfigError(f"{source}: {value!r} is not an attribution mode; use parse or rules")
    if name == "llm" and value and value.split(":", 1)[0] not in ("ollama", "openai"):
        raise ConfigError(f"{source}: {value!r} must look like ollama:MODEL or openai:MODEL")
    return value
