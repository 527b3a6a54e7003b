"""Lesson 05's self-checks: the reference answers pass, and each plausible mistake the lesson
expects gets the hint that names it (not only a ✗)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from caspian.checks import check, registered  # noqa: E402
from caspian.exercises import ex05  # noqa: E402

IDS = ["05.1", "05.2", "05.3", "05.4"]


def _judge(exercise_id, answer):
    return registered()[exercise_id].judge(answer)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_all_lesson_05_exercises_are_registered():
    assert {i for i in registered() if i.startswith("05.")} == set(IDS)


def test_reference_answers_pass():
    assert check("05.1", sorted(ex05.tied_to_israel_and_iran()), quiet=True)
    assert check("05.2", ex05.reference_figure(), quiet=True)
    assert check("05.3", ex05.tkm_ties_after_adding(), quiet=True)
    assert check("05.4", sorted(ex05.only_known_through_allegations()), quiet=True)


def test_names_are_accepted_as_well_as_ids_but_never_substrings():
    from caspian import data

    short = data.load_actors().set_index("actor_id")["short_name"]
    right = sorted(ex05.tied_to_israel_and_iran())
    assert check("05.1", [short[a].upper() for a in right], quiet=True)
    ok, message = _judge("05.1", [a[:2] for a in right])
    assert not ok and "whole actor ids" in message


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_listed_mistake_is_rejected(exercise_id):
    for wrong in registered()[exercise_id].wrong():
        ok, message = _judge(exercise_id, wrong)
        assert not ok, f"{exercise_id} accepted {wrong!r}"
        assert message


def test_05_1_outgoing_edges_only_gets_the_direction_hint():
    outgoing = sorted(ex05._outgoing_only())
    assert set(outgoing) != ex05.tied_to_israel_and_iran()
    ok, message = _judge("05.1", outgoing)
    assert not ok and "successors" in message and "to_undirected_simple" in message


def test_05_1_israel_or_iran_in_the_answer_is_named():
    ok, message = _judge("05.1", sorted(ex05.tied_to_israel_and_iran() | {"isr"}))
    assert not ok and "*other* actors" in message


def test_05_2_keeping_alleged_ties_is_named():
    ok, message = _judge("05.2", ex05.reference_figure(alleged=True))
    assert not ok and "alleged ties are still in" in message and "✓ date" in message


def test_05_2_missing_date_filter_is_named():
    ok, message = _judge("05.2", ex05.reference_figure(filter_dates=False))
    assert not ok and "at=AT" in message


def test_05_2_wrong_count_in_title_is_named_per_part():
    ok, message = _judge("05.2", ex05.reference_figure(count=1))
    assert not ok
    assert "✓ ties" in message and "✗ title" in message


def test_05_2_title_without_a_date_is_named():
    fig = ex05.reference_figure()
    fig.axes[0].set_title("my network")
    ok, message = _judge("05.2", fig)
    assert not ok and "YYYY-MM-DD" in message


def test_05_2_accepts_any_date_the_learner_picks():
    for at in ("2009-06-01", "2015-03-15", "2024-01-01"):
        assert check("05.2", ex05.reference_figure(at=at), quiet=True), at


def test_05_3_count_before_the_new_row_gets_known_from_hint():
    ok, message = _judge("05.3", ex05._tkm_ties_before())
    assert not ok and "known_from" in message


def test_05_4_every_actor_with_an_alleged_tie_gets_its_hint():
    ok, message = _judge("05.4", sorted(ex05._with_any_alleged_tie()))
    assert not ok and "*an* alleged tie" in message


@pytest.mark.parametrize("exercise_id", IDS)
@pytest.mark.parametrize("odd", [42, 3.5, None, "", {"a": 1}, pd.DataFrame(), [1, 2],
                                 pd.Timedelta(days=3), True, (1,)])
def test_wrong_types_get_a_message_not_a_traceback(exercise_id, odd, monkeypatch):
    monkeypatch.delenv("CASPIAN_STRICT_CHECKS", raising=False)
    result = check(exercise_id, odd, quiet=True)
    assert result.ok is not True
    assert "Traceback" not in result.message
