"""A class on one JupyterHub: N learners run the same lesson at the same time; how long, how much?

Starts a real JupyterHub (the ``jupyterhub`` package from PyPI, ``configurable-http-proxy``
from npm, installed under the git-ignored ``.hub/``) on 127.0.0.1 only, with
``SimpleLocalProcessSpawner`` (no system users needed) and no login at all
(``NullAuthenticator``): this script drives it with a random API token made for this run.
For each round of N users it

1. creates N users and starts their servers at once; before each server starts, the course is
   cloned into the user's home folder, as the first click on an nbgitpuller link does
   (``git clone --depth 1``, from this repository's committed HEAD);
2. when every server is up, each user opens the lesson the way JupyterLab in a browser does: reads
   the notebook through the contents API, starts a session (so the kernel runs in the notebook's
   folder), and runs every code cell over the kernel's websocket, all users at once, through the
   hub's proxy;
3. samples every user's server and kernel processes four times a second (resident memory), and
   reads their CPU time when the lesson starts and ends;
4. stops every server and deletes the users.

It prints a table (lesson wall time median/p95/max, peak memory per user and in total, CPU seconds,
failures) and writes it with the raw figures to ``output/hub_loadtest.json``. Everything it starts
is stopped at the end, also on error or Ctrl+C; every wait is bounded.

    make hub-loadtest                                   # N = 1, 5, 10, 20; the timeline lesson
    .venv/bin/python scripts/hub_loadtest.py --users 2 --lesson 00
    .venv/bin/python scripts/hub_loadtest.py --users 1,5,10,20,30 --lesson 05

Needs the development environment (requirements-dev.txt: jupyterhub, websocket-client) and npm.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
PROXY_PACKAGE = "configurable-http-proxy@4.6.3"
"""4.6 runs on any Node.js >= 10 (Debian's nodejs included); JupyterHub 5 and 6 support it."""
PROXY_DIR = ROOT / ".hub"
PROXY_BIN = PROXY_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE_DIR = "caspian-crossroads"
MB = 1024 * 1024

HUB_START_TIMEOUT = 60.0
SPAWN_TIMEOUT = 300.0
CELL_TIMEOUT = 300.0
SAMPLE_EVERY = 0.25


class HubUnavailable(RuntimeError):
    """JupyterHub or its proxy cannot be installed or started here."""


# --- Installing the proxy -------------------------------------------------------------------------


def ensure_proxy(install: bool = True) -> Path:
    """Path of configurable-http-proxy, installed under .hub/ with npm the first time."""
    if PROXY_BIN.exists():
        return PROXY_BIN
    npm = shutil.which("npm")
    if not install or npm is None:
        raise HubUnavailable("configurable-http-proxy is not installed under .hub/ and npm is "
                             "not available to install it (Node.js's npm is needed)")
    PROXY_DIR.mkdir(exist_ok=True)
    result = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error",
                             "--prefix", str(PROXY_DIR), PROXY_PACKAGE],
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not PROXY_BIN.exists():
        raise HubUnavailable(f"npm could not install {PROXY_PACKAGE}: {result.stderr.strip()}")
    return PROXY_BIN


def singleuser_command() -> Path:
    exe = Path(sys.executable).parent / "jupyterhub-singleuser"
    if not exe.exists():
        raise HubUnavailable(f"{exe} not found: install requirements-dev.txt (jupyterhub)")
    return exe


# --- The hub --------------------------------------------------------------------------------------

CONFIG = """\
# Written by scripts/hub_loadtest.py for one run; deleted afterwards.
import asyncio
import os
import socket
from pathlib import Path

c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///" + {db!r}
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.pid_file = {pid!r}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
# Nobody logs in: the only way in is the API token this run made (read from the environment).
c.JupyterHub.authenticator_class = "null"
c.JupyterHub.services = [{{"name": "loadtest", "api_token": os.environ["LOADTEST_API_TOKEN"]}}]
c.JupyterHub.load_roles = [{{
    "name": "loadtest",
    "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "list:users"],
    "services": ["loadtest"],
}}]
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {home!r} + "/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {spawn_timeout}
c.Spawner.http_timeout = {spawn_timeout}
c.JupyterHub.concurrent_spawn_limit = 200


async def clone_course(spawner):
    \"\"\"What the first click on an nbgitpuller link does: a shallow clone into home.

    Asynchronous, so twenty clones at once do not stall the hub's event loop.
    \"\"\"
    home = Path(spawner.home_dir)
    home.mkdir(parents=True, exist_ok=True)
    if not (home / {course!r}).exists():
        proc = await asyncio.create_subprocess_exec(
            "git", "clone", "--quiet", "--depth", "1", {repo!r}, str(home / {course!r}))
        if await asyncio.wait_for(proc.wait(), timeout=300) != 0:
            raise RuntimeError("git clone of the course failed")


PORTS = iter(range({port_base}, {port_base} + 1000))


# A free port below the ephemeral range, so no kernel's random ZeroMQ port can take it between
# the hub choosing it and the server binding it (that happened at 20 learners with random ports).
def pick_port(spawner):
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        spawner.port = port
        return


async def before_spawn(spawner):
    pick_port(spawner)
    await clone_course(spawner)


c.Spawner.pre_spawn_hook = before_spawn
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def user_port_base() -> int:
    """Start of a block of 1000 ports for the learners' servers, below the ephemeral range that
    random ports (kernels, free_port) come from; random so two runs at once rarely overlap."""
    low = 32768
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    top = max(11000, min(low, 65535) - 1000)
    return secrets.choice(range(10000, top, 1000))


class Hub:
    """A JupyterHub in a temporary folder, started and stopped by this object."""

    def __init__(self, proxy: Path, repo: str):
        self.dir = Path(tempfile.mkdtemp(prefix="caspian-hub-"))
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(32)
        self.proc: subprocess.Popen | None = None
        self.log_path = self.dir / "jupyterhub.log"
        args = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        (self.dir / "home").mkdir()
        (self.dir / "jupyterhub_config.py").write_text(CONFIG.format(
            port=self.port, hub_port=self.hub_port, api_port=self.api_port, proxy=str(proxy),
            db=str(self.dir / "jupyterhub.sqlite"), cookie=str(self.dir / "cookie_secret"),
            pid=str(self.dir / "jupyterhub.pid"), home=str(self.dir / "home"),
            singleuser=str(singleuser_command()), args=args, spawn_timeout=int(SPAWN_TIMEOUT),
            port_base=user_port_base(),
            course=COURSE_DIR, repo=repo), encoding="utf-8")

    def start(self) -> None:
        env = {**os.environ, "LOADTEST_API_TOKEN": self.token}
        env.pop("CASPIAN_STRICT_CHECKS", None)  # a learner's hub: checks print, they do not raise
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(self.dir / "jupyterhub_config.py")],
            cwd=self.dir, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + HUB_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HubUnavailable(f"JupyterHub exited at start:\n{self.log_tail()}")
            try:
                self.api("GET", "/hub/api/")
                return
            except (RuntimeError, urllib.error.URLError, ConnectionError, OSError):
                # not listening yet, or the proxy is up before the hub's route (404)
                time.sleep(0.5)
        raise HubUnavailable(f"JupyterHub did not answer within {HUB_START_TIMEOUT:.0f} s:\n"
                             f"{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8").splitlines()[-lines:])
        except OSError:
            return ""

    def api(self, method: str, path: str, body: dict | None = None, token: str | None = None,
            timeout: float = 60.0):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"token {token or self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace")
            raise RuntimeError(f"{method} {path}: HTTP {exc.code} {exc.reason}: {detail}") from exc
        return json.loads(raw) if raw else None

    def stop(self) -> None:
        """Stop the hub (which stops the proxy and every server it spawned), then make sure."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        for proc in leftover_processes(self.dir):  # anything still running from our folder
            kill_tree(proc)
        if getattr(self, "_log", None):
            self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Hub:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def leftover_processes(folder: Path) -> list[psutil.Process]:
    """Processes whose working directory or command line is inside ``folder``."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            inside = str(folder) in " ".join(proc.info["cmdline"] or []) \
                or proc.cwd().startswith(str(folder))
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        if inside and proc.pid != os.getpid():
            found.append(proc)
    return found


def kill_tree(proc: psutil.Process) -> None:
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=10)


# --- One learner ----------------------------------------------------------------------------------


@dataclass
class Learner:
    name: str
    spawn_s: float = float("nan")
    lesson_s: float = float("nan")
    cells_run: int = 0
    cells_total: int = 0
    peak_mb: float = 0.0
    cpu_s: float = 0.0
    start_cpu_s: float = 0.0
    failure: str = ""
    pids: list[int] = field(default_factory=list)


def find_server(name: str, timeout: float = 30.0) -> psutil.Process:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in psutil.process_iter(["cmdline"]):
            try:
                if any("jupyterhub-singleuser" in part for part in proc.info["cmdline"] or []) \
                        and proc.environ().get("JUPYTERHUB_USER") == name:
                    return proc
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        time.sleep(0.2)
    raise RuntimeError(f"no server process found for {name}")


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants."""
    total = 0.0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return total
    for proc in procs:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return total


def spawn(hub: Hub, learner: Learner) -> None:
    start = time.monotonic()
    hub.api("POST", f"/hub/api/users/{learner.name}/server", timeout=SPAWN_TIMEOUT)
    deadline = start + SPAWN_TIMEOUT
    while time.monotonic() < deadline:
        try:
            model = hub.api("GET", f"/hub/api/users/{learner.name}")
        except (TimeoutError, urllib.error.URLError) as exc:  # a busy hub answers late
            if time.monotonic() + 5 > deadline:
                raise RuntimeError(f"the hub did not answer: {exc}") from exc
            continue
        server = (model.get("servers") or {}).get("")
        if server and server.get("ready"):
            learner.spawn_s = time.monotonic() - start
            return
        if not server or not server.get("pending"):
            if time.monotonic() - start > 5 and not server:
                raise RuntimeError(f"server of {learner.name} stopped while starting")
        time.sleep(0.5)
    raise RuntimeError(f"server of {learner.name} not ready within {SPAWN_TIMEOUT:.0f} s")


def _message(msg_type: str, content: dict, session: str) -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "learner",
                       "session": session, "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
            "buffers": []}


def open_lesson(hub: Hub, learner: Learner, lesson: str, token: str) -> list[str]:
    """Read the notebook as JupyterLab does (contents API); return its code cells' sources."""
    path = f"{COURSE_DIR}/notebooks/{lesson}"
    notebook = hub.api("GET", f"/user/{learner.name}/api/contents/{path}?content=1&type=notebook",
                       token=token)["content"]
    cells = [c["source"] for c in notebook["cells"] if c["cell_type"] == "code"]
    learner.cells_total = len(cells)
    return cells


def run_lesson(hub: Hub, learner: Learner, lesson: str, token: str, cells: list[str]) -> None:
    """Start the notebook's kernel and run every code cell in order, stopping at an error."""
    import websocket  # websocket-client, from requirements-dev.txt

    base = f"/user/{learner.name}"
    nb_path = f"{COURSE_DIR}/notebooks/{lesson}"
    start, cpu_before = time.monotonic(), tree_cpu_s(learner.pids[0])
    learner.start_cpu_s = cpu_before
    session = hub.api("POST", f"{base}/api/sessions", token=token, body={
        "path": nb_path, "name": lesson, "type": "notebook", "kernel": {"name": "python3"}})
    kernel_id, session_id = session["kernel"]["id"], uuid.uuid4().hex
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{hub.port}{base}/api/kernels/{kernel_id}/channels"
        f"?session_id={session_id}", header=[f"Authorization: token {token}"],
        timeout=CELL_TIMEOUT)
    try:
        for index, source in enumerate(cells):
            msg = _message("execute_request", {
                "code": source, "silent": False, "store_history": True, "user_expressions": {},
                "allow_stdin": False, "stop_on_error": True}, session_id)
            ws.send(json.dumps(msg))
            reply, idle = None, False
            deadline = time.monotonic() + CELL_TIMEOUT
            while (reply is None or not idle) and time.monotonic() < deadline:
                answer = json.loads(ws.recv())
                if answer.get("parent_header", {}).get("msg_id") != msg["header"]["msg_id"]:
                    continue
                kind = answer["header"]["msg_type"]
                if kind == "execute_reply":
                    reply = answer["content"]
                elif kind == "status" and answer["content"]["execution_state"] == "idle":
                    idle = True
            if reply is None or not idle:
                raise RuntimeError(f"code cell {index + 1}: no reply within {CELL_TIMEOUT:.0f} s")
            if reply["status"] != "ok":
                raise RuntimeError(f"code cell {index + 1}: {reply.get('ename')}: "
                                   f"{reply.get('evalue')}")
            learner.cells_run += 1
        learner.lesson_s = time.monotonic() - start
        learner.cpu_s = tree_cpu_s(learner.pids[0]) - cpu_before  # the kernel is still alive
    finally:
        ws.close()
        try:  # closing the notebook shuts its kernel down; never hide the error that got here
            hub.api("DELETE", f"{base}/api/sessions/{session['id']}", token=token)
        except (RuntimeError, urllib.error.URLError, OSError):
            pass


def learner_thread(hub: Hub, learner: Learner, lesson: str, barrier: threading.Barrier) -> None:
    """One learner: start a server, open the lesson, wait for the class, run it.

    A learner whose server fails is recorded as a failure but still counts at the barrier, so the
    others start together and the round measures them.
    """
    cells, token = None, ""
    try:
        spawn(hub, learner)
        learner.pids = [find_server(learner.name).pid]
        token = hub.api("POST", f"/hub/api/users/{learner.name}/tokens",
                        body={"expires_in": 3600, "note": "hub_loadtest"})["token"]
        cells = open_lesson(hub, learner, lesson, token)
    except Exception as exc:  # recorded as this learner's failure; the round goes on
        learner.failure = f"while starting: {type(exc).__name__}: {exc}"
    try:
        barrier.wait(timeout=SPAWN_TIMEOUT + 60)  # everyone presses Run All at the same moment
    except threading.BrokenBarrierError:
        pass  # someone never arrived: the others start anyway
    if cells is None:
        return
    try:
        run_lesson(hub, learner, lesson, token, cells)
    except Exception as exc:
        learner.failure = f"while running: {type(exc).__name__}: {exc}"


# --- Sampling memory and CPU ----------------------------------------------------------------------


class Sampler(threading.Thread):
    """Every SAMPLE_EVERY s: each learner's server + kernels (resident memory), and the machine."""

    def __init__(self, learners: list[Learner]):
        super().__init__(daemon=True)
        self.learners = learners
        self.stop_event = threading.Event()
        self.total_peak_mb = 0.0
        self.machine_base_mb = psutil.virtual_memory().used / MB
        self.machine_peak_mb = 0.0

    def run(self) -> None:
        while not self.stop_event.wait(SAMPLE_EVERY):
            total = 0.0
            for learner in self.learners:
                if not learner.pids:
                    continue
                rss = 0.0
                try:
                    server = psutil.Process(learner.pids[0])
                    procs = [server, *server.children(recursive=True)]
                except psutil.NoSuchProcess:
                    continue
                for proc in procs:
                    try:
                        rss += proc.memory_info().rss / MB
                    except (psutil.NoSuchProcess, psutil.ZombieProcess):
                        continue
                learner.peak_mb = max(learner.peak_mb, rss)
                total += rss
            self.total_peak_mb = max(self.total_peak_mb, total)
            self.machine_peak_mb = max(self.machine_peak_mb,
                                       psutil.virtual_memory().used / MB - self.machine_base_mb)

    def finish(self) -> None:
        self.stop_event.set()
        self.join(timeout=10)


# --- A round and the report -----------------------------------------------------------------------


@dataclass
class Round:
    users: int
    lesson: str
    learners: list[Learner]
    total_peak_mb: float
    machine_peak_mb: float
    """Rise of the machine's used memory: includes whatever else runs there, so JSON only."""
    wall_s: float
    load_before: float
    """1-minute load average of the machine when the round began (work that was not ours)."""
    hub_dir: str = ""
    """The hub's temporary folder (deleted at the end): nothing may run from it afterwards."""

    @property
    def failures(self) -> int:
        return sum(1 for lr in self.learners if lr.failure)

    def stats(self, attr: str) -> tuple[float, float, float]:
        values = sorted(getattr(lr, attr) for lr in self.learners if not lr.failure)
        if not values:
            return (float("nan"),) * 3
        p95 = values[math.ceil(0.95 * len(values)) - 1]  # nearest-rank percentile
        return statistics.median(values), p95, values[-1]


def _stop_server(hub: Hub, name: str) -> None:
    try:
        hub.api("DELETE", f"/hub/api/users/{name}/server", timeout=120)
    except (RuntimeError, urllib.error.URLError, OSError):
        pass  # Hub.stop() still stops whatever is left


def run_round(hub: Hub, users: int, lesson: str, prefix: str, log=lambda message: None) -> Round:
    learners = [Learner(f"{prefix}{i:02d}") for i in range(1, users + 1)]
    load = os.getloadavg()[0]  # other work on the machine slows every learner: say how much
    hub.api("POST", "/hub/api/users", body={"usernames": [lr.name for lr in learners]})
    barrier = threading.Barrier(users)
    sampler = Sampler(learners)
    sampler.start()
    start = time.monotonic()
    threads = [threading.Thread(target=learner_thread, args=(hub, lr, lesson, barrier),
                                daemon=True) for lr in learners]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SPAWN_TIMEOUT + 2 * CELL_TIMEOUT)
    wall = time.monotonic() - start
    sampler.finish()
    log("lessons finished; stopping the servers")
    for learner in learners:
        if any(t.is_alive() for t in threads) and not learner.failure and not learner.cells_run:
            learner.failure = "did not finish in time"
    stoppers = [threading.Thread(target=_stop_server, args=(hub, lr.name), daemon=True)
                for lr in learners]
    for t in stoppers:
        t.start()
    for t in stoppers:
        t.join(timeout=150)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and any(psutil.pid_exists(p) for lr in learners
                                              for p in lr.pids):
        time.sleep(0.5)
    log("servers stopped")
    for learner in learners:
        try:
            hub.api("DELETE", f"/hub/api/users/{learner.name}")
        except (RuntimeError, urllib.error.URLError, OSError):
            pass
    return Round(users, lesson, learners, sampler.total_peak_mb, sampler.machine_peak_mb, wall,
                 load)


def find_lesson(key: str) -> str:
    """The lesson whose file name starts with ``key`` ('00'), else the first that contains it."""
    folder = ROOT / "notebooks"
    matches = sorted(folder.glob(f"{key}*.ipynb")) or sorted(folder.glob(f"[0-9]*{key}*.ipynb"))
    if not matches:
        raise SystemExit(f"no lesson notebooks/{key}*.ipynb or notebooks/*{key}*.ipynb")
    return matches[0].name


def course_repo() -> str:
    """The repository to clone, as a file:// URL (so --depth works); its committed HEAD."""
    return ROOT.as_uri()


def say(message: str, t0: float) -> None:
    print(f"[{time.monotonic() - t0:6.1f} s] {message}", file=sys.stderr, flush=True)


def run(users: list[int], lesson_prefix: str, install: bool = True) -> list[Round]:
    """Start a hub, run one round per entry of ``users``, stop everything; return the rounds."""
    t0 = time.monotonic()
    lesson = find_lesson(lesson_prefix)
    proxy = ensure_proxy(install)
    rounds = []
    hub = Hub(proxy, course_repo())
    try:
        hub.start()
        say(f"JupyterHub up at {hub.url} (log: {hub.log_path})", t0)
        for i, n in enumerate(users):
            say(f"round {i + 1}: {n} learner(s) start a server and run {lesson}", t0)
            rounds.append(run_round(hub, n, lesson, prefix=f"r{i}u",
                                    log=lambda message: say(message, t0)))
            rounds[-1].hub_dir = str(hub.dir)
            say(f"round {i + 1} done: {rounds[-1].failures} failure(s)", t0)
    finally:
        hub.stop()
        say("hub, proxy and servers stopped", t0)
    return rounds


def table(rounds: list[Round]) -> str:
    lines = ["| N | lesson s median | p95 | max | start s median | max | peak MB per user "
             "(median / max) | peak MB total | CPU s per user: start / lesson "
             "| failures | load before |",
             "|" + " ---: |" * 11]
    for r in rounds:
        med, p95, mx = r.stats("lesson_s")
        smed, _, smax = r.stats("spawn_s")
        pmed, _, pmax = r.stats("peak_mb")
        cmed, _, _ = r.stats("cpu_s")
        spcpu, _, _ = r.stats("start_cpu_s")
        lines.append(f"| {r.users} | {med:.1f} | {p95:.1f} | {mx:.1f} | {smed:.1f} | {smax:.1f} "
                     f"| {pmed:.0f} / {pmax:.0f} | {r.total_peak_mb:.0f} | "
                     f"{spcpu:.1f} / {cmed:.1f} | {r.failures} "
                     f"| {r.load_before:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="1,5,10,20",
                        help="comma-separated numbers of simultaneous learners (default 1,5,10,20)")
    parser.add_argument("--lesson", default="timeline",
                        help="the lesson to run: its number (00) or part of its name (default "
                             "timeline, the lesson with the most figures)")
    parser.add_argument("--json", type=Path, default=ROOT / "output" / "hub_loadtest.json")
    parser.add_argument("--install-proxy", action="store_true",
                        help="only install configurable-http-proxy under .hub/ (make hub-deps)")
    args = parser.parse_args(argv)
    if args.install_proxy:
        try:
            print(f"configurable-http-proxy: {ensure_proxy().relative_to(ROOT)}")
            return 0
        except HubUnavailable as exc:
            print(f"hub-deps: {exc}", file=sys.stderr)
            return 2
    users = [int(n) for n in args.users.split(",")]
    if any(not 1 <= n <= 100 for n in users):
        parser.error("--users: each number must be between 1 and 100")
    start = time.monotonic()
    try:
        rounds = run(users, args.lesson)
    except HubUnavailable as exc:
        print(f"hub-loadtest: {exc}", file=sys.stderr)
        return 2
    print(f"\nLesson {rounds[0].lesson}, {os.cpu_count()} CPU cores, "
          f"{psutil.virtual_memory().total / MB / 1024:.0f} GB memory; "
          f"whole run {time.monotonic() - start:.0f} s\n")
    print(table(rounds))
    for r in rounds:
        for lr in r.learners:
            if lr.failure:
                print(f"  N={r.users} {lr.name}: {lr.failure}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "cpu_count": os.cpu_count(), "memory_gb": psutil.virtual_memory().total / MB / 1024,
        "rounds": [{**{k: v for k, v in asdict(r).items() if k != "learners"},
                    "failures": r.failures, "learners": [asdict(lr) for lr in r.learners]}
                   for r in rounds]}, indent=1), encoding="utf-8")
    print(f"\nraw figures: {args.json}")
    return 1 if any(r.failures for r in rounds) else 0


if __name__ == "__main__":
    sys.exit(main())
