"""What the encoder benchmark's parts share: where they keep files, their goals, and the environment
of the processes they start (offline, no telemetry, no NEWSRAG_* settings from the caller's shell).
"""

from __future__ import annotations

import os

from bench import report

ROOT = report.BENCH.parent
DATA = ROOT / "data"
SEED = ROOT.parent / "shared" / "corpus" / "seed"
OUT = report.OUT / "encoder"
GOAL_SPEEDUP = 1.4
GOAL_COSINE_MEAN = 0.99
GOAL_COSINE_MIN = 0.98
GOAL_ASK_RATIO = 0.4
GOAL_RECALL_POINTS = 1.0
GOAL_OPEN_S = 2.0
SEED_RANDOM = 12


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a timed child process: this one's, less NEWSRAG_*, offline, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ORT_DISABLE_TELEMETRY="1",
               ANONYMIZED_TELEMETRY="False", TOKENIZERS_PARALLELISM="false", **extra)
    return env

