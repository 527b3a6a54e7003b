"""Exercises of lesson 02 (The Caspian region: a geography).

Every expected answer is computed from the course data when a check runs, never typed in, so the
checks stay right if the base map is rebuilt. The hints name the usual mistakes: areas in square
degrees or square metres, Web Mercator, Iran in its own neighbour list, codes in lower case, the
distance between touching shapes (0) instead of the shared border, one piece of that border, the
"degrees × 111 km" shortcut, latitude and longitude swapped, and for 2.5 a map whose layers are not
in one projected CRS or whose routes are straight lines instead of geodesics.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyproj
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure

from caspian import data, maps
from caspian.checks import (
    NAMES,
    NUMBER,
    describe_axes,
    describe_type,
    exercise,
    expect_number,
    expect_parts,
    expect_set,
)


def _country(iso: str, crs: str = maps.CRS_WGS84):
    countries = maps.load_countries().to_crs(crs)
    return countries.loc[countries["iso_a3"] == iso, "geometry"].item()


def _lonlat(place_id: str) -> tuple[float, float]:
    places = data.load_places().set_index("place_id")
    return float(places.loc[place_id, "lon"]), float(places.loc[place_id, "lat"])


def azerbaijan_area_km2() -> float:
    """Azerbaijan's area in the equal-area CRS, in km² (the answer to 02.1)."""
    return _country("AZE", maps.CRS_EQUAL_AREA).area / 1e6


def iran_neighbours() -> set[str]:
    """ISO codes of the countries whose outline touches Iran's (the answer to 02.2)."""
    countries = maps.load_countries().dropna(subset=["iso_a3"])
    return set(countries.loc[countries.touches(_country("IRN")), "iso_a3"])


def azerbaijan_iran_border_km() -> float:
    """Length of the land border between Azerbaijan and Iran, in km (the answer to 02.3)."""
    aze, irn = (_country(iso, maps.CRS_EQUAL_AREA) for iso in ("AZE", "IRN"))
    return aze.boundary.intersection(irn.boundary).length / 1000


def baku_tel_aviv_km() -> float:
    """Geodesic distance from Baku to Tel Aviv on the WGS 84 ellipsoid, in km (02.4)."""
    return maps.great_circle_km(*_lonlat("baku"), *_lonlat("tel-aviv"))


def degrees_times_111_km() -> float:
    """The shortcut 2.4 warns against: Pythagoras on degrees, times 111.32 km."""
    (lon1, lat1), (lon2, lat2) = _lonlat("baku"), _lonlat("tel-aviv")
    return math.hypot(lon2 - lon1, lat2 - lat1) * 111.32


# --- 02.1 -------------------------------------------------------------------------------------

HINT_02_1_DEGREES = ("this looks like square degrees: project the countries with "
                     "`.to_crs(EQUAL_AREA)` (the equal-area CRS you wrote) before taking `.area`.")
HINT_02_1_METRES = ("this looks like square metres: divide by 1,000,000 (1 km² is 1,000 m × "
                    "1,000 m).")
HINT_02_1_MERCATOR = ("too big by a factor of about 1.7: was the CRS Web Mercator (EPSG:3857)? It "
                      "inflates areas away from the equator. Use an equal-area CRS.")


def _wrong_02_1() -> list[float]:
    aze = _country("AZE")
    return [aze.area, azerbaijan_area_km2() * 1e6, azerbaijan_area_km2() * 1.8]


@exercise("02.1", "Azerbaijan's area in km²", wrong=_wrong_02_1, expects="a number (km²)",
          accepts=NUMBER)
def _ex02_1(answer):
    expected = azerbaijan_area_km2()
    return expect_number(
        answer, expected, rel_tol=0.01,
        why=f"Azerbaijan covers about {expected:,.0f} km² in the equal-area CRS, close to the "
            "86,600 km² of the CIA World Factbook (2006).",
        hints=[
            (lambda v: v < 100, HINT_02_1_DEGREES),
            (lambda v: v > 1e9, HINT_02_1_METRES),
            (lambda v: 1.3 < v / expected < 2.2, HINT_02_1_MERCATOR),
        ],
    )


# --- 02.2 -------------------------------------------------------------------------------------

HINT_02_2_SELF = ("Iran is in your list: a country always intersects itself. Use `touches`, or "
                  "drop 'IRN'.")
HINT_02_2_CODES = ("give ISO alpha-3 codes exactly as the `iso_a3` column writes them: three "
                   "upper-case letters per country, not names.")
HINT_02_2_CASE = "the data's codes are upper case: {example}. Copy them from `iso_a3`."
HINT_02_2_SEA = ("Russia and Kazakhstan share only the Caspian Sea with Iran, not a land border: "
                 "did you buffer Iran or take the sea into account?")


def _wrong_02_2() -> list[list[str]]:
    right = sorted(iran_neighbours())
    return [right + ["IRN"], right[1:], right + ["RUS", "KAZ"], [c.lower() for c in right]]


@exercise("02.2", "Iran's land neighbours", wrong=_wrong_02_2, expects="a list of ISO codes",
          accepts=NAMES)
def _ex02_2(answer):
    items = [answer] if isinstance(answer, str) else list(answer)
    raw = [str(a) for a in items]
    if "IRN" in raw:
        return False, HINT_02_2_SELF
    if raw and all(r.lower() == r for r in raw) and {r.upper() for r in raw} & iran_neighbours():
        return False, HINT_02_2_CASE.format(example=f"'{raw[0]}' is written '{raw[0].upper()}'")
    if any(len(r) != 3 for r in raw):
        return False, HINT_02_2_CODES
    if {"RUS", "KAZ"} & set(raw):
        return False, HINT_02_2_SEA
    return expect_set(raw, iran_neighbours(), what="country codes",
                      why="Iran's outline touches seven countries; the Caspian coast does not "
                          "count as a land border, so Russia and Kazakhstan are not among them.")


# --- 02.3 -------------------------------------------------------------------------------------

HINT_02_3_DISTANCE = ("0 is the distance between the two shapes: they touch. The exercise asks for "
                      "the length of the line they share: `.boundary` of each, their "
                      "`.intersection`, then `.length`.")
HINT_02_3_DEGREES = ("this looks like degrees: use the shapes of `countries_ea` (equal-area CRS, "
                     "in metres) before taking `.length`.")
HINT_02_3_METRES = "this looks like metres: divide by 1,000."
HINT_02_3_PART = ("you have only one piece of the border: Azerbaijan's Nakhchivan exclave also "
                  "borders Iran. Intersect the whole outlines (`.boundary` of each multipolygon).")
HINT_02_3_LONG = ("too long: intersect the two *boundaries* (lines); the whole outline of a "
                  "country is much longer.")


def _border_parts() -> tuple[float, float]:
    aze, irn = (_country(iso, maps.CRS_EQUAL_AREA) for iso in ("AZE", "IRN"))
    parts = sorted(aze.geoms, key=lambda p: p.area, reverse=True)[:2]
    main, exclave = (p.boundary.intersection(irn.boundary).length / 1000 for p in parts)
    return main, exclave


@exercise("02.3", "The Azerbaijan–Iran border",
          wrong=lambda: [0.0, *_border_parts(), azerbaijan_iran_border_km() * 1000],
          expects="a number (km)", accepts=NUMBER)
def _ex02_3(answer):
    expected = azerbaijan_iran_border_km()
    main_only, exclave_only = _border_parts()
    return expect_number(
        answer, expected, rel_tol=0.02,
        why=f"about {expected:,.0f} km in two pieces: the main part of Azerbaijan and the "
            "Nakhchivan exclave. The CIA World Factbook (2006) gives 432 + 179 = 611 km.",
        hints=[
            (lambda v: v == 0, HINT_02_3_DISTANCE),
            (lambda v: 0 < v < 20, HINT_02_3_DEGREES),
            (lambda v: v > 1e5, HINT_02_3_METRES),
            (lambda v: math.isclose(v, main_only, rel_tol=0.03)
             or math.isclose(v, exclave_only, rel_tol=0.03), HINT_02_3_PART),
            (lambda v: v > 2 * expected, HINT_02_3_LONG),
        ],
    )


# --- 02.4 -------------------------------------------------------------------------------------

HINT_02_4_SHORTCUT = ("this is the 'degrees × 111 km' shortcut (Pythagoras on longitude and "
                      "latitude): a degree of longitude is only about 85 km here. Use "
                      "`geod.inv(lon1, lat1, lon2, lat2)` and take the distance it returns.")
HINT_02_4_DEGREES = ("this looks like a distance in degrees (Pythagoras on lon/lat): use "
                     "`geod.inv(lon1, lat1, lon2, lat2)`, which returns metres.")
HINT_02_4_METRES = "this looks like metres: divide by 1,000."
HINT_02_4_SWAPPED = ("latitude and longitude are swapped: `geod.inv` takes longitude first (x, "
                     "then y).")


def _swapped_km() -> float:
    (lon1, lat1), (lon2, lat2) = _lonlat("baku"), _lonlat("tel-aviv")
    return maps.great_circle_km(lat1, lon1, lat2, lon2)


def _wrong_02_4() -> list[float]:
    return [_swapped_km(), baku_tel_aviv_km() * 1000, degrees_times_111_km(),
            degrees_times_111_km() / 111.32, degrees_times_111_km() / 111.32 * 111]


@exercise("02.4", "Baku to Tel Aviv", wrong=_wrong_02_4, expects="a number (km)", accepts=NUMBER)
def _ex02_4(answer):
    expected = baku_tel_aviv_km()
    shortcut = degrees_times_111_km()
    return expect_number(
        answer, expected, rel_tol=0.01,
        why=f"about {expected:,.0f} km along the geodesic, the shortest path on the Earth.",
        hints=[
            (lambda v: v < 50, HINT_02_4_DEGREES),
            (lambda v: v > 1e5, HINT_02_4_METRES),
            (lambda v: math.isclose(v, shortcut, rel_tol=0.02), HINT_02_4_SHORTCUT),
            (lambda v: math.isclose(v, _swapped_km(), rel_tol=0.01), HINT_02_4_SWAPPED),
        ],
    )


# --- 02.5 -------------------------------------------------------------------------------------

ROUTE_ENDS = {"tehran": "Tehran", "tel-aviv": "Tel Aviv"}
"""The two destinations of 2.5 (place id → name as the places table writes it)."""
CITY_NAMES = ("Baku", "Tehran", "Tel Aviv")

HINT_02_5_TYPE = ("give `(fig, routes)`: the Figure from `plt.subplots` and the GeoDataFrame of "
                  "the two routes.")
HINT_02_5_CRS = ("`routes` must be in a projected CRS in metres (the `EQUAL_AREA` you wrote): "
                 "`.to_crs(EQUAL_AREA)`.")
HINT_02_5_COUNT = "`routes` should have one line per destination: two rows (Tehran, Tel Aviv)."
HINT_02_5_STRAIGHT = ("a route with only its two ends is a straight line on the map, not the "
                      "shortest path: put the points of `geod.npts(...)` between the ends.")
HINT_02_5_OFF = ("a route strays from the geodesic: build each line from Baku, the `geod.npts` "
                 "points, then the destination, in degrees (EPSG:4326), and only then project it.")
HINT_02_5_SAME_CRS = ("the routes drawn on the map are not in the CRS of `routes`: draw the "
                      "GeoDataFrame you projected (`routes.plot(ax=ax, ...)`).")
HINT_02_5_COUNTRIES = ("draw the countries in the same CRS as the routes "
                       "(`countries.to_crs(EQUAL_AREA).plot(ax=ax, ...)`); degrees and metres do "
                       "not mix on one map.")


def _geodesic_offsets_km(line, crs) -> np.ndarray | None:
    """Distance of each vertex of a projected line from the geodesic between its two ends."""
    to_lonlat = pyproj.Transformer.from_crs(crs, maps.CRS_WGS84, always_xy=True)
    xy = np.asarray(line.coords)[:, :2]
    lon, lat = to_lonlat.transform(xy[:, 0], xy[:, 1])
    geod = maps.GEOD
    n = len(lon)
    az, _, _ = geod.inv(lon[0], lat[0], lon[-1], lat[-1])
    along = geod.inv(np.full(n, lon[0]), np.full(n, lat[0]), lon, lat)[2]
    on_lon, on_lat, _ = geod.fwd(np.full(n, lon[0]), np.full(n, lat[0]), np.full(n, az), along)
    return geod.inv(lon, lat, on_lon, on_lat)[2] / 1000


def _route_parts(routes: object) -> dict[str, tuple[bool, str]]:
    if not isinstance(routes, gpd.GeoDataFrame):
        return {"routes": (False, f"expected a GeoDataFrame, got {describe_type(routes)}.")}
    parts: dict[str, tuple[bool, str]] = {}
    crs = routes.crs
    if crs is None or not pyproj.CRS(crs).is_projected:
        return {"routes CRS": (False, HINT_02_5_CRS)}
    parts["routes CRS"] = (True, "projected, in metres.")
    lines = [g for g in routes.geometry if g is not None and g.geom_type == "LineString"]
    if len(routes) != 2 or len(lines) != 2:
        parts["two routes"] = (False, HINT_02_5_COUNT)
        return parts
    parts["two routes"] = (True, "one line per destination.")
    if any(len(g.coords) < 10 for g in lines):
        parts["geodesics"] = (False, HINT_02_5_STRAIGHT)
    elif max(_geodesic_offsets_km(g, crs).max() for g in lines) > 1.0:
        parts["geodesics"] = (False, HINT_02_5_OFF)
    else:
        parts["geodesics"] = (True, "each route follows the geodesic within 1 km.")
    return parts


def _drawn_line_vertices(ax: Axes) -> list[np.ndarray]:
    out = [np.asarray(p.vertices) for c in ax.collections if isinstance(c, LineCollection)
           for p in c.get_paths()]
    out += [np.column_stack(line.get_data()).astype(float) for line in ax.lines]
    return out


def _same_line(drawn: np.ndarray, coords: np.ndarray) -> bool:
    """The same vertices, in either direction (matplotlib may draw a line end to start)."""
    return drawn.shape == coords.shape and (np.allclose(drawn, coords)
                                            or np.allclose(drawn[::-1], coords))


def _patch_extent(ax: Axes) -> float:
    """The widest coordinate of the polygons drawn (metres on a projected map, < 400 in degrees)."""
    widest = 0.0
    for coll in ax.collections:
        if isinstance(coll, PatchCollection):
            for p in coll.get_paths():
                if len(p.vertices):
                    widest = max(widest, float(np.abs(p.vertices).max()))
    return widest


def _judge_02_5(answer: object) -> tuple[bool, str]:
    if not (isinstance(answer, tuple) and len(answer) == 2):
        return False, f"expected (fig, routes), got {describe_type(answer)}. " + HINT_02_5_TYPE
    fig, routes = answer
    ax = fig if isinstance(fig, Axes) else (fig.axes[0] if isinstance(fig, Figure) and fig.axes
                                             else None)
    if ax is None:
        return False, f"expected a matplotlib Figure first, got {describe_type(fig)}."
    parts = _route_parts(routes)
    seen = describe_axes(ax)
    if "two routes" in parts and parts["two routes"][0]:
        drawn = _drawn_line_vertices(ax)
        found = all(any(_same_line(v, np.asarray(g.coords)[:, :2]) for v in drawn)
                    for g in routes.geometry)
        parts["routes on the map"] = ((True, "both routes are drawn, in their own CRS.") if found
                                      else (False, HINT_02_5_SAME_CRS))
    if seen["n_shapes"] >= 10 and _patch_extent(ax) > 1e4:
        parts["countries"] = (True, "drawn in metres, like the routes.")
    elif seen["n_shapes"] >= 10:
        parts["countries"] = (False, HINT_02_5_COUNTRIES)
    else:
        parts["countries"] = (False, "draw the countries under the routes "
                                     "(`countries.to_crs(EQUAL_AREA).plot(ax=ax, ...)`).")
    parts["cities"] = ((True, "three cities marked.") if seen["n_points"] >= 3 else
                       (False, "mark Baku, Tehran and Tel Aviv as points (`cities.plot(ax=ax)`)."))
    texts = " ".join(seen["texts"])
    missing = [n for n in CITY_NAMES if n not in texts]
    parts["names"] = ((True, "each city is labelled by name.") if not missing else
                      (False, "write each city's name next to its point (`ax.annotate(name, (x, "
                              f"y))`); not found: {', '.join(missing)}."))
    parts["legend"] = ((True, "the legend says what the lines are.") if seen["legend_labels"] else
                       (False, "add `label=...` to the routes and call `ax.legend()`."))
    parts["title"] = ((True, "the title says something.") if len(seen["title"].strip()) > 15 else
                      (False, "give the map a title that states what it shows."))
    return expect_parts(parts)


def _wrong_02_5() -> list[object]:
    import matplotlib.pyplot as plt
    from shapely.geometry import LineString

    crs = maps.CRS_EQUAL_AREA
    straight = gpd.GeoDataFrame(
        {"to": list(ROUTE_ENDS.values())},
        geometry=[LineString([_lonlat("baku"), _lonlat(p)]) for p in ROUTE_ENDS],
        crs=maps.CRS_WGS84).to_crs(crs)
    fig, ax = plt.subplots()
    maps.load_countries().to_crs(crs).plot(ax=ax)
    straight.plot(ax=ax, label="route")
    ax.set_title("Routes from Baku to Tehran and Tel Aviv")
    ax.legend()
    plt.close(fig)
    return [(fig, straight), (fig, straight.to_crs(maps.CRS_WGS84))]


@exercise("02.5", "Your own map: the shortest paths from Baku", wrong=_wrong_02_5,
          expects="(fig, routes): your Figure and GeoDataFrame", accepts=tuple)
def _ex02_5(answer):
    return _judge_02_5(answer)
