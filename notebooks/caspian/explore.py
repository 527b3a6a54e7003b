"""Interactive explorers that need no kernel and no network: events and alliances.

Each explorer is a `Vega-Lite <https://vega.github.io/vega-lite/>`_ chart built with Altair: a
JSON description of the charts, the data they show and how they react to the pointer and to
inputs. JupyterLab draws it with the Vega renderer it ships (so it works on Binder and offline),
and the course website draws the same JSON with copies of Vega, Vega-Lite and vega-embed kept in
``scripts/vendor/`` (see :data:`VENDOR_SCRIPTS`). No request leaves the machine: the data, the
base map (from ``data/geo/``, no tiles) and every filter travel inside the chart.

* :func:`events_explorer` — a timeline of the events linked to a map and a table: drag across
  the timeline to pick a period; click a status in the legend, or use the inputs under the chart
  (keyboard-usable), to filter all three views.
* :func:`alliances_explorer` — the ties between actors on a map of the region, with a date
  slider (ties active on that day, by the rule of :func:`caspian.network.active_at`) and a menu
  for the kind of tie.

Both return an :class:`Explorer`: leave it as the last line of a cell to show it. Its
``description`` is a text alternative (also what slides and plain-text viewers show), and its
``data`` is the table the chart embeds, so a lesson (or a test) can check what it shows.

Colours and shapes are those of the static figures: :data:`caspian.style.STATUS_COLORS` with
:data:`caspian.style.STATUS_MARKERS` for claim status, and :data:`caspian.network.RELATION_COLORS`
with :data:`caspian.network.STATUS_LINESTYLES` for ties.

Examples
--------
>>> from caspian import explore
>>> explorer = explore.events_explorer()          # doctest: +SKIP
>>> explorer                                      # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box, mapping
from shapely.geometry.polygon import orient

from caspian import data, maps, network, paths, plots, style

MIME_TYPE = "application/vnd.vegalite.v5+json"
"""The output type JupyterLab's bundled Vega renderer draws (Vega-Lite 5)."""

VENDOR_DIR: Path = paths.ROOT / "scripts" / "vendor"
"""Where the vendored JavaScript lives (copied unchanged from npm; licences beside each file)."""

VENDOR_SCRIPTS: list[str] = [
    "vega-5.33.1/vega.min.js",
    "vega-lite-5.20.1/vega-lite.min.js",
    "vega-embed-6.29.0/vega-embed.min.js",
]
"""The three files a web page loads (in this order, paths under :data:`VENDOR_DIR`)."""

EMBED_OPTIONS: dict = {"renderer": "svg", "actions": False}
"""vega-embed options: SVG (readable by screen readers and tests), no export menu (its "open in
editor" link would send the data to a web site)."""

SEED_DATE = plots.SEED_DATE
"""7 May 2012, the issue date of the seed article: day 0 of the alliances slider."""

MARKER_SHAPES: dict[str, str] = {
    "o": "circle", "s": "square", "^": "triangle-up", "D": "diamond", "v": "triangle-down",
    "P": "cross",
    # Vega has no filled X, hexagon or pentagon: SVG paths in Vega's unit box (-1..1).
    "X": ("M-0.35,0L-1,-0.65L-0.65,-1L0,-0.35L0.65,-1L1,-0.65L0.35,0L1,0.65L0.65,1"
          "L0,0.35L-0.65,1L-1,0.65Z"),
    "h": "M0,-1L0.87,-0.5L0.87,0.5L0,1L-0.87,0.5L-0.87,-0.5Z",
    "p": "M0,-1L0.95,-0.31L0.59,0.81L-0.59,0.81L-0.95,-0.31Z",
}
"""The Vega symbol for each matplotlib marker the course's static figures use."""

STATUS_SHAPES: dict[str, str] = {s: MARKER_SHAPES[m] for s, m in style.STATUS_MARKERS.items()}
"""Vega symbol for each claim status: the shapes of :data:`caspian.style.STATUS_MARKERS`."""

STROKE_DASHES: dict[str, list[int]] = {"solid": [1, 0], "dashed": [8, 4], "dotted": [2, 3]}
"""Vega dash arrays for the line styles of :data:`caspian.network.STATUS_LINESTYLES`."""

FONT_SIZE = 13
"""Text size in the explorers, in CSS pixels (about the 12 pt of the static figures on screen)."""

MAP_EXTENT: tuple[float, float, float, float] = (30.0, 64.0, 29.0, 57.0)
"""(lon_min, lon_max, lat_min, lat_max) of the explorers' map: from Cyprus and Israel to the
east coast of the Caspian, from the Gulf to Moscow. Smaller than :data:`caspian.maps.REGION_EXTENT`
so that the marks around Baku and Tehran can be told apart."""

NOT_ON_MAP_BOX: tuple[float, float, float, float] = (51.5, 63.6, 50.3, 56.8)
"""(lon_min, lon_max, lat_min, lat_max) of the "Not on this map" box, in the Kazakh steppe in
the map's top-right corner, where no event or actor of the course lies."""

DENIAL_TEXT: dict[str, str] = {
    "none found": "no denial found (the course searched; see the event's notes)",
    "not searched": "not searched: read nothing into the silence",
}
"""What the tooltip says when no one is recorded as denying an event, by ``denial_status``."""

SOURCE_LINE = "Data: course tables (data/*.csv); base map: Natural Earth (public domain)"


@dataclass
class Explorer:
    """A chart that shows itself in JupyterLab, plus its text alternative and its data.

    Attributes
    ----------
    chart : altair.TopLevelMixin
        The Altair chart (``.to_dict()`` gives the Vega-Lite JSON).
    description : str
        A text alternative: what the chart shows, in words.
    data : pandas.DataFrame
        The table of marks the chart embeds (events, or ties), as the browser receives it.
    """

    chart: alt.TopLevelMixin
    description: str
    data: pd.DataFrame = field(repr=False)

    def spec(self) -> dict:
        """The Vega-Lite JSON (a dict), validated against the Vega-Lite 5 schema."""
        return self.chart.to_dict()

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Only the Vega-Lite JSON and plain text: JupyterLab prefers HTML to Vega-Lite, so an
        # HTML copy here would hide the interactive chart.
        return ({MIME_TYPE: self.spec(), "text/plain": self.description},
                {MIME_TYPE: {"embed_options": EMBED_OPTIONS}})

    def to_html(self, vendor: str = "vendor", title: str = "Explorer") -> str:
        """A stand-alone web page showing the explorer with the vendored scripts.

        Parameters
        ----------
        vendor : str
            URL (relative to the page) of a folder holding a copy of :data:`VENDOR_DIR`.
        title : str
            The page title.
        """
        return page_html([self], vendor=vendor, title=title)


def embed_html(spec: dict, element_id: str, description: str = "") -> str:
    """The HTML that draws one Vega-Lite ``spec`` into a new ``<div id=element_id>``.

    The page must load :data:`VENDOR_SCRIPTS` first. The text alternative goes in a collapsed
    ``<details>`` under the chart.
    """
    payload = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
    options = json.dumps(EMBED_OPTIONS)
    text = ""
    if description:
        text = ('<details class="explorer-text"><summary>The explorer in words</summary>'
                f"<pre>{html.escape(description)}</pre></details>")
    return (f'<div class="vega-explorer" id="{element_id}"></div>{text}\n'
            f'<script type="application/json" id="{element_id}-spec">{payload}</script>\n'
            "<script>vegaEmbed('#" + element_id + "', JSON.parse(document.getElementById('"
            + element_id + f"-spec').textContent), {options})"
            ".then(function (r) { (window.vegaViews = window.vegaViews || {})['" + element_id
            + "'] = r.view; })"
            ".catch(function (e) { document.getElementById('" + element_id
            + "').textContent = 'The explorer could not be drawn: ' + e; });</script>\n")


def script_tags(vendor: str = "vendor") -> str:
    """``<script>`` tags loading :data:`VENDOR_SCRIPTS` from the folder URL ``vendor``."""
    return "\n".join(f'<script src="{vendor}/{name}"></script>' for name in VENDOR_SCRIPTS)


def page_html(explorers: list[Explorer], vendor: str = "vendor", title: str = "Explorer") -> str:
    """A stand-alone page with one or more explorers (each ``<div id="explorer-N">``)."""
    body = "".join(embed_html(e.spec(), f"explorer-{i}", e.description)
                   for i, e in enumerate(explorers))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title>\n{script_tags(vendor)}\n</head>"
            f"<body><h1>{html.escape(title)}</h1>\n{body}</body></html>\n")


# --- shared pieces -------------------------------------------------------------------------------


def _names(ids: object, lookup: pd.Series, empty: str) -> str:
    """``"irn;hezbollah"`` → ``"Islamic Republic of Iran; Hezbollah"`` (``empty`` if none)."""
    if pd.isna(ids) or not str(ids).strip():
        return empty
    return "; ".join(str(lookup.get(i, i)) for i in str(ids).split(";") if i)


def _source_titles(ids: object, sources: pd.DataFrame) -> str:
    """Source ids → "Publisher: Title" for each, joined by " | "."""
    titles = []
    for sid in str(ids).split(";"):
        if sid in sources.index:
            row = sources.loc[sid]
            titles.append(f"{row['publisher']}: {row['title']}")
    return " | ".join(titles)


def _date_label(date: pd.Timestamp, precision: str) -> str:
    if precision == "month":
        return f"{date:%B %Y} (month known, not the day)"
    if precision == "year":
        return f"{date:%Y} (year known, not the month)"
    return f"{date.day} {date:%B %Y} (exact day)"


def _polygon_feature(geom, **properties) -> dict:
    """A GeoJSON feature ready for Vega: densified (so edges follow parallels once projected)
    and with rings wound clockwise, as d3-geo expects (the opposite of RFC 7946)."""
    geom = shapely.segmentize(geom, 0.5)
    parts = getattr(geom, "geoms", [geom])
    wound = [orient(p, sign=-1.0) for p in parts]
    out = wound[0] if len(wound) == 1 else shapely.MultiPolygon(wound)
    return {"type": "Feature", "geometry": mapping(shapely.set_precision(out, 0.001)),
            "properties": properties}


def base_map_layers(extent: tuple[float, float, float, float] = MAP_EXTENT,
                    tolerance: float = 0.04) -> list[alt.Chart]:
    """The base map as Vega-Lite layers: sea (the extent), countries, and the off-map box.

    Countries come from ``data/geo/countries.geojson`` (Natural Earth), clipped to ``extent``
    and simplified by ``tolerance`` degrees to keep the page light (about 60 kB).
    """
    countries = maps.load_countries()
    lon0, lon1, lat0, lat1 = extent
    features = []
    for row in countries.itertuples():
        geom = shapely.clip_by_rect(row.geometry, lon0, lat0, lon1, lat1)
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
        if not geom.is_empty and geom.area > 0:
            features.append(_polygon_feature(geom, name=str(row.name)))
    sea = _polygon_feature(box(lon0, lat0, lon1, lat1), name="sea")
    bx0, bx1, by0, by1 = NOT_ON_MAP_BOX
    off = _polygon_feature(box(bx0, by0, bx1, by1), name="Not on this map")
    return [
        alt.Chart(alt.Data(values=[sea])).mark_geoshape(
            fill=style.MAP_COLORS["sea"], stroke=None, tooltip=False),
        alt.Chart(alt.Data(values=features)).mark_geoshape(
            fill=style.MAP_COLORS["land"], stroke=style.MAP_COLORS["border"], strokeWidth=0.6
        ).encode(tooltip=alt.Tooltip("properties.name:N", title="Country")),
        alt.Chart(alt.Data(values=[off])).mark_geoshape(
            fill="white", stroke="#444444", strokeWidth=1, tooltip=False),
        alt.Chart(alt.Data(values=[{"lon": (bx0 + bx1) / 2, "lat": by1 - 0.6,
                                    "text": "Not on this map"}])).mark_text(
            fontSize=FONT_SIZE, fontWeight="bold", baseline="top").encode(
            longitude="lon:Q", latitude="lat:Q", text="text:N"),
    ]


def _inside(lon: pd.Series, lat: pd.Series, extent: tuple[float, float, float, float]) -> pd.Series:
    lon0, lon1, lat0, lat1 = extent
    return lon.between(lon0, lon1) & lat.between(lat0, lat1)


def _box_rows(labels: list[str]) -> dict[str, float]:
    """The latitude of each row of the "Not on this map" box (top to bottom)."""
    _, _, by0, by1 = NOT_ON_MAP_BOX
    step = (by1 - by0 - 2.0) / max(len(labels), 1)
    return {label: by1 - 2.0 - step * (i + 0.5) for i, label in enumerate(labels)}


def _sunflower(n: int, spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (dx, dy) spreading ``n`` marks around a point (a sunflower spiral), so events at
    the same place stay visible side by side; the first one sits on the point."""
    i = np.arange(n)
    r = spacing * np.sqrt(i)
    theta = i * np.deg2rad(137.508)
    return r * np.cos(theta), r * np.sin(theta)


def _status_scales() -> tuple[alt.Scale, alt.Scale]:
    order = plots.STATUS_ORDER
    return (alt.Scale(domain=order, range=[style.STATUS_COLORS[s] for s in order]),
            alt.Scale(domain=order, range=[STATUS_SHAPES[s] for s in order]))


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (chart.configure(font="sans-serif")
            .configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
            .configure_legend(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
            .configure_title(fontSize=FONT_SIZE + 3, anchor="start")
            .configure_view(stroke=None))


# --- events --------------------------------------------------------------------------------------


def events_table(events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The events as the explorer embeds them: one row per event, with readable fields.

    Parameters
    ----------
    events : DataFrame, optional
        As from :func:`caspian.data.load_events` (a filtered copy is fine). Default: all events.

    Returns
    -------
    DataFrame
        ``event_id``, ``date``, ``year``, ``date_label`` (the date and its precision),
        ``event_type``, ``status``, ``title``, ``place``, ``claimed_by``, ``alleged_perpetrator``,
        ``denied_by`` (full names), ``sources`` (titles), ``on_map`` and the mark's position
        ``map_lon``/``map_lat`` (nudged apart for events at one place; events outside the map
        go in the "Not on this map" box).

    Raises
    ------
    KeyError
        If a column the explorer needs is missing.
    """
    events = data.load_events() if events is None else events
    needed = {"event_id", "date", "date_precision", "event_type", "status", "title", "place_id",
              "claimed_by", "perpetrator_alleged", "denied_by", "source_ids"}
    missing = needed - set(events.columns)
    if missing:
        raise KeyError(f"events_explorer() needs the column(s) {sorted(missing)} of "
                       f"data/events.csv; got {list(events.columns)}")
    names = data.load_actors().set_index("actor_id")["name"]
    sources = data.load_sources().set_index("source_id")
    places = data.load_places().set_index("place_id")
    ev = events.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)
    place = places.reindex(ev["place_id"]).reset_index(drop=True)
    table = pd.DataFrame({
        "event_id": ev["event_id"].astype(str),
        "date": ev["date"],
        "year": ev["date"].dt.year.astype(int),
        "date_label": [_date_label(d, str(p)) for d, p in zip(ev["date"], ev["date_precision"],
                                                            strict=True)],
        "event_type": ev["event_type"].astype(str),
        "status": ev["status"].astype(str),
        "title": ev["title"].astype(str),
        "place": place["name"].fillna("unknown place") + " (" + place["country"].fillna("?") + ")",
        "claimed_by": [_names(x, names, "no one recorded") for x in ev["claimed_by"]],
        "alleged_perpetrator": [_names(x, names, "none named") for x in ev["perpetrator_alleged"]],
        "denied_by": [_names(x, names, DENIAL_TEXT.get(str(d), "no denial in the table"))
                      for x, d in zip(ev["denied_by"], ev.get("denial_status", ev["denied_by"]),
                                      strict=True)],
        "sources": [_source_titles(x, sources) for x in ev["source_ids"]],
        "lon": place["lon"], "lat": place["lat"],
    })
    table["on_map"] = _inside(table["lon"], table["lat"], MAP_EXTENT)
    table["map_lon"], table["map_lat"] = table["lon"], table["lat"]
    for _, group in table[table["on_map"]].groupby("place", sort=False):
        dx, dy = _sunflower(len(group), 0.5)
        table.loc[group.index, "map_lon"] = group["lon"] + dx
        table.loc[group.index, "map_lat"] = group["lat"] + dy
    off = table[~table["on_map"]]
    rows = _box_rows(list(dict.fromkeys(off["place"])))
    bx0 = NOT_ON_MAP_BOX[0]
    for place_name, group in off.groupby("place", sort=False):
        table.loc[group.index, "map_lat"] = rows[place_name]
        table.loc[group.index, "map_lon"] = bx0 + 0.9 + 0.9 * np.arange(len(group))
    return table.drop(columns=["lon", "lat"])


def _events_description(table: pd.DataFrame, lanes: list[str]) -> str:
    first, last = table["date"].min(), table["date"].max()
    by_status = table["status"].value_counts()
    statuses = ", ".join(f"{by_status.get(s, 0)} {s}" for s in plots.STATUS_ORDER)
    off = table.loc[~table["on_map"], "place"].unique()
    busiest = table["place"].value_counts()
    return (
        f"Events explorer: {len(table)} events from {first:%B %Y} to {last:%B %Y}. "
        f"Top: a timeline, one mark per event, in lanes by event type ({', '.join(lanes)}); "
        f"colour and shape give the status of the claim ({statuses}); a dashed line marks the "
        "seed article (7 May 2012). Drag across the timeline to select a period; the map and "
        "the table below then show only the events of that period. Click a status in the "
        "legend, or use the inputs under the chart (From year, To year, Status), to filter "
        "further. Bottom left: a map of the region with one mark per event at its place "
        f"(marks at one place are spread around it; the busiest place is {busiest.index[0]} "
        f"with {busiest.iloc[0]} events); events outside the map ({', '.join(off)}) are listed "
        "in a box in its top-right corner. Bottom right: the selected events, oldest first "
        "(the first 14), with date and status. Hover over a mark for its title, date and how "
        "precise it is, place, who claims it, who is alleged to be behind it, who denied it, "
        f"its status and the titles of its sources. {SOURCE_LINE}.")


def _event_filters(period, legend_status, controls: str):
    """Filter transforms shared by the map and the table: brushed period, legend, inputs."""
    return [alt.FilterTransform(filter=period), alt.FilterTransform(filter=legend_status),
            alt.FilterTransform(filter=controls)]


def events_explorer(events: pd.DataFrame | None = None, *, width: int = 720) -> Explorer:
    """A timeline of events linked to a map and a table; works with no kernel and no network.

    Drag across the timeline to select a period (double-click to clear); the map and the table
    show the events of that period. Clicking a status in the legend (shift-click for several)
    and the keyboard-usable inputs under the chart (From year, To year, Status) filter the map
    and the table too; on the timeline, filtered-out events fade.

    Parameters
    ----------
    events : DataFrame, optional
        As from :func:`caspian.data.load_events` (possibly filtered). Default: all events.
    width : int
        Width of the timeline in pixels; the map and the table share it below.

    Returns
    -------
    Explorer
        Shows itself as the last line of a cell. ``.data`` is :func:`events_table`;
        ``.description`` the text alternative. Vega names the map's event marks
        ``map_events_marks`` and the timeline's ``timeline_events_marks``.
    """
    table = events_table(events)
    lanes = plots.lane_order(events if events is not None else data.load_events(), "event_type")
    lanes = [x for x in lanes if x in set(table["event_type"])]
    color_scale, shape_scale = _status_scales()
    first, last = int(table["year"].min()), int(table["year"].max())

    period = alt.selection_interval(encodings=["x"], name="period")
    legend_status = alt.selection_point(fields=["status"], bind="legend", name="legend_status")
    from_year = alt.param(name="from_year", value=first, bind=alt.binding_range(
        min=first, max=last, step=1, name="From year "))
    to_year = alt.param(name="to_year", value=last, bind=alt.binding_range(
        min=first, max=last, step=1, name="To year "))
    status_menu = alt.param(name="status_menu", value="all", bind=alt.binding_select(
        options=["all", *plots.STATUS_ORDER], name="Status "))
    controls = ("datum.year >= from_year && datum.year <= to_year && "
                "(status_menu == 'all' || datum.status == status_menu)")
    shown = {"and": [{"param": "legend_status", "empty": True}, controls]}

    tooltip = [alt.Tooltip("title:N", title="Event"),
               alt.Tooltip("date_label:N", title="Date"),
               alt.Tooltip("place:N", title="Place"),
               alt.Tooltip("event_type:N", title="Type"),
               alt.Tooltip("status:N", title="Status of the claim"),
               alt.Tooltip("claimed_by:N", title="Claimed by"),
               alt.Tooltip("alleged_perpetrator:N", title="Alleged perpetrator"),
               alt.Tooltip("denied_by:N", title="Denied by"),
               alt.Tooltip("sources:N", title="Sources")]
    marks = {"filled": True, "stroke": "black", "strokeWidth": 0.6, "size": 110}
    color = alt.Color("status:N", scale=color_scale, title="Status (click to filter)")
    shape = alt.Shape("status:N", scale=shape_scale, title="Status (click to filter)")

    points = alt.Chart(table).mark_point(**marks).encode(
        x=alt.X("date:T", title="Date (year); drag to select a period",
                axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0)),
        y=alt.Y("event_type:N", sort=lanes, title="Event type"),
        color=color, shape=shape,
        opacity=alt.OpacityValue(0.12, condition={"test": shown, "value": 0.95}),
        tooltip=tooltip,
    ).add_params(period, legend_status, from_year, to_year, status_menu).properties(
        name="timeline_events")
    seed = alt.Chart(pd.DataFrame({"date": [SEED_DATE], "text": ["seed article, 7 May 2012"]}))
    seed_rule = seed.mark_rule(strokeDash=[6, 4], color="#444444").encode(x="date:T")
    seed_text = seed.mark_text(align="left", dx=4, dy=-4, baseline="bottom", color="#444444",
                               fontSize=FONT_SIZE).encode(x="date:T", y=alt.value(0),
                                                          text="text:N")
    timeline = alt.layer(seed_rule, seed_text, points).properties(
        width=width, height=34 * len(lanes),
        title=f"{len(table)} events, {first}–{last}: drag across the timeline to pick a period")

    filters = _event_filters(period, legend_status, controls)
    on_map = alt.Chart(table).mark_point(**marks).encode(
        longitude="map_lon:Q", latitude="map_lat:Q", color=color, shape=shape, tooltip=tooltip,
    ).properties(name="map_events")
    on_map.transform = filters
    off_labels = (table[~table["on_map"]].groupby("place", sort=False)
                  .agg(map_lat=("map_lat", "first")).reset_index())
    off_labels["map_lon"] = NOT_ON_MAP_BOX[0] + 0.9 * 4.3
    off_labels["place"] = off_labels["place"].str.replace(r" \(\w+\)$", "", regex=True)
    labels = alt.Chart(off_labels).mark_text(
        align="left", baseline="middle", fontSize=FONT_SIZE - 1).encode(
        longitude="map_lon:Q", latitude="map_lat:Q", text="place:N")
    map_width = int(width * 0.5)
    height = int(map_width * 0.82)
    the_map = alt.layer(*base_map_layers(), labels, on_map).project(
        type="equirectangular").properties(
        width=map_width, height=height, title="Where: the selected events")

    rows = 14
    row_scale = alt.Scale(domain=list(range(rows + 1)))
    selected = alt.Chart(table).transform_filter(period).transform_filter(
        legend_status).transform_filter(controls)
    table_rows = selected.transform_window(
        row="row_number()", sort=[alt.SortField("date"), alt.SortField("event_id")]
    ).transform_filter(f"datum.row <= {rows}")
    columns = [("date", 0, 80, "Date"), ("title", 88, 170, "Event"),
               ("status", 266, 70, "Status")]
    cells = [alt.Chart(pd.DataFrame({"x": [c[1] for c in columns], "row": 0,
                                     "h": [c[3] for c in columns]})).mark_text(
        align="left", baseline="middle", fontSize=FONT_SIZE - 1, fontStyle="italic").encode(
        x=alt.X("x:Q", scale=None), y=alt.Y("row:O", axis=None, scale=row_scale), text="h:N")]
    for fld, x, limit, _ in columns:
        text = alt.Text("date:T", format="%d %b %Y") if fld == "date" else alt.Text(f"{fld}:N")
        cells.append(table_rows.mark_text(align="left", baseline="middle", limit=limit,
                                          fontSize=FONT_SIZE - 1).encode(
            x=alt.value(x), y=alt.Y("row:O", axis=None, scale=row_scale), text=text))
    count = selected.transform_aggregate(n="count()").transform_calculate(
        label=f"datum.n + ' events selected' + (datum.n > {rows} ? ' (first {rows} shown)' : '')"
    ).mark_text(align="left", baseline="top", fontSize=FONT_SIZE, fontWeight="bold").encode(
        x=alt.value(0), y=alt.value(height + 8), text="label:N")
    the_table = alt.layer(*cells, count).properties(
        width=width - map_width - 40, height=height,
        title="What: the selected events, oldest first").properties(name="event_table")

    chart = alt.vconcat(timeline, alt.hconcat(the_map, the_table, spacing=40)).properties(
        description=_events_description(table, lanes)[:300],
        title=alt.TitleParams("Events explorer", subtitle=SOURCE_LINE, anchor="start"))
    return Explorer(_config(chart), _events_description(table, lanes), table)


# --- alliances -----------------------------------------------------------------------------------

ALLIANCE_EXTENT: tuple[float, float, float, float] = (25.0, 75.0, 29.0, 57.0)
"""The alliances map: the extent of :func:`caspian.network.draw_map`, so actors sit where the
static map puts them."""

ALLIANCE_BOX: tuple[float, float, float, float] = (25.3, 33.9, 42.0, 56.6)
"""The "Not on this map" box of :func:`caspian.network.draw_map` (lon_min, lon_max, lat_min,
lat_max), for actors with no place in the data or one outside the map."""

FIRST_DAY = pd.Timestamp("1992-01-01")
"""The slider's first date: Azerbaijan became independent in 1991. Ties known from earlier
(Turkey in NATO, 1952) are active all along the slider."""


def _day(dates: pd.Series) -> pd.Series:
    """Whole days from the seed article (7 May 2012): negative before it; missing stays missing."""
    return (dates - SEED_DATE).dt.days.astype("Int64")


def alliances_tables(at: object | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ties and their ends as the alliances explorer embeds them.

    Returns
    -------
    ties : DataFrame
        One row per relation: ``relation_id``, the two actors' ids and full names, ``relation``
        (the kind of tie), ``status``, ``directed``, readable ``since``/``until``, ``sources``
        (titles), ``alleged_by`` (names), ``known_from_day`` and ``end_day`` (days from the seed
        article; ``end_day`` missing while the tie lasts) and the map position of both ends.
    ends : DataFrame
        Two rows per relation (one per actor) with the actor's name, kind and map position, for
        drawing the actors that have an active tie.
    """
    relations = data.load_relations()
    actors = data.load_actors()
    names = actors.set_index("actor_id")["name"]
    sources = data.load_sources().set_index("source_id")
    G = network.build_graph(relations, actors=actors)
    where = network.actor_locations(G, actors, data.load_places(), ALLIANCE_EXTENT)
    off = [a for a in where.index if not where.at[a, "on_map"]]
    bx0, bx1, by0, by1 = ALLIANCE_BOX
    step = (by1 - by0 - 1.6) / max(len(off), 1)
    for i, actor in enumerate(off):
        where.loc[actor, ["lon", "lat"]] = [bx1, by1 - 1.6 - step * (i + 0.5)]
    ties = pd.DataFrame({
        "relation_id": relations["relation_id"].astype(str),
        "actor_a": relations["actor_a"].astype(str),
        "actor_b": relations["actor_b"].astype(str),
        "a_name": relations["actor_a"].map(names).astype(str),
        "b_name": relations["actor_b"].map(names).astype(str),
        "relation": relations["relation"].astype(str),
        "status": relations["status"].astype(str),
        "directed": relations["directed"].astype(bool),
        "since": [f"{d:%-d %B %Y}" + ("" if pd.notna(s) else " (date of the earliest source)")
                  for d, s in zip(relations["known_from"], relations["start"], strict=True)],
        "until": [f"{d:%-d %B %Y}" if pd.notna(d) else "still in force in the sources"
                  for d in relations["end"]],
        "alleged_by": [_names(x, names, "—") for x in relations["alleged_by"]],
        "sources": [_source_titles(x, sources) for x in relations["source_ids"]],
        "known_from_day": _day(relations["known_from"]),
        "end_day": _day(relations["end"]),
    })
    for end in ("a", "b"):
        ids = ties[f"actor_{end}"]
        ties[f"{end}_lon"] = ids.map(where["lon"]).astype(float)
        ties[f"{end}_lat"] = ids.map(where["lat"]).astype(float)
        ties[f"{end}_on_map"] = ids.map(where["on_map"]).astype(bool)
    kinds = actors.set_index("actor_id")["kind"]
    short = (actors.set_index("actor_id")["short_name"] if "short_name" in actors
             else names)
    ends = pd.concat([
        pd.DataFrame({"relation_id": ties["relation_id"], "actor": ties[f"actor_{e}"],
                      "name": ties[f"{e}_name"], "short": ties[f"actor_{e}"].map(short).astype(str),
                      "kind": ties[f"actor_{e}"].map(kinds).astype(str),
                      "lon": ties[f"{e}_lon"], "lat": ties[f"{e}_lat"],
                      "on_map": ties[f"{e}_on_map"], "relation": ties["relation"],
                      "known_from_day": ties["known_from_day"], "end_day": ties["end_day"]})
        for e in ("a", "b")], ignore_index=True)
    off_map = ends["on_map"] == False  # noqa: E712  (a boolean column)
    ends["label_lon"] = ends["lon"].where(~off_map, bx0 + 0.8)
    return ties, ends


def _alliances_description(ties: pd.DataFrame, at: pd.Timestamp, active: pd.DataFrame) -> str:
    kinds = active["relation"].value_counts()
    listing = "; ".join(f"{r.a_name} – {r.b_name} ({r.relation}, {r.status})"
                        for r in active.itertuples())
    return (
        f"Alliances explorer: a map of the region with the {len(ties)} ties of the relations "
        "table between actors placed at their capital or base (actors with no place, or one "
        "off the map, are listed in the 'Not on this map' box on the left). A slider under the "
        "map picks a date, in days after the seed article (7 May 2012; negative before it): "
        "only the ties known from on or before that date and not yet ended are drawn. A menu "
        "picks one kind of tie. Colour gives the kind of tie, the line style its status "
        "(solid official, dashed reported, dotted alleged); actor shapes give the kind of "
        f"actor. Hover over a line for both actors' full names, the kind of tie, its dates "
        f"and sources. On {at:%-d %B %Y} (the date it opens at) it shows {len(active)} ties ("
        + ", ".join(f"{n} {k}" for k, n in kinds.items()) + f"): {listing}. {SOURCE_LINE}.")


def alliances_explorer(at: object | None = None, *, width: int = 720) -> Explorer:
    """The ties between actors on a map, with a date slider and a kind-of-tie menu.

    Parameters
    ----------
    at : date-like, optional
        The date the slider starts at (default: the seed article's, 7 May 2012). The map shows
        the ties :func:`caspian.network.active_at` keeps for that date.
    width : int
        Width of the map in pixels.

    Returns
    -------
    Explorer
        ``.data`` is the ties table (see :func:`alliances_tables`); ``.description`` the text
        alternative, listing the ties active on ``at``. Vega names the tie marks
        ``alliance_ties_marks`` and the slider's signal ``day``.
    """
    at = SEED_DATE if at is None else pd.Timestamp(at)
    ties, ends = alliances_tables()
    start_day = int((FIRST_DAY - SEED_DATE).days)
    last = max(ties["known_from_day"].max(), ties["end_day"].max())
    last_day = int(max(last, (at - SEED_DATE).days))
    day0 = int((at - SEED_DATE).days)
    if not start_day <= day0 <= last_day:
        latest = (SEED_DATE + pd.Timedelta(days=last_day)).date()
        raise ValueError(f"alliances_explorer(at={at.date()}): pick a date between "
                         f"{FIRST_DAY.date()} and {latest}")
    day = alt.param(name="day", value=day0, bind=alt.binding_range(
        min=start_day, max=last_day, step=1,
        name="Date, in days after 7 May 2012 (negative: before) "))
    kinds = sorted(ties["relation"].unique(), key=list(network.RELATION_COLORS).index)
    kind = alt.param(name="kind", value="all", bind=alt.binding_select(
        options=["all", *kinds], name="Kind of tie "))
    active = ("datum.known_from_day <= day && (!isValid(datum.end_day) || day < datum.end_day)"
              " && (kind == 'all' || datum.relation == kind)")

    rel_scale = alt.Scale(domain=kinds, range=[network.RELATION_COLORS[k] for k in kinds])
    statuses = list(network.STATUS_LINESTYLES)
    dash_scale = alt.Scale(domain=statuses,
                           range=[STROKE_DASHES[network.STATUS_LINESTYLES[s]] for s in statuses])
    lines = alt.Chart(ties).transform_filter(active).mark_rule(strokeWidth=2.6).encode(
        longitude="a_lon:Q", latitude="a_lat:Q", longitude2="b_lon:Q", latitude2="b_lat:Q",
        color=alt.Color("relation:N", scale=rel_scale, title="Kind of tie"),
        strokeDash=alt.StrokeDash("status:N", scale=dash_scale, title="Status of the tie"),
        tooltip=[alt.Tooltip("a_name:N", title="Actor"), alt.Tooltip("b_name:N", title="and"),
                 alt.Tooltip("relation:N", title="Kind of tie"),
                 alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("since:N", title="Known from"), alt.Tooltip("until:N", title="Until"),
                 alt.Tooltip("alleged_by:N", title="Alleged by"),
                 alt.Tooltip("sources:N", title="Sources")],
    ).add_params(day, kind).properties(name="alliance_ties")
    kind_names = list(network.KIND_STYLES)
    node_base = alt.Chart(ends).transform_filter(active).transform_aggregate(
        ties="count()", lon="min(lon)", lat="min(lat)", label_lon="min(label_lon)",
        groupby=["actor", "name", "short", "kind"])
    nodes = node_base.mark_point(filled=True, size=150, stroke="black", strokeWidth=0.8,
                                 opacity=1).encode(
        longitude="label_lon:Q", latitude="lat:Q",
        fill=alt.Fill("kind:N", title="Kind of actor", scale=alt.Scale(
            domain=kind_names, range=[network.KIND_STYLES[k][0] for k in kind_names])),
        shape=alt.Shape("kind:N", title="Kind of actor", scale=alt.Scale(
            domain=kind_names, range=[MARKER_SHAPES[network.KIND_STYLES[k][1]]
                                      for k in kind_names])),
        tooltip=[alt.Tooltip("name:N", title="Actor"), alt.Tooltip("kind:N", title="Kind"),
                 alt.Tooltip("ties:Q", title="Ties shown")],
    ).properties(name="alliance_actors")
    names = node_base.mark_text(align="left", dx=9, fontSize=FONT_SIZE - 1, limit=150).encode(
        longitude="label_lon:Q", latitude="lat:Q", text="short:N")
    bx0, bx1, by0, by1 = ALLIANCE_BOX
    frame = _polygon_feature(box(bx0, by0, bx1, by1), name="Not on this map")
    box_layers = [
        alt.Chart(alt.Data(values=[frame])).mark_geoshape(fill="white", stroke="#444444",
                                                        tooltip=False),
        alt.Chart(alt.Data(values=[{"lon": (bx0 + bx1) / 2, "lat": by1 - 0.3,
                                    "text": "Not on this map"}])).mark_text(
            fontSize=FONT_SIZE, fontWeight="bold", baseline="top").encode(
            longitude="lon:Q", latitude="lat:Q", text="text:N"),
    ]
    caption = alt.Chart(ties).transform_filter(active).transform_aggregate(
        n="count()").transform_calculate(
        text=("'Ties active on ' + timeFormat(datetime(2012, 4, 7 + day), '%-d %B %Y') + ': '"
              " + datum.n + (kind == 'all' ? '' : ' (' + kind + ')')")).mark_text(
        align="left", baseline="top", fontSize=FONT_SIZE + 2, fontWeight="bold").encode(
        x=alt.value(0), y=alt.value(-22), text="text:N")
    map_layers = base_map_layers(ALLIANCE_EXTENT)[:2]
    chart = alt.layer(*map_layers, *box_layers, lines, nodes, names, caption).project(
        type="equirectangular").properties(
        width=width, height=int(width * 0.56),
        title=alt.TitleParams("Alliances explorer: move the slider to change the date",
                              subtitle=SOURCE_LINE, anchor="start", offset=28),
        description="Alliances explorer: ties between actors on a map, with a date slider "
                    "and a kind-of-tie menu.")
    active_now = network.active_at(data.load_relations(), at)["relation_id"]
    shown = ties[ties["relation_id"].isin(set(active_now))]
    return Explorer(_config(chart), _alliances_description(ties, at, shown), ties)
