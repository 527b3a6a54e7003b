# Caspian Crossroads — the two commands a learner needs:
#   make lab    open the course in JupyterLab
#   make test   run every test and every notebook (what CI runs)
# Both create .venv from requirements.txt the first time (and again only when requirements.txt changes);
# make test (and lint) also install requirements-dev.txt, the tools only tests and builds need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements-installed
DEVSTAMP := $(VENV)/.requirements-dev-installed
FIRST  := notebooks/00_start_here.ipynb

.PHONY: lab test lint venv dev clean help geodata student slides site browser-deps bench test-latest \
        test-oldest hub-loadtest hub-deps

help:
	@echo "make lab    - open the course in JupyterLab (creates .venv on first use)"
	@echo "make test   - run the test suite and every notebook (what CI runs)"
	@echo "make lint   - ruff over the helper package, tests and notebooks"
	@echo "make clean  - remove build folders (keeps .venv)"
	@echo "make bench  - time each lesson (median of 3 fresh-kernel runs) and its peak memory"
	@echo "make test-latest - the tests with the newest release of every dependency (.venv-latest)"
	@echo "make test-oldest - the tests with every dependency at its lower bound (.venv-oldest)"
	@echo "make hub-loadtest - a real JupyterHub on 127.0.0.1: N learners run a lesson at once"
	@echo "make slides - reveal.js slides of every lesson in build/slides/ (works offline)"
	@echo "make site   - the course website in build/site/ (executes every lesson; works offline)"
	@echo "make student - student copies without solutions in build/student/"
	@echo "make geodata - rebuild data/geo/ from Natural Earth (fetches world-atlas with npm once)"

venv: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $(STAMP)

# The development tools (tests, lint, builds) on top of the learner set; make lab never needs them.
dev: $(DEVSTAMP)

$(DEVSTAMP): $(STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $(DEVSTAMP)

# Token authentication stays on; the server listens on this machine only. Jupyter refuses to
# run as root (containers, some classroom VMs) unless told: that flag changes nothing else.
# install_lab_settings.py switches off JupyterLab's news pop-up and update check (no prompt, no
# request to the web) in .venv's settings overrides.
# root_dir=. serves the whole repository (data/ and its README in the file browser) while
# opening the first lesson; without it Jupyter would serve only the lesson's folder.
lab: $(STAMP)
	@$(BIN)/python scripts/install_lab_settings.py --quiet
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=. $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(FIRST)

lint: $(DEVSTAMP)
	$(BIN)/ruff check .

test: lint browser-deps hub-deps
	$(BIN)/python -m pytest

# tests/test_browser.py drives headless Chromium. On a fresh CI machine (CI=true, root, apt-get)
# install Debian's chromium first; anywhere else do nothing: the test then skips with a reason.
browser-deps:
	@if [ "$${CI:-}" = "true" ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 \
	    && ! command -v chromium >/dev/null 2>&1; then \
	  echo "CI: installing chromium for tests/test_browser.py"; \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } \
	    || echo "could not install chromium: tests/test_browser.py will skip"; \
	fi

# tests/test_hub_smoke.py runs a real JupyterHub, whose proxy comes from npm (installed under the
# git-ignored .hub/). On a fresh CI machine (CI=true, root, apt-get) without npm, install Debian's
# npm first; anywhere else a missing npm only makes that test skip, with the reason.
hub-deps: $(DEVSTAMP)
	@if ! command -v npm >/dev/null 2>&1 && [ "$${CI:-}" = "true" ] && [ "$$(id -u)" = "0" ] \
	    && command -v apt-get >/dev/null 2>&1; then \
	  echo "CI: installing npm for tests/test_hub_smoke.py"; \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm; } \
	    || echo "could not install npm: tests/test_hub_smoke.py will skip"; \
	fi
	@$(BIN)/python scripts/hub_loadtest.py --install-proxy || echo "tests/test_hub_smoke.py will skip"

# A class on one hub, measured: N learners (HUB_ARGS="--users 1,5,10,20 --lesson timeline") at once.
hub-loadtest: hub-deps
	$(BIN)/python scripts/hub_loadtest.py $(HUB_ARGS)

bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

test-latest:
	PYTHON=$(PYTHON) scripts/test_latest.sh

# Every constraint at its lower bound, on the oldest Python the README promises (a pyenv build of
# it when there is one; OLDEST_PYTHON=/path/to/python3.10 to choose).
test-oldest:
	OLDEST_PYTHON="$(OLDEST_PYTHON)" scripts/test_oldest.sh

slides: $(STAMP)
	$(BIN)/python scripts/build_slides.py

site: $(STAMP)
	$(BIN)/python scripts/build_site.py

student: $(STAMP)
	$(BIN)/python scripts/make_student.py

geodata: $(STAMP)
	$(BIN)/python scripts/build_geodata.py

clean:
	rm -rf _build build output .pytest_cache
