"""Mend paragraphs that a scraper or an editor's stray blank line split in the middle of a sentence.

A paragraph is the unit of citation, so a split one cites half a sentence and loses its speaker:
the seed article breaks "... said Dr." / "Elena Petrova, a defense expert ...", and a quote
would otherwise be attributed to nobody. Only splits that are certainly wrong are joined; a
paragraph that merely lacks a full stop (a dateline, a sub-head) is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.text import ends_with_name_title

# A paragraph that opens with a quote mark starts a new quote, or continues one across
# paragraphs the way news copy does (the previous paragraph left its quote open). Both are
# intended paragraph breaks, and the quote extractor follows quotes across them.
_OPENING_QUOTES = "\"'“‘«„‚"


def repair_paragraphs(paragraphs: Sequence[str]) -> tuple[str, ...]:
    """Join each paragraph split mid-sentence onto the one before; drop empty paragraphs.

    A paragraph is joined to the previous one when the previous ends with a title that must be
    followed by a name ("said Dr.", "Gen.", "Sen."), or when it opens with a lower-case word
    ("... the city's / budget, officials said"), which no sentence does. Never joined: a
    paragraph opening with a quote mark, or one after a paragraph ending in a colon (a list or
    a quote introduced by it). "U.S." or "Inc." at the end of a paragraph does not force a join:
    either can end a sentence.

        >>> repair_paragraphs(["'A retreat,' said Dr.", "Elena Petrova, an expert."])
        ("'A retreat,' said Dr. Elena Petrova, an expert.",)
    """
    repaired: list[str] = []
    for paragraph in paragraphs:
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if repaired and _is_continuation(repaired[-1], paragraph):
            repaired[-1] = f"{repaired[-1]} {paragraph}"
        else:
            repaired.append(paragraph)
    return tuple(repaired)


def _is_continuation(previous: str, paragraph: str) -> bool:
    if paragraph[0] in _OPENING_QUOTES:
        return False
    if ends_with_name_title(previous):
        return True
    if previous.endswith(":"):
        return False
    return _opens_with_lowercase_word(paragraph)


def _opens_with_lowercase_word(paragraph: str) -> bool:
    """True for "budget, officials said", false for "iPhone sales ..." and "eBay said ...".

    Brand names written with a lower-case first letter keep a capital inside the word; a
    sentence cut in two does not.
    """
    word = paragraph.split(maxsplit=1)[0]
    return word[0].islower() and not any(char.isupper() for char in word)
