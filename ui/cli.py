"""The ``newsrag`` command: each subcommand builds ``Settings``, calls one API method, prints.

No logic lives here; ``--json`` prints what the API returns so the two cannot drift.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from rag.errors import NewsragError
from rag.render import json as render_json
from rag.render.speech import failures_heading, ingest_summary
from rag.settings import EVERY_COMMAND, SETTINGS, Setting, Settings


def _option(setting: Setting) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A setting's flag, its help, env name and default taken from ``SETTINGS``.

    Unset flags arrive as ``None`` so ``Settings.load`` can tell a flag from the env and the default.
    """
    text = f"{setting.help} [env {setting.env}; default {setting.shown_default}]"
    if isinstance(setting.default, bool):  # a switch to the non-default state: --no-uploads, --behind-auth-proxy
        return click.option(setting.flag, setting.name, flag_value=not setting.default, default=None, help=text)
    kind: Any = click.Choice(setting.choices) if setting.choices else (
        type(setting.default) if isinstance(setting.default, int | float) else str)
    return click.option(setting.flag, setting.name, type=kind, default=None, help=text)


def _setting_options(command: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Every setting ``SETTINGS`` offers on ``command`` as a flag, in the table's order."""
    offered = [s for s in SETTINGS if command in s.commands or s.commands == EVERY_COMMAND]

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        for setting in reversed(offered):
            f = _option(setting)(f)
        return f

    return decorate


def _settings(**flags: Any) -> Settings:
    try:
        return Settings.load(**flags)
    except NewsragError as exc:
        raise click.UsageError(str(exc)) from None


def _friendly(f: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors into a one-line message and exit 1; anything else keeps its traceback."""

    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except NewsragError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


class _Group(click.Group):
    """Exit status 1 for bad usage (click's default is 2, which newsrag reserves for
    "some files failed to ingest")."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as exc:
            exc.show()
            sys.exit(1 if isinstance(exc, click.UsageError) else exc.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsrag")
def cli() -> None:
    """newsrag: ask a pile of news articles questions; every answer cites its paragraphs.

    \b
    Example:
        newsrag ingest data/
        newsrag ask "who said what about the Varnholm flood?"
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_setting_options("ingest")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_friendly
def ingest(paths: tuple[Path, ...], as_json: bool, quiet: bool, **flags: Any) -> None:
    """Ingest article files or folders (txt, JSON, JSONL, HTML, RSS/Atom) into the index.

    Re-running is cheap: unchanged paragraphs are not embedded again. Exit status is 0 when
    every file went in, 2 when some failed (the rest are still stored). In a JSON list, JSON
    Lines or a feed a bad entry fails alone, named by its number (line in JSON Lines), and
    also exits 2; re-run after fixing it to add just what was missing.

    \b
    Example:
        newsrag ingest data/ ~/Downloads/feed.xml --db ./newsrag-db
        newsrag ingest data/ --db ./fast-db --encoder onnx-int8
    """
    from ingest import ingest as run_ingest

    settings = _settings(**flags)
    bar = None if quiet or as_json else _ProgressBar()
    try:
        report = run_ingest(list(paths), settings, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        click.echo(render_json.dumps(render_json.ingest_json(report)))
    else:
        click.echo(ingest_summary(report))
        if report.skipped_files:
            click.echo(f"skipped {len(report.skipped_files)} file(s):")
            for skip in report.skipped_files:
                click.echo(f"  {skip.path}: {skip.reason}")
        if report.failed:
            click.echo(f"failed {failures_heading(report)}:", err=True)
            for failure in report.failed:
                click.echo(f"  {failure.error}", err=True)
    if report.failed:
        sys.exit(2)


def _open_index(flags: dict[str, Any]) -> Any:
    from rag import NewsIndex

    return NewsIndex.open(_settings(**flags))


def _filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--until", default=None, help="Only articles published on or before this date (YYYY-MM-DD).")(f)
    f = click.option("--since", default=None, help="Only articles published on or after this date (YYYY-MM-DD).")(f)
    f = click.option("--source", default=None, help="Only articles from this publication.")(f)
    return f


@cli.command()
@click.argument("question")
@_setting_options("ask")
@_filter_options
@click.option("--all", "show_all", is_flag=True,
              help="Show every speaker and statement of a \"who said what\" answer, not only the most relevant.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@_friendly
def ask(question: str, as_json: bool, show_all: bool, source: str | None, since: str | None,
        until: str | None, **flags: Any) -> None:
    """Answer a question with [n] citations to the paragraphs that back it.

    \b
    Example:
        newsrag ask "who said what about Seversk?"
        newsrag ask "what did Pushilin say?" --json
    """
    index = _open_index(flags)
    answer = index.ask(question, source=source, since=since, until=until, k=flags["k"], show_all=show_all)
    if as_json:
        click.echo(render_json.dumps(render_json.answer_json(answer)))
        return
    click.echo(answer.text)
    if answer.note:
        click.echo(f"\n({answer.note})")
    if answer.citations:
        click.echo("\nSources:")
        for c in answer.citations:
            click.echo(f"[{c.n}] {c.title} - {c.source or 'unknown source'}, {c.date or 'undated'}, "
                       f"paragraph {c.paragraph} ({c.location})")
            click.echo(f"    {c.text}")
    if answer.removed:
        click.echo("\nRemoved (not backed by a cited paragraph):")
        for sentence in answer.removed:
            click.echo(f"  - {sentence}")


@cli.command()
@click.argument("query")
@_setting_options("search")
@_filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the hits as one JSON object.")
@_friendly
def search(query: str, as_json: bool, source: str | None, since: str | None, until: str | None,
           **flags: Any) -> None:
    """Show the paragraphs that best match QUERY (hybrid keyword + semantic search).

    \b
    Example:
        newsrag search "buffer zone" --k 3
    """
    index = _open_index(flags)
    hits = index.search(query, k=flags["k"], source=source, since=since, until=until)
    if as_json:
        click.echo(render_json.dumps(render_json.search_json(query, hits)))
        return
    if not hits:
        click.echo("No matching paragraphs.")
    for i, hit in enumerate(hits, start=1):
        p = hit.paragraph
        click.echo(f"{i}. {p.title} - {', '.join(hit.sources) or 'unknown source'}, {p.date or 'undated'}, "
                   f"paragraph {p.number} (score {hit.score:.3f})")
        click.echo(f"   {p.text}\n")
        for c in hit.context:
            click.echo(f"   (continues in paragraph {c.number}) {c.text}\n")


@cli.command()
@_setting_options("quotes")
@_filter_options
@click.option("--about", default=None, help="Only quotes about this topic.")
@click.option("--speaker", default=None, help="Only quotes by this speaker (any way the text names them).")
@click.option("--json", "as_json", is_flag=True, help="Print the quotes as one JSON object.")
@_friendly
def quotes(about: str | None, speaker: str | None, as_json: bool, source: str | None, since: str | None,
           until: str | None, **flags: Any) -> None:
    """List stored quotes with speaker, role and paragraph, optionally filtered.

    \b
    Example:
        newsrag quotes --speaker Pushilin
        newsrag quotes --about Seversk --json
    """
    from rag.attribution import statement
    from rag.render.speech import statement_sentence

    index = _open_index(flags)
    rows = index.quotes(about=about, speaker=speaker, source=source, since=since, until=until)
    if as_json:
        click.echo(render_json.dumps(render_json.quotes_json(rows)))
        return
    if not rows:
        click.echo("No quotes match.")
    for r in rows:
        q, p = r.quote, r.paragraph
        who = q.speaker + (f" ({q.role})" if q.role else "")
        click.echo(f"{who} [{q.kind.value}]: {statement_sentence(q.speaker, statement(p, q, ()))}\n"
                   f"    - {p.title}, {p.source or 'unknown source'}, {p.date or 'undated'}, paragraph {p.number}\n")


@cli.command()
@_setting_options("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@_friendly
def stats(as_json: bool, **flags: Any) -> None:
    """Show what the index holds: articles, paragraphs, quotes, sources, last ingest.

    \b
    Example:
        newsrag stats --db ./newsrag-db
    """
    figures = _open_index(flags).stats()
    if as_json:
        click.echo(render_json.dumps(render_json.stats_json(figures)))
        return
    click.echo(f"{figures.articles} articles, {figures.paragraphs} paragraphs, {figures.quotes} quotes")
    click.echo(f"sources: {', '.join(figures.sources) or '-'}")
    click.echo(f"last ingest: {figures.last_ingest or 'unknown'}")


@cli.command()
@click.option("--article", "article_ids", multiple=True, help="An article id (as `search --json` shows it); repeatable.")
@click.option("--file", "files", multiple=True,
              help="A file articles were read from (every article in it), or one feed entry as FILE#N; repeatable.")
@click.option("--source", "sources", multiple=True, help="A publication: all its articles; repeatable.")
@click.option("--dry-run", is_flag=True, help="Only show what would be removed.")
@click.option("--keep-uploads", is_flag=True,
              help="Keep the chat's copies of uploaded files (by default they go with their articles).")
@_setting_options("remove")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@_friendly
def remove(article_ids: tuple[str, ...], files: tuple[str, ...], sources: tuple[str, ...], dry_run: bool,
           keep_uploads: bool, as_json: bool, **flags: Any) -> None:
    """Remove articles (every paragraph, quote and citation of them), e.g. after a retraction.

    Matches by article id, by the file they were read from, or by publication. A removal
    killed midway is completed by running it again. A file still on disk comes back with the
    next ingest of it: delete or move it too.

    \b
    Example:
        newsrag remove --file data/txt/retracted-story.txt --dry-run
        newsrag remove --article a3f9c2e18b7d4c05 --source "Kessmouth Post" --json
    """
    from ingest import remove as run_remove

    settings = _settings(**flags)
    report = run_remove(settings, article_ids=article_ids, files=files, sources=sources, dry_run=dry_run,
                        delete_uploads=not keep_uploads, on_wait=lambda note: click.echo(note, err=True))
    if as_json:
        click.echo(render_json.dumps(render_json.remove_json(report)))
        return
    verb = "would remove" if report.dry_run else "removed"
    click.echo(f"{verb} {len(report.articles)} article(s): {report.paragraphs_removed} paragraph(s), "
               f"{report.quotes_removed} quote(s)")
    for a in report.articles:
        click.echo(f"  {a.article_id}  {a.title} - {a.source or 'unknown source'} ({a.location}), "
                   f"{a.paragraphs} paragraph(s)")
    for path in report.uploads_deleted:
        click.echo(f"{'would delete' if report.dry_run else 'deleted'} uploaded copy {path}")
    for label in report.not_found:
        click.echo(f"not found: {label}", err=True)
    if report.still_on_disk:
        click.echo("still on disk (the next `newsrag ingest` of these brings the articles back; delete or move "
                   "them):", err=True)
        for path in report.still_on_disk:
            click.echo(f"  {path}", err=True)


@cli.command()
@_setting_options("ui")
@click.option("--port", type=int, default=8501, help="Port to serve the chat on.")
@click.option("--host", default="127.0.0.1",
              help="Address to bind; 127.0.0.1 keeps it on this machine. Any other address needs a login "
              "([auth] in .streamlit/secrets.toml) or --behind-auth-proxy.")
def ui(port: int, host: str, **flags: Any) -> None:
    """Start the Streamlit chat in the browser.

    Only this machine can reach it unless --host says otherwise; then anyone who can reach that
    address can read the corpus, so a login is required (see README, "Sharing the chat").

    \b
    Example:
        newsrag ui --db ./newsrag-db --port 8501
        newsrag ui --host 0.0.0.0 --no-uploads     # with [auth] in .streamlit/secrets.toml
    """
    import math
    import os

    from ui.access import exposure_problem, login_problem

    settings = _settings(**flags)
    app = Path(__file__).with_name("app.py")
    try:
        problem = exposure_problem(host, login_problem(app), behind_auth_proxy=settings.behind_auth_proxy)
    except ValueError as exc:
        raise click.UsageError(f"--host {exc}") from None
    if problem:
        raise click.UsageError(problem)
    env = dict(os.environ)
    env["NEWSRAG_DB"] = str(settings.db)
    if settings.chroma_url:
        env["NEWSRAG_CHROMA_URL"] = settings.chroma_url
    env["NEWSRAG_COLLECTION"] = settings.collection
    env["NEWSRAG_UPLOADS"] = str(settings.uploads).lower()
    env["NEWSRAG_QUESTIONS"] = settings.questions
    if settings.judge:
        env["NEWSRAG_JUDGE"] = settings.judge
    env["NEWSRAG_BEHIND_AUTH_PROXY"] = str(settings.behind_auth_proxy).lower()  # the app checks again
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.address", host,
           "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.headless", "true",
           "--client.toolbarMode", "viewer",
           # The uploader states and enforces the same limit ingest does (Streamlit's own is 200 MB).
           "--server.maxUploadSize", str(max(1, math.ceil(settings.max_file_mb)))]
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"newsrag chat on http://{shown}:{port}  (Ctrl+C to stop)")
    sys.stdout.flush()
    # Become the server rather than wait on it: a `kill` of this process (SIGTERM), Ctrl+C or a
    # service manager stopping it reaches Streamlit itself, and no orphan keeps the port.
    os.execve(sys.executable, cmd, env)


class _ProgressBar:
    """A tqdm bar over paragraphs embedded, showing articles and paragraphs/s (and ETA)."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, p: Any) -> None:
        from tqdm import tqdm

        if p.stage == "waiting":  # for another ingest into the same store
            click.echo(p.note + " ...", err=True)
            return
        if p.stage == "reading":
            if self._bar is None:
                self._bar = tqdm(total=p.files_total, desc="reading files", unit="file", file=sys.stderr)
            self._bar.n = p.files_done
            self._bar.refresh()
            return
        if p.stage == "done":
            self.close()
            return
        if p.stage == "embedding" and (self._bar is None or self._bar.desc != "embedding"):
            self.close()
            self._bar = tqdm(total=p.paragraphs_total, desc="embedding", unit="para", file=sys.stderr)
        if self._bar is not None:
            self._bar.n = p.paragraphs_done
            self._bar.set_postfix_str(f"articles {p.articles_done}/{p.articles_total}")
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def main() -> None:
    """The ``newsrag`` console script. The command is its own process, so it may set that
    process's environment: nothing it loads reaches for the network or prints hub progress.
    The library never does this (``import rag`` leaves the host's environment alone); its
    loaders are asked to stay local at each call instead."""
    import os

    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("TOKENIZERS_PARALLELISM", "false"),
                       ("HF_HUB_DISABLE_PROGRESS_BARS", "1"), ("TRANSFORMERS_VERBOSITY", "error")):
        os.environ.setdefault(key, value)
    cli()


if __name__ == "__main__":
    main()
