"""Quote marks: which marks in the article's text open and close a quotation (``find_quote_spans``).

Apostrophes ("Ukraine's", "don't", "the Armed Forces' withdrawal", "the '90s") are not quote
marks. A quote left open at the end of a paragraph goes on into the next one when that paragraph
opens with a mark of the same kind or closes the quote before opening another, as news copy does.
The New York Times' doubled apostrophes ('' and ``) read as double marks
(``read_doubled_apostrophes``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTE_FAMILY = {
    "'": "single",
    "‘": "single",
    "’": "single",
    "‚": "single",
    '"': "double",
    "“": "double",
    "”": "double",
    "„": "double",
    "«": "angle",
    "»": "angle",
}
QUOTE_MARKS = frozenset(_QUOTE_FAMILY)
_MARK = re.compile("[" + "".join(_QUOTE_FAMILY) + "]")
_MARK_OR_BREAK = re.compile("[\n" + "".join(_QUOTE_FAMILY) + "]")
_OPEN_ONLY = "‘“„‚«"
_CLOSE_ONLY = "”»"
_ELISIONS = ("em", "tis", "twas", "cause", "til")
# A quote may run on for a few paragraphs in news copy; longer runs are unpaired marks.
_MAX_QUOTE_PARAGRAPHS = 4
# A transcript quoted turn by turn opens each paragraph with a mark and the speaker's name in
# capitals, and closes none ('"WALLACE: Let's start ...', '"PENCE: Well, look, ...'): each
# paragraph is one turn, a quotation to its end, never one quotation running on through the
# next speakers' names.
TRANSCRIPT_TURN = re.compile(r"""([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}):\s+""")


@dataclass(frozen=True, slots=True)
class Span:
    """A quotation in the article text: ``start`` is its opening mark, ``end`` is after its closing one."""

    start: int
    end: int
    text: str  # the words inside, paragraphs joined with a space


def _can_open(text: str, i: int) -> bool:
    ch = text[i]
    if i + 1 >= len(text) or text[i + 1].isspace():
        return False
    if ch in _CLOSE_ONLY:
        # '”Fear. I am truly afraid ...”' (reader voices typed on a phone): a closing mark that
        # opens a paragraph and is followed by a word closes nothing; it opens the quotation.
        return ch == "”" and (i == 0 or text[i - 1] == "\n") and text[i + 1].isalnum()
    if ch in _OPEN_ONLY:
        return True
    prev = text[i - 1] if i else " "
    if not (prev.isspace() or prev in "([{—–-/" or prev in _QUOTE_FAMILY):
        return False  # "don't", "Ukraine's": an apostrophe inside a word
    if _QUOTE_FAMILY[ch] == "single":
        rest = text[i + 1 : i + 6].lower()
        if rest[:2].isdigit() or any(
            rest.startswith(e) and not rest[len(e) : len(e) + 1].isalpha() for e in _ELISIONS
        ):
            return False  # "the '90s", "'em"
    return True


def _can_close(text: str, i: int) -> bool:
    ch = text[i]
    if ch in _OPEN_ONLY or i == 0 or text[i - 1].isspace():
        return False
    if ch in _CLOSE_ONLY:
        return True
    nxt = text[i + 1] if i + 1 < len(text) else "\n"
    return nxt.isspace() or nxt in ",.;:!?)]}—–-…" or nxt in _QUOTE_FAMILY


def _next_mark(text: str, i: int, family: str) -> int:
    """Index of the next mark of ``family`` in this paragraph, or -1."""
    for m in _MARK_OR_BREAK.finditer(text, i):
        j = m.start()
        if text[j] == "\n":
            return -1
        if _QUOTE_FAMILY[text[j]] == family and (_can_open(text, j) or _can_close(text, j)):
            return j
    return -1


def _is_plural_possessive(text: str, i: int, family: str) -> bool:
    """A plural possessive ("the soldiers' families") inside a quote, when a later mark closes the quote."""
    if family != "single" or text[i - 1] not in "sS" or i + 1 >= len(text) or text[i + 1] != " ":
        return False
    later = _next_mark(text, i + 1, family)
    return later >= 0 and _can_close(text, later) and not _can_open(text, later)


def _closes_first(text: str, i: int, family: str) -> bool:
    """Does the paragraph starting at ``i`` close an open quote before it opens a new one?"""
    j = _next_mark(text, i, family)
    return j >= 0 and _can_close(text, j) and not _can_open(text, j)


def _find_close(text: str, open_at: int, family: str) -> tuple[int, list[int], int]:
    """The closing mark for the quote opened at ``open_at`` (-1 if none), marks to drop, and
    where the search stopped.

    At a paragraph end the quote goes on when the next paragraph opens with a mark of the same
    kind (news convention) or closes the quote before opening another one.
    """
    dropped: list[int] = []
    paragraphs = 1
    i = open_at + 1
    while True:
        m = _MARK_OR_BREAK.search(text, i)
        if m is None:
            return -1, dropped, len(text)
        i = m.start()
        ch = text[i]
        if ch == "\n":
            paragraphs += 1
            if paragraphs > _MAX_QUOTE_PARAGRAPHS:
                return -1, dropped, i
            j = i + 1
            if j < len(text) and text[j] in _QUOTE_FAMILY and TRANSCRIPT_TURN.match(text, j + 1):
                return -1, dropped, i  # the next speaker's turn of a transcript: no quotation runs into it
            if j < len(text) and _QUOTE_FAMILY.get(text[j]) == family and _can_open(text, j):
                dropped.append(j)
                i = j + 1
                continue
            if not _closes_first(text, j, family):
                return -1, dropped, i
            i = j
            continue
        if (
            _QUOTE_FAMILY.get(ch) == family
            and _can_close(text, i)
            and not _is_plural_possessive(text, i, family)
        ):
            return i, dropped, i
        i += 1


def _paragraph_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _runs_to_end(text: str, i: int, end: int, family: str) -> bool:
    """Whether the quotation opened at ``i`` is still open at the paragraph's last character: a
    quotation inside it ("an episode of “Shark Tank.”") opens and closes, but a mark that closes
    while none is open ('"WASHINGTON: The city is quiet," said ...') ends it early."""
    depth = 0
    for j in range(i + 1, end - 1):
        if _QUOTE_FAMILY.get(text[j]) != family:
            continue
        if _can_close(text, j) and (depth > 0 or not _can_open(text, j)):
            if depth == 0:
                return False
            depth -= 1
        elif _can_open(text, j):
            depth += 1
    return True


def find_quote_spans(text: str) -> list[Span]:
    """Pair quote marks in the article text (paragraphs joined with newlines)."""
    spans: list[Span] = []
    # When a quote opened in a paragraph never closes, no later opening mark of the same kind in
    # that paragraph can close either (it would meet the same marks): skip them, so a paragraph
    # full of stray marks costs linear time, not quadratic.
    unclosable_until: dict[str, int] = {}
    i = 0
    while True:
        m = _MARK.search(text, i)
        if m is None:
            return spans
        i = m.start()
        family = _QUOTE_FAMILY[text[i]]
        end = _paragraph_end(text, i) if (i == 0 or text[i - 1] == "\n") and TRANSCRIPT_TURN.match(text, i + 1) else -1
        if end >= 0 and _runs_to_end(text, i, end, family):
            inner = " ".join(text[i + 1 : end - 1 if _QUOTE_FAMILY.get(text[end - 1]) == family else end].split())
            spans.append(Span(i, end, inner))  # no mark closes it but, at most, the paragraph's last
            i = end
            continue
        if i >= unclosable_until.get(family, -1) and _can_open(text, i):
            close, dropped, stopped = _find_close(text, i, family)
            if close >= 0:
                inner = "".join(c for j, c in enumerate(text[i + 1 : close], start=i + 1) if j not in dropped)
                inner = " ".join(inner.split())
                if inner:
                    spans.append(Span(i, close + 1, inner))
                    i = close + 1
                    continue
            else:
                paragraph_end = _paragraph_end(text, i)
                if stopped <= paragraph_end:
                    unclosable_until[family] = paragraph_end
        i += 1


# The New York Times (and typeset copy) writes a double quote as two apostrophes: ''Yes,'' he
# said. Read each pair as one double mark, keeping every offset: an opening pair (a word follows)
# becomes ' "', a closing one '" '.
_DOUBLED_APOSTROPHES = re.compile(r"''|``")


def _as_double_quote(m: re.Match[str]) -> str:
    after = m.string[m.end() : m.end() + 1]
    return ' "' if after.isalnum() or m.group() == "``" else '" '


def read_doubled_apostrophes(paragraph: str) -> str:
    """``paragraph`` with each '' or `` read as one double quote mark, every offset kept."""
    return _DOUBLED_APOSTROPHES.sub(_as_double_quote, paragraph)
