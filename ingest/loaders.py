"""Read article files from disk into ``Article`` records: plain text, JSON, JSON Lines, HTML, feeds.

Every way a file can be unreadable ends in one ``BadArticle`` that names the file (and the line,
article or feed entry when known) and says what to do, so ingest can skip the file, report it
and carry on. In a file of many articles each entry stands alone (``read_entries``): a bad one is
reported by its number and the rest are read; the readers of those files are in ``ingest.feeds``.

Paragraphs come back as the file has them, whitespace-normalised but not repaired; joining
paragraphs that were split mid-sentence is ``ingest.paragraphs.repair_paragraphs``'s job.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import charset_normalizer
import dateutil.parser
import lxml.html
import trafilatura

from rag.errors import BadArticle
from rag.schema import Article, SkippedFile, article_id_for
from rag.text import split_sentences

_TEXT_SUFFIXES = frozenset({".txt", ".text"})
_JSON_SUFFIXES = frozenset({".json"})
_JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_HTML_SUFFIXES = frozenset({".html", ".htm"})
# .xml is read as a feed too: saved feeds often keep the .xml name of the URL they came from.
_FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})

SUPPORTED_SUFFIXES: frozenset[str] = (
    _TEXT_SUFFIXES | _JSON_SUFFIXES | _JSONL_SUFFIXES | _HTML_SUFFIXES | _FEED_SUFFIXES
)

_MIB = 1024 * 1024
_KIB = 1024
# A headline made from the first sentence is cut here, at a word boundary: about the length of
# a print headline, long enough to tell articles apart in a citation list.
_FALLBACK_TITLE_CHARS = 80
# Publication and section lines in the plain-text layout are short labels, never sentences.
_HEADER_LINE_CHARS = 80
# A headline is a line, not a paragraph: a longer single-line block after a two-line first block
# is the lede, and the first block a headline with its subhead ("Lawmaker urges retaliation on
# Russia;" / "Member of House panel says ...", USA Today's layout in PolNeAR: 132 train articles
# lost their lede to the header rule before this).
_HEADLINE_CHARS = 200
# A .txt's date line (``_take_date_line``): looked for among the first lines only, where
# publication, section, headline, byline and date sit (six of them at most in the layouts we know),
# so a date quoted alone deep in an article is never taken for its dateline.
_DATE_LINE_WITHIN = 6
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_CLOCK = r"(?:[\sT,]+(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:[ap]\.?m\.?)?\s*(?:Z|[+-]\d{2}:?\d{2}|[A-Z]{2,4})?)?"
# Year, month and day all present: "2026", "Health" or "Monday" alone are no date line. The time
# after a date is allowed but not read: the date is the one printed, as ``_iso_date`` keeps it.
_DATE_LINE = re.compile(
    r"(?:(?P<label>published|posted|updated|date|dated)(?:\s+on)?\s*[:\-–—]?\s*)?"
    r"(?P<date>" + _WEEKDAY + r"(?:\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2}"
    r"|" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+\d{4}))" + _CLOCK,
    re.IGNORECASE,
)
_FRONT_MATTER_DATE_KEYS = ("date", "published", "published_at", "pubdate")
# Digits on either side would make it part of a longer number (an id, a timestamp).
_FILE_NAME_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
_WHITESPACE = re.compile(r"\s+")
# Characters XML (and so lxml) refuses; they carry nothing in article text.
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Byte order marks of the encodings whose text is full of NUL bytes, checked before the
# NUL-means-binary test.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# When a file that is neither UTF-8 nor BOM-marked is read as something other than Windows-1252
# (``_detector_is_sure``). 32 non-ASCII bytes: a Cyrillic, Greek or Hebrew sentence has more
# (every letter is one), while Western copy has few (issue 24's Latin-1 headline and sentence 4,
# a Windows-1252 one with curly quotes 6, a paragraph of French 27) and there the detector
# confuses Western, Central European and Baltic code pages, all scoring alike. Chaos 0.05 and
# coherence 0.5: right decodings of the Cyrillic tests score 0.0 and 0.6-0.72; wrong Cyrillic
# code pages score chaos 0.1 and up or coherence 0.0 on the same bytes.
_SURE_NON_ASCII_BYTES = 32
_SURE_CHAOS = 0.05
_SURE_COHERENCE = 0.5
# Unicode's explicit direction controls: embeddings and overrides (LRE, RLE, PDF, LRO, RLO,
# U+202A-U+202E) and isolates (LRI, RLI, FSI, PDI, U+2066-U+2069); see ``_without_bidi_controls``.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# HTML elements that end a paragraph in feed content (<br><br> is handled separately).
_BLOCK_TAGS = frozenset({"p", "div", "blockquote", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
                         "pre", "table", "tr", "section", "article", "figure", "figcaption", "hr"})


def discover_files(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Expand files and directories into ``(files to load, files skipped)``; see ``find_files``."""
    files, skipped = find_files(paths)
    return files, [Path(skip.path) for skip in skipped]


def find_files(paths: Sequence[Path]) -> tuple[list[Path], list[SkippedFile]]:
    """Expand files and directories into ``(files to load, files skipped with the reason)``.

    Directories are walked recursively in sorted order so ingest reports are reproducible;
    hidden files and directories inside them (``.git``, ``.DS_Store``) are left out. A symbolic
    link found in a directory is followed only to a file inside that directory, and that file is
    listed once, under its own name: a link out of it (to ``/etc/passwd``, to a parent folder) is
    skipped, because whoever filled the folder, not the user naming it, chose where it points.
    A path named explicitly is always listed, link or not: a missing one goes into the first
    list so that ``load_file`` reports it as a failure by name instead of it vanishing silently.
    """
    supported: list[Path] = []
    skipped: list[SkippedFile] = []
    seen: set[Path] = set()
    for path in paths:
        candidates = _walk(path) if path.is_dir() else [(path, "")]
        for candidate, outside in candidates:
            if candidate in seen:
                continue
            seen.add(candidate)
            suffix = candidate.suffix.lower()
            if outside:
                skipped.append(SkippedFile(str(candidate), outside))
            elif suffix in SUPPORTED_SUFFIXES or not os.path.lexists(candidate):
                supported.append(candidate)
            else:
                skipped.append(SkippedFile(str(candidate), f"has an unsupported suffix {suffix or '(none)'!r}"))
    return supported, skipped


def _walk(directory: Path) -> list[tuple[Path, str]]:
    """Every file under ``directory`` with "" or, for a link leading out of it, why it is skipped.

    A link to a file inside comes back as that file's path under ``directory`` (a broken one as
    itself, for ``load_file`` to report); a link to a folder inside is dropped, as that folder is
    walked where it is.
    """
    root = directory.resolve()
    found: list[tuple[Path, str]] = []
    # os.walk does not follow symlinked directories, so a link loop cannot make it spin.
    for here, dirnames, filenames in os.walk(directory):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in dirnames:
            link = Path(here, name)
            if link.is_symlink() and not _resolve(link).is_relative_to(root):
                found.append((link, _leaves(link, directory)))
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(here, name)
            if path.is_symlink():
                target = _resolve(path)
                if not target.is_relative_to(root):
                    found.append((path, _leaves(path, directory)))
                    continue
                if target.exists():
                    path = directory / target.relative_to(root)
            found.append((path, ""))
    return sorted(found)


def _resolve(link: Path) -> Path:
    """Where ``link`` leads; a link loop leads nowhere new, so it stays itself (``load_file`` then
    reports it as unreadable by name)."""
    try:
        return link.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop before Python 3.13
        return link.parent.resolve() / link.name


def _leaves(link: Path, directory: Path) -> str:
    return (f"is a symbolic link to {os.readlink(link)}, outside {directory}; links that leave the "
            "folder are not followed: copy the file into the folder or name it on the command line")


def load_file(path: Path, *, max_bytes: int) -> list[Article]:
    """Every article of one file, or raise ``BadArticle`` for the file or its first bad entry.

    All or nothing, for callers that want a file's articles whole (benchmarks, tools); ingest
    reads ``read_entries`` instead, so that one bad entry of an export never costs the rest.
    """
    articles: list[Article] = []
    for entry in read_entries(path, max_bytes=max_bytes):
        if isinstance(entry, BadArticle):
            raise entry
        articles.append(entry)
    return articles


def read_entries(path: Path, *, max_bytes: int) -> Iterator[Article | BadArticle]:
    """Each article of one file in order, or the ``BadArticle`` saying why that entry is unreadable.

    A file that cannot be read as a whole (missing, too big, binary, not JSON or not a feed at
    all) raises ``BadArticle`` before yielding anything. In a file of many articles (a JSON list,
    JSON Lines, an RSS/Atom feed) a bad entry is yielded as a ``BadArticle`` carrying its
    ``entry`` number (``line`` in JSON Lines) and the entries after it are still read: real
    exports hold empty items and cut-off last lines (issue 24).

    The suffix picks the format (see ``SUPPORTED_SUFFIXES``). Files over ``max_bytes`` are
    refused before being read. Non-UTF-8 text is decoded with the detected encoding. No
    ``OSError``, ``UnicodeDecodeError`` or ``JSONDecodeError`` escapes: each becomes a
    ``BadArticle`` naming the file.
    """
    from ingest import feeds  # feeds builds on this module's paragraph and date helpers

    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES and path.is_file():
        raise BadArticle(str(path), f"has an unsupported suffix {suffix or '(none)'!r}; newsrag reads "
                         f"{', '.join(sorted(SUPPORTED_SUFFIXES))} files")
    if suffix in _JSONL_SUFFIXES or suffix in _FEED_SUFFIXES:
        # JSON Lines and RSS/Atom are read as streams, an article at a time, and the size limit
        # applies to each article: a feed of 13,000 articles goes in whole with memory flat (issue
        # 24). The chat's uploads keep their own limit on the whole file (Streamlit's maxUploadSize).
        _refuse_binary(_read_bytes(path, max_bytes, head_only=True), path)
        stream = feeds.jsonl_stream if suffix in _JSONL_SUFFIXES else feeds.feed_stream
        return (_entry_without_bidi_controls(entry) for entry in stream(path, max_bytes))
    raw = _read_bytes(path, max_bytes)
    _refuse_binary(raw, path)
    # Every format's articles pass ``_without_bidi_controls``; a whole-file error raises here, at
    # once (the generator's first iterable is evaluated now), before anything is yielded.
    return (_entry_without_bidi_controls(entry) for entry in _entries(raw, path, suffix, feeds))


def _entries(raw: bytes, path: Path, suffix: str, feeds: Any) -> Iterator[Article | BadArticle]:
    """A file read whole: plain text, HTML, or a JSON article or list (feeds are streamed)."""
    text = _decode(raw, path)
    if not text.strip():
        raise BadArticle(str(path), "is empty; add an article to it or remove it")
    if suffix in _TEXT_SUFFIXES:
        return iter([_parse_plain_text(text, path)])
    if suffix in _JSON_SUFFIXES:
        return feeds.json_entries(text, path)
    return iter([_parse_html(text, path)])


def _entry_without_bidi_controls(entry: Article | BadArticle) -> Article | BadArticle:
    """An article without direction controls, or the reason that entry is unreadable."""
    if isinstance(entry, BadArticle):
        return entry
    try:
        return _without_bidi_controls(entry)
    except BadArticle as exc:  # nothing but direction marks: that entry fails, not the file
        return exc


def _without_bidi_controls(article: Article) -> Article:
    """``article`` with the bidirectional embedding, override and isolate controls taken out.

    Article text is untrusted, and these invisible characters reorder what a reader sees
    ("Trojan Source", CVE-2021-42574): a headline or a quote could display other than it is
    stored, cited and searched. Every format's articles pass here, after parsing, so JSON's
    ``\\u202e`` escapes are caught too; quotes and speakers are read from these paragraphs. Joiners
    (U+200D in emoji and Indic words) are letters' glue, not direction, and stay. The article id
    was derived before, from the text as given, so re-ingesting the same file keeps its id.
    """
    if not any(_BIDI_CONTROLS.search(text) for text in (article.title, article.source, article.section,
                                                          article.author, *article.paragraphs)):
        return article

    def clean(text: str) -> str:
        return " ".join(_BIDI_CONTROLS.sub("", text).split())

    paragraphs = _clean_paragraphs(_BIDI_CONTROLS.sub("", p) for p in article.paragraphs)
    if not paragraphs:
        raise BadArticle(article.location, "has only invisible direction marks for text; add the article "
                         "text or remove it")
    return dataclasses.replace(article, title=clean(article.title), paragraphs=paragraphs,
                               source=clean(article.source), section=clean(article.section),
                               author=clean(article.author))


# --- reading and decoding -------------------------------------------------------------------


_HEAD_BYTES = 64 * 1024  # what is read of a streamed file up front: enough to tell text from binary


def _read_bytes(path: Path, max_bytes: int, *, head_only: bool = False) -> bytes:
    """The file's bytes, after checking it is a regular file within the size limit; with
    ``head_only`` its first ``_HEAD_BYTES`` and no size limit (a file read as a stream).

    The size is checked on ``stat`` so an oversized file is refused without being read.
    """
    where = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise BadArticle(where, "is a directory, not a file; pass it to newsrag ingest, which loads "
                             "the files inside it")
        if not stat.S_ISREG(info.st_mode):
            raise BadArticle(where, "is not a regular file (a device, socket or pipe); pass an article "
                             "file")
        if info.st_size > max_bytes and not head_only:
            raise BadArticle(where, f"is {_size_over(info.st_size, max_bytes)}; raise NEWSRAG_MAX_FILE_MB "
                             "or split the file")
        if head_only:
            with path.open("rb") as f:
                raw = f.read(_HEAD_BYTES)
        else:
            raw = path.read_bytes()
    except FileNotFoundError as exc:
        if path.is_symlink():
            raise BadArticle(where, f"is a broken symbolic link (its target {os.readlink(path)} does not "
                             "exist); fix or remove the link") from exc
        raise BadArticle(where, "does not exist; check the path") from exc
    except OSError as exc:
        raise BadArticle(where, f"could not be read ({exc.strerror or exc}); check that it exists and "
                         "that you may read it") from exc
    if not raw.strip():
        raise BadArticle(where, "is empty; add an article to it or remove it")
    return raw


def _size_over(size: int, limit: int) -> str:
    """"31.2 MiB, over the 25 MiB limit"; exact bytes when both round to the same figure."""
    shown, shown_limit = _format_size(size), _format_size(limit)
    if shown == shown_limit:
        shown = f"{size:,} bytes"
        shown_limit = f"{limit:,} bytes"
    return f"{shown}, over the {shown_limit} limit"


def _format_size(n_bytes: int) -> str:
    for unit, scale in (("MiB", _MIB), ("KiB", _KIB)):
        if n_bytes >= scale:
            figure = f"{n_bytes / scale:.1f}".removesuffix(".0")
            return f"{figure} {unit}"
    return f"{n_bytes} bytes"


def _refuse_binary(raw: bytes, path: Path) -> None:
    """NUL bytes never occur in text (UTF-16/32 aside, recognised by their BOM), even valid UTF-8."""
    if b"\0" in raw and not raw.startswith(tuple(bom for bom, _ in _WIDE_BOMS)):
        raise BadArticle(str(path), "looks like a binary file, not an article; newsrag reads text, JSON, "
                         "HTML and RSS/Atom files")


def _decode(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), then UTF-16/32 by BOM, then Windows-1252 unless a detector is sure.

    Detection guesses from letter statistics, and on a headline and a sentence it guesses wrong:
    issue 24's Latin-1 "Café Owner Speaks" came out as "Cafķ Owner Speaks" in a Baltic code page
    that scores as well. Text that is neither UTF-8 nor marked by a BOM is nearly always a Western
    export (Windows-1252, of which Latin-1's printable range is a subset), so that is the default;
    the detector's answer replaces it only when it reads differently and ``_detector_is_sure``.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for bom, encoding in _WIDE_BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise BadArticle(str(path), f"starts with a {encoding.upper()} byte order mark but is not "
                                 f"valid {encoding.upper()} ({exc.reason}); save it as UTF-8") from exc
    matches = charset_normalizer.from_bytes(raw)
    best = matches.best()
    if best is None:
        raise BadArticle(str(path), "looks like a binary file, not an article: it is not UTF-8 and no "
                         "text encoding fits; save it as UTF-8 text")
    western = _decode_western(raw)
    guessed = str(best)
    if guessed != western and _detector_is_sure(raw, best.chaos, best.coherence):
        return guessed
    return western


def _decode_western(raw: bytes) -> str:
    """Windows-1252; Latin-1 when a byte is one of the five cp1252 leaves undefined (0x81, 0x8D...)."""
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _detector_is_sure(raw: bytes, chaos: float, coherence: float) -> bool:
    """Whether charset-normalizer's guess has enough text behind it to overrule Windows-1252.

    Enough text is ``_SURE_NON_ASCII_BYTES`` bytes outside ASCII: only those tell code pages apart.
    Sure is a mess ratio (``chaos``: the share of odd character sequences) of at most
    ``_SURE_CHAOS`` and a language fit (``coherence``) of at least ``_SURE_COHERENCE``.
    """
    non_ascii = sum(byte >= 0x80 for byte in raw)
    return non_ascii >= _SURE_NON_ASCII_BYTES and chaos <= _SURE_CHAOS and coherence >= _SURE_COHERENCE


# --- plain text ------------------------------------------------------------------------------


def _parse_plain_text(text: str, path: Path) -> Article:
    """Publication, section, blank, headline, blank, paragraphs; or headline, blank, paragraphs.

    The two-line header is recognised only when the first block is two short labels (no sentence
    punctuation at their ends) and the next block a single line of headline length; otherwise the
    first line is the headline and the rest of its block (a subhead) the first paragraph.

    The date comes from the first of (``data/README.md``, "Dating a .txt"): a date line near the
    top ("2026-11-25", "November 25, 2026", "Published: ..."), taken out of the text so that it
    is no paragraph; a ``date:`` in front matter between ``---`` lines, which is never text
    either; a date in the file name ("varnholm-courier_2026-09-13_....txt"). Plain text carries
    no date field, and an undated article falls off the timeline and out of every date filter.
    """
    front, text = _front_matter(text, path)
    text, line_date = _take_date_line(text)
    date = line_date or _front_matter_date(front, path) or _file_name_date(path)
    blocks = _split_blocks(text)
    if not blocks:
        raise BadArticle(str(path), "has a date or front matter but no article; add the headline and the "
                         "text after it")
    first = blocks[0]
    source = section = ""
    if (len(first) == 2 and len(blocks) >= 2 and len(blocks[1]) == 1
            and len(blocks[1][0]) <= _HEADLINE_CHARS
            and all(len(line) <= _HEADER_LINE_CHARS and not line.endswith((".", ";", ":", "?", "!")) for line in first)):
        source, section = first
        title, body = blocks[1][0], blocks[2:]
    else:
        title, body = first[0], ([first[1:]] if len(first) > 1 else []) + blocks[1:]
    paragraphs = _clean_paragraphs(" ".join(lines) for lines in body)
    if not paragraphs:
        raise BadArticle(str(path), "has a headline but no paragraphs; add the article text after the "
                         "headline, separated from it by a blank line")
    return Article(
        article_id=article_id_for(title=title, source=source),
        title=title,
        paragraphs=paragraphs,
        source=source,
        section=section,
        date=date,
        location=str(path),
    )


def _front_matter(text: str, path: Path) -> tuple[dict[str, str], str]:
    """``key: value`` lines between a first line ``---`` and the next ``---``, and the text after.

    Only a text whose first line is ``---`` has front matter, so an article that merely uses
    ``---`` as a rule between paragraphs is left whole. An opening ``---`` never closed is an
    error rather than a guess: everything after it would otherwise be read as metadata.
    """
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        raise BadArticle(str(path), "opens front matter with '---' on its first line but never closes "
                         "it; add a '---' line after the last 'key: value' line")
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        key, colon, value = line.partition(":")
        if colon and key.strip():
            fields.setdefault(key.strip().lower(), value.strip().strip("\"'"))
    return fields, "\n".join(lines[end + 1 :])


def _front_matter_date(fields: dict[str, str], path: Path) -> str:
    """The front matter's ``date`` (or ``published``) as YYYY-MM-DD; "" when it has none."""
    key = next((k for k in _FRONT_MATTER_DATE_KEYS if fields.get(k)), "")
    if not key:
        return ""
    date = _iso_date(fields[key])
    if not date:
        raise BadArticle(str(path), f"has {fields[key]!r} as its front matter '{key}', which is not a date; "
                         "use ISO 8601 such as 2026-11-25 and re-run newsrag ingest")
    return date


def _take_date_line(text: str) -> tuple[str, str]:
    """``text`` without its date line, and that line's date ("" and ``text`` whole when none).

    A date line is a line among the first ``_DATE_LINE_WITHIN`` non-blank lines holding only a
    full date (year, month, day), alone or after a label ("Published:", "Updated:"). A
    "Published" date wins over an "Updated" one; every date line is taken out of the text.
    """
    lines = text.splitlines()
    found: list[tuple[int, str, str]] = []  # (line index, label, date)
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > _DATE_LINE_WITHIN:
            break
        m = _DATE_LINE.fullmatch(line.strip())
        date = _iso_date(m.group("date")) if m else None
        if m and date:
            found.append((i, (m.group("label") or "").lower(), date))
    if not found:
        return text, ""
    dated = [d for _, label, d in found if not label.startswith("updated")] or [d for _, _, d in found]
    drop = {i for i, _, _ in found}
    return "\n".join(line for i, line in enumerate(lines) if i not in drop), dated[0]


def _file_name_date(path: Path) -> str:
    """A YYYY-MM-DD date in the file name ("varnholm-courier_2026-09-13_lothe.txt"); "" if none."""
    for m in _FILE_NAME_DATE.finditer(path.stem):
        try:
            return datetime(int(m["y"]), int(m["m"]), int(m["d"])).date().isoformat()
        except ValueError:  # "2026-13-45" is a number, not a date
            continue
    return ""


def _split_blocks(text: str) -> list[list[str]]:
    """Blocks of stripped lines separated by blank lines; every line its own block if none are.

    Lines inside a block are hard wraps of one paragraph; a text with no blank line at all has
    one paragraph per line.
    """
    text = "\n".join(text.splitlines())
    chunks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    blocks = [[line.strip() for line in chunk.split("\n") if line.strip()] for chunk in chunks]
    return [block for block in blocks if block]


def _clean_paragraphs(paragraphs: Iterable[str]) -> tuple[str, ...]:
    """Collapse whitespace runs (tabs, newlines, non-breaking spaces) and drop empty paragraphs."""
    cleaned = (" ".join(paragraph.split()) for paragraph in paragraphs)
    return tuple(paragraph for paragraph in cleaned if paragraph)


def _fallback_title(paragraphs: Sequence[str]) -> str:
    """The first sentence of the first paragraph, cut at a word boundary to 80 characters.

    Used when a JSON article, feed entry or page has no headline: an "Untitled" headline would
    make every such article look the same in citations and collide in ``article_id_for``.
    """
    sentences = split_sentences(paragraphs[0])
    title = sentences[0] if sentences else paragraphs[0]
    if len(title) <= _FALLBACK_TITLE_CHARS:
        return title
    cut = title[: _FALLBACK_TITLE_CHARS - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


# --- JSON and JSON Lines ---------------------------------------------------------------------


def _iso_date(value: str) -> str | None:
    """"YYYY-MM-DD" from ISO 8601, RFC 2822 or "November 3, 2026"; "" for none, None if unreadable.

    The date is the one printed, in the writer's own time zone, not converted to UTC: a story
    dated late on the 19th in Chicago stays on the 19th. Missing day or month fall to the first
    rather than to today's. Numeric dates are read month first ("03/11/2026" is March 11).
    """
    if not value:
        return ""
    try:
        return dateutil.parser.parse(value, default=datetime(2000, 1, 1)).date().isoformat()
    except (ValueError, OverflowError):
        return None


# --- HTML pages ------------------------------------------------------------------------------


def _parse_html(text: str, path: Path) -> Article:
    """A saved article page: trafilatura keeps the story and drops navigation, ads and scripts."""
    where = str(path)
    try:
        document = trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            # The extensive search guesses dates from any number in the page; a wrong date is
            # worse than none in a citation.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except ValueError as exc:
        raise BadArticle(where, f"could not be read as an HTML page ({exc}); save the page again") from exc
    paragraphs = _clean_paragraphs(_trafilatura_paragraphs(document.body)) if document is not None else ()
    if not paragraphs:
        raise BadArticle(where, "has no article text that could be found; save the article's own page "
                         "(not a front page, search results or a sign-in page)")
    title = " ".join((document.title or "").split()) or _fallback_title(paragraphs)
    url = document.url or ""
    source = document.sitename or ""
    return Article(
        article_id=article_id_for(url=url, title=title, source=source),
        title=title,
        paragraphs=paragraphs,
        source=source,
        section=document.categories[0] if document.categories else "",
        date=document.date or "",
        url=url,
        author=document.author or "",
        location=where,
    )


def _trafilatura_paragraphs(element: Any) -> Iterator[str]:
    """Paragraphs, list items and block quotes of trafilatura's output tree, in order.

    Headings are left out: the headline is the title, and sub-heads are not citable statements.
    """
    if element is None:
        return
    for child in element:
        tag = child.tag
        if tag in ("head", "table", "graphic", "figure"):
            continue
        if tag in ("p", "item") or (tag == "quote" and child.find(".//p") is None):
            yield "".join(child.itertext())
        else:
            yield from _trafilatura_paragraphs(child)


# --- RSS and Atom feeds ----------------------------------------------------------------------


def _plain_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text: blank-line separated blocks, hard-wrapped lines joined."""
    return [" ".join(block) for block in _split_blocks(text)]


def _html_paragraphs(markup: str) -> list[str]:
    """Split feed HTML into paragraphs at block elements and ``<br><br>``; tags and entities go.

    A single ``<br>`` is a line break inside a paragraph. feedparser has already removed
    ``<script>`` and ``<style>``; they are dropped here as well in case sanitising was off.
    """
    markup = _NOT_XML_CHARS.sub("", markup)
    if not markup.strip():
        return []
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    for bad in root.xpath(".//script | .//style"):
        bad.drop_tree()
    pieces: list[str] = []
    _flatten(root, pieces)
    return re.split(r"\n\s*\n", "".join(pieces))


def _flatten(element: Any, pieces: list[str]) -> None:
    """Append the text of ``element``, a blank line around each block and a newline per ``<br>``.

    Newlines in the HTML source are only whitespace, so they are collapsed first and cannot
    split a paragraph.
    """
    if not isinstance(element.tag, str):  # a comment or processing instruction: not text
        return
    block = element.tag in _BLOCK_TAGS
    if block:
        pieces.append("\n\n")
    if element.tag == "br":
        pieces.append("\n")
    pieces.append(_WHITESPACE.sub(" ", element.text or ""))
    for child in element:
        _flatten(child, pieces)
        pieces.append(_WHITESPACE.sub(" ", child.tail or ""))
    if block:
        pieces.append("\n\n")


def _html_to_text(markup: str) -> str:
    return " ".join(" ".join(_html_paragraphs(markup)).split())
