"""Names that match across spellings and scripts (Seversk / Siversk / Сіверськ / Северск).

The table is data (``variants.json`` beside this file, or any JSON file with the same shape
passed to ``VariantTable.load``) so a newsroom can extend it without touching code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.errors import ConfigError
from rag.text import fold

DEFAULT_TABLE = Path(__file__).with_name("variants.json")
# Lookup from folded spelling to group key, per table (the dataclass is frozen and slotted).
_INDEXES: dict[int, tuple[VariantTable, dict[str, str]]] = {}


@dataclass(frozen=True, slots=True)
class VariantTable:
    groups: tuple[tuple[str, ...], ...]

    @classmethod
    def load(cls, path: Path = DEFAULT_TABLE) -> VariantTable:
        """Read a table; a bad file raises ``ConfigError`` naming it."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            groups = tuple(tuple(str(s) for s in g) for g in raw["groups"] if g)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"{path}: not a spelling-variants file ({exc}); expected {{\"groups\": [[\"Kyiv\", \"Kiev\"]]}}"
            ) from None
        return cls(groups)

    def merged(self, other: VariantTable) -> VariantTable:
        return VariantTable(self.groups + other.groups)

    def variants_in(self, text: str) -> list[tuple[str, ...]]:
        """The spelling groups that ``text`` mentions, by whole word, ignoring case/accents."""
        folded = fold(text)
        found = []
        for group in self.groups:
            for spelling in group:
                if re.search(r"(?<!\w)" + re.escape(fold(spelling)) + r"(?!\w)", folded):
                    found.append(group)
                    break
        return found

    def expand(self, text: str) -> str:
        """``text`` followed by every other spelling of each name it mentions (for BM25)."""
        extra = [s for group in self.variants_in(text) for s in group if fold(s) not in fold(text)]
        return text if not extra else f"{text} {' '.join(extra)}"

    def canonical(self, name: str) -> str:
        """One key per spelling group ("siversk" -> "seversk"); the folded name itself otherwise."""
        folded = fold(name)
        return self._index().get(folded, folded)

    def _index(self) -> dict[str, str]:
        index = _INDEXES.get(id(self))
        if index is None or index[0] is not self:
            built = {fold(s): fold(g[0]) for g in self.groups for s in g}
            _INDEXES[id(self)] = (self, built)
            return built
        return index[1]

    def same_name(self, a: str, b: str) -> bool:
        fa, fb = fold(a), fold(b)
        if fa == fb:
            return True
        return any(fa in {fold(s) for s in g} and fb in {fold(s) for s in g} for g in self.groups)


@lru_cache(maxsize=1)
def default_table() -> VariantTable:
    return VariantTable.load()
