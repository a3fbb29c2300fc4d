"""newsrag's core: ask a news corpus questions and get answers cited to paragraphs.

    >>> from rag import NewsIndex
    >>> index = NewsIndex.open(db="./newsrag-db")
    >>> answer = index.ask("who said what about Seversk?")
"""

from rag.errors import BadArticle, ConfigError, IndexNotFound, LLMError, NewsragError, StoreError
from rag.schema import (
    Answer,
    AnswerMode,
    AnswerQuote,
    Article,
    Citation,
    FileFailure,
    Hit,
    IngestReport,
    Paragraph,
    Quote,
    QuoteKind,
)
from rag.settings import Settings

__all__ = [
    "Answer",
    "AnswerMode",
    "AnswerQuote",
    "Article",
    "BadArticle",
    "Citation",
    "ConfigError",
    "FileFailure",
    "Hit",
    "IndexNotFound",
    "IngestReport",
    "LLMError",
    "NewsIndex",
    "NewsragError",
    "Paragraph",
    "Quote",
    "QuoteKind",
    "Settings",
    "StoreError",
]


def __getattr__(name: str):  # NewsIndex pulls in llama-index; import it only when asked for
    if name == "NewsIndex":
        from rag.index import NewsIndex

        return NewsIndex
    raise AttributeError(name)
