"""The explorers work live in JupyterLab, offline: a real Lab server runs lessons 03 and 05 in a
real kernel, and Chromium, with every request outside the server refused, counts the marks that
Lab's bundled Vega renderer draws.

This is the path a learner takes (open the lesson, Run All), not nbval's: nbval proves the cells
run, this proves the output they send is drawn. The server listens on 127.0.0.1 only, keeps token
authentication, works in a temporary folder (copies of the two lessons beside links to ``data/``
and ``caspian``) and is stopped by the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from local_servers import free_port, stop
from test_explorer import CHROMIUM, COUNT, browser_only, sync_playwright

from caspian import data, network

ROOT = Path(__file__).resolve().parents[1]
SEED = "2012-05-07"  # the date lesson 05 opens its explorer at
LESSONS = {"events": "03_timeline_of_plots.ipynb", "alliances": "05_alliances.ipynb"}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 whose root holds the two lessons; yields (url, token)."""
    if shutil.which("jupyter", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("JupyterLab is not installed beside this Python")
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    (root / "data").symlink_to(ROOT / "data", target_is_directory=True)
    (root / "notebooks" / "caspian").symlink_to(ROOT / "notebooks" / "caspian",
                                                target_is_directory=True)
    for name in LESSONS.values():
        shutil.copy(ROOT / "notebooks" / name, root / "notebooks" / name)
    port, token = free_port(), os.urandom(8).hex()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            time.sleep(0.5)
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                continue
        else:
            pytest.fail("JupyterLab did not answer within 120 s")
        yield base, token
    finally:
        stop(server)


def _run_all_in_lab(lab, lesson: str, mark: str, expected: int) -> tuple[int, list, list, str]:
    """Open ``lesson`` in Lab, Run All, wait until ``mark`` has ``expected`` elements.

    Returns (marks drawn, outside requests, page errors, the explorer's text)."""
    base, token = lab
    outside: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith(base + "/") or r.request.url.startswith(
                base.replace("http", "ws") + "/"):
            r.continue_()
        else:  # the network is cut: anything else is recorded and refused
            outside.append(r.request.url)
            r.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", route)
            page.on("pageerror", lambda e: errors.append(str(e)))
            # a workspace of its own, so Lab does not restore the lesson opened before
            page.goto(f"{base}/lab/workspaces/{Path(lesson).stem}/tree/notebooks/{lesson}"
                      f"?reset&token={token}")
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                " && window.jupyterapp.shell.currentWidget.sessionContext"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel",
                timeout=120_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(f"() => ({COUNT})('{mark}') >= {expected}", timeout=240_000)
            count = page.evaluate(COUNT, mark)
            text = page.inner_text(".vega-embed") if page.locator(".vega-embed").count() else ""
        finally:
            browser.close()
    return count, outside, errors, text


@browser_only
def test_events_explorer_is_drawn_live_in_lab(lab):
    n = len(data.load_events())
    count, outside, errors, _ = _run_all_in_lab(lab, LESSONS["events"], "map_events_marks", n)
    assert count == n, f"Lab drew {count} of the {n} events on the explorer's map"
    assert not outside, f"Lab asked for files outside the local server: {outside}"
    assert not errors, f"JavaScript errors in Lab: {errors}"


@browser_only
def test_alliances_explorer_is_drawn_live_in_lab(lab):
    seed = network.build_graph(data.load_relations(), at=SEED).number_of_edges()
    count, outside, errors, _ = _run_all_in_lab(lab, LESSONS["alliances"],
                                                "alliance_ties_marks", seed)
    assert count == seed, f"Lab drew {count} ties at {SEED}; the snapshot has {seed}"
    assert not outside, f"Lab asked for files outside the local server: {outside}"
    assert not errors, f"JavaScript errors in Lab: {errors}"
