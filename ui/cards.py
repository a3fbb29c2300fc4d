"""The chat's "who said what" answer: a lead line, then one bordered card per speaker.

Layout only. Which speakers and statements an answer holds, and how many it left out, is decided
in ``rag`` and carried by the ``Answer`` (``speakers``, ``total_speakers``, each group's
``total``); this module places those parts with ``rag.render``'s pieces. Everything
article-derived reaches ``st.markdown`` through ``escape_markdown``, never ``unsafe_allow_html``.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from rag import Answer, SpeakerStatements
from rag.render.markdown import (
    escape_markdown,
    lead_line,
    left_out_line,
    speaker_heading,
    statement_line,
    statements_left_out,
)


def statements_markdown(group: SpeakerStatements) -> str:
    """The statements shown, one list item each: the sentence, then its ``[n]`` markers (escaped)."""
    return "\n".join(statement_line(group.speaker, s, escape_markdown) for s in group.statements)


def speaker_card(group: SpeakerStatements) -> None:
    """One speaker: name and role, each statement with its citations, and what was left out."""
    with st.container(border=True):
        st.markdown(speaker_heading(group, escape_markdown))
        st.markdown(statements_markdown(group))
        if statements_left_out(group):
            st.caption(statements_left_out(group))


def show_attribution(
    answer: Answer, *, key: str, on_show_all: Callable[..., None], args: tuple[object, ...] = ()
) -> None:
    """The lead line, the speakers' cards, and, when the answer is cut, its count and "Show all".

    ``on_show_all(*args)`` runs when the button is pressed (a Streamlit ``on_click``).
    """
    st.markdown(escape_markdown(lead_line(answer)))
    for group in answer.speakers:
        speaker_card(group)
    if not answer.complete:
        st.caption(escape_markdown(left_out_line(answer)))
        st.button("Show all", key=key, on_click=on_show_all, args=args)
