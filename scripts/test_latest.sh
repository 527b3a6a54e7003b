#!/usr/bin/env bash
# Run the test suite against the newest release of every dependency (issue #9).
#
# Creates (or recreates) the git-ignored .venv-latest with the newest releases of every package
# named in requirements.txt and requirements-dev.txt, version constraints stripped, then runs the
# same pytest suite there.
# A failure here is an early warning that a new major release (pandas, matplotlib, geopandas, ...)
# will break the course once the constraints in requirements.txt are raised.
#
#   scripts/test_latest.sh                 # PYTHON=python3 by default
#   PYTHON=python3.13 scripts/test_latest.sh -k offline   # extra arguments go to pytest
#
# Lint (ruff) is not run: the newest ruff adds rules the pinned one does not know.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv-latest
BIN=$VENV/bin

if ! git check-ignore -q "$VENV/"; then
    echo "error: $VENV/ is not git-ignored; add it to .gitignore first" >&2
    exit 2
fi

# Package names only: drop comments, blank lines, option lines (-r ...), extras, markers and
# version constraints.
mapfile -t PACKAGES < <(sed -E -e 's/#.*//' -e 's/[[:space:]]//g' -e 's/^-.*//' \
                            -e 's/[][<>=!~;@].*//' requirements.txt requirements-dev.txt | grep -v '^$')
echo "== newest releases of: ${PACKAGES[*]}"

"$PYTHON" -m venv --clear "$VENV"
"$BIN/python" -m pip install --disable-pip-version-check -q --upgrade pip
# --upgrade-strategy eager: the newest version of every dependency, not just the named ones.
"$BIN/python" -m pip install --disable-pip-version-check -q --upgrade \
    --upgrade-strategy eager "${PACKAGES[@]}"

echo "== installed (compared with requirements.txt and requirements-dev.txt)"
"$BIN/python" - <<'EOF'
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement

lines = (Path("requirements.txt").read_text().splitlines()
         + Path("requirements-dev.txt").read_text().splitlines())
for line in lines:
    line = line.split("#")[0].strip()
    if not line or line.startswith("-"):
        continue
    req = Requirement(line)
    got = version(req.name)
    flag = "" if req.specifier.contains(got, prereleases=True) else "   <-- outside the constraints"
    print(f"  {req.name:<14} {got:<12} (requirements: {req.specifier}){flag}")
EOF

echo "== pytest in $VENV"
set +e
"$BIN/python" -m pytest "$@"
status=$?
set -e
echo "== test-latest: pytest exit status $status"
exit $status
