"""Who may reach the chat: the check shared by ``newsrag ui`` and the app itself.

Why in both: ``newsrag ui`` refuses to start on a non-loopback address without a login, but
anyone may also start the app with ``streamlit run ui/app.py``, whose default address is every
interface. The app therefore checks the address Streamlit actually serves on and shows only a
refusal, never the corpus, when the same rule is broken.

The rule: a loopback address is fine; any other needs Streamlit's login (an ``[auth]`` table in a
``secrets.toml`` Streamlit reads, with an OIDC provider) or a reverse proxy in front that
authenticates users (``--behind-auth-proxy``, setting ``behind_auth_proxy``).
"""

from __future__ import annotations

import importlib.util
import ipaddress
import socket
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

AUTH_KEYS = ("client_id", "client_secret", "server_metadata_url")


def is_loopback(host: str | None) -> bool:
    """Whether binding ``host`` keeps the chat on this machine: a loopback address (127.0.0.0/8,
    ::1) or a name that resolves only to loopback ones. Empty or None means every interface (what
    Streamlit binds when no address is set). Raises ``ValueError`` for a name that does not resolve."""
    host = (host or "").strip("[]")
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None)
    except OSError:
        raise ValueError(f"{host}: not an address, and the name does not resolve") from None
    return all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in found)


def secrets_files(app: Path) -> list[Path]:
    """The secrets.toml files `streamlit run APP` reads, later ones winning: ~/.streamlit, then
    ./.streamlit, then the one beside the app (Streamlit's own default list, by its own helpers)."""
    from streamlit import file_util

    return [Path(file_util.get_streamlit_file_path("secrets.toml")),
            Path(file_util.get_project_streamlit_file_path("secrets.toml")),
            Path(file_util.get_main_script_streamlit_file_path(str(app), "secrets.toml"))]


def auth_problem(auth: Mapping[str, Any] | None, where: str) -> str:
    """Why the ``[auth]`` table ``auth`` (read from ``where``) does not configure Streamlit's login
    (``st.login``, OIDC); "" when it does.

    It does when it holds redirect_uri and cookie_secret and either client_id, client_secret and
    server_metadata_url, or a provider table with them, and Authlib (which st.login needs) is installed.
    """
    if auth is None:
        return f"no [auth] table in {where}"
    providers = [auth, *(v for v in auth.values() if isinstance(v, Mapping))]
    missing = [k for k in ("redirect_uri", "cookie_secret") if not auth.get(k)]
    if not any(all(p.get(k) for k in AUTH_KEYS) for p in providers):
        missing += [k for k in AUTH_KEYS if not auth.get(k)]
    if missing:
        return f"the [auth] table in {where} lacks {', '.join(missing)}"
    if importlib.util.find_spec("authlib") is None:
        return "st.login needs the Authlib package: pip install 'Authlib>=1.3.2'"
    return ""


def login_problem(app: Path) -> str:
    """``auth_problem`` for the secrets.toml files `streamlit run APP` would read (the last one
    holding an ``[auth]`` table wins), before any server runs."""
    files = secrets_files(app)
    auth: dict[str, Any] | None = None
    where = " or ".join(str(p) for p in files)
    for path in files:
        try:
            section = tomllib.loads(path.read_text(encoding="utf-8")).get("auth") if path.is_file() else None
        except (OSError, tomllib.TOMLDecodeError) as exc:
            return f"{path} cannot be read ({exc})"
        if isinstance(section, dict):
            auth, where = section, str(path)
    return auth_problem(auth, where)


def exposure_problem(host: str | None, login: str, *, behind_auth_proxy: bool) -> str:
    """Why serving the chat on ``host`` would show the corpus to anyone who can reach it, with what
    to do instead; "" when serving it is fine. ``login`` is ``auth_problem``'s answer ("" when a
    login is configured). ``ValueError`` for a host name that does not resolve."""
    if behind_auth_proxy or is_loopback(host) or not login:
        return ""
    return (
        f"refusing to serve the chat on {host or 'every interface'} without a login: anyone who can "
        f"reach it could read the corpus ({login}). Either configure Streamlit's login: an [auth] "
        "table with redirect_uri, cookie_secret, client_id, client_secret and server_metadata_url "
        "(an OIDC provider) in .streamlit/secrets.toml; or put a reverse proxy that authenticates "
        "users in front and pass --behind-auth-proxy (NEWSRAG_BEHIND_AUTH_PROXY=true); or bind "
        "127.0.0.1 (`newsrag ui` does by default; `streamlit run` needs --server.address 127.0.0.1)."
    )
