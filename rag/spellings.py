"""One speaker written several ways: quotes with the same words grouped into one statement, and
spellings a letter apart ("Jonas Halberg" / "Jonas Hallberg") merged into one speaker, headed by
the spelling the corpus writes most. Used by ``rag.attribution`` when it groups quotes by speaker.
"""

from __future__ import annotations

from collections.abc import Callable

from rag.schema import Paragraph, Quote
from rag.text import fold


def same_statements(items: list[tuple[Paragraph, Quote]]) -> list[list[tuple[Paragraph, Quote]]]:
    """One speaker's quotes with identical words (wire copy in several papers) grouped, first
    found first: each group becomes one statement citing every copy."""
    groups: dict[str, list[tuple[Paragraph, Quote]]] = {}
    for p, q in items:
        groups.setdefault(fold(" ".join(q.text.split())), []).append((p, q))
    return list(groups.values())


def merge_spellings(
    groups: dict[str, list[tuple[Paragraph, Quote]]], written: Callable[[str], int] = lambda name: 0,
) -> tuple[dict[str, list[tuple[Paragraph, Quote]]], dict[str, tuple[str, ...]]]:
    """One speaker per person when two spellings differ by one letter ("Jonas Halberg" / "Jonas
    Hallberg": the same first name, a surname one letter apart) and their roles do not disagree;
    and the other spellings of each kept name.

    The name kept is the spelling the corpus writes most (``written``: paragraphs quoting it),
    then the one with the most quotes here, then the alphabetically first: an answer holding one
    quote of each is headed by the five-times "Hallberg", not the once "Halberg" (issue 22), and
    the result does not depend on which article was ingested first. Only names of two or more words
    with one word after the first differing, that word at least five letters long: "Ann Lee" and
    "Ann Lea", "Maria Lopez" and "Mario Lopez" may well be two people.
    """
    names = sorted(groups, key=lambda n: (-written(n), -len(groups[n]), n))
    rank = {n: i for i, n in enumerate(names)}
    # Only names equal but for one word after the first can be a letter apart, and two words a
    # letter apart share a form with at most one letter deleted ("Halberg" / "Hallberg", "Sandvi"
    # from "Sandvik" and "Sandvig"): bucket by those, so hundreds of speakers compare few pairs.
    buckets: dict[tuple[str, ...], list[str]] = {}
    keys: dict[str, set[tuple[str, ...]]] = {}
    for name in names:
        words = name.split()
        keys[name] = {(str(k), *words[:k], form, *words[k + 1 :])
                      for k in range(1, len(words))
                      for form in {words[k], *(words[k][:i] + words[k][i + 1 :] for i in range(len(words[k])))}}
        for key in keys[name]:
            buckets.setdefault(key, []).append(name)
    into: dict[str, str] = {}
    for name in names:
        if name in into:
            continue
        candidates = {o for key in keys[name] for o in buckets[key]}
        for other in sorted(candidates, key=rank.__getitem__):
            if rank[other] > rank[name] and other not in into and _one_letter_apart(name, other) \
                    and _roles_agree(groups[name], groups[other]):
                into[other] = name
    if not into:
        return groups, {}
    merged: dict[str, list[tuple[Paragraph, Quote]]] = {}
    spellings: dict[str, tuple[str, ...]] = {}
    for name, items in groups.items():
        keep = into.get(name, name)
        merged.setdefault(keep, []).extend(items)
        if keep != name:
            spellings[keep] = (*spellings.get(keep, ()), name)
    for name in merged:  # reading order within a merged speaker, as for any other
        merged[name].sort(key=lambda pq: (pq[0].date, pq[0].article_id, pq[0].number))
    return merged, spellings


def _one_letter_apart(a: str, b: str) -> bool:
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or len(wa) < 2:
        return False
    differing = [(i, x, y) for i, (x, y) in enumerate(zip(wa, wb, strict=True)) if x != y]
    if len(differing) != 1 or differing[0][0] == 0:  # "Maria Lopez" / "Mario Lopez": two people
        return False
    _, x, y = differing[0]
    if min(len(x), len(y)) < 5 or not (x[:1].isupper() and y[:1].isupper()):
        return False
    if len(x) == len(y):
        return sum(c != d for c, d in zip(x, y, strict=True)) == 1
    short, long = (x, y) if len(x) < len(y) else (y, x)
    return len(long) - len(short) == 1 and any(long[:k] + long[k + 1 :] == short for k in range(len(long)))


def _roles_agree(a: list[tuple[Paragraph, Quote]], b: list[tuple[Paragraph, Quote]]) -> bool:
    """No role given, or one role's words inside the other's ("mayor" / "the mayor of Brennholt")."""
    ra = {fold(q.role) for _, q in a if q.role}
    rb = {fold(q.role) for _, q in b if q.role}
    if not ra or not rb:
        return True
    return any(x in y or y in x for x in ra for y in rb)
