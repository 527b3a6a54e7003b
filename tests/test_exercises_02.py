"""Each judge of lesson 02 accepts the solution's answer and rejects every plausible mistake it
lists with the hint that names that mistake (the hint text is asserted, not only the ✗)."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pyproj  # noqa: E402
import pytest  # noqa: E402
from shapely.geometry import LineString  # noqa: E402

from caspian import data, maps  # noqa: E402
from caspian.checks import check, registered  # noqa: E402
from caspian.exercises import ex02  # noqa: E402

EQUAL_AREA = "+proj=laea +lat_0=41 +lon_0=50 +datum=WGS84 +units=m"
IDS = ["02.1", "02.2", "02.3", "02.4", "02.5"]


def _judge(exercise_id: str, answer) -> tuple[bool, str]:
    """Call a judge directly: `check` raises on a wrong answer while the tests run (strict mode)."""
    return registered()[exercise_id].judge(answer)


def _country(iso: str, crs: str = maps.CRS_WGS84):
    countries = maps.load_countries().to_crs(crs)
    return countries.loc[countries["iso_a3"] == iso, "geometry"].item()


def _pl():
    return data.load_places().set_index("place_id")


def _routes(npts: int = 50, crs: str = EQUAL_AREA) -> gpd.GeoDataFrame:
    pl, geod = _pl(), pyproj.Geod(ellps="WGS84")
    lines = []
    for target in ["tehran", "tel-aviv"]:
        a, b = pl.loc["baku"], pl.loc[target]
        middle = geod.npts(a["lon"], a["lat"], b["lon"], b["lat"], npts) if npts else []
        lines.append(LineString([(a["lon"], a["lat"]), *middle, (b["lon"], b["lat"])]))
    return gpd.GeoDataFrame({"to": ["Tehran", "Tel Aviv"]}, geometry=lines,
                            crs="EPSG:4326").to_crs(crs)


def _map(routes, *, countries_crs=EQUAL_AREA, names=True, legend=True, title=True):
    """The map the solution of 2.5 draws, with one thing left out or changed at a time."""
    pl = _pl()
    ends = pl.loc[["baku", "tehran", "tel-aviv"]]
    cities = gpd.GeoDataFrame(ends[["name"]], crs="EPSG:4326",
                              geometry=gpd.points_from_xy(ends["lon"], ends["lat"]))
    cities = cities.to_crs(routes.crs)
    fig, ax = plt.subplots()
    maps.load_countries().to_crs(countries_crs).plot(ax=ax)
    routes.plot(ax=ax, label="Geodesic from Baku")
    cities.plot(ax=ax, color="black", label="City")
    if names:
        for name, point in zip(cities["name"], cities.geometry, strict=True):
            ax.annotate(name, (point.x, point.y))
    if title:
        ax.set_title("Tel Aviv is three times as far from Baku as Tehran")
    if legend:
        ax.legend()
    plt.close(fig)
    return fig


def _solution(exercise_id: str):
    """The answers the notebook's solution cells compute."""
    countries = maps.load_countries()
    if exercise_id == "02.1":
        return countries[countries["iso_a3"] == "AZE"].to_crs(EQUAL_AREA).area.iloc[0] / 1e6
    if exercise_id == "02.2":
        return list(countries.loc[countries.touches(_country("IRN")), "iso_a3"].dropna())
    if exercise_id == "02.3":
        aze, irn = _country("AZE", EQUAL_AREA), _country("IRN", EQUAL_AREA)
        return aze.boundary.intersection(irn.boundary).length / 1000
    if exercise_id == "02.4":
        baku, tel_aviv = _pl().loc["baku"], _pl().loc["tel-aviv"]
        _, _, metres = pyproj.Geod(ellps="WGS84").inv(baku["lon"], baku["lat"],
                                                      tel_aviv["lon"], tel_aviv["lat"])
        return metres / 1000
    if exercise_id == "02.5":
        routes = _routes()
        return _map(routes), routes
    raise KeyError(exercise_id)


def test_all_lesson_02_exercises_are_registered():
    assert {i for i in registered() if i.startswith("02.")} == set(IDS)


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_is_accepted(exercise_id):
    result = check(exercise_id, _solution(exercise_id), quiet=True)
    assert result.ok, result.message


def test_02_1_hints_name_each_mistake():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        degrees = maps.load_countries().loc[lambda c: c["iso_a3"] == "AZE"].area.iloc[0]
    right = _solution("02.1")
    assert _judge("02.1", degrees)[1] == ex02.HINT_02_1_DEGREES
    assert _judge("02.1", right * 1e6)[1] == ex02.HINT_02_1_METRES
    mercator = _country("AZE", "EPSG:3857").area / 1e6
    assert _judge("02.1", mercator)[1] == ex02.HINT_02_1_MERCATOR


def test_02_2_hints_name_each_mistake():
    right = _solution("02.2")
    countries = maps.load_countries()
    with_iran = list(countries.loc[countries.intersects(_country("IRN")), "iso_a3"].dropna())
    assert _judge("02.2", with_iran)[1] == ex02.HINT_02_2_SELF
    lower = _judge("02.2", [c.lower() for c in right])[1]
    assert lower.startswith("the data's codes are upper case") and f"'{right[0]}'" in lower
    assert _judge("02.2", ["Turkey", "Armenia"])[1] == ex02.HINT_02_2_CODES
    assert _judge("02.2", right + ["RUS", "KAZ"])[1] == ex02.HINT_02_2_SEA
    assert "upper-case" in ex02.HINT_02_2_CODES
    ok, message = _judge("02.2", right[1:])
    assert not ok and "missing" in message.lower() or "1 of" in message or "right" in message


def test_02_3_hints_name_each_mistake():
    aze, irn = _country("AZE", EQUAL_AREA), _country("IRN", EQUAL_AREA)
    assert _judge("02.3", aze.distance(irn) / 1000)[1] == ex02.HINT_02_3_DISTANCE
    assert "looks like degrees" not in ex02.HINT_02_3_DISTANCE
    aze4326, irn4326 = _country("AZE"), _country("IRN")
    degrees = aze4326.boundary.intersection(irn4326.boundary).length
    assert _judge("02.3", degrees)[1] == ex02.HINT_02_3_DEGREES
    assert _judge("02.3", _solution("02.3") * 1000)[1] == ex02.HINT_02_3_METRES
    main = max(aze.geoms, key=lambda p: p.area)
    assert _judge("02.3", main.boundary.intersection(irn.boundary).length / 1000)[1] == \
        ex02.HINT_02_3_PART
    assert _judge("02.3", aze.boundary.length / 1000)[1] == ex02.HINT_02_3_LONG


def test_02_4_hints_name_each_mistake():
    baku, tel_aviv = _pl().loc["baku"], _pl().loc["tel-aviv"]
    dlon, dlat = tel_aviv["lon"] - baku["lon"], tel_aviv["lat"] - baku["lat"]
    for per_degree in (111, 111.32):
        shortcut = (dlon ** 2 + dlat ** 2) ** 0.5 * per_degree
        message = _judge("02.4", shortcut)[1]
        assert message == ex02.HINT_02_4_SHORTCUT and "degrees × 111" in message
    assert _judge("02.4", (dlon ** 2 + dlat ** 2) ** 0.5)[1] == ex02.HINT_02_4_DEGREES
    assert _judge("02.4", _solution("02.4") * 1000)[1] == ex02.HINT_02_4_METRES
    swapped = maps.great_circle_km(baku["lat"], baku["lon"], tel_aviv["lat"], tel_aviv["lon"])
    assert _judge("02.4", swapped)[1] == ex02.HINT_02_4_SWAPPED


def _part(message: str, name: str) -> str:
    return next(line for line in message.splitlines() if f" {name}:" in line)


def test_02_5_checks_each_part_of_the_map():
    straight = _routes(npts=0)
    ok, message = _judge("02.5", (_map(straight), straight))
    assert not ok and ex02.HINT_02_5_STRAIGHT in _part(message, "geodesics")
    in_degrees = _routes(crs="EPSG:4326")
    ok, message = _judge("02.5", (_map(in_degrees, countries_crs="EPSG:4326"), in_degrees))
    assert not ok and ex02.HINT_02_5_CRS in message
    routes = _routes()
    ok, message = _judge("02.5", (_map(routes, countries_crs="EPSG:4326"), routes))
    assert not ok and ex02.HINT_02_5_COUNTRIES in _part(message, "countries")
    ok, message = _judge("02.5", (_map(_routes(crs="EPSG:3857")), routes))
    assert not ok and ex02.HINT_02_5_SAME_CRS in _part(message, "routes on the map")
    ok, message = _judge("02.5", (_map(routes, names=False), routes))
    assert not ok and "✗ names" in message and "Tel Aviv" in _part(message, "names")
    ok, message = _judge("02.5", (_map(routes, legend=False, title=False), routes))
    assert not ok and "✗ legend" in message and "✗ title" in message
    assert "✓ geodesics" in message  # per-part: what is right is said to be right
    assert not _judge("02.5", _map(routes))[0]  # the figure alone: (fig, routes) expected
