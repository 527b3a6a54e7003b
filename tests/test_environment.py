"""environment.yml (Binder, conda) and requirements.txt (pip) must declare the same packages with
the same version constraints, so every learner gets the same course."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
_REQ = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(.*)$")


def parse_requirement(line: str) -> tuple[str, str]:
    """'pandas >=2.2, <4' → ('pandas', '<4,>=2.2'): name normalised, constraints sorted."""
    m = _REQ.match(line.strip())
    if not m:
        raise ValueError(f"cannot read requirement {line!r}")
    name = re.sub(r"[-_.]+", "-", m[1]).lower()
    spec = ",".join(sorted(p.strip() for p in m[2].replace(" ", "").split(",") if p.strip()))
    return name, spec


def conda_requirements(path: Path) -> dict[str, str]:
    env = yaml.safe_load(path.read_text(encoding="utf-8"))
    deps = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # a nested pip: section
            for pip_dep in dep.get("pip", []):
                name, spec = parse_requirement(pip_dep)
                deps[name] = spec
            continue
        name, spec = parse_requirement(dep)
        if name not in ("python", "pip"):
            deps[name] = spec
    return deps


def pip_requirements(path: Path) -> dict[str, str]:
    deps = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, spec = parse_requirement(line)
            deps[name] = spec
    return deps


def compare(conda: dict[str, str], pip: dict[str, str]) -> list[str]:
    problems = []
    for name in sorted(set(conda) | set(pip)):
        if name not in pip:
            problems.append(f"{name} is in environment.yml but not in requirements.txt")
        elif name not in conda:
            problems.append(f"{name} is in requirements.txt but not in environment.yml")
        elif conda[name] != pip[name]:
            problems.append(f"{name}: environment.yml says {conda[name]!r}, "
                            f"requirements.txt says {pip[name]!r}")
    return problems


def test_environment_files_agree():
    problems = compare(conda_requirements(ROOT / "environment.yml"),
                       pip_requirements(ROOT / "requirements.txt"))
    assert not problems, "\n".join(problems)


def test_environment_has_the_course_stack():
    deps = pip_requirements(ROOT / "requirements.txt")
    for name in ("jupyterlab", "pandas", "matplotlib", "geopandas", "nbval", "pytest"):
        assert name in deps, f"{name} is part of the course's fixed stack"


def test_every_requirement_is_bounded_above():
    """A learner installing in two years must not get a new major release that breaks lessons."""
    for name, spec in pip_requirements(ROOT / "requirements.txt").items():
        assert "<" in spec or "~=" in spec or "==" in spec, f"{name} has no upper bound: {spec!r}"


def test_environment_is_named_and_uses_conda_forge():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["name"] == "caspian-crossroads"
    assert env["channels"] == ["conda-forge"]


@pytest.mark.parametrize("extra_conda, extra_pip", [
    ({"seaborn": ">=0.13"}, {}),                   # added to one file only
    ({}, {"seaborn": ">=0.13"}),
    ({"pandas": "<3,>=2.2"}, {}),                  # same package, different constraint
])
def test_comparison_catches_disagreement(extra_conda, extra_pip):
    conda = conda_requirements(ROOT / "environment.yml") | extra_conda
    pip = pip_requirements(ROOT / "requirements.txt") | extra_pip
    assert compare(conda, pip)
