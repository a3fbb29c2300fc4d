"""The chat's "who said what" answer: a lead line, then one bordered card per speaker.

Layout only. Which speakers and statements an answer holds, and how many it left out, is decided
in ``rag`` and carried by the ``Answer`` (``speakers``, ``total_speakers``, each group's
``total``); this module places those parts with ``rag.render``'s pieces. Everything
article-derived reaches ``st.markdown`` through ``escape_markdown``, never ``unsafe_allow_html``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import streamlit as st

from rag import Answer, Confidence, SpeakerStatements
from rag.render.json import download_name, statement_rows, statements_csv
from rag.render.markdown import (
    Link,
    escape_markdown,
    lead_line,
    left_out_line,
    speaker_heading,
    statement_line,
    statements_left_out,
    undated_line,
)
from rag.render.speech import mid_sentence


def statements_markdown(group: SpeakerStatements, link: Link = None) -> str:
    """The statements shown, one list item each: the sentence, then its ``[n]`` markers (escaped;
    with ``link``, each a link to its source)."""
    return "\n".join(statement_line(group.speaker, s, escape_markdown, link) for s in group.statements)


def speaker_card(
    group: SpeakerStatements, link: Link = None, *, key: str = "", on_ask: Callable[[str], None] | None = None
) -> None:
    """One speaker: name and role, each statement with its citations, what was left out, and a
    button asking for everything the speaker said in the corpus (``on_ask(question)``)."""
    with st.container(border=True):
        st.markdown(speaker_heading(group, escape_markdown))
        st.markdown(statements_markdown(group, link))
        if statements_left_out(group):
            st.caption(statements_left_out(group))
        if on_ask is not None and key:
            named = mid_sentence(group.speaker)  # "Everything local officials said", names kept
            st.button(f"Everything {escape_markdown(named)} said", key=key, type="tertiary",
                      on_click=on_ask, args=(f"What did {named} say?",))


def show_attribution(
    answer: Answer, *, key: str, on_show_all: Callable[..., None], args: tuple[object, ...] = (), link: Link = None,
    on_ask: Callable[[str], None] | None = None,
) -> None:
    """The lead line, the speakers' cards, and, when the answer is cut, its count and "Show all".

    ``on_show_all(*args)`` runs when the button is pressed (a Streamlit ``on_click``).
    """
    if answer.confidence is Confidence.TENTATIVE:  # muted: the closest statements, not an answer
        st.caption(escape_markdown(lead_line(answer)))
    else:
        st.markdown(escape_markdown(lead_line(answer)))
    for i, group in enumerate(answer.speakers):
        card_key = f"everything-{key}-{i}"  # "Everything X said": not asked when the answer is X's already
        speaker_card(group, link, key=card_key, on_ask=on_ask if not answer.speaker else None)
    if not answer.complete:
        if left_out_line(answer):  # when every speaker is shown, their cards say what is cut
            st.caption(escape_markdown(left_out_line(answer)))
        st.button("Show all", key=key, on_click=on_show_all, args=args)
    if undated_line(answer):
        st.caption(escape_markdown(undated_line(answer)))
    statements_views(answer, key=key)


def statements_views(answer: Answer, *, key: str) -> None:
    """The statements shown as a timeline (by date, one row per speaker) and as CSV / JSON files."""
    rows = statement_rows(answer)
    if not rows:
        return
    with st.popover("Timeline and downloads", width="stretch"):
        dated = [r for r in rows if r["date"]]
        if dated:
            import altair as alt

            chart = (
                alt.Chart(alt.Data(values=dated))
                .mark_circle(size=120)
                .encode(
                    x=alt.X("date:T", title="published"),
                    y=alt.Y("speaker:N", title=None, sort=[g.speaker for g in answer.speakers]),
                    tooltip=["speaker:N", "date:T", "source:N", "citations:N", "text:N"],
                )
            )
            st.altair_chart(chart, width="stretch")
        if len(dated) < len(rows):
            st.caption(f"{len(rows) - len(dated)} of {len(rows)} statements come from undated articles "
                       "and are not on the timeline.")
        left, right = st.columns(2)
        today = date.today()  # the day of the download, as the reader's own folder sorts them
        left.download_button("Download CSV", statements_csv(answer), file_name=download_name(answer, "csv", today),
                             mime="text/csv", key=f"{key}-csv")
        right.download_button("Download JSON", json.dumps(rows, ensure_ascii=False, indent=1),
                              file_name=download_name(answer, "json", today), mime="application/json",
                              key=f"{key}-json")
