"""Exercises of lesson 04 (Spatial analysis: buffers, joins, blocs and choropleths).

Expected answers are computed from the course data when a check runs. The hints name the usual
mistakes: a buffer or distance in degrees, events inside Iran kept, metres read as km, events
outside the littoral states kept; for the two maps, layers not in a projected CRS, blocs that do not
match the date chosen, a choropleth without classes or without a legend.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from caspian import data, maps
from caspian.checks import NAMES, describe_axes, describe_type, exercise, expect_ids, expect_parts

METRIC = maps.CRS_EQUAL_AREA
LITTORAL = ["AZE", "IRN", "KAZ", "RUS", "TKM"]
BLOCS = {"csto": "CSTO", "nato": "NATO", "sco": "SCO", "ots": "Organization of Turkic States"}


def _events_m() -> gpd.GeoDataFrame:
    return data.events_gdf().to_crs(METRIC)


def _countries_m() -> gpd.GeoDataFrame:
    return maps.load_countries().to_crs(METRIC)


def _as_ids(answer: object) -> set[str] | None:
    if isinstance(answer, str):
        return {answer}
    try:
        return {str(a) for a in list(answer)}
    except TypeError:
        return None


# --- 04.1 -------------------------------------------------------------------------------------


def near_iran(km: float = 50, inside: bool = False) -> set[str]:
    """Ids of events within ``km`` of Iran (outside it unless ``inside``)."""
    events = _events_m()
    countries = _countries_m()
    iran = countries.loc[countries["iso_a3"] == "IRN", "geometry"].item()
    d = events.distance(iran)
    keep = (d <= km * 1000) & ((d > 0) | inside)
    return set(events.loc[keep, "event_id"])


HINT_04_1_INSIDE = ("events inside Iran are in your list: they are 0 m from Iran. Keep only those "
                    "with a distance above 0 (or not `within` Iran).")
HINT_04_1_DEGREES = ("every event is in your list: was the buffer made in degrees? In EPSG:4326, "
                     "`buffer(50_000)` is 50,000 degrees. Use `countries_m` (in metres).")
HINT_04_1_EMPTY = ("no event found: 50 km is `50_000` in a CRS in metres (not `50`), and the "
                   "events must be in the same CRS as Iran (`events_m`).")


def _wrong_04_1() -> list[object]:
    return [sorted(near_iran(inside=True)), sorted(set(data.load_events()["event_id"])), []]


@exercise("04.1", "Close to Iran, but not in it", wrong=_wrong_04_1,
          expects="a list of event ids", accepts=NAMES)
def _ex04_1(answer):
    got = _as_ids(answer) or set()
    right = near_iran()
    inside = near_iran(inside=True) - right
    if got == set(data.load_events()["event_id"]):
        return False, HINT_04_1_DEGREES
    if got & inside:
        return False, HINT_04_1_INSIDE
    if not got:
        return False, HINT_04_1_EMPTY
    return expect_ids(answer, right, what="event ids",
                      why="these events lie within 50 km of Iran's border, on the other side "
                          "of it.")


# --- 04.2 -------------------------------------------------------------------------------------


def far_from_capitals(km: float = 150, littoral_only: bool = True) -> set[str]:
    """Ids of events (in the littoral states) more than ``km`` from the nearest capital."""
    events = _events_m()
    if littoral_only:
        events = events[events["country"].isin(LITTORAL)]
    places = data.load_places()
    capitals = maps.to_points(places[places["kind"] == "capital"]).to_crs(METRIC)
    nearest = gpd.sjoin_nearest(events[["event_id", "geometry"]], capitals[["name", "geometry"]],
                                distance_col="metres")
    return set(nearest.loc[nearest["metres"] > km * 1000, "event_id"])


HINT_04_2_METRES = ("nearly every event is in your list: `distance_col` is in metres in `METRIC`, "
                    "so 150 km is `150_000`, not `150`.")
HINT_04_2_DEGREES = ("no event found: were the distances in degrees (layers in EPSG:4326)? Project "
                     "the capitals and the events to `METRIC` first.")
HINT_04_2_COUNTRIES = ("some of your events are outside the five littoral states: keep only "
                       "`events_m[\"country\"].isin([...])` with the five codes.")


def _wrong_04_2() -> list[object]:
    return [sorted(far_from_capitals(km=0.15)), [], sorted(far_from_capitals(littoral_only=False))]


@exercise("04.2", "Far from any capital", wrong=_wrong_04_2, expects="a list of event ids",
          accepts=NAMES)
def _ex04_2(answer):
    got = _as_ids(answer) or set()
    right = far_from_capitals()
    if not got:
        return False, HINT_04_2_DEGREES
    if got == far_from_capitals(km=0.15) and got != right:
        return False, HINT_04_2_METRES
    events = data.events_gdf()
    outside = set(events.loc[~events["country"].isin(LITTORAL), "event_id"])
    if got & outside:
        return False, HINT_04_2_COUNTRIES
    return expect_ids(answer, right, what="event ids",
                      why="each lies more than 150 km from the nearest capital of the places "
                          "table, measured with sjoin_nearest in metres.")


# --- shared by the two maps -------------------------------------------------------------------


def _axes_list(fig: object) -> list[Axes] | None:
    if isinstance(fig, Axes):
        return [fig]
    if isinstance(fig, Figure):
        return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    return None


def _crs_part(layer: gpd.GeoDataFrame, what: str) -> tuple[bool, str]:
    if layer.crs is not None and pyproj.CRS(layer.crs).is_projected:
        return True, f"{what} is in a projected CRS, in metres."
    return False, (f"{what} is in degrees (or has no CRS): build it from `countries_m`, which is "
                   "in `METRIC`.")


# --- 04.3 -------------------------------------------------------------------------------------


def blocs_as_of(as_of: pd.Timestamp) -> dict[str, set[str]]:
    """Bloc name → ISO codes of its members on ``as_of`` (from the relations table)."""
    relations = data.load_relations()
    actors = data.load_actors().set_index("actor_id")
    rows = relations[(relations["relation"] == "alliance/treaty")
                     & relations["actor_b"].isin(list(BLOCS))
                     & (relations["start"] <= as_of)
                     & (relations["end"].isna() | (relations["end"] > as_of))]
    out: dict[str, set[str]] = {}
    for actor, bloc in zip(rows["actor_a"], rows["actor_b"], strict=True):
        out.setdefault(BLOCS[bloc], set()).add(str(actors.loc[actor, "country"]))
    return out


HINT_04_3_TYPE = "give `(fig, blocs, AS_OF)`: your Figure, the dissolved GeoDataFrame and the date."
HINT_04_3_DATE = "`AS_OF` should be a date, e.g. `pd.Timestamp(\"2020-01-01\")`."


def _bloc_names(blocs: gpd.GeoDataFrame) -> list[str]:
    if "bloc" in blocs.columns:
        return [str(b) for b in blocs["bloc"]]
    return [str(b) for b in blocs.index]


def _judge_04_3(answer: object) -> tuple[bool, str]:
    if not (isinstance(answer, tuple) and len(answer) == 3):
        return False, f"expected (fig, blocs, AS_OF), got {describe_type(answer)}. {HINT_04_3_TYPE}"
    fig, blocs, as_of = answer
    try:
        as_of = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        return False, HINT_04_3_DATE
    if pd.isna(as_of):
        return False, HINT_04_3_DATE
    axes = _axes_list(fig)
    if axes is None:
        return False, f"expected a matplotlib Figure first, got {describe_type(fig)}."
    if not isinstance(blocs, gpd.GeoDataFrame):
        return False, f"expected `blocs` to be a GeoDataFrame, got {describe_type(blocs)}."
    want = blocs_as_of(as_of)
    parts: dict[str, tuple[bool, str]] = {"CRS": _crs_part(blocs, "`blocs`")}
    names = _bloc_names(blocs)
    if len(names) != len(set(names)):
        parts["one row per bloc"] = (False, "several rows share a bloc: `dissolve(by=\"bloc\")`.")
    elif set(names) == set(want):
        parts["one row per bloc"] = (True, f"{len(names)} blocs had members on {as_of:%Y-%m-%d}.")
    else:
        parts["one row per bloc"] = (False, "the blocs do not match the members on your date: "
                                            "filter on both `start` and `end` before merging.")
    if parts["one row per bloc"][0] and parts["CRS"][0]:
        countries = maps.load_countries().to_crs(blocs.crs).set_index("iso_a3")
        wrong = []
        for name, geom in zip(names, blocs.geometry, strict=True):
            expected = countries.loc[sorted(want[name] & set(countries.index))].union_all()
            if abs(geom.area - expected.area) > 1e-3 * expected.area:
                wrong.append(name)
        parts["members"] = ((True, "each bloc's shape is the union of its members.") if not wrong
                            else (False, f"{', '.join(wrong)}: the shape is not the union of the "
                                         "members on your date."))
    shapes = sum(describe_axes(ax)["n_shapes"] for ax in axes)
    titles = " ".join(describe_axes(ax)["title"] for ax in axes)
    parts["map"] = ((True, "the blocs are drawn on the countries.") if shapes > len(names) else
                    (False, "draw `countries_m` and each bloc (`blocs.loc[[name]].plot(ax=ax)`)."))
    missing = [n for n in names if n not in titles]
    parts["names"] = ((True, "each bloc is named in its panel's title.") if names and not missing
                      else (False, "name each bloc in its panel's title (`ax.set_title(name)`)."))
    sup = describe_axes(axes[0])["suptitle"] if axes else ""
    parts["title"] = ((True, "the figure's title says what it shows.") if len(sup.strip()) > 15
                      else (False, "add `fig.suptitle(...)` saying what the map shows and as of "
                                   "when."))
    return expect_parts(parts)


def _wrong_04_3() -> list[object]:
    import matplotlib.pyplot as plt

    as_of = pd.Timestamp("2020-01-01")
    fig, ax = plt.subplots()
    countries = maps.load_countries()
    countries.plot(ax=ax)
    ax.set_title("Blocs")
    plt.close(fig)
    members = pd.DataFrame([(b, c) for b, cs in blocs_as_of(pd.Timestamp("2024-01-01")).items()
                            for c in cs], columns=["bloc", "iso_a3"])
    later = countries.to_crs(METRIC).merge(members, on="iso_a3").dissolve(by="bloc")
    undissolved = countries.merge(members, on="iso_a3")
    return [(fig, later, as_of), (fig, undissolved, as_of), (fig, later, "not a date")]


@exercise("04.3", "Your own map: the blocs on a date you choose", wrong=_wrong_04_3,
          expects="(fig, blocs, AS_OF)", accepts=tuple)
def _ex04_3(answer):
    return _judge_04_3(answer)


# --- 04.4 -------------------------------------------------------------------------------------


def foiled_per_country() -> pd.Series:
    """Foiled plots per country (ISO code), as the events table places them."""
    events = data.load_events()
    places = data.load_places().set_index("place_id")
    foiled = events[events["event_type"] == "foiled plot"]
    return foiled["place_id"].map(places["country"]).value_counts()


HINT_04_4_TYPE = "give `(fig, plotted)`: your Figure and the GeoDataFrame you mapped."
HINT_04_4_COLUMN = ("`plotted` needs a column with the number of foiled plots per country (merge "
                    "the counts into `countries_m` on `iso_a3`).")
HINT_04_4_CLASSES = ("the legend shows no class bounds: put each count in a class with `pd.cut` "
                     "(labels from `classify.count_labels(bounds)`) and map that column with "
                     "`categorical=True, legend=True`.")


def _count_column(plotted: gpd.GeoDataFrame) -> str | None:
    want = foiled_per_country()
    codes = plotted["iso_a3"] if "iso_a3" in plotted.columns else pd.Series(dtype=str)
    for column in plotted.columns:
        if column in ("geometry", "iso_a3", "iso_n3") or not pd.api.types.is_numeric_dtype(
                plotted[column]):
            continue
        got = pd.Series(plotted[column].to_numpy(), index=codes.to_numpy()).dropna()
        got = got[got > 0]
        if set(got.index) == set(want.index) and np.allclose(
                got.reindex(want.index).to_numpy(dtype=float), want.to_numpy(dtype=float)):
            return column
    return None


def _judge_04_4(answer: object) -> tuple[bool, str]:
    if not (isinstance(answer, tuple) and len(answer) == 2):
        return False, f"expected (fig, plotted), got {describe_type(answer)}. {HINT_04_4_TYPE}"
    fig, plotted = answer
    axes = _axes_list(fig)
    if not axes:
        return False, f"expected a matplotlib Figure first, got {describe_type(fig)}."
    if not isinstance(plotted, gpd.GeoDataFrame):
        return False, f"expected `plotted` to be a GeoDataFrame, got {describe_type(plotted)}."
    parts: dict[str, tuple[bool, str]] = {"CRS": _crs_part(plotted, "`plotted`")}
    column = _count_column(plotted)
    parts["counts"] = ((True, f"`{column}` holds the foiled plots of each country.") if column
                       else (False, HINT_04_4_COLUMN))
    seen = describe_axes(axes[0])
    colours = set()
    for coll in axes[0].collections:
        colours |= {tuple(np.round(c, 3)) for c in coll.get_facecolors()}
    parts["colours"] = ((True, "countries are coloured by class.") if len(colours) >= 3 else
                        (False, "colour the countries by the count: `column=...` in `plot`."))
    bounds = [t for t in seen["legend_labels"] if any(ch.isdigit() for ch in t)]
    parts["classes"] = ((True, "the legend gives each class's bounds.") if len(bounds) >= 2 else
                        (False, HINT_04_4_CLASSES))
    parts["title"] = ((True, "the title says something.") if len(seen["title"].strip()) > 15 else
                      (False, "give the map a title that states what it shows."))
    return expect_parts(parts)


def _wrong_04_4() -> list[object]:
    import matplotlib.pyplot as plt

    countries = maps.load_countries()
    counts = foiled_per_country().rename("foiled plots")
    plotted = countries.merge(counts, left_on="iso_a3", right_index=True, how="left")
    fig, ax = plt.subplots()
    plotted.plot(ax=ax, column="foiled plots")
    ax.set_title("Foiled plots per country")
    plt.close(fig)
    return [(fig, plotted), (fig, countries)]


@exercise("04.4", "Your own choropleth: foiled plots per country", wrong=_wrong_04_4,
          expects="(fig, plotted)", accepts=tuple)
def _ex04_4(answer):
    return _judge_04_4(answer)
