"""Quotes of an article in reading order, each given its resolved speaker: ``extract_quotes``.

Each sentence is read (``content.read_unit``) and its mentions noted (``speakers``) in order. A
quotation standing alone continues the last speaker's quote when that quote ended in this
paragraph or the one before and was not a report ("according to X", a publication's); one opening
a paragraph, or followed by a bare "Jones asked.", goes to the next sentence's speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ingest.quotes import parsed
from ingest.quotes.article import ArticleText, Said
from ingest.quotes.content import read_unit
from ingest.quotes.cues import Anchor
from ingest.quotes.lexicon import SENT_DOCUMENTS, word_set
from ingest.quotes.marks import TRANSCRIPT_TURN
from ingest.quotes.phrases import Phrase, phrase_before, strip_possessive
from ingest.quotes.relays import Frame, frame_after, frame_in
from ingest.quotes.sentences import Token, Unit, sentence_units
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


def _kind(speaker: Entity) -> str:
    """``Quote.speaker_kind``: the entity's kind, or "group" for a plural ("Local officials")."""
    return "group" if speaker.plural else speaker.kind


class _Collector:
    """Quotes given speakers so far, and the last one, which an unattributed quotation continues."""

    def __init__(self) -> None:
        self.found: list[tuple[int, Quote]] = []
        self.last: _Last | None = None

    def add(self, s: Said, speaker: Entity, written: str, cue: str, role: str, reported_by: str = "",
            content_form: str = "") -> None:
        # One spelling per speaker whatever the typography: "the governor’s office" -> "governor's".
        name = speaker.name.replace("’", "'")
        masthead = fold(reported_by.removeprefix("The ").removeprefix("the "))
        if reported_by and (speaker.kind == "publication" or masthead in fold(name)):
            reported_by = ""  # never the speaker itself, nor "a New York Times reporter"
        quote = Quote(name, written, s.text, s.kind, cue, s.paragraphs, role, reported_by, s.span, _kind(speaker),
                      content_form)
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


def _introducing(unit: Unit, said: list[Said], anchors: list[Anchor]) -> Anchor | None:
    """The attribution that ends a sentence with a colon and introduces nothing in it ("He said:"),
    whose quotation is the next paragraph, as a block quote in news copy is."""
    if not anchors or not unit.tokens or unit.tokens[-1].text != ":":
        return None
    last = anchors[-1]
    between = unit.tokens[last.end : -1]  # "wrote on Twitter:", "said in a statement:"
    if len(between) > 6 or any(t.is_quote for t in between) or any(s.anchor is last for s in said):
        return None
    return last


def _transcript_turn(out: _Collector, book: SpeakerBook, s: Said, article: ArticleText) -> bool:
    """A transcript's turn ('"PENCE: Well, look, ...'): the words after the name are the named
    speaker's ("Pence", or the "Mike Pence" named before), quoted whole; whether it was one."""
    label = TRANSCRIPT_TURN.match(s.text)
    if label is None:
        return False
    written = label.group(1)
    speaker = book.resolve(Phrase(0, 1, written, "person", written.title()), "", False)
    if speaker is None:
        return False
    cut = label.end()
    # The label as printed in the paragraph (its spaces as written, which ``s.text`` collapsed).
    printed = TRANSCRIPT_TURN.match(article.normalised[s.paragraphs[0] - 1], s.span[0]) if s.span else None
    span = (printed.end(), s.span[1]) if printed is not None and s.span is not None else s.span
    out.add(replace(s, position=s.position + cut, text=s.text[cut:], span=span), speaker, written, ":", speaker.role)
    return True


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


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A parse candidate the cue model keeps, in article offsets."""

    cue: str
    cue_start: int
    source: tuple[int, int] | None
    content: tuple[int, int]
    pattern: str


# What these patterns hold is a noun phrase ("emphasizing | the humanitarian challenges"), no clause.
_OBJECT_PATTERNS = frozenset({"object", "prep", "owned", "quoted"})


# A paragraph with rules' quotes and fewer words than this outside them holds nothing more to find.
_PARSE_MIN_FREE_WORDS = 5  # '"...," he said' (2) is skipped; 'X said, emphasizing the challenges' (5) is not


_JOINED = re.compile(r"\b(and|but)\b")  # a reported clause the speaker's next act may follow


def _to_parse(article: ArticleText, taken: list[tuple[int, int]], reported: list[int]) -> list[bool]:
    """Which paragraphs the parse reads: not one the rules' quotes already cover all but a few
    words of, as a paragraph that is one quotation, unless a reported clause starts in it (at
    ``reported``): the parse says where that clause ends (``_clause_only``)."""
    wanted = []
    for base, text in zip(article.starts, article.normalised, strict=True):
        covered = [(max(a, base), min(b, base + len(text))) for a, b in taken if a < base + len(text) and b > base]
        free = sum(1 for m in re.finditer(r"\S+", text)
                   if not any(a <= base + m.start() < b for a, b in covered))
        wanted.append(not covered or free >= _PARSE_MIN_FREE_WORDS
                      or any(base <= r < base + len(text) for r in reported))
    return wanted


def _parse_candidates(article: ArticleText, docs: list[Any]) -> list[_Parsed]:
    """The attributions the parse offers and the cue model keeps (``ingest.quotes.parsed``), in
    article offsets; ``docs`` holds each paragraph's parse, None for one not parsed."""
    model = parsed.model()
    kept = []
    for base, doc in zip(article.starts, docs, strict=True):
        if doc is None:
            continue
        for c in parsed.candidates(doc):
            if model.keeps(c):
                source = (base + c.source[0], base + c.source[1]) if c.source else None
                kept.append(_Parsed(c.cue, base + c.cue_start, source, (base + c.content[0], base + c.content[1]),
                                    c.pattern))
    return kept


def _said_range(s: Said) -> tuple[int, int]:
    return s.position, s.position + len(s.text) + 2


def _source_phrase(unit: Unit, source: tuple[int, int], text: str) -> Phrase | None:
    """The speaker phrase for a parse candidate's subject, as the rules would read it, else the
    subject's words as a description ("The utility's annual report", "Two farmers' unions")."""
    inside = [i for i, t in enumerate(unit.tokens) if t.start >= source[0] and t.end <= source[1]]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    tokens = unit.tokens
    if tokens[last].is_possessive:  # "Trump’s claim that ...": the speaker is Trump
        owner = tokens[last]
        bare = strip_possessive(owner.text)
        tokens = [*tokens[:last], Token(bare, bare.lower(), owner.start, owner.start + len(bare)), *tokens[last + 1:]]
    phrase = phrase_before(tokens, last + 1, first, text)
    if phrase is not None and phrase.start == first:
        return phrase
    words = list(tokens[first : last + 1])
    if not any(t.is_word for t in words) or len(words) > 12 or any(t.is_quote for t in words):
        return None
    written = " ".join(text[words[0].start : words[-1].end].split())
    if written.isupper() and len(written.split()) <= 3:  # a transcript's "PENCE:"
        return Phrase(first, last + 1, written, "person", written.title())
    name = written[:1].upper() + written[1:] if words[0].low not in ("the", "a", "an") else written
    if words[0].low == "the":
        name = "the" + written[3:]
    return Phrase(first, last + 1, written, "description", name, head=words[-1].low)


def _add_parsed(out: _Collector, book: SpeakerBook, article: ArticleText, unit: Unit,
                found: list[_Parsed], taken: list[tuple[int, int]]) -> None:
    """Quotes from the parse candidates whose cue lies in ``unit`` and that no rule quote covers.

    The widest first: in "PENCE: I think the American people have a choice" the transcript line
    is the attribution, and a candidate inside it (or inside any quote) is part of what was said."""
    for c in sorted(found, key=lambda c: c.content[0] - c.content[1]):
        if any(a <= c.cue_start < b for a, b in taken):
            continue
        if c.source is None or any(c.content[0] < b and a < c.content[1] for a, b in taken):
            continue
        if c.pattern == "passive":
            continue  # "Y is supported by X": no statement of X's reads well in the article's words
        phrase = _source_phrase(unit, c.source, article.text)
        speaker = book.resolve(phrase, "", False) if phrase is not None else None
        if phrase is None or speaker is None:
            continue
        start, end = c.content
        text = " ".join(article.text[start:end].split())
        first = bisect_left(article.span_starts, start)
        quoted = [sp for sp in article.spans[first:] if sp.end <= end]
        if quoted and quoted[0].start == start and quoted[0].end == end:
            kind = QuoteKind.DIRECT
            text = quoted[0].text
        else:
            kind = QuoteKind.MIXED if quoted else QuoteKind.INDIRECT
        said = Said(start, kind, text, article.paragraphs(start, end), None, article.span(start, end))
        last = out.last  # a bare quotation that follows continues the rules' last speaker, cue and all
        # "Trump’s claim that ...": resolved as "Trump", written with its possessive, so the
        # statement reads as the article has it and the speaker is never a new "Trump's"
        source = article.text[c.source[0] : c.source[1]]
        owner = source[len(strip_possessive(source)):]  # "’s", "'", or ""
        written = phrase.written if phrase.written.endswith(owner) else phrase.written + owner
        out.add(said, speaker, written, c.cue, speaker.role,
                content_form="object" if c.pattern in _OBJECT_PATTERNS else "")
        out.last = last
        taken.append(c.content)


# Quotations signed after a dash: '"We deserve better." ― Carla Sanchez' (reader voices, surveys,
# letters). A paragraph that ends with such a signature reads every "quote ― Name" in it that way,
# not as "― Name: '...'" introducing the next quotation.
_SIGNATURE = re.compile(r"""[”"]\s*[―—–]\s*([A-Z][\w'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}?)\.?(?=\s*$|[ \t]*\n|\s*[“"])""")
_ENDS_SIGNED = re.compile(r"""[”"]\s*[―—–]\s*[A-Z][\w.'’ -]{1,60}$""")


def _apply_signatures(article: ArticleText, book: SpeakerBook, found: list[tuple[int, Quote]]) -> None:
    """In a paragraph that ends with a dash signature, each quotation followed by one is the
    signer's; what the rules read there ("― Name" introducing the next quotation) is replaced."""
    for index, text in enumerate(article.normalised):
        if not _ENDS_SIGNED.search(text.rstrip()):
            continue
        base = article.starts[index]
        signed: list[tuple[int, Quote]] = []
        for span in article.spans:
            if not base <= span.start < base + len(text):
                continue
            m = _SIGNATURE.match(article.text, span.end - 1)
            name = m.group(1).rstrip(".") if m else ""
            speaker = book.resolve(Phrase(0, 0, name, "person", name), "", False) if name else None
            if speaker is None:
                continue
            quote = Quote(speaker.name, name, span.text, QuoteKind.DIRECT, "―",
                          article.paragraphs(span.start, span.end), speaker.role, "",
                          article.span(span.start + 1, span.end - 1), _kind(speaker))
            signed.append((span.start, quote))
        if signed:
            found[:] = [(p, q) for p, q in found if q.paragraphs[0] - 1 != index] + signed


def extract_quotes(paragraphs: Sequence[str], parse: bool = True) -> list[Quote]:
    """Direct and reported quotes in an article, in reading order, each with a resolved speaker.

    ``paragraphs`` are an article's (already repaired) paragraphs in order; paragraph ``i`` is
    number ``i + 1`` in ``Quote.paragraphs``. Only quotes with a speaker are returned: a
    quotation nobody is credited with is a scare quote, a title or a slogan. ``parse=False`` runs
    the rules alone (``Settings.attribution == "rules"``); so does a machine without a spaCy
    pipeline.

        >>> [(q.speaker, q.text) for q in extract_quotes(["'We will rebuild,' said Mayor Lena Okafor."])]
        [('Lena Okafor', 'We will rebuild')]
    """
    [quotes] = extract_quotes_of([paragraphs], parse)
    return quotes


@dataclass(slots=True)
class _Rules:
    """An article as the rules read it, before the parse: its sentences and what each says."""

    article: ArticleText
    units: list[Unit]
    read: list[tuple[list[Said], list[Anchor]]]
    taken: list[tuple[int, int]]


def extract_quotes_of(articles: Sequence[Sequence[str]], parse: bool = True) -> list[list[Quote]]:
    """``extract_quotes`` of each article, the paragraphs the parse reads parsed in one batch:
    spaCy reads a window of 20 articles at once with about a tenth less CPU than one article at a
    time (bench/history/2026-12.md), and the parse is what ingest waits for."""
    ruled = []
    for paragraphs in articles:
        article = ArticleText(paragraphs)
        units = sentence_units(article.text, article.starts, article.spans)
        read = [read_unit(article, unit) for unit in units]
        ruled.append(_Rules(article, units, read, [_said_range(s) for said, _ in read for s in said]))
    if not (parse and parsed.available()):
        return [_quotes(r, []) for r in ruled]
    wanted = [_to_parse(r.article, r.taken, [s.position for said, _ in r.read for s in said
                                             if s.kind is not QuoteKind.DIRECT and _JOINED.search(s.text)])
              for r in ruled]
    docs = iter(parsed.parse([t for r, w in zip(ruled, wanted, strict=True)
                              for t, want in zip(r.article.normalised, w, strict=True) if want]))
    return [_quotes(r, [next(docs) if want else None for want in w]) for r, w in zip(ruled, wanted, strict=True)]


def _quotes(ruled: _Rules, docs: list[Any]) -> list[Quote]:
    """The rules' quotes and the parse's kept candidates, each credited in reading order."""
    article, units, read, taken = ruled.article, ruled.units, ruled.read, ruled.taken
    if any(d is not None for d in docs):
        read = [([c for s in said if (c := _clause_only(s, docs)) is not None], anchors) for said, anchors in read]
        taken = [_said_range(s) for said, _ in read for s in said]
    found = _parse_candidates(article, docs) if docs else []
    book = SpeakerBook()
    out = _Collector()
    waiting: list[Said] = []  # a paragraph opening with a bare quotation waits for its next sentence
    last_before_waiting: _Last | None = None

    previous_frame: Frame | None = None  # from the sentence before, in the same paragraph

    introduced: Anchor | None = None  # "He said:" closing a paragraph: the next one's quotation is his
    for index, unit in enumerate(units):
        said, anchors = read[index]
        book.note_mentions(unit.tokens, article.text)
        if unit.first_in_paragraph:
            previous_frame = None
        frame = frame_in(book, anchors) or previous_frame
        if introduced is not None and unit.first_in_paragraph and said and said[0].anchor is None \
                and unit.tokens and unit.tokens[0].is_quote:
            out.add_from(said[0], book, introduced, frame)
            said = said[1:]
        introduced = _introducing(unit, said, anchors)
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
            if s.anchor is None and not _transcript_turn(out, book, s, article):
                out.continue_last(s, out.last)
            elif s.anchor is not None:
                out.add_from(s, book, s.anchor, frame)
        previous_frame = frame_after(book, said)
        _note_senders(book, unit.tokens, anchors)
        if found:
            here = [c for c in found if unit.tokens and unit.tokens[0].start <= c.cue_start < unit.tokens[-1].end]
            _add_parsed(out, book, article, unit, here, taken)
    for w in waiting:
        out.continue_last(w, last_before_waiting)
    _apply_signatures(article, book, out.found)
    out.found.sort(key=lambda pair: pair[0])
    return [quote for position, quote in out.found if not _subjectless(quote, position, article, docs)]


def _clause_only(quote: Said, docs: list[Any]) -> Said | None:
    """A reported clause cut where the parse shows the speaker's next act begins: "said they want
    'justice for Terrence,' | but pledged to remain civil" is what they said, then what they did
    (the rules read a clause to its sentence's end). Only where the parse is sure: the words after
    the clause hang, as "and"/"but" and a verb, on the very verb the clause completes. None when
    under three words are left ("described the showdown as | ominous, and said ..."): the parse
    reads that sentence whole ("described the showdown as ominous")."""
    if quote.kind is QuoteKind.DIRECT or quote.span is None or not docs:
        return quote
    index = quote.paragraphs[0] - 1
    doc = docs[index] if index < len(docs) else None
    if doc is None:
        return quote
    a, b = quote.span
    inside = [t for t in doc if a <= t.idx < b]
    roots = [t for t in inside if not a <= t.head.idx < b or t.head.i == t.i]
    if len(roots) < 2 or roots[0].head.i == roots[0].i:
        return quote
    verb = roots[0].head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if a <= verb.idx < b or not any(t.head.i == verb.i and t.dep_ == "conj" and t.pos_ in ("VERB", "AUX")
                                    for t in roots[1:]):
        return quote
    start, end = parsed.clause_bounds(doc, inside[0].i, roots[0].right_edge.i + 1)
    if doc[start].idx != a:
        return quote
    if sum(1 for t in doc[start:end] if not t.is_punct) < 3:
        return None
    stop = doc[end - 1].idx + len(doc[end - 1].text)
    text = " ".join(doc.text[a:stop].split())
    marks = sum(1 for t in doc[start:end] if t.text in '"“”')
    kind = quote.kind if marks else QuoteKind.INDIRECT
    return replace(quote, text=text, kind=kind, span=(a, stop))


# "the provincial government, which it said had changed its rules": the reported clause's subject
# is the relative pronoun before the cue, so the words after it ("had changed its rules") would
# misstate what was said ("The town council said that had changed ..."). Such clauses are left out.
_FINITE_OPENERS = word_set("is was were are am has had have will would can could should may might must does did")


def _subjectless(quote: Quote, position: int, article: ArticleText, docs: list[Any]) -> bool:
    """A reported clause that opens with its verb, its subject left before the cue. With the
    parse: the clause's first word (after "that") is a finite verb whose subject is not in it
    ("argues that allowed ...", "say that disadvantages ..."); without it, an auxiliary opens it."""
    if quote.kind is QuoteKind.DIRECT:
        return False
    # "that" and a verb is the article's own subject ("Christie said that was a natural part"), unless
    # the parse reads it as the mark of a clause whose subject is gone (below).
    words = quote.text.split(maxsplit=1)
    if words and words[0].lower() in _FINITE_OPENERS:
        return True
    index = quote.paragraphs[0] - 1
    if not docs or index >= len(docs):
        return False
    doc, at = docs[index], position - article.starts[index]
    if doc is None:
        return False
    token = next((t for t in doc if t.idx >= at), None)
    if token is not None and token.lower_ == "that" and token.i + 1 < len(doc):
        token = doc[token.i + 1]
    while token is not None and token.is_quote and token.i + 1 < len(doc):  # 'that "makes me smart"'
        token = doc[token.i + 1]
    if token is None or token.tag_ not in ("VBD", "VBZ", "VBP", "MD") or token.pos_ not in ("VERB", "AUX"):
        return False
    return not any(c.dep_ in ("nsubj", "nsubjpass", "expl") and c.idx >= at for c in token.children)
