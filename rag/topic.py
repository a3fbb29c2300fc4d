"""When a text is about a question's topic: its words in every spelling, strict or loose.

Used to pick the quotes of a "who said what about X" answer and by ``newsrag quotes --about``,
so both match alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from rag.keywords import KeywordCache
from rag.schema import Paragraph
from rag.text import content_terms, fold


class Topic:
    """A topic's words, each with its other spellings, and when a text is about it.

    Asked about a topic alone ("who said what about water rationing?"), a text is about it when
    it holds all of a one- or two-word topic and half of a longer one (which questions word
    freely), or when it holds one of the words and its article holds the rest ("Selling the
    terminal ..." in a story about the old ferry terminal); a quote about the water rising in a
    flood story never mentioning rationing is not. Asked what a named speaker said about
    something, one word is enough: the speaker already narrows the quotes, and such topics
    paraphrase the quote ("what did Okafor warn would happen if ..."). Spellings count once:
    "Seversk" is one word however many ways the corpus writes it.
    """

    def __init__(self, topic: str, expand: Callable[[str], str], strict: bool = True):
        groups: dict[frozenset[str], str] = {}
        for word in re.findall(r"[\w'’-]+", topic):
            terms = content_terms(word)
            if terms and terms not in groups:
                groups[terms] = expand(word)
        self.text = topic
        self.spellings = list(groups.values())
        self.groups = [content_terms(spelled) | terms for terms, spelled in groups.items()]
        self.terms = frozenset().union(*self.groups)
        n = len(self.groups)
        self.needed = min(n, 1) if not strict else n if n <= 2 else math.ceil(n / 2)
        self.articles: set[str] = set()  # articles holding the whole topic; see ``find_articles``

    def __bool__(self) -> bool:
        return bool(self.groups)

    def find_articles(self, cache: KeywordCache) -> Topic:
        """Note the articles that hold the topic somewhere, for ``in_text(..., article_id)``."""
        if self.needed > 1:
            self.articles = cache.articles_mentioning(self.spellings, self.needed)
        return self

    def in_text(self, text: str, article_id: str | None = None) -> bool:
        """Whether ``text`` (in article ``article_id``, if given) is about the topic.

        A term is a stem, so a substring of the folded text: that cheap test runs first, and the
        full tokenising only for the few texts that pass it (attribution checks thousands of quotes).
        """
        if not self.groups:
            return False
        folded = fold(text)
        present = sum(any(t in folded for t in g) for g in self.groups)
        if present == 0 or present < self.needed and article_id not in self.articles:
            return False
        found = content_terms(text)
        held = sum(bool(g & found) for g in self.groups)
        return held >= self.needed or held >= 1 and article_id in self.articles

    def relevant(self, paragraphs: Sequence[Paragraph], similarity: dict[str, float], threshold: float) -> set[str]:
        """Ids of the paragraphs close to the topic in meaning (cosine >= ``threshold``) or naming it."""
        return {
            p.paragraph_id
            for p in paragraphs
            if similarity.get(p.paragraph_id, 0.0) >= threshold or self.in_text(p.text, p.article_id)
        }
