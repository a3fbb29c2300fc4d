"""Turn article files into cited-paragraph records in the store: load, repair, quote, embed, write.

    >>> from ingest import ingest
    >>> report = ingest([Path("data")], Settings.load(db="./newsrag-db"))
"""

from ingest.pipeline import IngestProgress, ingest

__all__ = ["IngestProgress", "ingest"]
