"""Who said what: direct and reported quotes in an article, with each speaker resolved.

Rules, not a model: this runs at ingest over thousands of articles, and edited news copy
attributes speech with a small set of patterns ("..., said X", "X said that ...", "according
to X, ..."). A rule that does not fire loses a quote; a rule that fires wrongly puts words in
someone's mouth, so every rule below errs on the side of returning nothing.

How an article is read:

1. ``_find_quote_spans`` pairs quote marks across the whole article. Apostrophes ("Ukraine's",
   "don't", "the Armed Forces' withdrawal") are not quote marks, and a quote left open at the
   end of a paragraph continues into the next one, as news copy does.
2. ``_units`` cuts the article into sentences with ``rag.text.split_sentences``, never inside a
   quote, so a sentence may span two paragraphs when its quote does.
3. ``_find_anchors`` looks for attributions in the words outside the quotes: "X said",
   "said X", "according to X", ", adding that ...". Quotes are single tokens there, so the
   rules see "<Q> said one anonymous official". A participle after a comma (", saying ...")
   belongs to the speaker before it in the sentence, or else to the subject opening the
   sentence when a finite-looking verb follows that subject ("Fiorina criticized Trump,
   saying ..."; ``_main_subject``).
4. ``_read_unit`` gives each anchor the quotes beside it (direct) or the clause it introduces
   (indirect). A clause without "that" must look like one: a finite verb from a list anywhere
   (``_is_clause``) or, after "say", "tell", "think" and the like, a subject followed at once by
   a finite-looking verb ("it's", "reflects", "misunderstand" after a plural;
   ``_looks_like_clause``). A quote standing alone continues the last speaker; a quote inside
   a clause is a scare quote or a title and is kept only as part of a reported clause.
5. ``_SpeakerBook`` resolves "Pushilin", "he", "the publication" to someone named earlier.
6. Second-hand attribution (``_frame``, ``_frame_after``): ``Quote.reported_by`` names the
   publication that relayed a quote, as its speaker would be resolved ("The New York Times").
   "According to (a report by) <publication>" relays every other quote in its sentence ("Sanders
   said ..., according to CNN"); a sentence in which a publication reports something relays the
   quotation of an unnamed person ("one anonymous official", not "Mayor Okafor", not "..., according
   to an executive") in the next sentence of the paragraph; a quote that continues one keeps its
   ``reported_by``. Never the speaker itself. Left empty for the article's own reporting, for
   "The Times reported ... and Smith said ..." and for "told The Times" (the article may be the
   Times).

Speaker normalisation (``Quote.speaker``), so one speaker reads the same in every quote:

- People: the name as first given in full, without honorifics ("Dr. Elena Petrova" ->
  "Elena Petrova") or office titles ("Mayor Lena Okafor" -> "Lena Okafor", the title becomes
  the role when no appositive gives one). A surname or he/she maps to that name.
- Publications keep a capital "The" when it belongs to the masthead ("the New York Times" ->
  "The New York Times"); other organisations take a lower-case "the" ("The Kremlin said" ->
  "the Kremlin"); names written without an article keep none ("Reuters", "NATO").
- Descriptions: "one"/"a"/"an" become the right indefinite article ("one anonymous Western
  intelligence official" -> "an anonymous Western intelligence official"), "the" is lower-case,
  and a description without an article starts with a capital ("local officials" -> "Local
  officials"). Relative clauses ("..., who requested anonymity") are left out. A definite
  description that matches an earlier speaker or organisation ("the official", "the board",
  "the mayor", "the publication") resolves to it. A poll share speaks as written ("47 percent",
  "75 percent of Democrats", "About four in 10").
- A party tag after a name is dropped ("Sen. Bernie Sanders (I-Vt.)", "Sen. Rand Paul, R-Ky.,"
  -> "Bernie Sanders", "Rand Paul"); "former"/"retired" before a title stays in the role
  ("former President Bill Clinton" -> "Bill Clinton", role "former President").
- Curly apostrophes become straight ones ("the governor’s office" -> "the governor's office"), so
  a speaker reads the same whatever the publication's typography. ``speaker_as_written`` is
  left exactly as printed.

- Two speakers joined by "and" speak as one ("Halloran and Quist said", "Sanders and Clinton both
  said", "according to Smith and Jones"): each is normalised as a single speaker would be and the
  two are joined with " and " ("Sen. Bernie Sanders and Hillary Clinton" -> "Bernie Sanders and
  Hillary Clinton"; "Sanders and his aides" -> "Bernie Sanders and Bernie Sanders's aides"); a later
  "they" is the pair. Not a list ("Cruz, Rubio and Kasich said"), nor a bare singular, which is a
  second role of one person ("the Vermont senator and Democratic presidential candidate").

Known limitations: a list of three or more speakers yields no quote; "voters who said ..."
without a comma before "who" is not an attribution (PolNeAR annotates only about a third of
them, most of them poll shares); a pronoun
goes to the most recent person quoted or opening a sentence, using gender only when a title,
a noun ("spokeswoman") or an earlier pronoun gave it; reported speech without a reporting verb
("Zelensky was defiant") is not found; a document as speaker ("..., the email said") is not
resolved to whoever sent it; "the city's electoral office" stays as written.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice

from rag.schema import Quote, QuoteKind
from rag.text import ABBREVIATIONS, fold, split_sentences

# Bump whenever what ``extract_quotes`` returns changes: a store whose quotes came from another
# version has every article's quotes re-extracted at the next ingest (``ingest.pipeline``).
# 2: the cue keeps whom it was told ("told reporters") and "described as".
# 3: reported speech carrying a quotation is "mixed"; '' and `` read as double quote marks.
# 4: ", saying ..." after a clause is the main clause's subject speaking ("Fiorina criticized
#    Trump, saying ..."; also "adding", "arguing", "calling him '...'"), never an inverted
#    "..., arguing the senator"; "said" takes a bare clause that looks like one (a subject, then
#    a finite-looking verb: "said it's a great day", "said people misunderstand Trump").
# 5: more speaker phrases: party tags ("Sen. Bernie Sanders (I-Vt.)", ", R-Ky.,"), "former
#    President Bill Clinton", role nouns of politics ("front-runner", "nominee", "delegate"), noun
#    modifiers ("law enforcement officials", "the State Department"), poll shares ("47 percent",
#    "75 percent of Democrats", "about four in 10"); "state" and other verb forms after "the" or
#    "his" are nouns, never reporting verbs.
# 6: conjoined speakers ("Smith and Jones said", "Sanders and Clinton both said", "said Smith and
#    Jones", "according to Smith and Jones") yield one quote whose speaker is the pair, each name
#    normalised as for one speaker and joined with " and ".
# 7: second-hand attribution: a quote whose speaker is not a publication gets ``reported_by`` (the
#    publication's resolved name) when "according to (a report by) <publication>" frames its
#    sentence ("Sanders said ..., according to CNN"), or when it is an unnamed person's quotation
#    in the sentence right after one where a publication reports something ("The publication
#    highlights that .... '...,' said one official"); a continued quote keeps it. Which quotes are
#    found, and their speakers, are unchanged.
# 8: more "say" shapes: a comma inside the closing mark ends a mixed clause before a trailing
#    attribution ('The media are "framing this campaign," Gilmore said.'); "X said, between commas"
#    reports the clause around it when only a sentence adverb precedes ("Still, he said, ..."), when
#    the halves make one clause ("It was, he said, one of ..."), after a leading subordinate clause
#    ("And if ..., he said, he would ...") and before "because"; a bare weekday after the verb is
#    skipped ("said Tuesday that ..."); a "that" clause may be one quotation (mixed); a reported
#    clause ends at the comma closing its subordinate clause ("While Ramos said that ..., he ...")
#    and before ", compared with/to"; "those surveyed" (polled, questioned, interviewed) is a speaker.
# 9: each quote records where its words lie in its first paragraph (``Quote.span``).
EXTRACTOR_VERSION = "9"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- lexicon -----------------------------------------------------------------------------------

_IRREGULAR_VERBS: dict[str, tuple[str, ...]] = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "writing", "written"),
    "think": ("think", "thinks", "thought", "thinking"),
    "shoot": ("shoots", "shot", "shooting"),
    "hit": ("hits", "hit", "hitting"),
    "agree": ("agree", "agrees", "agreed", "agreeing"),
}
_DOUBLED_FINAL = _words("admit quip snap regret")
# Verbs that introduce a "that" clause or a quote. "underscore" and the like are left out:
# in news copy they are far more often passive ("is underscored by") than reporting verbs.
_THAT_LEMMAS = _words(
    "say tell note highlight declare suggest report warn claim state add argue insist believe explain "
    "stress emphasize emphasise announce confirm deny acknowledge admit assert maintain contend predict "
    "estimate observe remark allege indicate reveal recall caution concede conclude comment reiterate "
    "mention complain vow pledge promise threaten reply respond answer write tweet post agree counter "
    "think point shoot hit fire testify assure boast lament repeat retort affirm charge proclaim reckon"
)
# Verbs that only introduce direct speech ("'Why?' she asked").
_DIRECT_LEMMAS = _words(
    "ask exclaim shout whisper continue joke chant cry yell sigh quip scoff snap muse laugh plead wonder"
)
# Verbs whose reported clause may drop "that" ("Varga said the hospital would keep ...").
_BARE_CLAUSE_LEMMAS = _words(
    "say tell add believe think warn claim insist argue report predict admit concede acknowledge "
    "complain write note suggest estimate confirm reckon"
)
# Verbs that may come before their speaker ("'...,' said one anonymous official").
_INVERTIBLE_LEMMAS = _words(
    "say add ask write explain reply continue note warn insist recall exclaim shout declare argue "
    "comment observe remark answer admit conclude agree joke quip retort concede sigh counter predict "
    "chant cry whisper laugh muse snap scoff plead wonder"
)
# "She called the vote 'a tax on getting to work'": the quoted words are the speaker's own.
_NAMING_LEMMAS = _words("call describe characterize characterise dub label brand term")
# Phrasal reporting verbs count only with their particle: "pointed out that", "shot back that".
_PARTICLES = {"point": "out", "shoot": "back", "hit": "back", "fire": "back"}


def _verb_forms(lemma: str) -> tuple[str, ...]:
    if lemma in _IRREGULAR_VERBS:
        return _IRREGULAR_VERBS[lemma]
    if lemma.endswith("e"):
        return lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"
    if lemma in _DOUBLED_FINAL:
        return lemma, lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"
    third = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s")
    return lemma, third, lemma + "ed", lemma + "ing"


_VERB_LEMMA: dict[str, str] = {
    form: lemma
    for lemma in sorted(_THAT_LEMMAS | _DIRECT_LEMMAS | _NAMING_LEMMAS | _INVERTIBLE_LEMMAS)
    for form in _verb_forms(lemma)
}
_VERB_LEMMA.update({"labelled": "label", "labelling": "label"})

_PERSON_HEADS = _words(
    "official spokesperson spokesman spokeswoman analyst expert resident witness eyewitness observer source "
    "diplomat commander soldier serviceman minister president leader lawmaker legislator politician head "
    "chief director adviser advisor aide researcher scientist economist historian professor doctor "
    "activist volunteer villager local citizen man woman mother father farmer worker officer general "
    "governor mayor representative member critic supporter opponent negotiator investigator prosecutor "
    "journalist reporter correspondent editor author survivor refugee evacuee student teacher nurse medic "
    "paramedic engineer pilot fighter veteran blogger commentator specialist strategist insider executive "
    "chairman chairwoman chair secretary ambassador envoy deputy colleague neighbor neighbour owner "
    "shopkeeper driver person senator colonel lieutenant sergeant captain admiral commissioner inspector "
    "lawyer attorney judge assessor meteorologist hydrologist forecaster planner pollster councillor "
    "councilor councilmember alderman organiser organizer campaigner protester demonstrator employee "
    "manager consultant trader investor banker bishop priest physician surgeon midwife firefighter rescuer "
    "dockworker striker candidate voter parent pensioner passenger commuter rider customer partisan "
    "militant separatist rebel hostage detainee victim relative official academic scholar lecturer "
    "columnist writer coach player agent detective guard warden host presenter operator economist "
    "administrator superintendent sheriff clerk auditor actuary nominee hopeful front-runner frontrunner "
    "neurosurgeon delegate superdelegate entrepreneur donor freeholder counsel magnate businessman "
    "businesswoman mogul tycoon legend actor actress comedian novelist confidant ally friend founder "
    "co-founder anchor co-anchor incumbent contender challenger operative moderator lobbyist advocate "
    "proponent backer pastor rabbi imam billionaire congressman congresswoman democrat republican respondent "
    "conservative liberal progressive"
)
_INSTITUTION_HEADS = _words(
    "ministry government kremlin pentagon military army navy police authority administration office agency "
    "committee council commission department parliament embassy command staff service headquarters court "
    "company firm group organization organisation union alliance bloc party regime cabinet presidency "
    "mission watchdog bank institute center centre foundation coalition board association guild federation "
    "utility hospital university city municipality county province charity body panel tribunal bureau "
    "directorate secretariat duma rada senate congress assembly brigade battalion regiment movement church "
    "airline carrier manufacturer retailer insurer lender regulator developer landlord supplier crew team "
    "crowd campaign network"
)
_PUBLICATION_HEADS = _words(
    "publication newspaper paper outlet daily magazine broadcaster channel website tabloid weekly journal"
)
_SPEAKER_HEADS = _PERSON_HEADS | _INSTITUTION_HEADS | _PUBLICATION_HEADS
_PLURAL_HEADS = {
    "people": "person",
    "police": "police",
    "staff": "staff",
    "troops": "troop",
    "personnel": "personnel",
    "authorities": "authority",
    "media": "media",
}

_DETERMINERS = _words(
    "the a an one this that these those some several many most other another both all each few two three "
    "four five six seven eight nine ten dozens hundreds thousands his her its their our"
)
_POSSESSIVE_PRONOUNS = _words("his her its their")
_PRONOUNS = {"he": "m", "she": "f", "they": "", "it": "", "one": "", "another": ""}
_MODIFIERS = _words(
    "anonymous unnamed senior junior top high-ranking local regional national federal state provincial "
    "municipal city town village district military intelligence defense defence security foreign "
    "government ministry police health emergency western eastern northern southern former current "
    "retired independent other civilian humanitarian army border press deputy chief prime finance economic "
    "political diplomatic elderly young old displaced own many some several few two three four five six "
    "seven eight nine ten dozen board union company hospital water transit tram bus crane documentation "
    "insurance industry energy oil gas market business legal medical aid relief rescue fire human rights "
    "peace opposition ruling party campaign election news media television radio crisis war frontline "
    "front-line veteran communications public private council port utility council shop second third fourth"
)
_ADJECTIVE_ENDINGS = ("al", "ic", "ary", "ian", "ean", "ese", "ish", "ive", "ous", "ern", "ful", "ed", "ing")
_FUNCTION_WORDS = _words(
    "the a an and but or nor so yet for of in on at to from by with without as after before during since "
    "until while when where if though although because however meanwhile moreover still also earlier "
    "later then now this that these those it its there here he she they we i you his her their our my "
    "your asked speaking according last next both such even instead indeed nevertheless separately "
    "similarly overall today yesterday tonight under over despite amid among into through across against "
    "about above below between not no all some many what who which why how once only just"
)
_TIME_WORDS = _words(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december week weekend month year day night morning afternoon "
    "evening today yesterday tonight earlier later recently previously"
)
# Words after which a new subject can start: "..., with Denis Pushilin ... declaring that".
_BOUNDARY_WORDS = (
    _words(
        "with as and but or nor while when whereas because since though although after before that where so "
        "yet then meanwhile however still now also even if once until unless which what"
    )
    | _TIME_WORDS
)
_AUXILIARIES = _words("has have had will would could may might should must can did does do shall 've 'd")
_PRE_VERB_ADVERBS = _words(
    "also later earlier then now previously recently repeatedly reportedly publicly privately once still "
    "further again already separately similarly however initially subsequently first finally long"
)
_BLOCKERS = _words("not n't never was were is are be been being to am cannot")
_GAP_STARTERS = _words(
    "in on at during after before via through to with from late early earlier later last this yesterday "
    "today tonight recently previously publicly privately repeatedly also again however separately for "
    "over since when afterwards"
)
_FINITE_MARKERS = _words(
    "is are was were be been has have had will would can could may might must should shall does did do "
    "remain remains remained continue continues need needs want wants plan plans intend intends seem seems "
    "appear appears face faces hold holds control controls make makes take takes give gives know knows "
    "understood knew thought felt saw found made took gave came went got kept left lost met paid put ran "
    "sent spent stood told won wrote began brought built bought caught chose drew drove fell fought grew "
    "held heard led meant rose sold struck taught threw became broke cost cut let set spread sought "
    "expects expect believes believe supports support opposes oppose understands understand lacks lack "
    "exists exist costs goes go comes come lies stands"
)
_DOCUMENT_NOUNS = _words(
    "report reports statement statements analysis article investigation study survey assessment story piece "
    "interview post briefing update estimate estimates data figures poll review tally count bulletin release "
    "memo document message filing audit findings records account accounts reporting"
)
_GENDER_BY_HEAD = {
    **dict.fromkeys(
        _words("spokesman man father son brother husband boy chairman councilman serviceman"), "m"
    ),
    **dict.fromkeys(
        _words("spokeswoman woman mother daughter sister wife girl chairwoman councilwoman"), "f"
    ),
}
_DOCUMENT_MODIFIERS = _words(
    "recent latest new leaked internal confidential classified separate annual official own published "
    "preliminary"
)
_HONORIFICS = _words("dr dr. mr mr. mrs mrs. ms ms. miss mx mx. prof prof. sir dame")
_GENDER_BY_HONORIFIC = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "dame": "f"}
_OFFICE_TITLES = _words(
    "president vice prime minister secretary senator sen. rep. representative gov. governor mayor deputy "
    "general gen. lt. lieutenant col. colonel maj. major capt. captain sgt. sergeant adm. admiral commander "
    "cmdr. chancellor chief judge justice ambassador amb. pope king queen prince princess sheikh speaker "
    "chairman chairwoman chair director ceo councilmember councilman councilwoman councillor councilor "
    "alderman commissioner sheriff inspector superintendent supt. det. detective marshal professor bishop "
    "archbishop rabbi imam rev. reverend premier spokesman spokeswoman spokesperson head leader emir "
    "president-elect coach"
)
_TITLE_EXPANSIONS = {
    "gen.": "General",
    "lt.": "Lieutenant",
    "col.": "Colonel",
    "maj.": "Major",
    "capt.": "Captain",
    "sgt.": "Sergeant",
    "adm.": "Admiral",
    "cmdr.": "Commander",
    "gov.": "Governor",
    "sen.": "Senator",
    "rep.": "Representative",
    "amb.": "Ambassador",
    "supt.": "Superintendent",
    "det.": "Detective",
    "rev.": "Reverend",
    "pres.": "President",
}
_NAME_PARTICLES = _words("de van von der den da di du la le bin ibn al el del dos das ter ten")
_ORG_WORDS = _words(
    "ministry department council committee commission agency institute university office forces army navy "
    "guard police service services staff command headquarters republic federation union party parliament "
    "congress senate assembly government administration court bank fund group company corporation corp "
    "inc ltd organization organisation foundation center centre alliance coalition kremlin pentagon house "
    "nations states kingdom nato un eu front brigade battalion regiment watch international network board "
    "authority bureau cabinet duma rada secretariat association guild shipping systems airlines energy "
    "holdings industries motors technologies partners capital media transit hospital school college "
    "movement church corps railway railways utilities club league"
)
_PUBLICATION_WORDS = _words(
    "times post journal news telegraph guardian herald tribune chronicle gazette economist independent "
    "observer mirror express daily magazine review monitor atlantic politico axios reuters bloomberg bbc "
    "cnn ap afp tass interfax ria novosti ukrinform kommersant izvestia vedomosti meduza spiegel monde "
    "jazeera npr nbc cbs abc sky wire press courier ledger standard globe pravda post-dispatch"
)
# Mastheads that carry "The": "the New York Times" is normalised to "The New York Times".
_MASTHEAD_WORDS = _words(
    "times post journal telegraph guardian independent economist observer herald tribune chronicle gazette "
    "atlantic globe mirror sun hill spectator courier ledger standard"
)
_PLACES = _words(
    "moscow kyiv kiev washington beijing london paris berlin brussels tehran jerusalem ankara minsk warsaw "
    "tokyo seoul pyongyang ukraine russia china israel iran turkey belarus poland germany france britain "
    "america europe"
)
_QUOTE_FAMILY = {
    "'": "single",
    "‘": "single",
    "’": "single",
    "‚": "single",
    '"': "double",
    "“": "double",
    "”": "double",
    "„": "double",
    "«": "angle",
    "»": "angle",
}
_MARK = re.compile("[" + "".join(_QUOTE_FAMILY) + "]")
_MARK_OR_BREAK = re.compile("[\n" + "".join(_QUOTE_FAMILY) + "]")
_OPEN_ONLY = "‘“„‚«"
_CLOSE_ONLY = "”»"
_ELISIONS = ("em", "tis", "twas", "cause", "til")
# A quote may run on for a few paragraphs in news copy; longer runs are unpaired marks.
_MAX_QUOTE_PARAGRAPHS = 4
# Longer than any speaker phrase in the demo corpus ("a senior official in the governor's office"
# is 7 words); keeps the longest-match search after "said" short.
_MAX_SPEAKER_WORDS = 12
# Asides between commas ("who has worked as a midwife at Kharniv District Hospital for 19 years")
# are well under this; a longer run without punctuation is not an aside, and a bound keeps a
# run-on sentence from costing quadratic time.
_MAX_CHUNK_WORDS = 40
_HARD_PUNCT = frozenset(",;:.!?—–()[]")
_EDGE_PUNCT = frozenset(",;:.—–-'’\"")  # trimmed from the ends of a reported clause

# --- quote marks -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Span:
    """A quotation in the article text: ``start`` is its opening mark, ``end`` is after its closing one."""

    start: int
    end: int
    text: str  # the words inside, paragraphs joined with a space


def _can_open(text: str, i: int) -> bool:
    ch = text[i]
    if ch in _CLOSE_ONLY or i + 1 >= len(text) or text[i + 1].isspace():
        return False
    if ch in _OPEN_ONLY:
        return True
    prev = text[i - 1] if i else " "
    if not (prev.isspace() or prev in "([{—–-/" or prev in _QUOTE_FAMILY):
        return False  # "don't", "Ukraine's": an apostrophe inside a word
    if _QUOTE_FAMILY[ch] == "single":
        rest = text[i + 1 : i + 6].lower()
        if rest[:2].isdigit() or any(
            rest.startswith(e) and not rest[len(e) : len(e) + 1].isalpha() for e in _ELISIONS
        ):
            return False  # "the '90s", "'em"
    return True


def _can_close(text: str, i: int) -> bool:
    ch = text[i]
    if ch in _OPEN_ONLY or i == 0 or text[i - 1].isspace():
        return False
    if ch in _CLOSE_ONLY:
        return True
    nxt = text[i + 1] if i + 1 < len(text) else "\n"
    return nxt.isspace() or nxt in ",.;:!?)]}—–-…" or nxt in _QUOTE_FAMILY


def _next_mark(text: str, i: int, family: str) -> int:
    """Index of the next mark of ``family`` in this paragraph, or -1."""
    for m in _MARK_OR_BREAK.finditer(text, i):
        j = m.start()
        if text[j] == "\n":
            return -1
        if _QUOTE_FAMILY[text[j]] == family and (_can_open(text, j) or _can_close(text, j)):
            return j
    return -1


def _is_plural_possessive(text: str, i: int, family: str) -> bool:
    """A plural possessive ("the soldiers' families") inside a quote, when a later mark closes the quote."""
    if family != "single" or text[i - 1] not in "sS" or i + 1 >= len(text) or text[i + 1] != " ":
        return False
    later = _next_mark(text, i + 1, family)
    return later >= 0 and _can_close(text, later) and not _can_open(text, later)


def _closes_first(text: str, i: int, family: str) -> bool:
    """Does the paragraph starting at ``i`` close an open quote before it opens a new one?"""
    j = _next_mark(text, i, family)
    return j >= 0 and _can_close(text, j) and not _can_open(text, j)


def _find_close(text: str, open_at: int, family: str) -> tuple[int, list[int], int]:
    """The closing mark for the quote opened at ``open_at`` (-1 if none), marks to drop, and
    where the search stopped.

    At a paragraph end the quote goes on when the next paragraph opens with a mark of the same
    kind (news convention) or closes the quote before opening another one.
    """
    dropped: list[int] = []
    paragraphs = 1
    i = open_at + 1
    while True:
        m = _MARK_OR_BREAK.search(text, i)
        if m is None:
            return -1, dropped, len(text)
        i = m.start()
        ch = text[i]
        if ch == "\n":
            paragraphs += 1
            if paragraphs > _MAX_QUOTE_PARAGRAPHS:
                return -1, dropped, i
            j = i + 1
            if j < len(text) and _QUOTE_FAMILY.get(text[j]) == family and _can_open(text, j):
                dropped.append(j)
                i = j + 1
                continue
            if not _closes_first(text, j, family):
                return -1, dropped, i
            i = j
            continue
        if (
            _QUOTE_FAMILY.get(ch) == family
            and _can_close(text, i)
            and not _is_plural_possessive(text, i, family)
        ):
            return i, dropped, i
        i += 1


def _find_quote_spans(text: str) -> list[_Span]:
    """Pair quote marks in the article text (paragraphs joined with newlines)."""
    spans: list[_Span] = []
    # When a quote opened in a paragraph never closes, no later opening mark of the same kind in
    # that paragraph can close either (it would meet the same marks): skip them, so a paragraph
    # full of stray marks costs linear time, not quadratic.
    unclosable_until: dict[str, int] = {}
    i = 0
    while True:
        m = _MARK.search(text, i)
        if m is None:
            return spans
        i = m.start()
        family = _QUOTE_FAMILY[text[i]]
        if i >= unclosable_until.get(family, -1) and _can_open(text, i):
            close, dropped, stopped = _find_close(text, i, family)
            if close >= 0:
                inner = "".join(c for j, c in enumerate(text[i + 1 : close], start=i + 1) if j not in dropped)
                inner = " ".join(inner.split())
                if inner:
                    spans.append(_Span(i, close + 1, inner))
                    i = close + 1
                    continue
            else:
                paragraph_end = text.find("\n", i)
                paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
                if stopped <= paragraph_end:
                    unclosable_until[family] = paragraph_end
        i += 1


# --- sentence units and tokens -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    low: str
    start: int  # offsets in the article text
    end: int
    quote: int = -1  # index into the article's spans when this token stands for a quotation

    @property
    def is_quote(self) -> bool:
        return self.quote >= 0

    @property
    def is_word(self) -> bool:
        return self.quote < 0 and self.text[:1].isalnum()

    @property
    def is_cap(self) -> bool:
        return self.quote < 0 and self.text[:1].isupper()

    @property
    def is_possessive(self) -> bool:
        return (
            self.quote < 0
            and len(self.low) > 2
            and (self.low[-2:] in ("'s", "’s") or self.low[-2:] in ("s'", "s’"))
        )


_TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # U.S., a.m.
    r"|\d+(?:-[A-Za-z]+)+"  # 67-year-old
    r"|\d+(?:[.,:]\d+)*%?"  # 1,150  9:15  4.7
    r"|\w+(?:[-'’]\w+)*(?:(?<=[sS])['’](?!\w))?"  # words, with "Ukraine's" and "Forces'" kept whole
    r"|[^\w\s]"
)


def _tokenize(text: str, start: int, end: int, out: list[_Token]) -> None:
    for m in _TOKEN.finditer(text, start, end):
        word, s, e = m.group(), m.start(), m.end()
        if (
            out
            and word == "."
            and out[-1].end == s
            and out[-1].is_word
            and (out[-1].low in ABBREVIATIONS or (len(out[-1].text) == 1 and out[-1].is_cap))
            and e < end
            and text[e : e + 1] == " "
            and text[e + 1 : e + 2].isupper()
        ):
            prev = out.pop()  # "Dr." and initials stay one token
            out.append(_Token(prev.text + ".", prev.low + ".", prev.start, e))
            continue
        out.append(_Token(word, word.lower(), s, e))


@dataclass(frozen=True, slots=True)
class _Unit:
    """A sentence whose quotations are whole, as tokens with quotations as single tokens."""

    paragraph: int  # 0-based index of the paragraph it starts in
    first_in_paragraph: bool
    tokens: tuple[_Token, ...]


def _units(text: str, paragraph_starts: list[int], spans: list[_Span]) -> list[_Unit]:
    """Sentences from ``split_sentences``, merged where a quotation crosses a sentence or paragraph end."""
    cuts: set[int] = set()
    for number, start in enumerate(paragraph_starts):
        end = paragraph_starts[number + 1] - 1 if number + 1 < len(paragraph_starts) else len(text)
        paragraph = text[start:end]
        cursor = 0
        for sentence in split_sentences(paragraph):
            at = paragraph.find(sentence, cursor)
            if at >= 0:
                cursor = at + len(sentence)
                cuts.add(start + cursor)
        cuts.add(end)
    span_starts = [s.start for s in spans]
    kept = sorted(c for c in cuts if not _inside_span(c, spans, span_starts))
    units: list[_Unit] = []
    previous = 0
    for cut in kept:
        start, end = previous, cut
        previous = cut
        while start < end and text[start].isspace():
            start += 1
        if start >= end:
            continue
        tokens: list[_Token] = []
        cursor = start
        k = bisect_right(span_starts, start - 1)
        while k < len(spans) and spans[k].start < end:
            _tokenize(text, cursor, spans[k].start, tokens)
            tokens.append(_Token("\ue000", "\ue000", spans[k].start, spans[k].end, k))
            cursor = spans[k].end
            k += 1
        _tokenize(text, cursor, end, tokens)
        if tokens:
            paragraph = bisect_right(paragraph_starts, start) - 1
            first = not units or units[-1].paragraph != paragraph
            units.append(_Unit(paragraph, first, tuple(tokens)))
    return units


def _inside_span(offset: int, spans: list[_Span], starts: list[int]) -> bool:
    k = bisect_right(starts, offset - 1) - 1
    return k >= 0 and spans[k].start < offset < spans[k].end


# --- speaker phrases ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Phrase:
    """A speaker noun phrase found in a sentence, before resolution."""

    start: int  # token indexes
    end: int
    written: str  # as printed: "Dr. Elena Petrova", "he", "The publication"
    kind: str  # "pronoun" | "person" | "org" | "publication" | "description"
    name: str  # normalised, see the module docstring
    head: str = ""  # singular head noun of a description or organisation: "official", "board"
    plural: bool = False
    definite: bool = False
    role: str = ""  # from a title or role noun before a name: "Mayor", "Kremlin spokesman"
    gender: str = ""
    qualifiers: frozenset[str] = frozenset()  # folded premodifiers, to match "the Western official"
    parts: tuple[_Phrase, ...] = ()  # a conjoined speaker ("Smith and Jones", kind "group"): each one


def _head_noun(low: str) -> tuple[str, bool] | None:
    """The singular of a speaker noun and whether it was plural: "officials" -> ("official", True)."""
    if low in _PLURAL_HEADS:
        return _PLURAL_HEADS[low], True
    if low in _SPEAKER_HEADS:
        return low, False
    for suffix, replacement in (("ies", "y"), ("men", "man"), ("es", ""), ("s", "")):
        if low.endswith(suffix) and low[: -len(suffix)] + replacement in _SPEAKER_HEADS:
            return low[: -len(suffix)] + replacement, True
    return None


def _is_name_word(tok: _Token) -> bool:
    if not tok.is_cap or tok.low in _FUNCTION_WORDS or tok.low in _TIME_WORDS or tok.low in _DETERMINERS:
        return False
    return tok.text[:1].isalpha()


def _is_premodifier(tok: _Token) -> bool:
    if tok.is_quote or not tok.is_word or tok.is_possessive:
        return False
    low = tok.low
    if low in _DETERMINERS or low in _FUNCTION_WORDS:
        return False
    if low in _VERB_LEMMA and not (tok.is_cap and _VERB_LEMMA[low] == low):
        return False  # "State" in "the State Department" is a name word, "said" never a modifier
    if tok.is_cap or low.isdigit() or low in _MODIFIERS or _head_noun(low):
        return True
    return "-" in low or (len(low) > 4 and low.endswith(_ADJECTIVE_ENDINGS))


def _is_noun_modifier(tok: _Token) -> bool:
    """A lower-case noun used as a modifier before a speaker noun: "immigration" in "immigration officials"."""
    low = tok.low
    return (
        tok.is_word
        and not tok.is_cap
        and not tok.is_possessive
        and len(low) > 3
        and low.replace("-", "").isalpha()
        and not low.endswith(("ly", "ing"))
        and low not in _FUNCTION_WORDS | _TIME_WORDS | _DETERMINERS | _BOUNDARY_WORDS | _FINITE_MARKERS
        and low not in _AUXILIARIES | _BLOCKERS | _PRE_VERB_ADVERBS | _GAP_STARTERS
        and low not in _VERB_LEMMA
    )


def _joined(tokens: Sequence[_Token], text: str) -> str:
    if not tokens:
        return ""
    return " ".join(text[tokens[0].start : tokens[-1].end].split())


def _indefinite(word: str) -> str:
    """The indefinite article by sound: "an anonymous official", "a Ukrainian official", "an FBI agent"."""
    if len(word) > 1 and word.isupper():
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    low = word.lower()
    if low.startswith(("uni", "use", "usu", "uti", "ukr", "eu", "one", "once", "ura")):
        return "a"
    if low.startswith(("hour", "honest", "honor", "honour", "heir")):
        return "an"
    return "an" if low[:1] in "aeiou" else "a"


def _description_name(words: list[str]) -> str:
    first = words[0].lower()
    if first in ("a", "an") or (first == "one" and len(words) > 1 and words[1].lower() != "of"):
        return " ".join([_indefinite(words[1]), *words[1:]]) if len(words) > 1 else words[0]
    if first in _DETERMINERS and first not in _words("two three four five six seven eight nine ten"):
        return " ".join([first, *words[1:]])
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def _strip_possessive(word: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _is_title(low: str) -> bool:
    """An honorific or office title before a name: "Dr.", "Mayor", "Gen.", "Secretary-General"."""
    return (
        low in _HONORIFICS
        or low in _OFFICE_TITLES
        or low.rstrip(".") + "." in _TITLE_EXPANSIONS
        or any(part in _OFFICE_TITLES for part in low.split("-"))
    )


def _classify_run(tokens: Sequence[_Token], start: int, end: int, det: bool, text: str) -> _Phrase | None:
    """A run of capitalised words: a person (with any titles split off), an organisation or a publication."""
    run = tokens[start:end]
    lows = [_strip_possessive(t.low) for t in run]
    written = _joined(tokens[start - 1 if det else start : end], text)
    titled = _person_in_run(tokens, start, end, det, written, titled_only=True)
    if titled is not None:
        return titled  # "European Commission President Ursula von der Leyen"
    of = next((i for i, w in enumerate(lows) if w in ("of", "for")), -1)
    if of > 0 and not det and not _is_title(lows[of - 1]):
        # "Greta Hollis of the Tarvik Riders' Association": a person, with the body as role.
        person = _classify_run(tokens, start, start + of, False, text)
        if person is not None and person.kind == "person" and len(person.name.split()) > 1:
            role = " ".join(filter(None, (person.role, _joined(run[of:], text))))  # "Mayor of Varnholm"
            return _Phrase(start, end, written, "person", person.name, role=role, gender=person.gender)
    if any(w in _PUBLICATION_WORDS for w in lows):
        words = [t.text for t in run]
        article = "The" if det and lows[-1] in _MASTHEAD_WORDS else ("the" if det else "")
        name = " ".join([article, *words]) if article else " ".join(words)
        return _Phrase(start - det, end, written, "publication", name, head=lows[-1], definite=det)
    if any(w in _ORG_WORDS for w in lows) or (len(run) == 1 and lows[0] in _PLACES):
        words = [t.text for t in run]
        before_of = next((i for i, w in enumerate(lows) if w in ("of", "for")), len(lows))
        head = next((w for w in reversed(lows[:before_of]) if w in _ORG_WORDS or _head_noun(w)), lows[-1])
        head = _head_noun(head)[0] if _head_noun(head) else head
        name = " ".join(["the", *words]) if det else " ".join(words)
        return _Phrase(
            start - det,
            end,
            written,
            "org",
            name,
            head=head,
            definite=det,
            qualifiers=frozenset(fold(w) for w in lows),
        )
    return _person_in_run(tokens, start, end, det, written, titled_only=False)


def _person_in_run(
    tokens: Sequence[_Token], start: int, end: int, det: bool, written: str, titled_only: bool
) -> _Phrase | None:
    """A person named by a run, with honorifics and office titles split off into the role."""
    run = tokens[start:end]
    lows = [_strip_possessive(t.low) for t in run]
    last_title = max((i for i, low in enumerate(lows[:-1]) if _is_title(low)), default=-1)
    while last_title >= 0 and last_title + 2 < len(run) and lows[last_title + 1] in ("of", "for"):
        last_title += 2  # "Secretary of State Marco Rubio"
    if titled_only and last_title < 0:
        return None
    names = lows[last_title + 1 :]
    if not names or any(
        w in ("of", "for", "and") or w in _ORG_WORDS or w in _PUBLICATION_WORDS for w in names
    ):
        return None
    title_words = [t for t in run[: last_title + 1] if t.low not in _HONORIFICS]
    role = " ".join(_TITLE_EXPANSIONS.get(t.low, t.text) for t in title_words)
    gender = next(
        (
            _GENDER_BY_HONORIFIC[w.rstrip(".")]
            for w in lows[: last_title + 1]
            if w.rstrip(".") in _GENDER_BY_HONORIFIC
        ),
        "",
    )
    name = " ".join(_strip_possessive(t.text) if t is run[-1] else t.text for t in run[last_title + 1 :])
    return _Phrase(start - det, end, written, "person", name, role=role, gender=gender)


def _name_run_start(tokens: Sequence[_Token], floor: int, last: int) -> int:
    """Start of the run of name words ending at ``last``: "Kyiv Institute of International Relations"."""
    j = last
    while j - 1 >= floor:
        p = tokens[j - 1]
        if (
            _is_name_word(p)
            or (len(p.text) == 2 and p.text[1] == "." and p.text[0].isupper())
            or p.low in _NAME_PARTICLES | {"of", "for"}
            and j - 2 >= floor
            and (_is_name_word(tokens[j - 2]) or tokens[j - 2].low in _NAME_PARTICLES)
            # "the Institute for the Study of War"
            or p.low == "the"
            and j - 3 >= floor
            and tokens[j - 2].low in ("of", "for")
            and _strip_possessive(tokens[j - 3].low) in _ORG_WORDS
        ):
            j -= 1
        else:
            break
    return j


def _core_before(tokens: Sequence[_Token], end: int, floor: int, text: str) -> _Phrase | None:
    """The noun phrase ending just before ``tokens[end]``: a name, or [det] modifiers* speaker-noun."""
    i = end - 1
    if i < floor or not tokens[i].is_word or tokens[i].is_possessive:
        return None
    head = _head_noun(tokens[i].low)
    if head and not (
        tokens[i].is_cap
        and i - 1 >= floor
        and _is_name_word(tokens[i - 1])
        and not _head_noun(tokens[i - 1].low)
        and tokens[i].low not in _ORG_WORDS
        and not (tokens[i - 1].low in _MODIFIERS or tokens[i - 1].low.endswith(_ADJECTIVE_ENDINGS))
    ):
        j = i
        nouns = 0  # "law enforcement officials", "a school spokesman": at most two other nouns
        while j - 1 >= floor and (
            _is_premodifier(tokens[j - 1]) or (nouns < 2 and _is_noun_modifier(tokens[j - 1]))
        ):
            nouns += not _is_premodifier(tokens[j - 1])
            j -= 1
        definite = False
        if j - 1 >= floor and tokens[j - 1].is_possessive:
            k = j - 1
            if tokens[k].is_cap:
                k = _name_run_start(tokens, floor, k)
            if k - 1 >= floor and tokens[k - 1].low == "the":
                k -= 1
            j, definite = k, True
        elif j - 1 >= floor and tokens[j - 1].low in _DETERMINERS:
            j -= 1
            definite = (
                tokens[j].low in ("the", "this", "that", "these", "those")
                or tokens[j].low in _POSSESSIVE_PRONOUNS
            )
        words = [t.text for t in tokens[j : i + 1]]
        singular, plural = head
        kind = "publication" if singular in _PUBLICATION_HEADS else "description"
        qualifiers = frozenset(
            fold(_strip_possessive(t.low)) for t in tokens[j:i] if t.low not in _DETERMINERS
        )
        return _Phrase(
            j,
            end,
            _joined(tokens[j:end], text),
            kind,
            _description_name(words),
            head=singular,
            plural=plural,
            definite=definite,
            qualifiers=qualifiers,
        )
    if not _is_name_word(tokens[i]):
        return None
    j = _name_run_start(tokens, floor, i)
    det = j - 1 >= floor and tokens[j - 1].low == "the"
    if not det and j - 1 >= floor and tokens[j - 1].is_possessive and tokens[j - 1].is_cap:
        j = _name_run_start(tokens, floor, j - 1)  # "Ukraine's General Staff"
    phrase = _classify_run(tokens, j, end, det, text)
    if phrase is None or phrase.kind != "person":
        return phrase
    if phrase.role and phrase.start == j and j - 1 >= floor and tokens[j - 1].low in _FORMER_WORDS:
        # "former President Bill Clinton": the person, and "former President" the role.
        return replace(phrase, start=j - 1, written=_joined(tokens[j - 1 : end], text),
                       role=f"{tokens[j - 1].text} {phrase.role}")
    # A role noun right before a name: "Kremlin spokesman Dmitry Peskov".
    if j - 1 >= floor and not tokens[j - 1].is_cap and _head_noun(tokens[j - 1].low):
        role = _core_before(tokens, j, floor, text)
        if role is not None and role.kind == "description":
            return _Phrase(
                role.start,
                end,
                _joined(tokens[role.start : end], text),
                "person",
                phrase.name,
                role=role.written,
                gender=phrase.gender,
            )
    return phrase


_PROPORTIONS = _words(
    "percent % half majority minority third thirds quarter quarters two-thirds three-quarters three-fourths "
    "plurality"
)
_APPROXIMATORS = _words("about almost nearly roughly some only just a an the over under fully")
_NUMBER_WORDS = _words(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty seventy "
    "eighty ninety"
)
_FORMER_WORDS = _words("former retired outgoing incoming acting interim late")
_PP_PREPOSITIONS = _words("of for at in from on with near across around")
_QUANTIFIERS = _words("one some many most several two three four five six few none each all both dozens")


def _phrase_before(tokens: Sequence[_Token], end: int, floor: int, text: str) -> _Phrase | None:
    """The speaker phrase ending just before ``tokens[end]``, extended over "of"/"for" complements.

    "a spokesperson for the ministry", "the head of the Donetsk People's Republic", "one of the
    residents", "officials in the region".
    """
    i = end - 1
    if i < floor:
        return None
    if tokens[i].low in _PRONOUNS and (
        i == floor or not tokens[i - 1].is_word or tokens[i - 1].low in _BOUNDARY_WORDS
    ):
        low = tokens[i].low
        return _Phrase(i, end, tokens[i].text, "pronoun", low, plural=low == "they", gender=_PRONOUNS[low])
    phrase = _core_before(tokens, end, floor, text)
    if phrase is None:
        phrase = _quantity_phrase(tokens, end, floor, text)
    if phrase is None:
        phrase = _pp_object_phrase(tokens, end, floor, text)
        if phrase is None:
            return None
    while phrase.start - 2 >= floor and tokens[phrase.start - 1].low in _PP_PREPOSITIONS:
        prep = tokens[phrase.start - 1].low
        if prep == "of" and (
            tokens[phrase.start - 2].low in _QUANTIFIERS or tokens[phrase.start - 2].low in _PROPORTIONS
        ):
            q = phrase.start - 2
            if tokens[q].low in _PROPORTIONS:
                # "75 percent of Democrats", "almost half of respondents", "a majority of voters"
                while q - 1 >= floor and (
                    tokens[q - 1].low in _APPROXIMATORS or tokens[q - 1].low.replace(",", "").isdigit()
                    or tokens[q - 1].low in _NUMBER_WORDS
                ):
                    q -= 1
                if tokens[q].low in _words("percent % thirds quarters"):
                    break  # "percent of voters" with no figure
            phrase = _Phrase(
                q,
                end,
                _joined(tokens[q:end], text),
                "description",
                _description_name([t.text for t in tokens[q:end]]),
                head=phrase.head,
                plural=True,
                definite=False,
                qualifiers=phrase.qualifiers,
            )
            break
        outer = _core_before(tokens, phrase.start - 1, floor, text)
        if outer is not None and outer.kind == "person" and prep in ("of", "from", "at") and not outer.role:
            # "Greta Hollis of the Riders' Association": the person, with the body as role.
            role = _joined(tokens[phrase.start - 1 : end], text)
            return _Phrase(
                outer.start,
                end,
                _joined(tokens[outer.start : end], text),
                "person",
                outer.name,
                role=role,
                gender=outer.gender,
            )
        if outer is None or outer.kind == "person" or not outer.head:
            break
        words = [t.text for t in tokens[outer.start : end]]
        name = (
            _description_name(words)
            if outer.kind != "org"
            else outer.name + " " + _joined(tokens[outer.end : end], text)
        )
        phrase = _Phrase(
            outer.start,
            end,
            _joined(tokens[outer.start : end], text),
            "description",
            name,
            head=outer.head,
            plural=outer.plural,
            definite=outer.definite,
            qualifiers=outer.qualifiers | phrase.qualifiers,
        )
    return phrase


def _is_number(low: str) -> bool:
    """ "47", "1,409", "ten", "seventy-four"."""
    return low.replace(",", "").isdigit() or all(part in _NUMBER_WORDS for part in low.split("-"))


_POLLED = _words("surveyed polled questioned interviewed")


def _quantity_phrase(tokens: Sequence[_Token], end: int, floor: int, text: str) -> _Phrase | None:
    """A poll share as speaker: "47 percent", "About four in 10", "Nearly half", "Only 24%", "those surveyed"."""
    i = end - 1
    low = tokens[i].low
    if low in _POLLED and i - 1 >= floor and tokens[i - 1].low == "those":
        words = [t.text for t in tokens[i - 1 : end]]
        written = _joined(tokens[i - 1 : end], text)
        return _Phrase(i - 1, end, written, "description", _description_name(words), plural=True)
    if low == "percent" and i - 1 >= floor and _is_number(tokens[i - 1].low):
        q = i - 1
    elif re.fullmatch(r"\d+(?:\.\d+)?%", low) or low in _words("half two-thirds three-quarters three-fourths"):
        q = i
    elif (
        _is_number(low)
        and i - 2 >= floor
        and tokens[i - 1].low == "in"
        and _is_number(tokens[i - 2].low)
        and low in _words("3 4 5 10 three four five ten")
    ):
        q = i - 2  # "six in 10", "one in five"
    else:
        return None
    while q - 1 >= floor and tokens[q - 1].low in _words("about almost nearly roughly some only just fully a"):
        q -= 1
    if q - 2 >= floor and tokens[q - 1].low == "than" and tokens[q - 2].low in ("more", "fewer", "less"):
        q -= 2  # "More than half"
    if tokens[q].low == "a":
        return None  # "a half", "a 5 percent" rise
    words = [t.text for t in tokens[q:end]]
    return _Phrase(q, end, _joined(tokens[q:end], text), "description", _description_name(words), plural=True)


def _pp_object_phrase(tokens: Sequence[_Token], end: int, floor: int, text: str) -> _Phrase | None:
    """A speaker noun with a short complement that is not itself a speaker: "officials in the region"."""
    for p in range(end - 2, max(floor, end - 6) - 1, -1):
        tok = tokens[p]
        if tok.low in _PP_PREPOSITIONS and p + 1 < end:
            obj = tokens[p + 1 : end]
            if any(
                not t.is_word
                or t.low in _DOCUMENT_NOUNS
                or t.low in _TIME_WORDS
                or t.low in _VERB_LEMMA
                or t.low in _FINITE_MARKERS
                or t.low in _words("who whom whose which that and or but")
                for t in obj
            ):
                return None
            # "sources familiar with the matter", "people close to the negotiations"
            before = p - 1 if p - 1 >= floor and tokens[p - 1].low in ("familiar", "close", "briefed") else p
            outer = _core_before(tokens, before, floor, text)
            if outer is None or outer.kind == "person" or not outer.head:
                return None
            words = [t.text for t in tokens[outer.start : end]]
            return _Phrase(
                outer.start,
                end,
                _joined(tokens[outer.start : end], text),
                "description",
                _description_name(words),
                head=outer.head,
                plural=outer.plural,
                definite=outer.definite,
                qualifiers=outer.qualifiers,
            )
        if not tok.is_word:
            return None
    return None


def _document_prefix_start(tokens: Sequence[_Token], start: int, floor: int) -> int:
    """Start of "a recent report by" before a speaker, or -1: "a report by The New York Times said"."""
    if start - 1 < floor or tokens[start - 1].low not in ("by", "from", "in", "of"):
        return -1
    j = start - 1
    if j - 1 >= floor and tokens[j - 1].low in (
        "published",
        "released",
        "commissioned",
        "issued",
        "compiled",
    ):
        j -= 1
    if j - 1 < floor or tokens[j - 1].low not in _DOCUMENT_NOUNS:
        return -1
    j -= 1
    while j - 1 >= floor and (_is_premodifier(tokens[j - 1]) or tokens[j - 1].low in _DOCUMENT_MODIFIERS):
        j -= 1
    if j - 1 >= floor and tokens[j - 1].low in _DETERMINERS:
        j -= 1
    return j


def _opens_clause(tokens: Sequence[_Token], start: int, floor: int) -> bool:
    """Can a subject start at ``tokens[start]``? After punctuation, "with", "and", a leading adverbial."""
    if start <= floor:
        return True
    prev = tokens[start - 1]
    if prev.is_quote or not prev.is_word:
        return prev.text not in ("'", "’")
    if prev.low in ("and", "or"):
        # "Halloran and Quist said": a conjoined subject, which we do not split.
        return start - 2 < floor or not (tokens[start - 2].is_cap or _head_noun(tokens[start - 2].low))
    if prev.low in _BOUNDARY_WORDS:
        return True
    # A leading adverbial without a comma: "In a statement the ministry said", "On Monday Pushilin said".
    chunk = start
    while chunk - 1 >= floor and tokens[chunk - 1].is_word:
        chunk -= 1
    lead = tokens[chunk:start]
    return (
        (chunk == floor or not tokens[chunk - 1].is_word)
        and len(lead) <= 8
        and lead[0].low in _GAP_STARTERS
        and not any(t.low in _FINITE_MARKERS or t.low in _VERB_LEMMA for t in lead)
    )


def _group(tokens: Sequence[_Token], left: _Phrase, right: _Phrase, text: str) -> _Phrase | None:
    """ "Smith and Jones", "the mayor and the governor": one speaker of two, or None."""
    for part in (left, right):
        if (
            part.kind in ("pronoun", "group")
            or tokens[part.start].low in ("who", "whose", "which", "that")
            # a bare singular is a second role of one person: "the Vermont senator and Democratic
            # presidential candidate", "Republican lobbyist and Trump adviser Charlie Black"
            or (part.kind == "description" and not part.plural and tokens[part.start].low not in _DETERMINERS
                and not part.definite)
        ):
            return None
    return _Phrase(
        left.start,
        right.end,
        _joined(tokens[left.start : right.end], text),
        "group",
        " and ".join((left.name, right.name)),
        plural=True,
        parts=(left, right),
    )


def _conjoined_before(tokens: Sequence[_Token], right: _Phrase, text: str) -> _Phrase | None:
    """ "Smith and Jones said": the conjoined subject ending with ``right``, when it opens a clause.

    Not a list ("Cruz, Rubio and Kasich said": which ones?) nor "X and he".
    """
    a = right.start
    if a < 2 or tokens[a - 1].low != "and":
        return None
    left = _phrase_before(tokens, a - 1, 0, text)
    if left is None:
        return None
    s = left.start
    if s >= 1 and tokens[s - 1].low == "both":
        s -= 1  # "Both Smith and Jones said"
    if not _opens_clause(tokens, s, 0):
        return None
    if s >= 2 and tokens[s - 1].text == "," and (tokens[s - 2].is_cap or _head_noun(tokens[s - 2].low)):
        return None  # a list, or "the National Academies of Sciences, Engineering and Medicine"
    return _group(tokens, left, right, text)


def _speaker_ending_at(tokens: Sequence[_Token], end: int, text: str) -> _Phrase | None:
    """A speaker phrase ending at ``end`` that starts a clause (or follows "a report by")."""
    phrase = _phrase_before(tokens, end, 0, text)
    if phrase is None:
        return None
    if _opens_clause(tokens, phrase.start, 0):
        return phrase
    group = _conjoined_before(tokens, phrase, text)
    if group is not None:
        return group
    doc = _document_prefix_start(tokens, phrase.start, 0)
    if doc >= 0 and _opens_clause(tokens, doc, 0):
        return replace(phrase, start=doc)
    return None


def _speaker_after(tokens: Sequence[_Token], start: int, text: str) -> _Phrase | None:
    """The speaker phrase starting at ``start``: "said one anonymous Western intelligence official, ..."."""
    stop = start
    limit = min(len(tokens), start + _MAX_SPEAKER_WORDS)
    while stop < limit and tokens[stop].is_word and tokens[stop].low not in ("who", "which", "whose"):
        stop += 1
    for end in range(stop, start, -1):
        phrase = _phrase_before(tokens, end, start, text)
        if phrase is not None and phrase.start == start:
            if end + 1 < stop and tokens[end].low == "and":
                # "said Smith and Jones": the whole pair, when "and" joins two speakers.
                for end2 in range(stop, end + 1, -1):
                    right = _phrase_before(tokens, end2, end + 1, text)
                    if right is not None and right.start == end + 1:
                        return _group(tokens, phrase, right, text) or phrase
            return phrase
    return None


# --- roles and appositives ---------------------------------------------------------------------

_IGNORABLE_ASIDES = frozenset(
    {
        "however",
        "though",
        "too",
        "also",
        "meanwhile",
        "in turn",
        "for his part",
        "for her part",
        "for its part",
        "for their part",
        "in a statement",
    }
)


def _aside_kind(tokens: Sequence[_Token], a: int, b: int) -> str | None:
    """What a comma-enclosed aside after a speaker is: "role", "relative", "org-relative", "skip", or None."""
    chunk = tokens[a:b]
    if not chunk or any(t.is_quote for t in chunk):
        return None
    first = chunk[0].low
    if first in ("who", "whom", "whose"):
        return "relative"
    if first == "which":
        return "org-relative"
    if all(t.low.isdigit() for t in chunk) or " ".join(t.low for t in chunk) in _IGNORABLE_ASIDES:
        return "skip"
    if first in _GAP_STARTERS and first not in ("for",) or first in ("both", "all", "each", "including"):
        return "skip" if not any(t.low in _FINITE_MARKERS for t in chunk) else None
    if (
        first.endswith(("ing", "ed"))
        and len(first) > 4
        and not any(t.low == "that" or t.low in _FINITE_MARKERS for t in chunk[1:])
    ):
        return "skip"  # "asked about the layoffs", "speaking to reporters"
    if first.endswith("ing") or first in ("and", "but", "that") or len(chunk) > 22:
        return None
    if any(
        (t.low in _VERB_LEMMA and not _noun_use(chunk, n)) or t.low in _FINITE_MARKERS
        for n, t in enumerate(chunk[: _role_length(chunk)])
    ):
        return None
    if all(_is_name_word(t) for t in chunk) and _aside_name(tokens, a, b) is not None:
        return "name"  # "The ministry's spokesman, Igor Konashenkov, said"
    return "role"


def _noun_use(chunk: Sequence[_Token], n: int) -> bool:
    """A verb's base form used as a noun in a role: "director of state campaigns", "a Washington state delegate"."""
    t = chunk[n]
    if n == 0 or _VERB_LEMMA.get(t.low) != t.low or t.low in _FINITE_MARKERS:
        return False
    prev = chunk[n - 1]
    return prev.is_cap or prev.is_possessive or prev.low in _DETERMINERS or prev.low in _PP_PREPOSITIONS


# "X, who runs a hardware shop on Harbour Row, said": what the speaker does, worth keeping as the
# role when no other aside gives one. Other relative clauses ("who requested anonymity") are not.
_OCCUPATION_VERBS = _words("runs owns heads leads manages chairs directs founded co-founded co-owns edits teaches coaches")


def _is_occupation_clause(chunk: Sequence[_Token]) -> bool:
    return 3 <= len(chunk) <= 12 and chunk[0].low == "who" and chunk[1].low in _OCCUPATION_VERBS


def _aside_name(tokens: Sequence[_Token], a: int, b: int, text: str = "") -> _Phrase | None:
    """A full personal name standing alone as an aside ("Igor Konashenkov"), or None."""
    phrase = _classify_run(tokens, a, b, False, text)
    return phrase if phrase is not None and phrase.kind == "person" and len(phrase.name.split()) > 1 else None


def _named_description(phrase: _Phrase, name: _Phrase) -> _Phrase:
    """For "The ministry's spokesman, Igor Konashenkov": the person speaks, the description is the role."""
    role = phrase.written
    if role.split()[0] in ("The", "A", "An"):
        role = role[:1].lower() + role[1:]
    return _Phrase(phrase.start, name.end, name.written, "person", name.name, role=role, gender=name.gender)


def _role_length(chunk: Sequence[_Token]) -> int:
    """A role ends before a relative clause: "a crane operator who has worked ..." -> "a crane operator"."""
    for i, t in enumerate(chunk):
        if i and t.low in ("who", "whom", "whose", "which", "that"):
            return i
    return len(chunk)


def _role_text(tokens: Sequence[_Token], a: int, b: int, text: str) -> str:
    chunk = tokens[a:b]
    return _joined(chunk[: _role_length(chunk)], text)


def _chunk_start(tokens: Sequence[_Token], end: int) -> int:
    """Start of the comma chunk that ends at ``end`` (at most ``_MAX_CHUNK_WORDS`` back)."""
    s = end
    floor = max(0, end - _MAX_CHUNK_WORDS)
    while s - 1 >= floor and not tokens[s - 1].is_quote and tokens[s - 1].text not in _HARD_PUNCT:
        s -= 1
    return s


# --- attribution anchors -----------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Anchor:
    """One attribution in a sentence: who (``phrase``), the cue, and what it introduces."""

    kind: str  # "subject" (X said), "inverted" (said X), "according", "inherit" (", adding that")
    start: int  # first token of the attribution
    verb: int  # the verb (or "according")
    end: int  # first token after the attribution
    cue: str
    lemma: str
    phrase: _Phrase | None
    role: str = ""
    org_hint: bool = False  # the speaker had a "which ..." clause, so it is not a person
    complement: str = "none"  # "that" | "clause" | "quote" | "none"
    complement_start: int = -1
    source: _Anchor | None = None  # for "inherit": the anchor whose speaker this one shares
    relative: bool = False  # "X, who said that ...,": the reported clause ends at the next comma
    suppressed: bool = False
    content: tuple[int, int] | None = None
    speaker: _Entity | None = None
    resolved: bool = False


def _verb_at(tokens: Sequence[_Token], v: int) -> tuple[str, int] | None:
    """The lemma of a reporting verb at ``v`` and the token after it (after a particle), or None."""
    tok = tokens[v]
    if tok.is_quote or tok.text != tok.low:
        return None
    lemma = _VERB_LEMMA.get(tok.low)
    if lemma is None:
        return None
    if v > 0 and tokens[v - 1].low in _words("the a an his her its their our my your"):
        return None  # a noun: "in the state", "his comment"
    particle = _PARTICLES.get(lemma)
    if particle:
        if v + 1 < len(tokens) and tokens[v + 1].low == particle:
            return lemma, v + 2
        return None
    return lemma, v + 1


def _strip_pre_verb(tokens: Sequence[_Token], v: int) -> int | None:
    """Index after the subject once "has", "also", "on Tuesday" are skipped; None for "did not say"."""
    k = v
    while k - 1 >= 0:
        low = tokens[k - 1].low
        if low in _BLOCKERS:
            return None
        if (
            low in _AUXILIARIES
            or low in _PRE_VERB_ADVERBS
            or (low == "both" and k - 2 >= 0)  # "Sanders and Clinton both said"
            or (low.endswith("ly") and len(low) > 4 and low not in _words("only early"))
        ):
            k -= 1
        elif (
            low in _TIME_WORDS and k - 2 >= 0 and tokens[k - 2].low in ("on", "last", "this", "late", "early")
        ):
            k -= 2
        else:
            break
    return k


def _subject_anchor(tokens: Sequence[_Token], v: int, text: str) -> tuple[_Phrase, str, bool, int] | None:
    """The speaker before a verb, and a role from asides: "Denis Pushilin, the head of the DPR, said"."""
    k = _strip_pre_verb(tokens, v)
    if k is None or k == 0:
        return None
    if tokens[k - 1].low == "as":
        quoted = _quoted_as_subject(tokens, k - 1, text)
        return (quoted, "", False, quoted.start) if quoted is not None else None
    role, org_hint = "", False
    name: _Phrase | None = None
    end = k
    for _ in range(4):
        tag = _party_tag_start(tokens, end, text)
        if tag is not None:
            end = tag  # "Sen. Bernie Sanders (I-Vt.) said", "Sen. Rand Paul, R-Ky., said"
        if tokens[end - 1].text != ",":
            phrase = _speaker_ending_at(tokens, end, text)
            if phrase is None:
                phrase = _before_relative_clause(tokens, end, text)
            if phrase is None:
                return None
            start = phrase.start
            if name is not None and phrase.kind == "description":
                phrase = _named_description(phrase, name)
                role = phrase.role
            return phrase, role, org_hint, start
        comma = end - 1
        s = _chunk_start(tokens, comma)
        if s == comma or s == 0 or tokens[s - 1].text != ",":
            return None
        kind = _aside_kind(tokens, s, comma)
        if kind is None:
            return None
        if kind == "role":
            role = _role_text(tokens, s, comma, text)
        elif kind == "name":
            name = _aside_name(tokens, s, comma, text)
        org_hint = org_hint or kind == "org-relative"
        end = s - 1
        if end <= 0:
            return None
    return None


# A party-and-state tag after a politician's name: "(I-Vt.)", "(R)", "(D-N.Y.)", "(Tex.)", ", R-Ky.,".
_PARTY_TAG = re.compile(r"[RDI](?:-[A-Z][A-Za-z]*\.?(?: ?[A-Z][A-Za-z]*\.?)?)?|[A-Z][a-z]{1,4}\.|[A-Z]\.[A-Z]\.")
_COMMA_PARTY_TAG = re.compile(r"[RDI]-[A-Z][A-Za-z]*\.?(?: ?[A-Z][A-Za-z]*\.?)?")


def _party_tag_start(tokens: Sequence[_Token], end: int, text: str) -> int | None:
    """Index of the "(" or "," opening a party tag that ends at ``end``, or None."""
    if end < 3:
        return None
    last = tokens[end - 1].text
    opener, pattern = ("(", _PARTY_TAG) if last == ")" else (",", _COMMA_PARTY_TAG)
    if last != ")" and last not in (",", ".") and not tokens[end - 1].is_word:
        return None
    inner_end = tokens[end - 1].start if last in (")", ",") else tokens[end - 1].end
    for o in range(end - 2, max(0, end - 9), -1):
        if tokens[o].is_quote:
            return None
        if tokens[o].text == opener:
            inner = text[tokens[o].end : inner_end].strip()
            if o >= 1 and _is_name_word(tokens[o - 1]) and pattern.fullmatch(inner):
                return o
            return None
        if tokens[o].text in ("(", ")", ","):
            return None
    return None


def _quoted_as_subject(tokens: Sequence[_Token], as_at: int, text: str) -> _Phrase | None:
    """The speaker of "X was quoted (by TASS) as saying that ...", or None."""
    q = next((i for i in range(as_at - 1, max(-1, as_at - 8), -1) if tokens[i].low == "quoted"), -1)
    if q < 1 or tokens[q - 1].low not in ("was", "were", "is", "been"):
        return None
    end = q - 1
    while end - 1 >= 0 and tokens[end - 1].low in ("has", "have", "had", "also", "later"):
        end -= 1
    return _speaker_ending_at(tokens, end, text)


def _relative_subject(tokens: Sequence[_Token], v: int, text: str) -> _Phrase | None:
    """The speaker of "X, who said that ...," (the clause after "who" is X's), or None."""
    k = _strip_pre_verb(tokens, v)
    if k is None or k < 3 or tokens[k - 1].low != "who" or tokens[k - 2].text != ",":
        return None
    phrase = _speaker_ending_at(tokens, k - 2, text)
    return phrase if phrase is not None and phrase.kind != "pronoun" else None


def _before_relative_clause(tokens: Sequence[_Token], end: int, text: str) -> _Phrase | None:
    """A speaker followed by "who ..." without commas: "The two board members who voted ... said"."""
    s = _chunk_start(tokens, end)
    for w in range(end - 1, s, -1):
        if tokens[w].low in ("who", "whose"):
            phrase = _speaker_ending_at(tokens, w, text)
            if phrase is not None and phrase.kind != "pronoun":
                return phrase
            return None
    return None


def _following_role(tokens: Sequence[_Token], i: int, text: str) -> tuple[str, bool, _Phrase | None]:
    """Role and org hint from asides after a speaker at ``i`` ("said X, a defense expert at ..., ...")."""
    role, org_hint, name = "", False, None
    while i < len(tokens) and tokens[i].text == ",":
        s = i + 1
        e = s
        while e < len(tokens) and not tokens[e].is_quote and tokens[e].text not in _HARD_PUNCT:
            e += 1
        kind = _aside_kind(tokens, s, e)
        if kind is None or e == s:
            break
        if kind == "role" and not role:
            role = _role_text(tokens, s, e, text)
        elif kind == "relative" and not role and _is_occupation_clause(tokens[s:e]):
            role = _joined(tokens[s + 1 : e], text)  # "who runs a hardware shop" -> "runs a hardware shop"
        elif kind == "name" and name is None:
            name = _aside_name(tokens, s, e, text)
        org_hint = org_hint or kind == "org-relative"
        i = e
    return role, org_hint, name


def _according_anchor(tokens: Sequence[_Token], a: int, text: str) -> _Anchor | None:
    """The speaker of "according to X[, role]", or of a document by one ("a recent report by The Times")."""
    s = a + 2
    e = s
    while e < len(tokens) and tokens[e].is_word and tokens[e].low not in ("who", "which", "whose"):
        e += 1
    region_end = e
    phrase = None
    for end in range(e, s, -1):
        candidate = _phrase_before(tokens, end, s, text)
        if candidate is None:
            continue
        if candidate.start == s or _document_prefix_start(tokens, candidate.start, s) == s:
            phrase = candidate
            if candidate.start == s and candidate.end < e and tokens[candidate.end].low == "and":
                group = _speaker_after(tokens, s, text)  # "according to Smith and Jones"
                phrase = group if group is not None and group.parts else candidate
            break
    if phrase is None and e - s >= 2 and tokens[e - 1].low in _DOCUMENT_NOUNS:
        # "according to the board's own figures": the board is the speaker.
        p = next((i for i in range(e - 2, s - 1, -1) if tokens[i].is_possessive), -1)
        if p >= s and all(_is_premodifier(t) or t.low == "own" for t in tokens[p + 1 : e - 1]):
            stripped = list(tokens)
            t = tokens[p]
            stripped[p] = _Token(
                _strip_possessive(t.text),
                _strip_possessive(t.low),
                t.start,
                t.end - (len(t.text) - len(_strip_possessive(t.text))),
            )
            candidate = _phrase_before(stripped, p + 1, s, text)
            if candidate is not None and candidate.start == s:
                phrase = candidate
    if phrase is None:
        return None
    end = phrase.end
    if end < region_end and region_end - s <= 12:
        end = region_end  # "sources familiar with the matter"
    role, org_hint = "", False
    n = len(tokens)
    if end < n and tokens[end].low in ("who", "which", "whose"):
        # "according to a senior official who spoke on condition of anonymity, ..."
        org_hint = tokens[end].low == "which"
        while end < n and tokens[end].text != ",":
            end += 1
    elif end < n and tokens[end].text == ",":
        s2 = end + 1
        e2 = s2
        while e2 < n and not tokens[e2].is_quote and tokens[e2].text not in _HARD_PUNCT:
            e2 += 1
        kind = _aside_kind(tokens, s2, e2)
        # An aside between commas, with the reported clause still to come.
        if e2 < n and tokens[e2].text == "," and kind in ("role", "relative", "org-relative"):
            end, org_hint = e2, kind == "org-relative"
            if kind == "role":
                role = _role_text(tokens, s2, e2, text)
    after = end
    return _Anchor("according", a, a, after, "according to", "according", phrase, role, org_hint)


def _find_anchors(tokens: Sequence[_Token], text: str) -> list[_Anchor]:
    anchors: list[_Anchor] = []
    for v, tok in enumerate(tokens):
        if tok.low == "according" and v + 1 < len(tokens) and tokens[v + 1].low == "to":
            anchor = _according_anchor(tokens, v, text)
            if anchor is not None:
                anchors.append(anchor)
            continue
        found = _verb_at(tokens, v)
        if found is None:
            continue
        lemma, after = found
        cue = " ".join(t.low for t in tokens[v:after])
        if lemma == "tell":
            # The cue keeps whom it was told, as written ("told reporters", "told the crowd outside
            # the hospital gates"): a bare "told" has no object and cannot be read back as English.
            heard = _skip_hearer(tokens, after)
            if heard > after:
                cue += " " + text[tokens[after].start : tokens[heard - 1].end]
        elif after < len(tokens) and tokens[after].low == "as" and lemma in _NAMING_LEMMAS:
            cue += " as"  # "described as a gesture to Kharniv"
        subject = _subject_anchor(tokens, v, text)
        # ", saying ..." has a subject of its own before the comma only after "with" ("with Denis
        # Pushilin, the head of the DPR, declaring that"); otherwise the main clause's subject
        # speaks, so a "subject" found in the middle of the sentence is a misreading.
        if (
            subject is not None
            and tok.low.endswith("ing")
            and tokens[v - 1].text == ","
            and subject[3] > 0
            and tokens[subject[3] - 1].low != "with"
        ):
            subject = None
        if subject is not None:
            phrase, role, org_hint, start = subject
            anchors.append(_Anchor("subject", start, v, after, cue, lemma, phrase, role, org_hint))
            continue
        relative = _relative_subject(tokens, v, text)
        if relative is not None:
            anchors.append(_Anchor("subject", v, v, after, cue, lemma, relative, relative=True))
            continue
        if lemma in _NAMING_LEMMAS:
            # "a pledge Halloran called '...'": a name right before the verb, in a clause of its own.
            k = _strip_pre_verb(tokens, v)
            named = _phrase_before(tokens, k, 0, text) if k else None
            if named is not None and named.kind in ("person", "pronoun"):
                anchors.append(_Anchor("subject", named.start, v, after, cue, lemma, named))
                continue
        prev = tokens[v - 1] if v else None
        if (
            lemma in _INVERTIBLE_LEMMAS
            and prev is not None
            and (prev.is_quote or prev.text == ",")
            and not tok.low.endswith("ing")
        ):
            phrase = _speaker_after(tokens, after, text)
            if phrase is not None:
                role, org_hint, name = _following_role(tokens, phrase.end, text)
                if name is not None and phrase.kind == "description":
                    phrase = _named_description(phrase, name)
                    role = phrase.role
                anchors.append(_Anchor("inverted", v, v, phrase.end, cue, lemma, phrase, role, org_hint))
                continue
        # ", adding that ..." or "... and noted that ...": the same speaker as the clause before.
        if prev is not None and (
            (tok.low.endswith("ing") and (prev.text == "," or (prev.is_quote and text[prev.end - 2] == ",")))
            or (
                prev.low in ("and", "but")
                and v >= 2
                and (tokens[v - 2].text == "," or tokens[v - 2].is_word or tokens[v - 2].is_quote)
            )
        ):
            anchors.append(_Anchor("inherit", v, v, after, cue, lemma, None))
    anchors.sort(key=lambda a: a.start)
    for i, anchor in enumerate(anchors):
        if anchor.kind == "inherit":
            anchor.source = next((a for a in reversed(anchors[:i]) if a.kind != "according"), None)
            if anchor.source is None and tokens[anchor.verb - 1].low in ("and", "but"):
                anchor.phrase = _speaker_after(tokens, 0, text)  # "Okafor welcomed the pledge but said ..."
            elif anchor.source is None:
                # "Fiorina criticized Trump, saying ...": the subject of the main clause speaks.
                subject = _main_subject(tokens, anchor.verb, text)
                if subject is not None:
                    anchor.phrase, anchor.role, anchor.org_hint = subject
    return [a for a in anchors if a.kind != "inherit" or a.source is not None or a.phrase is not None]


def _main_subject(tokens: Sequence[_Token], v: int, text: str) -> tuple[_Phrase, str, bool] | None:
    """The subject opening the sentence (with a role and org hint) when its verb comes before ``v``.

    "Fiorina was upfront about her distaste for Trump, saying ...": "Fiorina" is read only when a
    finite-looking verb ("was", "criticized", "took") follows it directly (adverbs aside).
    """
    start = 0
    while start < v and tokens[start].low in _words("and but then so yet still meanwhile instead"):
        start += 1  # "And then Trump went on the attack, saying ..."
    comma = next((c for c in range(start, v) if tokens[c].text == ","), -1)
    if (
        0 < comma < v - 1
        and tokens[start].low in _GAP_STARTERS | _words("after before while here")
        and all(t.is_word for t in tokens[start:comma])
    ):
        start = comma + 1  # "On Sunday, Mr. Trump echoed ...", "Here in Columbia, Sanders stepped up ..."
    if start >= v or not tokens[start].is_word:
        return None
    phrase = _speaker_after(tokens, start, text)
    if phrase is None:
        return None
    if _finite_verb_at(tokens, phrase.end, v) >= 0:
        return phrase, "", False
    # "Sen. Mark Kirk, R-Ill., who faces a tough race, rescinded his endorsement, saying ...".
    if tokens[phrase.end].text != ",":
        return None
    for c in range(phrase.end, v):
        if tokens[c].text != ",":
            continue
        k = _finite_verb_at(tokens, c + 1, v)
        if k >= 0:
            subject = _subject_anchor(tokens, k, text)
            if subject is not None and subject[3] == start:
                return subject[0], subject[1], subject[2]
    return None


def _finite_verb_at(tokens: Sequence[_Token], k: int, v: int) -> int:
    """Index of a finite-looking verb at ``k`` (after adverbs and auxiliaries), before ``v``; else -1."""
    first = k
    while k < v and (
        tokens[k].low in _PRE_VERB_ADVERBS
        or tokens[k].low in _AUXILIARIES
        or tokens[k].low == "even"
        or (tokens[k].low.endswith("ly") and len(tokens[k].low) > 4)
    ):
        k += 1
    if k >= v:
        return -1
    verb = tokens[k]
    if not verb.is_word or verb.text != verb.low or verb.low in _BLOCKERS - _words("was were is are"):
        return -1
    if not (
        verb.low in _FINITE_MARKERS
        or verb.low in _VERB_LEMMA
        or (k > first and tokens[k - 1].low in _AUXILIARIES)
        or (verb.low.endswith("ed") and len(verb.low) > 3)  # "tied", "cited", "praised"
    ):
        return -1
    return k


# --- what an anchor introduces -----------------------------------------------------------------


def _is_clause(tokens: Iterable[_Token]) -> bool:
    """Enough of a clause to be reported speech: three words or more, a finite verb after the first."""
    words, finite = 0, False
    for t in tokens:
        if t.is_word:
            words += 1
            finite = finite or (
                words > 1 and (t.low in _FINITE_MARKERS or (t.low.endswith("ed") and len(t.low) > 4))
            )
            if words >= 3 and finite:
                return True
    return False


# Verbs whose reported clause may be any clause-looking thing without "that" ("said it's a great
# day", "said people misunderstand Trump"): these rarely take a plain noun-phrase object.
_LOOSE_CLAUSE_LEMMAS = _words("say tell think believe add insist argue claim warn")
_SUBJECT_PRONOUNS = _words("he she it they we i you there")
_BASE_SUBJECTS = _words("they we i you")  # "they want", "we need": a base form is finite after these
_IRREGULAR_PLURALS = _words("people men women children police")
_CONTRACTION = re.compile(r"^[a-z]+(?:['’](?:s|re|ve|ll|d|m)|n['’]t)$")


_TIME_UNITS = _words("seconds minutes hours days weeks months years decades times")


def _plural_noun(low: str) -> bool:
    return low in _IRREGULAR_PLURALS or (
        low.endswith("s") and len(low) > 3 and not low.endswith(("ss", "'s", "’s", "us", "is"))
    )


def _finite_like(tok: _Token, subject: Sequence[_Token]) -> bool:
    """Could ``tok`` be the finite verb of a clause whose subject is ``subject``?"""
    low = tok.low
    if not tok.is_word or tok.text != low or low in _TIME_WORDS or low in _TIME_UNITS:
        return False
    if low in _FINITE_MARKERS or (low in _VERB_LEMMA and not low.endswith("ing")):
        return True
    if low.endswith(("n't", "n’t")) or (_CONTRACTION.match(low) and subject[-1].low in _SUBJECT_PRONOUNS):
        return True
    if low.endswith("ed") and len(low) > 4:
        return True
    if (
        low in _FUNCTION_WORDS
        or low in _words("close near familiar able unable likely ready aware responsible alike each")
        or low.endswith(("ly", "ing"))
        or low.endswith(_ADJECTIVE_ENDINGS)
    ):
        return False
    head = subject[-1].low
    plural = head in _BASE_SUBJECTS or (head not in _SUBJECT_PRONOUNS and _plural_noun(head))
    if _plural_noun(low) and low not in _IRREGULAR_PLURALS:
        return not plural
    return plural and head not in ("it", "he", "she", "there")


def _looks_like_clause(tokens: Sequence[_Token]) -> bool:
    """A subject and a finite-looking verb right after it: "it's a great day", "people misunderstand Trump".

    The subject is a pronoun, or up to five words (a determiner, names, nouns) with no function
    word among them; adverbs may come between it and the verb. Three words at least.
    """
    n = len(tokens)
    if n < 2 or not tokens[0].is_word or tokens[0].low in _TIME_WORDS:
        return False
    words = sum(1 if t.is_word else 2 if t.is_quote else 0 for t in tokens)  # a quotation counts as words
    first = tokens[0]
    if _CONTRACTION.match(first.low) and first.low.split("'")[0].split("’")[0] in _SUBJECT_PRONOUNS | _words(
        "that what here"
    ):
        return words >= 3  # "it's a great day", "there's no plan"
    if (
        first.low in _AUXILIARIES
        or first.low in _BLOCKERS
        or first.low in _FINITE_MARKERS
        or (first.low in _VERB_LEMMA and not first.low.endswith("ing"))
        or (first.low.endswith("ed") and first.text == first.low)
    ):
        return False  # "that Carson said was written about ...": a relative clause, not a report
    j = 1
    if first.is_cap or first.low in _DETERMINERS:
        # "the transition reflects ...", "Obama wasn't ...": a noun phrase up to the verb.
        while j < min(n, 6) and tokens[j].is_word and not _finite_like(tokens[j], tokens[:j]):
            if tokens[j].low in _FUNCTION_WORDS:
                return False
            j += 1
    elif first.low not in _SUBJECT_PRONOUNS and (first.low in _FUNCTION_WORDS or not _plural_noun(first.low)):
        return False  # a lower-case subject is a bare plural only: "people misunderstand Trump"
    subject = tokens[:j]
    if (
        first.low not in _SUBJECT_PRONOUNS
        and j < n
        and tokens[j].is_quote
        and (j + 1 == n or not tokens[j + 1].is_word)
    ):
        return True  # 'saying the presumptive nominee "hasn't given this issue much thought."'
    while j < n and (tokens[j].low in _PRE_VERB_ADVERBS or tokens[j].low in ("not", "never")):
        j += 1
    return j < n and _finite_like(tokens[j], subject) and words >= 3


_WEEKDAYS = _words("monday tuesday wednesday thursday friday saturday sunday")


def _skip_time(tokens: Sequence[_Token], i: int) -> int:
    """Skip "on Monday", "last week", "yesterday" after a verb."""
    n = len(tokens)
    while i < n:
        low = tokens[i].low
        if low in ("yesterday", "today", "tonight", "earlier", "later", "recently", "previously", "again"):
            i += 1
        elif low in _WEEKDAYS and tokens[i].is_cap:  # "said Tuesday that", "said Monday night"
            i += 1
            if i < n and tokens[i].low in ("night", "morning", "afternoon", "evening"):
                i += 1
        elif (
            low in ("on", "last", "this", "late", "early") and i + 1 < n and tokens[i + 1].low in _TIME_WORDS
        ):
            i += 2
            if i < n and tokens[i].low in ("night", "morning", "afternoon", "evening"):
                i += 1
        else:
            return i
    return i


def _skip_hearer(tokens: Sequence[_Token], i: int) -> int:
    """After "told": "reporters", "the Gazette", "the crowd outside the hospital gates" (up to "that")."""
    n = len(tokens)
    for j in range(i, min(n, i + 10)):
        t = tokens[j]
        if not t.is_word or t.low in _VERB_LEMMA or t.low in _FINITE_MARKERS:
            break
        if t.low == "that":
            return j if j > i else i
    if i < n and tokens[i].low in _DETERMINERS and i + 1 < n and tokens[i + 1].is_word:
        j = i + 2
        while j < n and _is_name_word(tokens[j]) and tokens[j - 1].is_cap:
            j += 1
        return j
    if i < n and _is_name_word(tokens[i]):
        j = i + 1
        while j < n and _is_name_word(tokens[j]):
            j += 1
        return j
    return i + 1 if i < n and tokens[i].is_word else i


def _complement(tokens: Sequence[_Token], anchor: _Anchor) -> tuple[str, int]:
    """What follows the verb: a "that" clause, a bare clause, a quotation, or nothing."""
    n = len(tokens)
    i = anchor.end
    if anchor.kind in ("inverted", "according"):
        return "none", i
    if anchor.lemma == "tell":
        i = _skip_hearer(tokens, i)
        if i == anchor.end:
            return "none", i
    first = tokens[i] if i < n else None
    if first is None:
        return "none", i
    if first.low == "that":
        return "that", i + 1
    if first.is_quote or (first.text in (",", ":") and i + 1 < n and tokens[i + 1].is_quote):
        return "quote", i if first.is_quote else i + 1
    if first.is_word and (first.low in _GAP_STARTERS or first.low.endswith("ly")):
        # "said in a recent statement that", "told reporters on Monday: '...'"
        j = i
        while j < min(n, i + 12):
            t = tokens[j]
            nxt = tokens[j + 1] if j + 1 < n else None
            if t.is_quote:
                return "none", i
            if t.is_word:
                if t.low == "that":
                    return "that", j + 1
                if _verb_at(tokens, j) is not None or t.low in _FINITE_MARKERS:
                    break  # ("at one point" goes on: "point" is a verb only with "out")
            elif t.text in (",", ":") and nxt is not None and nxt.is_quote:
                return "quote", j + 1
            elif (
                t.text == ","
                and nxt is not None
                and nxt.low in ("however", "though")
                and j + 2 < n
                and tokens[j + 2].text == ","
            ):
                j += 2
            else:
                break
            j += 1
    after_time = _skip_time(tokens, i)
    if after_time > i and after_time < n:  # "said Tuesday that ...", "said Monday: '...'"
        t = tokens[after_time]
        if t.low == "that":
            return "that", after_time + 1
        if t.is_quote or (t.text in (",", ":") and after_time + 1 < n and tokens[after_time + 1].is_quote):
            return "quote", after_time if t.is_quote else after_time + 1
    if (
        anchor.lemma in _BARE_CLAUSE_LEMMAS
        and after_time < n
        and tokens[after_time].is_word
        and tokens[after_time].low not in _GAP_STARTERS
        and (
            _is_clause(islice(tokens, after_time, None))
            or (anchor.lemma in _LOOSE_CLAUSE_LEMMAS and _looks_like_clause(tokens[after_time:]))
        )
    ):
        return "clause", after_time
    return "none", i


def _left_quote(tokens: Sequence[_Token], start: int) -> int:
    """The quotation just before an attribution ("'...,' said X" or "'...', X said"), or -1."""
    i = start - 1
    if i >= 0 and tokens[i].text in (",", "—", "–"):
        i -= 1
    if i >= 0 and tokens[i].is_quote and _quote_opens_clause(tokens, i):
        return i
    return -1


# --- speakers within an article ----------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Entity:
    """A speaker or someone mentioned, as the article refers to them across sentences."""

    name: str
    kind: str  # "person" | "org" | "publication" | "description"
    head: str = ""
    plural: bool = False
    role: str = ""
    gender: str = ""
    words: set[str] = field(default_factory=set)  # folded words of name and role
    aliases: set[str] = field(default_factory=set)  # other head nouns: "Quillon Systems, the ... company"
    key: str = ""  # folded name, for matching; "the" left out for organisations

    def __post_init__(self) -> None:
        self.rekey()

    def rekey(self) -> None:
        self.key = fold(self.name.removeprefix("the ").removeprefix("The "))


class _SpeakerBook:
    """Resolves "Pushilin", "he", "the publication", "the board" to an earlier speaker or mention."""

    def __init__(self) -> None:
        self.recent: list[_Entity] = []  # speakers and sentence subjects, most recent last
        self.people: list[_Entity] = []  # every person named, for surnames
        self.orgs: list[_Entity] = []  # every organisation or publication named

    def _touch(self, entity: _Entity) -> _Entity:
        if entity in self.recent:
            self.recent.remove(entity)
        self.recent.append(entity)
        return entity

    def _person(self, name: str) -> _Entity:
        key = fold(name)
        parts = key.split()
        for e in reversed(self.people):
            if e.key == key or (len(parts) == 1 and e.key.rsplit(" ", 1)[-1] == key):
                return e
            if " " not in e.key and len(parts) > 1 and parts[-1] == e.key:
                e.name = name  # the surname came first; now we know the full name
                e.words |= set(parts)
                e.rekey()
                return e
        entity = _Entity(name, "person", words=set(parts))
        self.people.append(entity)
        return entity

    def _org(self, phrase: _Phrase) -> _Entity:
        key = fold(phrase.name.removeprefix("the ").removeprefix("The "))
        for e in reversed(self.orgs):
            if e.key == key:
                return e
        entity = _Entity(phrase.name, phrase.kind, head=phrase.head, words=set(fold(phrase.name).split()))
        self.orgs.append(entity)
        return entity

    def note_mentions(self, tokens: Sequence[_Token], text: str) -> None:
        """Remember people and organisations named in a sentence; its subject counts for "he"/"she"."""
        i = 0
        while i < len(tokens):
            if not _is_name_word(tokens[i]):
                i += 1
                continue
            j = i
            while True:
                if j + 1 < len(tokens) and _is_name_word(tokens[j + 1]):
                    j += 1
                elif (
                    j + 2 < len(tokens)
                    and tokens[j + 1].low in ("of", "for")
                    and _is_name_word(tokens[j + 2])
                ):
                    j += 2
                elif (
                    j + 3 < len(tokens)
                    and tokens[j + 1].low in ("of", "for")
                    and tokens[j + 2].low == "the"
                    and _strip_possessive(tokens[j].low) in _ORG_WORDS
                    and _is_name_word(tokens[j + 3])
                ):
                    j += 3
                else:
                    break
            det = i > 0 and tokens[i - 1].low == "the"
            phrase = _classify_run(tokens, i, j + 1, det, text)
            if phrase is not None:
                if phrase.kind == "person":
                    words = phrase.name.split()
                    surname = fold(words[-1])
                    is_known = any(e.key.rsplit(" ", 1)[-1] == surname for e in self.people)
                    if len(words) >= 2 or (is_known and i == 0):
                        person = self._person(phrase.name)
                        person.gender = person.gender or phrase.gender
                        role = phrase.role
                        if role and i > 0 and tokens[i - 1].low in _FORMER_WORDS:
                            role = f"{tokens[i - 1].text} {role}"  # "former President Bill Clinton"
                        person.role = person.role or role  # "Governor Helena Voss visited ..."
                        if i == 0:
                            self._touch(person)
                elif len(tokens[i : j + 1]) > 1 or phrase.kind == "publication":
                    org = self._org(phrase)
                    alias = _appositive_head(tokens, j + 1)
                    if alias:
                        org.aliases.add(alias)  # "Quillon Systems, the Brennholt software company, ..."
            i = j + 1
        # A group or body opening a sentence is what a later "they" or "it" refers to.
        subject = _speaker_after(tokens, 0, text) if tokens and tokens[0].is_word else None
        if (
            subject is not None
            and subject.kind == "description"
            and (subject.plural or subject.head in _INSTITUTION_HEADS)
        ):
            entity = self._lookup(subject, False)
            if entity is not None:
                self._touch(entity)

    def _group(self, phrase: _Phrase) -> _Entity:
        """ "Smith and Jones": each one resolved as a single speaker would be, joined with "and"."""
        names: list[str] = []
        for part in phrase.parts:
            words = part.name.split()
            if names and words[0].lower() in _POSSESSIVE_PRONOUNS and phrase.parts[0].kind == "person":
                names.append(f"{names[0]}'s {' '.join(words[1:])}")  # "Sanders and his aides"
                continue
            entity = self._lookup(part, False)
            name = entity.name if entity is not None else part.name
            if names and part.written[:1].islower() and fold(name.split()[0]) == fold(part.written.split()[0]):
                name = name[:1].lower() + name[1:]  # "Attorneys and legal experts"
            names.append(name)
        name = " and ".join(names)
        key = fold(name)
        for e in reversed(self.recent):
            if e.key == key:
                return e
        return _Entity(name, "description", plural=True, words=set(key.split()))

    def resolve(self, phrase: _Phrase, role: str, org_hint: bool) -> _Entity | None:
        if phrase.parts:
            return self._touch(self._group(phrase))
        entity = self._lookup(phrase, org_hint)
        if entity is None:
            return None
        if role:
            entity.role = role
            entity.words |= set(fold(role).split())
        elif phrase.role and not entity.role:
            entity.role = phrase.role
            entity.words |= set(fold(phrase.role).split())
        if phrase.gender and not entity.gender:
            entity.gender = phrase.gender
        return self._touch(entity)

    def _lookup(self, phrase: _Phrase, org_hint: bool) -> _Entity | None:
        if phrase.kind == "pronoun":
            return self._pronoun(phrase.name, phrase.gender)
        if phrase.kind == "person" and not org_hint:
            return self._person(phrase.name)
        if phrase.kind in ("person", "org", "publication") and not (
            phrase.kind == "publication" and phrase.head in _PUBLICATION_HEADS
        ):
            return self._org(replace(phrase, kind="org") if phrase.kind == "person" else phrase)
        if phrase.definite:
            found = self._definite(phrase)
            if found is not None:
                return found
        name = phrase.name
        first = name.split()[0].lower()
        if first in _POSSESSIVE_PRONOUNS:
            # "His spokesman said": whose spokesman, as the article has it.
            owner = self._pronoun(first, {"his": "m", "her": "f"}.get(first, ""))
            if owner is not None:
                name = f"{owner.name}'s {' '.join(name.split()[1:])}"
        key = fold(name.removeprefix("the ").removeprefix("The "))
        for e in reversed(self.recent):
            if e.key == key:
                return e
        kind = "publication" if phrase.head in _PUBLICATION_HEADS else "description"
        return _Entity(
            name,
            kind,
            head=phrase.head,
            plural=phrase.plural,
            words=set(key.split()),
            gender=_GENDER_BY_HEAD.get(phrase.head, ""),
        )

    def _pronoun(self, word: str, gender: str) -> _Entity | None:
        """The entity a pronoun (or possessive: "his", "its") points to, or None."""
        if word in ("one", "another"):
            return self._one_of_group()
        for e in reversed(self.recent):
            if word in ("he", "she", "his", "her"):
                is_person = e.kind == "person" or (
                    e.kind == "description" and not e.plural and e.head in _PERSON_HEADS
                )
                if is_person and not (e.gender and gender and e.gender != gender):
                    e.gender = e.gender or gender
                    return e
            elif word in ("they", "their"):
                if e.plural:
                    return e
            elif e.kind in ("org", "publication") or (
                e.kind == "description" and not e.plural and e.head in _INSTITUTION_HEADS
            ):
                return e  # "it", "its"
        return None

    def _one_of_group(self) -> _Entity | None:
        """ "Residents said ... '...,' said one.": one of the group quoted last."""
        group = next((e for e in reversed(self.recent) if e.plural and e.kind == "description"), None)
        if group is None:
            return None
        members = (
            group.name if group.name.startswith("the ") else "the " + group.name[:1].lower() + group.name[1:]
        )
        name = f"one of {members}"
        found = next((e for e in self.recent if e.name == name), None)
        return found or _Entity(name, "description", head=group.head, words=set(fold(name).split()))

    def _definite(self, phrase: _Phrase) -> _Entity | None:
        """The earlier speaker meant by "the publication", "the board", "the mayor", "the official"."""
        if phrase.head in _PUBLICATION_HEADS and not phrase.qualifiers:
            for pool in (self.recent, self.orgs):
                for e in reversed(pool):
                    if e.kind == "publication":
                        return e
        quals = {q for q in phrase.qualifiers if q not in _DETERMINERS}
        for e in reversed(self.recent):
            if (
                e.plural == phrase.plural
                and e.kind in ("description", "org")
                and e.head == phrase.head
                and quals <= e.words
            ):
                return e
            if e.kind == "person" and e.role and _role_head(e.role) == phrase.head and quals <= e.words:
                return e
        for e in reversed(self.orgs):
            if (e.head == phrase.head or phrase.head in e.aliases) and not phrase.plural and quals <= e.words:
                return e
        for e in reversed(self.people):
            if e.role and _role_head(e.role) == phrase.head and quals <= e.words:
                return e
        return None


def _appositive_head(tokens: Sequence[_Token], i: int) -> str:
    """The head noun of ", the Brennholt software company that ..." at ``tokens[i]``, or ""."""
    if i + 1 >= len(tokens) or tokens[i].text != "," or tokens[i + 1].low not in ("the", "a", "an"):
        return ""
    e = i + 1
    while e < len(tokens) and not tokens[e].is_quote and tokens[e].text not in _HARD_PUNCT:
        e += 1
    if _aside_kind(tokens, i + 1, e) != "role":
        return ""
    chunk = tokens[i + 1 : e]
    return _role_head(" ".join(t.text for t in chunk[: _role_length(chunk)]))


def _role_head(role: str) -> str:
    """The noun a role is about: "a defense expert at the Kyiv Institute" -> "expert"; "Mayor" -> "mayor"."""
    words = [_strip_possessive(w).lower() for w in role.split()]
    cut = next((i for i, w in enumerate(words) if w in ("of", "for", "at", "in", "from", "with")), len(words))
    for w in reversed(words[:cut]):
        head = _head_noun(w.rstrip("."))
        if head:
            return head[0]
    return ""


# --- assembling quotes -------------------------------------------------------------------------


@dataclass(slots=True)
class _Said:
    """A quote found in a sentence, before its speaker is resolved."""

    position: int  # article offset where its words start, for reading order
    kind: QuoteKind
    text: str
    paragraphs: tuple[int, ...]
    anchor: _Anchor | None  # None: it continues the last speaker
    span: tuple[int, int] | None = None  # where ``text`` lies in its first paragraph (see ``Quote.span``)


@dataclass(slots=True)
class _Last:
    """The last quote given a speaker; an unattributed quotation that follows continues it."""

    speaker: _Entity
    written: str
    cue: str
    role: str
    paragraph: int  # 0-based index of the paragraph where that quote ends
    kind: QuoteKind
    reported_by: str = ""


# The New York Times (and typeset copy) writes a double quote as two apostrophes: ''Yes,'' he
# said. Read each pair as one double mark, keeping every offset: an opening pair (a word follows)
# becomes ' "', a closing one '" '.
_DOUBLED_APOSTROPHES = re.compile(r"''|``")


def _as_double_quote(m: re.Match[str]) -> str:
    after = m.string[m.end() : m.end() + 1]
    return ' "' if after.isalnum() or m.group() == "``" else '" '


class _Article:
    """The article as one text (paragraphs joined by newlines) with its quotations paired."""

    def __init__(self, paragraphs: Sequence[str]) -> None:
        normalised = [_DOUBLED_APOSTROPHES.sub(_as_double_quote, " ".join(p.split())) for p in paragraphs]
        self.raw = list(paragraphs)
        self.normalised = normalised
        self.text = "\n".join(normalised)
        self._flat = self.text.replace("\n", " ")  # same offsets; how a quote's words join paragraphs
        self.starts: list[int] = []
        offset = 0
        for p in normalised:
            self.starts.append(offset)
            offset += len(p) + 1
        self.spans = _find_quote_spans(self.text)
        self._span_starts = [span.start for span in self.spans]

    def paragraphs(self, start: int, end: int) -> tuple[int, ...]:
        """1-based numbers of the paragraphs that text between two offsets covers."""
        first = bisect_right(self.starts, start) - 1
        last = bisect_right(self.starts, max(start, end - 1)) - 1
        return tuple(range(first + 1, last + 2))

    def words(self, tokens: Sequence[_Token], a: int, b: int) -> tuple[str, int, int] | None:
        """The text of tokens a..b without punctuation at either end, with its offsets."""
        while a < b and not tokens[a].is_quote and tokens[a].text in _EDGE_PUNCT:
            a += 1
        while (
            b > a
            and not tokens[b - 1].is_quote
            and (
                tokens[b - 1].text in _EDGE_PUNCT
                or (tokens[b - 1].text == ")" and not any(t.text == "(" for t in tokens[a:b]))
            )
        ):
            b -= 1
        if b - a < 2 and not (b - a == 1 and tokens[a].is_quote):  # "said that '...'" is all quotation
            return None
        return (
            " ".join(self.text[tokens[a].start : tokens[b - 1].end].split()),
            tokens[a].start,
            tokens[b - 1].end,
        )

    def direct(self, tok: _Token, anchor: _Anchor | None) -> _Said:
        span = self.spans[tok.quote]
        # A comma before the closing mark belongs to the sentence around the quote ("'A blow,' said X").
        words = span.text[:-1].rstrip() if span.text.endswith(",") else span.text
        return _Said(
            span.start, QuoteKind.DIRECT, words, self.paragraphs(span.start, span.end), anchor,
            self.span(span.start + 1, span.end - 1),
        )

    def indirect(self, found: tuple[str, int, int], anchor: _Anchor) -> _Said:
        """Reported speech; mixed when it carries a quotation of the speaker's own words."""
        words, start, end = found
        first = bisect_left(self._span_starts, start)
        mixed = (
            first < len(self.spans)
            and self.spans[first].end <= end
            # "..., a pledge Halloran called 'a brochure'": the quotation is someone else's words.
            and not any(w in _VERB_LEMMA for w in self.text[start : self.spans[first].start].lower().split())
        )
        kind = QuoteKind.MIXED if mixed else QuoteKind.INDIRECT
        return _Said(start, kind, words, self.paragraphs(start, end), anchor, self.span(start, end))

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Article offsets ``start:end`` as offsets in the caller's own text of the first paragraph
        they touch, ended at that paragraph's end and trimmed of space and a trailing comma: what
        the chat highlights. An aside inside ("..., she said, ...") stays inside the span."""
        first = bisect_right(self.starts, start) - 1
        base = self.starts[first]
        text = self.normalised[first]
        a, b = start - base, min(end - base, len(text))
        while a < b and text[a].isspace():
            a += 1
        while b > a and (text[b - 1].isspace() or text[b - 1] == ","):
            b -= 1
        if a >= b:
            return None
        raw = self.raw[first]
        if raw == text:
            return a, b
        return _raw_offset(raw, a), _raw_offset(raw, b - 1) + 1


def _raw_offset(raw: str, at: int) -> int:
    """Where offset ``at`` of ``" ".join(raw.split())`` is in ``raw`` (runs of space are one)."""
    seen, in_space = -1, True  # leading space is dropped by split()
    for i, ch in enumerate(raw):
        if ch.isspace():
            if not in_space:
                seen += 1
                in_space = True
                if seen == at:
                    return i
            continue
        in_space = False
        seen += 1
        if seen == at:
            return i
    return len(raw)


_COORDINATORS = _words("and but while whereas although though yet")


_LEAD_WORDS = _words("and but so yet still now instead however also then meanwhile moreover indeed")
_SUBORDINATORS = _words("while although though whereas because when after before once unless if")


def _scope_contents(tokens: Sequence[_Token], anchors: list[_Anchor]) -> None:
    """Where each reported clause ends, and which anchors sit inside another's clause.

    A later anchor inside an earlier one's clause is nested ("said that officials warned that
    ...": the words are the first speaker's) unless a coordinator separates them (", but he
    acknowledged that ...", ", adding that ..."): then it ends the earlier clause.
    """
    semicolons = [j for j, t in enumerate(tokens) if t.text == ";"]
    commas = [j for j, t in enumerate(tokens) if t.text == ","]
    for i, anchor in enumerate(anchors):
        if anchor.suppressed or anchor.complement not in ("that", "clause"):
            continue
        # A semicolon starts a new clause ("Officials said the bridge was safe; residents disagreed"),
        # and so does the comma closing "X, who said that ..., resigned".
        end = _next_at(semicolons, anchor.complement_start, len(tokens))
        # So does the comma closing a subordinate clause: "While Ramos said that journalists cannot
        # have any political affiliation, he appears uneasy ...".
        if anchor.relative or (
            anchor.kind == "subject" and anchor.start > 0 and tokens[anchor.start - 1].low in _SUBORDINATORS
        ):
            end = min(end, _next_at(commas, anchor.complement_start, len(tokens)))
        # "46 percent said yes, compared with 23 percent who ...": the comparison is the writer's.
        for j in commas:
            if (
                anchor.complement_start < j < end - 2
                and tokens[j + 1].low == "compared"
                and tokens[j + 2].low in ("with", "to")
            ):
                end = j
                break
        for later in anchors[i + 1 :]:
            if later.start <= anchor.complement_start or later.suppressed or later.start >= end:
                continue
            if later.lemma in _NAMING_LEMMAS:
                continue  # "..., a pledge Halloran called 'a brochure, not a plan'": his words inside hers
            b = later.start
            if (
                later.kind == "inherit"
                or tokens[b - 1].text in (";", ",")
                or tokens[b - 1].low in _COORDINATORS
            ):
                while b - 1 > anchor.complement_start and (
                    tokens[b - 1].text in (",", ";") or tokens[b - 1].low in _COORDINATORS
                ):
                    b -= 1
                end = b
                break
            later.suppressed = True
        anchor.content = (anchor.complement_start, end)


def _next_at(positions: list[int], start: int, default: int) -> int:
    """The first of the sorted ``positions`` at or after ``start``, or ``default``."""
    k = bisect_left(positions, start)
    return positions[k] if k < len(positions) else default


def _read_unit(article: _Article, unit: _Unit) -> tuple[list[_Said], list[_Anchor]]:
    """Direct and reported quotes in one sentence, each tied to its anchor or marked as a continuation."""
    tokens = unit.tokens
    anchors = _find_anchors(tokens, article.text)
    for anchor in anchors:
        anchor.complement, anchor.complement_start = _complement(tokens, anchor)
    # ", asking for the closure to be paused" is not speech; ", adding that ..." is.
    # ", calling him 'a failed candidate'" is read as naming (``_read_naming``).
    dropped = {
        id(a)
        for a in anchors
        if a.kind == "inherit" and a.complement == "none" and a.lemma not in _NAMING_LEMMAS
    }
    for anchor in anchors:
        while anchor.source is not None and id(anchor.source) in dropped:
            anchor.source = anchor.source.source
    anchors = [
        a
        for a in anchors
        if id(a) not in dropped and (a.kind != "inherit" or a.source is not None or a.phrase is not None)
    ]
    _scope_contents(tokens, anchors)
    said: list[_Said] = []
    claimed: set[int] = set()  # token indexes of quotations given to an anchor or a reported clause

    for i, anchor in enumerate(anchors):
        if anchor.suppressed:
            continue
        if anchor.kind == "according":
            _read_according(article, tokens, anchor, anchors, said, claimed)
            continue
        left = _left_quote(tokens, anchor.start)
        if left >= 0 and left not in claimed:
            claimed.add(left)
            said.append(article.direct(tokens[left], anchor))
        if anchor.lemma in _NAMING_LEMMAS:
            _read_naming(article, tokens, anchor, said, claimed)
            continue
        if anchor.complement == "quote":
            q = anchor.complement_start
            if q not in claimed and (q + 1 >= len(tokens) or not tokens[q + 1].is_word):
                claimed.add(q)
                said.append(article.direct(tokens[q], anchor))
                continue
            anchor.complement, anchor.content = "clause", (q, len(tokens))  # "said 'buffer zones' would grow"
        if anchor.complement in ("that", "clause") and anchor.content:
            a, b = anchor.content
            if (
                anchor.complement == "clause"
                and not _is_clause(tokens[a:b])
                and not (anchor.lemma in _LOOSE_CLAUSE_LEMMAS and _looks_like_clause(tokens[a:b]))
            ):
                continue  # "Police estimated the crowd at 4,500; ..."
            found = article.words(tokens, a, b) if anchor.lemma not in _DIRECT_LEMMAS else None
            if found:
                said.append(article.indirect(found, anchor))
                claimed.update(j for j in range(a, b) if tokens[j].is_quote)
        elif left < 0 and anchor.lemma not in _DIRECT_LEMMAS:
            _read_trailing(article, tokens, anchor, anchors[:i], said, claimed)

    # Quotations nobody took: the second half of a split quote ("'A,' said X, 'B.'"), a quote
    # standing alone after its speaker's sentence, or a scare quote inside a clause (dropped).
    for q, tok in enumerate(tokens):
        if (
            not tok.is_quote
            or q in claimed
            or not _quote_ends_clause(tokens, q)
            or not _quote_opens_clause(tokens, q)
        ):
            continue
        earlier = [s for s in said if s.kind is QuoteKind.DIRECT and s.position < tok.start]
        if earlier:
            said.append(article.direct(tok, earlier[-1].anchor))
        elif all(not t.is_word for t in tokens[:q]):
            said.append(article.direct(tok, None))
    said.sort(key=lambda s: s.position)
    return said, anchors


def _read_naming(
    article: _Article,
    tokens: Sequence[_Token],
    anchor: _Anchor,
    said: list[_Said],
    claimed: set[int],
) -> None:
    """Read "She called the vote 'a tax on getting to work'" and "what X described as a gesture to ...".

    The quoted words are the speaker's own even inside another speaker's reported clause; a
    phrase under three words ("a 'buffer zone'") is a scare quote. Without quote marks, what
    follows "described as" is reported.
    """
    taken = {s.position for s in said if s.kind is QuoteKind.DIRECT}
    for j in range(anchor.end, min(len(tokens), anchor.end + 10)):
        tok = tokens[j]
        if tok.is_quote:
            if tok.start not in taken and _word_count(article.spans[tok.quote].text) >= 3:
                claimed.add(j)
                said.append(article.direct(tok, anchor))
            return
        if tok.text in (".", ";", "!", "?"):
            break
    as_at = next(
        (j for j in range(anchor.end, min(len(tokens), anchor.end + 6)) if tokens[j].low == "as"), -1
    )
    if (
        as_at < 0
        or anchor.lemma not in ("describe", "characterize", "characterise")
        or anchor.kind != "subject"
    ):
        return
    end = next((j for j in range(as_at, len(tokens)) if tokens[j].text == ";"), len(tokens))
    found = article.words(tokens, as_at + 1, end)
    if found is not None and _word_count(found[0]) >= 3:
        said.append(article.indirect(found, anchor))
        claimed.update(j for j in range(as_at, end) if tokens[j].is_quote)


def _read_according(
    article: _Article,
    tokens: Sequence[_Token],
    anchor: _Anchor,
    anchors: list[_Anchor],
    said: list[_Said],
    claimed: set[int],
) -> None:
    """Read "According to X, ..." and "..., according to X": the rest of the clause is what X says."""
    a, b = anchor.start, anchor.end
    if a > 0 and tokens[a - 1].text == ",":
        a -= 1
    elif b < len(tokens) and tokens[b].text == ",":
        b += 1
    # The clause around the phrase ends where another attribution in the sentence begins.
    others = [x for x in anchors if x is not anchor and not x.suppressed]
    floor = max([x.content[1] if x.content else x.end for x in others if x.end <= a] + [0])
    while floor < a and (tokens[floor].text in (",", ";") or tokens[floor].low in _COORDINATORS):
        floor += 1
    ceiling = min([x.start for x in others if x.start >= b] + [len(tokens)])
    while ceiling > b and (
        tokens[ceiling - 1].text in (",", ";") or tokens[ceiling - 1].low in _COORDINATORS
    ):
        ceiling -= 1
    rest = [*range(floor, a), *range(b, ceiling)]
    quotes = [j for j in rest if tokens[j].is_quote]
    if quotes and not any(tokens[j].is_word for j in rest):
        for q in quotes:  # "'...,' according to X."
            if q not in claimed:
                claimed.add(q)
                said.append(article.direct(tokens[q], anchor))
        return
    if not _is_clause([tokens[j] for j in rest]):
        return
    parts = [p for p in (article.words(tokens, floor, a), article.words(tokens, b, ceiling)) if p]
    if not parts:
        return
    said.append(article.indirect((" ".join(p[0] for p in parts), parts[0][1], parts[-1][2]), anchor))
    claimed.update(quotes)


def _read_trailing(
    article: _Article,
    tokens: Sequence[_Token],
    anchor: _Anchor,
    earlier: list[_Anchor],
    said: list[_Said],
    claimed: set[int],
) -> None:
    """Read "Thousands remain displaced, officials said." and "The city, officials said, is lost."."""
    start = anchor.start
    if start == 0:
        return
    # 'The media are "framing this campaign," Gilmore said.': the comma sits inside the closing
    # mark, so the quotation ends the reported clause and belongs to it.
    prev = tokens[start - 1]
    comma_in_quote = prev.is_quote and article.spans[prev.quote].text.endswith(",")
    if prev.text != "," and not comma_in_quote:
        return
    cut = start if comma_in_quote else start - 1
    floor = max([x.end for x in earlier if not x.suppressed] + [0])
    a = start - 1
    while a - 1 >= floor and tokens[a - 1].text not in (";", ":"):
        a -= 1
    loose = anchor.lemma in _LOOSE_CLAUSE_LEMMAS
    # "Still, he said, officials have to decide ...": nothing but a sentence adverb before the anchor.
    lead = a
    while lead < cut and (tokens[lead].low in _LEAD_WORDS or tokens[lead].text == ","):
        lead += 1
    bare_lead = lead >= cut and lead > a and not comma_in_quote
    found = article.words(tokens, a, start)
    if found is None and not bare_lead:
        return
    words, s, e = found or ("", 0, 0)
    clause = [] if bare_lead else list(tokens[a:cut])
    # "..., he said, and every worker ..." / "The city, officials said, is lost."
    i = _skip_time(tokens, anchor.end)
    while (
        i < len(tokens)
        and tokens[i].is_word
        and (
            tokens[i].low in _GAP_STARTERS
            or tokens[i].low in _DOCUMENT_NOUNS
            or tokens[i].low in _words("a an the reporters")
        )
    ):
        i += 1
    rest_quotes: list[int] = []
    if i + 1 < len(tokens) and tokens[i].text == ",":
        nxt = tokens[i + 1]
        rest = article.words(tokens, i + 1, len(tokens))
        after = tokens[i + 1 :]
        after_is_clause = _is_clause(after) or (loose and _looks_like_clause(after))
        # "To pay for the programme, Voss said, the province would raise ...": the clause follows.
        # "It was, he said, one of the bitterest failures": neither half is a clause on its own.
        fronted = not _is_clause(clause) and (after_is_clause or (loose and _is_clause(clause + list(after))))
        # "And if Clinton is the nominee, he said, he would consider ...": the subordinate clause leads.
        subordinate = bool(clause) and tokens[lead].low in _SUBORDINATORS and after_is_clause
        if bare_lead and rest and after_is_clause:
            words, s, e = rest
            clause = list(after)
            rest_quotes = [j for j in range(i + 1, len(tokens)) if tokens[j].is_quote]
        elif (
            rest
            and clause
            and (nxt.low in _FINITE_MARKERS or nxt.low in ("and", "but", "because") or fronted or subordinate)
        ):
            halves = _is_clause(clause) or after_is_clause  # else one clause: "It was one of ..."
            joiner = " " if nxt.low in _FINITE_MARKERS or not halves else ", "
            words, e = words + joiner + rest[0], rest[2]
            clause += after
            rest_quotes = [j for j in range(i + 1, len(tokens)) if tokens[j].is_quote]
    if not clause or not (_is_clause(clause) or (loose and _looks_like_clause(clause[lead - a :]))):
        return
    said.append(article.indirect((words, s, e), anchor))
    claimed.update(j for j in range(a, start) if tokens[j].is_quote)
    claimed.update(rest_quotes)


def _word_count(text: str) -> int:
    return sum(1 for w in text.split() if any(c.isalnum() for c in w))


def _quote_opens_clause(tokens: Sequence[_Token], q: int) -> bool:
    """After punctuation, a verb or "a.m." (``split_sentences`` goes on after "a.m." before a quote)."""
    prev = tokens[q - 1] if q else None
    return prev is None or not prev.is_word or prev.low in _VERB_LEMMA or prev.text.endswith(".")


def _quote_ends_clause(tokens: Sequence[_Token], q: int) -> bool:
    return q + 1 >= len(tokens) or not tokens[q + 1].is_word


def _resolve(book: _SpeakerBook, anchor: _Anchor) -> _Entity | None:
    """The speaker of an anchor, resolved once (an "inherit" anchor shares its source's)."""
    if not anchor.resolved:
        anchor.resolved = True
        if anchor.phrase is not None:
            anchor.speaker = book.resolve(anchor.phrase, anchor.role, anchor.org_hint)
        elif anchor.source is not None:
            source = anchor.source
            anchor.speaker = _resolve(book, source)
            anchor.role = anchor.role or source.role
    return anchor.speaker


def _written(anchor: _Anchor) -> str:
    """The speaker as the sentence names it; an "inherit" anchor names it through its source."""
    while anchor.phrase is None and anchor.source is not None:
        anchor = anchor.source
    return anchor.phrase.written if anchor.phrase else ""


def _opening_anchor(tokens: Sequence[_Token], said: list[_Said], anchors: list[_Anchor]) -> _Anchor | None:
    """The attribution a sentence opens with ("X said ...", "'...,' said X", "X said so"), or None."""
    if said and said[0].anchor is not None and (said[0].anchor.start == 0 or tokens[0].is_quote):
        return said[0].anchor
    return next(
        (a for a in anchors if a.start == 0 and a.kind in ("subject", "inverted") and not a.suppressed), None
    )


class _Collector:
    """Quotes given speakers so far, and the last one, which an unattributed quotation continues."""

    def __init__(self) -> None:
        self.found: list[tuple[int, Quote]] = []
        self.last: _Last | None = None

    def add(self, s: _Said, speaker: _Entity, written: str, cue: str, role: str, reported_by: str = "") -> None:
        # One spelling per speaker whatever the typography: "the governor’s office" -> "governor's".
        name = speaker.name.replace("’", "'")
        masthead = fold(reported_by.removeprefix("The ").removeprefix("the "))
        if reported_by and (speaker.kind == "publication" or masthead in fold(name)):
            reported_by = ""  # never the speaker itself, nor "a New York Times reporter"
        quote = Quote(name, written, s.text, s.kind, cue, s.paragraphs, role, reported_by, s.span)
        self.found.append((s.position, quote))
        self.last = _Last(speaker, written, cue, role, s.paragraphs[-1] - 1, s.kind, reported_by)

    def add_from(self, s: _Said, book: _SpeakerBook, anchor: _Anchor, frame: _Frame | None = None) -> None:
        speaker = _resolve(book, anchor)
        if speaker is not None:
            reported_by = frame.reported_by(s, anchor, speaker) if frame is not None else ""
            self.add(s, speaker, _written(anchor), anchor.cue, anchor.role or speaker.role, reported_by)

    def continue_last(self, s: _Said, previous: _Last | None) -> None:
        """Give ``s`` to the previous speaker if that quote ended in this or the previous paragraph.

        Not after something reported "according to" a source or by a publication: a quotation
        that follows a report usually quotes someone in it, not the report itself. A continued
        quote keeps the publication that relayed the first (``reported_by``).
        """
        if previous is None or s.paragraphs[0] - 1 > previous.paragraph + 1:
            return
        if previous.kind is QuoteKind.INDIRECT and (
            previous.cue == "according to" or previous.speaker.kind == "publication"
        ):
            return
        self.add(s, previous.speaker, previous.written, previous.cue, previous.role, previous.reported_by)


# --- second-hand attribution -------------------------------------------------------------------


def _publication_name(book: _SpeakerBook, anchor: _Anchor) -> str:
    """The resolved name of the publication an anchor credits ("The New York Times"), or "".

    Looked up without touching the speaker book, so it never changes who a later "it" or "the
    publication" is.
    """
    if anchor.resolved:
        entity = anchor.speaker
        return entity.name if entity is not None and entity.kind == "publication" else ""
    phrase = anchor.phrase
    if phrase is None or phrase.kind != "publication" or phrase.parts:
        return ""
    if phrase.head in _PUBLICATION_HEADS:  # "the publication", "the newspaper"
        entity = book._definite(phrase) if phrase.definite else None
        return entity.name if entity is not None and entity.kind == "publication" else ""
    key = fold(phrase.name.removeprefix("the ").removeprefix("The "))
    return next((e.name for e in reversed(book.orgs) if e.key == key), phrase.name)


@dataclass(slots=True)
class _Frame:
    """Which publication relays the other quotes of a sentence (see ``_frame``)."""

    publication: str
    anchor: _Anchor | None  # the sentence's own "according to <publication>"; None: the sentence before
    unnamed_only: bool  # from the sentence before: only an unnamed person's quotation is its

    def reported_by(self, s: _Said, anchor: _Anchor, speaker: _Entity) -> str:
        if anchor is self.anchor or speaker.kind == "publication":
            return ""
        if self.unnamed_only and not (
            # "'This is a major blow,' said one anonymous official": quoted words of someone the
            # article does not name. Not the article's own sourcing ("..., according to an
            # executive"), reported speech, nor a body answering the report ("The campaign
            # called the report a 'rush to judgment'").
            s.kind is not QuoteKind.INDIRECT
            and speaker.kind == "description"
            and speaker.head in _PERSON_HEADS
            and anchor.kind in ("subject", "inverted")
            and anchor.lemma not in _NAMING_LEMMAS
        ):
            return ""
        return self.publication


def _frame(book: _SpeakerBook, anchors: Sequence[_Anchor]) -> _Frame | None:
    """ "According to (a report by) The Times, one official said ...": the Times relays the others.

    Only "according to", which scopes over the whole sentence ("X said ..., according to the
    Times"); "The Times reported ... and Smith said ..." may be Smith speaking to anyone.
    """
    for anchor in anchors:
        if anchor.kind == "according" and not anchor.suppressed:
            name = _publication_name(book, anchor)
            if name:
                return _Frame(name, anchor, unnamed_only=False)
    return None


def _frame_after(book: _SpeakerBook, said: Sequence[_Said]) -> _Frame | None:
    """ "The publication highlights that .... '...,' said one anonymous official.": a sentence in
    which a publication reports something relays the unnamed speakers of the next sentence in the
    same paragraph (a named one may be answering the report rather than quoted in it).
    """
    for s in said:
        if s.anchor is not None and s.kind is not QuoteKind.DIRECT:
            name = _publication_name(book, s.anchor)
            if name:
                return _Frame(name, None, unnamed_only=True)
    return None


def extract_quotes(paragraphs: Sequence[str]) -> list[Quote]:
    """Direct and reported quotes in an article, in reading order, each with a resolved speaker.

    ``paragraphs`` are an article's (already repaired) paragraphs in order; paragraph ``i`` is
    number ``i + 1`` in ``Quote.paragraphs``. Only quotes with a speaker are returned: a
    quotation nobody is credited with is a scare quote, a title or a slogan.

        >>> [(q.speaker, q.text) for q in extract_quotes(["'We will rebuild,' said Mayor Lena Okafor."])]
        [('Lena Okafor', 'We will rebuild')]
    """
    article = _Article(paragraphs)
    units = _units(article.text, article.starts, article.spans)
    read = [_read_unit(article, unit) for unit in units]
    book = _SpeakerBook()
    out = _Collector()
    waiting: list[_Said] = []  # a paragraph opening with a bare quotation waits for its next sentence
    last_before_waiting: _Last | None = None

    previous_frame: _Frame | None = None  # from the sentence before, in the same paragraph

    for index, unit in enumerate(units):
        said, anchors = read[index]
        book.note_mentions(unit.tokens, article.text)
        if unit.first_in_paragraph:
            previous_frame = None
        frame = _frame(book, anchors) or previous_frame
        if waiting:
            opener = _opening_anchor(unit.tokens, said, anchors)
            speaker = _resolve(book, opener) if opener is not None else None
            for w in waiting:
                if opener is not None and speaker is not None:
                    out.add_from(w, book, opener, frame)
                else:
                    out.continue_last(w, last_before_waiting)
            waiting = []
        # A bare quotation opening a paragraph, or followed by a bare "Jones asked.", belongs to
        # the next sentence's speaker rather than to the last one.
        if (
            said
            and all(s.anchor is None for s in said)
            and index + 1 < len(units)
            and units[index + 1].paragraph == unit.paragraph
            and (unit.first_in_paragraph or not read[index + 1][0])
            and _opening_anchor(units[index + 1].tokens, *read[index + 1]) is not None
        ):
            waiting, last_before_waiting = said, out.last
            previous_frame = None
            continue
        for s in said:
            if s.anchor is None:
                out.continue_last(s, out.last)
            else:
                out.add_from(s, book, s.anchor, frame)
        previous_frame = _frame_after(book, said)
    for w in waiting:
        out.continue_last(w, last_before_waiting)
    out.found.sort(key=lambda pair: pair[0])
    return [quote for _, quote in out.found]
