"""Student copies (scripts/make_student.py): one per lesson, no solution cells, no outputs, and
each runs top to bottom with its exercises left as `...`, importing `caspian` through the link."""

from __future__ import annotations

import importlib.util
import os
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
            assert "solution" not in cell.metadata.get("tags", []), f"{path.name} cell {i}"
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name} cell {i}"


def test_copies_keep_everything_else(copies):
    for lesson in LESSONS:
        original = nbformat.read(lesson, as_version=4).cells
        kept = [c for c in original if "solution" not in c.metadata.get("tags", [])]
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


def _run(path: Path) -> str | None:
    """Execute one copy in its own folder; return an error message or None."""
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
        return None
    return None


def test_copies_run_top_to_bottom(copies):
    paths = sorted(copies.glob("*.ipynb"))
    with ThreadPoolExecutor(max_workers=min(4, len(paths))) as pool:
        errors = [e for e in pool.map(_run, paths) if e]
    assert not errors, "\n\n".join(errors)
