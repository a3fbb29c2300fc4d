"""One error hierarchy: every error a user can act on names its input and says what to do."""

from __future__ import annotations


class NewsragError(Exception):
    """Base class for errors the user can fix; front ends show the message, not a traceback."""


class ConfigError(NewsragError):
    """A setting is unknown or invalid; the message names the key and where it came from."""


class IndexNotFound(NewsragError):
    """There is no index (or it is empty) where the settings point."""


class StoreError(NewsragError):
    """The Chroma store could not be reached or used."""


class LLMError(NewsragError):
    """The configured LLM backend failed or is misconfigured."""


class BadArticle(NewsragError):
    """A file could not be read as articles. ``path`` names it; ``line``/``column`` when known.

    ``entry`` is the number of the one article that is bad in a file of many (a JSON list or an
    RSS/Atom feed, from 1); a bad line of JSON Lines is named by ``line``. Either means the
    rest of the file was still read; neither means the whole file was refused.
    """

    def __init__(self, path: str, reason: str, *, line: int | None = None, column: int | None = None,
                 entry: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        self.column = column
        self.entry = entry
        where = self.path
        if line is not None:
            where += f" line {line}"
            if column is not None:
                where += f" column {column}"
        super().__init__(f"{where}: {reason}")
