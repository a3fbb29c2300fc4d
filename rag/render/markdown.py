"""Answers as markdown: plain for terminals and scripts, escaped for the chat.

Article text is untrusted: a headline or quote may carry ``<script>``, ``[x](javascript:...)``
or ``**markdown**``. In the chat form everything article-derived (and the user's own words) is
escaped first and only then wrapped in markdown of our own (bold names, list markers, bold
highlights), so ``st.markdown`` shows the article's characters literally and they can never
become a link, an image, HTML or a heading.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable

from rag.records import age_in_days
from rag.render.speech import article_label, refusal_message, statement_sentence
from rag.schema import Answer, AnswerMode, Citation, Confidence, Sentence, SpeakerStatements, Statement
from rag.text import split_sentences

# CommonMark lets any ASCII punctuation be backslash-escaped, and an escaped character is always
# literal text: never emphasis, a link, an autolink, raw HTML (``\<``), an entity (``\&``), a
# heading or a list marker. Streamlit's own extensions are covered too: ``$`` (LaTeX), ``:``
# (emoji shortcodes, ``:red[...]`` colour directives) and ``~`` (strikethrough).
_ESCAPED = frozenset(string.punctuation)


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


def _plain(text: str) -> str:
    return text


# The line above a tentative answer (``Confidence.TENTATIVE``): the sentences below are the
# closest the corpus has, not a confident answer; the CLI, ``Answer.text`` and the chat share it.
TENTATIVE_LEAD = "No paragraph clearly answers this. The closest:"


def tentative_lead(answer: Answer) -> str:
    """The lead line of a tentative answer, naming the question's words the closest paragraphs
    never mention when they are most of it, as a weak-match refusal does (the corpus may hold
    them elsewhere: the words are the closest paragraphs', not the corpus'), and how old the
    closest paragraph is when it is over a week older than the day asked about."""
    days = age_in_days(answer.closest_date, answer.as_of) if answer.closest_date and answer.as_of else None
    dated = f"{answer.closest_date}, {days} days before {answer.as_of}" if days is not None else ""
    if not answer.unmatched:
        return f"No paragraph clearly answers this. The closest, from {dated}:" if dated else TENTATIVE_LEAD
    words = [f"\u201c{w}\u201d" for w in answer.unmatched]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    lead = f"No paragraph clearly answers this, and the closest never mention {listed}"
    return f"{lead} (the first is from {dated}):" if dated else f"{lead}:"


Link = Callable[[int], str] | None  # citation number -> the in-page anchor its marker links to


def marks(citation_ids: Iterable[int], esc: Callable[[str], str] = _plain, link: Link = None) -> str:
    """``[1][3]``: the citation markers (escaped in the chat so article text never makes link
    syntax); with ``link``, each marker is a link to its source (``[\\[1\\]](#src-0-2-1)``)."""
    if link is None:
        return esc("".join(f"[{n}]" for n in citation_ids))
    return "".join(f"[{esc(f'[{n}]')}]({link(n)})" for n in citation_ids)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def lead_line(answer: Answer) -> str:
    """The line above a "who said what" answer: who is quoted about what (plain text). A
    tentative one says first that no statement is clearly about the topic, naming the topic's
    words none of their paragraphs hold, and offers the statements as the closest."""
    about = f" about {answer.topic}" if answer.topic else ""
    if answer.confidence is Confidence.TENTATIVE and answer.topic:
        words = [f"\u201c{w}\u201d" for w in answer.unmatched]
        never = ""
        if words:
            listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
            never = f", and none of their paragraphs mentions {listed}"
        lead = f"No statement is clearly about {answer.topic}{never}. The closest"
        if answer.total_speakers == 1 and answer.speakers:
            group = answer.speakers[0]
            return f"{lead}, from {group.speaker} ({_statements(group.total)}):"
        return f"{lead}, from {answer.total_speakers} speakers:"
    if answer.total_speakers == 1 and answer.speakers:
        group = answer.speakers[0]
        return f"{_capitalised(group.speaker)} is quoted{about} ({_statements(group.total)}):"
    return f"{answer.total_speakers} speakers are quoted{about}:"


def _statements(n: int) -> str:
    return f"{n} statement{'s' if n != 1 else ''}"


def left_out_line(answer: Answer) -> str:
    """``showing 10 of 27 speakers (18 more statements by the others)``, or "" when every speaker
    is shown: then each speaker's own ``statements_left_out`` line already says what of theirs is
    cut, and a total under them would say it twice (issue 22)."""
    if answer.complete or answer.shown_speakers >= answer.total_speakers:
        return ""
    return (f"showing {answer.shown_speakers} of {answer.total_speakers} speakers "
            f"({answer.hidden_statements} more statements by the others)")


def undated_line(answer: Answer) -> str:
    """``2 undated articles were left out by the date filter``: a date filter cannot place an
    article without a date, so it drops it; the reader is told how many, never silently."""
    n = answer.undated_hidden
    if not n:
        return ""
    return f"{n} undated article{'s were' if n != 1 else ' was'} left out by the date filter."


def speaker_heading(group: SpeakerStatements, esc: Callable[[str], str] = _plain) -> str:
    """``**Denis Pushilin** (the head of ...)``; a description starts with a capital; other
    spellings merged into the speaker follow: ``(also written Jonas Halberg)``."""
    role = f" ({esc(group.role)})" if group.role else ""
    also = f" (also written {esc(', '.join(group.variants))})" if group.variants else ""
    return f"**{esc(_capitalised(group.speaker))}**{role}{also}"


def statement_line(speaker: str, s: Statement, esc: Callable[[str], str] = _plain, link: Link = None) -> str:
    """``- Pushilin said: “...” [1]``: one statement as a list item with its citation markers."""
    return f"- {esc(statement_sentence(speaker, s))} {marks(s.citation_ids, esc, link)}"


def statements_left_out(group: SpeakerStatements) -> str:
    """``showing 6 of 16 statements``, or "" when all of the speaker's statements are shown."""
    if group.total <= len(group.statements):
        return ""
    return f"showing {len(group.statements)} of {group.total} statements"


def statement_lines(group: SpeakerStatements, esc: Callable[[str], str] = _plain, link: Link = None) -> list[str]:
    """One ``- sentence [n]`` line per statement shown, and a count of those not shown."""
    lines = [statement_line(group.speaker, s, esc, link) for s in group.statements]
    if statements_left_out(group):
        lines.append(f"- {esc('... ' + statements_left_out(group))}")
    return lines


def _sentence_text(s: Sentence, esc: Callable[[str], str], link: Link = None) -> str:
    sources = ", ".join(s.also_in)
    also = " " + esc(f"(also in {sources})") if s.also_in else ""
    return f"{esc(s.text)} {marks(s.citation_ids, esc, link)}{also}"


def _chunks(answer: Answer, esc: Callable[[str], str], link: Link = None) -> list[str]:
    """The answer as markdown pieces in reading order (joined, they are the answer)."""
    if answer.mode is AnswerMode.NONE:
        refusal = answer.refusal
        chunks = [esc(refusal_message(refusal, answer.speaker) if refusal else answer.note) + "\n\n"]
        if refusal is not None and refusal.nearest:
            chunks.append("Nearest articles in the corpus:\n\n")
            chunks.extend(f"- {esc(article_label(a))}\n" for a in refusal.nearest)
        if undated_line(answer):
            chunks.append(f"\n_{esc(undated_line(answer))}_\n")
        return chunks
    chunks: list[str] = []
    if answer.mode is AnswerMode.ATTRIBUTION:
        chunks.append(esc(lead_line(answer)) + "\n\n")
        for group in answer.speakers:
            chunks.append(speaker_heading(group, esc) + "\n\n")
            chunks.extend(line + "\n" for line in statement_lines(group, esc, link))
            chunks.append("\n")
        if left_out_line(answer):
            chunks.append(f"_{esc(_capitalised(left_out_line(answer)))}_\n")
    else:
        if answer.confidence is Confidence.TENTATIVE:
            chunks.append(esc(tentative_lead(answer)) + "\n\n")
        blocks: dict[int, list[Sentence]] = {}
        for s in answer.sentences:
            blocks.setdefault(s.block, []).append(s)
        for sentences in blocks.values():
            prefix = "- " if sentences[0].bullet else ""
            for i, s in enumerate(sentences):
                chunks.append((prefix if i == 0 else " ") + _sentence_text(s, esc, link))
            chunks.append("\n")
    if undated_line(answer):
        chunks.append(f"\n_{esc(undated_line(answer))}_\n")
    return chunks


def answer_text(answer: Answer) -> str:
    """The answer as plain markdown, article text as written: ``Answer.text``, the CLI, ``--json``."""
    return "".join(_chunks(answer, _plain)).strip()


def answer_chunks(answer: Answer, link: Link = None) -> list[str]:
    """The answer as escaped markdown pieces, for streaming into the chat; ``link`` makes each
    ``[n]`` a link to its source."""
    return _chunks(answer, escape_markdown, link)


def answer_markdown(answer: Answer, link: Link = None) -> str:
    """The whole answer as escaped markdown (what streaming ``answer_chunks`` ends up showing)."""
    return "".join(answer_chunks(answer, link))


def quoted_spans(answer: Answer, citation: Citation) -> list[str]:
    """The words of ``citation``'s paragraph that the answer uses: its statements and sentences."""
    statements = [s for g in answer.speakers for s in g.statements if citation.n in s.citation_ids]
    # The extractor's own offsets first: exactly the reported words, in the paragraph they start in.
    candidates = [
        citation.text[s.span[0] : s.span[1]]
        for s in statements
        if s.span is not None and s.citation_ids[0] == citation.n and s.span[1] <= len(citation.text)
    ]
    candidates += [s.text for s in statements]
    candidates += [s.text for s in answer.sentences if citation.n in s.citation_ids]
    spans: list[str] = []
    for candidate in candidates:
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
    found: list[tuple[int, int]] = []
    for span in spans:
        span = _trim(" ".join(span.split()))
        if not span:
            continue
        start = text.find(span)
        while start >= 0:
            found.append((start, start + len(span)))
            start = text.find(span, start + len(span))
    merged: list[list[int]] = []
    for start, end in sorted(found):
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


def short_source(source: str) -> str:
    """A masthead short enough for a label: the words before the last as initials when there are
    two or more ("Los Angeles Chronicle" -> "LA Chronicle"); shorter names as they are."""
    words = source.split()
    if len(words) < 3 or len(source) <= 18:
        return source
    return "".join(w[0] for w in words[:-1] if w[0].isalnum()).upper() + " " + words[-1]


def citation_label(c: Citation) -> str:
    """A short label for a citation, ``[1] LA Chronicle · ¶5 · 2025-01-02``; what is unknown is
    left out. The headline goes inside, where there is room for it."""
    parts = [short_source(c.source) or "unknown source", f"\u00b6{c.paragraph}", c.date]
    return f"[{c.n}] " + " \u00b7 ".join(p for p in parts if p)
