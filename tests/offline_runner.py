"""Run notebooks offline and report what they printed: the worker behind tests/test_offline.py.

    python tests/offline_runner.py [--netns] [--hashseed N] NOTEBOOK...

Each notebook runs top to bottom in a fresh kernel (cwd = its folder, as under nbval). A first,
injected cell installs a socket guard in the kernel: a Python audit hook that lets loopback and
Unix-socket traffic through, and records and refuses every other ``connect`` and every name lookup
of a host other than localhost. Each refusal is also printed as a ``BLOCKED_MARKER`` line, so it is
visible even when the lesson catches the error.

``--netns`` means the caller started this process in a fresh network namespace (``unshare -rn``):
the runner brings the loopback interface up (the kernel's ZMQ sockets need 127.0.0.1) and refuses to
run if any other interface exists. Then even connections made outside Python (a subprocess, a C
library) have nowhere to go.

Prints one JSON object: ``{notebook path: {"error", "blocked", "outputs"}}`` where ``outputs`` holds
the text outputs of the lesson's own cells (the injected cell's are left out).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import sys
from pathlib import Path

BLOCKED_MARKER = "CASPIAN-OFFLINE-BLOCKED"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
TEXT_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")

GUARD = rf'''
import ipaddress as _ip
import sys as _sys

def _caspian_offline_guard(event, args, _ip=_ip, _sys=_sys):
    def local(host):
        if isinstance(host, (bytes, bytearray)):
            host = host.decode(errors="replace")
        if host is None or not isinstance(host, str):
            return True  # Unix sockets and other non-IP families stay on this machine
        host = host.split("%")[0]
        if host.lower() in ("localhost", "localhost.localdomain", "ip6-localhost", ""):
            return True
        try:
            return _ip.ip_address(host).is_loopback
        except ValueError:
            return False  # a host name other than localhost

    if event == "socket.connect" or event == "socket.sendto":
        address = args[1]
        host = address[0] if isinstance(address, tuple) and address else None
        if isinstance(address, tuple) and len(address) >= 2 and not isinstance(address[0], str):
            host = None  # e.g. netlink (pid, groups): not a network peer
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
                   "socket.gethostbyaddr"):
        host = args[0]
    else:
        return
    if local(host):
        return
    what = f"{{event}} {{args[1] if event in ('socket.connect', 'socket.sendto') else args[0]!r}}"
    print("{BLOCKED_MARKER}", what, file=_sys.stderr, flush=True)
    raise ConnectionRefusedError(f"the course runs offline: blocked {{what}}")

_sys.addaudithook(_caspian_offline_guard)
del _caspian_offline_guard
'''


def bring_loopback_up() -> None:
    """In a fresh network namespace: set ``lo`` up and check it is the only interface."""
    import fcntl
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(s, siocgifflags, req))[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))
    others = [name for _, name in socket.if_nameindex() if name != "lo"]
    if others:
        sys.exit(f"--netns: expected only the loopback interface, found {others}")


def text_outputs(cell) -> list[str]:
    """The cell's text outputs; a stream split over several messages is joined back into one."""
    found: list[str] = []
    last_stream = None
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream" and out["name"] == last_stream:
            found[-1] += out["text"]
            continue
        last_stream = out["name"] if kind == "stream" else None
        if kind == "stream":
            found.append(f"[{out['name']}] {out['text']}")
        elif kind in ("execute_result", "display_data"):
            for mime in TEXT_TYPES:
                if mime in out.get("data", {}):
                    value = out["data"][mime]
                    value = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
                    found.append(f"[{mime}] {value}")
        elif kind == "error":
            found.append(f"[error] {out['ename']}: {out['evalue']}")
    return found


def run(path: Path, timeout: int) -> dict:
    """Run once; start again if the kernel died while starting (two kernels picked the same free
    TCP port: a jupyter_client race when many kernels start at once on a busy machine)."""
    result = run_once(path, timeout)
    if result["error"] and "Kernel died before replying to kernel_info" in result["error"]:
        result = run_once(path, timeout)
    return result


def run_once(path: Path, timeout: int) -> dict:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(GUARD))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    try:
        client.execute()
    except CellExecutionError as err:
        error = ANSI.sub("", str(err)).strip()[-1500:]
    except Exception as err:  # timeout, dead kernel
        error = f"{type(err).__name__}: {err}"[-1500:]
    outputs = [text_outputs(c) if c.cell_type == "code" else [] for c in nb.cells[1:]]
    blocked = [line.split(BLOCKED_MARKER, 1)[1].strip()
               for cell in outputs for text in cell for line in text.splitlines()
               if BLOCKED_MARKER in line]
    return {"error": error, "blocked": blocked, "outputs": outputs}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--netns", action="store_true")
    parser.add_argument("--hashseed", default="0")
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--probe", action="store_true",
                        help="only check that loopback works here (with --netns), then exit")
    args = parser.parse_args()
    if args.netns:
        bring_loopback_up()
    if args.probe:
        with socket.create_server(("127.0.0.1", 0)) as server:
            socket.create_connection(server.getsockname(), timeout=2).close()
        return 0
    # Kernels inherit this environment: the test suite's settings, plus a fixed but different
    # hash seed per run, so output that depends on set/dict order of strings shows up as a diff.
    os.environ.update(PYTHONHASHSEED=args.hashseed, MPLBACKEND="Agg", CASPIAN_STRICT_CHECKS="1")
    results = {str(p): run(p.resolve(), args.timeout) for p in args.notebooks}
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
