"""Base maps, map projections and distances for the Caspian region.

The layers are Natural Earth's 1:10m countries and land (public domain), clipped to the course
region and stored in ``data/geo/`` by ``scripts/build_geodata.py``; nothing is downloaded.

Three coordinate reference systems (CRS) are named here, because the right one depends on the
question:

* :data:`CRS_WGS84` — longitude/latitude in degrees: how the data is stored and places are given.
  Fine for drawing, wrong for areas and lengths (a "square degree" shrinks towards the poles).
* :data:`CRS_EQUAL_AREA` — Lambert azimuthal equal-area centred on the Caspian (50°E, 41°N), in
  metres: areas are true everywhere, lengths are close to true near the centre.
* :data:`CRS_LOCAL` — UTM zone 39N (EPSG:32639), in metres: lengths and distances around Baku.

Every projection here densifies first (``shapely.segmentize``): a projection moves vertices, not
the straight edges between them, so a long edge must be split before it is projected. Distances and
arcs are geodesics on the WGS 84 ellipsoid, computed by ``pyproj.Geod``.

Examples
--------
>>> from caspian import maps
>>> ax = maps.base_map(extent=maps.CASPIAN_EXTENT, title="The Caspian Sea")   # doctest: +SKIP
>>> round(maps.great_circle_km(0, 0, 1, 0), 2)     # one degree of longitude on the equator
111.32
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cache

import geopandas as gpd
import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pyproj
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from shapely.geometry import box

from caspian import paths, style

CRS_WGS84: str = "EPSG:4326"
"""Longitude/latitude on the WGS 84 ellipsoid, in degrees: the CRS of every file in ``data/``."""

CRS_EQUAL_AREA: str = "+proj=laea +lat_0=41 +lon_0=50 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
"""Lambert azimuthal equal-area centred at 50°E 41°N (the Caspian), in metres: use it for areas."""

CRS_LOCAL: str = "EPSG:32639"
"""UTM zone 39N (central meridian 51°E), in metres: use it for local distances around Baku."""

REGION_EXTENT: tuple[float, float, float, float] = (25.0, 75.0, 25.0, 57.0)
"""(lon_min, lon_max, lat_min, lat_max) of the course region: all the data in ``data/geo/``."""

CASPIAN_EXTENT: tuple[float, float, float, float] = (38.0, 62.0, 34.0, 50.0)
"""A closer view: the Caspian Sea, the South Caucasus and northern Iran."""

GEOD: pyproj.Geod = pyproj.Geod(ellps="WGS84")
"""The WGS 84 ellipsoid: :func:`great_circle_km` and :func:`draw_arcs` measure and draw on it."""

MAX_SEGMENT_DEG: float = 0.1
"""Edges are split to at most this many degrees (``shapely.segmentize``) before any projection."""

ARC_SPACING_KM: float = 20.0
"""Distance between the vertices of an arc drawn by :func:`draw_arcs`."""

CREDIT: str = "Base map: Natural Earth (public domain)"
"""The credit line :func:`base_map` writes in the corner of every map."""


# --- Loading the layers ------------------------------------------------------------------------


@cache
def _read(name: str) -> gpd.GeoDataFrame:
    return gpd.read_file(paths.data_file(f"geo/{name}.geojson")).set_crs(CRS_WGS84,
                                                                        allow_override=True)


@cache
def _drawn(name: str, crs: str) -> gpd.GeoDataFrame:
    """A layer projected to ``crs``, kept for drawing only (never handed out, so never changed).

    The stored layers are already dense; segmentizing again costs little and keeps this right if a
    layer with long edges is ever stored."""
    layer = _read(name).copy()
    layer["geometry"] = layer.geometry.segmentize(MAX_SEGMENT_DEG)
    return layer.to_crs(crs)


def load_countries() -> gpd.GeoDataFrame:
    """Countries of the region (Natural Earth 1:10m), clipped to :data:`REGION_EXTENT`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per country in EPSG:4326 with columns ``iso_a3`` (ISO 3166-1 alpha-3, e.g.
        ``"AZE"``; missing for areas without a code such as Baikonur), ``iso_n3``, ``name``,
        ``clipped`` (True when the country is cut at the edge of the region, e.g. Russia, so its
        area here is not the whole country's) and ``geometry``. A fresh copy on every call.

    Examples
    --------
    >>> countries = load_countries()
    >>> countries.loc[countries["iso_a3"] == "AZE", "name"].item()
    'Azerbaijan'
    """
    return _read("countries").copy()


def load_caspian() -> gpd.GeoDataFrame:
    """The Caspian Sea as one polygon (with the Kara-Bogaz-Gol bay, without islands), EPSG:4326."""
    return _read("caspian").copy()


def load_land() -> gpd.GeoDataFrame:
    """All land of the region as one (multi)polygon feature, EPSG:4326."""
    return _read("land").copy()


def to_points(frame: pd.DataFrame, lon: str = "lon", lat: str = "lat") -> gpd.GeoDataFrame:
    """Turn a table with longitude/latitude columns (e.g. the places table) into map points.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; it is not changed.
    lon, lat : str
        Names of the columns holding decimal degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        The same rows with a point ``geometry`` in EPSG:4326.
    """
    geometry = gpd.points_from_xy(frame[lon].astype(float), frame[lat].astype(float))
    return gpd.GeoDataFrame(frame.copy(), geometry=geometry, crs=CRS_WGS84)


# --- Distances ---------------------------------------------------------------------------------


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Length of the shortest path on the Earth between two points, in km.

    A thin wrapper over ``pyproj.Geod(ellps="WGS84").inv``: the geodesic on the WGS 84 ellipsoid
    (what "great circle" becomes when the Earth is not a perfect sphere). Lesson 02 writes the
    ``pyproj`` call by hand first; this only saves the unpacking and the metres-to-km step.
    Works with NumPy arrays or pandas Series too.

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : float or array-like
        Longitudes and latitudes of the two points, in decimal degrees (note: longitude first,
        as in x, y).

    Returns
    -------
    float or numpy.ndarray
        Distance in kilometres.

    Examples
    --------
    >>> round(great_circle_km(0, 0, 0, 1), 2)    # one degree of latitude at the equator
    110.57
    """
    args = [np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2)]
    _, _, metres = GEOD.inv(*np.broadcast_arrays(*args))
    km = np.asarray(metres) / 1000
    return float(km) if np.ndim(km) == 0 else km


def geodesic_points(start: tuple[float, float], end: tuple[float, float],
                    spacing_km: float = ARC_SPACING_KM) -> np.ndarray:
    """Points along the geodesic from ``start`` to ``end`` (both (lon, lat)), ends included.

    Uses ``GEOD.inv_intermediate``; consecutive points are at most ``spacing_km`` apart.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, 2)``: longitude, latitude in degrees.
    """
    (lon1, lat1), (lon2, lat2) = start, end
    line = GEOD.inv_intermediate(lon1, lat1, lon2, lat2, del_s=spacing_km * 1000,
                                 initial_idx=0, terminus_idx=0,
                                 return_back_azimuth=False)
    return np.column_stack([line.lons, line.lats])


# --- Drawing -----------------------------------------------------------------------------------


def _fill(ax: Axes, geoms: Iterable, **style_kw) -> None:
    """Fill (multi)polygons, holes included, as one matplotlib collection (fast)."""
    paths = []
    for polygon in shapely.get_parts(np.asarray(list(geoms), dtype=object)):
        rings = [polygon.exterior, *polygon.interiors]
        paths.append(Path.make_compound_path(
            *[Path(np.asarray(r.coords)[:, :2], closed=True) for r in rings]))
    ax.add_collection(PatchCollection([PathPatch(p) for p in paths], **style_kw))


def _lines(ax: Axes, geoms: Iterable, **style_kw) -> None:
    """Draw (multi)lines as one matplotlib collection."""
    parts = shapely.get_parts(np.asarray(list(geoms), dtype=object))
    ax.add_collection(LineCollection([np.asarray(p.coords)[:, :2] for p in parts], **style_kw))


def _extent_polygon(extent: Sequence[float], crs: str, step: float = 0.5) -> shapely.Polygon:
    """The lon/lat rectangle ``extent``, densified so it bends correctly when projected."""
    lon_min, lon_max, lat_min, lat_max = extent
    rect = shapely.segmentize(box(lon_min, lat_min, lon_max, lat_max), step)
    return gpd.GeoSeries([rect], crs=CRS_WGS84).to_crs(crs).iloc[0]


def _graticule(ax: Axes, crs: str, step: float) -> None:
    """Meridians and parallels every ``step`` degrees; on a projected map, labelled at the edges.

    Call it after the axes limits are set: labels go where the lines cross the top and left edges.
    """
    lon_min, lon_max, lat_min, lat_max = REGION_EXTENT
    lons = np.arange(math.ceil(lon_min / step) * step, lon_max + 1e-9, step)
    lats = np.arange(math.ceil(lat_min / step) * step, lat_max + 1e-9, step)
    meridians = [shapely.LineString([(x, y) for y in np.linspace(lat_min, lat_max, 60)])
                 for x in lons]
    parallels = [shapely.LineString([(x, y) for x in np.linspace(lon_min, lon_max, 60)])
                 for y in lats]
    lines = gpd.GeoSeries(meridians + parallels, crs=CRS_WGS84).to_crs(crs)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    _lines(ax, lines, color="#9a9a9a", linewidth=0.5, linestyle=":", zorder=4)
    if crs == CRS_WGS84:
        return
    top = shapely.LineString([(x0, y1 - 0.01 * (y1 - y0)), (x1, y1 - 0.01 * (y1 - y0))])
    left = shapely.LineString([(x0 + 0.01 * (x1 - x0), y0), (x0 + 0.01 * (x1 - x0), y1)])
    halo = [pe.withStroke(linewidth=3, foreground="white")]
    labelled = ([(line, v, top, "E") for line, v in zip(lines[:len(lons)], lons, strict=True)]
                + [(line, v, left, "N") for line, v in zip(lines[len(lons):], lats, strict=True)])
    for line, value, edge, suffix in labelled:
        hit = line.intersection(edge)
        if hit.is_empty:
            continue
        pt = hit.centroid
        ax.text(pt.x, pt.y, f"{value:g}°{suffix}", fontsize=style.MIN_FONT_SIZE, color="#444444",
                ha="center" if suffix == "E" else "left", va="top" if suffix == "E" else "center",
                zorder=5, path_effects=halo)


def _scale_bar(ax: Axes) -> None:
    """A bar of a round number of km in the lower left (only for CRSs in metres)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    km = max(k for k in (50, 100, 200, 250, 500, 1000, 2000) if k * 1000 <= (x1 - x0) / 4)
    x, y = x0 + 0.04 * (x1 - x0), y0 + 0.06 * (y1 - y0)
    ax.plot([x, x + km * 1000], [y, y], color="black", linewidth=4, solid_capstyle="butt",
            zorder=6)
    ax.text(x + km * 500, y + 0.015 * (y1 - y0), f"{km:,} km", ha="center", va="bottom",
            fontsize=style.MIN_FONT_SIZE, zorder=6,
            path_effects=[pe.withStroke(linewidth=3, foreground="white")])


def base_map(ax: Axes | None = None,
             extent: Sequence[float] = REGION_EXTENT,
             crs: str = CRS_WGS84,
             *,
             title: str | None = None,
             highlight: Iterable[str] = (),
             highlight_label: str = "highlighted",
             graticule_step: float = 5.0,
             figsize: tuple[float, float] = (10, 7)) -> Axes:
    """Draw land, the Caspian and other seas, and country borders; return the Axes.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Where to draw. Default: a new figure of size ``figsize``.
    extent : (lon_min, lon_max, lat_min, lat_max)
        The area to show, in degrees, whatever the CRS. Default: the whole course region.
    crs : str, default :data:`CRS_WGS84`
        The CRS to draw in. In degrees the axes are labelled in °E/°N; in a projected CRS
        (e.g. :data:`CRS_EQUAL_AREA`) the graticule is labelled on the map and a scale bar added.
        Anything you draw on top must be in the same CRS (``gdf.to_crs(crs)``).
    title : str, optional
        The figure's title: say what the map shows.
    highlight : iterable of str
        ISO alpha-3 codes of countries to fill with ``style.MAP_COLORS["highlight"]``.
    highlight_label : str
        What the highlight means; shown by ``ax.legend()``.
    graticule_step : float, default 5
        Degrees between meridians and between parallels.
    figsize : (width, height)
        Size of a new figure, in inches.

    Returns
    -------
    matplotlib.axes.Axes
        The map, with the credit :data:`CREDIT` in its lower-right corner. Its limits are
        fixed, so points drawn afterwards outside ``extent`` do not widen the view.

    Examples
    --------
    >>> ax = base_map(extent=CASPIAN_EXTENT, highlight=["AZE"])  # doctest: +SKIP
    """
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    colors = style.MAP_COLORS
    countries = _drawn("countries", crs)
    _fill(ax, [_extent_polygon(REGION_EXTENT, crs)], facecolor=colors["sea"], edgecolor="none",
          zorder=0)
    _fill(ax, _drawn("land", crs).geometry, facecolor=colors["land"], edgecolor="none", zorder=1)
    chosen = countries[countries["iso_a3"].isin(list(highlight))]
    if not chosen.empty:
        _fill(ax, chosen.geometry, facecolor=colors["highlight"], edgecolor="none", zorder=2)
        ax.fill([], [], color=colors["highlight"], label=highlight_label)  # legend entry only
    _lines(ax, countries.boundary, color=colors["border"], linewidth=0.6, zorder=3)
    _lines(ax, _drawn("caspian", crs).boundary, color="#5a8fb0", linewidth=0.6, zorder=3)

    xmin, ymin, xmax, ymax = _extent_polygon(extent, crs).bounds
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    _graticule(ax, crs, graticule_step)
    ax.set_autoscale_on(False)  # what you draw next must not move the map
    if crs == CRS_WGS84:
        ax.set_aspect(1 / math.cos(math.radians((extent[2] + extent[3]) / 2)))
        ax.xaxis.set_major_formatter(lambda v, _: f"{v:g}°E")
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:g}°N")
        ax.set_xlabel("Longitude")
        ax.set_ylabel("Latitude")
    else:
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"Projected map; dotted lines every {graticule_step:g}° of longitude "
                      "and latitude")
        ax.set_ylabel("North ↑")
        _scale_bar(ax)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(True)
    ax.text(0.99, 0.01, CREDIT, transform=ax.transAxes, ha="right", va="bottom",
            fontsize=style.MIN_FONT_SIZE, color="#444444", zorder=7,
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 2})
    if title:
        ax.set_title(title)
    return ax


def label_points(ax: Axes, points: gpd.GeoDataFrame, column: str = "name", *,
                 dx: float = 6, dy: float = 4) -> None:
    """Write each point's ``column`` next to it, with a white halo so it reads on any fill.

    ``points`` must already be in the map's CRS; ``dx``/``dy`` offset the text, in points.
    """
    for text, pt in zip(points[column], points.geometry, strict=True):
        ax.annotate(str(text), (pt.x, pt.y), xytext=(dx, dy), textcoords="offset points",
                    fontsize=style.MIN_FONT_SIZE, zorder=8, clip_on=True,
                    path_effects=[pe.withStroke(linewidth=3, foreground="white")])


def draw_arcs(ax: Axes, pairs: Iterable[tuple[tuple[float, float], tuple[float, float]]],
              crs: str = CRS_WGS84, *, bend: float = 0.0, color: str | None = None,
              linewidth: float = 2.0, alpha: float = 0.8, **kwargs) -> list:
    """Draw the geodesic (shortest path on the Earth) between each pair of lon/lat points.

    Each arc is a point every :data:`ARC_SPACING_KM` km along the geodesic on the WGS 84
    ellipsoid (:func:`geodesic_points`), projected to the map's CRS: the line is the real shortest
    path, wherever the map's projection makes it curve.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map, e.g. from :func:`base_map`.
    pairs : iterable of ((lon1, lat1), (lon2, lat2))
        Start and end of each arc, in degrees.
    crs : str, default :data:`CRS_WGS84`
        The map's CRS (the points are projected to it).
    bend : float, default 0
        0 draws the geodesic itself. A positive value bows the line to the left of its
        direction, by ``bend / 2`` of its length at the middle: a drawing aid that keeps two
        ties between the same places apart (lesson 05's network map); it is then *not* the path.
    color, linewidth, alpha, **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot`.

    Returns
    -------
    list of matplotlib.lines.Line2D
        One line per arc.
    """
    color = color or style.OKABE_ITO["vermillion"]
    to_map = pyproj.Transformer.from_crs(CRS_WGS84, crs, always_xy=True)
    lines = []
    for start, end in pairs:
        lonlat = geodesic_points(tuple(map(float, start)), tuple(map(float, end)))
        xx, yy = to_map.transform(lonlat[:, 0], lonlat[:, 1])
        curve = np.column_stack([xx, yy])
        if bend:
            chord = curve[-1] - curve[0]
            normal = np.array([-chord[1], chord[0]])  # the chord turned 90° to the left
            t = np.linspace(0, 1, len(curve))[:, None]
            curve = curve + 2 * t * (1 - t) * bend * normal
        lines += ax.plot(curve[:, 0], curve[:, 1], color=color, linewidth=linewidth,
                         alpha=alpha, zorder=6, **kwargs)
    return lines
