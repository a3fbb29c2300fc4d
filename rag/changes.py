"""The change log: which paragraph ids each write touched, kept in Chroma beside the paragraphs.

So a query process brings its local indexes up to date with the paragraphs that changed, not
the whole corpus (issue 19: a full rebuild took 2 s at 10k paragraphs and 37 s at 100k, in
every process, after every ingest however small). Every write turn that changes paragraphs
(``Store.add``, ``update_quotes``, ``update_details``, ``delete``) appends one entry, numbered by
the store's write sequence (``newsrag_seq`` in the collection's metadata, raised in the same
write turn); a reader at sequence S reads the entries after S. The log lives in Chroma, not in a
local file, so processes on other machines sharing a `chroma run` read it too.

It is a log of ids only, never the source of truth: a reader that finds a gap (entries pruned,
or a store written by a newsrag that kept no log, ``trusted``) rebuilds from Chroma in full.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SEQ_KEY = "newsrag_seq"
# The revision stamp the log was last known complete at: ``Store.bump_revision`` writes both, so
# a store whose revision was bumped by a newsrag that kept no log (the two differ) is not trusted.
LOGGED_REVISION_KEY = "newsrag_logged_revision"
KEEP = 20_000  # entries kept; a reader further behind rebuilds (an ingest chunk is one entry)
_PAGE = 500


def log_name(collection: str) -> str:
    """The log's own Chroma collection, named after the paragraphs' collection."""
    return f"{collection}-changes"


@dataclass(slots=True)
class Changes:
    """What changed between two write sequences: ids to read again, and ids gone."""

    upserted: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)

    def add(self, upserted: Iterable[str], deleted: Iterable[str]) -> None:
        for pid in upserted:
            self.upserted.add(pid)
            self.deleted.discard(pid)
        for pid in deleted:
            self.deleted.add(pid)
            self.upserted.discard(pid)

    def __len__(self) -> int:
        return len(self.upserted) + len(self.deleted)


def trusted(metadata: dict[str, Any]) -> bool:
    """Whether the log covers every write up to the store's current sequence."""
    return SEQ_KEY in metadata and metadata.get(LOGGED_REVISION_KEY) == metadata.get("newsrag_revision")


def record(log: Any, seq: int, upserted: Iterable[str] = (), deleted: Iterable[str] = ()) -> None:
    """Append entry ``seq`` (the caller holds the store's write turn and raises ``SEQ_KEY``)."""
    entry = {"upserted": sorted(upserted), "deleted": sorted(deleted)}
    log.upsert(ids=[f"{seq:020d}"], embeddings=[[0.0]], documents=[json.dumps(entry)], metadatas=[{"seq": seq}])


def since(log: Any, after: int, upto: int) -> Changes | None:
    """The changes of entries ``after + 1`` .. ``upto``; ``None`` when any of them is missing."""
    changes = Changes()
    if upto <= after:
        return changes
    found: dict[int, dict[str, list[str]]] = {}
    offset = 0
    while True:
        res = log.get(where={"$and": [{"seq": {"$gt": after}}, {"seq": {"$lte": upto}}]},
                      include=["documents", "metadatas"], limit=_PAGE, offset=offset)
        if not res["ids"]:
            break
        for doc, meta in zip(res["documents"], res["metadatas"], strict=True):
            found[int(meta["seq"])] = json.loads(doc)
        offset += len(res["ids"])
    if len(found) != upto - after:
        return None
    for seq in sorted(found):
        changes.add(found[seq]["upserted"], found[seq]["deleted"])
    return changes


def prune(log: Any, seq: int) -> None:
    """Drop entries older than the last ``KEEP``."""
    if seq > KEEP:
        log.delete(where={"seq": {"$lte": seq - KEEP}})
