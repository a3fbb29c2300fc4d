"""The renderings an answer carries when rag hands it out: ``Answer.text``, ``.reason``, ``.nearest``.

``rag.schema`` holds data and imports no renderer; the answerer calls ``finished`` on every
answer it returns, so scripts and the CLI read ``answer.text`` as before while the chat and the
JSON renderer still work from the typed parts.
"""

from __future__ import annotations

from dataclasses import replace

from rag.render.markdown import answer_text
from rag.render.speech import article_label, refusal_message
from rag.schema import Answer


def finished(answer: Answer) -> Answer:
    """``answer`` with its markdown, its refusal message and its nearest articles' labels filled in."""
    refusal = answer.refusal
    return replace(
        answer,
        text=answer_text(answer),
        reason=refusal_message(refusal, answer.speaker) if refusal is not None else "",
        nearest=tuple(article_label(a) for a in refusal.nearest) if refusal is not None else (),
    )
