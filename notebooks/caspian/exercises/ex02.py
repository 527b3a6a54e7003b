"""Exercises of lesson 02 (The Caspian region: a geography).

Every expected answer is computed from the course data when a check runs, never typed in, so the
checks stay right if the base map is rebuilt. The hints name the usual mistakes: areas in square
degrees, metres instead of kilometres, a border counted only in part.
"""

from __future__ import annotations

import math

from caspian import data, maps
from caspian.checks import exercise, expect_number, expect_set


def _country(iso: str, crs: str = maps.CRS_WGS84):
    countries = maps.load_countries().to_crs(crs)
    return countries.loc[countries["iso_a3"] == iso, "geometry"].item()


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
    """Great-circle distance from Baku to Tel Aviv, in km (the answer to 02.4)."""
    places = data.load_places().set_index("place_id")
    (lon1, lat1), (lon2, lat2) = (places.loc[p, ["lon", "lat"]] for p in ("baku", "tel-aviv"))
    return maps.great_circle_km(lon1, lat1, lon2, lat2)


def _wrong_01_1() -> list[float]:
    aze = _country("AZE")
    return [aze.area, azerbaijan_area_km2() * 1e6, azerbaijan_area_km2() * 1.8]


@exercise("02.1", "Azerbaijan's area in km²", wrong=_wrong_01_1)
def _ex01_1(answer):
    expected = azerbaijan_area_km2()
    return expect_number(
        answer, expected, rel_tol=0.01,
        why=f"Azerbaijan covers about {expected:,.0f} km² in the equal-area CRS, close to the "
            "86,600 km² of the CIA World Factbook (2006).",
        hints=[
            (lambda v: v < 100, "this looks like square degrees: project the countries with "
                                "`.to_crs(maps.CRS_EQUAL_AREA)` before taking `.area`."),
            (lambda v: v > 1e9, "this looks like square metres: divide by 1,000,000 (1 km² is "
                                "1,000 m × 1,000 m)."),
            (lambda v: 1.3 < v / expected < 2.2, "too big by a factor of about 1.7: was the CRS "
                                                 "Web Mercator (EPSG:3857)? It inflates areas "
                                                 "away from the equator. Use maps.CRS_EQUAL_AREA."),
        ],
    )


def _wrong_01_2() -> list[list[str]]:
    right = sorted(iran_neighbours())
    return [right + ["IRN"], right[1:], right + ["RUS", "KAZ"]]


@exercise("02.2", "Iran's land neighbours", wrong=_wrong_01_2)
def _ex01_2(answer):
    try:
        names = None if isinstance(answer, str) else {str(a).upper() for a in list(answer)}
    except TypeError:
        names = None
    if names is not None and "IRN" in names:
        return False, ("Iran is in your list: a country always intersects itself. Drop it (e.g. "
                       "`neighbours[neighbours['iso_a3'] != 'IRN']`), or use `touches`.")
    if names is not None and any(len(n) != 3 for n in names):
        return False, "give ISO alpha-3 codes (the `iso_a3` column, e.g. 'TUR'), not names."
    return expect_set(answer, iran_neighbours(), what="country codes",
                      why="Iran's outline touches seven countries; the Caspian coast does not "
                          "count as a land border, so Russia and Kazakhstan are not among them.")


@exercise("02.3", "The Azerbaijan–Iran border",
          wrong=lambda: [*_border_parts(), azerbaijan_iran_border_km() * 1000])
def _ex01_3(answer):
    expected = azerbaijan_iran_border_km()
    main_only, exclave_only = _border_parts()
    return expect_number(
        answer, expected, rel_tol=0.02,
        why=f"about {expected:,.0f} km in two pieces: the main part of Azerbaijan and the "
            "Nakhchivan exclave. The CIA World Factbook (2006) gives 432 + 179 = 611 km.",
        hints=[
            (lambda v: v < 20, "this looks like degrees: project both countries to "
                               "maps.CRS_EQUAL_AREA before taking `.length`."),
            (lambda v: v > 1e5, "this looks like metres: divide by 1,000."),
            (lambda v: math.isclose(v, main_only, rel_tol=0.03)
             or math.isclose(v, exclave_only, rel_tol=0.03),
             "you have only one piece of the border: Azerbaijan's Nakhchivan exclave also "
             "borders Iran. Intersect the whole outlines (`.boundary` of each multipolygon)."),
            (lambda v: v > 2 * expected, "too long: intersect the two *boundaries* (lines); "
                                         "the whole outline of a country is much longer."),
        ],
    )


def _border_parts() -> tuple[float, float]:
    aze, irn = (_country(iso, maps.CRS_EQUAL_AREA) for iso in ("AZE", "IRN"))
    parts = sorted(aze.geoms, key=lambda p: p.area, reverse=True)[:2]
    main, exclave = (p.boundary.intersection(irn.boundary).length / 1000 for p in parts)
    return main, exclave


def _wrong_01_4() -> list[float]:
    places = data.load_places().set_index("place_id")
    (lon1, lat1), (lon2, lat2) = (places.loc[p, ["lon", "lat"]] for p in ("baku", "tel-aviv"))
    return [maps.great_circle_km(lat1, lon1, lat2, lon2), baku_tel_aviv_km() * 1000,
            math.hypot(lon2 - lon1, lat2 - lat1)]


@exercise("02.4", "Baku to Tel Aviv", wrong=_wrong_01_4)
def _ex01_4(answer):
    expected = baku_tel_aviv_km()
    places = data.load_places().set_index("place_id")
    (lon1, lat1), (lon2, lat2) = (places.loc[p, ["lon", "lat"]] for p in ("baku", "tel-aviv"))
    swapped = maps.great_circle_km(lat1, lon1, lat2, lon2)
    return expect_number(
        answer, expected, rel_tol=0.01,
        why=f"about {expected:,.0f} km along the great circle, the shortest path on the globe.",
        hints=[
            (lambda v: v < 50, "this looks like a distance in degrees (Pythagoras on lon/lat): "
                               "use `maps.great_circle_km(lon1, lat1, lon2, lat2)`."),
            (lambda v: v > 1e5, "this looks like metres: divide by 1,000."),
            (lambda v: math.isclose(v, swapped, rel_tol=0.01),
             "latitude and longitude are swapped: `great_circle_km` takes longitude first "
             "(x, then y)."),
        ],
    )
