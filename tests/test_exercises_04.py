"""Each judge of lesson 04 accepts the solution's answer and rejects every plausible mistake it
lists with the hint that names that mistake (the hint text is asserted, not only the ✗)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from caspian import classify, data, maps  # noqa: E402
from caspian.checks import check, registered  # noqa: E402
from caspian.exercises import ex04  # noqa: E402

METRIC = "+proj=laea +lat_0=41 +lon_0=50 +datum=WGS84 +units=m"
IDS = ["04.1", "04.2", "04.3", "04.4"]
LITTORAL = ["AZE", "IRN", "KAZ", "RUS", "TKM"]


def _judge(exercise_id: str, answer) -> tuple[bool, str]:
    return registered()[exercise_id].judge(answer)


def _layers(crs: str = METRIC):
    return data.events_gdf().to_crs(crs), maps.load_countries().to_crs(crs)


def _near_iran(crs: str = METRIC, metres: float = 50_000, keep_inside: bool = False):
    events_m, countries_m = _layers(crs)
    iran = countries_m.loc[countries_m["iso_a3"] == "IRN", "geometry"].item()
    distance = events_m.distance(iran)
    keep = (distance <= metres) & ((distance > 0) | keep_inside)
    return list(events_m.loc[keep, "event_id"])


def _far(crs: str = METRIC, metres: float = 150_000, littoral: bool = True):
    events_m, _ = _layers(crs)
    places = data.load_places()
    capitals_m = maps.to_points(places[places["kind"] == "capital"]).to_crs(crs)
    if littoral:
        events_m = events_m[events_m["country"].isin(LITTORAL)]
    nearest = gpd.sjoin_nearest(events_m[["event_id", "geometry"]],
                                capitals_m[["name", "geometry"]], distance_col="metres")
    return list(nearest.loc[nearest["metres"] > metres, "event_id"])


def _membership():
    relations = data.load_relations()
    actors = data.load_actors().set_index("actor_id")
    membership = relations[(relations["relation"] == "alliance/treaty")
                           & relations["actor_b"].isin(list(ex04.BLOCS))].copy()
    membership["bloc"] = membership["actor_b"].map(ex04.BLOCS)
    membership["iso_a3"] = membership["actor_a"].map(actors["country"])
    return membership


def _blocs_map(as_of="2020-01-01", *, use_end=True, crs=METRIC, titles=True, suptitle=True):
    as_of = pd.Timestamp(as_of)
    membership = _membership()
    active = membership[membership["start"] <= as_of]
    if use_end:
        active = active[active["end"].isna() | (active["end"] > as_of)]
    countries_m = maps.load_countries().to_crs(crs)
    blocs = countries_m.merge(active[["iso_a3", "bloc"]], on="iso_a3").dissolve(by="bloc")
    fig, axes = plt.subplots(2, 2)
    for ax, name in zip(axes.flat, ex04.BLOCS.values(), strict=True):
        countries_m.plot(ax=ax, color="#dddddd")
        if name in blocs.index:
            blocs.loc[[name]].plot(ax=ax, color="blue")
            if titles:
                ax.set_title(name)
    if suptitle:
        fig.suptitle(f"Blocs of the region's states as of {as_of:%d %B %Y}")
    plt.close(fig)
    return fig, blocs, as_of


def _choropleth(*, scheme="NaturalBreaks", legend=True, crs=METRIC, title=True):
    events = data.events_gdf()
    foiled = events[events["event_type"] == "foiled plot"]
    counts = foiled.groupby("country").size().rename("foiled plots")
    plotted = maps.load_countries().to_crs(crs).merge(counts, left_on="iso_a3",
                                                      right_index=True, how="left")
    fig, ax = plt.subplots()
    column, kwargs = "foiled plots", {}
    if scheme:
        n = plotted["foiled plots"]
        bounds = {"EqualInterval": [n.min() + (n.max() - n.min()) * i / 3 for i in (1, 2, 3)],
                  "Quantiles": n.quantile([1 / 3, 2 / 3, 1]).tolist(),
                  "NaturalBreaks": classify.natural_breaks(n, k=3).tolist()}[scheme]
        plotted["class"] = pd.cut(n, [0, *bounds], labels=classify.count_labels(bounds))
        column, kwargs = "class", {"categorical": True}
    plotted.plot(ax=ax, column=column, legend=legend, cmap="Oranges",
                 missing_kwds={"color": "#eeeeee"}, **kwargs)
    if title:
        ax.set_title("Foiled plots in the course's data, by country")
    plt.close(fig)
    return fig, plotted


def _solution(exercise_id: str):
    return {"04.1": _near_iran, "04.2": _far, "04.3": _blocs_map,
            "04.4": _choropleth}[exercise_id]()


def test_all_lesson_04_exercises_are_registered():
    assert {i for i in registered() if i.startswith("04.")} == set(IDS)


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_is_accepted(exercise_id):
    result = check(exercise_id, _solution(exercise_id), quiet=True)
    assert result.ok, result.message


def test_04_1_hints_name_each_mistake():
    assert _judge("04.1", _near_iran(keep_inside=True))[1] == ex04.HINT_04_1_INSIDE
    assert _judge("04.1", _near_iran(metres=50))[1] == ex04.HINT_04_1_EMPTY
    everything = list(data.load_events()["event_id"])  # a buffer of 50,000 degrees
    assert _judge("04.1", everything)[1] == ex04.HINT_04_1_DEGREES
    assert len(_solution("04.1")) >= 1


def test_04_2_hints_name_each_mistake():
    assert _judge("04.2", _far(metres=150))[1] == ex04.HINT_04_2_METRES
    assert _judge("04.2", _far(crs="EPSG:4326"))[1] == ex04.HINT_04_2_DEGREES
    assert _judge("04.2", _far(littoral=False))[1] == ex04.HINT_04_2_COUNTRIES


def test_04_3_judges_the_learners_own_date_and_each_part():
    for as_of in ["2000-01-01", "2020-01-01", "2024-06-30"]:
        result = check("04.3", _blocs_map(as_of), quiet=True)
        assert result.ok, (as_of, result.message)
    fig, blocs, _ = _blocs_map("2024-06-30")
    ok, message = _judge("04.3", (fig, blocs, pd.Timestamp("2020-01-01")))  # SCO without Iran then
    assert not ok and "✗ members: SCO" in message and "✓ one row per bloc" in message
    ok, message = _judge("04.3", _blocs_map(crs="EPSG:4326"))
    assert not ok and "✗ CRS" in message
    ok, message = _judge("04.3", _blocs_map(titles=False, suptitle=False))
    assert not ok and "✗ names" in message and "✗ title" in message and "✓ members" in message
    assert _judge("04.3", (fig, blocs, "someday"))[1] == ex04.HINT_04_3_DATE


def test_04_4_checks_each_part_of_the_choropleth():
    ok, message = _judge("04.4", _choropleth(scheme=None, legend=False))
    assert not ok and ex04.HINT_04_4_CLASSES in message
    fig, plotted = _choropleth()
    ok, message = _judge("04.4", (fig, plotted.drop(columns="foiled plots")))
    assert not ok and ex04.HINT_04_4_COLUMN in message and "✓ classes" in message
    ok, message = _judge("04.4", _choropleth(crs="EPSG:4326", title=False))
    assert not ok and "✗ CRS" in message and "✗ title" in message
    for scheme in ["EqualInterval", "Quantiles", "NaturalBreaks"]:
        assert check("04.4", _choropleth(scheme=scheme), quiet=True).ok
