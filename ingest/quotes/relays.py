"""Second-hand attribution: which publication relayed a quote (``Quote.reported_by``).

The publication is named as its speaker would be resolved ("The New York Times"). "According to
(a report by) <publication>" relays every other quote in its sentence ("Sanders said ...,
according to CNN"; ``frame_in``); a sentence in which a publication reports something relays the
quotation of an unnamed person ("one anonymous official", not "Mayor Okafor", not "..., according
to an executive") in the next sentence of the paragraph (``frame_after``); a quote that continues
one keeps its ``reported_by``. Never the speaker itself. Left empty for the article's own
reporting, for "The Times reported ... and Smith said ..." and for "told The Times" (the article
may be the Times).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.quotes.article import Said
from ingest.quotes.cues import Anchor
from ingest.quotes.lexicon import NAMING_LEMMAS, PERSON_HEADS, PUBLICATION_HEADS
from ingest.quotes.speakers import Entity, SpeakerBook
from rag.schema import QuoteKind
from rag.text import fold


def _publication_name(book: SpeakerBook, anchor: Anchor) -> str:
    """The resolved name of the publication an anchor credits ("The New York Times"), or "".

    Looked up without touching the speaker book, so it never changes who a later "it" or "the
    publication" is.
    """
    if anchor.resolved:
        entity = anchor.speaker
        return entity.name if entity is not None and entity.kind == "publication" else ""
    phrase = anchor.phrase
    if phrase is None or phrase.kind != "publication" or phrase.parts:
        return ""
    if phrase.head in PUBLICATION_HEADS:  # "the publication", "the newspaper"
        entity = book.definite(phrase) if phrase.definite else None
        return entity.name if entity is not None and entity.kind == "publication" else ""
    key = fold(phrase.name.removeprefix("the ").removeprefix("The "))
    return next((e.name for e in reversed(book.orgs) if e.key == key), phrase.name)


@dataclass(slots=True)
class Frame:
    """Which publication relays the other quotes of a sentence (see ``frame_in``)."""

    publication: str
    anchor: Anchor | None  # the sentence's own "according to <publication>"; None: the sentence before
    unnamed_only: bool  # from the sentence before: only an unnamed person's quotation is its

    def reported_by(self, s: Said, anchor: Anchor, speaker: Entity) -> str:
        """The publication that relays ``s`` in this frame, or ""."""
        if anchor is self.anchor or speaker.kind == "publication":
            return ""
        if self.unnamed_only and not (
            # "'This is a major blow,' said one anonymous official": quoted words of someone the
            # article does not name. Not the article's own sourcing ("..., according to an
            # executive"), reported speech, nor a body answering the report ("The campaign
            # called the report a 'rush to judgment'").
            s.kind is not QuoteKind.INDIRECT
            and speaker.kind == "description"
            and speaker.head in PERSON_HEADS
            and anchor.kind in ("subject", "inverted")
            and anchor.lemma not in NAMING_LEMMAS
        ):
            return ""
        return self.publication


def frame_in(book: SpeakerBook, anchors: Sequence[Anchor]) -> Frame | None:
    """ "According to (a report by) The Times, one official said ...": the Times relays the others.

    Only "according to", which scopes over the whole sentence ("X said ..., according to the
    Times"); "The Times reported ... and Smith said ..." may be Smith speaking to anyone.
    """
    for anchor in anchors:
        if anchor.kind == "according" and not anchor.suppressed:
            name = _publication_name(book, anchor)
            if name:
                return Frame(name, anchor, unnamed_only=False)
    return None


def frame_after(book: SpeakerBook, said: Sequence[Said]) -> Frame | None:
    """ "The publication highlights that .... '...,' said one anonymous official.": a sentence in
    which a publication reports something relays the unnamed speakers of the next sentence in the
    same paragraph (a named one may be answering the report rather than quoted in it).
    """
    for s in said:
        if s.anchor is not None and s.kind is not QuoteKind.DIRECT:
            name = _publication_name(book, s.anchor)
            if name:
                return Frame(name, None, unnamed_only=True)
    return None
