"""Sentence splitting and word normalisation shared by ingest (quotes, repair) and answering.

Lives in ``rag`` because the extractive answerer needs it and ``rag`` never imports ``ingest``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Abbreviations that end with a period but never end a sentence when followed by a name or
# word. Titles before names are the common case in news copy ("said Dr. Elena Petrova").
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "dr", "mr", "mrs", "ms", "prof", "gen", "col", "lt", "capt", "cpt", "maj", "sgt", "adm",
        "gov", "sen", "rep", "rev", "st", "jr", "sr", "pres", "amb", "supt", "insp", "det",
        "messrs", "mme", "mlle", "hon", "fr", "no", "vs", "etc", "approx", "dept", "est", "inc",
        "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
        "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "i.e", "e.g", "d.c",
    }
)
# Titles that are always followed by a name, so a paragraph ending in one is a broken paragraph.
NAME_TITLES: frozenset[str] = frozenset(
    {"dr", "mr", "mrs", "ms", "prof", "gen", "col", "lt", "capt", "maj", "sgt", "adm", "gov",
     "sen", "rep", "rev", "pres", "amb", "supt", "insp", "det", "hon", "fr", "mme", "mlle"}
)

_CAN_END_SENTENCE = frozenset({"etc", "a.m", "p.m", "inc", "ltd", "co", "corp", "jr", "sr"})
_CLOSERS = "\"'”’)]»"
_SENTENCE_END = re.compile(r"[.!?…]+[" + re.escape(_CLOSERS) + r"]*(?=\s+)")
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


def last_token(text: str) -> str:
    """The last whitespace-separated token, lower-cased, without trailing period."""
    parts = text.rstrip().split()
    return parts[-1].rstrip(".").lower() if parts else ""


def ends_with_abbreviation(text: str) -> bool:
    """True when ``text`` ends in a period that belongs to an abbreviation ("... said Dr.")."""
    stripped = text.rstrip()
    if not stripped.endswith("."):
        return False
    token = last_token(stripped).lstrip("(\"'“‘")
    if token in ABBREVIATIONS:
        return True
    # Initials such as "J." or "U.S." inside a name.
    return bool(re.fullmatch(r"(?:[a-z]\.)*[a-z]", token))


def ends_with_name_title(text: str) -> bool:
    """True when ``text`` ends with a title that must be followed by a name ("Dr.", "Gen.")."""
    stripped = text.rstrip()
    return stripped.endswith(".") and last_token(stripped).lstrip("(\"'“‘") in NAME_TITLES


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences without breaking after "Dr.", "U.S.", initials.

    A rule-based splitter is enough for edited news copy, needs no model download (nltk's punkt
    data would have to be fetched at run time), and keeps closing quotes with their sentence.
    """
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        candidate = text[start:end]
        rest = text[end:].lstrip()
        if not rest:
            break
        token = last_token(candidate.rstrip(_CLOSERS))
        # "No." abbreviates a number only before one ("No. 10"): "the answer is no. He said ..."
        # is two sentences.
        number = token.lstrip("(\"'“‘") != "no" or rest[:1].isdigit()
        # "Dr. Petrova" and "U.S. Army" continue the sentence; after "etc." or "p.m." a capital
        # letter usually starts a new one.
        if (match.group().startswith(".") and number and ends_with_abbreviation(candidate.rstrip(_CLOSERS))
                and (not rest.lstrip("\"'“‘(").strip()[:1].isupper() or token not in _CAN_END_SENTENCE)):
            continue
        if rest[0].islower():
            continue
        sentences.append(candidate.strip())
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def fold(text: str) -> str:
    """Lower-case and strip accents, for matching names across spellings ("Zelensky"/"Zelenský")."""
    if text.isascii():  # most English text: nothing to decompose, and this runs per quote
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """Folded word tokens, apostrophes kept inside words ("ukraine's")."""
    return _WORD.findall(fold(text))


# Words that carry no subject: left out of topic, speaker and coverage checks.
STOPWORDS = frozenset(
    ["a", "an", "the", "of", "on", "in", "at", "to", "for", "from", "by", "with", "about", "and", "or", "but",
     "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "done", "has", "have", "had",
     "what", "who", "whom", "whose", "which", "when", "where", "why", "how", "that", "this", "these", "those",
     "it", "its", "it's", "he", "she", "they", "them", "his", "her", "their", "there", "here", "said", "say",
     "says", "tell", "told", "any", "some", "all", "me", "us", "we", "you", "your", "i", "my", "our", "than",
     "then", "so", "as", "if", "not", "no", "into", "over", "under", "after", "before", "according",
     "comment", "commented", "comments", "else", "also", "just", "more", "most", "much", "many", "can",
     "could", "would", "should", "will", "shall", "may", "might", "must", "whats", "what's", "between",
     "during", "against", "up", "down", "out", "off", "again", "further", "once", "only", "own", "same",
     "too", "very", "s", "t", "don", "now", "anyone", "anybody", "someone", "somebody"]
)
_POSSESSIVE = re.compile(r"['’]s?$")
_TOKEN = re.compile(r"[\w'’-]+")


def stem(word: str) -> str:
    """A crude suffix stemmer ("flooding" -> "flood"): names and roles match across inflections."""
    for suffix in ("ings", "ing", "ies", "ied", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=262_144)
def content_terms(text: str) -> frozenset[str]:
    """Stemmed non-stopwords. Cached: speakers, roles and headlines repeat across every query."""
    stripped = (_POSSESSIVE.sub("", w) for w in words(text))
    return frozenset(stem(w) for w in stripped if w not in STOPWORDS and len(w) > 1)


def tokens(text: str) -> list[str]:
    """Word tokens as written (case kept), hyphens and apostrophes inside words."""
    return _TOKEN.findall(text)


def names_in(question: str, *, phrase: bool = False) -> list[str]:
    """Capitalised words not at the start of the question: the names a question hinges on.

    With ``phrase`` the text is a noun phrase taken out of a question (the topic of "who said
    what about Atlantis?"), whose first word is capitalised only when it is a name.
    """
    names = []
    for i, token in enumerate(tokens(question)):
        token = _POSSESSIVE.sub("", token)  # "Petrova's" -> "Petrova"
        if (i > 0 or phrase) and token[:1].isupper() and fold(token) not in STOPWORDS:
            names.append(token)
    return names


def same_stem(a: str, b: str, prefix: int) -> bool:
    """Whether two stems are one a prefix of the other, the shorter at least ``prefix`` letters
    ("baker" and "bakery"): words of one family that stemming leaves apart."""
    return min(len(a), len(b)) >= prefix and (a.startswith(b) or b.startswith(a))


def mostly_in(wanted: frozenset[str], available: frozenset[str], prefix: int = 0) -> bool:
    """All of ``wanted``, or two thirds of it when it has four or more words.

    With ``prefix``, a word also counts when an available one and it are one a prefix of the
    other, the shorter at least ``prefix`` letters: a trade and its shop ("the Quay Street baker"
    is "Petra Sollis, who runs a bakery on Quay Street"), which a question and an article word apart.
    """
    hits = len(wanted & available)
    if prefix and hits < len(wanted):
        hits += sum(1 for w in wanted - available if any(same_stem(w, a, prefix) for a in available))
    return bool(wanted) and (hits == len(wanted) or (len(wanted) >= 4 and hits * 3 >= len(wanted) * 2))


_SENTENCE_GAP = re.compile(r"[.!?]\W*$")


def name_runs(question: str) -> list[str]:
    """The names a question hinges on, as runs of capitalised words ("Novak Djokovic").

    A sentence's first word only joins a run when the next word is capitalised too ("Punxsutawney
    Phil"); one-letter words and the pieces of "&" names ("M&M's", "AT&T") are left out: they are
    spelt too many ways to look up.
    """
    runs: list[list[str]] = []
    current: list[str] = []
    end = -1
    for m in _TOKEN.finditer(question):
        token = _POSSESSIVE.sub("", m.group()).strip("-'’")
        gap = question[end:m.start()] if end >= 0 else ""
        amp = "&" in question[max(m.start() - 1, 0):m.start()] + question[m.end():m.end() + 1]
        capital = token[:1].isupper() and len(token) > 1 and fold(token) not in STOPWORDS and not amp
        sentence_start = end < 0 or bool(_SENTENCE_GAP.search(gap))
        if capital and current and not gap.strip():
            current.append(token)
        elif capital:
            if current:
                runs.append(current)
            current = [token]
            if sentence_start:
                current.insert(0, "")
        else:
            if current:
                runs.append(current)
            current = []
        end = m.end()
    if current:
        runs.append(current)
    # A run opening a sentence starts with "": a lone opening word ("Tennis champion ...") is no name.
    return [" ".join(w for w in run if w) for run in runs if len(run) > (2 if run[0] == "" else 0)]


# Marks that close a quotation, straight and curly.
_CLOSING_MARKS = "\"'\u201d\u2019\u00bb"


def with_final_stop(text: str, paragraph: str, span: tuple[int, int] | None) -> str:
    """A direct quote's ``text`` with the stop the speaker's sentence ends on, when the paragraph
    has it inside the closing mark right after the quote (``...civilians.\u201d``) and ``text``
    left it out: the words end a sentence, so the rendered quote does too (issue 22)."""
    if span is None or not text or text[-1] in ".!?\u2026":
        return text
    after = paragraph[span[1] : span[1] + 2]
    if len(after) == 2 and after[0] in ".!?\u2026" and after[1] in _CLOSING_MARKS:
        return text + after[0]
    return text
