"""Read files of many articles (JSON lists, JSON Lines, RSS/Atom feeds) entry by entry.

A real export holds a few empty items and often a cut-off last line (issue 24): one bad entry
must not cost the rest. Each reader yields every entry in order, either its ``Article`` or the
``BadArticle`` that names the entry (``entry`` N, or ``line`` N in JSON Lines) and says why;
only a file that cannot be read as a whole (not JSON at all, not a feed) raises. Articles ids
derive from content, so a re-run after fixing the named entry adds just that article.

``ingest.loaders.read_entries`` picks the reader by suffix; the paragraph, title and date helpers
shared with single-article files live there.
"""

from __future__ import annotations

import copy
import io
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import feedparser
from lxml import etree

from ingest.loaders import (
    _clean_paragraphs,
    _fallback_title,
    _html_paragraphs,
    _html_to_text,
    _iso_date,
    _plain_paragraphs,
)
from rag.errors import BadArticle
from rag.schema import Article, article_id_for

_FIX_JSON = "fix the file and re-run newsrag ingest"
_FIX_JSONL = "fix or delete the line and re-run newsrag ingest"
_TEXT_FIELDS = "add a 'text', 'body' or 'paragraphs' field"
_JSON_TYPE_NAMES = {dict: "an object", list: "a list", str: "a string", bool: "true/false",
                    int: "a number", float: "a number", type(None): "null"}
_RSS_AUTHOR = re.compile(r"\S+@\S+\s*\((.+)\)")  # RSS 2.0 <author>: "email (Full Name)"


# --- JSON and JSON Lines ---------------------------------------------------------------------


def json_entries(text: str, path: Path) -> Iterator[Article | BadArticle]:
    """A list of articles, one article object, or an object with an ``articles`` list.

    Articles in a list are located as ``path#N`` and a bad one is yielded as entry N (from 1);
    a single object is the whole file, located as ``path``, and raises when bad. Text that is
    not JSON at all (an export cut off mid-list) raises: no entry of it can be trusted.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadArticle(str(path), f"not valid JSON ({exc.msg}); {_FIX_JSON}",
                         line=exc.lineno, column=exc.colno) from exc
    except RecursionError as exc:
        raise BadArticle(str(path), f"nests lists or objects too deeply to be articles; {_FIX_JSON}") from exc
    if isinstance(document, dict) and "articles" in document:
        document = document["articles"]
        if not isinstance(document, list):
            raise BadArticle(str(path), f"its 'articles' field is {_json_type(document)}, not a list of "
                             f"article objects; {_FIX_JSON}")
    if isinstance(document, dict):
        yield _article_from_json(document, path, location=str(path), label="the article")
        return
    if not isinstance(document, list):
        raise BadArticle(str(path), f"holds {_json_type(document)}, not an article object or a list of "
                         f"them; {_FIX_JSON}")
    if not document:
        raise BadArticle(str(path), "holds an empty list: there are no articles in it; add some or remove "
                         "the file")
    for n, obj in enumerate(document, start=1):
        try:
            yield _article_from_json(obj, path, location=f"{path}#{n}", label=f"article {n}", entry=n)
        except BadArticle as exc:
            yield exc


_MIB = 1024 * 1024


def jsonl_stream(path: Path, max_bytes: int) -> Iterator[Article | BadArticle]:
    """One article object per line, located as ``path#LINE``; blank lines are allowed. A bad line
    (not JSON, cut off, no text) is yielded naming its line, and the lines after it are still read;
    articles are numbered among the non-blank lines ("article 3"). The file is read a line at a
    time, each line at most ``max_bytes`` (one article: a longer line is named and skipped without
    being held), so memory does not grow with the feed. JSON Lines is UTF-8 (a BOM on the first line is allowed); a line that is not is read
    as the loaders read any text (``ingest.loaders._decode``)."""
    from ingest.loaders import _decode, _format_size

    def lines() -> Iterator[tuple[int, str | BadArticle]]:
        with path.open("rb") as f:
            line_no = 0
            while raw := f.readline(max_bytes + 1):
                line_no += 1
                if len(raw) > max_bytes and not raw.endswith(b"\n"):
                    while (rest := f.readline(_MIB)) and not rest.endswith(b"\n"):
                        pass  # the rest of the long line, dropped a piece at a time
                    yield line_no, BadArticle(str(path), f"this article is over the {_format_size(max_bytes)} limit "
                                              "for one article; raise NEWSRAG_MAX_FILE_MB or shorten it",
                                              line=line_no)
                    continue
                try:
                    yield line_no, raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
                except UnicodeDecodeError:
                    yield line_no, _decode(raw, path)

    yield from _jsonl_lines(lines(), path)


def _jsonl_lines(lines: Iterable[tuple[int, str | BadArticle]], path: Path) -> Iterator[Article | BadArticle]:
    found = 0
    for line_no, line in lines:
        if isinstance(line, BadArticle):
            found += 1
            yield line
            continue
        if not line.strip():
            continue
        found += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadArticle(str(path), f"not valid JSON ({exc.msg}); {_FIX_JSONL}", line=line_no,
                             column=exc.colno)
            continue
        except RecursionError:
            yield BadArticle(str(path), f"nests lists or objects too deeply to be an article; {_FIX_JSONL}",
                             line=line_no)
            continue
        try:
            yield _article_from_json(obj, path, location=f"{path}#{line_no}", label=f"article {found}",
                                     line=line_no)
        except BadArticle as exc:
            yield exc
    if not found:
        raise BadArticle(str(path), "has only blank lines; add one JSON article per line or remove it")


def _article_from_json(
    obj: Any, path: Path, *, location: str, label: str, line: int | None = None, entry: int | None = None
) -> Article:
    """One article object; every problem names ``label`` ("article 3") and the offending field."""

    if isinstance(obj, dict) and isinstance(obj.get("title"), str) and obj["title"].strip():
        label = f"{label} ({' '.join(obj['title'].split())!r})"

    def fail(reason: str) -> BadArticle:
        return BadArticle(str(path), f"{label} {reason}", line=line, entry=entry)

    if not isinstance(obj, dict):
        raise fail(f"is {_json_type(obj)}, not an article object with 'title' and 'text'; "
                   f"{_FIX_JSONL if line else _FIX_JSON}")

    def string(*names: str) -> str:
        for name in names:
            value = obj.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise fail(f"has {_json_type(value)} in its '{name}' field where a string belongs; "
                           f"{_FIX_JSON}")
            return value.strip()
        return ""

    paragraphs = _json_paragraphs(obj, fail)
    title = " ".join(string("title").split()) or _fallback_title(paragraphs)
    source = string("source", "publication")
    date_field = "date" if obj.get("date") is not None else "published"
    date = _iso_date(string(date_field))
    if date is None:
        raise fail(f"has {string(date_field)!r} in its '{date_field}' field, which is not a date; use "
                   f"ISO 8601 such as 2026-11-03 and re-run newsrag ingest")
    url = string("url")
    number_id = obj.get("id")
    explicit = str(number_id) if type(number_id) is int else string("id")  # bool is not an id
    return Article(
        article_id=article_id_for(explicit=explicit, url=url, title=title, source=source),
        title=title,
        paragraphs=paragraphs,
        source=source,
        section=string("section"),
        date=date,
        url=url,
        author=_json_author(obj.get("author"), fail),
        location=location,
    )


def _json_paragraphs(obj: dict[str, Any], fail: Callable[[str], BadArticle]) -> tuple[str, ...]:
    """``paragraphs`` (a list of strings) wins, then ``text``, then ``body`` (strings)."""
    for name in ("paragraphs", "text", "body"):
        value = obj.get(name)
        if value is None:
            continue
        if name == "paragraphs":
            if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
                raise fail(f"has a '{name}' field that is not a list of strings; {_FIX_JSON}")
            paragraphs = _clean_paragraphs(value)
        elif isinstance(value, str):
            paragraphs = _clean_paragraphs(_plain_paragraphs(value))
        else:
            raise fail(f"has {_json_type(value)} in its '{name}' field where the article text belongs; "
                       f"{_FIX_JSON}")
        if not paragraphs:
            raise fail(f"has no paragraphs: its '{name}' field is empty; add the article text or remove "
                       "the article")
        return paragraphs
    raise fail(f"has no text: {_TEXT_FIELDS}")


def _json_author(value: Any, fail: Callable[[str], BadArticle]) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list) and all(isinstance(name, str) for name in value):
        return ", ".join(" ".join(name.split()) for name in value if name.strip())
    raise fail(f"has {_json_type(value)} in its 'author' field; use a name or a list of names; {_FIX_JSON}")


def _json_type(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


# --- RSS and Atom feeds ----------------------------------------------------------------------


# Where entries sit in each kind of feed: the root's local name -> the entry's parents' local names.
_ENTRY_PLACES = {"rss": ("rss", "channel"), "RDF": ("RDF", "channel"), "feed": ("feed",)}
_ENTRY_NAMES = frozenset({"item", "entry"})


def feed_stream(path: Path, max_bytes: int) -> Iterator[Article | BadArticle]:
    """``feed_entries`` of a feed read an entry at a time, so memory does not grow with the feed.

    lxml's ``iterparse`` walks the file; each ``<item>``/``<entry>`` is lifted out with the feed's
    title into a feed of one, which feedparser reads exactly as it reads a whole feed (dates,
    authors, sanitised HTML), then dropped from the tree. The size limit applies per entry (one
    article). Entities are never expanded and nothing is fetched (no DTD, no network): a
    billion-laughs or external-entity feed is text like any other.

    feedparser also reads feeds that are not well-formed XML (a bare ``&`` is common); lxml stops
    there. A feed within the file limit is then read whole by feedparser, as before, from the
    entry after the last one already yielded; a larger one fails from that point, naming the line.
    """
    where = str(path)
    count = 0
    try:
        events = etree.iterparse(str(path), events=("start", "end"), resolve_entities=False, no_network=True,
                                 load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
        root: Any = None
        title: tuple[Any, Any] | None = None  # (the tag of its parent, unless the root; a copy)
        for event, element in events:
            if root is None:
                root = element
                if etree.QName(root).localname not in _ENTRY_PLACES:
                    raise BadArticle(where, f"is not an RSS or Atom feed (its root element is "
                                     f"<{etree.QName(root).localname}>); newsrag reads .xml, .rss and .atom "
                                     "files as feeds only")
                places = _ENTRY_PLACES[etree.QName(root).localname]
                continue
            if event != "end" or not isinstance(element.tag, str):
                continue
            parent = element.getparent()
            name = etree.QName(element).localname
            if parent is None or etree.QName(parent).localname not in places:
                continue
            if name == "title" and title is None:
                # A copy, with where it sat: what the tree held so far is dropped below.
                title = (parent.tag if parent is not root else None, copy.deepcopy(element))
            elif name in _ENTRY_NAMES:
                count += 1
                yield _streamed_entry(element, root, title, count, path, max_bytes)
                for done in [*element.itersiblings(preceding=True), element]:
                    parent.remove(done)
    except (etree.XMLSyntaxError, OSError, LookupError) as exc:
        # Not well-formed XML, an unreadable file, or an encoding name lxml does not know.
        if _size(path) > max_bytes:
            if isinstance(exc, etree.XMLSyntaxError):
                problem = re.sub(r", line \d+, column \d+$", "", exc.msg)
                raise BadArticle(where, f"is not well-formed XML at line {exc.lineno} ({problem}); the entries "
                                 f"after entry {count} were not read; fix the feed and re-run newsrag ingest") from exc
            raise BadArticle(where, f"could not be read as a feed ({exc}); fix the feed and re-run "
                             "newsrag ingest") from exc
        from ingest.loaders import _read_bytes

        for n, entry in enumerate(feed_entries(_read_bytes(path, max_bytes), path), start=1):
            if n > count:  # the entries before the break were yielded already
                yield entry
        return
    if count == 0:
        raise BadArticle(where, "is a feed with no entries; save the feed again when it has articles")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _streamed_entry(element: Any, root: Any, title: tuple[Any, Any] | None, n: int, path: Path,
                    max_bytes: int) -> Article | BadArticle:
    """Entry ``n`` as a feed of one (the root, the channel, the feed's title, the entry) read by
    feedparser; an entry over ``max_bytes`` fails alone."""
    from ingest.loaders import _format_size

    markup = etree.tostring(element)
    if len(markup) > max_bytes:
        return BadArticle(str(path), f"entry {n} is over the {_format_size(max_bytes)} limit for one "
                          "article; raise NEWSRAG_MAX_FILE_MB or shorten it", entry=n)
    one = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=root.nsmap)
    channel = element.getparent().tag if element.getparent() is not root else None
    holder = etree.SubElement(one, channel) if channel is not None else one
    if title is not None:  # RSS 1.0 keeps the title in a <channel> beside the items
        title_parent, title_element = title
        title_holder = holder if title_parent == channel else etree.SubElement(one, title_parent)
        title_holder.append(copy.deepcopy(title_element))
    holder.append(copy.deepcopy(element))
    feed = feedparser.parse(io.BytesIO(etree.tostring(one)))
    if not feed.entries:  # cannot happen for an element lxml parsed; said plainly if it does
        return BadArticle(str(path), f"entry {n} could not be read as a feed entry", entry=n)
    try:
        return _article_from_entry(feed.entries[0], n, " ".join(feed.feed.get("title", "").split()), path)
    except BadArticle as exc:
        return exc


def feed_entries(raw: bytes, path: Path) -> Iterator[Article | BadArticle]:
    """Every entry of an RSS or Atom feed, located as ``path#N`` (1-based, in feed order).

    An entry without text is yielded as entry N and the others are read. The entry's link is its
    identity (the same story saved from a page or a JSON export gets the same id); the feed's own
    guid is used only when an entry has no link. A file that is no feed at all raises.
    """
    where = str(path)
    try:
        # A file object, not bytes: given bytes, feedparser would first try them as a file name.
        feed = feedparser.parse(io.BytesIO(raw))
    except UnicodeDecodeError as exc:  # feedparser 6 decodes the declared encoding's name blindly
        raise BadArticle(where, "has an XML declaration whose encoding name is not readable text; fix "
                         "the first line to <?xml version=\"1.0\" encoding=\"utf-8\"?>") from exc
    if not feed.version and not feed.entries:
        problem = f" ({feed.bozo_exception})" if feed.get("bozo_exception") else ""
        raise BadArticle(where, f"is not an RSS or Atom feed{problem}; newsrag reads .xml, .rss and .atom "
                         "files as feeds only")
    if not feed.entries:
        raise BadArticle(where, "is a feed with no entries; save the feed again when it has articles")
    source = " ".join(feed.feed.get("title", "").split())
    for n, entry in enumerate(feed.entries, start=1):
        try:
            yield _article_from_entry(entry, n, source, path)
        except BadArticle as exc:
            yield exc


def _article_from_entry(entry: Any, n: int, source: str, path: Path) -> Article:
    raw_title = entry.get("title", "")
    title = _html_to_text(raw_title) if "html" in entry.get("title_detail", {}).get("type", "") else raw_title
    label = f"entry {n} ({title!r})" if title.strip() else f"entry {n}"

    def fail(reason: str) -> BadArticle:
        return BadArticle(str(path), f"{label} {reason}", entry=n)

    content = entry.get("content") or [entry.get("summary_detail") or {}]
    body, body_type = content[0].get("value", ""), content[0].get("type", "text/html")
    paragraphs = _clean_paragraphs(_html_paragraphs(body) if "html" in body_type else _plain_paragraphs(body))
    if not paragraphs:
        raise fail("has no text (no content or summary); remove the entry or save a feed with full entries")
    title = " ".join(title.split()) or _fallback_title(paragraphs)
    url = entry.get("link", "")
    return Article(
        article_id=article_id_for(explicit="" if url else entry.get("id", ""), url=url, title=title,
                                  source=source),
        title=title,
        paragraphs=paragraphs,
        source=source,
        section=(entry.get("tags") or [{}])[0].get("term") or "",
        date=_entry_date(entry),
        url=url,
        author=_entry_author(entry),
        location=f"{path}#{n}",
    )


def _entry_date(entry: Any) -> str:
    """The published (else updated) date as printed; feedparser's own parse as a fallback.

    feedparser's ``*_parsed`` fields are converted to UTC, which moves evening stories in the
    Americas to the next day, so the printed string is tried first. A date neither can read is
    left out rather than failing the feed: unlike a JSON file, a saved feed is not the user's
    to fix.
    """
    for name in ("published", "updated"):
        value = entry.get(name, "")
        date = _iso_date(value)
        if date:
            return date
        parsed = entry.get(f"{name}_parsed")
        if value and parsed is not None:
            return time.strftime("%Y-%m-%d", parsed)
    return ""


def _entry_author(entry: Any) -> str:
    """All Atom authors joined; RSS's "email (Name)" reduced to the name."""
    names = [author.get("name", "") for author in entry.get("authors") or []]
    if len(names) > 1 and all(names):
        return ", ".join(names)
    author = " ".join(entry.get("author", "").split())
    match = _RSS_AUTHOR.fullmatch(author)
    return match.group(1).strip() if match else author
