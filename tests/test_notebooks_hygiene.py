"""Committed notebooks are clean: no outputs, the plain python3 kernel, the lesson template's
structure, no absolute machine paths, and the exercise convention the README describes:

heading (markdown, tag `exercise`, `caspian.exercise` + `minutes`) → hint cell(s) (markdown
`<details>`, tag `hint`) → starter cell(s) (code with `...`, tag `starter`) → check cell (tag
`check`) → solution (MARKDOWN, tag `solution`, a ```python fence inside `<details>`). No code cell
is tagged `solution`, so Run All can never run one. `verify` cells hold only asserts and assign only
`_`-prefixed names. Cells only for the notebook (solution, check, verify, hint, instructor) are
skipped in the slides."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb"))
LESSONS = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name) and not p.name.startswith("00_")]
ABSOLUTE_PATH = re.compile(r"(/work/|/tmp/|/root/|/home/\w+/|/Users/\w+/|[A-Z]:\\\\)")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def stored_outputs(nb: dict) -> list[str]:
    """Which cells carry outputs or execution counts (a committed notebook must have none)."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {i} has outputs")
        if cell.get("execution_count") is not None:
            found.append(f"cell {i} has an execution count")
    return found


def test_there_are_notebooks():
    assert any(p.name == "00_start_here.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    problems = stored_outputs(load(path))
    assert not problems, f"{path.name}: clear outputs before committing ({'; '.join(problems)})"


def test_output_detector_fires():
    nb = {"cells": [{"cell_type": "code", "execution_count": 3,
                     "outputs": [{"output_type": "stream", "name": "stdout", "text": "hi"}]}]}
    assert stored_outputs(nb) == ["cell 0 has outputs", "cell 0 has an execution count"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_plain_python3_kernel(path):
    spec = load(path)["metadata"].get("kernelspec", {})
    assert spec.get("name") == "python3", f"{path.name}: kernelspec must be plain 'python3'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_absolute_paths(path):
    for i, cell in enumerate(load(path)["cells"]):
        src = "".join(cell["source"])
        assert not ABSOLUTE_PATH.search(src), f"{path.name} cell {i} names a machine path"


def markdown(nb: dict) -> str:
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", LESSONS + [ROOT / "notebooks" / "_template.ipynb"],
                         ids=lambda p: p.name)
def test_lesson_follows_the_template(path):
    nb = load(path)
    text = markdown(nb)
    h1 = re.findall(r"(?m)^# \S", text)
    assert len(h1) == 1, f"{path.name}: exactly one H1 title (found {len(h1)})"
    for heading in ("Overview", "Learning objectives", "Prerequisites", "Time to learn",
                    "Key points", "What's next", "Sources"):
        assert re.search(rf"(?m)^#+ .*{re.escape(heading)}", text), \
            f"{path.name}: missing the '{heading}' section"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_images_have_alt_text(path):
    for match in re.finditer(r"!\[([^\]]*)\]\(", markdown(load(path))):
        assert match[1].strip(), f"{path.name}: an image in markdown has no alt text"


# --- the exercise convention (README: "Exercises, hints and solutions") ------------------------


def _legacy() -> set[str]:
    """LEGACY from tests/test_solutions.py: lessons still on the old convention (one list)."""
    spec = importlib.util.spec_from_file_location("_legacy_list",
                                                  ROOT / "tests" / "test_solutions.py")
    source = spec.loader.get_source("_legacy_list")
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "LEGACY":
            return set(ast.literal_eval(node.value))
    raise AssertionError("tests/test_solutions.py defines no LEGACY set")


LEGACY = _legacy()
CONVENTION = [p for p in NOTEBOOKS if p.name not in LEGACY]
NOTEBOOK_ONLY = {"solution", "check", "verify", "hint", "instructor"}
SOLUTION_CELL = re.compile(r"\A<details><summary>Solution</summary>\n\n```python\n.+?\n```\n"
                           r"(?:\n.*)?</details>\s*\Z", re.S)
HEADING = re.compile(r"\A### Exercise (\d+)\.(\d+) — \S")


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def src(cell: dict) -> str:
    return "".join(cell["source"])


def slide(cell: dict) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def exercise_problems(nb: dict, name: str) -> list[str]:
    """Everything in ``nb`` that breaks the exercise convention (empty list: none)."""
    problems = []
    cells = nb["cells"]
    lesson = name[:2] if re.match(r"\d\d_", name) else None
    blocks: dict[str, dict[str, list[int]]] = {}
    for i, cell in enumerate(cells):
        t = tags(cell)
        where = f"{name} cell {i}"
        if "solution" in t and cell["cell_type"] == "code":
            problems.append(f"{where}: a CODE cell tagged solution (Run All would run it); make it "
                            "markdown: <details><summary>Solution</summary> + a ```python fence")
        if NOTEBOOK_ONLY & set(t) and slide(cell) != "skip":
            problems.append(f"{where}: cells tagged {sorted(NOTEBOOK_ONLY & set(t))} are "
                            "slide-skipped (slideshow.slide_type = skip)")
        if cell["cell_type"] == "markdown" and HEADING.match(src(cell)) and "exercise" not in t:
            problems.append(f"{where}: an exercise heading without the `exercise` tag")
        if cell["cell_type"] == "code" and "check(" in src(cell) and re.search(
                r"check\(\s*[\"']\d\d\.\d+", src(cell)) and "check" not in t:
            problems.append(f"{where}: a check(...) call in a cell not tagged `check`")
        kinds = {"exercise", "hint", "starter", "check", "solution"} & set(t)
        if not kinds:
            continue
        ex_id = cell.get("metadata", {}).get("caspian", {}).get("exercise")
        if ex_id is None and "hint" in t:
            ex_id = next(reversed(blocks), None)
        if ex_id is None and "check" in t:
            found = re.search(r"check\(\s*[\"'](\d\d\.\d+)", src(cell))
            ex_id = found[1] if found else None
        if ex_id is None:
            problems.append(f"{where}: tagged {sorted(kinds)} without metadata caspian.exercise")
            continue
        block = blocks.setdefault(ex_id, {})
        for kind in kinds:
            block.setdefault(kind, []).append(i)
    for ex_id, block in blocks.items():
        where = f"{name} exercise {ex_id}"
        if lesson and not ex_id.startswith(f"{lesson}."):
            problems.append(f"{where}: ids in lesson {lesson} are {lesson}.N")
        missing = [k for k in ("exercise", "hint", "starter", "check", "solution")
                   if k not in block]
        if missing:
            problems.append(f"{where}: no cell tagged {', '.join(missing)}")
            continue
        head = cells[block["exercise"][0]]
        found = HEADING.match(src(head))
        if head["cell_type"] != "markdown" or not found:
            problems.append(f"{where}: the heading is markdown `### Exercise N.M — title`")
        elif f"{int(found[1]):02d}.{found[2]}" != ex_id:
            problems.append(f"{where}: heading says {found[1]}.{found[2]}")
        minutes = head.get("metadata", {}).get("caspian", {}).get("minutes")
        if not isinstance(minutes, int) or not 1 <= minutes <= 30:
            problems.append(f"{where}: heading metadata caspian.minutes (1-30) is the learner's "
                            f"time for the exercise (got {minutes!r})")
        if slide(head) != "slide":
            problems.append(f"{where}: the heading starts a slide")
        order = (block["exercise"][0], min(block["hint"]), min(block["starter"]),
                 min(block["check"]), min(block["solution"]))
        if list(order) != sorted(order) or max(block["hint"]) > min(block["starter"]):
            problems.append(f"{where}: cells out of order (heading, hints, starter, check, "
                            "solution)")
        for i in block["hint"]:
            if cells[i]["cell_type"] != "markdown" or "<details><summary>Hint 1" not in src(
                    cells[block["hint"][0]]):
                problems.append(f"{where}: hints are markdown <details><summary>Hint 1 — …")
        for i in block["starter"]:
            if cells[i]["cell_type"] != "code" or "..." not in src(cells[block["starter"][0]]):
                problems.append(f"{where}: a starter is a code cell with `...` to replace")
        for i in block["check"]:
            if cells[i]["cell_type"] != "code" or f'check("{ex_id}"' not in src(cells[i]):
                problems.append(f"{where}: the check cell calls check(\"{ex_id}\", ...)")
        if len(block["solution"]) != 1:
            problems.append(f"{where}: exactly one solution cell")
        sol = cells[block["solution"][0]]
        if sol["cell_type"] == "markdown" and not SOLUTION_CELL.match(src(sol)):
            problems.append(f"{where}: the solution is `<details><summary>Solution</summary>`, a "
                            "blank line, one ```python fence, optional text, `</details>`")
    return problems


@pytest.mark.parametrize("path", CONVENTION, ids=lambda p: p.name)
def test_exercises_follow_the_convention(path):
    problems = exercise_problems(load(path), path.name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", [p for p in LESSONS if p.name not in LEGACY], ids=lambda p: p.name)
def test_lessons_have_exercises(path):
    assert any("exercise" in tags(c) for c in load(path)["cells"]), f"{path.name}: no exercise"


def _good_exercise() -> list[dict]:
    def cell(kind, source, tag, **caspian):
        meta = {"tags": [tag], "slideshow": {"slide_type": "skip"}}
        if caspian:
            meta["caspian"] = caspian
        return {"cell_type": kind, "source": source, "metadata": meta}

    head = cell("markdown", "### Exercise 9.1 — x\n\n1. do", "exercise", exercise="09.1",
                minutes=5)
    head["metadata"]["slideshow"]["slide_type"] = "slide"
    starter = cell("code", "answer = ...", "starter", exercise="09.1")
    starter["metadata"]["slideshow"]["slide_type"] = "-"
    hint = "<details><summary>Hint 1 — a nudge</summary>\n\nx\n\n</details>"
    return [head, cell("markdown", hint, "hint"),
            starter, cell("code", 'check("09.1", answer)', "check", exercise="09.1"),
            cell("markdown", "<details><summary>Solution</summary>\n\n```python\nanswer = 1\n```"
                             "\n\nWhy.\n</details>", "solution", exercise="09.1")]


def test_the_convention_checker_accepts_a_good_exercise_and_sees_each_fault():
    assert exercise_problems({"cells": _good_exercise()}, "09_x.ipynb") == []
    faults = {
        "CODE cell tagged solution": lambda c: c[4].update(cell_type="code"),
        "out of order": lambda c: c.insert(1, c.pop(2)),
        "slide-skipped": lambda c: c[3]["metadata"].update(slideshow={"slide_type": "-"}),
        "caspian.minutes": lambda c: c[0]["metadata"]["caspian"].pop("minutes"),
        "no cell tagged hint": lambda c: c.pop(1),
        "one ```python fence": lambda c: c[4].update(source="<details>answer = 1</details>"),
        "ids in lesson 08": lambda c: None,
    }
    for words, fault in faults.items():
        cells = _good_exercise()
        fault(cells)
        name = "08_x.ipynb" if "lesson 08" in words else "09_x.ipynb"
        problems = "\n".join(exercise_problems({"cells": cells}, name))
        assert words in problems, f"{words!r} not reported: {problems}"


def verify_problems(source: str) -> list[str]:
    """A verify cell holds only asserts, and binds only `_`-prefixed names."""
    problems = []
    tree = ast.parse(source)
    for node in tree.body:
        if not isinstance(node, (ast.Assert, ast.Assign, ast.AnnAssign)):
            problems.append(f"line {node.lineno}: only assert statements (and `_` temporaries)")
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        elif isinstance(node, (ast.For, ast.comprehension)):
            continue  # comprehension variables do not leak
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name) and not name.id.startswith("_"):
                    problems.append(f"line {node.lineno}: assigns {name.id!r}; a verify cell may "
                                    "only assign `_`-prefixed names (never a learner's variable)")
    return problems


def test_verify_checker_sees_a_learner_variable():
    assert verify_problems('assert (_n := 3) == 3, "x"\n_m = 2\nassert _m == 2') == []
    assert "assigns 'answer'" in "\n".join(verify_problems("answer = 3\nassert answer"))
    assert "only assert" in "\n".join(verify_problems("print(3)"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_verify_cells_are_hidden_skipped_and_harmless(path):
    for i, cell in enumerate(load(path)["cells"]):
        if "verify" not in tags(cell):
            continue
        where = f"{path.name} cell {i}"
        assert cell["cell_type"] == "code", f"{where}: a verify cell is code"
        assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, \
            f"{where}: verify cells are hidden (metadata jupyter.source_hidden = true)"
        assert slide(cell) == "skip", f"{where}: verify cells are skipped in slides"
        problems = verify_problems(src(cell))
        assert not problems, f"{where}: " + "; ".join(problems)
