"""Windows laptops: nothing learners run may need a POSIX shell or path, and every file name must
be one Windows can hold.

Scanned: the lessons' code cells and the helper package (what runs on a learner's machine). Scripts
and tests are for developers (make, bash) and are not scanned, except for file names (a Windows
clone must check out every file).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEARNER_FILES = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("notebooks/caspian/**/*.py")])

POSIX_ONLY_MODULES = {"fcntl", "grp", "posix", "pty", "pwd", "resource", "termios", "tty"}
SHELL_CALLS = {("os", "system"), ("os", "popen"), ("os", "fork"), ("os", "getuid"),
               ("os", "geteuid"), ("os", "killpg"), ("subprocess", "run"),
               ("subprocess", "call"), ("subprocess", "check_call"),
               ("subprocess", "check_output"), ("subprocess", "Popen")}
SHELL_MAGICS = re.compile(r"^\s*(!|%%?(bash|sh|script|system|sx)\b)")
POSIX_PATH = re.compile(r"^(/(tmp|home|usr|etc|var|opt|dev|mnt|root|Users)(/|$)|~/)")
TEXT_IO = {"read_text", "write_text"}


def sources() -> list[tuple[str, str]]:
    """(where, python source) for every code cell of every lesson and every helper module."""
    found = []
    for path in LEARNER_FILES:
        rel = path.relative_to(ROOT).as_posix()
        if path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            for i, cell in enumerate(cells, start=1):
                if cell["cell_type"] == "code":
                    found.append((f"{rel} cell {i}", "".join(cell["source"])))
        else:
            found.append((rel, path.read_text(encoding="utf-8")))
    return found


def problems_in(where: str, source: str) -> list[str]:
    """What in ``source`` would not run on Windows, each naming ``where`` and the line."""
    problems = []
    python_lines = []
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):  # a cell magic: the cell is not Python
        lines = lines[:1]
    for n, line in enumerate(lines, start=1):
        if SHELL_MAGICS.match(line):
            problems.append(f"{where} line {n}: shell command {line.strip()!r} (write it in Python:"
                            " pathlib, shutil, pandas)")
            python_lines.append("")
        elif line.lstrip().startswith("%"):
            python_lines.append("")  # other IPython magics (%matplotlib inline) are portable
        else:
            python_lines.append(line)
    tree = ast.parse("\n".join(python_lines))
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                if name and name.split(".")[0] in POSIX_ONLY_MODULES:
                    problems.append(f"{where} line {line}: imports {name}, which Windows lacks")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and (owner.id, node.func.attr) in SHELL_CALLS:
                problems.append(f"{where} line {line}: {owner.id}.{node.func.attr}() runs a "
                                "process or POSIX call; lessons and helpers stay in Python")
            if node.func.attr in TEXT_IO and not _has_encoding(node):
                problems.append(f"{where} line {line}: .{node.func.attr}() without encoding= "
                                "(Windows reads and writes cp1252 by default, not UTF-8)")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "open" and not _has_encoding(node) and not _binary(node):
            problems.append(f"{where} line {line}: open() in text mode without encoding= "
                            "(Windows reads and writes cp1252 by default, not UTF-8)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and POSIX_PATH.match(node.value):
            problems.append(f"{where} line {line}: POSIX-only path {node.value!r} "
                            "(build paths from caspian.paths or tempfile)")
    return problems


def _has_encoding(call: ast.Call) -> bool:
    return any(k.arg == "encoding" for k in call.keywords)


def _binary(call: ast.Call) -> bool:
    modes = [a for a in call.args[1:2]] + [k.value for k in call.keywords if k.arg == "mode"]
    return any(isinstance(m, ast.Constant) and "b" in str(m.value) for m in modes)


def test_lessons_and_helpers_need_no_posix_shell_or_path():
    problems = [p for where, source in sources() for p in problems_in(where, source)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("snippet, expected", [
    ("!ls data", "shell command"),
    ("%%bash\nhead data/events.csv", "shell command"),
    ("import os\nos.system('rm -rf output')", "os.system()"),
    ("import subprocess\nsubprocess.run(['cp', 'a', 'b'])", "subprocess.run()"),
    ("import pwd", "imports pwd"),
    ("out = '/tmp/caspian.png'", "POSIX-only path"),
    ("p = '~/caspian/data'", "POSIX-only path"),
    ("text = open('data/events.csv').read()", "open() in text mode without encoding="),
    ("from pathlib import Path\nPath('x.csv').read_text()", ".read_text() without encoding="),
])
def test_the_scan_catches_each_kind_of_problem(snippet, expected):
    problems = problems_in("lesson.ipynb cell 1", snippet)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize("snippet", [
    "%matplotlib inline\nimport pandas as pd",
    "open('map.png', 'rb').read()",
    "open('x.csv', encoding='utf-8')",
    "Path('x.csv').read_text(encoding='utf-8')",
    "url = 'https://example.org/tmp/x'",
    "ratio = 3 / 2",
])
def test_the_scan_accepts_portable_code(snippet):
    assert problems_in("lesson.ipynb cell 1", snippet) == []


# --- File names -----------------------------------------------------------------------------------

WINDOWS_FORBIDDEN = set('<>:"|?*\\')
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                    *(f"LPT{i}" for i in range(1, 10))}


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode("utf-8")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: cannot list the tracked files")
    return [f for f in out.split("\0") if f]


def name_problems(paths: list[str]) -> list[str]:
    problems, seen = [], {}
    for path in paths:
        for part in PurePosixPath(path).parts:
            bad = sorted(set(part) & WINDOWS_FORBIDDEN)
            if bad or any(ord(ch) < 32 for ch in part):
                problems.append(f"{path}: {part!r} has characters Windows forbids {bad}")
            if part.endswith((".", " ")):
                problems.append(f"{path}: {part!r} ends with a dot or a space")
            if part.split(".")[0].upper() in WINDOWS_RESERVED:
                problems.append(f"{path}: {part!r} is a reserved device name on Windows")
        key = path.casefold()
        if key in seen and seen[key] != path:
            problems.append(f"{path} and {seen[key]} differ only by case")
        seen.setdefault(key, path)
    # a folder and a file, or two folders, whose names differ only by case clash as well
    folders = {str(PurePosixPath(p).parent) for p in paths} - {"."}
    by_key: dict[str, set[str]] = {}
    for folder in folders:
        by_key.setdefault(folder.casefold(), set()).add(folder)
    problems += [f"folders differ only by case: {sorted(v)}" for v in by_key.values() if len(v) > 1]
    return problems


def test_every_tracked_file_name_is_valid_on_windows():
    problems = name_problems(tracked_files())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("paths, expected", [
    (["output/map:1.png"], "characters Windows forbids"),
    (["notebooks/what?.ipynb"], "characters Windows forbids"),
    (["data/aux.csv"], "reserved device name"),
    (["notes."], "ends with a dot"),
    (["data/Places.csv", "data/places.csv"], "differ only by case"),
    (["Data/a.csv", "data/b.csv"], "folders differ only by case"),
])
def test_the_name_check_catches_each_kind_of_problem(paths, expected):
    assert any(expected in p for p in name_problems(paths)), name_problems(paths)
