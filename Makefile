# Caspian Crossroads — the two commands a learner needs:
#   make lab    open the course in JupyterLab
#   make test   run every test and every notebook (what CI runs)
# Both create .venv from requirements.txt the first time (and again only when requirements.txt changes).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements-installed
FIRST  := notebooks/00_start_here.ipynb

.PHONY: lab test lint venv clean help geodata student

help:
	@echo "make lab    - open the course in JupyterLab (creates .venv on first use)"
	@echo "make test   - run the test suite and every notebook (what CI runs)"
	@echo "make lint   - ruff over the helper package, tests and notebooks"
	@echo "make clean  - remove build folders (keeps .venv)"
	@echo "make student - student copies without solutions in build/student/"
	@echo "make geodata - rebuild data/geo/ from Natural Earth (fetches world-atlas with npm once)"

venv: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(FIRST)

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

student: $(STAMP)
	$(BIN)/python scripts/make_student.py

geodata: $(STAMP)
	$(BIN)/python scripts/build_geodata.py

clean:
	rm -rf _build build output .pytest_cache
