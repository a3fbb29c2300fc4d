"""What the tests of ``bench/`` share: loading a harness script the way it is run, by its path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_harness(name: str) -> ModuleType:
    """``bench/<name>.py`` as the module ``bench_<name>``: bench/ is not an installed package, and
    running a script by its path is how it is meant to be used."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module
