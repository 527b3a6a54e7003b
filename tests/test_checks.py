"""The exercise self-checks: friendly on unfinished or odd answers, right on the solutions, and
strict enough to reject a plausible wrong answer. Every check id a notebook uses must exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from caspian import checks
from caspian.checks import check, expect_number, expect_set, expect_value

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture
def lenient(monkeypatch):
    """Judge as a learner would see it: a wrong answer prints a cross instead of raising."""
    monkeypatch.delenv(checks.STRICT_ENV, raising=False)


def ids_used_in_notebooks() -> dict[str, str]:
    used = {}
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for ex_id in re.findall(r"check\(\s*[\"'](\d\d\.\d+)[\"']", "".join(cell["source"])):
                used[ex_id] = path.name
    return used


def test_every_check_used_in_a_notebook_exists():
    known = checks.registered()
    missing = {i: nb for i, nb in ids_used_in_notebooks().items() if i not in known}
    assert not missing, f"check ids used but not registered: {missing}"


def test_every_exercise_names_plausible_wrong_answers():
    for ex_id, ex in checks.registered().items():
        assert ex.wrong is not None and ex.wrong(), f"exercise {ex_id} lists no wrong answers"


@pytest.mark.parametrize("ex_id", sorted(checks.registered()))
def test_each_check_rejects_its_wrong_answers(ex_id, lenient):
    ex = checks.registered()[ex_id]
    for answer in ex.wrong():
        result = check(ex_id, answer, quiet=True)
        assert result.ok is False, f"{ex_id} accepted the wrong answer {answer!r}"
        assert result.message, "a wrong answer gets a hint"


def test_unknown_id_is_friendly(capsys):
    result = check("99.9", 3)
    assert result.ok is None
    assert "no exercise with this id" in capsys.readouterr().out


@pytest.mark.parametrize("unfinished", [..., None])
def test_unfinished_answer_is_friendly(unfinished, capsys):
    result = check("00.1", unfinished)
    assert result.ok is None and not result
    assert "no answer yet" in capsys.readouterr().out


def test_right_answer_says_why(capsys):
    assert check("00.1", 14)
    out = capsys.readouterr().out
    assert out.startswith("✓") and "2012" in out


def test_wrong_type_gets_a_type_hint(lenient):
    result = check("00.1", "fourteen", quiet=True)
    assert result.ok is False and "expected a single number" in result.message


def test_strict_mode_raises_on_a_wrong_answer(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(checks.WrongAnswer):
        check("00.1", 15, quiet=True)


def test_a_judge_that_crashes_gives_a_message_not_a_traceback(lenient, monkeypatch):
    def broken(answer):
        raise KeyError("boom")

    monkeypatch.setitem(checks._REGISTRY, "98.1", checks.Exercise("98.1", "broken", broken))
    result = check("98.1", 1, quiet=True)
    assert result.ok is False and "could not be checked" in result.message


def test_expect_number_accepts_numpy_and_one_cell_series():
    assert expect_number(pd.Series([14]), 14, why="w")[0]
    assert expect_number(pd.Series([14]).iloc[0], 14, why="w")[0]
    assert not expect_number(True, 1, why="w")[0]


def test_expect_set_ignores_order_and_case_and_does_not_reveal_missing():
    assert expect_set(["Iran", "azerbaijan"], ["Azerbaijan", "Iran"], why="w")[0]
    assert expect_set(pd.Series(["Iran", "Azerbaijan"]), {"Azerbaijan", "Iran"}, why="w")[0]
    ok, message = expect_set(["Iran", "Mars"], ["Azerbaijan", "Iran"], why="w")
    assert not ok and "1 names missing" in message and "mars" in message
    assert "azerbaijan" not in message.lower()


def test_expect_value_hints():
    ok, message = expect_value(2011, 2012, why="w", hints=[(lambda v: abs(v - 2012) == 1, "off")])
    assert not ok and message == "off"
    assert expect_value("BAKU", "Baku", why="w")[0]
