"""Lesson 03's self-checks: the reference answers pass, and every plausible mistake an exercise
lists gets the hint that names it (the hint text is asserted, not only the ✗)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from caspian import data, plots, style  # noqa: E402
from caspian.checks import check, registered  # noqa: E402
from caspian.exercises import ex03  # noqa: E402

IDS = ["03.1", "03.2", "03.3", "03.4"]


def judge(exercise_id: str, answer) -> tuple[bool, str]:
    """Call a judge directly (`check` raises on a wrong answer in the tests' strict mode)."""
    return registered()[exercise_id].judge(answer)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def events():
    return data.load_events()


def placed():
    return events().merge(data.load_places()[["place_id", "country"]], on="place_id",
                          how="left", validate="many_to_one")


def clocks():
    ev = events()
    return ev.assign(
        occurred=ev["date"].where(ev["date_kind"] == "occurred", ev["occurred_date"]),
        announced=ev["date"].where(ev["date_kind"] == "announced", ev["announced_date"]))


def test_all_lesson_03_exercises_are_registered():
    assert {i for i in registered() if i.startswith("03.")} == set(IDS)


# --- 03.1 -------------------------------------------------------------------------------------


def foiled_counts(table, types=("foiled plot",), country="AZE"):
    chosen = table[table["event_type"].isin(types)]
    if country:
        chosen = chosen[chosen["country"] == country]
    return chosen.groupby(chosen["date"].dt.year).size()


def test_03_1_reference_answer_and_usual_forms_pass():
    counts = foiled_counts(placed())
    years = list(counts.index[counts == counts.max()])
    for answer in (years, [str(y) for y in years], pd.Index(years), np.array(years, float),
                   years[::-1]):
        assert check("03.1", answer, quiet=True), answer


def test_03_1_busiest_years_keeps_ties():
    assert ex03.busiest_years(pd.Series([3, 1, 3], index=[2012, 2013, 2023])) == {"2012", "2023"}


def test_03_1_without_the_country_filter_gets_the_filter_hint():
    every = foiled_counts(placed(), country=None)
    wrong = list(every.index[every == every.max()])
    ok, message = judge("03.1", wrong)
    assert not ok and "country filter" in message and "Azerbaijan" in message


def test_03_1_idxmax_gets_the_tie_hint_when_there_is_a_tie():
    counts = foiled_counts(placed())
    if (counts == counts.max()).sum() < 2:
        pytest.skip("no tie in the data at the moment")
    ok, message = judge("03.1", [int(counts.idxmax())])
    assert not ok and "idxmax" in message


def test_03_1_arrests_counted_gets_the_type_hint():
    counts = foiled_counts(placed(), types=("foiled plot", "arrests"))
    ok, message = judge("03.1", list(counts.index[counts == counts.max()]))
    assert not ok and "arrests are a different type" in message


def test_03_1_every_year_gets_its_hint():
    ok, message = judge("03.1", list(foiled_counts(placed()).index))
    assert not ok and "keep only the year(s) whose count is the highest" in message


def test_03_1_wrong_type_says_what_was_expected():
    ok, message = judge("03.1", {"a": 1})
    assert not ok and message.startswith("expected a list of years, got")


# --- 03.2 -------------------------------------------------------------------------------------


def draw(table, lanes=True, legend=True, labels=True, title="Foiled plots and arrests by status"):
    present = [s for s in plots.STATUS_ORDER if s in set(table["status"])]
    fig, ax = plt.subplots()
    for i, status in enumerate(present):
        part = table[table["status"] == status]
        ax.scatter(part["date"], [i] * len(part), marker=style.STATUS_MARKERS[status],
                   label=status)
    if lanes:
        ax.set_yticks(range(len(present)), labels=present)
    if legend:
        ax.legend()
    if labels:
        ax.set_xlabel("Date (year)")
        ax.set_ylabel("Status")
    ax.set_title(title)
    return fig


def chosen():
    ev = events()
    return ev[ev["event_type"].isin(["foiled plot", "arrests"])]


def test_03_2_reference_figure_passes_and_names_every_part():
    ok, message = judge("03.2", draw(chosen()))
    assert ok, message
    for part in ("events", "lanes", "legend", "axis labels", "title"):
        assert f"✓ {part}" in message


def test_03_2_every_event_drawn_gets_the_subset_hint():
    ok, message = judge("03.2", draw(events()))
    assert not ok and "you drew every event" in message


def test_03_2_arrests_missing_gets_its_hint():
    ev = events()
    ok, message = judge("03.2", draw(ev[ev["event_type"] == "foiled plot"]))
    assert not ok and "the arrests are missing" in message


def test_03_2_missing_lanes_legend_labels_and_title_each_get_a_hint():
    ok, message = judge("03.2", draw(chosen(), lanes=False, legend=False, labels=False, title=""))
    assert not ok
    assert "✓ events" in message
    assert "✗ lanes" in message and "set_yticks" in message
    assert "✗ legend" in message and "ax.legend()" in message
    assert "✗ axis labels" in message and "unit of time" in message
    assert "✗ title" in message


def test_03_2_wrong_dates_are_caught():
    table = chosen().copy()
    table["date"] = table["date"] + pd.Timedelta(days=400)
    ok, message = judge("03.2", draw(table))
    assert not ok and "✗ events" in message


def test_03_2_untouched_figure_is_not_attempted():
    fig, _ = plt.subplots()
    assert check("03.2", fig, quiet=True).ok is None


def test_03_2_wrong_type_says_what_was_expected():
    ok, message = judge("03.2", chosen())
    assert not ok and "expected a matplotlib Figure" in message


# --- 03.3 -------------------------------------------------------------------------------------


def test_03_3_reference_answer_passes():
    actors = data.load_actors()
    iranian = actors[(actors["country"] == "IRN")
                     & actors["kind"].isin(["state", "government agency"])]
    ids = events()["denied_by"].str.split(";").explode()
    assert check("03.3", ids[ids.isin(iranian["actor_id"])].value_counts(), quiet=True)


def test_03_3_substring_search_is_rejected_with_the_whole_id_hint():
    ev = events()
    answer = pd.Series({body: int(ev["denied_by"].str.contains(body, na=False).sum())
                        for body in ex03.iranian_bodies()})
    ok, message = judge("03.3", answer)
    assert not ok and "str.contains('irn')" in message and "whole ids" in message


def test_03_3_bodies_listed_by_hand_get_the_actors_table_hint():
    ok, message = judge("03.3", ex03.denials_per_body(ids=["irn", "irn-mfa"]))
    assert not ok and "listing ids by hand" in message


def test_03_3_deniers_of_every_country_get_the_country_hint():
    ids = events()["denied_by"].str.split(";").explode()
    ok, message = judge("03.3", ids.value_counts())
    assert not ok and "not Iranian state bodies" in message and "aze" in message


def test_03_3_status_filter_gets_its_hint():
    ok, message = judge("03.3", ex03.denials_per_body(status="denied"))
    assert not ok and "filter on `denied_by`, not on `status`" in message


def test_03_3_wrong_type_says_what_was_expected():
    ok, message = judge("03.3", 12)
    assert not ok and message.startswith("expected a Series of counts")


# --- 03.4 -------------------------------------------------------------------------------------


def gaps(rule="both"):
    both = clocks().dropna(subset=["occurred", "announced"])
    kind = both["date_kind"] == "occurred"
    precision = both["date_precision"].astype("string")
    occ = precision.where(kind, both["occurred_precision"])
    ann = precision.where(~kind, both["announced_precision"])
    keep = {"both": (occ == "day") & (ann == "day"), "date": both["date_precision"] == "day",
            "none": pd.Series(True, index=both.index)}[rule]
    exact = both[keep]
    return (exact["announced"] - exact["occurred"]).dt.days.set_axis(exact["event_id"])


def test_03_4_reference_answer_passes_and_drops_month_precision_ends():
    right = gaps()
    assert check("03.4", right, quiet=True)
    assert "E007" not in right.index and "E002" not in right.index
    assert set(right.index) == set(ex03.announcement_gaps().index)


def test_03_4_date_precision_only_keeps_E007_and_gets_the_complete_rule():
    wrong = gaps("date")
    assert "E007" in wrong.index  # announced only to the month
    ok, message = judge("03.4", wrong)
    assert not ok and "both known to the day" in message and "announced_precision" in message


def test_03_4_no_precision_filter_gets_the_rule_too():
    ok, message = judge("03.4", gaps("none"))
    assert not ok and "less precise end" in message


def test_03_4_reversed_subtraction_gets_the_sign_hint():
    ok, message = judge("03.4", -gaps())
    assert not ok and "wrong sign" in message


def test_03_4_timedelta_values_get_the_days_hint():
    as_td = gaps().map(lambda d: pd.Timedelta(days=int(d)))
    ok, message = judge("03.4", as_td)
    assert not ok and message.startswith("expected numbers of days, got Timedelta")
    ok, message = judge("03.4", pd.Timedelta(days=3))
    assert not ok and message.startswith("expected numbers of days, got Timedelta")


def test_03_4_a_single_number_asks_for_the_series():
    ok, message = judge("03.4", int(gaps().max()))
    assert not ok and message.startswith("expected a Series of gaps in days")


@pytest.mark.parametrize("exercise_id", IDS)
def test_each_listed_wrong_answer_is_rejected(exercise_id):
    ex = registered()[exercise_id]
    for wrong in ex.wrong():
        ok, message = ex.judge(wrong)
        assert not ok and message
