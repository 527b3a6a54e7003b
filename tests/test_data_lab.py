"""The lab shows the whole course: ``make lab`` serves the repository root (so ``data/`` is in the
file browser) and opens the first lesson, and ``caspian`` imports wherever a kernel starts.

Servers and kernels started here listen on 127.0.0.1 only, keep token authentication, and are
stopped by the test that started them.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from local_servers import free_port, stop

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("where", [".", "notebooks"])
def test_caspian_imports_wherever_the_kernel_starts(where):
    manager = pytest.importorskip("jupyter_client.manager")
    km, kc = manager.start_new_kernel(kernel_name="python3", cwd=str(ROOT / where))
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"])

    try:
        code = ("import os, caspian\nfrom caspian import data\n"
                "print(os.getcwd()); print(caspian.__file__); print(len(data.load_events()))")
        kc.execute_interactive(code, timeout=120, output_hook=hook)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    lines = "".join(out).split("\n")
    assert not any(line.startswith("ERROR") for line in lines), out
    assert Path(lines[0]).resolve() == (ROOT / where).resolve()
    assert Path(lines[1]).resolve() == ROOT / "notebooks" / "caspian" / "__init__.py"
    assert int(lines[2]) > 40


def test_the_root_shim_hands_over_to_the_real_package():
    """``caspian.py`` at the root must give the very same modules as ``notebooks/caspian``."""
    code = ("import caspian, caspian.data, caspian.paths as p; import sys; "
            "print(caspian.__file__); print(p.DATA_DIR); print(sys.modules['caspian'] is caspian)")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
                         timeout=120)
    assert run.returncode == 0, run.stderr
    file, data_dir, same = run.stdout.split("\n")[:3]
    assert Path(file) == ROOT / "notebooks" / "caspian" / "__init__.py"
    assert Path(data_dir) == ROOT / "data" and same == "True"


def test_make_lab_serves_the_root_and_opens_the_first_lesson(tmp_path):
    if not (ROOT / ".venv" / "bin" / "jupyter").exists():
        pytest.skip("make lab needs .venv (make venv)")
    dry = subprocess.run(["make", "-n", "-s", "lab"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    command = next(line for line in dry.stdout.splitlines() if "jupyter lab" in line)
    assert "--ServerApp.ip=127.0.0.1" in command and "notebooks/00_start_here.ipynb" in command
    opened = tmp_path / "opened.txt"
    opener = tmp_path / "browser.sh"
    opener.write_text(f'echo "$1" > {shlex.quote(str(opened))}\n', encoding="utf-8")
    port, token = free_port(), os.urandom(8).hex()
    extra = (f" --ServerApp.port={port} --ServerApp.port_retries=0"
             f" --IdentityProvider.token={token} --ServerApp.open_browser=True"
             f" --ServerApp.browser={shlex.quote(f'sh {opener} %s')}")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    server = subprocess.Popen(["bash", "-c", command + extra], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        listing = None
        for _ in range(180):
            time.sleep(0.5)
            try:
                url = f"http://127.0.0.1:{port}/api/contents/?token={token}"
                with urllib.request.urlopen(url, timeout=5) as response:
                    listing = response.read().decode()
                if opened.is_file() and opened.read_text().strip():
                    break
            except OSError:
                continue
        assert listing is not None, "the server did not answer"
        assert '"name": "data"' in listing and '"name": "notebooks"' in listing
        assert opened.is_file(), "the server did not open a browser"
        # Jupyter opens a small local page that redirects to the lesson; read where it points.
        redirect = Path(urllib.request.url2pathname(
            opened.read_text().strip().removeprefix("file:"))).read_text(encoding="utf-8")
        assert f"127.0.0.1:{port}/lab/tree/notebooks/00_start_here.ipynb" in redirect, redirect
    finally:
        stop(server)
