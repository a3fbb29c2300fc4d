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
    """One knob: its name, default and help, and where the ``newsrag`` command offers it as a flag.

    The ``Settings`` dataclass takes its defaults from here, ``ui/cli.py`` builds its options
    (help, env name and default) from here and ``python -m rag.settings`` prints the README's
    table from here, so none of them can drift from the others.
    """

    name: str
    default: Any
    help: str
    # The commands that take a flag for it ("*": every command that opens the store); () = env only.
    commands: tuple[str, ...] = ()
    # How a default is shown when its value alone says nothing ("" for chroma_url means embedded).
    shown: str = ""
    choices: tuple[str, ...] = ()

    @property
    def env(self) -> str:
        return "NEWSRAG_" + self.name.upper()

    @property
    def flag(self) -> str:
        """The command-line flag: ``--db``; a switch names the non-default state (``--no-uploads``)."""
        name = self.name.replace("_", "-")
        return f"--no-{name}" if self.default is True else f"--{name}"

    @property
    def shown_default(self) -> str:
        if self.shown:
            return self.shown
        if isinstance(self.default, bool):
            return str(self.default).lower()
        if isinstance(self.default, Path) and not self.default.is_absolute():
            return f"./{self.default}"
        if isinstance(self.default, float) and self.default.is_integer():
            return str(int(self.default))
        return str(self.default)


ENCODERS = ("torch", "onnx", "onnx-int8")
ATTRIBUTIONS = ("parse", "rules")
QUESTIONS = ("latest", "archive")
EVERY_COMMAND = ("*",)

SETTINGS: tuple[Setting, ...] = (
    Setting("db", Path("./newsrag-db"), "Folder of the embedded Chroma store.", EVERY_COMMAND),
    Setting("chroma_url", "", "URL of a `chroma run` server instead of the embedded store, e.g. "
            "http://127.0.0.1:8000.", EVERY_COMMAND, shown="(embedded)"),
    Setting("collection", "newsrag", "Chroma collection holding the paragraphs.", EVERY_COMMAND),
    Setting("cache_dir", None, "Folder for rebuildable local caches (the keyword index).",
            shown="inside db / ~/.cache/newsrag"),
    Setting("max_file_mb", 25.0, "Files larger than this many MiB are refused at ingest; JSON Lines and RSS/Atom feeds are "
            "read an article at a time, so there the limit is per article (chat uploads: per file).", ("ingest",)),
    Setting("batch_size", 64, "Paragraphs embedded and written per batch.", ("ingest",)),
    Setting("k", 5, "Paragraphs retrieved per question.", ("ask", "search")),
    Setting("variants", "", "Extra JSON file of name spellings ({\"groups\": [[\"Kyiv\", \"Kiev\"], ...]}), "
            "added to the built-in table.", shown="(none)"),
    Setting("llm", "", "Optional LLM: `ollama:MODEL` or `openai:MODEL` (with llm_url); empty = no LLM.",
            shown="(none)"),
    Setting("llm_url", "", "Base URL of an OpenAI-compatible server (or Ollama), e.g. http://127.0.0.1:11434.",
            shown="(none)"),
    Setting("llm_api_key", "", "API key sent to the OpenAI-compatible server, if it needs one.", shown="(none)"),
    Setting("llm_timeout_s", 120.0, "Seconds to wait for the LLM before giving up."),
    Setting("judge", "", "Optional judge: a cross-encoder (a folder saved by sentence-transformers, or a hub id "
            "such as cross-encoder/ms-marco-MiniLM-L-6-v2 when online) that reranks the top candidates and "
            "decides whether they answer; empty = no judge.", ("ask", "search", "ui"), shown="(none)"),
    Setting("encoder", "onnx", "Paragraph encoder: `onnx` (all-MiniLM-L6-v2 on onnxruntime: torch's vectors, "
            "3x faster, no torch), `torch` (sentence-transformers) or `onnx-int8` (quantised); "
            "one database keeps the encoder family that wrote it.", ("ingest",), choices=ENCODERS),
    Setting("attribution", "parse", "Who said what at ingest: `parse` (the rules, then a dependency parse "
            "kept by the cue model trained on PolNeAR) or `rules` (the hand rules alone).", choices=ATTRIBUTIONS),
    Setting("questions", "latest", "What factual questions ask about: `latest` (the latest news: a paragraph weeks "
            "older than the newest article, or the --until date, must match better to be answered) or `archive` "
            "(any time: no such mark-down, with thresholds fitted without it).", ("ask", "ui"), choices=QUESTIONS),
    Setting("revision_check_s", 2.0, "With a Chroma server: seconds an open index trusts its keyword cache "
            "before reading the store's revision again, so writes from other machines show up within this time "
            "(0: before every question)."),
    Setting("uploads", True, "The chat's uploader for articles; off for a read-only deployment.", ("ui",)),
    Setting("behind_auth_proxy", False, "The chat is served behind a reverse proxy that authenticates every "
            "request, so a non-loopback address needs no Streamlit login.", ("ui",)),
)
_BY_NAME = {s.name: s for s in SETTINGS}
SETTINGS_BY_NAME = _BY_NAME  # each setting's row, for code outside this module that needs a default
_ZERO_ALLOWED = frozenset({"revision_check_s"})  # 0: read the server's revision before every question


def _default(name: str) -> Any:
    """A ``Settings`` field's default, read from its row of ``SETTINGS`` (the one place it is written)."""
    return _BY_NAME[name].default


@dataclass(frozen=True, slots=True)
class Settings:
    """Every knob newsrag has. Build with ``Settings.load()``; change with ``replace``.

    Defaults and help live in ``SETTINGS``; each field here only gives its type.
    """

    db: Path = _default("db")
    chroma_url: str = _default("chroma_url")
    collection: str = _default("collection")
    cache_dir: Path | None = _default("cache_dir")
    max_file_mb: float = _default("max_file_mb")
    batch_size: int = _default("batch_size")
    k: int = _default("k")
    variants: str = _default("variants")
    llm: str = _default("llm")
    llm_url: str = _default("llm_url")
    llm_api_key: str = _default("llm_api_key")
    llm_timeout_s: float = _default("llm_timeout_s")
    judge: str = _default("judge")
    # Writes by other machines to a Chroma server show up within this time (an embedded store's
    # writers all pass its gate, which tells readers at once). 2 s: a chat user reading an answer
    # does not notice it, and one small metadata read per question at most every 2 s costs nothing.
    revision_check_s: float = _default("revision_check_s")
    questions: str = _default("questions")
    encoder: str = _default("encoder")
    attribution: str = _default("attribution")
    uploads: bool = _default("uploads")
    behind_auth_proxy: bool = _default("behind_auth_proxy")

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``NEWSRAG_*`` variables, then ``overrides`` (flags; ``None`` = unset).

        An unknown ``NEWSRAG_*`` variable or a value of the wrong type fails here, naming it,
        rather than being silently ignored later. So does an explicit ``db`` (a flag or argument)
        beside a ``chroma_url`` from anywhere: they name two different stores, and taking either
        silently would answer from the wrong one.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for key, raw in env.items():
            if not key.startswith("NEWSRAG_"):
                continue
            name = key[len("NEWSRAG_"):].lower()
            if name not in _BY_NAME:
                known = ", ".join(s.env for s in SETTINGS)
                raise ConfigError(f"environment variable {key} is not a newsrag setting (known: {known})")
            sources[name] = f"environment variable {key}"
            values[name] = _coerce(name, raw, sources[name])
        explicit: set[str] = set()
        for name, raw in overrides.items():
            if raw is None:
                continue
            if name not in _BY_NAME:
                raise ConfigError(f"unknown setting {name!r}")
            sources[name] = f"{name} ({_BY_NAME[name].flag})"
            values[name] = _coerce(name, raw, f"option {_BY_NAME[name].flag}")
            explicit.add(name)
        if "db" in explicit and values.get("chroma_url"):
            raise ConfigError(
                f"give either {sources['db']} or {sources['chroma_url']}, not both: db={values['db']} is an "
                f"embedded store, chroma_url={values['chroma_url']} a Chroma server"
            )
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
    choices = _BY_NAME[name].choices
    if choices and value not in choices:
        raise ConfigError(f"{source}: {value!r} is not a valid {name}; use one of {', '.join(choices)}")
    if name == "llm" and value and value.split(":", 1)[0] not in ("ollama", "openai"):
        raise ConfigError(f"{source}: {value!r} must look like ollama:MODEL or openai:MODEL")
    return value


def markdown_table() -> str:
    """The README's settings table, made from ``SETTINGS`` (``python -m rag.settings`` prints it)."""
    rows = ["| setting | env | flag | default | meaning |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        if not s.commands:
            flag = ""
        elif s.commands == EVERY_COMMAND:
            flag = f"`{s.flag}`"
        else:
            flag = f"`{s.flag}` (" + ", ".join(f"`{c}`" for c in s.commands) + ")"
        default = s.shown_default if s.shown else f"`{s.shown_default}`"
        rows.append(f"| {s.name} | `{s.env}` | {flag} | {default} | {s.help.replace('|', '&#124;')} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
