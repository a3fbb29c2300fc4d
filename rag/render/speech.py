"""Statements, refusals and ingest reports as plain English sentences, words as the source has them.

"Pushilin declared that the Russian Armed Forces are actively expanding ...", "According to The
New York Times, the city's loss has significantly weakened ...", "Okafor accused the council of
ignoring the warnings ...". A cue is changed only where the source has a participle
("declaring" -> "declared"), never swapped for "said"; "that" is added only after a verb that
takes a clause, so never "told that", "that that" or a dangling "that".
"""

from __future__ import annotations

import re

from rag.schema import IngestReport, NearestArticle, QuoteKind, Refusal, RefusalReason, Statement

# Reporting verbs whose object may be a "that" clause, by every form a cue uses (base, -s, past).
# "told", "accused", "urged", "called" are missing on purpose: their object is a person or a
# noun phrase ("told reporters ...", "accused the council of ..."), so they keep their own shape.
_CLAUSE_VERBS = frozenset(
    ["say", "says", "said", "declare", "declares", "declared", "warn", "warns", "warned", "note", "notes", "noted", "add", "adds", "added", "claim", "claims", "claimed", "argue", "argues", "argued", "insist", "insists", "insisted", "report", "reports", "reported", "state", "states", "stated", "suggest", "suggests", "suggested", "believe", "believes", "believed", "deny", "denies", "denied", "admit", "admits", "admitted", "concede", "concedes", "conceded", "predict", "predicts", "predicted", "announce", "announces", "announced", "confirm", "confirms", "confirmed", "explain", "explains", "explained", "stress", "stresses", "stressed", "emphasize", "emphasizes", "emphasized", "emphasise", "emphasises", "emphasised", "acknowledge", "acknowledges", "acknowledged", "allege", "alleges", "alleged", "assert", "asserts", "asserted", "contend", "contends", "contended", "maintain", "maintains", "maintained", "observe", "observes", "observed", "reveal", "reveals", "revealed", "indicate", "indicates", "indicated", "write", "writes", "wrote", "show", "shows", "showed", "think", "thinks", "thought", "estimate", "estimates", "estimated", "agree", "agrees", "agreed", "complain", "complains", "complained", "fear", "fears", "feared", "hope", "hopes", "hoped", "vow", "vows", "vowed", "promise", "promises", "promised", "testify", "testifies", "testified", "recall", "recalls", "recalled", "repeat", "repeats", "repeated", "joke", "jokes", "joked", "highlight", "highlights", "highlighted", "underscore", "underscores", "underscored", "caution", "cautions", "cautioned", "point", "pointed", "mention", "mentions", "mentioned", "answer", "answers", "answered", "reply", "replies", "replied", "respond", "responds", "responded", "conclude", "concludes", "concluded", "find", "finds", "found"]
)
# Participles whose past tense is not simply the participle's stem + "ed" ("declaring" ->
# "declar" + "ed"; "planning" -> "plann" + "ed"; "denying" -> "deni" + "ed").
_IRREGULAR_PAST = {"saying": "said", "telling": "told", "writing": "wrote", "thinking": "thought",
                   "finding": "found", "making": "made", "giving": "gave", "speaking": "spoke",
                   "taking": "took", "putting": "put", "leaving": "left", "meaning": "meant",
                   "hearing": "heard", "holding": "held", "keeping": "kept", "seeing": "saw"}
# Words that start a clause in lower case once a cue comes before them ("said that the city").
_FUNCTION_WORDS = frozenset(
    ["the", "a", "an", "this", "that", "these", "those", "it", "its", "there", "their", "his", "her", "our", "we", "they", "he", "she", "some", "many", "most", "all", "any", "no", "in", "on", "at", "for", "if", "when", "while", "despite", "although", "however", "as", "after", "before", "because", "since", "with", "without", "one", "two", "three", "several", "both", "each", "every", "such", "other", "another", "more", "less", "few", "only", "even", "now", "then", "what", "why", "how", "whether", "not", "never"]
)
# Verbs that take a clause only with their particle ("shot back that ...").
_PHRASAL = frozenset(["shot", "fired", "hit", "wrote", "went"])
_PARTICLES = frozenset(["out", "back", "again", "later", "also"])
# Cues naming what something is ("called", "described as"): the quoted words are their object.
_NAMING = frozenset(["called", "calls", "call", "dubbed", "labelled", "labeled", "branded", "described", "describes", "termed"])
_PRONOUNS = frozenset(["he", "she", "they", "it", "him", "her", "them", "his", "its", "their", "i", "we", "you"])
_ENDS_SENTENCE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")


def finite(cue: str) -> str:
    """A cue as a finite verb: only a leading participle changes ("declaring" -> "declared")."""
    first, _, rest = cue.partition(" ")
    low = first.lower()
    if not low.endswith("ing") or len(low) <= 5 or low in ("according", "during"):
        return cue
    stem = low[:-3]
    if stem[-1:] == "y" and stem[-2:-1] not in "aeiou":
        stem = stem[:-1] + "i"
    past = _IRREGULAR_PAST.get(low, stem + "ed")
    return past + (f" {rest}" if rest else "")


def subject(speaker: str, as_written: str) -> str:
    """Who a statement's sentence starts with: the words the article used, unless a pronoun.

    "he" becomes the resolved speaker's surname ("Denis Pushilin" -> "Pushilin"); a description
    as written ("one anonymous Western intelligence official") starts with a capital.
    """
    words = as_written.split()
    if not words or words[0].lower() in _PRONOUNS and len(words) == 1:
        names = speaker.split()
        capitalised = len(names) >= 2 and all(w[:1].isupper() for w in names)
        as_written = names[-1] if capitalised else speaker
    return as_written[:1].upper() + as_written[1:]


def mid_sentence(speaker: str) -> str:
    """``speaker`` where a sentence already started ("Everything {speaker} said", "What did
    {speaker} say?"): a description is lowered ("Local officials" -> "local officials", "The
    mayor" -> "the mayor"), a name kept ("Jonas Hallberg", "DPR officials", "the Kessmouth Port
    Authority" with only its article lowered).

    A speaker is a description when a later word is lower-case: names are capitalised throughout,
    and the renderer has no parse to ask. One word alone ("Pushilin") is taken for a name.
    """
    words = speaker.split(" ")
    first = words[0]
    if len(words) < 2 or not first[:1].isupper() or (first.isupper() and len(first) > 1):
        return speaker
    described = any(w[:1].islower() for w in words[1:])
    if described or first in ("The", "A", "An"):
        return first[:1].lower() + speaker[1:]
    return speaker


def _continued(content: str) -> str:
    """``content`` as the rest of a sentence: "The sale ..." -> "the sale ...", names untouched.

    The renderer has no parse, so only function words (``_FUNCTION_WORDS``) are lowered: any
    other capitalised word may be a name the statement never repeats ("Okafor will rebuild ...").
    Callers put such content in the source's order instead ("Priority will be given ..., Hallberg
    said"), so no capital ever follows "that".
    """
    first, _, _rest = content.partition(" ")
    if not first[:1].isupper() or (first.isupper() and len(first) > 1):
        return content
    return content[:1].lower() + content[1:] if first.lower() in _FUNCTION_WORDS else content


# "warned PC users to update their systems", "told government departments to put plans in place":
# whom a request is made of, then what they are to do. No "that" before them: "warned that PC users
# to update" is no sentence.
_REQUEST = re.compile(r"^(?:[\w'’.-]+ ){1,3}(?:not )?to [a-z]")


def _takes_clause(cue: str) -> bool:
    """Whether "that" may follow ``cue``: a clause-taking verb alone, with a particle ("pointed
    out", "shot back"), or "told" with whom it told ("told reporters")."""
    words = cue.lower().split()
    if len(words) == 1:
        return words[0] in _CLAUSE_VERBS
    if words[0] in ("told", "tells", "tell"):
        return True
    return len(words) == 2 and (words[0] in _CLAUSE_VERBS or words[0] in _PHRASAL) and words[1] in _PARTICLES


def _stop(sentence: str) -> str:
    return sentence if _ENDS_SENTENCE.search(sentence) else sentence + "."


def _quoted(lead: str, text: str) -> str:
    """``lead`` then ``text`` in quote marks, ending the sentence: the speaker's own stop inside
    the marks where the words have one (``rag.text.with_final_stop`` keeps it from the
    paragraph), else a full stop after them (the article cut the quote at a comma before "she
    said": the stop is ours, so it stays outside the speaker's words)."""
    return f"{lead}\u201c{text}\u201d" + ("" if _ENDS_SENTENCE.search(text) else ".")


def statement_sentence(speaker: str, s: Statement) -> str:
    """One statement as an English sentence (plain text, no citation markers); a second-hand
    one says who relayed it ("..., as reported by The New York Times")."""
    sentence = _said(speaker, s)
    if not s.reported_by:
        return sentence
    return f"{sentence.rstrip('.')} (as reported by {s.reported_by})."


def _said(speaker: str, s: Statement) -> str:
    who = subject(speaker, s.speaker_as_written or speaker)
    cue = finite(" ".join(s.cue.split()) or "said")
    text = " ".join(s.text.split())
    if cue.lower().startswith("according"):
        source = s.speaker_as_written or speaker
        if s.kind is QuoteKind.DIRECT:
            return _quoted(f"According to {source}: ", text)
        if text[:1].isupper() and _continued(text) == text:
            # "Nine of its 14 posts are vacant, according to the board": as the source has it.
            return f"{text.rstrip('.')}, according to {source}."
        return _stop(f"According to {source}, {_continued(text)}")
    if s.kind is QuoteKind.DIRECT:
        naming = cue.split()[0].lower() in _NAMING
        return _quoted(f"{who} {cue}{' ' if naming else ': '}", text)
    # Function words only: a capitalised word may be a name the statement never repeats ("Okafor
    # will rebuild ..."); lowering one would misname someone, so other capitals keep the source's
    # order below ("Priority will be given ..., Hallberg said"), never "said that Priority".
    content = _continued(text)
    if s.content_form == "object":  # "Pushilin emphasized the humanitarian challenges", never "that the"
        return _stop(f"{who} {cue} {content}")
    joined = content.lower().startswith(("that ", "whether ", "if ", "to ", "how ", "why ", "what ", "who "))
    if _takes_clause(cue) and not joined and content[:1].isupper() and not content.split(" ", 1)[0].isupper():
        # "Affected employees would receive ..., the email said": the source's own order, never
        # "said that Affected employees" (a capital we cannot lower: it may be a name).
        after = who[:1].lower() + who[1:] if who.split(" ", 1)[0] in ("The", "A", "An") else who
        return f"{content.rstrip('.')}, {after} {cue}."
    link = " that " if _takes_clause(cue) and not joined and not _REQUEST.match(content) else " "
    return _stop(f"{who} {cue}{link}{content}")


def article_label(a: NearestArticle) -> str:
    """"Headline (Source, 2026-11-20)", leaving out what is unknown."""
    known = ", ".join(x for x in (a.source, a.date) if x)
    return f"{a.title} ({known})" if known else a.title


def _listed(words: tuple[str, ...], quoted: bool = False) -> str:
    shown = [f"\u201c{w}\u201d" if quoted else w for w in words]
    return ", ".join(shown)


def refusal_message(r: Refusal, speaker: str = "") -> str:
    """Why the corpus cannot answer, in one or two plain sentences."""
    reason = r.reason
    n = r.hidden_by_filters
    if n and r.subject and reason in (RefusalReason.NOT_MENTIONED, RefusalReason.WEAK_MATCHES, RefusalReason.NO_MATCH):
        # The subject is in the corpus, only not where the filters look: that is the case to name.
        return (f"{n} article{'s' if n != 1 else ''} mention{'' if n != 1 else 's'} {r.subject} but "
                f"{'are' if n != 1 else 'is'} outside your source or date filters; none inside them does.")
    if reason is RefusalReason.NOT_MENTIONED:
        # The subject as the user wrote it ("the 2022 World Cup", ``rag.refusal.as_written``),
        # else the names no article holds.
        message = f"No article in the corpus mentions {r.subject or _listed(r.missing_terms)}."
    elif reason is RefusalReason.NOBODY_QUOTED:
        message = f"Articles mention {r.subject}, but nobody in them is quoted about it."
    elif reason is RefusalReason.WEAK_MATCHES and r.missing_terms:
        message = f"Only weak matches: the closest paragraphs never mention {_listed(r.missing_terms, True)}."
    elif reason is RefusalReason.WEAK_MATCHES and r.subject:
        message = f"Only weak matches for {r.subject}; no article is clearly about it."
    elif reason is RefusalReason.WEAK_MATCHES:
        message = "Only weak matches: no paragraph in the corpus clearly answers this."
    elif reason is RefusalReason.NO_MATCH:
        message = "The corpus has no paragraph that matches the question."
    elif reason is RefusalReason.UNKNOWN_SPEAKER:
        message = f"Nobody called {r.subject} is quoted in the corpus."
    elif reason is RefusalReason.NOTHING_MORE:
        message = f"The corpus has nothing more from {r.subject or speaker or 'them'}."
    elif reason is RefusalReason.NOTHING_RECENT:
        newest = max((a.date for a in r.nearest if a.date), default="")
        message = (f"No recent article answers this: the question asks about the present"
                   f"{f' (as of {r.as_of})' if r.as_of else ''}, and the closest matches are older"
                   f"{f' (newest {newest})' if newest else ''}.")
    elif reason is RefusalReason.NO_EARLIER_ANSWER:
        message = "There is no earlier answer to date; ask about a subject first."
    else:
        message = "No quotes in the corpus match the question."
    if n:
        message += f" {n} article{'s' if n != 1 else ''} outside your source or date filters would match."
    return message


def ingest_summary(report: IngestReport) -> str:
    """One line on what an ingest did, as the CLI and the chat's uploader both print it."""
    r = report
    summary = (
        f"{r.files_seen} files seen: articles {r.articles_added} added, {r.articles_updated} updated, "
        f"{r.articles_unchanged} unchanged; paragraphs {r.paragraphs_added} added, {r.paragraphs_updated} "
        f"updated, {r.paragraphs_unchanged} unchanged"
    )
    if r.paragraphs_removed:
        summary += f", {r.paragraphs_removed} removed"
    if r.articles_requoted:
        summary += f"; quotes re-read by a newer extractor in {r.articles_requoted} stored articles"
    return summary


def failures_heading(report: IngestReport) -> str:
    """What failed, as the CLI and the chat's uploader head the list: "1 file and 2 entries".

    Whole files and single entries of a file of many are counted apart, since a file with a bad
    entry still put its other articles in the store.
    """
    files = sum(1 for failure in report.failed if failure.whole_file)
    entries = len(report.failed) - files
    parts = [f"{files} file" + ("s" if files != 1 else "")] if files else []
    if entries:
        parts.append(f"{entries} " + ("entry" if entries == 1 else "entries"))
    return " and ".join(parts)
