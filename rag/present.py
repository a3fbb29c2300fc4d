"""Turn answers into safe markdown for front ends: escaping, streaming chunks, highlighting, speakers.

Article text is untrusted: a headline or quote may carry ``<script>``, ``[x](javascript:...)`` or
``**markdown**``. Everything here escapes article-derived text first and only then adds markdown
of its own (bold speaker names, list markers, bold highlights), so what a front end renders with
``st.markdown`` shows the article's characters literally and can never become a link, an image,
HTML or a heading. Lives in ``rag`` (not in the app) so tests and the CLI can reach it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rag.schema import Answer, AnswerMode, Citation, QuoteKind
from rag.text import split_sentences

# CommonMark lets any ASCII punctuation be backslash-escaped, and an escaped character is always
# literal text: never emphasis, a link, an autolink, raw HTML (``\<``), an entity (``\&``), a
# heading or a list marker. Streamlit's own extensions are covered too: ``$`` (LaTeX), ``:``
# (emoji shortcodes, ``:red[...]`` colour directives) and ``~`` (strikethrough).
_ESCAPED = frozenset(string.punctuation)
_CITATION_MARK = re.compile(r"\[\d+\]")
_ALSO_IN = re.compile(r"\(also in [^)]*\)")
_BOLD_LINE = re.compile(r"^\*\*(?P<name>.+?)\*\*(?P<rest>.*)$")


def escape_markdown(text: str) -> str:
    """``text`` as markdown that renders exactly these characters (no HTML, links or formatting).

    ``escape_markdown("[x](javascript:alert(1))")`` renders as the literal text, not a link.
    """
    # Leading spaces would make an indented code block (four are enough), so lines are stripped;
    # the article's own line breaks stay line breaks.
    lines = [_escape_chars(line.strip()) for line in text.splitlines()]
    return "  \n".join(line for line in lines if line)


def _escape_chars(text: str) -> str:
    return "".join("\\" + ch if ch in _ESCAPED else ch for ch in text)


def answer_chunks(answer: Answer) -> list[str]:
    """The answer as safe markdown pieces, in order, for streaming (joined, they are the answer).

    Lines keep the answer's own structure (bold speaker lines, ``- `` statements); long lines
    are cut after each ``[n]`` marker so a one-paragraph answer still arrives sentence by sentence.
    A "none" answer is its plain reason plus the nearest articles.
    """
    if answer.mode is AnswerMode.NONE and answer.reason:
        chunks = [escape_markdown(answer.reason) + "\n\n"]
        if answer.nearest:
            chunks.append("Nearest articles in the corpus:\n\n")
            chunks.extend(f"- {escape_markdown(title)}\n" for title in answer.nearest)
        return chunks
    chunks: list[str] = []
    for line in answer.text.splitlines():
        if not line.strip():
            chunks.append("\n")
            continue
        bold = _BOLD_LINE.match(line) if answer.mode is AnswerMode.ATTRIBUTION else None
        if bold:
            rest = escape_markdown(bold["rest"])
            space = " " if rest and bold["rest"][:1].isspace() else ""
            chunks.append(f"**{escape_markdown(bold['name'])}**{space}{rest}\n\n")
            continue
        prefix = ""
        if line.startswith("- "):
            prefix, line = "- ", line[2:]
        pieces = re.split(r"(?<=\])\s+(?=[^\[(])", line)
        for i, piece in enumerate(pieces):
            lead = prefix if i == 0 else " "
            chunks.append(lead + escape_markdown(piece))
        chunks.append("\n")
    return chunks


def answer_markdown(answer: Answer) -> str:
    """The whole answer as safe markdown (what streaming ``answer_chunks`` ends up showing)."""
    return "".join(answer_chunks(answer))


def quoted_spans(answer: Answer, citation: Citation) -> list[str]:
    """The words of ``citation``'s paragraph that the answer uses: its quotes and sentences."""
    candidates = [q.text for q in answer.quotes]
    for line in answer.text.splitlines():
        line = _ALSO_IN.sub(" ", line)
        candidates.extend(_CITATION_MARK.split(line))
    spans: list[str] = []
    for candidate in candidates:
        candidate = candidate.strip().lstrip("-").strip()
        for sentence in (candidate, *split_sentences(candidate)):
            span = _trim(sentence)
            if len(span) >= 12 and span in citation.text and span not in spans:
                spans.append(span)
    return spans


def highlight_markdown(text: str, spans: Iterable[str]) -> str:
    """``text`` escaped for markdown, with each occurrence of a span in bold.

    Spans are trimmed to start and end on a word character, so the ``**`` around them always
    opens and closes (CommonMark's flanking rules) whatever punctuation surrounds them.
    """
    text = " ".join(text.split())
    marks: list[tuple[int, int]] = []
    for span in spans:
        span = _trim(span)
        if not span:
            continue
        start = text.find(span)
        while start >= 0:
            marks.append((start, start + len(span)))
            start = text.find(span, start + len(span))
    merged: list[list[int]] = []
    for start, end in sorted(marks):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(_escape_chars(text[pos:start]))
        out.append("**" + _escape_chars(text[start:end]) + "**")
        pos = end
    out.append(_escape_chars(text[pos:]))
    return "".join(out)


def _trim(span: str) -> str:
    match = re.search(r"\w(?:.*\w)?", span, re.S)
    return match.group(0) if match else ""


def citation_label(c: Citation) -> str:
    """Plain text naming a citation: ``[1] Headline - Source, 2025-01-02, paragraph 5``."""
    return (f"[{c.n}] {c.title} - {c.source or 'unknown source'}, {c.date or 'undated'}, "
            f"paragraph {c.paragraph}")


@dataclass(frozen=True, slots=True)
class Statement:
    """One thing a speaker said in an answer, with the citation numbers that back it."""

    text: str
    kind: QuoteKind
    cue: str
    citations: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SpeakerCard:
    """Everything one speaker said in a "who said what" answer."""

    speaker: str
    role: str
    statements: tuple[Statement, ...]

    @property
    def citations(self) -> tuple[int, ...]:
        seen: dict[int, None] = {}
        for s in self.statements:
            for n in s.citations:
                seen.setdefault(n, None)
        return tuple(seen)


def speaker_cards(answer: Answer) -> list[SpeakerCard]:
    """The answer's quotes grouped by speaker, in the answer's order (empty unless attribution).

    A quote that runs over several paragraphs cites all of them: the numbers come from the
    answer line that carries the quote.
    """
    if answer.mode is not AnswerMode.ATTRIBUTION:
        return []
    marks_by_text: dict[str, tuple[int, ...]] = {}
    for line in answer.text.splitlines():
        numbers = tuple(int(m.group(0)[1:-1]) for m in _CITATION_MARK.finditer(line))
        if numbers:
            marks_by_text[line] = numbers
    groups: dict[str, list[Statement]] = {}
    roles: dict[str, str] = {}
    for q in answer.quotes:
        numbers = next((ns for line, ns in marks_by_text.items() if q.text in line and q.citation in ns),
                       (q.citation,))
        groups.setdefault(q.speaker, []).append(Statement(q.text, q.kind, q.cue, numbers))
        if q.role and not roles.get(q.speaker):
            roles[q.speaker] = q.role
    return [SpeakerCard(name, roles.get(name, ""), tuple(items)) for name, items in groups.items()]


def statement_markdown(s: Statement) -> str:
    """A statement as safe markdown: ``said: “...” [1][2]`` or ``said that ... [1]``."""
    marks = "".join(f"[{n}]" for n in s.citations)
    words = f"\u201c{s.text}\u201d" if s.kind is QuoteKind.DIRECT else f"that {s.text}"
    return escape_markdown(f"{s.cue or 'said'}: {words} {marks}" if s.kind is QuoteKind.DIRECT
                           else f"{s.cue or 'said'} {words} {marks}")


__all__: Sequence[str] = (
    "SpeakerCard",
    "Statement",
    "answer_chunks",
    "answer_markdown",
    "citation_label",
    "escape_markdown",
    "highlight_markdown",
    "quoted_spans",
    "speaker_cards",
    "statement_markdown",
)
