#!/usr/bin/env bash
# Run the test suite with every dependency at its lower bound, on the oldest promised Python.
#
# The lower bounds in requirements.txt and requirements-dev.txt are a promise: "the course works
# with these versions". pip has no "lowest versions" resolution, so this script writes a constraints
# file pinning every named package to the oldest release its constraint admits (pandas>=2.2 ->
# pandas==2.2.0) and lets pip resolve everything else (their dependencies) to whatever installs. It then runs the same pytest
# suite in the git-ignored .venv-oldest. If it fails, raise the lower bound that broke.
#
#   scripts/test_oldest.sh                                  # oldest promised Python, found below
#   OLDEST_PYTHON=python3.10 scripts/test_oldest.sh -k data # extra arguments go to pytest
#
# Lint (ruff) is not run: the oldest ruff allowed may know fewer rules, which is harmless.
set -euo pipefail
cd "$(dirname "$0")/.."

OLDEST=3.10   # keep in step with pyproject.toml requires-python and README.md

if [ -z "${OLDEST_PYTHON:-}" ]; then
    # a pyenv build of the oldest promised Python, else one on PATH
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/$OLDEST.*/bin/python "python$OLDEST"; do
        if "$candidate" --version >/dev/null 2>&1; then OLDEST_PYTHON=$candidate; break; fi
    done
fi
if [ -z "${OLDEST_PYTHON:-}" ]; then
    echo "error: no Python $OLDEST found (install one, or set OLDEST_PYTHON=/path/to/python)" >&2
    exit 2
fi

VENV=.venv-oldest
BIN=$VENV/bin
CONSTRAINTS=$VENV/constraints-oldest.txt

if ! git check-ignore -q "$VENV/"; then
    echo "error: $VENV/ is not git-ignored; add it to .gitignore first" >&2
    exit 2
fi

"$OLDEST_PYTHON" -m venv --clear "$VENV"
echo "== $("$BIN/python" --version) in $VENV"

"$BIN/python" -m pip install --disable-pip-version-check -q --upgrade pip packaging

# For every named package, the oldest release on the index that its constraint admits
# (pandas>=2.2,<4 -> pandas==2.2.0) and that has a file for this Python.
"$BIN/python" - requirements.txt requirements-dev.txt > "$CONSTRAINTS" <<'PY'
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

for path in sys.argv[1:]:
    for line in Path(path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)
        out = subprocess.run([sys.executable, "-m", "pip", "index", "versions", req.name,
                              "--disable-pip-version-check"],
                             capture_output=True, text=True, check=True).stdout
        listed = next(ln for ln in out.splitlines() if ln.startswith("Available versions:"))
        versions = sorted(Version(v.strip()) for v in listed.split(":", 1)[1].split(","))
        admitted = [v for v in versions if req.specifier.contains(v)]
        if not admitted:
            sys.exit(f"{path}: no release of {req.name} satisfies {req.specifier}")
        print(f"{req.name}=={admitted[0]}")
PY
echo "== lower bounds: $(tr '\n' ' ' < "$CONSTRAINTS")"

"$BIN/python" -m pip install --disable-pip-version-check -q -r requirements-dev.txt -c "$CONSTRAINTS"

echo "== installed (each named package should sit at its lower bound)"
"$BIN/python" - "$CONSTRAINTS" <<'PY'
import sys
from importlib.metadata import version
from pathlib import Path

for line in Path(sys.argv[1]).read_text().split():
    name, wanted = line.split("==")
    got = version(name)
    print(f"  {name:<18} {got:<10}" + ("" if got == wanted else f"   <-- lower bound {wanted}"))
PY

echo "== pytest in $VENV"
set +e
"$BIN/python" -m pytest "$@"
status=$?
set -e
echo "== test-oldest: pytest exit status $status"
exit $status
