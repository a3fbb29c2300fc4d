"""The words the rules know: reporting verbs and their forms, speaker nouns, titles, function words.

Each list is a frozenset of lower-case words (``word_set``): a rule asks whether a token's lower-case
form is in it. ``VERB_LEMMA`` maps every form of a reporting verb ("said", "says", "saying") to its
lemma ("say"); the verb lists say which patterns each lemma takes.
"""

from __future__ import annotations

import re
from functools import lru_cache


def word_set(text: str) -> frozenset[str]:
    """The words of ``text``, split on white space: ``word_set("said told")``."""
    return frozenset(text.split())


# --- reporting verbs ---------------------------------------------------------------------------

IRREGULAR_VERBS: dict[str, tuple[str, ...]] = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "writing", "written"),
    "think": ("think", "thinks", "thought", "thinking"),
    "shoot": ("shoots", "shot", "shooting"),
    "hit": ("hits", "hit", "hitting"),
    "agree": ("agree", "agrees", "agreed", "agreeing"),
    "put": ("put", "puts", "put", "putting"),
}
DOUBLED_FINAL = word_set("admit quip snap regret")
# Verbs that introduce a "that" clause or a quote. "underscore" and the like are left out:
# in news copy they are far more often passive ("is underscored by") than reporting verbs.
THAT_LEMMAS = word_set(
    "say tell note highlight declare suggest report warn claim state add argue insist believe explain "
    "stress emphasize emphasise announce confirm deny acknowledge admit assert maintain contend predict "
    "estimate observe remark allege indicate reveal recall caution concede conclude comment reiterate "
    "mention complain vow pledge promise threaten reply respond answer write tweet post agree counter "
    "think point shoot hit fire testify assure boast lament repeat retort affirm charge proclaim reckon put"
)
# Verbs of asking and urging: "asked (him) whether ...", "urged voters to ..." (``content``).
REQUEST_LEMMAS = word_set("ask urge implore beg accuse")
WH_WORDS = word_set("whether if why how what who when where which")
# Verbs that only introduce direct speech ("'Why?' she asked").
DIRECT_LEMMAS = word_set(
    "ask exclaim shout whisper continue joke chant cry yell sigh quip scoff snap muse laugh plead wonder"
)
# Verbs whose reported clause may drop "that" ("Varga said the hospital would keep ...").
BARE_CLAUSE_LEMMAS = word_set(
    "say tell add believe think warn claim insist argue report predict admit concede acknowledge "
    "complain write note suggest estimate confirm reckon announce"
)
# Verbs that may come before their speaker ("'...,' said one anonymous official").
INVERTIBLE_LEMMAS = word_set(
    "say add ask write explain reply continue note warn insist recall exclaim shout declare argue "
    "comment observe remark answer admit conclude agree joke quip retort concede sigh counter predict "
    "chant cry whisper laugh muse snap scoff plead wonder"
)
# "She called the vote 'a tax on getting to work'": the quoted words are the speaker's own.
NAMING_LEMMAS = word_set("call describe characterize characterise dub label brand term")
# Phrasal reporting verbs count only with their particle: "pointed out that", "shot back that".
PARTICLES = {"point": "out", "shoot": "back", "hit": "back", "fire": "back", "put": "it"}  # "as X put it"


def verb_forms(lemma: str) -> tuple[str, ...]:
    """The forms of a reporting verb a sentence may use: "warn" -> warn, warns, warned, warning."""
    if lemma in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[lemma]
    if lemma.endswith("e"):
        return lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"
    if lemma in DOUBLED_FINAL:
        return lemma, lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"
    third = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s")
    return lemma, third, lemma + "ed", lemma + "ing"


VERB_LEMMA: dict[str, str] = {
    form: lemma
    for lemma in sorted(THAT_LEMMAS | DIRECT_LEMMAS | NAMING_LEMMAS | INVERTIBLE_LEMMAS | REQUEST_LEMMAS)
    for form in verb_forms(lemma)
}
VERB_LEMMA.update({"labelled": "label", "labelling": "label"})

# --- speakers, names and the words around them -------------------------------------------------

PERSON_HEADS = word_set(
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
INSTITUTION_HEADS = word_set(
    "ministry government kremlin pentagon military army navy police authority administration office agency "
    "committee council commission department parliament embassy command staff service headquarters court "
    "company firm group organization organisation union alliance bloc party regime cabinet presidency "
    "mission watchdog bank institute center centre foundation coalition board association guild federation "
    "utility hospital university city municipality county province charity body panel tribunal bureau "
    "directorate secretariat duma rada senate congress assembly brigade battalion regiment movement church "
    "airline carrier manufacturer retailer insurer lender regulator developer landlord supplier crew team "
    "crowd campaign network"
)
PUBLICATION_HEADS = word_set(
    "publication newspaper paper outlet daily magazine broadcaster channel website tabloid weekly journal"
)
SPEAKER_HEADS = PERSON_HEADS | INSTITUTION_HEADS | PUBLICATION_HEADS
PLURAL_HEADS = {
    "people": "person",
    "police": "police",
    "staff": "staff",
    "troops": "troop",
    "personnel": "personnel",
    "authorities": "authority",
    "media": "media",
}

DETERMINERS = word_set(
    "the a an one this that these those some several many most other another both all each few two three "
    "four five six seven eight nine ten dozens hundreds thousands his her its their our"
)
POSSESSIVE_PRONOUNS = word_set("his her its their")
PRONOUNS = {"he": "m", "she": "f", "they": "", "it": "", "one": "", "another": ""}
MODIFIERS = word_set(
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
ADJECTIVE_ENDINGS = ("al", "ic", "ary", "ian", "ean", "ese", "ish", "ive", "ous", "ern", "ful", "ed", "ing")
FUNCTION_WORDS = word_set(
    "the a an and but or nor so yet for of in on at to from by with without as after before during since "
    "until while when where if though although because however meanwhile moreover still also earlier "
    "later then now this that these those it its there here he she they we i you his her their our my "
    "your asked speaking according last next both such even instead indeed nevertheless separately "
    "similarly overall today yesterday tonight under over despite amid among into through across against "
    "about above below between not no all some many what who which why how once only just unlike besides "
    "beyond toward towards upon within whether unless whereas throughout"
)
# Capitalised words that open a sentence or a phrase without being part of a name: "Does Rubio ...?",
# "Former Obama spokesman Robert Gibbs", "Neither Clinton nor ...", 'Said Ellis: "..."' (on
# PolNeAR train, runs such as "Does Rubio" and "Former Obama" were credited with quotes). Only
# names read them: "a former RT journalist" and "top lawmakers" stay descriptions.
NOT_NAME_WORDS = word_set(
    "like does did do can could had has have was were is are should would shall might must see given "
    "following neither either former top mainstream presumptive longtime telling continued said says"
)
TIME_WORDS = word_set(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december week weekend month year day night morning afternoon "
    "evening today yesterday tonight earlier later recently previously"
)
# Words after which a new subject can start: "..., with Denis Pushilin ... declaring that".
BOUNDARY_WORDS = (
    word_set(
        "with as and but or nor while when whereas because since though although after before that where so "
        "yet then meanwhile however still now also even if once until unless which what"
    )
    | TIME_WORDS
)
AUXILIARIES = word_set("has have had will would could may might should must can did does do shall 've 'd")
# "didn't", "wasn't", "can't" as one token: a negated auxiliary (``cues._finite_verb_at``, and the
# "that" before one is a clause's subject in ``content._complement``).
NEGATED_AUXILIARY = re.compile(r"(?:did|does|do|was|were|is|are|has|have|had|could|would|should|ca|wo)n[’']t")
PRE_VERB_ADVERBS = word_set(
    "also later earlier then now previously recently repeatedly reportedly publicly privately once still "
    "further again already separately similarly however initially subsequently first finally long often "
    "always sometimes usually"
)
BLOCKERS = word_set("not n't never was were is are be been being to am cannot")
GAP_STARTERS = word_set(
    "in on at during after before via through to with from late early earlier later last this yesterday "
    "today tonight recently previously publicly privately repeatedly also again however separately for "
    "over since when afterwards"
)
FINITE_MARKERS = word_set(
    "is are was were be been has have had will would can could may might must should shall does did do "
    "remain remains remained continue continues need needs want wants plan plans intend intends seem seems "
    "appear appears face faces hold holds control controls make makes take takes give gives know knows "
    "understood knew thought felt saw found made took gave came went got kept left lost met paid put ran "
    "sent spent stood told won wrote began brought built bought caught chose drew drove fell fought grew "
    "held heard led meant rose sold struck taught threw became broke cost cut let set spread sought "
    "expects expect believes believe supports support opposes oppose understands understand lacks lack "
    "exists exist costs goes go comes come lies stands"
)
DOCUMENT_NOUNS = word_set(
    "report reports statement statements analysis article investigation study survey assessment story piece "
    "interview post briefing update estimate estimates data figures poll review tally count bulletin release "
    "memo document message filing audit findings records account accounts reporting"
)
GENDER_BY_HEAD = {
    **dict.fromkeys(
        word_set("spokesman man father son brother husband boy chairman councilman serviceman"), "m"
    ),
    **dict.fromkeys(
        word_set("spokeswoman woman mother daughter sister wife girl chairwoman councilwoman"), "f"
    ),
}
# Documents that speak for themselves ("The poll found that ...", "..., records show."): a head of a
# speaker phrase only before a reporting verb, never a person or an organisation.
DOCUMENT_HEADS = word_set(
    "poll survey study report analysis record document data figure filing website audit review finding "
    "census biography memoir transcript indictment lawsuit statement email e-mail letter memo tweet "
    "file paper article tally ledger research polling"
)
# Documents someone sends: "The company told staff in an email ... . ..., the email said." -> the company.
SENT_DOCUMENTS = word_set("statement email e-mail letter memo tweet post message")
# Verbs that report only with a document as subject: "The survey shows ...", "the poll found".
DOCUMENT_VERB_LEMMA = {
    form: lemma
    for lemma, forms in (("show", "show shows showed shown showing"), ("find", "find finds found finding"))
    for form in forms.split()
}
DOCUMENT_MODIFIERS = word_set(
    "recent latest new leaked internal confidential classified separate annual official own published "
    "preliminary"
)
HONORIFICS = word_set("dr dr. mr mr. mrs mrs. ms ms. miss mx mx. prof prof. sir dame")
GENDER_BY_HONORIFIC = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "dame": "f"}
OFFICE_TITLES = word_set(
    "president vice prime minister secretary senator sen. rep. representative gov. governor mayor deputy "
    "general gen. lt. lieutenant col. colonel maj. major capt. captain sgt. sergeant adm. admiral commander "
    "cmdr. chancellor chief judge justice ambassador amb. pope king queen prince princess sheikh speaker "
    "chairman chairwoman chair director ceo councilmember councilman councilwoman councillor councilor "
    "alderman commissioner sheriff inspector superintendent supt. det. detective marshal professor bishop "
    "archbishop rabbi imam rev. reverend premier spokesman spokeswoman spokesperson head leader emir "
    "president-elect coach congressman congresswoman assemblyman assemblywoman officer counsel founder "
    "journalist reporter author actor actress comedian columnist billionaire businessman businesswoman rival "
    "strategist adviser advisor aide pollster economist analyst"
)
TITLE_EXPANSIONS = {
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
NAME_PARTICLES = word_set("de van von der den da di du la le bin ibn al el del dos das ter ten")
ORG_WORDS = word_set(
    "ministry department council committee commission agency institute university office forces army navy "
    "guard police service services staff command headquarters republic federation union party parliament "
    "congress senate assembly government administration court bank fund group company corporation corp "
    "inc ltd organization organisation foundation center centre alliance coalition kremlin pentagon house "
    "nations states kingdom nato un eu front brigade battalion regiment watch international network board "
    "authority bureau cabinet duma rada secretariat association guild shipping systems airlines energy "
    "holdings industries motors technologies partners capital media transit hospital school college "
    "movement church corps railway railways utilities club league reserve force"
)
PUBLICATION_WORDS = word_set(
    "times post journal news telegraph guardian herald tribune chronicle gazette economist independent "
    "observer mirror express daily magazine review monitor atlantic politico axios reuters bloomberg bbc "
    "cnn ap afp tass interfax ria novosti ukrinform kommersant izvestia vedomosti meduza spiegel monde "
    "jazeera npr nbc cbs abc sky wire press courier ledger standard globe pravda post-dispatch insider"
)
# Mastheads that carry "The": "the New York Times" is normalised to "The New York Times".
MASTHEAD_WORDS = word_set(
    "times post journal telegraph guardian independent economist observer herald tribune chronicle gazette "
    "atlantic globe mirror sun hill spectator courier ledger standard"
)
PLACES = word_set(
    "moscow kyiv kiev washington beijing london paris berlin brussels tehran jerusalem ankara minsk warsaw "
    "tokyo seoul pyongyang ukraine russia china israel iran turkey belarus poland germany france britain "
    "america europe"
)

# Poll shares ("75 percent of Democrats", "about four in 10"), "former" before a title, and the
# prepositions of a speaker's complement ("officials in the region").
PROPORTIONS = word_set(
    "percent % half majority minority third thirds quarter quarters two-thirds three-quarters three-fourths "
    "plurality"
)
APPROXIMATORS = word_set("about almost nearly roughly some only just a an the over under fully")
NUMBER_WORDS = word_set(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty seventy "
    "eighty ninety"
)
FORMER_WORDS = word_set("former retired outgoing incoming acting interim late")
PP_PREPOSITIONS = word_set("of for at in from on with near across around to")
QUANTIFIERS = word_set("one some many most several two three four five six few none each all both dozens")

# --- punctuation -------------------------------------------------------------------------------

# Punctuation that ends a run of words between commas: an aside, a role, a chunk of a sentence.
HARD_PUNCT = frozenset(",;:.!?—–()[]")


# --- verb forms from an English lexicon ---------------------------------------------------------


@lru_cache(maxsize=65536)
def verb_form_tags(low: str) -> frozenset[str]:
    """The finite verb forms ``low`` can be, from lemminflect's English lexicon: "VBZ" ("leads"),
    "VBD" ("led", "won"), "VBP" ("lead"); "NOUN" is added when it can also be a noun ("leads").

    Empty for a word that is no verb ("news", "officials"). Only ingest imports lemminflect.
    """
    from lemminflect import getAllInflections, getAllLemmas

    found = getAllLemmas(low)
    tags: set[str] = set()
    for upos in ("VERB", "AUX"):
        for lemma in found.get(upos, ()):
            for tag, forms in getAllInflections(lemma, upos=upos).items():
                if tag in ("VBZ", "VBD", "VBP") and low in forms:
                    tags.add(tag)
    if tags and "NOUN" in found:
        tags.add("NOUN")
    return frozenset(tags)
