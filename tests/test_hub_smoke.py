"""A class of two on a real JupyterHub: the smoke version of `make hub-loadtest`.

A hub on 127.0.0.1 (configurable-http-proxy from npm, SimpleLocalProcessSpawner, no login), two
learners whose servers get the course by a shallow clone (as an nbgitpuller link does), each running
the first lesson through the hub's proxy over the kernel websocket at the same time. Everything the
test starts is stopped before it ends. The proxy is installed by `make hub-deps` (part of
`make test`); the test itself downloads nothing and skips, with the reason, when it is missing.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]

if sys.platform == "win32":
    pytest.skip("JupyterHub does not run on Windows", allow_module_level=True)
pytest.importorskip("jupyterhub", reason="jupyterhub is not installed (requirements-dev.txt)")
pytest.importorskip("websocket", reason="websocket-client is not installed (requirements-dev.txt)")

spec = importlib.util.spec_from_file_location("hub_loadtest", ROOT / "scripts" / "hub_loadtest.py")
hub_loadtest = importlib.util.module_from_spec(spec)
sys.modules["hub_loadtest"] = hub_loadtest  # dataclasses look their module up there
spec.loader.exec_module(hub_loadtest)


@pytest.fixture(scope="module")
def smoke_round():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the hub's learners clone the course with git")
    try:
        hub_loadtest.ensure_proxy(install=False)
    except hub_loadtest.HubUnavailable as exc:
        pytest.skip(f"{exc}; `make hub-deps` installs it")
    before = {p.pid for p in psutil.process_iter()}
    (result,) = hub_loadtest.run([2], "00", install=False)
    return result, before


def test_two_learners_run_the_first_lesson_through_the_hub(smoke_round):
    result, _ = smoke_round
    assert result.lesson.startswith("00_")
    assert result.failures == 0, [lr.failure for lr in result.learners]
    assert len(result.learners) == 2
    for learner in result.learners:
        assert learner.cells_total > 0
        assert learner.cells_run == learner.cells_total, learner
        assert learner.lesson_s > 0 and learner.spawn_s > 0
        # a Jupyter server and a Python kernel with pandas loaded: well over 100 MB together
        assert learner.peak_mb > 100, learner
        assert learner.cpu_s > 0, learner
    assert result.total_peak_mb >= sum(lr.peak_mb for lr in result.learners) * 0.5


def test_everything_the_hub_started_is_stopped(smoke_round):
    result, before = smoke_round
    for learner in result.learners:
        for pid in learner.pids:
            assert not psutil.pid_exists(pid) or pid in before, f"{learner.name}'s server runs on"
    assert "caspian-hub-" in result.hub_dir
    assert not Path(result.hub_dir).exists(), "the hub's temporary folder was left behind"
    leftover = hub_loadtest.leftover_processes(Path(result.hub_dir))
    assert not leftover, [p.cmdline() for p in leftover]


def test_percentiles_of_a_round():
    learners = [hub_loadtest.Learner(f"u{i}", lesson_s=float(i)) for i in range(1, 21)]
    learners.append(hub_loadtest.Learner("broken", lesson_s=99.0, failure="RuntimeError: x"))
    rnd = hub_loadtest.Round(21, "00_start_here.ipynb", learners, 0.0, 0.0, 0.0, 0.0)
    assert rnd.failures == 1
    assert rnd.stats("lesson_s") == (10.5, 19.0, 20.0)
