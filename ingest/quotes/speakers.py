"""Speaker resolution within an article: "Pushilin", "he", "the board" mapped to someone named earlier.

``SpeakerBook`` follows the people and organisations each sentence names, in reading order, and
resolves a speaker phrase to an ``Entity``, whose name is what ``Quote.speaker`` shows (see the
normalisation rules in the ``ingest.quotes`` docstring).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ingest.quotes.lexicon import (
    DETERMINERS,
    FORMER_WORDS,
    GENDER_BY_HEAD,
    HARD_PUNCT,
    INSTITUTION_HEADS,
    ORG_WORDS,
    PERSON_HEADS,
    POSSESSIVE_PRONOUNS,
    PUBLICATION_HEADS,
)
from ingest.quotes.phrases import (
    Phrase,
    classify_run,
    head_noun,
    is_name_word,
    speaker_after,
    strip_possessive,
)
from ingest.quotes.roles import aside_kind, role_length
from ingest.quotes.sentences import Token
from rag.text import fold


@dataclass(slots=True, eq=False)
class Entity:
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
        """Recompute ``key`` after the name changed."""
        self.key = fold(self.name.removeprefix("the ").removeprefix("The "))


class SpeakerBook:
    """Resolves "Pushilin", "he", "the publication", "the board" to an earlier speaker or mention."""

    def __init__(self) -> None:
        self.recent: list[Entity] = []  # speakers and sentence subjects, most recent last
        self.people: list[Entity] = []  # every person named, for surnames
        self.named: list[Entity] = []  # people named anywhere in an earlier sentence, most recent last
        self._named_now: list[Entity] = []  # those named in the sentence being read
        self.orgs: list[Entity] = []  # every organisation or publication named
        self.senders: dict[str, Entity] = {}  # "email" -> who sent the one "in an email" mentioned last

    def _touch(self, entity: Entity) -> Entity:
        if entity in self.recent:
            self.recent.remove(entity)
        self.recent.append(entity)
        return entity

    def _person(self, name: str) -> Entity:
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
        entity = Entity(name, "person", words=set(parts))
        self.people.append(entity)
        return entity

    def _org(self, phrase: Phrase) -> Entity:
        key = fold(phrase.name.removeprefix("the ").removeprefix("The "))
        for e in reversed(self.orgs):
            if e.key == key:
                return e
        entity = Entity(phrase.name, phrase.kind, head=phrase.head, words=set(fold(phrase.name).split()))
        self.orgs.append(entity)
        return entity

    def note_mentions(self, tokens: Sequence[Token], text: str) -> None:
        """Remember people and organisations named in a sentence; its subject counts for "he"/"she"."""
        for person in self._named_now:  # the sentence before is now behind us
            if person in self.named:
                self.named.remove(person)
            self.named.append(person)
        self._named_now = []
        i = 0
        while i < len(tokens):
            if not is_name_word(tokens[i]):
                i += 1
                continue
            j = i
            while True:
                if j + 1 < len(tokens) and is_name_word(tokens[j + 1]):
                    j += 1
                elif (
                    j + 2 < len(tokens)
                    and tokens[j + 1].low in ("of", "for")
                    and is_name_word(tokens[j + 2])
                ):
                    j += 2
                elif (
                    j + 3 < len(tokens)
                    and tokens[j + 1].low in ("of", "for")
                    and tokens[j + 2].low == "the"
                    and strip_possessive(tokens[j].low) in ORG_WORDS
                    and is_name_word(tokens[j + 3])
                ):
                    j += 3
                else:
                    break
            if j > i and all(t.text.isupper() for t in tokens[i : j + 1]) and not (
                    j + 1 < len(tokens) and tokens[j + 1].text == ":"):
                # "FULL TEXT.", a heading in capitals: no one a later "he" points to. A transcript's
                # "CHRIS WALLACE:" is a speaker, and stays one.
                i = j + 1
                continue
            det = i > 0 and tokens[i - 1].low == "the"
            phrase = classify_run(tokens, i, j + 1, det, text)
            if phrase is not None:
                if phrase.kind == "person":
                    words = phrase.name.split()
                    surname = fold(words[-1])
                    is_known = any(e.key.rsplit(" ", 1)[-1] == surname for e in self.people)
                    # A full name, a surname under a title ("Mr. Obama", "Gov. Voss"), or one
                    # already met opening the sentence.
                    if len(words) >= 2 or phrase.gender or phrase.role or (is_known and i == 0):
                        person = self._person(phrase.name)
                        person.gender = person.gender or phrase.gender
                        role = phrase.role
                        if role and i > 0 and tokens[i - 1].low in FORMER_WORDS:
                            role = f"{tokens[i - 1].text} {role}"  # "former President Bill Clinton"
                        person.role = person.role or role  # "Governor Helena Voss visited ..."
                        self._named_now.append(person)
                        if i == 0:
                            self._touch(person)
                elif len(tokens[i : j + 1]) > 1 or phrase.kind == "publication":
                    org = self._org(phrase)
                    alias = _appositive_head(tokens, j + 1)
                    if alias:
                        org.aliases.add(alias)  # "Quillon Systems, the Brennholt software company, ..."
            i = j + 1
        # A group or body opening a sentence is what a later "they" or "it" refers to.
        subject = speaker_after(tokens, 0, text) if tokens and tokens[0].is_word else None
        if (
            subject is not None
            and subject.kind == "description"
            and (subject.plural or subject.head in INSTITUTION_HEADS)
        ):
            entity = self._lookup(subject, False)
            if entity is not None:
                self._touch(entity)

    def _group(self, phrase: Phrase) -> Entity:
        """ "Smith and Jones": each one resolved as a single speaker would be, joined with "and"."""
        names: list[str] = []
        for part in phrase.parts:
            words = part.name.split()
            if names and words[0].lower() in POSSESSIVE_PRONOUNS and phrase.parts[0].kind == "person":
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
        return Entity(name, "description", plural=True, words=set(key.split()))

    def resolve(self, phrase: Phrase, role: str, org_hint: bool) -> Entity | None:
        """The entity a speaker phrase names, now the most recent speaker; None if a pronoun has no one.

        "the email" is whoever was said to speak "in an email" earlier (``senders``).
        """
        if phrase.definite and phrase.kind == "description" and phrase.head in self.senders:
            return self._touch(self.senders[phrase.head])
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

    def _lookup(self, phrase: Phrase, org_hint: bool) -> Entity | None:
        if phrase.kind == "pronoun":
            return self._pronoun(phrase.name, phrase.gender)
        if phrase.kind == "person" and not org_hint:
            return self._person(phrase.name)
        if phrase.kind in ("person", "org", "publication") and not (
            phrase.kind == "publication" and phrase.head in PUBLICATION_HEADS
        ):
            return self._org(replace(phrase, kind="org") if phrase.kind == "person" else phrase)
        if phrase.definite:
            found = self.definite(phrase)
            if found is not None:
                return found
        name = phrase.name
        first = name.split()[0].lower()
        if first in POSSESSIVE_PRONOUNS:
            # "His spokesman said": whose spokesman, as the article has it.
            owner = self._pronoun(first, {"his": "m", "her": "f"}.get(first, ""))
            if owner is not None:
                name = f"{owner.name}'s {' '.join(name.split()[1:])}"
        key = fold(name.removeprefix("the ").removeprefix("The "))
        for e in reversed(self.recent):
            if e.key == key:
                return e
        kind = "publication" if phrase.head in PUBLICATION_HEADS else "description"
        return Entity(
            name,
            kind,
            head=phrase.head,
            plural=phrase.plural,
            words=set(key.split()),
            gender=GENDER_BY_HEAD.get(phrase.head, ""),
        )

    def _pronoun(self, word: str, gender: str) -> Entity | None:
        """The entity a pronoun (or possessive: "his", "its") points to, or None."""
        if word in ("one", "another"):
            return self._one_of_group()
        for e in reversed(self.recent):
            if word in ("he", "she", "his", "her"):
                is_person = e.kind == "person" or (
                    e.kind == "description" and not e.plural and e.head in PERSON_HEADS
                )
                if is_person and not (e.gender and gender and e.gender != gender):
                    e.gender = e.gender or gender
                    return e
            elif word in ("they", "their"):
                if e.plural:
                    return e
            elif e.kind in ("org", "publication") or (
                e.kind == "description" and not e.plural and e.head in INSTITUTION_HEADS
            ):
                return e  # "it", "its"
        if word in ("he", "she", "his", "her"):
            # No speaker or subject yet fits: the person named last in an earlier sentence, wherever
            # in it ("If the candidate is Donald Trump, the answer is no. He refuses ..."); never one
            # named later in the pronoun's own sentence ("..., she addressed the Black Women's ...").
            for e in reversed(self.named):
                if not (e.gender and gender and e.gender != gender):
                    e.gender = e.gender or gender
                    return e
        return None

    def _one_of_group(self) -> Entity | None:
        """ "Residents said ... '...,' said one.": one of the group quoted last."""
        group = next((e for e in reversed(self.recent) if e.plural and e.kind == "description"), None)
        if group is None:
            return None
        members = (
            group.name if group.name.startswith("the ") else "the " + group.name[:1].lower() + group.name[1:]
        )
        name = f"one of {members}"
        found = next((e for e in self.recent if e.name == name), None)
        return found or Entity(name, "description", head=group.head, words=set(fold(name).split()))

    def definite(self, phrase: Phrase) -> Entity | None:
        """The earlier speaker meant by "the publication", "the board", "the mayor", "the official"."""
        if phrase.head in PUBLICATION_HEADS and not phrase.qualifiers:
            for pool in (self.recent, self.orgs):
                for e in reversed(pool):
                    if e.kind == "publication":
                        return e
        quals = {q for q in phrase.qualifiers if q not in DETERMINERS}
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


def _appositive_head(tokens: Sequence[Token], i: int) -> str:
    """The head noun of ", the Brennholt software company that ..." at ``tokens[i]``, or ""."""
    if i + 1 >= len(tokens) or tokens[i].text != "," or tokens[i + 1].low not in ("the", "a", "an"):
        return ""
    e = i + 1
    while e < len(tokens) and not tokens[e].is_quote and tokens[e].text not in HARD_PUNCT:
        e += 1
    if aside_kind(tokens, i + 1, e) != "role":
        return ""
    chunk = tokens[i + 1 : e]
    return _role_head(" ".join(t.text for t in chunk[: role_length(chunk)]))


def _role_head(role: str) -> str:
    """The noun a role is about: "a defense expert at the Kyiv Institute" -> "expert"; "Mayor" -> "mayor"."""
    words = [strip_possessive(w).lower() for w in role.split()]
    # "a senior adviser to the Clinton campaign" is an adviser: "the Clinton campaign" is not her
    cut = next((i for i, w in enumerate(words) if w in ("of", "for", "at", "in", "from", "with", "to", "on", "under")),
               len(words))
    for w in reversed(words[:cut]):
        head = head_noun(w.rstrip("."))
        if head:
            return head[0]
    return ""
