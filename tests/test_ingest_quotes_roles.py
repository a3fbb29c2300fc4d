"""Asides around a speaker: the role an appositive gives, names and relative clauses between commas."""

from __future__ import annotations

import pytest
from quote_helpers import only_quote, tokens_of

from ingest.quotes.roles import aside_kind, role_text


def test_role_ends_before_a_relative_clause() -> None:
    quote = only_quote(
        "Owen Tate, a crane operator who has worked at the port for 22 years, said he was worried."
    )
    assert (quote.speaker, quote.role) == ("Owen Tate", "a crane operator")


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("“Half my stock is on the dock,” said Noor Haddad, who runs a hardware shop on Harbour Row.",
         "runs a hardware shop on Harbour Row"),
        ("“We will rebuild,” said Ana Berg, who owns the bakery on Quay Street.", "owns the bakery on Quay Street"),
        ("“We were told nothing,” said Ana Berg, who lives near the river.", ""),
    ],
)
def test_what_a_speaker_runs_or_owns_is_their_role(sentence: str, role: str) -> None:
    quote = only_quote(sentence)
    assert quote.speaker in ("Noor Haddad", "Ana Berg")
    assert quote.role == role


@pytest.mark.parametrize(
    ("sentence", "speaker", "role"),
    [
        (
            "Kremlin spokesman Dmitry Peskov said that no decision had been taken.",
            "Dmitry Peskov",
            "Kremlin spokesman",
        ),
        (
            "Dmitry Peskov, Putin's spokesman, said that no decision had been taken.",
            "Dmitry Peskov",
            "Putin's spokesman",
        ),
        (
            "The ministry's spokesman, Igor Konashenkov, said that no decision had been taken.",
            "Igor Konashenkov",
            "the ministry's spokesman",
        ),
        (
            "Greta Hollis of the Riders' Association said that no decision had been taken.",
            "Greta Hollis",
            "of the Riders' Association",
        ),
    ],
)
def test_role_is_found_before_after_or_around_the_name(sentence: str, speaker: str, role: str) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker, quote.role) == (speaker, role)


@pytest.mark.parametrize(
    ("aside", "kind"),
    [
        ("a defense expert at the Kyiv Institute", "role"),
        ("Igor Konashenkov", "name"),
        ("who requested anonymity", "relative"),
        ("which owns the port", "org-relative"),
        ("however", "skip"),
        ("speaking to reporters", "skip"),
    ],
)
def test_aside_kind_tells_roles_names_and_clauses_apart(aside: str, kind: str) -> None:
    tokens = tokens_of(aside)
    assert aside_kind(tokens, 0, len(tokens)) == kind


def test_role_text_stops_before_a_relative_clause() -> None:
    aside = "a crane operator who has worked at the port"
    tokens = tokens_of(aside)
    assert role_text(tokens, 0, len(tokens), aside) == "a crane operator"
