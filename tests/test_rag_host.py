"""Importing and using newsrag leaves the host process as it found it: no environment variable
set, nothing frozen out of the garbage collector, and no heavy library imported by ``import rag``.

Each check runs in a fresh Python, since the test process itself has loaded everything already
(and ``tests/conftest.py`` sets the offline variables for it, as the Makefile does).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from ingest import ingest
from rag import Settings

ROOT = Path(__file__).resolve().parents[1]
# What ``import rag`` used to set in the host's environment (the names the CLI still sets for itself).
HOST_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ORT_DISABLE_TELEMETRY", "ANONYMIZED_TELEMETRY",
                  "TOKENIZERS_PARALLELISM", "HF_HUB_DISABLE_PROGRESS_BARS", "TRANSFORMERS_VERBOSITY")


def _host_environment() -> dict[str, str]:
    """The environment of an application that has never heard of newsrag's loaders."""
    return {k: v for k, v in os.environ.items() if k not in HOST_VARIABLES and not k.startswith("NEWSRAG_")}


def _python(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *script], capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env=_host_environment() | {"PYTHONPATH": str(ROOT)})


def test_opening_an_index_and_asking_changes_neither_environment_nor_garbage_collector(
        settings: Settings, seed_dir: Path) -> None:
    ingest([seed_dir], settings)
    script = textwrap.dedent(f"""
        import gc, json, os
        before = dict(os.environ)
        import rag
        index = rag.NewsIndex.open(db={str(settings.db)!r})
        answer = index.ask("who said what about Seversk?")
        after = dict(os.environ)
        print(json.dumps({{"added": sorted(set(after) - set(before)),
                          "changed": sorted(k for k in before if after.get(k) != before[k]),
                          "frozen": gc.get_freeze_count(), "cited": bool(answer.citations)}}))
    """)
    run = _python(["-c", script])
    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.splitlines()[-1])
    assert outcome == {"added": [], "changed": [], "frozen": 0, "cited": True}


def test_a_server_asks_warm_to_freeze_its_long_lived_indexes(settings: Settings, seed_dir: Path) -> None:
    ingest([seed_dir], settings)
    script = textwrap.dedent(f"""
        import gc
        import rag
        index = rag.NewsIndex.open(db={str(settings.db)!r})
        index.warm()
        print(gc.get_freeze_count())
        index.warm(freeze=True)
        print(gc.get_freeze_count() > 0)
    """)
    run = _python(["-c", script])
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == ["0", "True"]


def test_import_rag_loads_no_model_or_store_library() -> None:
    run = _python(["-X", "importtime", "-c", "import rag; from rag import Settings, Answer"])
    assert run.returncode == 0, run.stderr[-3000:]
    imported = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    heavy = {"torch", "sentence_transformers", "transformers", "onnxruntime", "chromadb"}
    assert "rag" in imported  # the report is there to read
    assert {name for name in imported if name.split(".")[0] in heavy} == set()
