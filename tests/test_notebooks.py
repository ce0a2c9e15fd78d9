"""The notebooks are the source: edited in JupyterLab, committed without outputs. Each one
runs on the project's kernel, has one parameters cell papermill can inject into, tells its
story in markdown, and keeps its code cells to short calls into the library (no functions,
classes or lambdas defined in a notebook). These checks read the cells only; they do not
care which library functions the cells call."""

from __future__ import annotations

import ast
import json
import warnings
from pathlib import Path

import nbformat
import pytest
from nbformat.warnings import DuplicateCellId, MissingIDFieldWarning

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

KERNEL_NAME = "svcinsight"
# The most lines of code a cell may have, not counting blank lines and comment lines; a
# call that wraps over several lines counts each of them.
MAX_CODE_LINES = 8
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)

each_notebook = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _code_cells(nb):
    return [(i, cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def _python(source: str) -> str:
    """The cell's source without IPython magics and shell escapes (lines starting % or !)."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(_python(source))
    except SyntaxError:
        return None


def _where(path: Path, index: int) -> str:
    return f"{path.name} cell {index}"


def _failures(problems: list[str]) -> str:
    return "\n  " + "\n  ".join(problems)


def test_the_notebooks_are_found():
    # an empty parametrisation would skip every check below instead of failing
    assert NOTEBOOKS, f"no notebooks in {ROOT / 'notebooks'}"


@each_notebook
def test_kernel_is_svcinsight_and_the_notebook_is_valid(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    kernelspec = raw.get("metadata", {}).get("kernelspec", {})
    assert kernelspec.get("name") == KERNEL_NAME, (
        f"{path.name}: kernelspec name is {kernelspec.get('name')!r}, expected {KERNEL_NAME!r} "
        f"(pick the 'Python (svcinsight)' kernel in JupyterLab)")
    # the file as committed: nbformat would repair a missing or duplicate cell id with only
    # a warning, so those are checked here and the warnings fail validation too
    seen = {}
    problems = []
    has_ids = (raw.get("nbformat", 0), raw.get("nbformat_minor", 0)) >= (4, 5)
    for i, cell in enumerate(raw.get("cells", []) if has_ids else []):
        if "id" not in cell:
            problems.append(f"{_where(path, i)} has no id")
        elif cell["id"] in seen:
            problems.append(f"{_where(path, i)} has the id {cell['id']!r} of cell {seen[cell['id']]}")
        else:
            seen[cell["id"]] = i
    assert not problems, f"{path.name} is not a valid notebook:" + _failures(problems)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingIDFieldWarning)
        warnings.simplefilter("error", DuplicateCellId)
        try:
            nbformat.validate(nbformat.from_dict(raw))
        except nbformat.ValidationError as exc:
            at = list(getattr(exc, "absolute_path", None) or getattr(exc, "path", None) or [])
            where = _where(path, at[1]) if at[:1] == ["cells"] and len(at) > 1 else path.name
            pytest.fail(f"{where} is not valid nbformat ({'/'.join(map(str, at)) or 'top level'}): {exc.message}")


@each_notebook
def test_committed_without_outputs(path):
    nb = _read(path)
    problems = []
    for i, cell in _code_cells(nb):
        if cell.get("outputs"):
            problems.append(f"{_where(path, i)} has {len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            problems.append(f"{_where(path, i)} has execution_count {cell.execution_count}")
    assert not problems, ("notebooks are committed without outputs (clear all outputs before saving):"
                          + _failures(problems))


def _literal(value) -> bool:
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, list):
        return all(_literal(v) for v in value)
    if isinstance(value, dict):
        return all(_literal(k) and not isinstance(k, (list, dict)) and _literal(v) for k, v in value.items())
    return False


@each_notebook
def test_one_parameters_cell_of_literal_assignments(path):
    nb = _read(path)
    tagged = [i for i, cell in _code_cells(nb) if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, (f"{path.name}: expected exactly one code cell tagged 'parameters', "
                              f"found {len(tagged)} (cells {tagged})")
    index = tagged[0]
    where = _where(path, index)
    try:
        tree = ast.parse(nb.cells[index].source)
    except SyntaxError as exc:
        pytest.fail(f"{where} (parameters) is not Python: {exc.msg} on line {exc.lineno}")
    problems = []
    for stmt in tree.body:
        line = ast.get_source_segment(nb.cells[index].source, stmt) or ast.dump(stmt)
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            problems.append(f"{where} line {stmt.lineno}: {line!r} is not `name = <literal>`")
            continue
        try:
            value = ast.literal_eval(stmt.value)
        except ValueError:
            problems.append(f"{where} line {stmt.lineno}: {line!r}: the value is not a literal")
            continue
        if not _literal(value):
            problems.append(f"{where} line {stmt.lineno}: {line!r}: the value is a {type(value).__name__}, "
                            "not None, str, int, float, bool or a list/dict of those")
    assert not problems, "the parameters cell holds only `name = <literal>` lines:" + _failures(problems)


@each_notebook
def test_no_function_class_or_lambda_is_defined(path):
    nb = _read(path)
    problems = []
    for i, cell in _code_cells(nb):
        tree = _parse(cell.source)
        if tree is None:
            continue  # test_every_code_cell_is_python reports it
        for node in sorted(ast.walk(tree), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
            if isinstance(node, DEFINITIONS):
                name = getattr(node, "name", "lambda")
                problems.append(f"{_where(path, i)} line {node.lineno}: defines {type(node).__name__} {name}")
    assert not problems, ("a notebook calls the library; functions and classes belong in svcinsight/:"
                          + _failures(problems))


def _code_lines(source: str) -> int:
    return sum(1 for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#"))


@each_notebook
def test_every_code_cell_is_short(path):
    nb = _read(path)
    problems = [f"{_where(path, i)} has {n} lines of code"
                for i, cell in _code_cells(nb) if (n := _code_lines(cell.source)) > MAX_CODE_LINES]
    assert not problems, (f"a code cell has at most {MAX_CODE_LINES} lines that are not blank or comments; "
                          "move the work into the library or split the cell:" + _failures(problems))


@each_notebook
def test_the_notebook_is_narrative(path):
    nb = _read(path)
    assert nb.cells, f"{path.name} has no cells"
    assert any(cell.cell_type == "markdown" for cell in nb.cells), f"{path.name} has no markdown cell"
    first = nb.cells[0]
    assert first.cell_type == "markdown", f"{_where(path, 0)} is {first.cell_type}: the first cell is the markdown title"
    assert first.source.lstrip().startswith("# "), (
        f"{_where(path, 0)} does not start with a '# ' title: {first.source.lstrip()[:60]!r}")


@each_notebook
def test_every_code_cell_is_python(path):
    nb = _read(path)
    problems = []
    for i, cell in _code_cells(nb):
        try:
            ast.parse(_python(cell.source))
        except SyntaxError as exc:
            problems.append(f"{_where(path, i)} line {exc.lineno}: {exc.msg}")
    assert not problems, "every code cell parses as Python (magics % and ! aside):" + _failures(problems)
