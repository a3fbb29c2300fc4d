"""The newsrag chat: ask the news corpus questions; every answer cites its paragraphs with [n].

    newsrag ui --db ./newsrag-db          # or: NEWSRAG_DB=./newsrag-db streamlit run ui/app.py \
                                          #         --server.address 127.0.0.1

Layout only. Answers, follow-ups, citation choice and highlighting come from ``rag``; ingest from
``ingest``. An answer is typed data: "who said what" answers are drawn as cards (``ui/cards.py``),
the others streamed as ``rag.render.markdown``'s pieces; nothing here reads the answer's text.
Article text is untrusted, so everything article-derived reaches ``st.markdown`` only through
``escape_markdown`` (never ``unsafe_allow_html``).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import streamlit as st

from ingest import IngestProgress, ingest
from ingest.uploads import keep_upload
from rag import (
    Answer,
    AnswerMode,
    Citation,
    Confidence,
    Filters,
    IndexNotFound,
    IngestReport,
    NewsIndex,
    NewsragError,
    Settings,
    SkippedFile,
)
from rag.render.markdown import (
    answer_chunks,
    answer_markdown,
    escape_markdown,
    highlight_markdown,
    quoted_spans,
    short_source,
)
from rag.render.speech import failures_heading, ingest_summary
from ui import cards
from ui.access import auth_problem, exposure_problem

ALL_SOURCES = "All sources"
# Long enough to read as streaming, short enough that a ten-line answer is done in a second.
STREAM_PAUSE_S = 0.04
# The date pickers' range: st.date_input otherwise only offers ten years either side of today.
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)

st.set_page_config(page_title="newsrag", page_icon=":newspaper:")

try:
    settings = Settings.load()
except NewsragError as exc:
    st.error(escape_markdown(str(exc)))
    st.stop()


_log = logging.getLogger("newsrag.ui")


def _refuse_exposure() -> None:
    """Show only a refusal when this server can be reached beyond this machine without a login.

    ``newsrag ui`` checks before starting, but ``streamlit run ui/app.py`` binds every interface
    unless told otherwise, so the app checks the address it is actually served on (``ui/access``).
    """
    auth = st.secrets.get("auth") if st.secrets.load_if_toml_exists() else None
    try:
        problem = exposure_problem(st.get_option("server.address"), auth_problem(auth, "the app's secrets.toml"),
                                   behind_auth_proxy=settings.behind_auth_proxy)
    except ValueError as exc:
        problem = f"server.address {exc}"
    if problem:
        st.title("newsrag")
        st.error(escape_markdown(problem))
        st.stop()


def _require_login() -> None:
    """With Streamlit's login configured (an ``[auth]`` table in ``.streamlit/secrets.toml``),
    show nothing of the corpus to a visitor who has not logged in through the OIDC provider."""
    if not (st.secrets.load_if_toml_exists() and "auth" in st.secrets):
        return  # bound to this machine, or behind an authenticating proxy (``newsrag ui`` checks)
    if st.user.get("is_logged_in", False):
        with st.sidebar:
            st.caption(escape_markdown(f"Logged in as {st.user.get('email') or st.user.get('name') or 'you'}"))
            st.button("Log out", on_click=st.logout, key="logout")
        return
    auth = st.secrets["auth"]
    # One unnamed provider ([auth] holds client_id), or one button per named one ([auth.google], ...).
    providers = [None] if "client_id" in auth else [k for k, v in auth.items() if isinstance(v, Mapping)]
    st.title("newsrag")
    st.info("Log in to ask this news corpus questions.")
    for provider in providers:
        st.button(f"Log in with {provider}" if provider else "Log in", key=f"login-{provider or 'default'}",
                  on_click=st.login, args=(provider,) if provider else ())
    st.stop()


class _IndexLoader:
    """Opens and warms a ``NewsIndex`` in a background thread, so the page draws at once.

    Opening loads the embedding model and builds the keyword and speaker indexes: seconds on a
    cold start, during which the user already sees the page and a disabled input saying why.
    """

    def __init__(self, settings: Settings) -> None:
        self.index: NewsIndex | None = None
        self.error: Exception | None = None
        self.done = threading.Event()
        threading.Thread(target=self._open, args=(settings,), name="newsrag-open-index", daemon=True).start()

    def _open(self, settings: Settings) -> None:
        started = time.perf_counter()
        try:
            self.index = NewsIndex.open(settings).warm(freeze=True)
            self.index.keep_current()  # another process's ingest is caught up with before the next question
            _log.info("news index at %s open and warm in %.1f s", settings.describe_store(), time.perf_counter() - started)
        except Exception as exc:  # shown on the page by the script run that reads it
            self.error = exc
        finally:
            self.done.set()


@st.cache_resource(show_spinner=False)
def _index_loader(store_key: str, _settings: Settings) -> _IndexLoader:
    """One loader (so one ``NewsIndex``) per process and store, shared by every browser session."""
    return _IndexLoader(_settings)


@st.fragment(run_every=1)
def _wait_for(loader: _IndexLoader) -> None:
    """Redraw the whole page as soon as the index is open."""
    if loader.done.is_set():
        st.rerun()
    st.caption("Opening the news index: the first start loads the embedding model (a few seconds). "
               "Example questions from the corpus appear here when it is open.")


def _filter_widgets(sources: Sequence[str], *, ready: bool) -> tuple[str, date | None, date | None]:
    """The sidebar's filters; disabled (under other keys, so nothing typed is lost) until the index is open."""
    suffix = "" if ready else "-opening"
    st.header("Filters")
    source = st.selectbox("Source", [ALL_SOURCES, *sources], key=f"source{suffix}", disabled=not ready)
    since = st.date_input("Published from", value=None, min_value=EARLIEST, max_value=LATEST,
                          format="YYYY-MM-DD", key=f"since{suffix}", disabled=not ready)
    until = st.date_input("Published until", value=None, min_value=EARLIEST, max_value=LATEST,
                          format="YYYY-MM-DD", key=f"until{suffix}", disabled=not ready)
    if since and until and since > until:
        st.warning("The start date is after the end date: no article can match.")
    st.caption("Filters apply to the next question.")
    return source, since, until


def _show_opening_page(loader: _IndexLoader) -> None:
    """The page's layout while the index opens (issue 22: a bare title for seconds reads as broken):
    the sidebar, where the example questions will be, and a disabled input saying why."""
    with st.sidebar:
        _filter_widgets((), ready=False)
        st.header("Corpus")
        st.caption("Counted once the news index is open.")
    st.markdown("Ask a question about the articles, or start with one of these:")
    _wait_for(loader)
    st.chat_input("Opening the news index...", disabled=True)


# -- ingest from the browser -------------------------------------------------------------------


def _ingest_uploads(files: Sequence[Any]) -> IngestReport:
    """Keep the uploads under their own (sanitised) names beside the database and ingest them, with a bar."""
    bar = st.progress(0.0, text="Reading files...")

    def progress(p: IngestProgress) -> None:
        if p.stage == "waiting":  # for another ingest into the same store (a CLI one, another user)
            bar.progress(0.0, text=escape_markdown(p.note.capitalize() + "..."))
        elif p.stage == "reading":
            bar.progress(p.files_done / max(p.files_total, 1), text=f"Reading files {p.files_done}/{p.files_total}")
        elif p.stage == "embedding":
            bar.progress(
                p.paragraphs_done / max(p.paragraphs_total, 1),
                text=f"Embedding paragraphs {p.paragraphs_done}/{p.paragraphs_total} "
                f"(articles {p.articles_done}/{p.articles_total})",
            )
        else:
            bar.progress(1.0, text="Done")

    # Kept where citations can point at them, under names that cannot leave the folder.
    folder = settings.uploads_dir
    paths = [keep_upload(folder, upload.name, upload.getvalue()) for upload in files]
    try:
        report = ingest(paths, settings, progress=progress)
    finally:
        bar.empty()
    # A file that was refused is not kept: nothing cites it, and a fixed upload takes its name. A
    # file with one bad entry is kept: its other articles went in and cite it.
    for path in (*report.skipped, *(f.path for f in report.failed if f.whole_file)):
        Path(path).unlink(missing_ok=True)
    # Report files by the names the user uploaded.
    prefix = str(folder) + "/"
    return dataclasses.replace(
        report,
        skipped=tuple(s.replace(prefix, "") for s in report.skipped),
        skipped_files=tuple(SkippedFile(s.path.replace(prefix, ""), s.reason) for s in report.skipped_files),
        failed=tuple(dataclasses.replace(f, path=f.path.replace(prefix, ""), error=f.error.replace(prefix, ""))
                     for f in report.failed),
    )


def _show_report(report: IngestReport) -> None:
    """The same summary ``newsrag ingest`` prints, failed files and entries named with their error."""
    (st.warning if report.failed else st.success)(escape_markdown(ingest_summary(report)))
    if report.skipped:
        st.warning(
            f"Skipped {len(report.skipped)} unsupported file(s):\n\n"
            + "\n".join(f"- {escape_markdown(path)}" for path in report.skipped)
        )
    if report.failed:
        st.error(
            f"Failed {failures_heading(report)}:\n\n"
            + "\n".join(f"- {escape_markdown(failure.error)}" for failure in report.failed)
        )


def _upload_section() -> bool:
    """The uploader; True when this run ingested something new."""
    with st.form("upload", clear_on_submit=True, border=False):
        files = st.file_uploader(
            "Add article files", accept_multiple_files=True, key="uploads",
            help=f"Plain text, JSON, JSON Lines, HTML, RSS or Atom, up to {settings.max_file_mb:g} MB a file; "
            "each file is reported by name and kept beside the database.",
        )
        submitted = st.form_submit_button("Add to the index", key="ingest")
    changed = False
    if submitted and files:
        try:
            report = _ingest_uploads(files)
        except NewsragError as exc:
            st.error(escape_markdown(str(exc)))
        else:
            st.session_state.ingest_report = report
            changed = bool(report.articles_added or report.articles_updated or report.paragraphs_removed)
            # The shared index is not reopened: every read checks the store's revision and catches
            # up by the difference (and `keep_current` does so in the background), so this session
            # sees the new paragraphs on its next question and no other session pays a reopen.
    elif submitted:
        st.warning("Choose one or more article files first.")
    if "ingest_report" in st.session_state:
        _show_report(st.session_state.ingest_report)
    return changed


# -- answers -----------------------------------------------------------------------------------


def _paced(chunks: Sequence[str]) -> Iterator[str]:
    for chunk in chunks:
        yield chunk
        time.sleep(STREAM_PAUSE_S)


def _ask(index: NewsIndex, question: str, history: Sequence[Answer], filters: Filters,
         show_all: bool = False) -> Answer:
    with st.spinner("Reading the articles..."):
        return index.ask(question, history=tuple(history), source=filters.source, since=filters.since,
                         until=filters.until, show_all=show_all)


def _ask_for_all(index: NewsIndex, turn: int) -> None:
    """Ask turn ``turn``'s question again showing every speaker and statement, with the same
    earlier turns and filters, and put the fuller answer in its place."""
    history: list[Answer] = st.session_state.history
    try:
        history[turn] = _ask(index, history[turn].question, history[:turn], st.session_state.turn_filters[turn],
                             show_all=True)
    except NewsragError as exc:
        st.error(escape_markdown(str(exc)))


def _show_all_later(turn: int) -> None:
    st.session_state.show_all = turn


def _ask_everything_later(question: str) -> None:
    """A card's "Everything X said": asked as a new turn with every statement (``show_all``), and
    the page brought to it, since it is drawn below the whole chat, far from the card clicked."""
    st.session_state.pending_question = question
    st.session_state.pending_show_all = True


def _turn_anchor(turn: int) -> str:
    """The in-page id of turn ``turn``'s question: only numbers."""
    return f"turn-{int(st.session_state.get('chat', 0))}-{int(turn)}"


def _scroll_here(turn: int) -> None:
    """Mark turn ``turn`` and scroll the page to it once drawn. Streamlit cannot scroll by API, so a
    static script of ours does; its only variable part is the numeric anchor id, never article text."""
    anchor = _turn_anchor(turn)
    st.html(f'<div id="{anchor}"></div><script>' + _SCROLL_TO.replace("ANCHOR", anchor) + "</script>",
            unsafe_allow_javascript=True)


_SCROLL_TO = """(() => {
  // Streamlit keeps a chat pinned to its bottom while the reader is there: as the answer grows it
  // pulls the page back down (CI caught it), and the last of the run is drawn after it ends. So the
  // turn is brought into view at once, and again after the run ends until it and the page's height
  // have stayed put for two seconds; the reader's own wheel, touch, key or click ends it, so nobody
  // is fought for the page.
  const doc = window.parent ? window.parent.document : document;
  const kinds = ["wheel", "touchmove", "keydown", "pointerdown"];
  let mine = true;
  const theirs = () => { mine = false; };
  kinds.forEach((kind) => doc.addEventListener(kind, theirs, {capture: true, passive: true}));
  const done = () => kinds.forEach((kind) => doc.removeEventListener(kind, theirs, {capture: true}));
  let first = true, still = 0, height = -1;
  const place = (tries) => {
    if (!mine || tries <= 0) return done();
    const anchor = doc.getElementById("ANCHOR");
    const running = doc.querySelector('[data-testid="stStatusWidget"]') !== null;
    const page = doc.querySelector('[data-testid="stAppScrollToBottomContainer"]') || doc.documentElement;
    const grew = page.scrollHeight !== height;
    height = page.scrollHeight;
    if (anchor && (first || !running)) {
      const box = anchor.closest('[data-testid="stElementContainer"]') || anchor;
      const target = box.nextElementSibling || box;
      target.style.scrollMarginTop = "4.5rem";  // below Streamlit's fixed header
      const before = target.getBoundingClientRect().top;
      target.scrollIntoView({block: "start"});
      const moved = Math.abs(target.getBoundingClientRect().top - before) > 1;
      still = first || moved || grew ? 0 : still + 1;
      first = false;
      if (still >= 13) return done();
    }
    setTimeout(() => place(tries - 1), anchor ? 150 : 100);
  };
  setTimeout(() => place(600), 50);
})();"""


def _source_anchor(turn: int, n: int) -> str:
    """The in-page id of turn ``turn``'s source ``n``: only numbers, never article text."""
    return f"src-{int(st.session_state.get('chat', 0))}-{int(turn)}-{int(n)}"


# Clicking a ``[n]`` marker (a link to ``#src-...``) opens that source's expander and scrolls to
# it. Our own static script; no article text is ever part of it or of any HTML on the page.
_OPEN_CITED_SOURCE = """<script>
(() => {
  const doc = window.parent ? window.parent.document : document;
  if (doc.__newsragCitations) return;
  doc.__newsragCitations = true;
  doc.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#src-"]');
    if (!link) return;
    const id = link.getAttribute("href").slice(1);
    const anchor = doc.getElementById(id);
    if (!anchor) return;
    const box = anchor.closest('[data-testid="stElementContainer"]') || anchor;
    let next = box.nextElementSibling;
    while (next && !next.querySelector("details")) next = next.nextElementSibling;
    const details = next && next.querySelector("details");
    if (details && !details.open) details.querySelector("summary").click();
    // The cited paragraph itself, inside its article's expander (drawn once the expander opens).
    const scroll = (tries) => {
      const here = doc.getElementById(id + "-p");
      if (!here && tries > 0) { setTimeout(() => scroll(tries - 1), 50); return; }
      const para = here && (here.closest('[data-testid="stElementContainer"]') || here);
      ((para && para.nextElementSibling) || next || anchor).scrollIntoView({block: "start"});
    };
    setTimeout(() => scroll(10), 50);
  }, true);
})();
</script>"""


def _show_answer(index: NewsIndex, answer: Answer, turn: int, *, stream: bool = False) -> None:
    """The answer (cards for "who said what", else markdown, streamed when new), then its sources.

    A tentative answer is drawn muted (a caption, never streamed like an answer), under the
    renderer's lead line saying no paragraph clearly answers the question.

    Each ``[n]`` links to its source below the answer, which a click opens and scrolls to."""
    def link(n: int) -> str:
        return "#" + _source_anchor(turn, n)

    if answer.mode is AnswerMode.ATTRIBUTION:
        key = f"show-all-{st.session_state.get('chat', 0)}-{turn}"
        cards.show_attribution(answer, key=key, on_show_all=_show_all_later, args=(turn,), link=link,
                               on_ask=_ask_everything_later)
    elif answer.confidence is Confidence.TENTATIVE:
        st.caption(answer_markdown(answer, link))  # escaped markdown: article text stays text
    elif stream:
        st.write_stream(_paced(answer_chunks(answer, link)))
    else:
        st.markdown(answer_markdown(answer, link))
    if answer.note:  # why an LLM answer fell back to the extractive one
        st.caption(escape_markdown(answer.note))
    _show_sources(index, answer, turn)


def _by_article(citations: Sequence[Citation]) -> list[list[Citation]]:
    """The citations grouped by article, each article where its first ``[n]`` is: an answer built
    from one story cites it many times, and the Sources list names it once (issue 22)."""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.article_id or f"{c.title}|{c.location}", []).append(c)
    return list(groups.values())


def _article_label(group: Sequence[Citation]) -> str:
    """``Headline · LA Chronicle · 2026-11-02 · ¶2, ¶5``: escaped, article text stays text."""
    first = group[0]
    paragraphs = ", ".join(f"\u00b6{n}" for n in sorted({c.paragraph for c in group}))
    parts = [first.title or "Untitled", short_source(first.source) or "unknown source", first.date or "undated",
             paragraphs]
    return escape_markdown(" \u00b7 ".join(parts))


def _markdown_link(text: str, url: str) -> str:
    """``text`` (escaped) linking to ``url`` when it is http(s), else the escaped text alone. The URL
    is percent-encoded wherever markdown could read it as syntax (parentheses, spaces, brackets)."""
    if not url.lower().startswith(("http://", "https://")):
        return escape_markdown(text)
    return f"[{escape_markdown(text)}]({quote(url, safe=':/?#@!$&*+,;=%~-._')})"


def _show_sources(index: NewsIndex, answer: Answer, turn: int) -> None:
    """Sentences an LLM wrote without support, then one expander per cited article with its cited
    paragraphs, each under the anchor its ``[n]`` links to."""
    if answer.removed:
        with st.expander("Removed: not backed by a cited paragraph"):
            st.markdown("\n".join(f"- {escape_markdown(sentence)}" for sentence in answer.removed))
    if answer.citations:
        st.caption("Sources")
    chat = st.session_state.get("chat", 0)
    for group in _by_article(answer.citations):
        first = group[0]
        # Where the answer's [n]s lead, all in one element (each would add a gap): only numbers in this HTML.
        st.html("".join(f'<div id="{_source_anchor(turn, c.n)}"></div>' for c in group))
        with st.expander(_article_label(group)):
            st.markdown(f"**{_markdown_link(first.title or 'Untitled', first.location)}**")
            where = first.location if first.location.startswith(("http://", "https://")) else Path(first.location).name
            st.caption(escape_markdown(" \u00b7 ".join(
                p for p in (first.source or "unknown source", first.date or "undated", where) if p)))
            if st.toggle("Show the whole article", key=f"whole-neighbours-{chat}-{turn}-{first.n}"):
                _show_article(index, answer, first)
                continue
            for c in group:
                st.html(f'<div id="{_source_anchor(turn, c.n)}-p"></div>')  # the script scrolls here
                marker = escape_markdown(f"[{c.n}]")
                st.markdown(f"**{marker}** *\u00b6{c.paragraph}* {highlight_markdown(c.text, quoted_spans(answer, c))}")
                if st.toggle("Show neighbouring paragraphs", key=f"neighbours-{chat}-{turn}-{c.n}"):
                    paragraphs = index.neighbours(c.paragraph_id) if c.paragraph_id else []
                    if not paragraphs:
                        st.caption("This paragraph is no longer in the index; its article was re-ingested.")
                    for p in paragraphs:
                        label = "this paragraph" if p.paragraph_id == c.paragraph_id else f"paragraph {p.number}"
                        st.markdown(f"*{label}*: {escape_markdown(p.text)}")


def _show_article(index: NewsIndex, answer: Answer, c: Citation) -> None:
    """Every paragraph of the cited article, those the answer cites marked with their ``[n]``."""
    cited = {x.paragraph_id: x for x in answer.citations if x.article_id == c.article_id}
    paragraphs = index.article(c.article_id)
    if not paragraphs:
        st.caption("This article is no longer in the index; it was re-ingested or removed.")
    for p in paragraphs:
        citation = cited.get(p.paragraph_id)
        if citation is None:
            st.markdown(f"*\u00b6{p.number}* {escape_markdown(p.text)}")
        else:  # cited: its marker, and the words the answer uses in bold
            marker = escape_markdown(f"[{citation.n}]")
            st.markdown(f"**{marker}** *\u00b6{p.number}* {highlight_markdown(p.text, quoted_spans(answer, citation))}")


def _ask_later(question: str) -> None:
    st.session_state.pending_question = question


def _clear_chat() -> None:
    st.session_state.history = []
    st.session_state.turn_filters = []
    st.session_state.chat = st.session_state.get("chat", 0) + 1  # fresh widget keys for the new chat


# -- the page ----------------------------------------------------------------------------------

_refuse_exposure()
_require_login()
st.title("newsrag")
st.html(_OPEN_CITED_SOURCE, unsafe_allow_javascript=True)

loader = _index_loader(repr(settings), settings)
if not loader.done.wait(timeout=0.2):
    _show_opening_page(loader)
    st.stop()
try:
    if loader.error is not None:
        _index_loader.clear()  # not kept: the next run (a reload after `newsrag ingest`) tries again
        raise loader.error
    assert loader.index is not None
    index = loader.index
except IndexNotFound as exc:
    st.info(
        f"{escape_markdown(str(exc))}\n\nBuild the index from a folder of articles, then reload this page:"
    )
    st.code(f"newsrag ingest data/ --db {settings.db}", language="bash")
    if settings.uploads:
        st.markdown("Or upload article files here:")
        if _upload_section():
            st.rerun()
    st.stop()
except NewsragError as exc:
    st.error(escape_markdown(str(exc)))
    st.stop()

if "history" not in st.session_state:
    st.session_state.history = []
    # The filters each turn was asked with, beside it: "Show all" asks that turn again with them.
    st.session_state.turn_filters = []
history: list[Answer] = st.session_state.history
turn_filters: list[Filters] = st.session_state.turn_filters

try:
    stats = index.stats()  # each run's first read of the store: a Chroma server gone away shows here
except NewsragError as exc:
    st.error(escape_markdown(str(exc)))
    st.button("Try again", key="retry")  # the chat and its history come back once the store answers
    st.stop()

with st.sidebar:
    source, since, until = _filter_widgets(stats.sources, ready=True)
    st.header("Corpus")
    st.markdown(f"**{stats.articles}** articles \u00b7 **{stats.paragraphs}** paragraphs \u00b7 "
                f"**{stats.quotes}** quotes")
    st.caption(escape_markdown("Sources: " + (", ".join(stats.sources) or "-")))
    st.caption(escape_markdown(f"Last ingest: {stats.last_ingest or 'unknown'}"))
    if settings.uploads:  # off for a read-only chat (NEWSRAG_UPLOADS=false, `newsrag ui --no-uploads`)
        st.header("Add articles")
        if _upload_section():
            st.rerun()
    st.divider()
    st.button("Clear the chat", on_click=_clear_chat, key="clear")

show_all = st.session_state.pop("show_all", None)
for turn, earlier in enumerate(history):
    with st.chat_message("user"):
        st.markdown(escape_markdown(earlier.question))
    with st.chat_message("assistant"):
        if turn == show_all:
            _ask_for_all(index, turn)
        _show_answer(index, history[turn], turn)

question = st.chat_input("Ask about the news, e.g. who said what about ...?")
everything = False  # a card's "Everything X said": every statement, and the page brought to it
if not question:
    question = st.session_state.pop("pending_question", None)
    everything = bool(st.session_state.pop("pending_show_all", False)) and bool(question)

if not history and not question:
    st.markdown("Ask a question about the articles, or start with one of these:")
    for i, example in enumerate(index.example_questions()):
        # Button labels are markdown (even images), and examples are made of article text.
        st.button(escape_markdown(example), key=f"example-{i}", on_click=_ask_later, args=(example,))

if question:
    if everything:
        _scroll_here(len(history))
    with st.chat_message("user"):
        st.markdown(escape_markdown(question))
    with st.chat_message("assistant"):
        try:
            filters = index.filters(None if source == ALL_SOURCES else source, since, until)
            answer = _ask(index, question, history, filters, show_all=everything)
        except NewsragError as exc:
            st.error(escape_markdown(str(exc)))
        else:
            # Kept before it is drawn: a click on one of its buttons while the rest still draws
            # stops this run, and the answer must be in the history the next run draws.
            history.append(answer)
            turn_filters.append(filters)
            _show_answer(index, answer, len(history) - 1, stream=True)
