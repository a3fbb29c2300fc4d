"""Quotes of an article in reading order, each given its resolved speaker: ``extract_quotes``.

Each sentence is read (``content.read_unit``) and its mentions noted (``speakers``) in order. A
quotation standing alone continues the last speaker's quote when that quote ended in this
paragraph or the one before and was not a report ("according to X", a publication's); one opening
a paragraph, or followed by a bare "Jones asked.", goes to the next sentence's speaker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.quotes.article import ArticleText, Said
from ingest.quotes.content import read_unit
from ingest.quotes.cues import Anchor
from ingest.quotes.lexicon import SENT_DOCUMENTS
from ingest.quotes.relays import Frame, frame_after, frame_in
from ingest.quotes.sentences import Token, sentence_units
from ingest.quotes.speakers import Entity, SpeakerBook
from rag.schema import Quote, QuoteKind
from rag.text import fold


@dataclass(slots=True)
class _Last:
    """The last quote given a speaker; an unattributed quotation that follows continues it."""

    speaker: Entity
    written: str
    cue: str
    role: str
    paragraph: int  # 0-based index of the paragraph where that quote ends
    kind: QuoteKind
    reported_by: str = ""


def _resolve(book: SpeakerBook, anchor: Anchor) -> Entity | None:
    """The speaker of an anchor, resolved once (an "inherit" anchor shares its source's)."""
    if not anchor.resolved:
        anchor.resolved = True
        if anchor.phrase is not None:
            anchor.speaker = book.resolve(anchor.phrase, anchor.role, anchor.org_hint)
        elif anchor.source is not None:
            source = anchor.source
            anchor.speaker = _resolve(book, source)
            anchor.role = anchor.role or source.role
    return anchor.speaker


def _written(anchor: Anchor) -> str:
    """The speaker as the sentence names it; an "inherit" anchor names it through its source."""
    while anchor.phrase is None and anchor.source is not None:
        anchor = anchor.source
    return anchor.phrase.written if anchor.phrase else ""


def _opening_anchor(tokens: Sequence[Token], said: list[Said], anchors: list[Anchor]) -> Anchor | None:
    """The attribution a sentence opens with ("X said ...", "'...,' said X", "X said so"), or None."""
    if said and said[0].anchor is not None and (said[0].anchor.start == 0 or tokens[0].is_quote):
        return said[0].anchor
    return next(
        (a for a in anchors if a.start == 0 and a.kind in ("subject", "inverted") and not a.suppressed), None
    )


class _Collector:
    """Quotes given speakers so far, and the last one, which an unattributed quotation continues."""

    def __init__(self) -> None:
        self.found: list[tuple[int, Quote]] = []
        self.last: _Last | None = None

    def add(self, s: Said, speaker: Entity, written: str, cue: str, role: str, reported_by: str = "") -> None:
        # One spelling per speaker whatever the typography: "the governor’s office" -> "governor's".
        name = speaker.name.replace("’", "'")
        masthead = fold(reported_by.removeprefix("The ").removeprefix("the "))
        if reported_by and (speaker.kind == "publication" or masthead in fold(name)):
            reported_by = ""  # never the speaker itself, nor "a New York Times reporter"
        quote = Quote(name, written, s.text, s.kind, cue, s.paragraphs, role, reported_by, s.span)
        self.found.append((s.position, quote))
        self.last = _Last(speaker, written, cue, role, s.paragraphs[-1] - 1, s.kind, reported_by)

    def add_from(self, s: Said, book: SpeakerBook, anchor: Anchor, frame: Frame | None = None) -> None:
        speaker = _resolve(book, anchor)
        if speaker is not None:
            reported_by = frame.reported_by(s, anchor, speaker) if frame is not None else ""
            self.add(s, speaker, _written(anchor), anchor.cue, anchor.role or speaker.role, reported_by)

    def continue_last(self, s: Said, previous: _Last | None) -> None:
        """Give ``s`` to the previous speaker if that quote ended in this or the previous paragraph.

        Not after something reported "according to" a source or by a publication: a quotation
        that follows a report usually quotes someone in it, not the report itself. A continued
        quote keeps the publication that relayed the first (``reported_by``).
        """
        if previous is None or s.paragraphs[0] - 1 > previous.paragraph + 1:
            return
        if previous.kind is QuoteKind.INDIRECT and (
            previous.cue == "according to" or previous.speaker.kind == "publication"
        ):
            return
        self.add(s, previous.speaker, previous.written, previous.cue, previous.role, previous.reported_by)


def _note_senders(book: SpeakerBook, tokens: Sequence[Token], anchors: list[Anchor]) -> None:
    """ "The company told staff in an email that ...": a later "the email" is the company."""
    for anchor in anchors:
        if anchor.suppressed or anchor.kind == "according":
            continue
        for j in range(anchor.end, min(len(tokens) - 2, anchor.end + 8)):
            if tokens[j].low not in ("in", "via") or tokens[j + 1].low not in ("a", "an", "the"):
                continue
            k = j + 2
            while k < min(len(tokens) - 1, j + 5) and tokens[k].is_word and tokens[k].low not in SENT_DOCUMENTS:
                k += 1
            if tokens[k].low in SENT_DOCUMENTS:
                speaker = _resolve(book, anchor)
                if speaker is not None:
                    book.senders[tokens[k].low] = speaker
            break


def extract_quotes(paragraphs: Sequence[str]) -> list[Quote]:
    """Direct and reported quotes in an article, in reading order, each with a resolved speaker.

    ``paragraphs`` are an article's (already repaired) paragraphs in order; paragraph ``i`` is
    number ``i + 1`` in ``Quote.paragraphs``. Only quotes with a speaker are returned: a
    quotation nobody is credited with is a scare quote, a title or a slogan.

        >>> [(q.speaker, q.text) for q in extract_quotes(["'We will rebuild,' said Mayor Lena Okafor."])]
        [('Lena Okafor', 'We will rebuild')]
    """
    article = ArticleText(paragraphs)
    units = sentence_units(article.text, article.starts, article.spans)
    read = [read_unit(article, unit) for unit in units]
    book = SpeakerBook()
    out = _Collector()
    waiting: list[Said] = []  # a paragraph opening with a bare quotation waits for its next sentence
    last_before_waiting: _Last | None = None

    previous_frame: Frame | None = None  # from the sentence before, in the same paragraph

    for index, unit in enumerate(units):
        said, anchors = read[index]
        book.note_mentions(unit.tokens, article.text)
        if unit.first_in_paragraph:
            previous_frame = None
        frame = frame_in(book, anchors) or previous_frame
        if waiting:
            opener = _opening_anchor(unit.tokens, said, anchors)
            speaker = _resolve(book, opener) if opener is not None else None
            for w in waiting:
                if opener is not None and speaker is not None:
                    out.add_from(w, book, opener, frame)
                else:
                    out.continue_last(w, last_before_waiting)
            waiting = []
        # A bare quotation opening a paragraph, or followed by a bare "Jones asked.", belongs to
        # the next sentence's speaker rather than to the last one.
        if (
            said
            and all(s.anchor is None for s in said)
            and index + 1 < len(units)
            and units[index + 1].paragraph == unit.paragraph
            and (unit.first_in_paragraph or not read[index + 1][0])
            and _opening_anchor(units[index + 1].tokens, *read[index + 1]) is not None
        ):
            waiting, last_before_waiting = said, out.last
            previous_frame = None
            continue
        for s in said:
            if s.anchor is None:
                out.continue_last(s, out.last)
            else:
                out.add_from(s, book, s.anchor, frame)
        previous_frame = frame_after(book, said)
        _note_senders(book, unit.tokens, anchors)
    for w in waiting:
        out.continue_last(w, last_before_waiting)
    out.found.sort(key=lambda pair: pair[0])
    return [quote for _, quote in out.found]
