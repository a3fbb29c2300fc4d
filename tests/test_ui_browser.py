"""The chat in a real browser: ``streamlit run ui/app.py`` driven by Debian's Chromium via Playwright.

Skipped with a reason when /usr/bin/chromium or Playwright is missing. Every server and browser
started here is stopped in a ``finally`` (the server by its process group).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest import ingest
from rag import Confidence, NewsIndex, Settings
from rag.render.markdown import lead_line

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
INJECTION = Path(__file__).parent / "fixtures" / "ui" / "injection.json"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ANSWER_TIMEOUT_MS = 120_000  # two shared CPU cores, eight sessions and an ingest at once
SERVER_START_S = 90


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _streamlit(db: Path, log: Path) -> Iterator[str]:
    """``streamlit run ui/app.py`` on a free port against ``db``; yields its URL, then stops it."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(NEWSRAG_DB=str(db), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               ORT_DISABLE_TELEMETRY="1", ANONYMIZED_TELEMETRY="False", TOKENIZERS_PARALLELISM="false")
    cmd = [sys.executable, "-m", "streamlit", "run", "ui/app.py", "--server.address", "127.0.0.1",
           "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start in {SERVER_START_S}s:\n{log.read_text(errors='replace')}")
            time.sleep(0.5)
        yield url
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


@pytest.fixture(scope="module")
def server_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh index of `make run`'s corpus (data/, the Seversk article included), for one server
    that these tests may add articles to."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}; install it with `apt-get install chromium`")
    pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    settings = Settings.load(env={}, db=tmp_path_factory.mktemp("ui-browser") / "db")
    report = ingest([ROOT / "data"], settings)
    assert not report.failed, report.failed
    return settings.db


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's stdout and stderr, which a test reads for warnings."""
    return tmp_path_factory.mktemp("ui-log") / "streamlit.log"


@pytest.fixture(scope="module")
def app_url(server_db: Path, server_log: Path) -> Iterator[str]:
    with _streamlit(server_db, server_log) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server_db: Path) -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=ANSWER_TIMEOUT_MS)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        _open(page, app_url)
        yield page
    finally:
        context.close()


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=ANSWER_TIMEOUT_MS)


def _send(page: Any, question: str) -> None:
    """Type ``question`` into the chat and send it; again if a rerun still drawing the page swallowed
    the first one (the question's own message must appear)."""
    before = page.get_by_test_id("stChatMessage").count()

    def send() -> None:
        box = page.locator("[data-testid=stChatInputTextArea]:not([disabled])")
        box.fill(question)
        box.press("Enter")

    _until_new_turn(page, before, send, f"the chat never took the question {question!r}")


def _until_new_turn(page: Any, before: int, act: Any, failure: str) -> None:
    """``act()`` until a chat message beyond the ``before`` there were appears: a rerun still
    drawing the page may swallow the first try."""
    for _attempt in range(3):
        act()
        try:
            page.wait_for_function(
                "n => document.querySelectorAll('[data-testid=stChatMessage]').length > n", arg=before,
                timeout=15_000)
            return
        except Exception:  # noqa: BLE001 (Playwright's TimeoutError): try once more
            _wait_idle(page)
    raise AssertionError(failure)


def _click_for_new_turn(page: Any, button: Any) -> None:
    """Click ``button``, which asks a new question; again if a rerun still drawing the page
    swallowed the click (the question's own message must appear), as ``_send`` does."""
    before = page.get_by_test_id("stChatMessage").count()
    _until_new_turn(page, before, button.click, "the click never asked its question")


def _wait_for_answer(page: Any, turns: int = 1) -> Any:
    """The last assistant message once the script has finished drawing it."""
    from playwright.sync_api import expect

    messages = page.get_by_test_id("stChatMessage")
    expect(messages).to_have_count(2 * turns, timeout=ANSWER_TIMEOUT_MS)
    _wait_idle(page)
    return messages.nth(2 * turns - 1)


# Streamlit shows its running indicator only 500 ms into a run (its frontend's RunningIndicator
# delay), so a page is idle once the indicator has stayed away for longer than that.
_IDLE_FOR_MS = 700
_IDLE = """ms => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) { window.__newsragIdleSince = null; return false; }
  window.__newsragIdleSince = window.__newsragIdleSince || performance.now();
  return performance.now() - window.__newsragIdleSince > ms;
}"""


def _wait_idle(page: Any) -> None:
    """Until Streamlit reports no script running for this session: its status widget has stayed
    hidden past the delay before it shows, so a run that has just begun is not taken for done."""
    page.evaluate("() => { window.__newsragIdleSince = null; }")
    page.wait_for_function(_IDLE, arg=_IDLE_FOR_MS, timeout=ANSWER_TIMEOUT_MS, polling=100)


def _expect_turn_at_top(page: Any, turn: int, question_text: str) -> None:
    """Turn ``turn`` (counted from 1) has been brought to the top of the page: its question below
    Streamlit's header (about 60 px) and the start of its answer in view, once the scroll settles."""
    from playwright.sync_api import expect

    question = page.get_by_test_id("stChatMessage").nth(2 * turn - 2)
    answer = page.get_by_test_id("stChatMessage").nth(2 * turn - 1)
    expect(question).to_contain_text(question_text)
    height = page.viewport_size["height"]
    settled = ("([q, h]) => { const m = document.querySelectorAll('[data-testid=stChatMessage]')[q];"
               " const y = m.getBoundingClientRect().top; return 50 <= y && y < h - 200; }")
    with contextlib.suppress(Exception):  # Playwright's TimeoutError: the assertion below says where
        page.wait_for_function(settled, arg=[2 * turn - 2, height], timeout=10_000)
    expect(answer).to_be_in_viewport()
    for message in (question, answer):
        box = message.bounding_box()
        assert box is not None and 50 <= box["y"] < height - 200, box


def _upload(page: Any, files: list[dict[str, Any]]) -> None:
    page.get_by_test_id("stSidebar").locator("input[type=file]").set_input_files(files)
    page.get_by_role("button", name="Add to the index").click()


def _switch_on(container: Any, name: str) -> None:
    """Turn a Streamlit toggle on by its label (which covers the input), clicking again only if
    the first click was lost to a rerun that was still drawing the page."""
    from playwright.sync_api import expect

    switch = container.get_by_role("switch", name=name)
    for attempt in range(2):
        container.get_by_text(name).click()
        try:
            expect(switch).to_be_checked(timeout=15_000)
            return
        except AssertionError:
            if attempt:
                raise


def _no_errors(page: Any) -> None:
    assert page.get_by_test_id("stException").count() == 0
    assert page.locator("[data-testid=stAlertContentError]").count() == 0


def test_who_said_what_in_the_browser(page: Any, server_db: Path) -> None:
    from playwright.sync_api import expect

    expected = NewsIndex.open(Settings.load(env={}, db=server_db)).ask("who said what about Seversk?")
    _send(page, "who said what about Seversk?")
    answer = _wait_for_answer(page)
    expect(answer).to_contain_text(lead_line(expected))
    for group in expected.speakers:  # one card each: the name is a heading once, never repeated
        heading = re.compile(f"^{re.escape(group.speaker)}$", re.IGNORECASE)  # "An anonymous official"
        expect(answer.get_by_text(heading)).to_have_count(1)
    expect(answer.get_by_text("Denis Pushilin", exact=True)).to_have_count(1)
    expect(answer).to_contain_text("Petrova")
    expect(answer).not_to_contain_text("newsrag quotes")
    first = expected.citations[0]
    citation = answer.get_by_test_id("stExpander").filter(has_text=first.title)  # the story, named once
    expect(citation).to_have_count(1)
    citation.locator("summary").click()
    expect(citation).to_contain_text(" ".join(first.text.split()[:12]))
    expect(citation).to_contain_text(f"\u00b6{first.paragraph}")
    _switch_on(citation.locator(f".st-key-neighbours-0-0-{first.n}"), "Show neighbouring paragraphs")
    expect(citation).to_contain_text("this paragraph", timeout=ANSWER_TIMEOUT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    answer.get_by_text("Sources", exact=True).scroll_into_view_if_needed()  # the cards' end, the sources
    page.screenshot(path=str(ARTIFACTS / "ui-who-said-what.png"), full_page=True)
    for c in expected.citations:  # every [n] in the answer opens its source and brings it into view
        answer.get_by_role("link", name=f"[{c.n}]", exact=True).first.click()
        source = answer.get_by_test_id("stExpander").filter(has_text=c.title)
        expect(source.get_by_text(" ".join(c.text.split()[:6]), exact=False).first).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / "ui-citation-opened.png"))
    _no_errors(page)


def test_injected_html_and_markdown_show_as_text(page: Any) -> None:
    from playwright.sync_api import expect

    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    scripts_before = page.evaluate("document.querySelectorAll('script').length")
    _upload(page, [
        {"name": INJECTION.name, "mimeType": "application/json", "buffer": INJECTION.read_bytes()},
        {"name": "broken.json", "mimeType": "application/json", "buffer": b'{"title": "Half", "paragraphs": [\n'},
    ])
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("files seen", timeout=ANSWER_TIMEOUT_MS)
    expect(sidebar).to_contain_text("broken.json")
    _wait_idle(page)
    _send(page, "who said what about the ferry terminal?")
    answer = _wait_for_answer(page)
    expect(answer).to_contain_text("Oskar Brandt")
    expect(answer).to_contain_text("<script>alert(1)</script>")
    expect(answer).to_contain_text("**nobody**")
    expect(answer).to_contain_text("[the report](javascript:alert(1))")
    for expander in answer.get_by_test_id("stExpander").all():
        expander.locator("summary").click()
    expect(answer).to_contain_text("<img src=x onerror=alert(1)>")
    expect(answer).to_contain_text("Harbour <script>alert(1)</script> Vote **Bold** [click](javascript:alert(1))")
    page.wait_for_timeout(1000)  # give anything that did get injected a moment to run

    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('script').length") == scripts_before
    assert page.evaluate("[...document.scripts].filter(s => s.textContent.includes('alert')).length") == 0
    assert page.locator("img[onerror], [onerror], a[href^='javascript:' i]").count() == 0
    assert page.locator("[data-testid=stChatMessage] h1").count() == 0  # "# heading" stayed text
    assert page.get_by_test_id("stException").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-injection.png"), full_page=True)


def _load_article(n: int) -> dict[str, Any]:
    paragraphs = [
        f"The Ostervik tram depot will close in stage {i} of the plan, the city transport office said. "
        f"Engineers counted {i * 7} carriages that still need new brakes before the winter timetable."
        for i in range(1, 40)
    ]
    paragraphs.append("\"The depot has served the city for ninety years, and it deserves a proper farewell,\" "
                      "said Ilse Varnum, the Ostervik transport commissioner.")
    return {"title": f"Ostervik Tram Depot Closure, part {n}", "source": "Ostervik Tribune",
            "date": "2026-11-02", "paragraphs": paragraphs}


def test_eight_sessions_ask_at_once_while_one_ingests(browser: Any, app_url: str) -> None:
    from playwright.sync_api import expect

    questions = ["who said what about Seversk?", "what did Pushilin say?", "What did Elena Petrova say?",
                 "what happened in Seversk?", "who said what about the buffer zone?",
                 "What did the mayor of Lisbon say about tourism?", "why did Ukraine withdraw from Seversk?"]
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(8)]
    try:
        pages = [context.new_page() for context in contexts]
        for page in pages:
            _open(page, app_url)
        uploader, askers = pages[0], pages[1:]
        _upload(uploader, [
            {"name": f"ostervik-{n}.json", "mimeType": "application/json",
             "buffer": json.dumps(_load_article(n)).encode()}
            for n in range(1, 4)
        ])
        uploader.get_by_test_id("stProgress").wait_for(timeout=ANSWER_TIMEOUT_MS)  # ingest is running
        for page, question in zip(askers, questions, strict=True):
            _send(page, question)
        expect(uploader.get_by_test_id("stSidebar")).to_contain_text("files seen", timeout=ANSWER_TIMEOUT_MS)
        _wait_idle(uploader)
        _send(uploader, "What did Ilse Varnum say?")

        for page in pages:
            answer = _wait_for_answer(page)
            expect(answer).not_to_be_empty()
            _no_errors(page)
        expect(_wait_for_answer(uploader)).to_contain_text("Ilse Varnum")
        for page in askers[:5]:  # answerable questions cite the seed article
            expect(_wait_for_answer(page)).to_contain_text("[1]")
        ARTIFACTS.mkdir(exist_ok=True)
        uploader.screenshot(path=str(ARTIFACTS / "ui-load-uploader.png"), full_page=True)
    finally:
        for context in contexts:
            context.close()


def test_show_all_shows_every_speaker(page: Any) -> None:
    from playwright.sync_api import expect

    pilots = [f"{first} {last}" for first, last in zip(
        ["Ana", "Carl", "Eva", "Gus", "Ida", "Karl", "Mia", "Olof", "Rut", "Tor", "Vera", "Yngve", "Ulla"],
        ["Berg", "Dunn", "Falk", "Holm", "Juhl", "Lund", "Nord", "Prim", "Sand", "Ulf", "Wik", "Zorn", "Sten"],
        strict=True)]
    article = {"title": "Everyone Has a View on the Dredging", "source": "Harbour Post", "date": "2026-09-01",
               "paragraphs": [f'"The channel needs dredging before winter, point {i}," said {name}, a pilot.'
                              for i, name in enumerate(pilots)]}
    _upload(page, [{"name": "dredging.json", "mimeType": "application/json",
                    "buffer": json.dumps(article).encode()}])
    expect(page.get_by_test_id("stSidebar")).to_contain_text("files seen", timeout=ANSWER_TIMEOUT_MS)
    _wait_idle(page)
    _send(page, "Who said what about the dredging?")
    answer = _wait_for_answer(page)
    expect(answer).to_contain_text("showing 10 of 13 speakers")
    answer.get_by_role("button", name="Show all").click()
    expect(answer.get_by_role("button", name="Show all")).to_have_count(0, timeout=ANSWER_TIMEOUT_MS)
    _wait_idle(page)
    answer = _wait_for_answer(page)
    for name in pilots:
        expect(answer.get_by_text(name, exact=True)).to_have_count(1)
    expect(answer).not_to_contain_text("showing 10 of")
    _no_errors(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-show-all.png"), full_page=True)
    answer.get_by_role("button", name="Timeline and downloads").click()  # the dated statements, charted
    timeline = page.get_by_test_id("stVegaLiteChart")
    expect(timeline).to_have_count(1)
    expect(page.get_by_role("button", name="Download CSV")).to_be_visible()
    timeline.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "ui-timeline.png"))


def test_each_refusal_says_its_own_case_and_filters_that_hide_the_answer(page: Any) -> None:
    from playwright.sync_api import expect

    cases = [
        ("who said what about Atlantis?", "No article in the corpus mentions Atlantis."),
        ("What did Quillon Systems say about Fernline?", "Articles mention Fernline, but nobody in them is quoted"),
        ("what is the best recipe for banana bread", "Only weak matches"),
    ]
    for turn, (question, message) in enumerate(cases, start=1):
        _send(page, question)
        expect(_wait_for_answer(page, turns=turn)).to_contain_text(message)
    # The Seversk story is undated: a "Published from" filter leaves it out, and the refusal says so.
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("spinbutton", name="year, Published from").click()
    page.keyboard.type("20261001")  # year, month, day: each segment moves on to the next
    page.keyboard.press("Tab")
    expect(sidebar.get_by_role("spinbutton", name="day, Published from")).to_have_attribute("aria-valuetext", re.compile("1"))
    _wait_idle(page)
    _send(page, "who said what about Seversk?")
    refusal = _wait_for_answer(page, turns=len(cases) + 1)
    expect(refusal).to_contain_text("1 article mentions Seversk but is outside your source or date filters")
    _no_errors(page)
    ARTIFACTS.mkdir(exist_ok=True)
    refusal.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "ui-refusal.png"))


def test_a_tentative_who_said_what_is_muted_under_its_lead_line(page: Any, server_db: Path) -> None:
    from playwright.sync_api import expect

    question = "What did Governor Voss say about wildfire preparedness in the Calder Valley?"
    expected = NewsIndex.open(Settings.load(env={}, db=server_db)).ask(question)
    assert expected.confidence is Confidence.TENTATIVE
    _send(page, question)
    answer = _wait_for_answer(page)
    lead = answer.get_by_test_id("stCaptionContainer").filter(has_text="No statement is clearly about")
    expect(lead).to_have_count(1)
    expect(lead).to_contain_text(lead_line(expected))
    expect(answer).to_contain_text("Helena Voss")  # the closest statement, still cited
    _no_errors(page)


def test_a_follow_up_is_answered(page: Any) -> None:
    from playwright.sync_api import expect

    _send(page, "who said what about Seversk?")
    _wait_for_answer(page)
    _send(page, "what else did he say?")
    follow_up = _wait_for_answer(page, turns=2)
    expect(follow_up).not_to_be_empty()
    _no_errors(page)
    # "he" is a person of the last answer (rag/question.py), never the newspaper that reported him.
    expect(follow_up).not_to_contain_text("The New York Times")


def test_everything_a_speaker_said_is_complete_and_in_view(page: Any) -> None:
    from playwright.sync_api import expect

    _send(page, "who said what about the floods?")
    answer = _wait_for_answer(page)
    expect(answer).to_contain_text("Lena Okafor")
    expect(answer).to_contain_text("showing 6 of 13 statements")  # her card is cut
    _click_for_new_turn(page, answer.get_by_role("button", name="Everything Lena Okafor said"))
    everything = _wait_for_answer(page, turns=2)
    expect(everything).to_contain_text("Lena Okafor")
    expect(everything.get_by_role("button", name="Show all")).to_have_count(0)  # every statement already
    expect(everything).not_to_contain_text("showing 6 of")
    # The new turn is drawn below the whole first answer: the page is taken to it, its question
    # below Streamlit's header (about 60 px) and the start of the answer in view.
    _expect_turn_at_top(page, 2, "What did Lena Okafor say?")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-everything-said.png"))
    _no_errors(page)


def test_everything_a_speaker_said_is_brought_into_view_from_the_bottom_of_the_chat(page: Any) -> None:
    """A reader at the bottom of the chat is pinned there by Streamlit while an answer grows; the
    new turn must still be where the page comes to rest (CI once left it 700 px above the top)."""
    _send(page, "who said what about the floods?")
    answer = _wait_for_answer(page)
    page.mouse.move(700, 400)
    page.mouse.wheel(0, 100_000)  # to the bottom, where Streamlit pins the chat
    page.wait_for_function(
        "() => { const c = document.querySelector('[data-testid=stAppScrollToBottomContainer]');"
        " return c && c.scrollHeight - c.scrollTop - c.clientHeight < 2; }")
    button = answer.get_by_role("button", name="Everything Lena Okafor said")
    # A plain click would first scroll the button into view, away from the bottom.
    _until_new_turn(page, 2, lambda: button.dispatch_event("click"), "the click never asked its question")
    _wait_for_answer(page, turns=2)
    _expect_turn_at_top(page, 2, "What did Lena Okafor say?")
    _no_errors(page)


def test_a_click_while_the_answer_still_draws_keeps_it_in_the_chat(page: Any) -> None:
    """A card's button is clicked as soon as it shows, while the sources below it still draw: the
    click stops that run, and the answer must still be in the chat the next run draws."""
    from playwright.sync_api import expect

    _send(page, "who said what about the floods?")
    button = page.get_by_test_id("stChatMessage").nth(1).get_by_role("button", name="Everything Lena Okafor said")
    button.dispatch_event("click", timeout=ANSWER_TIMEOUT_MS)  # no wait for the run to end
    _wait_idle(page)
    page.wait_for_timeout(1000)
    _wait_idle(page)
    expect(page.get_by_test_id("stChatMessage").first).to_contain_text("who said what about the floods?")
    expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("Lena Okafor")
    _no_errors(page)


def test_the_server_logs_no_deprecation_warnings(page: Any, server_log: Path) -> None:
    """Streamlit logs a deprecated parameter on the server only; a who-said-what answer draws the
    cards, the timeline popover and the sources, so their calls are all made before the log is read."""
    from playwright.sync_api import expect

    _send(page, "who said what about Seversk?")
    expect(_wait_for_answer(page)).to_contain_text("Denis Pushilin")
    log = server_log.read_text(errors="replace")
    warned = [line for line in log.splitlines()
              if re.search(r"deprecat|will be removed|use_container_width", line, re.IGNORECASE)]
    assert not warned, "\n".join(warned)
