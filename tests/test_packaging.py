"""The project's set-up promises: one dependency list mirrored for conda users,
notebooks committed clean, and the README's commands being what CI runs."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += [r for r in extra if not r.startswith("svcinsight")]
    out = {}
    for r in reqs:
        req = Requirement(r)
        out[req.name.lower()] = str(req.specifier)
    return out


def _conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    deps = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip: section: packages conda-forge lacks, and the project itself
            deps += [d for d in dep["pip"] if not d.startswith("-")]
        else:
            deps.append(dep)
    for dep in deps:
        name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", dep).groups()
        if name in {"python", "pip"}:
            continue
        out[name.lower()] = spec.replace(" ", "")
    return out


def test_environment_yml_mirrors_pyproject():
    assert _conda_requirements() == _pyproject_requirements()


def test_every_dependency_has_a_lower_bound():
    for name, spec in _pyproject_requirements().items():
        assert ">=" in spec, f"{name} has no lower bound in pyproject.toml"


def test_notebooks_are_committed_clean_with_parameters_and_kernel():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebooks found"
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") for c in code), f"{path.name} has outputs"
        assert all(c.get("execution_count") is None for c in code), f"{path.name} has counts"
        tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: expected one 'parameters' cell"
        assert nb["metadata"]["kernelspec"]["name"] == "svcinsight"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"^\s*(make \w+)\s*$", readme.split("\n## ", 1)[0], flags=re.M)
    assert "make test" in commands and "make demo" in commands, commands
    assert re.search(r"^make test$", ci, flags=re.M)


def test_test_module_names_are_unique():
    # tests/ has no __init__.py: pytest imports test modules by base name, so two files
    # with the same name in different folders stop the whole collection
    names = [p.name for p in (ROOT / "tests").rglob("*.py") if p.name != "conftest.py"]
    assert len(names) == len(set(names)), sorted(n for n in set(names) if names.count(n) > 1)
