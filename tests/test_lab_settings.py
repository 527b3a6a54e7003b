"""JupyterLab greets a learner with no first-run prompt: the settings overrides the course ships
(scripts/assets/jupyterlab-overrides.json, installed by scripts/install_lab_settings.py from
`make lab`, Binder's postBuild, or by hand with conda) are what a real JupyterLab server serves.

The server test starts `jupyter lab` bound to 127.0.0.1 with token authentication ON, in a
temporary home, reads the notification plugin's settings through the server's REST API, and stops
the server.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from local_servers import free_port, stop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import install_lab_settings  # noqa: E402

PLUGIN = "@jupyterlab/apputils-extension:notification"


def test_the_default_target_is_the_folder_jupyterlab_reads():
    from jupyterlab.commands import get_app_dir

    assert install_lab_settings.settings_dir() == Path(get_app_dir()) / "settings"


def test_every_way_to_run_the_course_installs_the_overrides():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lab = makefile[makefile.index("\nlab:"):].split("\n\n")[0]
    assert "scripts/install_lab_settings.py" in lab, "make lab must install the overrides"
    post_build = ROOT / "postBuild"
    assert "scripts/install_lab_settings.py" in post_build.read_text(encoding="utf-8")
    assert os.access(post_build, os.X_OK), "Binder runs postBuild only if it is executable"
    assert "install_lab_settings.py" in (ROOT / "README.md").read_text(encoding="utf-8"), \
        "the README's conda steps name the script"


def test_install_merges_and_keeps_other_settings(tmp_path):
    target = install_lab_settings.settings_dir(tmp_path) / "overrides.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "x"},
                                  PLUGIN: {"doNotDisturbMode": True}}), encoding="utf-8")
    install_lab_settings.install(tmp_path)
    merged = json.loads(target.read_text(encoding="utf-8"))
    assert merged["@jupyterlab/apputils-extension:themes"] == {"theme": "x"}
    assert merged[PLUGIN] == {"doNotDisturbMode": True, "fetchNews": "false",
                              "checkForUpdates": False}
    target.write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit, match="not valid JSON"):
        install_lab_settings.install(tmp_path)


def _get(url: str, token: str | None) -> tuple[int, dict]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as err:
        return err.code, {}


def served_defaults(prefix: Path, home: Path) -> dict:
    """Start JupyterLab on 127.0.0.1 (token on) reading ``prefix``'s settings overrides; return
    the notification plugin's defaults as the server sends them; stop the server."""
    port, token = free_port(), secrets.token_hex(16)
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_RUNTIME_DIR": str(home / "run"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "user-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home}",
           f"--LabApp.app_settings_dir={install_lab_settings.settings_dir(prefix)}"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"jupyter lab exited: {server.stderr.read().decode()[-2000:]}")
            try:
                if _get(f"{base}/api/status", token)[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("jupyter lab did not answer within 90 s")
            time.sleep(0.5)
        url = f"{base}/lab/api/settings/{PLUGIN}"
        assert _get(url, None)[0] in (401, 403), "the server answered without the token"
        status, body = _get(url, token)
        assert status == 200, f"GET {url}: HTTP {status}"
        return {name: spec.get("default") for name, spec in body["schema"]["properties"].items()}
    finally:
        stop(server)
        assert server.returncode is not None, "the server is stopped"


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX process groups")
def test_a_real_server_serves_the_overrides(tmp_path):
    prefix = tmp_path / "env"
    install_lab_settings.install(prefix)
    defaults = served_defaults(prefix, tmp_path / "home")
    assert defaults["fetchNews"] == "false", "the news pop-up would ask the learner"
    assert defaults["checkForUpdates"] is False, "JupyterLab would check the web for updates"
