"""Exercises of lesson 01 (Reading the course's data).

Every expected answer is computed from the course data when a check runs, never typed in. The
figure exercises inspect what the learner drew (bars, tick labels, points, polygons, legend,
title, labels, source line) and give one ✓/✗ line per part; the hints name the usual mistakes:
a toll of 0 dropped by ``> 0``, a bar per place instead of per country, ISO codes instead of names,
latitude and longitude swapped, a GeoDataFrame without a CRS, a map without its base layer.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import pandas as pd

from caspian import data, paths
from caspian.checks import (
    FIGURE,
    NAMES,
    describe_axes,
    describe_type,
    exercise,
    expect_ids,
    expect_parts,
)

STATUSES = ("confirmed", "alleged", "disputed", "denied")

# --- The expected answers, from the data --------------------------------------------------------


def unconfirmed_tolls() -> set[str]:
    """Ids of the events with a known death toll (0 included) that are not confirmed (01.1)."""
    events = data.load_events()
    mask = events["killed"].notna() & (events["status"] != "confirmed")
    return set(events.loc[mask, "event_id"])


def country_names() -> pd.Series:
    """ISO alpha-3 code → country name, from ``data/geo/country_bounds.csv``."""
    bounds = pd.read_csv(paths.data_file("geo/country_bounds.csv"), dtype="string",
                         keep_default_na=False, na_values=[""])
    return bounds.set_index("iso_a3")["name"]


def located_events() -> pd.DataFrame:
    """The events with their place's country code and coordinates (a left merge)."""
    places = data.load_places()[["place_id", "country", "lat", "lon"]]
    return data.load_events().merge(places, on="place_id", how="left", validate="many_to_one")


def events_per_country() -> dict[str, int]:
    """Country name → number of events placed there (the answer behind 01.2's bars)."""
    located = located_events()
    names = located["country"].map(country_names())
    return {str(k): int(v) for k, v in names.value_counts().items()}


def places_per_country() -> dict[str, int]:
    """Country name → number of distinct places with events (a plausible wrong count)."""
    located = located_events().drop_duplicates("place_id")
    names = located["country"].map(country_names())
    return {str(k): int(v) for k, v in names.value_counts().items()}


def mapped_events() -> pd.DataFrame:
    """The events that can go on a map: those whose place has coordinates (01.3)."""
    located = located_events()
    return located[located["lat"].notna() & located["lon"].notna()]


# --- Reading a learner's figure -----------------------------------------------------------------


def _first_axes(answer: object):
    """The Axes a learner drew in: the Axes itself, or a Figure's first Axes (None otherwise)."""
    from matplotlib.axes import Axes
    from matplotlib.figure import FigureBase

    if isinstance(answer, Axes):
        return answer
    if isinstance(answer, FigureBase) and answer.axes:
        return answer.axes[0]
    return None


def _bars(ax) -> tuple[bool, list[tuple[str, float]]]:
    """Whether the bars are horizontal, and the (tick label, length) of each bar."""
    from matplotlib.patches import Rectangle

    ax.figure.canvas.draw()  # categorical tick labels are filled in when the figure is drawn
    rects = [p for p in ax.patches if isinstance(p, Rectangle)
             and (p.get_width() != 0 or p.get_height() != 0)]
    if not rects:
        return True, []
    horizontal = len({round(r.get_x(), 6) for r in rects}) == 1 and \
        len({round(r.get_y(), 6) for r in rects}) == len(rects)
    axis = ax.yaxis if horizontal else ax.xaxis
    ticks = dict(zip(axis.get_majorticklocs(), (t.get_text() for t in axis.get_ticklabels()),
                     strict=False))
    bars = []
    for r in rects:
        centre = r.get_y() + r.get_height() / 2 if horizontal else r.get_x() + r.get_width() / 2
        loc = min(ticks, key=lambda t: abs(t - centre)) if ticks else None
        label = ticks.get(loc, "") if loc is not None and abs(loc - centre) < 0.5 else ""
        bars.append((label, abs(r.get_width() if horizontal else r.get_height())))
    return horizontal, bars


def _n_polygons(ax) -> int:
    """Polygons drawn on ``ax``: geopandas draws a polygon layer as a PolyCollection (a
    PatchCollection when drawn by hand)."""
    from matplotlib.collections import PatchCollection, PolyCollection

    return sum(len(c.get_paths()) for c in ax.collections
               if isinstance(c, (PolyCollection, PatchCollection)))


def _text_part(texts: list[str]) -> tuple[bool, str]:
    if any(t.strip() for t in texts):
        return True, "there is a source line."
    return False, ("no source line: add one with `fig.text(0.01, 0.01, \"Data: ...\")` naming "
                   "where the data comes from.")


# --- 01.1 ---------------------------------------------------------------------------------------


def _wrong_01_1() -> list[object]:
    events = data.load_events()
    known, zero = events["killed"].notna(), events["killed"].fillna(-1) == 0
    not_confirmed = events["status"] != "confirmed"
    return [
        list(events.loc[known & not_confirmed & ~zero, "event_id"]),      # killed > 0
        list(events.loc[known, "event_id"]),                              # status ignored
        list(events.loc[not_confirmed, "event_id"]),                      # toll ignored
        list(events.loc[known & events["status"].isin(["alleged", "denied"]), "event_id"]),
        known & not_confirmed,                                            # the mask itself
        events.loc[known & not_confirmed],                                # whole rows
    ]


@exercise("01.1", "Death tolls that rest on a claim", wrong=_wrong_01_1,
          expects="the event ids (a Series or a list)", accepts=NAMES + (pd.DataFrame,))
def _ex01_1(answer):
    if isinstance(answer, pd.DataFrame) and answer.shape[1] > 1:
        return False, (f"expected the event ids, got {describe_type(answer)}: select only the "
                       "`event_id` column, e.g. `events.loc[mask, \"event_id\"]`.")
    if isinstance(answer, pd.Series) and pd.api.types.is_bool_dtype(answer.dtype):
        return False, ("this is a mask (True/False for every event), not the ids: use it to "
                       "select rows, `events.loc[mask, \"event_id\"]`.")
    expected = unconfirmed_tolls()
    events = data.load_events().set_index("event_id")
    names = answer.iloc[:, 0] if isinstance(answer, pd.DataFrame) else answer
    try:
        got = {str(x).strip().upper() for x in ([names] if isinstance(names, str) else names)}
    except TypeError:
        got = set()
    known = {i for i in got if i in events.index}
    extra, missing = known - expected, expected - got
    if extra and (events.loc[sorted(extra), "status"] == "confirmed").any():
        return False, ("some events in your answer are confirmed: the question asks for those "
                       "that are *not* (`events[\"status\"] != \"confirmed\"`).")
    if extra and events.loc[sorted(extra), "killed"].isna().any():
        return False, ("some events in your answer have no known toll (`<NA>` in `killed`): "
                       "add a mask for a known toll, `.notna()`.")
    if missing and (events.loc[sorted(missing), "killed"] == 0).all():
        return False, ("an event with 0 killed has a known toll, and your answer drops it: test "
                       "for a missing value (`.notna()`), not `> 0`.")
    if missing and events.loc[sorted(missing), "status"].nunique() == 1 and not extra:
        return False, ("a whole status is missing from your answer: every status other than "
                       "`confirmed` counts (the four are listed in data/README.md).")
    return expect_ids(answer if not isinstance(answer, pd.DataFrame) else names, expected,
                      what="event ids",
                      why="these events have a death toll in the data, but their central claim "
                          "rests on one side's word, is disputed or is denied.")


# --- 01.2 ---------------------------------------------------------------------------------------


def _bar_figure(counts: dict[str, float], *, title: str = "Events per country",
                xlabel: str = "Number of events", source: str = "Data: course tables"):
    """Draw a bar chart like a learner would (used by the tests and by ``wrong``)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.barh(list(counts), list(counts.values()))
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if source:
        fig.text(0.01, 0.01, source)
    plt.close(fig)  # off pyplot's list of open figures; the Figure itself stays inspectable
    return fig


def _wrong_01_2() -> list[object]:
    right = events_per_country()
    codes = country_names().reset_index().set_index("name")["iso_a3"]
    return [
        _bar_figure(places_per_country()),
        _bar_figure({str(codes[k]): v for k, v in right.items()}),
        _bar_figure(right, title=""),
        _bar_figure(right, xlabel=""),
        _bar_figure(right, source=""),
    ]


@exercise("01.2", "Where the events happened, by country name", wrong=_wrong_01_2,
          expects="the Figure you drew (`fig`)", accepts=FIGURE)
def _ex01_2(answer):
    ax = _first_axes(answer)
    if ax is None:
        return False, "the figure has no Axes: draw into one made by `fig, ax = plt.subplots()`."
    expected = events_per_country()
    horizontal, bars = _bars(ax)
    if not bars:
        return False, ("no bars found on the figure: draw them with `ax.barh(names, counts)` on "
                       "the `ax` of this figure.")
    labels = [lab for lab, _ in bars]
    lengths = sorted(round(v, 6) for _, v in bars)
    codes = set(country_names().index)
    place_counts = places_per_country()

    n_ok = len(bars) == len(expected)
    if n_ok:
        n_part = (True, "one bar per country with events.")
    elif len(bars) == sum(place_counts.values()):
        n_part = (False, "one bar per *place*: group by the country's name, not by place.")
    else:
        n_part = (False, f"{len(bars)} bars, but the events are placed in a different number of "
                         "countries: one bar per country name, counting every event.")

    label_set = {lab.strip() for lab in labels if lab.strip()}
    if label_set == set(expected):
        label_part = (True, "each bar is labelled with its country's name.")
    elif label_set and label_set <= codes:
        label_part = (False, "the bars are labelled with ISO codes: merge the names from "
                             "`country_bounds.csv` and label by name.")
    else:
        strange = sorted(label_set - set(expected))
        shown = f" ({', '.join(strange[:5])})" if strange else ""
        label_part = (False, f"some labels are not names of countries with events{shown}; label "
                             "each bar with the `name` from `country_bounds.csv`.")

    if lengths == sorted(float(v) for v in expected.values()):
        length_part = (True, "each bar is as long as the number of events placed there.")
    elif lengths == sorted(float(v) for v in place_counts.values()):
        length_part = (False, "the bars count places, not events: count the rows of the merged "
                              "table (one per event) per country, `groupby(...).size()`.")
    else:
        length_part = (False, "the bar lengths do not match the number of events per country: "
                              "count the rows of `located` merged with the names, per name.")

    title = ax.get_title() or ax.get_title("left")
    value_label = ax.get_xlabel() if horizontal else ax.get_ylabel()
    texts = describe_axes(ax)["texts"]
    return expect_parts({
        "bars": n_part,
        "labels": label_part,
        "lengths": length_part,
        "title": (True, "the chart has a title.") if title.strip() else
                 (False, "no title: add one with `ax.set_title(...)` that states what it shows."),
        "axis label": (True, "the axis of the counts is labelled.") if value_label.strip() else
                      (False, "the axis of the counts has no label: say what is counted, with "
                              "its unit (`ax.set_xlabel(...)` for horizontal bars)."),
        "source line": _text_part(texts),
    })


# --- 01.3 ---------------------------------------------------------------------------------------


def _event_map(points: gpd.GeoDataFrame | None = None, *, base: bool = True, legend: bool = True,
               title: str = "Events", labels: bool = True, source: bool = True):
    """Draw an events map like a learner would (used by the tests and by ``wrong``)."""
    import matplotlib.pyplot as plt

    if points is None:
        points = _right_points()
    fig, ax = plt.subplots()
    if base:
        _countries().plot(ax=ax)
    if legend and "status" in points:
        points.plot(ax=ax, column="status", categorical=True, legend=True)
    else:
        points.plot(ax=ax)
    if title:
        ax.set_title(title)
    ax.set_xlabel("Longitude (°E)" if labels else "")  # geopandas labels the axes by the CRS;
    ax.set_ylabel("Latitude (°N)" if labels else "")   # "" is a map drawn without them
    if source:
        fig.text(0.01, 0.01, "Data: course tables; Natural Earth")
    plt.close(fig)  # off pyplot's list of open figures; the Figure itself stays inspectable
    return fig


@cache
def _countries() -> gpd.GeoDataFrame:
    return gpd.read_file(paths.data_file("geo/countries.geojson"))


def _right_points(swap: bool = False, crs: str | None = "EPSG:4326") -> gpd.GeoDataFrame:
    located = mapped_events()
    x, y = (located["lat"], located["lon"]) if swap else (located["lon"], located["lat"])
    return gpd.GeoDataFrame(located, geometry=gpd.points_from_xy(x, y), crs=crs)


def _wrong_01_3() -> list[object]:
    places = data.load_places()
    place_points = gpd.GeoDataFrame(
        places, geometry=gpd.points_from_xy(places["lon"], places["lat"]), crs="EPSG:4326")
    right = _right_points()
    return [
        (_right_points(swap=True), _event_map(_right_points(swap=True))),
        (_right_points(crs=None), _event_map(_right_points(crs=None))),
        (place_points, _event_map(place_points)),
        (right, _event_map(right, base=False)),
        (right, _event_map(right, legend=False)),
        (right, _event_map(right, title="", labels=False, source=False)),
        (pd.DataFrame(right.drop(columns="geometry")), _event_map(right)),
        (right, ...),
    ]


def _points_parts(points: object) -> dict[str, tuple[bool, str]]:
    expected = mapped_events()
    n = len(expected)
    if not isinstance(points, gpd.GeoDataFrame):
        hint = (" It has no geometry yet: make one with `gpd.GeoDataFrame(table, geometry="
                "gpd.points_from_xy(lon, lat), crs=...)`." if isinstance(points, pd.DataFrame)
                else "")
        return {"event_points": (False, f"expected a GeoDataFrame, got {describe_type(points)}."
                                        f"{hint}")}
    parts = {}
    places = data.load_places()
    if len(points) == n:
        parts["one point per event"] = (True, "one row per event with a place.")
    elif len(points) in (len(places), places["place_id"].isin(expected["place_id"]).sum()):
        parts["one point per event"] = (False, "one row per *place*: merge the events with their "
                                               "places to get one point per event.")
    elif len(points) > n:
        parts["one point per event"] = (False, "more rows than events: is the merge "
                                               "many-to-one (`validate=\"many_to_one\"`)?")
    else:
        parts["one point per event"] = (False, "fewer rows than events with a place: keep every "
                                               "event (`how=\"left\"`), do not filter.")
    if points.crs is None:
        parts["CRS"] = (False, "the GeoDataFrame has no CRS: pass `crs=\"EPSG:4326\"` "
                               "(longitude/latitude in degrees) when you make it.")
    elif points.crs.to_epsg() == 4326:
        parts["CRS"] = (True, "EPSG:4326, longitude and latitude in degrees, as the files are.")
    else:
        parts["CRS"] = (False, f"the CRS is {points.crs.to_string()}, but places.csv holds "
                               "longitude/latitude degrees: EPSG:4326.")
    geom = points.geometry
    if geom.is_empty.any() or not (geom.geom_type == "Point").all():
        parts["coordinates"] = (False, "some geometries are not points: use "
                                       "`gpd.points_from_xy(lon, lat)`.")
    else:
        xs, ys = sorted(geom.x.round(4)), sorted(geom.y.round(4))
        lons, lats = sorted(expected["lon"].round(4)), sorted(expected["lat"].round(4))
        if len(xs) == n and xs == lons and ys == lats:
            parts["coordinates"] = (True, "x is the longitude, y the latitude.")
        elif len(xs) == n and xs == lats and ys == lons:
            parts["coordinates"] = (False, "latitude and longitude are swapped: "
                                           "`gpd.points_from_xy` takes x (longitude) first.")
        elif len(xs) != n:
            parts["coordinates"] = (False, "the points cannot match the events until there is "
                                           "one per event.")
        else:
            parts["coordinates"] = (False, "the points are not where the events' places are: "
                                           "build them from the places' `lon` and `lat`.")
    return parts


@exercise("01.3", "From the raw files to a map, on your own", wrong=_wrong_01_3,
          expects="the pair `(event_points, fig)`", accepts=(tuple, list))
def _ex01_3(answer):
    if len(answer) != 2:
        return False, (f"expected the pair `(event_points, fig)`, got {describe_type(answer)}.")
    points, fig = answer
    parts = _points_parts(points)
    ax = _first_axes(fig)
    if fig is ...:
        parts["map"] = (False, "no map yet: draw it with `fig, ax = plt.subplots()`.")
        return expect_parts(parts)
    if ax is None:
        parts["map"] = (False, f"expected the Figure of your map, got {describe_type(fig)}.")
        return expect_parts(parts)
    seen = describe_axes(ax)
    n = len(mapped_events())
    if seen["n_points"] == n:
        parts["points on the map"] = (True, "one marker per event.")
    elif seen["n_points"] == 0:
        parts["points on the map"] = (False, "no points on this map: draw `event_points` on the "
                                             "same `ax` (`event_points.plot(ax=ax, ...)`).")
    elif seen["n_points"] == len(data.load_places()):
        parts["points on the map"] = (False, "one marker per place: draw the events' points.")
    else:
        parts["points on the map"] = (False, "the number of markers differs from the number of "
                                             "events with a place: draw every row of "
                                             "`event_points` once.")
    parts["base layer"] = ((True, "the events sit on a map layer.") if _n_polygons(ax) else
                           (False, "no map layer under the points: read one from `data/geo/` "
                                   "and draw it on the same `ax` (`countries.plot(ax=ax)`)."))
    legend = {lab.strip().casefold() for lab in seen["legend_labels"]}
    statuses = set(mapped_events()["status"].astype("string").str.casefold())
    if statuses <= legend:
        parts["status legend"] = (True, "the legend names every status.")
    elif not legend:
        parts["status legend"] = (False, "no legend: `legend=True` with `column=\"status\"`, or "
                                         "`label=` on each plot call and then `ax.legend()`.")
    else:
        parts["status legend"] = (False, "the legend does not name every status: colour the "
                                         "points by the `status` column.")
    parts["title"] = ((True, "the map has a title.") if seen["title"].strip() else
                      (False, "no title: `ax.set_title(...)`, stating what the map shows."))
    both = seen["xlabel"].strip() and seen["ylabel"].strip()
    parts["axis labels"] = ((True, "both axes are labelled.") if both else
                            (False, "label both axes with their units, e.g. longitude and "
                                    "latitude in degrees (`ax.set_xlabel`, `ax.set_ylabel`)."))
    parts["source line"] = _text_part(seen["texts"])
    return expect_parts(parts)
