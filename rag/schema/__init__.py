"""The typed records that cross module boundaries, by what they describe: the corpus
(``corpus``: articles, paragraphs, quotes, hits, filters), answers (``answers``) and what the
store-changing commands report (``reports``). Import them from here: ``from rag.schema import Answer``.
"""

from rag.schema.answers import (
    Answer,
    AnswerMode,
    AnswerQuote,
    Citation,
    Confidence,
    NearestArticle,
    Refusal,
    RefusalReason,
    Sentence,
    SpeakerStatements,
    Statement,
)
from rag.schema.corpus import (
    Article,
    CorpusStats,
    Filters,
    Hit,
    Paragraph,
    Quote,
    QuoteKind,
    StoredQuote,
    StoreState,
    article_id_for,
    paragraph_id_for,
)
from rag.schema.reports import FileFailure, IngestReport, RemovedArticle, RemoveReport, SkippedFile

__all__ = [
    "Answer", "AnswerMode", "AnswerQuote", "Article", "Citation", "Confidence", "CorpusStats", "FileFailure", "Filters", "Hit",
    "IngestReport", "NearestArticle", "Paragraph", "Quote", "QuoteKind", "Refusal", "RefusalReason",
    "RemoveReport", "RemovedArticle", "Sentence", "SkippedFile", "SpeakerStatements", "Statement", "StoreState", "StoredQuote",
    "article_id_for", "paragraph_id_for",
]
