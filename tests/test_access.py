"""Who can reach the chat: `newsrag ui` keeps it on this machine unless a login guards it.

The refusals run through click's ``CliRunner``; an accepted `newsrag ui` really starts Streamlit
(it execs the server), so those run as a process whose health endpoint, command line and
environment are read, then stopped. The login page and a read-only chat run through ``AppTest``.
"""

from __future__ import annotations

import contextlib
import os
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
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from rag import Settings
from rag.render.markdown import escape_markdown
from ui.cli import cli

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "ui" / "app.py")
CHROMIUM = Path("/usr/bin/chromium")
# A complete [auth] table for one OIDC provider (never contacted: nobody logs in here).
AUTH = {
    "redirect_uri": "https://news.example/oauth2callback",
    "cookie_secret": "a-long-random-string-for-signing-the-identity-cookie",
    "client_id": "newsrag-chat",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://login.example/.well-known/openid-configuration",
}


def _auth_toml(auth: dict[str, str]) -> str:
    return "[auth]\n" + "".join(f'{key} = "{value}"\n' for key, value in auth.items())


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home and working folder, so no real ~/.streamlit/secrets.toml is read."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _refused(host: str, *extra: str) -> str:
    result = CliRunner().invoke(cli, ["ui", "--host", host, "--db", "db", *extra], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    return result.output


# -- refused ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", ""])
def test_binding_beyond_this_machine_without_a_login_is_refused(home: Path, host: str) -> None:
    output = _refused(host)
    assert "refusing to serve the chat" in output
    assert "[auth]" in output and "secrets.toml" in output and "--behind-auth-proxy" in output
    assert "client_id" in output and "server_metadata_url" in output  # says what to configure


def test_an_incomplete_auth_table_is_refused_naming_the_missing_keys(home: Path) -> None:
    incomplete = {k: v for k, v in AUTH.items() if k not in ("client_secret", "cookie_secret")}
    (home / ".streamlit").mkdir()
    (home / ".streamlit" / "secrets.toml").write_text(_auth_toml(incomplete), encoding="utf-8")
    output = _refused("0.0.0.0")
    assert "lacks cookie_secret, client_secret" in output


def test_an_unreadable_secrets_file_is_refused_naming_it(home: Path) -> None:
    (home / ".streamlit").mkdir()
    (home / ".streamlit" / "secrets.toml").write_text("[auth\nredirect_uri = ", encoding="utf-8")
    assert "secrets.toml cannot be read" in _refused("0.0.0.0")


# -- accepted: the real server starts --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


@contextlib.contextmanager
def _newsrag_ui(cwd: Path, *args: str, db: Path | None = None) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`newsrag ui ARGS` run from ``cwd`` (its project .streamlit folder) until it serves; stopped after."""
    port = _free_port()
    with _started(cwd, ["-m", "ui.cli", "ui", "--db", str(db or cwd / "db"), "--port", str(port), *args]) as proc:
        yield proc, port


@contextlib.contextmanager
def _streamlit_run(cwd: Path, *args: str, db: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`streamlit run ui/app.py ARGS` (no `newsrag ui` in front), with NEWSRAG_DB=db."""
    port = _free_port()
    with _started(cwd, ["-m", "streamlit", "run", APP, "--server.port", str(port), "--server.headless", "true",
                        "--browser.gatherUsageStats", "false", *args], NEWSRAG_DB=str(db)) as proc:
        yield proc, port


@contextlib.contextmanager
def _started(cwd: Path, python_args: list[str], **env_extra: str) -> Iterator[subprocess.Popen[bytes]]:
    """``python ARGS`` from ``cwd`` in its own process group, with a clean environment; stopped after."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSRAG_", "STREAMLIT_"))}
    env.update(HOME=str(cwd), PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", **env_extra)
    proc = subprocess.Popen([sys.executable, *python_args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_serving(proc: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 90
    while not _healthy(url):
        if proc.poll() is not None:
            output = proc.stdout.read().decode() if proc.stdout else ""
            pytest.fail(f"newsrag ui exited with {proc.returncode} before serving:\n{output}")
        assert time.monotonic() < deadline, "the chat server did not start in 90 s"
        time.sleep(0.3)


def _server_of(proc: subprocess.Popen[bytes]) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of the server `newsrag ui` became (it execs, keeping its pid)."""
    cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode().split("\0")
    environ = Path(f"/proc/{proc.pid}/environ").read_bytes().decode().split("\0")
    return cmdline, dict(line.split("=", 1) for line in environ if "=" in line)


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_addresses_serve_without_a_login(tmp_path: Path, host: str) -> None:
    if host == "::1" and not _ipv6_loopback():
        pytest.skip("no IPv6 loopback on this machine")
    with _newsrag_ui(tmp_path, "--host", host) as (proc, port):
        url = f"http://[::1]:{port}" if host == "::1" else f"http://127.0.0.1:{port}"
        _wait_serving(proc, url)
        cmdline, _ = _server_of(proc)
        assert cmdline[cmdline.index("--server.address") + 1] == host


def test_every_interface_is_served_once_a_login_is_configured(tmp_path: Path) -> None:
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(_auth_toml(AUTH), encoding="utf-8")
    with _newsrag_ui(tmp_path, "--host", "0.0.0.0") as (proc, port):
        _wait_serving(proc, f"http://127.0.0.1:{port}")
        cmdline, _ = _server_of(proc)
        assert cmdline[cmdline.index("--server.address") + 1] == "0.0.0.0"


@contextlib.contextmanager
def _page_of(proc: subprocess.Popen[bytes], port: int) -> Iterator[tuple[Any, Any]]:
    """Playwright's sync API and a headless Chromium page on the served chat, once it serves."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    _wait_serving(proc, f"http://127.0.0.1:{port}")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}")
            yield sync_api, page
        finally:
            browser.close()


@pytest.mark.browser
def test_in_a_browser_a_visitor_of_a_shared_chat_sees_only_the_login(tmp_path: Path, seed_settings: Settings) -> None:
    """The real server reads secrets.toml from the folder `newsrag ui` starts in, as the CLI did."""
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(_auth_toml(AUTH), encoding="utf-8")
    with _newsrag_ui(tmp_path, "--host", "0.0.0.0", db=seed_settings.db) as (proc, port), \
            _page_of(proc, port) as (sync_api, page):
        sync_api.expect(page.get_by_role("button", name="Log in")).to_be_visible(timeout=60_000)
        assert page.get_by_text("Log in to ask this news corpus questions.").is_visible()
        assert page.locator('[data-testid="stChatInput"]').count() == 0
        assert "Seversk" not in page.inner_text("body")


@pytest.mark.browser
def test_streamlit_run_on_every_interface_shows_only_a_refusal(tmp_path: Path, seed_settings: Settings) -> None:
    """`streamlit run ui/app.py` binds every interface unless told otherwise; `newsrag ui` is not
    there to refuse, so the page itself does, before anything of the corpus is read."""
    with _streamlit_run(tmp_path, "--server.address", "0.0.0.0", db=seed_settings.db) as (proc, port), \
            _page_of(proc, port) as (sync_api, page):
        sync_api.expect(page.get_by_text("refusing to serve the chat on 0.0.0.0")).to_be_visible(timeout=60_000)
        assert "--server.address 127.0.0.1" in page.inner_text("body")  # says how to fix it
        assert page.locator('[data-testid="stChatInput"]').count() == 0
        assert "Seversk" not in page.inner_text("body")


def test_every_interface_is_served_behind_an_auth_proxy_and_read_only(tmp_path: Path) -> None:
    with _newsrag_ui(tmp_path, "--host", "0.0.0.0", "--behind-auth-proxy", "--no-uploads") as (proc, port):
        _wait_serving(proc, f"http://127.0.0.1:{port}")
        cmdline, env = _server_of(proc)
        assert cmdline[cmdline.index("--server.address") + 1] == "0.0.0.0"
        assert env["NEWSRAG_UPLOADS"] == "false"  # the app reads it through Settings
        assert env["NEWSRAG_BEHIND_AUTH_PROXY"] == "true"  # so the app's own check lets it serve


# -- the app: login and read-only ------------------------------------------------------------------


def _point_app_at(monkeypatch: pytest.MonkeyPatch, db: Path, **env: str) -> None:
    for key in list(os.environ):
        if key.startswith("NEWSRAG_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("NEWSRAG_DB", str(db))
    for key, value in env.items():
        monkeypatch.setenv(key, value)


def _run_until_open(at: AppTest) -> AppTest:
    at.run()
    deadline = time.monotonic() + 60
    while any("Opening the news index" in c.value for c in at.caption):
        assert time.monotonic() < deadline, "the index did not open in 60 s"
        time.sleep(0.2)
        at.run()
    assert not at.exception, at.exception
    return at


def test_with_a_login_configured_a_visitor_sees_only_the_login(
    monkeypatch: pytest.MonkeyPatch, seed_settings: Settings
) -> None:
    _point_app_at(monkeypatch, seed_settings.db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.chat_input and not at.file_uploader and not at.sidebar.selectbox
    assert "Seversk" not in "\n".join(m.value for m in at.markdown)  # nothing of the corpus


def test_named_providers_get_one_login_button_each(monkeypatch: pytest.MonkeyPatch, seed_settings: Settings) -> None:
    _point_app_at(monkeypatch, seed_settings.db)
    at = AppTest.from_file(APP, default_timeout=60)
    provider = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    at.secrets["auth"] = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
                          "newsroom": provider, "partners": provider}
    at.run()
    assert [b.label for b in at.button] == ["Log in with newsroom", "Log in with partners"]
    assert not at.chat_input


def test_a_logged_in_user_gets_the_chat(monkeypatch: pytest.MonkeyPatch, seed_settings: Settings) -> None:
    _point_app_at(monkeypatch, seed_settings.db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "editor@news.example"}
    _run_until_open(at)
    assert at.chat_input and at.file_uploader
    assert "Log out" in [b.label for b in at.button]
    assert any("editor\\@news\\.example" in c.value for c in at.sidebar.caption)  # as escaped markdown


def test_a_read_only_chat_has_no_uploader(monkeypatch: pytest.MonkeyPatch, seed_settings: Settings) -> None:
    _point_app_at(monkeypatch, seed_settings.db, NEWSRAG_UPLOADS="false")
    at = _run_until_open(AppTest.from_file(APP, default_timeout=60))
    assert at.chat_input and not at.file_uploader
    assert "Add articles" not in [h.value for h in at.sidebar.header]


def test_a_read_only_chat_without_an_index_offers_no_upload(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _point_app_at(monkeypatch, tmp_path / "no-db", NEWSRAG_UPLOADS="false")
    at = _run_until_open(AppTest.from_file(APP, default_timeout=60))
    assert not at.file_uploader and not at.chat_input
    assert any("newsrag ingest" in c.value for c in at.code)


def test_uploads_are_on_by_default(monkeypatch: pytest.MonkeyPatch, seed_settings: Settings) -> None:
    _point_app_at(monkeypatch, seed_settings.db)
    at = _run_until_open(AppTest.from_file(APP, default_timeout=60))
    assert at.chat_input and at.file_uploader


@contextlib.contextmanager
def _served_on(address: str) -> Iterator[None]:
    """``AppTest`` has no server: stand in the address a server was started with (conftest sets 127.0.0.1)."""
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", address)
    try:
        yield
    finally:
        config.set_option("server.address", before)


def test_the_app_itself_refuses_every_interface_without_a_login(monkeypatch: pytest.MonkeyPatch,
                                                                 seed_settings: Settings) -> None:
    _point_app_at(monkeypatch, seed_settings.db)
    with _served_on("0.0.0.0"):
        at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert escape_markdown("refusing to serve the chat on 0.0.0.0 without a login") in at.error[0].value
    assert not at.chat_input and not at.file_uploader and not at.sidebar.selectbox
    assert "Seversk" not in "\n".join(m.value for m in at.markdown)


def test_the_app_serves_every_interface_behind_an_auth_proxy_or_with_a_login(monkeypatch: pytest.MonkeyPatch,
                                                                             seed_settings: Settings) -> None:
    _point_app_at(monkeypatch, seed_settings.db, NEWSRAG_BEHIND_AUTH_PROXY="true")
    with _served_on("0.0.0.0"):
        at = _run_until_open(AppTest.from_file(APP, default_timeout=60))
    assert at.chat_input and not at.error

    _point_app_at(monkeypatch, seed_settings.db)
    with _served_on("0.0.0.0"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets["auth"] = AUTH
        at.run()
    assert [b.label for b in at.button] == ["Log in"] and not at.error
