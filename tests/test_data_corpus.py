"""Every case of the bad-data corpus (``tests/bad_data/corpus.py``) ends in its expected outcome,
with a message that names the file, the line, the column, the bad value and the likely cause.

Each case breaks a fresh copy of ``data/`` in a temporary folder; ``data/`` itself is never
written. ``python tests/bad_data/corpus.py`` prints the same outcomes as a table.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from bad_data import corpus

from caspian import data

DATA = Path(__file__).resolve().parents[1] / "data"


def test_the_corpus_is_big_and_covers_every_outcome():
    assert len(corpus.CASES) >= 40
    assert len({c.id for c in corpus.CASES}) == len(corpus.CASES), "case ids must be unique"
    expected = Counter(c.expect for c in corpus.CASES)
    assert expected["accepted"] >= 5 and expected["warning"] >= 3 and expected["error"] >= 30


@pytest.mark.parametrize("case", corpus.CASES, ids=[c.id for c in corpus.CASES])
def test_case(case, tmp_path):
    outcome, message, result, ctx = corpus.run_case(case, data, DATA, tmp_path)
    detail = "\n".join(result.errors[:5] + result.warnings[:5]) or result.crash
    assert outcome == case.expect, f"{case.what}: got {outcome}, expected {case.expect}\n{detail}"
    if case.expect != "accepted":
        for part in case.parts:  # classify() checked them; say which one is missing if not
            assert part.format(**ctx) in message
    # Every message is a sentence about the data, never Python internals.
    for text in result.errors + result.warnings:
        assert "Traceback" not in text and "Error:" not in text, text
        assert text.startswith(("data/", "save_")), text


def test_the_corpus_never_touches_data(tmp_path):
    before = {p: p.stat().st_mtime_ns for p in DATA.rglob("*")}
    for case in corpus.CASES[:10]:
        corpus.run_case(case, data, DATA, tmp_path)
    assert {p: p.stat().st_mtime_ns for p in DATA.rglob("*")} == before
