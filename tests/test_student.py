"""Student copies (scripts/make_student.py): one per lesson, no solution or instructor cells, no
mention of solutions, no outputs, and each runs top to bottom with its exercises left as `...`,
importing `caspian` through the link, printing no ✓ (an untouched lesson solves nothing)."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _load_script():
    spec = importlib.util.spec_from_file_location("make_student",
                                                  ROOT / "scripts" / "make_student.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_student = _load_script()


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    make_student.make_student(out)
    return out


def test_one_copy_per_lesson(copies):
    assert sorted(p.name for p in copies.glob("*.ipynb")) == [p.name for p in LESSONS]


def test_copies_have_no_solutions_and_no_outputs(copies):
    for path in sorted(copies.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            assert not {"solution", "instructor"} & set(cell.metadata.get("tags", [])), \
                f"{path.name} cell {i}"
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name} cell {i}"


# Words a student copy must not contain: a copy keeps no trace of what it lost, and no prompt
# meant for the instructor. Put such prose in a markdown cell tagged `instructor`.
FORBIDDEN = [re.compile(r"solution", re.I), re.compile(r"ask the class", re.I)]


def forbidden_words(nb: nbformat.NotebookNode) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        for pattern in FORBIDDEN:
            for match in pattern.finditer(cell.source):
                line = cell.source[:match.start()].count("\n") + 1
                found.append(f"cell {i} line {line}: {match[0]!r}")
    return found


def _legacy() -> set[str]:
    """LEGACY from tests/test_solutions.py (lessons not yet on the convention; one list)."""
    tree = ast.parse((ROOT / "tests" / "test_solutions.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "LEGACY":
            return set(ast.literal_eval(node.value))
    raise AssertionError("tests/test_solutions.py defines no LEGACY set")


def test_copies_never_mention_solutions_or_the_class_prompts(copies):
    legacy = _legacy()  # their owners convert them; this test then covers them too
    problems = {p.name: forbidden_words(nbformat.read(p, as_version=4))
                for p in sorted(copies.glob("*.ipynb")) if p.name not in legacy}
    problems = {name: found for name, found in problems.items() if found}
    assert not problems, ("student copies mention what they lost; move that prose into a cell "
                          f"tagged `instructor`: {problems}")


def test_forbidden_word_detector_fires():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("A hidden Solution follows.\nAsk the class why.")]
    assert forbidden_words(nb) == ["cell 0 line 1: 'Solution'", "cell 0 line 2: 'Ask the class'"]


def test_copies_keep_everything_else(copies):
    for lesson in LESSONS:
        original = nbformat.read(lesson, as_version=4).cells
        kept = [c for c in original
                if not {"solution", "instructor"} & set(c.metadata.get("tags", []))]
        copy = nbformat.read(copies / lesson.name, as_version=4).cells
        assert [c.source for c in copy] == [c.source for c in kept], lesson.name


def test_lessons_are_not_touched(tmp_path):
    before = {p: p.read_bytes() for p in LESSONS}
    make_student.make_student(tmp_path / "again")
    assert {p: p.read_bytes() for p in LESSONS} == before


def test_package_link_is_relative_and_finds_the_data(copies):
    link = copies / "caspian"
    assert link.is_symlink() and not Path(os.readlink(link)).is_absolute()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    found = subprocess.run([sys.executable, "-c", "import caspian.paths as p; print(p.DATA_DIR)"],
                           cwd=copies, env=env, capture_output=True, text=True, check=True)
    assert Path(found.stdout.strip()) == ROOT / "data"


def ticks(nb: nbformat.NotebookNode) -> list[str]:
    """Every output line with a ✓ (a check that says an exercise is solved)."""
    found = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "") or output.get("data", {}).get("text/plain", "")
            found += [f"cell {i}: {line}" for line in text.splitlines() if "✓" in line]
    return found


def _run(path: Path) -> str | None:
    """Execute one copy in its own folder; return an error message or None.

    The copy is a lesson as a learner first opens it (minus solution and instructor cells, which
    Run All could not execute anyway): running it must print no ✓, since no exercise is done.
    """
    for attempt in range(2):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute()
        except CellExecutionError as exc:  # a real failure in a cell: report it
            return f"{path.name}: {type(exc).__name__}: {str(exc)[-1500:]}"
        except Exception as exc:  # kernels started in parallel can race for a port: retry once
            if attempt:
                return f"{path.name}: {type(exc).__name__}: {str(exc)[-1500:]}"
            continue
        found = ticks(nb)
        if found:
            return f"{path.name}: run untouched, it printed ✓: {found}"
        return None
    return None


def test_copies_run_top_to_bottom_and_print_no_tick(copies):
    paths = sorted(copies.glob("*.ipynb"))
    with ThreadPoolExecutor(max_workers=min(4, len(paths))) as pool:
        errors = [e for e in pool.map(_run, paths) if e]
    assert not errors, "\n\n".join(errors)


def test_tick_detector_fires():
    cell = nbformat.v4.new_code_cell('check("00.1", answer)')
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✓ Exercise 00.1: yes")]
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell]
    assert ticks(nb) == ["cell 0: ✓ Exercise 00.1: yes"]
