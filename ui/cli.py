"""The ``newsrag`` command: each subcommand builds ``Settings``, calls one API method, prints.

No logic lives here; ``--json`` prints what the API returns so the two cannot drift.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from rag.errors import NewsragError
from rag.settings import SETTINGS, Settings

_HELP = {s.name: s.help for s in SETTINGS}


def _store_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--db / --chroma-url / --collection, shared by every command that opens the store."""
    f = click.option("--collection", default=None, help=_HELP["collection"] + " [env NEWSRAG_COLLECTION]")(f)
    f = click.option("--chroma-url", default=None, help=_HELP["chroma_url"] + " [env NEWSRAG_CHROMA_URL]")(f)
    f = click.option("--db", default=None, help=_HELP["db"] + " [env NEWSRAG_DB; default ./newsrag-db]")(f)
    return f


def _settings(**flags: Any) -> Settings:
    try:
        settings = Settings.load(**flags)
    except NewsragError as exc:
        raise click.UsageError(str(exc)) from None
    if flags.get("db") and flags.get("chroma_url"):
        raise click.UsageError("give either --db or --chroma-url, not both")
    return settings


def _friendly(f: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors into a one-line message and exit 1; anything else keeps its traceback."""

    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except NewsragError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@_store_options
@click.option("--max-file-mb", type=float, default=None, help=_HELP["max_file_mb"])
@click.option("--batch-size", type=int, default=None, help=_HELP["batch_size"])
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_friendly
def ingest(paths: tuple[Path, ...], as_json: bool, quiet: bool, **flags: Any) -> None:
    """Ingest article files or folders (txt, JSON, JSONL, HTML, RSS/Atom) into the index.

    Re-running is cheap: unchanged paragraphs are not embedded again. Exit status is 0 when
    every file went in, 2 when some failed (the rest are still stored).

    \b
    Example:
        newsrag ingest data/ ~/Downloads/feed.xml --db ./newsrag-db
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
        click.echo(json.dumps(report.to_json_dict(), ensure_ascii=False))
    else:
        click.echo(
            f"{report.files_seen} files seen: "
            f"articles {report.articles_added} added, {report.articles_updated} updated, "
            f"{report.articles_unchanged} unchanged; paragraphs {report.paragraphs_added} added, "
            f"{report.paragraphs_updated} updated, {report.paragraphs_unchanged} unchanged"
            + (f", {report.paragraphs_removed} removed" if report.paragraphs_removed else "")
        )
        if report.skipped:
            click.echo(f"skipped {len(report.skipped)} unsupported file(s):")
            for path in report.skipped:
                click.echo(f"  {path}")
        if report.failed:
            click.echo(f"failed {len(report.failed)} file(s):", err=True)
            for failure in report.failed:
                click.echo(f"  {failure.error}", err=True)
    if report.failed:
        sys.exit(2)


class _ProgressBar:
    """A tqdm bar over paragraphs embedded, showing articles and paragraphs/s (and ETA)."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, p: Any) -> None:
        from tqdm import tqdm

        if p.stage == "reading":
            if self._bar is None:
                self._bar = tqdm(total=p.files_total, desc="reading files", unit="file", file=sys.stderr)
            self._bar.n = p.files_done
            self._bar.refresh()
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
    cli()


if __name__ == "__main__":
    main()
