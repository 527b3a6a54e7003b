"""Benchmark the course: how long each lesson takes to run, and how much memory its kernel needs.

Every lesson (``notebooks/00_start_here.ipynb`` and every ``notebooks/NN_*.ipynb``) is executed
``--repeat`` times, each time in a fresh Jupyter kernel, and compared with the *floor*: a kernel
that only imports the course's libraries (pandas, geopandas, matplotlib, networkx, the caspian
helpers).
A lesson's *own* time is its median wall time minus the floor's median.

Prints a markdown table; rows over a target are marked. Targets (issue #9):

* own time ≤ 3 s per lesson;
* series total ÷ (floor × lessons) ≤ 2.0;
* kernel peak memory (max RSS) ≤ 500 MB.

Usage (from the repository root)::

    .venv/bin/python scripts/bench.py                 # every lesson, 3 runs each
    .venv/bin/python scripts/bench.py --repeat 5 01   # only lessons whose name starts with 01
    .venv/bin/python scripts/bench.py --make-test     # also time `make test` (warm .venv)
    .venv/bin/python scripts/bench.py --check         # exit 1 when a target is missed

Lessons run the way a learner sees them (inline figures rendered as PNG); ``--backend agg`` runs
them the way the test suite does (no figure rendering). Nothing is written into the repository:
the table goes to stdout, and ``--out`` may only name a file outside the tracked tree.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

OWN_TARGET_S = 3.0
RATIO_TARGET = 2.0
PEAK_TARGET_MB = 500.0

FLOOR_SOURCE = """\
import importlib

import geopandas
import matplotlib.pyplot as plt
import networkx
import pandas

for _name in ("checks", "data", "maps", "network", "plots", "style"):
    try:
        importlib.import_module(f"caspian.{_name}")
    except ModuleNotFoundError as _err:  # a helper module that has not landed yet
        if _err.name != f"caspian.{_name}":
            raise
importlib.import_module("caspian.style").use()
"""

# Appended to every run: the kernel reports its own peak resident memory.
PEAK_MARKER = "__CASPIAN_BENCH_PEAK_KB__"
PEAK_SOURCE = f"""\
import resource as _r, sys as _s
_kb = _r.getrusage(_r.RUSAGE_SELF).ru_maxrss
print("{PEAK_MARKER}", _kb // 1024 if _s.platform == "darwin" else _kb)
"""


def lessons(patterns: list[str] | None = None) -> list[Path]:
    """Every lesson notebook, in course order: 00_start_here and notebooks/NN_*.ipynb."""
    found = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if patterns:
        found = [p for p in found if any(p.name.startswith(pat) or pat in p.name
                                         for pat in patterns)]
    return found


def floor_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(FLOOR_SOURCE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


@dataclass
class Runs:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def peak(self) -> float:
        return max(self.peak_mb) if self.peak_mb else float("nan")


def run_once(nb: nbformat.NotebookNode, cwd: Path, timeout: int) -> tuple[float, float]:
    """Execute a copy of ``nb`` in a fresh kernel; return (wall seconds, kernel peak MB).

    The wall time covers kernel start-up, every cell and shutdown: what "Restart and run all"
    costs a learner. The final injected cell only reads ``getrusage``.
    """
    nb = copy.deepcopy(nb)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_SOURCE))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    peak_kb = None
    for out in nb.cells[-1].get("outputs", []):
        match = re.search(rf"{PEAK_MARKER} (\d+)", out.get("text", ""))
        if match:
            peak_kb = int(match[1])
    return seconds, (peak_kb / 1024 if peak_kb is not None else float("nan"))


def measure(name: str, nb: nbformat.NotebookNode, repeat: int, timeout: int,
            verbose: bool) -> Runs:
    runs = Runs(name)
    for i in range(repeat):
        try:
            seconds, peak = run_once(nb, NOTEBOOKS, timeout)
        except CellExecutionError as err:
            runs.error = str(err).strip().splitlines()[-1][:120]
            break
        except Exception as err:  # a timeout or a dead kernel: report it, keep benchmarking
            runs.error = f"{type(err).__name__}: {err}"[:120]
            break
        runs.seconds.append(seconds)
        runs.peak_mb.append(peak)
        if verbose:
            print(f"  {name} run {i + 1}/{repeat}: {seconds:.2f} s, {peak:.0f} MB",
                  file=sys.stderr)
    return runs


def time_make_test() -> tuple[float, int]:
    """Wall time and exit status of `make test` (warm .venv: no install step runs)."""
    start = time.perf_counter()
    proc = subprocess.run(["make", "test"], cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, proc.returncode


def fmt(x: float, digits: int = 2) -> str:
    return "n/a" if x != x else f"{x:.{digits}f}"  # x != x: NaN


def report(floor: Runs, results: list[Runs], repeat: int, backend: str,
           make_test: tuple[float, int] | None) -> tuple[str, bool]:
    """The markdown report, and whether every target was met."""
    ok = floor.error is None
    lines = [
        f"Lessons executed {repeat}× each in a fresh kernel (median wall time; backend: {backend}; "
        f"Python {sys.version.split()[0]}).",
        "",
        "| Lesson | median s | own s (median − floor) | peak MB | |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| *floor: imports only* | {fmt(floor.median)} | – | {fmt(floor.peak, 0)} | "
        f"{'error: ' + floor.error if floor.error else ''} |",
    ]
    for r in results:
        own = r.median - floor.median
        flags = []
        if r.error:
            flags.append(f"**error**: {r.error}")
        if own > OWN_TARGET_S:
            flags.append(f"**over**: own > {OWN_TARGET_S:g} s")
        if r.peak > PEAK_TARGET_MB:
            flags.append(f"**over**: peak > {PEAK_TARGET_MB:g} MB")
        ok = ok and not flags
        lines.append(f"| {r.name} | {fmt(r.median)} | {fmt(own)} | {fmt(r.peak, 0)} | "
                     f"{'; '.join(flags) or 'ok'} |")
    timed = [r for r in results if r.seconds]
    total = sum(r.median for r in timed)
    ratio = total / (floor.median * len(timed)) if timed and floor.seconds else float("nan")
    ratio_ok = ratio <= RATIO_TARGET
    ok = ok and ratio_ok
    lines += [
        "",
        f"- Series total: {fmt(total, 1)} s for {len(timed)} lessons; floor {fmt(floor.median)} s.",
        f"- Ratio total ÷ (floor × lessons): **{fmt(ratio)}** (target ≤ {RATIO_TARGET:g})"
        + ("" if ratio_ok else " — **over**"),
        f"- Targets: own ≤ {OWN_TARGET_S:g} s, peak ≤ {PEAK_TARGET_MB:g} MB per lesson.",
    ]
    if make_test is not None:
        seconds, status = make_test
        lines.append(f"- `make test` (warm .venv): {seconds:.1f} s, exit status {status}"
                     + ("" if status == 0 else " — **failing**, time not representative"))
    return "\n".join(lines) + "\n", ok


def check_out_path(path: Path) -> None:
    """Refuse to write into the tracked tree (git-ignored paths inside the repo are fine)."""
    path = path.resolve()
    if ROOT not in path.parents:
        return
    ignored = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT).returncode == 0
    if not ignored:
        sys.exit(f"--out {path}: inside the repository and not git-ignored; "
                 "write the report outside the tracked tree (e.g. /tmp or output/).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*",
                        help="only lessons whose file name starts with / contains these")
    parser.add_argument("--repeat", type=int, default=3, help="runs per lesson (default 3)")
    parser.add_argument("--timeout", type=int, default=300, help="per-cell timeout in seconds")
    parser.add_argument("--backend", choices=["inline", "agg"], default="inline",
                        help="inline: figures rendered as for a learner (default); "
                             "agg: no rendering, as under `make test`")
    parser.add_argument("--make-test", action="store_true",
                        help="also time `make test` once from the warm .venv")
    parser.add_argument("--out", type=Path, help="also write the table here (outside the repo)")
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 when a target is missed")
    parser.add_argument("-q", "--quiet", action="store_true", help="no per-run progress")
    args = parser.parse_args(argv)
    if args.out:
        check_out_path(args.out)

    # The kernel inherits this environment, as kernels started by the test suite do.
    os.environ["CASPIAN_STRICT_CHECKS"] = "1"
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(NOTEBOOKS)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    if args.backend == "agg":
        os.environ["MPLBACKEND"] = "Agg"
    else:
        os.environ.pop("MPLBACKEND", None)  # ipykernel then selects the inline backend

    paths = lessons(args.lessons)
    if not paths:
        sys.exit("no lesson matched")
    verbose = not args.quiet
    floor = measure("floor", floor_notebook(), args.repeat, args.timeout, verbose)
    results = [measure(p.stem, nbformat.read(p, as_version=4), args.repeat, args.timeout,
                       verbose) for p in paths]
    make_test = time_make_test() if args.make_test else None
    text, ok = report(floor, results, args.repeat, args.backend, make_test)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
