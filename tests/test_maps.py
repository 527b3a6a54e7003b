"""The offline base map (data/geo/) and the helpers in caspian.maps: the layers are right, the
rebuild script reproduces them byte for byte, and the drawing and distance helpers behave."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyproj  # noqa: E402
import pytest  # noqa: E402
from shapely.geometry import LineString, Point  # noqa: E402

from caspian import maps, paths  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "data" / "geo"
GEO_FILES = ["countries.geojson", "land.geojson", "caspian.geojson", "country_bounds.csv"]
LITTORAL = {"AZE", "IRN", "KAZ", "RUS", "TKM"}

TOUCH_TOLERANCE_KM = 1.0
"""How close a country must come to the sea polygon to count as touching it. The source is
quantized to about 0.4 km and rounded to about 0.01 km, so 1 km absorbs any seam between the two
outlines; the nearest non-littoral state (Uzbekistan) is about 100 km away, far outside it."""


def _build_module():
    spec = importlib.util.spec_from_file_location("build_geodata",
                                                  ROOT / "scripts" / "build_geodata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _places() -> pd.DataFrame:
    return pd.read_csv(paths.data_file("places.csv")).set_index("place_id")


def _country(iso: str, crs: str = maps.CRS_WGS84):
    countries = maps.load_countries().to_crs(crs)
    return countries.loc[countries["iso_a3"] == iso, "geometry"].item()


# --- The layers ------------------------------------------------------------------------------


def test_geo_files_exist_and_are_small():
    sizes = {name: (GEO / name).stat().st_size for name in GEO_FILES}
    assert sum(sizes.values()) <= 3 * 1024 * 1024, f"data/geo/ is too big: {sizes}"


def test_layers_are_wgs84_with_the_promised_columns():
    countries = maps.load_countries()
    assert countries.crs.to_epsg() == 4326
    assert {"iso_a3", "name", "clipped", "geometry"} <= set(countries.columns)
    assert maps.load_caspian().crs.to_epsg() == 4326
    assert maps.load_land().crs.to_epsg() == 4326
    assert countries["iso_a3"].dropna().is_unique


def test_loaders_return_copies():
    first = maps.load_countries()
    first.loc[:, "name"] = "changed"
    assert "changed" not in set(maps.load_countries()["name"])


def test_caspian_area_is_about_371000_km2():
    km2 = maps.load_caspian().to_crs(maps.CRS_EQUAL_AREA).area.sum() / 1e6
    assert km2 == pytest.approx(371_000, rel=0.10), f"Caspian polygon is {km2:,.0f} km²"


def test_caspian_has_islands_removed_and_no_land_overlap():
    sea = maps.load_caspian().to_crs(maps.CRS_EQUAL_AREA).geometry.item()
    land = maps.load_land().to_crs(maps.CRS_EQUAL_AREA).geometry.item()
    assert sea.intersection(land).area / 1e6 < 1.0  # km²: they only share the shoreline


@pytest.mark.parametrize("place, iso", [("baku", "AZE"), ("tehran", "IRN")])
def test_capital_lies_in_its_country(place, iso):
    row = _places().loc[place]
    assert _country(iso).contains(Point(row["lon"], row["lat"]))


def test_exactly_the_five_littoral_states_touch_the_sea():
    countries = maps.load_countries().to_crs(maps.CRS_EQUAL_AREA).dropna(subset=["iso_a3"])
    sea = maps.load_caspian().to_crs(maps.CRS_EQUAL_AREA).geometry.item()
    near = countries[countries.intersects(sea.buffer(TOUCH_TOLERANCE_KM * 1000))]
    assert set(near["iso_a3"]) == LITTORAL


def test_touch_tolerance_is_far_from_the_nearest_other_state():
    countries = maps.load_countries().to_crs(maps.CRS_EQUAL_AREA).dropna(subset=["iso_a3"])
    sea = maps.load_caspian().to_crs(maps.CRS_EQUAL_AREA).geometry.item()
    others = countries[~countries["iso_a3"].isin(LITTORAL)]
    assert others.distance(sea).min() / 1000 > 50 * TOUCH_TOLERANCE_KM


def test_country_bounds_cover_the_world_and_contain_their_capitals():
    with open(GEO / "country_bounds.csv", encoding="utf-8", newline="") as f:
        rows = {r["iso_a3"]: r for r in csv.DictReader(f)}
    assert len(rows) > 200
    assert {"USA", "GBR", "THA", "AZE", "ISR"} <= set(rows)
    places = _places()
    for place in ["baku", "tehran", "washington", "london", "bangkok", "astana"]:
        p = places.loc[place]
        b = {k: float(v) for k, v in rows[p["country"]].items() if k not in ("iso_a3", "name")}
        assert b["min_lon"] <= p["lon"] <= b["max_lon"] and b["min_lat"] <= p["lat"] <= b["max_lat"]


# --- The rebuild script ------------------------------------------------------------------------


ISO_SPOT_CHECKS = {"031": "AZE", "364": "IRN", "398": "KAZ", "643": "RUS", "795": "TKM",
                   "376": "ISR", "268": "GEO", "051": "ARM", "792": "TUR", "860": "UZB"}


def test_iso_table_spot_checks():
    table = _build_module().ISO_NUMERIC_TO_ALPHA3
    for numeric, alpha3 in ISO_SPOT_CHECKS.items():
        assert table[numeric] == alpha3


@pytest.fixture(scope="module")
def world_atlas() -> Path:
    """The pinned world-atlas package, fetched once and cached in the system temp dir."""
    build = _build_module()
    cache = Path(tempfile.gettempdir()) / "caspian-world-atlas"
    tarball = cache / f"{build.PACKAGE}-{build.VERSION}.tgz"
    if shutil.which("npm") is None and not tarball.is_file():
        pytest.skip("npm is not installed, so the world-atlas source cannot be fetched")
    try:
        return build.fetch_package(cache)
    except RuntimeError as exc:
        pytest.skip(f"world-atlas source unavailable (offline registry?): {exc}")


def test_rebuild_reproduces_data_geo_byte_for_byte(world_atlas, tmp_path):
    written = _build_module().build(world_atlas, tmp_path)
    assert sorted(p.name for p in written) == sorted(GEO_FILES)
    for name in GEO_FILES:
        assert (tmp_path / name).read_bytes() == (GEO / name).read_bytes(), \
            f"data/geo/{name} differs from a fresh build: run `make geodata` and commit"


def test_rebuild_reports_a_wrong_source_folder(tmp_path):
    assert _build_module().main(["--source", str(tmp_path), "--out", str(tmp_path / "o")]) == 1
    assert not (tmp_path / "o").exists()


# --- Drawing and distances ---------------------------------------------------------------------


@pytest.mark.parametrize("crs", [maps.CRS_WGS84, maps.CRS_EQUAL_AREA])
def test_base_map_returns_axes_with_title_and_credit(crs):
    maps.base_map(extent=maps.CASPIAN_EXTENT, crs=crs)  # warm the file cache
    plt.close("all")
    ax = maps.base_map(extent=maps.CASPIAN_EXTENT, crs=crs, title="The Caspian Sea",
                       highlight=["AZE"])
    ax.figure.canvas.draw()
    assert ax.get_title() == "The Caspian Sea"
    assert any(maps.CREDIT in t.get_text() for t in ax.texts)
    x0, x1 = ax.get_xlim()
    ax.plot([x0 - 1e9], [0])  # something far outside must not move the map
    assert ax.get_xlim() == (x0, x1)
    plt.close(ax.figure)


def test_great_circle_km_is_the_wgs84_geodesic():
    places = _places()
    (lon1, lat1), (lon2, lat2) = (places.loc[p, ["lon", "lat"]] for p in ("baku", "tehran"))
    _, _, metres = pyproj.Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
    assert maps.great_circle_km(lon1, lat1, lon2, lat2) == pytest.approx(metres / 1000, abs=1e-9)


def test_great_circle_known_values():
    assert maps.great_circle_km(0, 0, 1, 0) == pytest.approx(111.32, abs=0.01)  # equator
    assert maps.great_circle_km(0, 0, 0, 1) == pytest.approx(110.57, abs=0.01)  # flatter there
    assert maps.great_circle_km(49.9, 40.4, 49.9, 40.4) == 0
    both = maps.great_circle_km(np.array([0.0, 0.0]), 0, np.array([1.0, 0.0]), 0)
    assert both == pytest.approx([111.32, 0.0], abs=0.01)


# --- Densified layers and true geodesics (issue 13) --------------------------------------------


def test_every_clipped_country_is_dense_enough_to_project():
    """Densifying further (0.02° instead of the stored 0.1°) must not change any clipped country's
    equal-area area by 0.5 % or more: proof the stored edges bend correctly when projected. Before
    the layers were densified, Russia's clipped area was 18 % too big and this failed."""
    countries = maps.load_countries()
    clipped = countries[countries["clipped"]]
    assert len(clipped) >= 5
    stored = clipped.to_crs(maps.CRS_EQUAL_AREA).area
    denser = clipped.geometry.segmentize(0.02).to_crs(maps.CRS_EQUAL_AREA).area
    change = (stored / denser - 1).abs()
    worst = clipped.loc[change.idxmax(), "name"]
    assert change.max() < 0.005, f"{worst}: area changes by {change.max():.1%} when densified"


def test_drawn_layers_are_densified_before_projecting():
    drawn = maps._drawn("countries", maps.CRS_EQUAL_AREA)
    russia = drawn.loc[drawn["iso_a3"] == "RUS"].area.item() / 1e6
    assert russia == pytest.approx(2_213_700, rel=0.005)


ARC_ENDS = {"tel-aviv": ("baku", "tel-aviv"), "tehran": ("baku", "tehran")}


def _ends(key: str) -> tuple[tuple[float, float], tuple[float, float]]:
    places = _places()
    return tuple(tuple(places.loc[p, ["lon", "lat"]].astype(float)) for p in ARC_ENDS[key])


@pytest.mark.parametrize("key", sorted(ARC_ENDS))
@pytest.mark.parametrize("crs", [maps.CRS_WGS84, maps.CRS_EQUAL_AREA])
def test_drawn_arc_stays_within_1_km_of_the_geodesic(key, crs):
    """Every vertex of the drawn line, and the middle of every straight piece between two
    vertices, lies within 1 km of the WGS 84 geodesic (the old Bézier arcs bowed ~100 km off)."""
    start, end = _ends(key)
    fig, ax = plt.subplots()
    (line,) = maps.draw_arcs(ax, [(start, end)], crs=crs)
    plt.close(fig)
    xy = np.column_stack(line.get_data())
    assert xy[0] == pytest.approx(np.array(pyproj.Transformer.from_crs(
        maps.CRS_WGS84, crs, always_xy=True).transform(*start)), abs=1e-6)
    probes = np.vstack([xy, (xy[:-1] + xy[1:]) / 2])
    lon, lat = pyproj.Transformer.from_crs(crs, maps.CRS_WGS84, always_xy=True).transform(
        probes[:, 0], probes[:, 1])
    geod = pyproj.Geod(ellps="WGS84")
    azimuth, _, _ = geod.inv(*start, *end)
    along = geod.inv(np.full(len(lon), start[0]), np.full(len(lat), start[1]), lon, lat)[2]
    on_lon, on_lat, _ = geod.fwd(np.full(len(lon), start[0]), np.full(len(lat), start[1]),
                                 np.full(len(lon), azimuth), along)
    off_km = geod.inv(lon, lat, on_lon, on_lat)[2] / 1000
    assert off_km.max() < 1.0, f"the drawn {key} arc is {off_km.max():.1f} km off the geodesic"


BAKU_TEL_AVIV_CROSSES = {"Azerbaijan", "Iran", "Turkey", "Iraq", "Syria", "Jordan", "Israel",
                         "Palestine"}
"""Countries of the layer that the Baku–Tel Aviv geodesic crosses (a spatial predicate says so)."""


def test_countries_crossed_by_the_baku_tel_aviv_geodesic():
    line = LineString(maps.geodesic_points(*_ends("tel-aviv")))
    countries = maps.load_countries()
    assert set(countries.loc[countries.intersects(line), "name"]) == BAKU_TEL_AVIV_CROSSES


def test_lesson_02_prose_names_exactly_the_countries_the_geodesic_crosses():
    """The sentence in lesson 02 that says which countries the arc crosses names exactly those."""
    nb = json.loads((ROOT / "notebooks" / "02_geography.ipynb").read_text(encoding="utf-8"))
    marker = "Baku–Tel Aviv geodesic crosses"
    texts = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    hits = [t for t in texts if marker in t]
    assert hits, f"lesson 02 has no sentence with {marker!r}"
    sentence = hits[0].split(marker, 1)[1].split(".")[0]
    names = set(maps.load_countries()["name"])
    assert {n for n in names if n in sentence} == BAKU_TEL_AVIV_CROSSES, sentence


def test_draw_arcs_bend_bows_the_line_and_keeps_its_ends():
    fig, ax = plt.subplots()
    pairs = [((49.89, 40.38), (51.42, 35.69)), ((49.89, 40.38), (34.78, 32.08))]
    straight = maps.draw_arcs(ax, pairs)
    bowed = maps.draw_arcs(ax, pairs, bend=0.2)
    assert len(straight) == len(bowed) == 2
    for a, b in zip(straight, bowed, strict=True):
        xa, ya = a.get_data()
        xb, yb = b.get_data()
        assert (xb[0], yb[0], xb[-1], yb[-1]) == pytest.approx((xa[0], ya[0], xa[-1], ya[-1]))
        assert np.hypot(xb - xa, yb - ya).max() > 0.1  # degrees: it bends away from the path
    assert maps.draw_arcs(ax, []) == []
    plt.close(fig)
