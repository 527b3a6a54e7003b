"""Run a lesson with every exercise solved by its own solution, and report each check's verdict.

Solutions are markdown cells (a ``<details>`` block around a ```python fence): no Run All can
execute them; this script is how CI does. For one lesson it builds an in-memory copy in which each
exercise's FIRST starter cell (tag ``starter``, ``metadata.caspian.exercise``) is replaced by the
code in the exercise's solution cell (tag ``solution``) and its other starter cells are emptied,
executes the copy top to bottom in a fresh ``python3`` kernel with ``CASPIAN_STRICT_CHECKS=1`` (a ✗
raises), and counts the ✓ lines each exercise's check cells printed. The lesson file is never
changed.

``--set NAME=VALUE`` rewrites a top-level assignment ``NAME = ...`` in the lesson's code cells
before running, e.g. ``--set ACTOR=irn`` for the capstone (whose solutions must follow
``ACTOR``). VALUE is a Python literal; anything that is not one (``irn``) is taken as a string.

Usage::

    python scripts/run_solutions.py notebooks/05_alliances.ipynb
    python scripts/run_solutions.py notebooks/07_capstone.ipynb --set ACTOR=irn

Exit status 0 when every exercise printed at least one ✓ and nothing failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"```python[ \t]*\n(.*?)\n[ \t]*```", re.S)
CHECK_CALL = re.compile(r"""check\(\s*["'](\d\d\.\d+)["']""")


def tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def exercise_of(cell: nbformat.NotebookNode) -> str | None:
    """The exercise id in a cell's metadata (``metadata.caspian.exercise``), or None."""
    value = cell.get("metadata", {}).get("caspian", {}).get("exercise")
    return str(value) if value is not None else None


def solution_code(source: str) -> str:
    """The code inside a solution cell's ```python fence.

    Raises
    ------
    ValueError
        If the cell has no fence, or more than one.
    """
    found = FENCE.findall(source)
    if len(found) != 1:
        raise ValueError(f"a solution cell holds exactly one ```python fence (found {len(found)})")
    return found[0]


@dataclass
class Block:
    """The cells of one exercise, by index in the notebook."""

    exercise_id: str
    heading: int | None = None
    hints: list[int] = field(default_factory=list)
    starters: list[int] = field(default_factory=list)
    checks: list[int] = field(default_factory=list)
    solutions: list[int] = field(default_factory=list)


def exercise_blocks(nb: nbformat.NotebookNode) -> dict[str, Block]:
    """Group a notebook's exercise cells by exercise id, in notebook order.

    A check cell belongs to the exercise named in its metadata, else to the id its
    ``check("NN.M", ...)`` call names.
    """
    blocks: dict[str, Block] = {}
    current: str | None = None
    for i, cell in enumerate(nb.cells):
        cell_tags = tags(cell)
        ex_id = exercise_of(cell)
        if "check" in cell_tags and ex_id is None:
            found = CHECK_CALL.search(cell.source)
            ex_id = found[1] if found else None
        if "hint" in cell_tags and ex_id is None:
            ex_id = current
        if ex_id is None:
            continue
        block = blocks.setdefault(ex_id, Block(ex_id))
        if "exercise" in cell_tags:
            block.heading = i
            current = ex_id
        elif "hint" in cell_tags:
            block.hints.append(i)
        elif "starter" in cell_tags:
            block.starters.append(i)
        elif "check" in cell_tags:
            block.checks.append(i)
        elif "solution" in cell_tags:
            block.solutions.append(i)
    return blocks


def parse_value(text: str) -> str:
    """Python source for ``--set`` VALUE: a literal as given, anything else as a string."""
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return repr(text)
    return text


def apply_sets(nb: nbformat.NotebookNode, sets: dict[str, str]) -> nbformat.NotebookNode:
    """Rewrite the top-level assignments ``NAME = ...`` named in ``sets`` (NAME → Python source).

    Raises
    ------
    KeyError
        If a NAME is assigned in no code cell (a typo must not pass silently).
    """
    for name, value in sets.items():
        pattern = re.compile(rf"(?m)^{re.escape(name)}[ \t]*(?::[^=\n]+)?=(?!=)[^\n]*$")
        hits = 0
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cell.source, n = pattern.subn(f"{name} = {value}", cell.source)
            hits += n
        if not hits:
            raise KeyError(f"no code cell assigns {name} (`{name} = ...` at the start of a line)")
    return nb


def with_solutions(nb: nbformat.NotebookNode, sets: dict[str, str] | None = None
                   ) -> tuple[nbformat.NotebookNode, dict[str, Block]]:
    """Return a copy of ``nb`` with every exercise solved by its solution cell, and its blocks.

    Raises
    ------
    ValueError
        If an exercise has no starter cell or not exactly one solution cell.
    """
    nb = copy.deepcopy(nb)
    blocks = exercise_blocks(nb)
    for ex_id, block in blocks.items():
        if not block.starters:
            raise ValueError(f"exercise {ex_id}: no starter cell (tag `starter`)")
        if len(block.solutions) != 1:
            raise ValueError(f"exercise {ex_id}: expected one solution cell, found "
                             f"{len(block.solutions)}")
        code = solution_code(nb.cells[block.solutions[0]].source)
        first, *others = block.starters
        nb.cells[first].source = code
        for i in others:
            nb.cells[i].source = ""
    if sets:
        apply_sets(nb, sets)
    return nb, blocks


def execute(nb: nbformat.NotebookNode, path: Path, timeout: int = 300,
            strict: bool = True) -> nbformat.NotebookNode:
    """Execute ``nb`` in a fresh python3 kernel started in ``path``'s folder.

    Raises nbclient's ``CellExecutionError`` if a cell fails (in strict mode, a ✗ does).
    """
    from nbclient import NotebookClient

    env_before = {k: os.environ.get(k) for k in ("CASPIAN_STRICT_CHECKS", "MPLBACKEND")}
    os.environ["CASPIAN_STRICT_CHECKS"] = "1" if strict else "0"
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(Path(path).parent)}})
        client.execute()
    finally:
        for key, value in env_before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return nb


def cell_text(cell: nbformat.NotebookNode) -> str:
    """Everything a code cell printed or displayed as text."""
    out = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            out.append(output.get("text", ""))
        elif "data" in output:
            out.append(output["data"].get("text/plain", ""))
        elif output.get("output_type") == "error":
            out.append("\n".join(output.get("traceback", [])))
    return "".join(out)


def verdicts(nb: nbformat.NotebookNode, blocks: dict[str, Block]) -> dict[str, dict[str, int]]:
    """Count, per exercise, the ✓, ✗ and … lines its check cells printed."""
    counts = {}
    for ex_id, block in blocks.items():
        text = "\n".join(cell_text(nb.cells[i]) for i in block.checks)
        counts[ex_id] = {mark: len(re.findall(rf"(?m)^{mark} Exercise {re.escape(ex_id)}:", text))
                         for mark in ("✓", "✗", "…")}
    return counts


def run_solutions(path: Path, sets: dict[str, str] | None = None,
                  timeout: int = 300) -> dict[str, dict[str, int]]:
    """Solve every exercise of the lesson at ``path`` with its solution, run it, count verdicts."""
    nb = nbformat.read(path, as_version=4)
    solved, blocks = with_solutions(nb, sets)
    execute(solved, path, timeout=timeout)
    return verdicts(solved, blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="rewrite `NAME = ...` in the lesson before running (repeatable)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    args = parser.parse_args(argv)
    sets = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep or not name.isidentifier():
            parser.error(f"--set takes NAME=VALUE, got {item!r}")
        sets[name] = parse_value(value)
    try:
        counts = run_solutions(args.notebook, sets, args.timeout)
    except Exception as exc:
        print(f"{args.notebook}: {type(exc).__name__}: {str(exc)[-2000:]}", file=sys.stderr)
        return 1
    failed = False
    for ex_id, c in counts.items():
        ok = c["✓"] >= 1 and not c["✗"]
        failed |= not ok
        print(f"{'ok ' if ok else 'BAD'} {ex_id}: {c['✓']} ✓, {c['✗']} ✗, {c['…']} …")
    if not counts:
        print(f"{args.notebook}: no exercises found (cells tagged exercise/starter/solution)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
