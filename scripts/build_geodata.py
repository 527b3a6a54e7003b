"""Rebuild the course's offline base map in ``data/geo/`` from Natural Earth.

Source: the npm package ``world-atlas`` (Mike Bostock's TopoJSON redistribution of Natural Earth
4.1.0; Natural Earth is in the public domain, the package is ISC-licensed). The version and the
tarball's checksum are pinned below, so every rebuild starts from the same bytes.

Outputs (all deterministic, so ``git diff`` shows nothing after a rebuild; every edge is split to
at most 0.1° so the layers project correctly, see ``MAX_SEGMENT_DEG``):

``countries.geojson``
    Natural Earth admin-0 countries (1:10m) clipped to the course region, with ``iso_a3``
    (ISO 3166-1 alpha-3; empty for areas without a code such as Baikonur or Northern Cyprus),
    ``iso_n3`` (the numeric code world-atlas carries), ``name`` and ``clipped`` (true when the
    country reaches beyond the region, e.g. Russia and Kazakhstan).
``land.geojson``
    All land in the region as one feature (the union of the countries).
``caspian.geojson``
    The Caspian Sea as one polygon: the hole in the land layer around 51°E 42°N, minus islands.
``country_bounds.csv``
    ``iso_a3,name,min_lon,min_lat,max_lon,max_lat`` of every country's *full* (unclipped)
    outline, rounded outwards to 4 decimals; the data loader uses it to spot swapped lat/lon.

Usage::

    python scripts/build_geodata.py                  # fetch the pinned package with `npm pack`
    python scripts/build_geodata.py --source DIR     # use an unpacked copy (DIR/countries-10m.json)
    python scripts/build_geodata.py --out OTHER_DIR  # write somewhere else (the tests do this)
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import math
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point, Polygon, mapping

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "geo"

PACKAGE = "world-atlas"
VERSION = "2.0.2"
INTEGRITY = ("sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHc"
             "Ya5ChG0LQ==")
"""The tarball's checksum as the npm registry publishes it (``npm view world-atlas@2.0.2 dist``)."""

SOURCE_FILE = "countries-10m.json"
"""Natural Earth 1:10m admin-0 countries; its ``land`` object is the union of the countries."""

REGION = (25.0, 25.0, 75.0, 57.0)
"""(min_lon, min_lat, max_lon, max_lat) of the course region, as datapackage.json x-region-bbox."""

CASPIAN_SEED = (51.0, 42.0)
"""A point in the middle of the Caspian Sea: the land hole that contains it is the sea."""

DECIMALS = 4

MAX_SEGMENT_DEG = 0.1
"""Longest edge kept, in degrees. Clipping to :data:`REGION` leaves edges as long as the region
(Russia's northern edge runs from 37°E to 75°E with two vertices), and a projection moves only
vertices: an undensified edge becomes a straight chord and Russia's clipped area comes out about
18 % too big. Edges are split (``shapely.segmentize``) to at most 0.1° (about 11 km) before they
are stored, so every layer projects correctly; tests/test_maps.py checks that densifying further
changes no country's equal-area area by 0.5 % or more."""
"""Coordinates are rounded to 4 decimals (about 10 m); the source is quantized to about 400 m."""

# ISO 3166-1 numeric -> alpha-3 for every code world-atlas uses. The table is explicit so a rebuild
# never depends on another package's data; tests/test_gazetteer.py cross-checks it against GeoNames
# (data/gazetteer/) and spot-checks the codes of the region by hand.
ISO_NUMERIC_TO_ALPHA3 = dict(pair.split(":") for pair in """
004:AFG 008:ALB 010:ATA 012:DZA 016:ASM 020:AND 024:AGO 028:ATG 031:AZE 032:ARG 036:AUS 040:AUT
044:BHS 048:BHR 050:BGD 051:ARM 052:BRB 056:BEL 060:BMU 064:BTN 068:BOL 070:BIH 072:BWA 074:BVT
076:BRA 084:BLZ 086:IOT 090:SLB 092:VGB 096:BRN 100:BGR 104:MMR 108:BDI 112:BLR 116:KHM 120:CMR
124:CAN 132:CPV 136:CYM 140:CAF 144:LKA 148:TCD 152:CHL 156:CHN 158:TWN 162:CXR 166:CCK 170:COL
174:COM 175:MYT 178:COG 180:COD 184:COK 188:CRI 191:HRV 192:CUB 196:CYP 203:CZE 204:BEN 208:DNK
212:DMA 214:DOM 218:ECU 222:SLV 226:GNQ 231:ETH 232:ERI 233:EST 234:FRO 238:FLK 239:SGS 242:FJI
246:FIN 248:ALA 250:FRA 254:GUF 258:PYF 260:ATF 262:DJI 266:GAB 268:GEO 270:GMB 275:PSE 276:DEU
288:GHA 292:GIB 296:KIR 300:GRC 304:GRL 308:GRD 312:GLP 316:GUM 320:GTM 324:GIN 328:GUY 332:HTI
334:HMD 336:VAT 340:HND 344:HKG 348:HUN 352:ISL 356:IND 360:IDN 364:IRN 368:IRQ 372:IRL 376:ISR
380:ITA 384:CIV 388:JAM 392:JPN 398:KAZ 400:JOR 404:KEN 408:PRK 410:KOR 414:KWT 417:KGZ 418:LAO
422:LBN 426:LSO 428:LVA 430:LBR 434:LBY 438:LIE 440:LTU 442:LUX 446:MAC 450:MDG 454:MWI 458:MYS
462:MDV 466:MLI 470:MLT 474:MTQ 478:MRT 480:MUS 484:MEX 492:MCO 496:MNG 498:MDA 499:MNE 500:MSR
504:MAR 508:MOZ 512:OMN 516:NAM 520:NRU 524:NPL 528:NLD 531:CUW 533:ABW 534:SXM 535:BES 540:NCL
548:VUT 554:NZL 558:NIC 562:NER 566:NGA 570:NIU 574:NFK 578:NOR 580:MNP 581:UMI 583:FSM 584:MHL
585:PLW 586:PAK 591:PAN 598:PNG 600:PRY 604:PER 608:PHL 612:PCN 616:POL 620:PRT 624:GNB 626:TLS
630:PRI 634:QAT 638:REU 642:ROU 643:RUS 646:RWA 652:BLM 654:SHN 659:KNA 660:AIA 662:LCA 663:MAF
666:SPM 670:VCT 674:SMR 678:STP 682:SAU 686:SEN 688:SRB 690:SYC 694:SLE 702:SGP 703:SVK 704:VNM
705:SVN 706:SOM 710:ZAF 716:ZWE 724:ESP 728:SSD 729:SDN 732:ESH 740:SUR 744:SJM 748:SWZ 752:SWE
756:CHE 760:SYR 762:TJK 764:THA 768:TGO 772:TKL 776:TON 780:TTO 784:ARE 788:TUN 792:TUR 795:TKM
796:TCA 798:TUV 800:UGA 804:UKR 807:MKD 818:EGY 826:GBR 831:GGY 832:JEY 833:IMN 834:TZA 840:USA
850:VIR 854:BFA 858:URY 860:UZB 862:VEN 876:WLF 882:WSM 887:YEM 894:ZMB
""".split())


# --- Fetching the source ---------------------------------------------------------------------


def _sha512_integrity(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def fetch_package(cache_dir: Path) -> Path:
    """Download the pinned tarball with ``npm pack`` (once) and unpack it; return the folder.

    The tarball is kept in ``cache_dir``, so a second run needs no network. Raises
    ``RuntimeError`` when npm is missing or the registry cannot be reached, and when the
    tarball's checksum is not the pinned one.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    tarball = cache_dir / f"{PACKAGE}-{VERSION}.tgz"
    if not tarball.is_file() or _sha512_integrity(tarball) != INTEGRITY:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is not installed: install Node.js, or pass --source DIR")
        done = subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=cache_dir,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0 or not tarball.is_file():
            raise RuntimeError(f"`npm pack {PACKAGE}@{VERSION}` failed: {done.stderr.strip()}")
    if _sha512_integrity(tarball) != INTEGRITY:
        raise RuntimeError(f"{tarball} does not match the pinned checksum {INTEGRITY}")
    unpacked = cache_dir / f"{PACKAGE}-{VERSION}"
    if not (unpacked / "package" / SOURCE_FILE).is_file():
        with tarfile.open(tarball) as tar:
            tar.extractall(unpacked, filter="data")
    return unpacked / "package"


# --- Geometry --------------------------------------------------------------------------------


def _clean(geom):
    """Repair a polygon (quantized TopoJSON has tiny self-intersections) and keep only polygons."""
    geom = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    parts = getattr(geom, "geoms", [geom])
    polys = [g for g in parts if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if len(polys) != 1 else polys[0]


def _densify_clip(geom):
    """Clip to :data:`REGION`, then split every edge to at most :data:`MAX_SEGMENT_DEG`."""
    return shapely.segmentize(shapely.clip_by_rect(geom, *REGION), MAX_SEGMENT_DEG)


def _canonical(geom):
    """Round, then give rings a canonical start and the RFC 7946 orientation (outer rings CCW)."""
    geom = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    geom = _clean(geom)
    return shapely.orient_polygons(shapely.normalize(geom), exterior_cw=False)


def _read_layers(source: Path) -> tuple[gpd.GeoDataFrame, object]:
    path = source / SOURCE_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: --source must be the unpacked world-atlas "
                                "package folder (the one that holds countries-10m.json)")
    countries = gpd.read_file(path, layer="countries").set_crs("EPSG:4326", allow_override=True)
    land = gpd.read_file(path, layer="land").geometry.iloc[0]
    return countries, land


def _iso(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = countries.rename(columns={"id": "iso_n3"})
    unknown = sorted(set(out["iso_n3"].dropna()) - set(ISO_NUMERIC_TO_ALPHA3))
    if unknown:
        raise ValueError(f"ISO numeric code(s) {unknown} are not in ISO_NUMERIC_TO_ALPHA3: "
                         "add them to the table in scripts/build_geodata.py")
    out["iso_a3"] = out["iso_n3"].map(ISO_NUMERIC_TO_ALPHA3)
    return out


def caspian_polygon(land) -> Polygon:
    """The land hole around :data:`CASPIAN_SEED`, minus the islands inside it."""
    seed = Point(CASPIAN_SEED)
    for part in land.geoms:
        for ring in part.interiors:
            hole = Polygon(ring)
            if hole.contains(seed):
                return _clean(hole.difference(land))
    raise ValueError(f"no hole in the land layer contains {CASPIAN_SEED}: is this world-atlas?")


def country_bounds(countries: gpd.GeoDataFrame) -> list[dict[str, object]]:
    """Full (unclipped) extent of every country with an ISO code, rounded outwards."""
    rows = []
    coded = countries.dropna(subset=["iso_a3"])
    coded = coded[~(coded.geometry.isna() | coded.geometry.is_empty)]
    for iso, group in sorted(coded.groupby("iso_a3"), key=lambda kv: kv[0]):
        minx, miny, maxx, maxy = group.total_bounds
        f = 10 ** DECIMALS
        rows.append({"iso_a3": iso, "name": sorted(group["name"])[0],
                     "min_lon": math.floor(minx * f) / f, "min_lat": math.floor(miny * f) / f,
                     "max_lon": math.ceil(maxx * f) / f, "max_lat": math.ceil(maxy * f) / f})
    return rows


# --- Writing ---------------------------------------------------------------------------------


def _geojson(features: list[tuple[dict, object]]) -> str:
    """A FeatureCollection with one feature per line (readable diffs), keys in a fixed order."""
    lines = []
    for props, geom in features:
        feature = {"type": "Feature", "properties": props, "geometry": mapping(geom)}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n")


def build(source: Path, out: Path) -> list[Path]:
    """Write every file of ``data/geo/`` into ``out``; return their paths."""
    countries, land = _read_layers(source)
    countries = _iso(countries)
    features = []
    for row in countries.sort_values(["name", "iso_n3"], na_position="last").itertuples():
        part = _canonical(_densify_clip(row.geometry))
        if part.is_empty or part.area == 0:
            continue
        minx, miny, maxx, maxy = row.geometry.bounds
        inside = REGION[0] <= minx and REGION[1] <= miny and maxx <= REGION[2] and maxy <= REGION[3]
        props = {"iso_a3": row.iso_a3 if isinstance(row.iso_a3, str) else None,
                 "iso_n3": row.iso_n3 if isinstance(row.iso_n3, str) else None,
                 "name": row.name, "clipped": not inside}
        features.append((props, part))

    land = _clean(_densify_clip(land))
    sea = caspian_polygon(land)
    files = {
        "countries.geojson": _geojson(features),
        "land.geojson": _geojson([({"name": "land"}, _canonical(land))]),
        "caspian.geojson": _geojson([({"name": "Caspian Sea"}, _canonical(sea))]),
    }
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, ["iso_a3", "name", "min_lon", "min_lat", "max_lon", "max_lat"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(country_bounds(countries))
    files["country_bounds.csv"] = buf.getvalue()

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        path = out / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path,
                        help="an unpacked world-atlas package folder (skips npm)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where to write the layers (default: data/geo/)")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "caspian-world-atlas",
                        help="where `npm pack` keeps the tarball (default: the system temp dir)")
    args = parser.parse_args(argv)
    try:
        source = args.source or fetch_package(args.cache)
        written = build(source, args.out)
    except (RuntimeError, FileNotFoundError, ValueError) as exc:
        print(f"build_geodata: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
