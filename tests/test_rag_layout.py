"""rag/ as a whole: no import cycle between its modules, and no module too long to read in one go.

Imports inside functions count (a lazy import is how a cycle hides: ``Answer.text`` once
imported the markdown renderer, which imports ``Answer``); imports under ``if TYPE_CHECKING:``
do not, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

RAG = Path(__file__).resolve().parents[1] / "rag"
MAX_LINES = 400  # STYLE.md section 10: past a few hundred lines a module's steps become a package


def _module(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Ids of the import nodes under ``if TYPE_CHECKING:``."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skipped


def _imports(path: Path, root: Path, modules: set[str]) -> set[str]:
    """The modules of rag/ that ``path`` imports (a name imported from a package, when it is a
    module of its own, counts as that module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    name = _module(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                named = f"{base}.{alias.name}"
                found.add(named if named in modules else base)
    return found & modules - {name}


def import_graph(root: Path = RAG) -> dict[str, set[str]]:
    """Each module of ``root`` with the modules of ``root`` it imports."""
    files = {_module(p, root): p for p in root.rglob("*.py")}
    return {name: _imports(path, root, set(files)) for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan): each holds a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_of_rag_imports_one_that_imports_it_back() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_a_lazy_import_back(tmp_path: Path) -> None:
    package = tmp_path / "rag"
    (package / "render").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "render" / "__init__.py").write_text("")
    (package / "schema.py").write_text("def text():\n    from rag.render.markdown import answer_text\n")
    (package / "render" / "markdown.py").write_text("from rag.schema import text\n")
    (package / "store.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rag import schema\n")
    assert cycles(import_graph(package)) == [["rag.render.markdown", "rag.schema"]]


def test_no_module_of_rag_is_over_400_lines() -> None:
    lengths = {str(p.relative_to(RAG.parent)): len(p.read_text(encoding="utf-8").splitlines())
               for p in RAG.rglob("*.py")}
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}
