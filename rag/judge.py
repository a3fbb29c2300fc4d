"""An optional judge: a cross-encoder that reads (question, paragraph) pairs together.

The bi-encoder behind retrieval compares two vectors made apart; a cross-encoder (e.g. the
public MS MARCO MiniLM rerankers, ``cross-encoder/ms-marco-MiniLM-L-6-v2``) reads the question
and the paragraph in one pass, which ranks better and says more plainly whether a paragraph
answers at all. newsrag ships none: a user brings one (``NEWSRAG_JUDGE=/path/to/cross-encoder``,
or a hub id already in the local Hugging Face cache, or downloadable when online). With one
configured, retrieval reranks its fused top ``JUDGED_CANDIDATES`` by the judge's scores and
keeps the best score as ``Retrieval.judge_top`` for the refusal rules
(``rag.refusal.judged_answerable``). Without one (the default) nothing here is imported and
answers are exactly as before.

Cost, on the shared 2-core CPU of the development machine (bench/judge_cost.py, torch, one
question, ``JUDGED_CANDIDATES`` = 20 paragraphs of the demo corpus): a 6-layer MiniLM the size of
ms-marco-MiniLM-L-6-v2 adds 0.2 to 0.5 s per question (medians of three runs 209, 279, 481 ms);
the tests' 1-layer model about 14 ms (README, "A judge (optional)").
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rag.errors import ConfigError

# Fused candidates the judge reads per question. 20: recall@10 of the fused ranking is already
# 0.986 on RealTime QA 2022 (bench/history/), so the answering paragraph is almost always among
# them, and 20 pairs cost a MiniLM-L-6 judge 0.2 to 0.5 s on 2 CPU cores; more costs linearly.
JUDGED_CANDIDATES = 20
# A hub id: "owner/name" or "name", nothing that reads as a folder on this machine.
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


class Judge:
    """A cross-encoder that scores how well each paragraph answers a question, 0..1.

    ``name`` is a folder saved by sentence-transformers (``CrossEncoder.save``) or a hub id. A
    name that reads as a path but is no folder fails here, naming it; the model itself loads on
    the first ``score`` (or ``load``), so opening an index stays cheap. Shared by threads.
    """

    def __init__(self, name: str):
        self.name = name.strip()
        path = Path(self.name).expanduser()
        self.path: Path | None = path if path.is_dir() else None
        if self.path is None and not _HUB_ID.match(self.name):
            raise ConfigError(f"judge {self.name!r}: no such folder; give a folder holding a saved "
                              "sentence-transformers cross-encoder, or a hub id such as "
                              "cross-encoder/ms-marco-MiniLM-L-6-v2, or leave NEWSRAG_JUDGE empty")
        self._model: Any = None
        self._lock = threading.Lock()

    def load(self) -> Any:
        """The ``CrossEncoder``, loaded once (from the folder, else the local cache, else the hub)."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def _load(self) -> Any:
        from rag.models import cross_encoder  # the model stack is imported only when a judge is configured

        source = str(self.path) if self.path is not None else self.name
        try:
            try:
                model = cross_encoder(source, local_files_only=True)
            except OSError:
                if self.path is not None:
                    raise
                # A hub id not in the local cache: fetched when online (fails fast when HF_HUB_OFFLINE=1).
                model = cross_encoder(source, local_files_only=False)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"judge {self.name!r} could not be loaded as a cross-encoder ({exc}); "
                              "give a folder saved with CrossEncoder.save, or a hub id when online") from None
        if model.num_labels != 1:
            raise ConfigError(f"judge {self.name!r} gives {model.num_labels} scores per pair; a judge "
                              "gives one (a relevance reranker such as an MS MARCO cross-encoder)")
        return model

    def score(self, question: str, passages: Sequence[str]) -> list[float]:
        """How well each of ``passages`` answers ``question``: one score in 0..1 per passage.

        The raw logit goes through a sigmoid whatever the model's saved activation: MS MARCO
        rerankers return logits (about -11 to +9), others apply the sigmoid themselves, and
        the refusal threshold needs one scale.
        """
        if not passages:
            return []
        from rag.models import cross_encoder_logits

        logits = cross_encoder_logits(self.load(), [(question, p) for p in passages])
        return [0.5 * (1.0 + math.tanh(x / 2)) for x in logits]  # the sigmoid, without overflow
