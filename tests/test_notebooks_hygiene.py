"""Committed notebooks are clean: no outputs, the plain python3 kernel, the lesson template's
structure, hidden solutions, and no absolute machine paths."""

from __future__ import annotations

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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_solutions_are_hidden(path):
    for i, cell in enumerate(load(path)["cells"]):
        if "solution" in cell.get("metadata", {}).get("tags", []):
            hidden = cell["metadata"].get("jupyter", {}).get("source_hidden")
            assert hidden is True, f"{path.name} cell {i}: solution cells open collapsed"


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


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_exercises_have_check_and_solution(path):
    cells = load(path)["cells"]
    headings = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                and re.search(r"(?m)^### Exercise \d+\.\d+", "".join(c["source"]))]
    assert headings, f"{path.name}: a lesson has exercises"
    for start in headings:
        end = next((j for j in headings if j > start), len(cells))
        block = cells[start:end]
        assert any("check(" in "".join(c["source"]) for c in block if c["cell_type"] == "code"), \
            f"{path.name} cell {start}: exercise without a check() cell"
        assert any("solution" in c.get("metadata", {}).get("tags", []) for c in block), \
            f"{path.name} cell {start}: exercise without a solution cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_images_have_alt_text(path):
    for match in re.finditer(r"!\[([^\]]*)\]\(", markdown(load(path))):
        assert match[1].strip(), f"{path.name}: an image in markdown has no alt text"
