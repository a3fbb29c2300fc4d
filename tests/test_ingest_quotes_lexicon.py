"""The lexicon: reporting verbs and their forms, and the word lists the rules look words up in."""

from __future__ import annotations

import pytest

from ingest.quotes import lexicon
from ingest.quotes.lexicon import BARE_CLAUSE_LEMMAS, PARTICLES, VERB_LEMMA, verb_form_tags, verb_forms


@pytest.mark.parametrize(
    ("lemma", "forms"),
    [
        ("warn", ("warn", "warns", "warned", "warning")),
        ("note", ("note", "notes", "noted", "noting")),
        ("deny", ("deny", "denies", "denied", "denying")),
        ("admit", ("admit", "admits", "admitted", "admitting")),
        ("stress", ("stress", "stresses", "stressed", "stressing")),
        ("say", ("say", "says", "said", "saying")),
    ],
)
def test_verb_forms_follow_english_spelling(lemma: str, forms: tuple[str, ...]) -> None:
    assert verb_forms(lemma) == forms


def test_every_form_of_a_reporting_verb_leads_back_to_its_lemma() -> None:
    assert (VERB_LEMMA["said"], VERB_LEMMA["told"], VERB_LEMMA["shot"], VERB_LEMMA["labelled"]) == (
        "say",
        "tell",
        "shoot",
        "label",
    )


def test_verbs_the_other_lists_name_are_reporting_verbs() -> None:
    lemmas = set(VERB_LEMMA.values())
    assert lemmas >= BARE_CLAUSE_LEMMAS
    assert set(PARTICLES) <= lemmas


def test_word_lists_are_lower_case_as_tokens_are_looked_up() -> None:
    lists = {name: value for name, value in vars(lexicon).items() if isinstance(value, frozenset)}
    assert lists
    assert {name: sorted(w for w in words if w != w.lower()) for name, words in lists.items()} == {
        name: [] for name in lists
    }


def test_verb_form_tags_come_from_the_word_lexicon() -> None:
    assert verb_form_tags("leads") == {"VBZ", "NOUN"}
    assert verb_form_tags("won") == {"VBD"}
    assert verb_form_tags("lead") == {"VBP", "NOUN"}
    assert verb_form_tags("officials") == frozenset()
    assert verb_form_tags("news") == frozenset()
