"""Servers the tests start on this machine: a free loopback port, and a clean stop.

Every server a test starts listens on 127.0.0.1 and is started with ``start_new_session=True``,
so that :func:`stop` can end it together with the kernels it spawned (its process group).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(server: subprocess.Popen, timeout: float = 30) -> None:
    """Stop ``server`` and its process group: SIGTERM, then SIGKILL if it outlives ``timeout``."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=timeout)
