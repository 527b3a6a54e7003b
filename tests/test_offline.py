"""Every lesson runs offline, leaves the repository as it found it, and prints the same thing twice.

One pass does all three checks (issue #9). Two runs of every lesson start together, each in a fresh
kernel per lesson and with a different hash seed, through ``tests/offline_runner.py``:

* **offline**: each run is started in a new, empty network namespace (``unshare -rn``: only a
  loopback interface, which the kernel's ZMQ sockets need), so nothing can leave the machine, even
  from a subprocess. Inside, a socket guard in the kernel records and refuses every non-loopback
  connection or host-name lookup, so an attempt fails the test even when a lesson catches the error.
  Where namespaces are unavailable (macOS, locked-down CI runners) the guard alone is used.
  ``CASPIAN_OFFLINE_MODE=guard`` forces the guard-only mode.
* **tidy**: each run works in its own scratch copy of the repository (its tracked and untracked,
  not-ignored files, staged into a fresh git index), so the check is not confused by someone
  editing the real checkout meanwhile; ``git status`` and the stat of every file in the copy must
  be unchanged after the runs (git-ignored folders such as ``output/`` may change).
* **deterministic**: the two runs' text outputs agree, after masking memory addresses and timings.

A self-test notebook that tries to reach 93.184.216.34 runs alongside the lessons and must be
caught.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNNER = Path(__file__).with_name("offline_runner.py")
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
OUTSIDE = "93.184.216.34"  # example.com's old address: any public address would do
TIMEOUT_S = 900


def netns_works() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rn", sys.executable, str(RUNNER), "--netns", "--probe"],
                           capture_output=True, timeout=60)
    return probe.returncode == 0


def offline_mode() -> str:
    forced = os.environ.get("CASPIAN_OFFLINE_MODE", "")
    if forced in ("netns", "guard"):
        return forced
    return "netns" if netns_works() else "guard"


def selftest_notebook(folder: Path, mode: str) -> Path:
    """A lesson gone wrong: it reaches for the internet three ways."""
    cells = [
        # 1. swallowed: only the guard's record shows it
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('{OUTSIDE}', 80), timeout=2)\n"
        "except OSError as err:\n"
        "    print('ignored:', type(err).__name__)",
    ]
    if mode == "netns":
        # 2. from a subprocess, out of the guard's reach: only the namespace stops it
        cells.append(
            "import subprocess, sys\n"
            "probe = ('import socket; '\n"
            f"         'socket.create_connection((\"{OUTSIDE}\", 80), timeout=2)')\n"
            "proc = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True)\n"
            "print('subprocess exit', proc.returncode, proc.stderr.strip().splitlines()[-1])")
    # 3. plain: the lesson crashes
    cells.append(f"socket.create_connection(('{OUTSIDE}', 80), timeout=2)")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    path = folder / "selftest_reaches_out.ipynb"
    nbformat.write(nb, path)
    return path


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout


def scratch_copy(dst: Path) -> bool:
    """Copy the checkout's files (tracked, and untracked but not ignored) to ``dst`` and stage
    them in a fresh git index there. False when git is unavailable (files copied by hand)."""
    has_git = shutil.which("git") is not None and (ROOT / ".git").exists()
    if has_git:
        names = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        names = [n for n in names.split("\0") if n]
    else:
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()
                 and not {".venv", ".git", "__pycache__"} & set(p.relative_to(ROOT).parts)]
    for name in names:
        if (ROOT / name).is_file():
            (dst / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dst / name)
    if has_git:
        git(dst, "init", "-q")
        git(dst, "add", "-A")
    return has_git


def snapshot(repo: Path) -> dict:
    """``git status`` plus (mtime, size) of every file git sees in ``repo``."""
    status = git(repo, "status", "--porcelain=v1", "--untracked-files=all")
    stats = {}
    for name in git(repo, "ls-files", "-z").split("\0"):
        if name:
            try:
                st = (repo / name).stat()
                stats[name] = (st.st_mtime_ns, st.st_size)
            except FileNotFoundError:
                stats[name] = None
    return {"status": status, "stats": stats}


def launch(notebooks: list[Path], hashseed: str, mode: str) -> subprocess.Popen:
    cmd = [sys.executable, str(RUNNER), "--hashseed", hashseed]
    if mode == "netns":
        cmd = ["unshare", "-rn", *cmd, "--netns"]
    return subprocess.Popen([*cmd, *map(str, notebooks)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    mode = offline_mode()
    selftest = selftest_notebook(tmp_path_factory.mktemp("offline"), mode)
    # Each run gets its own copy, as each learner on a hub has their own home: two runs sharing
    # one output/ folder would race on the files the lessons write there.
    repos = [tmp_path_factory.mktemp("checkout") for _ in range(2)]
    has_git = all([scratch_copy(repo) for repo in repos])
    lessons = [[repo / p.relative_to(ROOT) for p in LESSONS] for repo in repos]
    before = [snapshot(repo) for repo in repos] if has_git else None
    start = time.perf_counter()
    # Two runner processes side by side: the test suite runs on two cores.
    procs = [launch([*lessons[0], selftest], "1", mode), launch(lessons[1], "2", mode)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=TIMEOUT_S)
        assert proc.returncode == 0, f"offline runner failed ({mode}):\n{err[-3000:]}"
        # key results by lesson file name
        results.append({Path(k).name: v for k, v in json.loads(out).items()})
    seconds = time.perf_counter() - start
    return {"mode": mode, "a": results[0], "b": results[1], "selftest": selftest.name,
            "before": before, "after": [snapshot(repo) for repo in repos] if has_git else None,
            "seconds": seconds}


# ---- offline ---------------------------------------------------------------------------------

def test_an_outside_connection_is_caught(runs):
    """The detector works: the self-test notebook is caught each way it tries."""
    result = runs["a"][runs["selftest"]]
    assert any(OUTSIDE in b for b in result["blocked"]), \
        f"the guard did not record the attempt to reach {OUTSIDE}: {result}"
    assert result["outputs"][0] == ["[stderr] CASPIAN-OFFLINE-BLOCKED socket.getaddrinfo "
                                    f"'{OUTSIDE}'\n", "[stdout] ignored: ConnectionRefusedError\n"]
    assert result["error"] and "ConnectionRefusedError" in result["error"], \
        "an uncaught outside connection must stop the notebook"
    if runs["mode"] == "netns":
        sub = "".join(result["outputs"][1])
        assert "subprocess exit 1" in sub and "unreachable" in sub.lower(), \
            f"a subprocess reached the network from inside the namespace: {sub}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_runs_offline(runs, path):
    for run in ("a", "b"):
        result = runs[run][path.name]
        assert not result["blocked"], (
            f"{path.name} tried to reach the network ({runs['mode']} mode): "
            f"{result['blocked']}. Lessons use only the files in data/.")
        assert result["error"] is None, \
            f"{path.name} failed when run offline ({runs['mode']} mode):\n{result['error']}"


SHELL_DOWNLOAD = re.compile(r"(?m)^\s*(!|%{1,2}(system|sx|bash|sh)?\s*!?)\s*"
                            r"(pip|conda|mamba|uv|curl|wget|git|apt|apt-get)\b")
URL_IN_CODE = re.compile(r"\b(https?|ftp)://")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_code_downloads_nothing(path):
    """Static companion: no install or download commands, and no URLs in code cells (a URL in
    code is almost always a download; sources belong in data/sources.csv and markdown)."""
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "code":
            continue
        assert not SHELL_DOWNLOAD.search(cell.source), \
            f"{path.name} cell {i}: installs or downloads from a shell command"
        assert not URL_IN_CODE.search(cell.source), \
            f"{path.name} cell {i}: a URL in code; read the copy in data/ instead"


def test_static_download_detector_fires():
    assert SHELL_DOWNLOAD.search("%pip install folium")
    assert SHELL_DOWNLOAD.search("x = 1\n!wget https://example.com/a.csv")
    assert URL_IN_CODE.search("pd.read_csv('https://example.com/a.csv')")
    assert not SHELL_DOWNLOAD.search("pipeline = 1\n%matplotlib inline")


# ---- tidy ------------------------------------------------------------------------------------

def test_running_every_lesson_leaves_the_repository_tidy(runs):
    if runs["before"] is None:
        pytest.skip("git is not available: nothing to compare against")
    new, touched = set(), set()
    for before, after in zip(runs["before"], runs["after"], strict=True):
        new |= set(after["status"].splitlines()) - set(before["status"].splitlines())
        touched |= {name for name, st in after["stats"].items()
                    if before["stats"].get(name) != st}
    new, touched = sorted(new), sorted(touched)
    assert not new and not touched, (
        "running the lessons changed the repository (write to caspian.paths.output_dir(), which "
        f"is git-ignored): git status gained {new}; tracked files rewritten: {touched}")


# ---- deterministic ---------------------------------------------------------------------------

MASKS = [
    (re.compile(r"\x1b\[[0-9;]*[A-Za-z]"), ""),                                  # terminal colour
    (re.compile(r"0x[0-9a-fA-F]{4,}"), "0x…"),                                  # memory address
    (re.compile(r"\b\d+(\.\d+)?\s?(ns|µs|us|ms|s|sec|seconds|min)\b"), "<time>"),  # timings
    (re.compile(r"(/private)?/(tmp|var/folders)/[^\s'\"]+"), "<tmp>"),           # temp paths
]


def normalise(text: str) -> str:
    for pattern, mask in MASKS:
        text = pattern.sub(mask, text)
    return text


def test_normalise_masks_only_noise():
    assert normalise("<Axes at 0x7f3a2b1c9d90> took 1.23 s") == "<Axes at 0x…> took <time>"
    assert normalise("CPU times: user 2.1 ms, sys: 0 ns") == "CPU times: user <time>, sys: <time>"
    assert normalise("1,600 km; 371000 km²; 12 events") == "1,600 km; 371000 km²; 12 events"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_prints_the_same_twice(runs, path):
    a, b = runs["a"][path.name], runs["b"][path.name]
    if a["error"] or b["error"]:
        pytest.skip("the lesson failed to run; see test_lesson_runs_offline")
    cells = nbformat.read(path, as_version=4).cells
    for i, (out_a, out_b) in enumerate(zip(a["outputs"], b["outputs"], strict=True)):
        text_a, text_b = normalise("\n".join(out_a)), normalise("\n".join(out_b))
        if text_a != text_b:
            diff = "\n".join(list(difflib.unified_diff(
                text_a.splitlines(), text_b.splitlines(), "run 1", "run 2", lineterm=""))[:30])
            pytest.fail(f"{path.name} cell {i} prints different text on two runs (unseeded "
                        "randomness, set or dict order, the clock?):\n"
                        f"{cells[i].source[:300]}\n{diff}")
