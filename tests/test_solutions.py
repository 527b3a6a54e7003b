"""Every exercise's solution passes its own check, strictly, and no solution can run by accident.

Solutions are markdown cells (the README's convention: a ``<details>`` block around a ```python
fence), so no Run All executes them. scripts/run_solutions.py builds an in-memory copy of a lesson
with each exercise's first starter cell replaced by its solution, runs it top to bottom with
CASPIAN_STRICT_CHECKS=1 (a ✗ raises) and counts the ✓ lines of every exercise's check cells.

That a lesson run untouched prints no ✓ is asserted on the student copies in tests/test_student.py
(they are the lessons minus solution and instructor cells, and are executed there anyway).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# Lessons that still use the OLD convention (solution = a collapsed CODE cell tagged `solution`,
# no `starter`/`check`/`hint` tags). Their solutions still run under nbval. This list is the
# signal for each lesson's owner: convert the lesson to the README's exercise convention, run
# `python scripts/run_solutions.py notebooks/NN_x.ipynb`, then REMOVE the lesson's name from here.
# test_legacy_list_is_current fails while a converted lesson is still listed.
LEGACY = set()  # every lesson is on the convention now

# The capstone's solutions follow the variable ACTOR; they must pass for more than one actor.
CAPSTONE = "07_capstone.ipynb"
CAPSTONE_ACTORS = ["irgc", "irn"]


def _load_script():
    spec = importlib.util.spec_from_file_location("run_solutions",
                                                  ROOT / "scripts" / "run_solutions.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_solutions"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


run_solutions = _load_script()


def is_legacy(nb: nbformat.NotebookNode) -> bool:
    """Does the notebook hold a CODE cell tagged `solution` (the old, runnable convention)?"""
    return any(c.cell_type == "code" and "solution" in c.metadata.get("tags", [])
               for c in nb.cells)


CONVERTED = [p for p in LESSONS if p.name not in LEGACY]


def runs() -> list[tuple[Path, dict[str, str]]]:
    cases = []
    for path in CONVERTED:
        if path.name == CAPSTONE:
            cases += [(path, {"ACTOR": repr(actor)}) for actor in CAPSTONE_ACTORS]
        else:
            cases.append((path, {}))
    return cases


def test_legacy_list_is_current():
    names = {p.name for p in LESSONS}
    assert LEGACY <= names, f"LEGACY names lessons that do not exist: {sorted(LEGACY - names)}"
    for path in LESSONS:
        legacy = is_legacy(nbformat.read(path, as_version=4))
        if path.name in LEGACY:
            assert legacy, (f"{path.name} is converted (no code cell tagged `solution`): remove it "
                            "from LEGACY in tests/test_solutions.py so its solutions are run")
        else:
            assert not legacy, (f"{path.name} has a CODE cell tagged `solution`, which Run All "
                                "executes: make it a markdown solution cell (see the README)")


@pytest.mark.parametrize("path", CONVERTED, ids=lambda p: p.name)
def test_every_exercise_has_starter_check_and_one_solution(path):
    blocks = run_solutions.exercise_blocks(nbformat.read(path, as_version=4))
    assert blocks, f"{path.name}: no exercise found (cells tagged exercise/starter/solution)"
    for ex_id, block in blocks.items():
        assert block.heading is not None, f"{path.name} {ex_id}: no heading tagged `exercise`"
        assert block.starters, f"{path.name} {ex_id}: no starter cell"
        assert block.checks, f"{path.name} {ex_id}: no check cell"
        assert len(block.solutions) == 1, f"{path.name} {ex_id}: not exactly one solution"


@pytest.mark.parametrize("path,sets", runs(),
                         ids=[f"{p.name}{'-' + s['ACTOR'] if s else ''}" for p, s in runs()])
def test_solutions_pass_their_checks_strictly(path, sets):
    counts = run_solutions.run_solutions(path, sets)
    assert counts, f"{path.name}: no exercises"
    bad = {ex_id: c for ex_id, c in counts.items() if c["✓"] < 1 or c["✗"] or c["…"]}
    assert not bad, f"{path.name} {sets}: exercises without a ✓ from their check: {bad}"


# --- the harness itself ------------------------------------------------------------------------

def _nb(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _tagged(cell, *tags, ex="00.1"):
    cell.metadata["tags"] = list(tags)
    cell.metadata["caspian"] = {"exercise": ex}
    return cell


SOLUTION = ("<details><summary>Solution</summary>\n\n```python\nanswer = 2026 - 2012\n```\n\n"
            "Subtract.\n</details>")


def test_harness_swaps_first_starter_and_empties_the_others():
    nb = _nb(_tagged(nbformat.v4.new_markdown_cell("### Exercise 0.1 — x"), "exercise"),
             _tagged(nbformat.v4.new_code_cell("answer = ..."), "starter"),
             _tagged(nbformat.v4.new_code_cell("more = ..."), "starter"),
             _tagged(nbformat.v4.new_code_cell('check("00.1", answer)'), "check"),
             _tagged(nbformat.v4.new_markdown_cell(SOLUTION), "solution"))
    solved, blocks = run_solutions.with_solutions(nb)
    assert [c.source for c in solved.cells[1:3]] == ["answer = 2026 - 2012", ""]
    assert nb.cells[1].source == "answer = ...", "the original notebook is not changed"
    assert blocks["00.1"].checks == [3]


def test_harness_refuses_a_solution_without_a_fence():
    nb = _nb(_tagged(nbformat.v4.new_code_cell("answer = ..."), "starter"),
             _tagged(nbformat.v4.new_markdown_cell("<details>answer = 14</details>"), "solution"))
    with pytest.raises(ValueError, match="fence"):
        run_solutions.with_solutions(nb)


def test_set_rewrites_the_assignment_and_refuses_a_typo():
    nb = _nb(nbformat.v4.new_code_cell('ACTOR = "irgc"\nPARTNER = None'))
    run_solutions.apply_sets(nb, {"ACTOR": run_solutions.parse_value("irn")})
    assert nb.cells[0].source == "ACTOR = 'irn'\nPARTNER = None"
    with pytest.raises(KeyError, match="ACTR"):
        run_solutions.apply_sets(nb, {"ACTR": "'x'"})


def test_verdicts_count_marks_per_exercise():
    cell = nbformat.v4.new_code_cell('check("00.1", answer)')
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                           text="✓ Exercise 00.1: yes\n✗ Exercise 00.2: no\n")]
    counts = run_solutions.verdicts(_nb(cell), {"00.1": run_solutions.Block("00.1", checks=[0])})
    assert counts == {"00.1": {"✓": 1, "✗": 0, "…": 0}}


def test_harness_runs_a_lesson_and_sees_a_failing_solution(tmp_path, monkeypatch):
    """End to end on a tiny lesson: the right solution gives ✓; a wrong one fails strictly."""
    setup = nbformat.v4.new_code_cell("from caspian.checks import check")
    path = tmp_path / "99_tiny.ipynb"
    good = _nb(setup, _tagged(nbformat.v4.new_code_cell("answer = ..."), "starter"),
               _tagged(nbformat.v4.new_code_cell('check("00.1", answer)'), "check"),
               _tagged(nbformat.v4.new_markdown_cell(SOLUTION), "solution"))
    nbformat.write(good, path)
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "notebooks"))  # the kernel runs in tmp_path
    assert run_solutions.run_solutions(path) == {"00.1": {"✓": 1, "✗": 0, "…": 0}}
    good.cells[3].source = SOLUTION.replace("2026 - 2012", "2026 - 2011")
    nbformat.write(good, path)
    with pytest.raises(Exception, match="WrongAnswer"):
        run_solutions.run_solutions(path)
