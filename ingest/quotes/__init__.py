"""Who said what: direct and reported quotes in an article, with each speaker resolved.

Rules, not a model: this runs at ingest over thousands of articles, and edited news copy
attributes speech with a small set of patterns ("..., said X", "X said that ...", "according
to X, ..."). A rule that does not fire loses a quote; a rule that fires wrongly puts words in
someone's mouth, so every rule errs on the side of returning nothing.

How an article is read, one module a step (``lexicon`` holds the word lists they share):

1. ``marks`` pairs quote marks across the whole article. Apostrophes ("Ukraine's", "don't",
   "the Armed Forces' withdrawal") are not quote marks, and a quote left open at the end of a
   paragraph continues into the next one, as news copy does.
2. ``sentences`` cuts the article into sentences with ``rag.text.split_sentences``, never inside
   a quote, so a sentence may span two paragraphs when its quote does.
3. ``cues`` looks for attributions in the words outside the quotes: "X said", "said X",
   "according to X", ", adding that ...". Quotes are single tokens there, so the rules see
   "<Q> said one anonymous official". The speaker is a noun phrase (``phrases``) with the asides
   around it (``roles``: "Denis Pushilin, the head of the DPR, said"). A participle after a comma
   (", saying ...") belongs to the speaker before it in the sentence, or else to the subject
   opening the sentence when a finite-looking verb follows that subject ("Fiorina criticized
   Trump, saying ...").
4. ``content`` gives each attribution the quotes beside it (direct) or the clause it introduces
   (indirect), cut from the article's text (``article``). A clause without "that" must look like
   one: a finite verb from a list anywhere or, after "say", "tell", "think" and the like, a
   subject followed at once by a finite-looking verb ("it's", "reflects", "misunderstand" after a
   plural). A quote standing alone continues the last speaker; a quote inside a clause is a scare
   quote or a title and is kept only as part of a reported clause.
5. ``speakers`` resolves "Pushilin", "he", "the publication" to someone named earlier.
6. ``relays``, second-hand attribution: ``Quote.reported_by`` names the publication that relayed
   a quote, as its speaker would be resolved ("The New York Times").
7. ``extract`` runs the steps over the article in reading order (``extract_quotes``).

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
resolved to whoever sent it unless an earlier sentence had its sender speak "in an email" (a statement,
letter, memo, tweet); "the city's electoral office" stays as written.
"""

from ingest.quotes.extract import extract_quotes, extract_quotes_of

__all__ = ["EXTRACTOR_VERSION", "extract_quotes", "extract_quotes_of", "extractor_label", "extractor_version"]


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
# 10: documents speak ("The poll found that ...", "A new poll shows X with a lead", "..., records show",
#     "according to a new poll"; "the email said" is whoever was said to write "in an email"); "ask"
#     (whether/if/to), "urge", "accuse X of", "call on X to", "call for" report what was asked; "announce"
#     takes a bare clause; a contraction is a finite verb ("shouldn't"); 'said he "cannot ..."' and
#     '"..." for the union, said X' are mixed; 'X called the plan "reckless"' (a quotation under three
#     words) is mixed with its object, to the end of its clause; 'Tom Vale: "..."' opening a sentence or
#     after a dash; an age aside ("Anna Stone, 29, says").
# 11: a bare clause after the verb, after "according to X," and before ", X said" may have any past
#     or 3rd-person verb form an English word lexicon (lemminflect) knows ("said the head of the party
#     leads the effort", "The state leads the nation, the governor announced") when its first word
#     could open a subject; 'called the plan "a tax on getting to work" for commuters' (a quotation of
#     three words or more after an object) is mixed, with the object, to the end of the sentence.
# 12: attributions read from a dependency parse and kept by a cue model trained on PolNeAR train
#     (``parsed``): any communication or cognition verb with a clause ("warned that ...", "believes
#     ..."), quotations under any predicate ("blasted Clinton as a 'disgrace'"), "as X put it",
#     colon and transcript cues, stances ("X backed Y"), documents and groups as sources;
#     quotations signed after a dash ('"..." ― Carla Sanchez'). Without a spaCy pipeline, or with
#     attribution "rules" (``Settings.attribution``, NEWSRAG_ATTRIBUTION=rules), the rules run alone
#     and the version reads "12-rules".
# 13: a closing mark that opens a paragraph followed by a word opens the quotation (reader voices:
#     '”Fear. ...” ― Name'); a transcript line's speaker ('"PENCE: ...') without its quote mark.
# 14: a clause the parse splits at a hyphen ("should re-submit") runs on through it.
# 15: each quote records what its speaker is (``Quote.speaker_kind``: person, org, publication,
#     description, group), so a follow-up's "he" is never a newspaper.
# 16-22: hearers over a plural noun, relative "that" clauses, pronoun clitics, transcripts, dash
#     signatures, "He said:" introducing the next paragraph, "according to" evidence
#     (bench/history/2026-12.md).
# 23: stances through a preposition ("voted against", "were coy about") and owned views ("his
#     comment about ..."); an object stops before an aside (", which ..."); a participle takes the
#     subject of what it hangs on ("began by saying ..."); a passive cue's subject is no source
#     ("is expected to ..."); "Trump’s claim that ..." is Trump's; a dateline is no part of a source;
#     a reported clause ends where the parse shows the speaker's next act ("said ..., but pledged
#     to ..."); a noun-phrase content is marked (``Quote.content_form``: "emphasized the
#     challenges", never "emphasized that the challenges").
# 24: a sentence ending in doubled apostrophes ('' fine.'' The network said ...) ends there; "he"
#     or "she" with no earlier speaker or subject to point to is the person named last in an earlier
#     sentence; a clause before a semicolon is not what the next clause's verb reports.
# 25: a role's head stops at "to" ("a senior adviser to the Clinton campaign" is no campaign); a
#     capitalised "Unlike", "Beyond", "Said" opening a sentence is no part of a name ('Said Ellis:
#     "..."' is Ellis's).
# 26: "Does", "Former", "Neither", "Top" ... opening a sentence are no part of a name ("Does Rubio",
#     "Former Obama" were credited with Rubio's and Obama's quotes on PolNeAR train); "Congressman",
#     "Reporter", "Rival" ... before a name are its role.
# 27: "as X put it" is a cue (forward: 'X put it bluntly: "..."'; trailing: "..., as a memo put it.",
#     and "..., as X said." without a quotation in it).
# 28: a word joined by a slash is one word ("a New York Times/CBS News poll", "Reuters/Ipsos").
# 29: "according to" names its source whatever the noun ("the results", "state law", "an
#     attendee"); a relative clause after its source that ends the sentence is no part of the content.
# 30: "X found that ..." is X's finding whoever X is ("the researchers"); files, papers, articles,
#     tallies, ledgers and polling speak as documents do.
# 31: "said that was ...": a "that" followed by "was", "would" ... is the clause's own subject, kept
#     ("Christie said that was a natural part of ..."), never dropped as a clause missing its subject.
# 32: one word before an interrupting attribution opens the clause ("Loyalty, he noted, has long
#     been ..."); "Yes,"/"No,"/"Well," before it are no part of what was said.
# 33: a negated verb ("didn't seem", "was not") is the sentence's verb for a participle after it
#     ("Weaver didn't seem impressed, telling reporters, '...'").
# 34: ... and so is "that" before "wasn't", "doesn't" ("He says that wasn't the first time ...").
# 35: a determiner and lower-case words before "said"/"wrote" speak whatever the noun ("the
#     announcer said", "the note says", "the ad's narrator says").
# 36: ... and after an inverted one ('"...," says the ad's narrator').
# 37: "often", "always", "usually" before a cue ("Mr. Obama often says"); "one slide says".
# 38: "advisers to Mr. Obama say", "an aide to the senator said": "to" joins a speaker to whom
#     they serve, as "of" and "for" do.
# 39: a named owner's document before "said" speaks ("Ivana Trump's brief said ...").
# 40: '"...," Sanders said, going on to say that ...' is Sanders saying more.
# 41: the cue model retrained on the candidates the parse offers now (it was trained on those of
#     extractor 12), its threshold chosen on PolNeAR dev as before (0.33: the lowest keeping
#     all-attribution precision at 0.90).
# 42: "no." ends a sentence unless a number follows ("the answer was no. He said ..." is two
#     sentences; "No. 10 Downing Street" one).
# 43: verbs of time and necessity before "to" are no cue ("Clinton continues to lead in polls",
#     "is going to need"; the parse offered them, at precision 0.37 on PolNeAR train).
# 44: an interview's "Q:" and "A:" name nobody: the answer is left to what it says ("I think ...").
# 45: an office in the plural before names is their role ("Senators Rubio and Cruz"); "Insider"
#     names a publication, "Reserve" and "Force" an organisation ("Business Insider", "the Air Force").
# 46: a heading in capitals ("FULL TEXT.") is nobody "he" points to; a surname under a title ("Mr.
#     Obama", "Gov. Voss") is a person a later "he" or "she" points to.
EXTRACTOR_VERSION = "46"


def extractor_label(parse: bool = True) -> str:
    """Which extractor ingest runs, for reports: the rules' version and the parse, if on."""
    from ingest.quotes import parsed

    if parse and parsed.available():
        return f"rules + parse v{EXTRACTOR_VERSION} ({parsed.pipeline_name()}, cue model threshold {parsed.model().threshold:.2f})"
    return f"rules v{EXTRACTOR_VERSION} (no parse)"


def extractor_version(parse: bool = True) -> str:
    """The version stores record for their quotes: the rules' alone differ from rules + parse, so a
    store re-extracts when the parse is turned on or off (``ingest.pipeline.refresh_quotes``)."""
    from ingest.quotes import parsed

    return EXTRACTOR_VERSION if parse and parsed.available() else f"{EXTRACTOR_VERSION}-rules"
