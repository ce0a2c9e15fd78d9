"""The package's import structure against the layer table in docs/architecture.md.

The graph is read from the source with ``ast``; the package is never imported. Every import
counts wherever it stands (module level, functions, classes, ``if TYPE_CHECKING:``); only
imports of ``svcinsight`` modules make edges; ``importlib.import_module`` strings are unseen.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "svcinsight"
LAYER_DOC = ROOT / "docs" / "architecture.md"
TOP = "svcinsight"  # its __init__ lazily exposes the subpackages: exempt from layering
MAX_LOCAL_IMPORTS = 15
# A bare linter directive is no reason: "noqa: F401" alone fails, "noqa: F401 (old home)" passes.
_DIRECTIVE = re.compile(r"#|noqa(:\s*[A-Z]+\d+(\s*,\s*[A-Z]+\d+)*)?|type:\s*ignore(\[[^\]]*\])?")


@dataclass(frozen=True)
class Import:
    """One imported name: ``target`` is the resolved module, ``name`` a non-module name from it."""

    source: str
    target: str
    name: str | None
    path: Path
    line: int
    local: bool  # inside a function or method body

    def where(self) -> str:
        """``svcinsight/report/runner.py:12``"""
        root = self.path.parents[self.source.count(".") + (self.path.name == "__init__.py")]
        return f"{self.path.relative_to(root)}:{self.line}"


@cache
def modules(package_dir: Path = PACKAGE_DIR) -> dict[str, Path]:
    """Every module by dotted name: ``report/__init__.py`` is ``svcinsight.report``."""
    files = sorted(package_dir.rglob("*.py"))
    parts = {p: p.relative_to(package_dir.parent).with_suffix("").parts for p in files}
    return {".".join(n[:-1] if n[-1] == "__init__" else n): p for p, n in parts.items()}


def package_of(module: str, known: dict[str, Path]) -> str:
    """The package a module lives in: itself for a package ``__init__``, else its parent."""
    is_package = known.get(module, Path()).name == "__init__.py"
    return module if is_package else module.rpartition(".")[0]


def _inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _walk(node: ast.AST, local: bool = False):
    """Every import statement under ``node``, with whether it runs inside a function body."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, local
        yield from _walk(child, local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))


def _resolve(stmt: ast.Import | ast.ImportFrom, source: str, known: dict[str, Path]):
    """(target module, non-module name or None) for each name the statement imports."""
    if isinstance(stmt, ast.Import):
        return [(alias.name, None) for alias in stmt.names]
    base = stmt.module or ""
    if stmt.level:  # relative: level 1 is the importing module's own package
        package = package_of(source, known).split(".")
        base = ".".join(package[: len(package) - stmt.level + 1] + ([base] if base else []))
    subs = [(f"{base}.{alias.name}", alias.name) for alias in stmt.names]
    return [(sub, None) if sub in known else (base, None if n == "*" else n) for sub, n in subs]


@cache
def imports(package_dir: Path = PACKAGE_DIR) -> tuple[Import, ...]:
    """Every import of every module (of ``svcinsight`` modules and of anything else alike)."""
    known, found = modules(package_dir), []
    for source, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for stmt, local in _walk(tree):
            found += [Import(source, target, name, path, stmt.lineno, local)
                      for target, name in _resolve(stmt, source, known)]
    return tuple(found)


def edges(package_dir: Path = PACKAGE_DIR) -> list[Import]:
    """The imports of ``svcinsight`` modules, without a module importing itself."""
    return [i for i in imports(package_dir) if _inside(i.target, TOP) and i.target != i.source]


def read_layers(doc: Path = LAYER_DOC) -> dict[str, int]:
    """Listed module or package name -> layer number, from the table between the markers."""
    text = doc.read_text(encoding="utf-8")
    table = text.split("<!-- layers -->", 1)[1].split("<!-- /layers -->", 1)[0]
    layers = {}
    for row in table.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        number = re.match(r"\d+", cells[0]) if len(cells) > 1 else None  # not header, not |---|
        if number:
            names = re.findall(r"`([^`]+)`", cells[1])
            layers.update((name.strip(), int(number.group())) for name in names)
    return layers


def layer_of(module: str, layers: dict[str, int]) -> int | None:
    """Layer of the longest listed name that is the module or one of its packages."""
    matches = [name for name in layers if _inside(module, name)]
    return layers[max(matches, key=len)] if matches else None


def circles(graph_edges: list[Import]) -> list[list[str]]:
    """Strongly connected components of 2+ modules (Tarjan); edges to/from the top skipped."""
    graph: dict[str, set[str]] = {}
    for e in graph_edges:
        if TOP not in (e.source, e.target):
            graph.setdefault(e.source, set()).add(e.target)
            graph.setdefault(e.target, set())
    index, low, stack, found = {}, {}, [], []  # Tarjan's bookkeeping; found: the circles

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = [stack.pop()]
            while component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def private_uses(package_dir: Path = PACKAGE_DIR) -> list[tuple[Import, str, str]]:
    """(import, what, owner) for each private thing used outside its owner package: ``_name``
    in module M belongs to M's package, module ``a._b`` to ``a``; the top package's to everyone."""
    known, found = modules(package_dir), []
    for e in edges(package_dir):
        parts = e.target.split(".")
        private = [k for k, part in enumerate(parts) if _private(part)]
        if e.name and _private(e.name):
            owner, what = package_of(e.target, known), f"{e.target}.{e.name}"
        elif private:
            owner, what = ".".join(parts[: private[0]]), e.target
        else:
            continue
        if owner != TOP and not _inside(package_of(e.source, known), owner):
            found.append((e, what, owner))
    return found


def local_imports(package_dir: Path = PACKAGE_DIR) -> list[Import]:
    """Statements importing ``svcinsight`` modules inside function bodies, one each;
    ``cli.py`` and every ``__init__.py`` may import lazily at will and are not counted."""
    counted = [e for e in edges(package_dir)
               if e.local and e.path.name not in ("cli.py", "__init__.py")]
    return list({(e.path, e.line): e for e in reversed(counted)}.values())


@cache
def _comments(path: Path) -> dict[int, tuple[str, bool]]:
    """The file's comments by line number, each with whether it stands alone on its line."""
    lines = io.StringIO(path.read_text(encoding="utf-8")).readline
    return {t.start[0]: (t.string, t.line.lstrip().startswith("#"))
            for t in tokenize.generate_tokens(lines) if t.type == tokenize.COMMENT}


def explained(path: Path, line: int) -> bool:
    """A comment that says something on the statement's first line, or alone on the line above."""
    comments = _comments(path)
    (same, _), (above, alone) = comments.get(line, ("", 0)), comments.get(line - 1, ("", 0))
    return any(re.search(r"\w", _DIRECTIVE.sub("", c)) for c in (same, above if alone else ""))


def _listing(items) -> str:
    """One item a line, in natural order (``x.py:9`` before ``x.py:10``)."""
    def natural(s):
        return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]
    return "\n  ".join(["", *sorted(set(items), key=natural)])


def _layers() -> dict[str, int]:
    if not LAYER_DOC.exists():
        pytest.fail(f"{LAYER_DOC.relative_to(ROOT)} is missing: it holds the layer table")
    return read_layers(LAYER_DOC)


def test_layer_table_parses():
    rows = set((layers := _layers()).values())
    assert len(rows) >= 5, f"the layer table in docs/architecture.md has {len(rows)} rows: {layers}"


def test_every_module_has_a_layer():
    layers = _layers()
    unmatched = [m for m in modules() if m != TOP and layer_of(m, layers) is None]
    assert not unmatched, f"modules in no row of the layer table:{_listing(unmatched)}"


def test_no_import_circle():
    graph_edges, report = edges(), []
    for circle in circles(graph_edges):
        inside = [f"{e.where()}: {e.source} -> {e.target}" for e in graph_edges
                  if e.source in circle and e.target in circle]
        report.append(f"circle of {len(circle)}: {', '.join(circle)}{_listing(inside)}")
    assert not report, "import circles:\n" + "\n".join(report)


def test_no_import_from_a_higher_layer():
    layers, upward = _layers(), []
    for e in edges():
        low, high = layer_of(e.source, layers), layer_of(e.target, layers)
        if TOP not in (e.source, e.target) and None not in (low, high) and high > low:
            upward.append(f"{e.where()}: {e.source} ({low}) imports {e.target} ({high})")
    assert not upward, f"imports from a higher layer (layer numbers in brackets):{_listing(upward)}"


def test_nothing_imports_cli():
    offending = [f"{e.where()}: {e.source}" for e in edges() if _inside(e.target, f"{TOP}.cli")]
    assert not offending, f"svcinsight.cli is imported by:{_listing(offending)}"


def test_no_private_name_of_another_package():
    offending = [f"{e.where()}: {e.source} uses {what} (private to {owner})"
                 for e, what, owner in private_uses()]
    assert not offending, f"private names used outside their package:{_listing(offending)}"


def test_function_local_imports_are_few_and_explained():
    local = local_imports()
    bare = [e for e in local if not explained(e.path, e.line)]
    if len(local) > MAX_LOCAL_IMPORTS or bare:
        listing = _listing(f"{e.where()}: {e.target}{'  (no reason)' * (e in bare)}" for e in local)
        pytest.fail(f"{len(local)} function-local imports of svcinsight modules (at most "
                    f"{MAX_LOCAL_IMPORTS}); {len(bare)} lack a one-line reason comment:{listing}")


def test_only_report_knows_papermill_and_nbconvert():
    offending = [f"{i.where()}: {i.source} imports {i.target}" for i in imports()
                 if i.target.split(".")[0] in ("papermill", "nbconvert")
                 and not (_inside(i.source, f"{TOP}.report") or i.source == f"{TOP}.cli")]
    assert not offending, f"papermill/nbconvert outside svcinsight.report:{_listing(offending)}"
