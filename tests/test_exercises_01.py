"""Lesson 01's self-checks: each judge accepts the solution (and the other usual ways of writing
it), rejects every plausible mistake with a hint that names that mistake, and the last exercise's
solution really needs nothing from ``caspian`` but ``check``: it runs in a fresh interpreter in
which every other ``caspian`` module is blocked."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from caspian import checks, data
from caspian.checks import check, registered
from caspian.exercises import ex01

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "notebooks" / "01_reading_the_data.ipynb"
IDS = ["01.1", "01.2", "01.3"]
FENCE = re.compile(r"```python[ \t]*\n(.*?)\n[ \t]*```", re.S)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _judge(exercise_id: str, answer) -> tuple[bool, str]:
    """Call a judge through `check`, leniently (the suite runs strict: a ✗ would raise)."""
    result = check(exercise_id, answer, quiet=True)
    return result.ok, result.message


@pytest.fixture(autouse=True)
def _lenient(monkeypatch):
    monkeypatch.delenv(checks.STRICT_ENV, raising=False)


def solution_code(exercise_id: str) -> str:
    nb = json.loads(LESSON.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        meta = cell.get("metadata", {})
        if "solution" in meta.get("tags", []) and meta.get("caspian", {}).get("exercise") \
                == exercise_id:
            return FENCE.findall("".join(cell["source"]))[0]
    raise KeyError(exercise_id)


# --- the right answers ----------------------------------------------------------------------------


def test_all_lesson_01_exercises_are_registered():
    assert {i for i in registered() if i.startswith("01.")} == set(IDS)


def test_every_reference_solution_has_the_length_the_note_reports():
    lines = {i: len([ln for ln in solution_code(i).splitlines() if ln.strip()]) for i in IDS}
    assert lines["01.2"] >= 6 and lines["01.3"] >= 6, lines


def test_01_1_accepts_a_series_a_list_and_a_one_column_frame():
    events = data.load_events()
    mask = events["killed"].notna() & (events["status"] != "confirmed")
    for answer in (events.loc[mask, "event_id"], list(events.loc[mask, "event_id"]),
                   events.loc[mask, ["event_id"]],
                   [i.lower() for i in events.loc[mask, "event_id"]]):
        ok, message = _judge("01.1", answer)
        assert ok, message


def _bars(counts: dict, vertical: bool = False, pandas: bool = False):
    fig, ax = plt.subplots()
    series = pd.Series(counts).sort_values()
    if pandas:
        series.plot.barh(ax=ax)
    elif vertical:
        ax.bar(series.index, series.values)
    else:
        ax.barh(series.index, series.values)
    ax.set_title("Most events are placed in two countries")
    (ax.set_ylabel if vertical else ax.set_xlabel)("Number of events")
    fig.text(0.01, 0.01, "Data: course tables")
    return fig


@pytest.mark.parametrize("style", ["barh", "bar", "pandas"])
def test_01_2_accepts_horizontal_vertical_and_pandas_bars(style):
    fig = _bars(ex01.events_per_country(), vertical=style == "bar", pandas=style == "pandas")
    ok, message = _judge("01.2", fig)
    assert ok, message


def test_01_3_accepts_a_categorical_legend_and_an_axes():
    fig = ex01._event_map()
    ok, message = _judge("01.3", (ex01._right_points(), fig))
    assert ok, message
    ok, message = _judge("01.3", (ex01._right_points(), fig.axes[0]))
    assert ok, message


def test_untouched_starters_are_not_attempted():
    for exercise_id, answer in (("01.1", ...), ("01.2", ...), ("01.3", (..., ...))):
        assert check(exercise_id, answer, quiet=True).ok is None


def test_01_3_solution_needs_nothing_from_caspian_but_check(tmp_path):
    """The acceptance of issue 12: fresh interpreter, raw files, no course helper but `check`."""
    script = textwrap.dedent('''
        import importlib.abc, sys

        class NoCaspian(importlib.abc.MetaPathFinder):
            """Refuse every caspian module except the package itself and caspian.checks."""
            def find_spec(self, name, path=None, target=None):
                if name.startswith("caspian.") and name != "caspian.checks":
                    raise ImportError(f"{name} is not allowed in this exercise")
                return None

        blocker = NoCaspian()
        sys.meta_path.insert(0, blocker)
        namespace = {}
        exec(compile(SOLUTION, "solution_01_3", "exec"), namespace)
        used = sorted(m for m in sys.modules if m.split(".")[0] == "caspian")
        sys.meta_path.remove(blocker)
        from caspian.checks import check
        result = check("01.3", (namespace["event_points"], namespace["fig"]), quiet=True)
        print("USED", used)
        print("OK", result.ok)
        print(result.message)
    ''').replace("SOLUTION", repr(solution_code("01.3")))
    (tmp_path / "run.py").write_text(script, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "notebooks"), "MPLBACKEND": "Agg"}
    run = subprocess.run([sys.executable, str(tmp_path / "run.py")], cwd=ROOT / "notebooks",
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "USED ['caspian', 'caspian.checks']" in run.stdout, run.stdout
    assert "OK True" in run.stdout, run.stdout


# --- the plausible mistakes, each with its own hint -----------------------------------------------


def _events():
    return data.load_events()


def _mistake_01_1(name: str):
    events = _events()
    known, positive = events["killed"].notna(), events["killed"].fillna(0) > 0
    not_confirmed = events["status"] != "confirmed"
    two_statuses = events["status"].isin(["alleged", "denied"])
    return {
        "killed > 0": lambda: events.loc[positive & not_confirmed, "event_id"],
        "status ignored": lambda: events.loc[known, "event_id"],
        "toll ignored": lambda: events.loc[not_confirmed, "event_id"],
        "a status forgotten": lambda: events.loc[known & two_statuses, "event_id"],
        "the mask": lambda: known & not_confirmed,
        "whole rows": lambda: events.loc[known & not_confirmed],
        "a dict": lambda: {"E001": 1},
    }[name]()


MISTAKES_01_1 = {
    "killed > 0": "0 killed",
    "status ignored": "are confirmed",
    "toll ignored": "no known toll",
    "a status forgotten": "whole status",
    "the mask": "mask",
    "whole rows": "`event_id` column",
    "a dict": "expected the event ids",
}


@pytest.mark.parametrize("name", MISTAKES_01_1)
def test_01_1_mistakes_get_their_hint(name):
    if name == "killed > 0" and not (_events()["killed"] == 0).any():
        pytest.skip("no event has a toll of 0 in the data any more")
    ok, message = _judge("01.1", _mistake_01_1(name))
    assert ok is False, name
    assert MISTAKES_01_1[name] in message, (name, message)


def _mistake_01_2(name: str):
    right = ex01.events_per_country()
    if name == "places counted":
        return ex01._bar_figure(ex01.places_per_country())
    if name == "a bar per place":
        located = ex01.located_events().merge(
            data.load_places()[["place_id", "name"]], on="place_id")
        return ex01._bar_figure(located.groupby("name").size().to_dict())
    if name == "ISO codes":
        codes = ex01.country_names().reset_index().set_index("name")["iso_a3"]
        return ex01._bar_figure({str(codes[k]): v for k, v in right.items()})
    if name == "a line plot":
        return _line_plot(right)
    if name == "a table":
        return pd.Series(right)
    return ex01._bar_figure(right, **{"no title": {"title": ""},
                                      "no axis label": {"xlabel": ""},
                                      "no source": {"source": ""}}[name])


MISTAKES_01_2 = {
    "places counted": "count places",
    "a bar per place": "one bar per *place*",
    "ISO codes": "ISO codes",
    "no title": "no title",
    "no axis label": "has no label",
    "no source": "no source line",
    "a line plot": "no bars",
    "a table": "expected the Figure",
}


def _line_plot(counts):
    fig, ax = plt.subplots()
    ax.plot(list(counts.values()))
    return fig


@pytest.mark.parametrize("name", MISTAKES_01_2)
def test_01_2_mistakes_get_their_hint(name):
    ok, message = _judge("01.2", _mistake_01_2(name))
    assert ok is False, name
    assert MISTAKES_01_2[name] in message, (name, message)


def test_01_2_feedback_is_per_part_and_never_names_a_missing_country():
    right = ex01.events_per_country()
    fewer = dict(list(right.items())[1:])
    ok, message = _judge("01.2", ex01._bar_figure(fewer))
    assert ok is False
    assert "✓ title" in message and "✗ bars" in message
    missing = next(iter(right))
    assert missing not in message


def _mistake_01_3(name: str):
    right = ex01._right_points()
    if name in ("places, not events", "places drawn"):
        places = data.load_places()
        place_points = gpd.GeoDataFrame(
            places, geometry=gpd.points_from_xy(places["lon"], places["lat"]), crs="EPSG:4326")
        first = place_points if name == "places, not events" else right
        return first, ex01._event_map(place_points)
    if name in ("lat/lon swapped", "no CRS"):
        points = ex01._right_points(swap=True) if name == "lat/lon swapped" \
            else ex01._right_points(crs=None)
        return points, ex01._event_map(points)
    if name == "a DataFrame":
        return pd.DataFrame(right.drop(columns="geometry")), ex01._event_map(right)
    if name == "points drawn elsewhere":
        return right, _two_figures(right)
    if name == "no figure yet":
        return right, ...
    if name == "one object only":
        return right
    if name == "projected":
        return right.to_crs("EPSG:3857"), ex01._event_map(right)
    options = {"no base layer": {"base": False}, "no legend": {"legend": False},
               "no title": {"title": ""}, "no axis labels": {"labels": False},
               "no source": {"source": False}}[name]
    return right, ex01._event_map(right, **options)


MISTAKES_01_3 = {
    "lat/lon swapped": "swapped",
    "no CRS": "no CRS",
    "places, not events": "one row per *place*",
    "places drawn": "one marker per place",
    "no base layer": "no map layer",
    "no legend": "no legend",
    "no title": "no title",
    "no axis labels": "label both axes",
    "no source": "no source line",
    "a DataFrame": "points_from_xy",
    "points drawn elsewhere": "no points on this map",
    "no figure yet": "no map yet",
    "one object only": "expected the pair",
    "projected": "EPSG:4326",
}


def _two_figures(points):
    """A common slip: the points go to a new figure because `ax=ax` was left out."""
    fig, ax = plt.subplots()
    gpd.read_file(ROOT / "data" / "geo" / "countries.geojson").plot(ax=ax)
    points.plot()
    ax.set_title("Events")
    return fig


@pytest.mark.parametrize("name", MISTAKES_01_3)
def test_01_3_mistakes_get_their_hint(name):
    ok, message = _judge("01.3", _mistake_01_3(name))
    assert ok is False, name
    assert MISTAKES_01_3[name] in message, (name, message)


@pytest.mark.parametrize("exercise_id", IDS)
def test_registered_wrong_answers_are_rejected(exercise_id):
    for answer in registered()[exercise_id].wrong():
        ok, message = _judge(exercise_id, answer)
        assert ok is not True, message
