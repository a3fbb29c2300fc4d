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
    Confidence,
    CorpusStats,
    FileFailure,
    Filters,
    Hit,
    IngestReport,
    NearestArticle,
    Paragraph,
    Quote,
    QuoteKind,
    Refusal,
    RefusalReason,
    RemovedArticle,
    RemoveReport,
    Sentence,
    SkippedFile,
    SpeakerStatements,
    Statement,
    StoredQuote,
)
from rag.settings import Settings
from rag.tuning import Fusion, SentenceScoring, Tuning

__all__ = [
    "Answer",
    "AnswerMode",
    "AnswerQuote",
    "Article",
    "BadArticle",
    "Citation",
    "Confidence",
    "ConfigError",
    "CorpusStats",
    "FileFailure",
    "Filters",
    "Fusion",
    "Hit",
    "IndexNotFound",
    "IngestReport",
    "LLMError",
    "NearestArticle",
    "NewsIndex",
    "NewsragError",
    "Paragraph",
    "Quote",
    "QuoteKind",
    "Refusal",
    "RefusalReason",
    "RemovedArticle",
    "RemoveReport",
    "Sentence",
    "SentenceScoring",
    "Settings",
    "SkippedFile",
    "SpeakerStatements",
    "Statement",
    "StoreError",
    "StoredQuote",
    "Tuning",
]


def __getattr__(name: str):  # NewsIndex pulls in Chroma and bm25s; import it only when asked for
    if name == "NewsIndex":
        from rag.index import NewsIndex

        return NewsIndex
    raise AttributeError(name)
