"""Imports look down only: every module of mtfix imports from its own layer or the ones below
(docs/design.md, "Layers"), including imports inside functions, and no modules import each
other in a loop."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mtfix"

#: bottom to top; a module belongs to the layer of the longest prefix that names it
LAYERS: list[tuple[str, ...]] = [
    ("mtfix._version", "mtfix.textutil", "mtfix.fileio"),
    ("mtfix.spans",),
    ("mtfix.change",),
    ("mtfix.changelog", "mtfix.chunking", "mtfix.doctraits", "mtfix.worddiff", "mtfix.memory",
     "mtfix.suppress"),
    ("mtfix.glossary",),
    ("mtfix.passes",),
    ("mtfix.pipeline",),
    ("mtfix.formats",),
    ("mtfix.config",),
    ("mtfix.api",),
    ("mtfix.batch", "mtfix.pieces", "mtfix.uris"),
    ("mtfix.check",),
    ("mtfix.review",),
    ("mtfix.report",),
    ("mtfix.review.interactive",),
    ("mtfix.glossary_tools",),
    ("mtfix.rewrite",),
    ("mtfix.engines", "mtfix.ray"),  # where a run's files are fixed: here, or on a Ray cluster
    ("mtfix.cli", "mtfix.__main__"),
    ("mtfix",),  # the package itself re-exports the API
]


def layer_of(module: str) -> int:
    best, best_len = None, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    assert best is not None, f"{module} is in no layer: add it to LAYERS and docs/design.md"
    return best


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(path: Path, module: str, *, top_level_only: bool = False) -> list[tuple[int, str]]:
    """(line, imported mtfix module) for each import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in nodes:
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("mtfix")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.startswith("mtfix"):
                out.append((node.lineno, base))
    return out


ALL = modules()


@pytest.mark.parametrize("module", sorted(ALL))
def test_imports_look_down_only(module):
    own = layer_of(module)
    upward = [f"{ALL[module].name}:{line} imports {target} (layer {layer_of(target)} > {own})"
              for line, target in imports(ALL[module], module) if layer_of(target) > own]
    assert not upward, "; ".join(upward)


def test_no_import_loops():
    graph = {m: {t for _, t in imports(p, m, top_level_only=True) if t in ALL and t != m}
             for m, p in ALL.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                loop = trail[trail.index(nxt):] if nxt in trail else trail
                pytest.fail("import loop: " + " -> ".join([*loop, nxt]))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_no_module_imports_the_package_itself():
    """``from mtfix import X`` inside the package loads the whole API from any layer."""
    offenders = [f"{m}:{line}" for m, p in ALL.items() if m != "mtfix"
                 for line, target in imports(p, m) if target == "mtfix"]
    assert not offenders
