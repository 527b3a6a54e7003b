"""The alliance network: the relations table as a graph, a matrix and a map.

Each row of ``data/relations.csv`` is one tie between two actors. :func:`build_graph` turns the
table into a :class:`networkx.MultiDiGraph`: one node per actor, one edge per row, keyed by its
``relation_id``, so two actors can share several ties (Israel and Azerbaijan have several).

How a row becomes an edge
-------------------------
* A **directed** row (``directed`` true: sponsor → proxy, supplier → buyer, member →
  organisation) is an edge ``actor_a → actor_b``.
* An **undirected** row (a rivalry, diplomatic relations) is stored *once*, also as
  ``actor_a → actor_b``, with the edge attribute ``directed=False``. So do not read the direction
  of an edge without looking at that attribute. For measures such as degree or betweenness, use
  :func:`to_undirected_simple`, which forgets directions and merges parallel ties.

Three views of the same graph: :func:`draw_network` (a node-link drawing),
:func:`relation_matrix` (an actor × actor table, e.g. for a heat map) and :func:`draw_map`
(small maps of the ties, one per group of kinds, as arcs on :func:`caspian.maps.base_map`).
Each view hides something; lesson 05 says what. Figures label actors by their ``short_name``
(:func:`label`), placed by :func:`place_labels` where they cover no other label, node or tie.

Examples
--------
>>> from caspian import data, network
>>> G = network.build_graph(data.load_relations(), actors=data.load_actors())
>>> G.nodes["aze"]["kind"]
'state'
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.lines import Line2D
from matplotlib.text import Text

from caspian import maps, style

_OI = style.OKABE_ITO

RELATION_COLORS: dict[str, str] = {
    "alliance/treaty": _OI["blue"],
    "strategic partnership": _OI["sky_blue"],
    "security cooperation": _OI["bluish_green"],
    "diplomatic relations": _OI["black"],
    "energy/trade tie": _OI["yellow"],
    "arms supply": _OI["orange"],
    "proxy/sponsorship": _OI["reddish_purple"],
    "rivalry/hostility": _OI["vermillion"],
}
"""Edge colour for each kind of tie (Okabe–Ito). Yellow lines get a dark outline to stay visible."""

STATUS_LINESTYLES: dict[str, str] = {
    "official": "solid",
    "reported": "dashed",
    "alleged": "dotted",
}
"""Line style for each relation status, so the standing of a tie never rests on colour."""

KIND_STYLES: dict[str, tuple[str, str]] = {
    "state": (_OI["sky_blue"], "o"),
    "government agency": (_OI["bluish_green"], "s"),
    "armed group": (_OI["vermillion"], "^"),
    "international organisation": (_OI["yellow"], "h"),
    "company": (_OI["orange"], "D"),
    "person": (_OI["reddish_purple"], "P"),
    "media outlet": ("#FFFFFF", "v"),
    "other": ("#FFFFFF", "p"),
}
"""Node (fill colour, marker) for each actor kind; every node has a black edge."""

COUNT_CMAP = LinearSegmentedColormap.from_list("ties", ["#FFFFFF", _OI["blue"]])
"""Colour map for tie counts in a :func:`relation_matrix` heat map: white (none) to blue."""

NODE_SIZE = 500
"""Node area in points² in :func:`draw_network`."""

_HALO = [pe.withStroke(linewidth=3, foreground="white")]


# --- From table to graph -------------------------------------------------------------------------


def active_at(relations: pd.DataFrame, at: object) -> pd.DataFrame:
    """Keep the relations active on the date ``at``.

    A tie is active when ``known_from <= at`` (the first day counts) and it has not ended:
    ``end`` is missing (ongoing) or ``at < end`` (on its end date it is over).

    Parameters
    ----------
    relations : DataFrame
        As from :func:`caspian.data.load_relations`. A table without ``known_from`` uses ``start``.
    at : date-like
        Anything :class:`pandas.Timestamp` accepts, e.g. ``"2012-05-07"``.

    Returns
    -------
    DataFrame
        The active rows (a filtered copy).
    """
    at = pd.Timestamp(at)
    known_from = relations["known_from"] if "known_from" in relations else relations["start"]
    started = known_from <= at
    not_ended = relations["end"].isna() | (at < relations["end"])
    return relations[started & not_ended].copy()


def _text(value: object) -> str | None:
    """A table cell as text, or None when it is empty."""
    return None if pd.isna(value) else str(value)


def build_graph(relations: pd.DataFrame, at: object | None = None,
                actors: pd.DataFrame | None = None) -> nx.MultiDiGraph:
    """Turn the relations table into a graph: one node per actor, one edge per row.

    Parameters
    ----------
    relations : DataFrame
        As from :func:`caspian.data.load_relations` (``relation_id``, ``actor_a``, ``actor_b``,
        ``relation``, ``directed``, ``start``, ``end``, ``status``, ``summary``, ``known_from``).
    at : date-like, optional
        Keep only the ties active on that date (see :func:`active_at`). Default: every row.
    actors : DataFrame, optional
        The actors table; when given, each node gets its ``name``, ``short_name`` (the label
        figures use; the full name when the table has no ``short_name``), ``kind`` and
        ``country``.

    Returns
    -------
    networkx.MultiDiGraph
        Edges ``actor_a → actor_b`` keyed by ``relation_id``, with attributes ``relation``,
        ``status``, ``directed``, ``start``, ``end``, ``known_from`` and ``summary``. An
        undirected row is stored once, as ``actor_a → actor_b`` with ``directed=False``.
        Only actors with at least one (active) tie are nodes.

    Examples
    --------
    >>> G = build_graph(data.load_relations(), at="2012-05-07")   # doctest: +SKIP
    >>> G.edges["isr", "aze", "R006"]["directed"]                  # doctest: +SKIP
    False
    """
    if at is not None:
        relations = active_at(relations, at)
    G = nx.MultiDiGraph()
    for row in relations.to_dict("records"):
        G.add_edge(row["actor_a"], row["actor_b"], key=row["relation_id"],
                   relation=str(row["relation"]), status=str(row["status"]),
                   directed=bool(row["directed"]), start=row["start"], end=row["end"],
                   known_from=row.get("known_from", row["start"]),
                   summary=_text(row.get("summary")))
    if actors is not None:
        info = actors.set_index("actor_id")
        for node in G.nodes:
            if node in info.index:
                name = _text(info.at[node, "name"])
                short = _text(info.at[node, "short_name"]) if "short_name" in info else None
                G.nodes[node].update(name=name, short_name=short or name,
                                     kind=_text(info.at[node, "kind"]),
                                     country=_text(info.at[node, "country"]))
    return G


def to_undirected_simple(G: nx.MultiDiGraph) -> nx.Graph:
    """Forget directions and merge parallel ties: one edge per pair of actors that are tied.

    Use it for measures (degree, betweenness, components) that count *who* is tied to whom,
    not *how often*.

    Returns
    -------
    networkx.Graph
        Same nodes and node attributes; each edge has ``weight`` (how many ties the pair has)
        and ``relation_ids`` (their ids).
    """
    H = nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    for a, b, rid in G.edges(keys=True):
        if H.has_edge(a, b):
            H[a][b]["weight"] += 1
            H[a][b]["relation_ids"].append(rid)
        else:
            H.add_edge(a, b, weight=1, relation_ids=[rid])
    return H


def relation_matrix(relations: pd.DataFrame, actors: Iterable[str] | None = None,
                    value: str = "count") -> pd.DataFrame:
    """An actor × actor table of ties: row = ``actor_a`` (the source), column = ``actor_b``.

    An undirected tie is written in both cells (a, b) and (b, a), so its part of the table is
    symmetric; a directed tie only in the cell (source, target).

    Parameters
    ----------
    relations : DataFrame
        The relations table (filter it first, e.g. with :func:`active_at`).
    actors : iterable of str, optional
        Row and column order (actor ids). Default: every actor in ``relations``, sorted.
    value : {"count", "relation"}
        ``"count"``: number of ties in each cell (0 when none). ``"relation"``: the kinds of tie,
        sorted and joined by ``"; "`` (``""`` when none).

    Returns
    -------
    DataFrame
        Indexed by actor id on both axes.

    Raises
    ------
    ValueError
        If ``value`` is neither "count" nor "relation".
    """
    if value not in ("count", "relation"):
        raise ValueError(f"value must be 'count' or 'relation', not {value!r}")
    forward = relations[["actor_a", "actor_b", "relation"]].astype(str)
    backward = forward[~relations["directed"].to_numpy()].rename(
        columns={"actor_a": "actor_b", "actor_b": "actor_a"})
    cells = pd.concat([forward, backward], ignore_index=True)
    order = list(actors) if actors is not None else sorted(
        set(cells["actor_a"]) | set(cells["actor_b"]))
    if value == "count":
        table = cells.groupby(["actor_a", "actor_b"]).size().unstack(fill_value=0)
        return table.reindex(index=order, columns=order, fill_value=0).astype(int)
    table = cells.groupby(["actor_a", "actor_b"])["relation"].agg(
        lambda kinds: "; ".join(sorted(kinds))).unstack(fill_value="")
    return table.reindex(index=order, columns=order, fill_value="")


# --- Drawing: shared pieces ----------------------------------------------------------------------


def _edge_line_kwargs(relation: str, status: str) -> dict:
    """Colour, line style and (for yellow) a dark outline for one tie."""
    color = RELATION_COLORS.get(relation, _OI["black"])
    kwargs = {"color": color, "linestyle": STATUS_LINESTYLES.get(status, "solid")}
    if color == _OI["yellow"]:
        kwargs["path_effects"] = [pe.Stroke(linewidth=4, foreground="#555555"), pe.Normal()]
    return kwargs


def _parallel_offsets(G: nx.MultiDiGraph, step: float) -> dict[str, tuple[bool, float]]:
    """For each edge key: (drawn from actor_a's side?, signed bow) so parallel ties fan out.

    Ties of one pair are drawn from the alphabetically first actor to the other with bows
    0, +step, -step, +2*step, ...; the flag says whether the tie runs that way.
    """
    pairs: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for a, b, rid in sorted(G.edges(keys=True), key=lambda e: e[2]):
        pairs.setdefault(tuple(sorted((a, b))), []).append((a, b, rid))
    out = {}
    for (first, _), ties in pairs.items():
        for i, (a, _, rid) in enumerate(ties):
            bow = 0.0 if len(ties) == 1 else step * ((i // 2) + 1) * (1 if i % 2 == 0 else -1)
            out[rid] = (a == first, bow)
    return out


def _legends(ax: Axes, G: nx.MultiDiGraph, ncol: int = 1,
             anchor: tuple[float, float] = (1.01, 1.0)) -> None:
    """One legend outside the axes, in three sections: actor kind, kind of tie and status."""
    kinds = sorted({d.get("kind") or "other" for _, d in G.nodes(data=True)})
    relations = [r for r in RELATION_COLORS if r in {d["relation"] for *_, d in G.edges(data=True)}]
    sections = [
        ("Actor kind", [Line2D([], [], linestyle="", marker=KIND_STYLES[k][1], markersize=11,
                               markerfacecolor=KIND_STYLES[k][0], markeredgecolor="black",
                               label=k) for k in kinds]),
        ("Kind of tie", [Line2D([], [], linewidth=3, label=r, **_edge_line_kwargs(r, "official"))
                         for r in relations]),
        ("Status (arrow: directed)", [Line2D([], [], color="#333333", linewidth=2.5, label=s,
                                             linestyle=ls)
                                      for s, ls in STATUS_LINESTYLES.items()]),
    ]
    handles, headers = [], []
    for title, entries in sections:
        headers.append(len(handles))
        handles += [Line2D([], [], linestyle="", label=title)] + entries
    leg = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=anchor,
                    frameon=False, handlelength=2.6, ncol=ncol, columnspacing=1.0)
    for i in headers:
        leg.get_texts()[i].set_fontweight("bold")


def _node_style(G: nx.MultiDiGraph, node: str) -> tuple[str, str]:
    return KIND_STYLES.get(G.nodes[node].get("kind") or "other", KIND_STYLES["other"])


# --- View 1: the node-link drawing ---------------------------------------------------------------


def _edge_groups(G: nx.MultiDiGraph) -> dict[tuple, list[tuple[str, str]]]:
    """Edges grouped by how they are drawn: (relation, status, directed, curvature)."""
    offsets = _parallel_offsets(G, 0.18)
    groups: dict[tuple, list[tuple[str, str]]] = {}
    for a, b, rid, d in G.edges(keys=True, data=True):
        forward, bow = offsets[rid]
        rad = bow if forward else -bow
        groups.setdefault((d["relation"], d["status"], d["directed"], rad), []).append((a, b))
    return groups


def label(G: nx.Graph, node: str) -> str:
    """The name a figure shows for ``node``: its ``short_name``, else its ``name``, else its id.

    Figures label actors by name, never by id: an audience knows "Iran", not ``irn``.
    """
    attrs = G.nodes[node] if node in G else {}
    return attrs.get("short_name") or attrs.get("name") or str(node)


def _wrap(text: str, width: int = 14) -> str:
    """A long label on several lines of at most ``width`` characters: 'Caspian\\nConvention'."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


_LABEL_OFFSETS = [(0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1)]
"""Directions tried for a label around its node, best first (below, above, right, left, …)."""

_LABEL_DISTANCES = (4, 14, 28, 44, 62, 84, 108)
"""How far from its marker's edge a label may sit, in points, nearest first."""

_STEP_COST, _LINE_COST = 3, 25
"""Score of moving a label one distance further out, and of letting it touch one line: a label
goes up to eight steps further (with a leader line) rather than sit on a tie."""

_ALIGN = {-1: ("right", "top"), 0: ("center", "center"), 1: ("left", "bottom")}


def place_labels(ax: Axes, points: dict[str, tuple[float, float]], texts: dict[str, str],
                 lines: Iterable[np.ndarray] = (), radius_pt: float = 11.0,
                 priority: Iterable[str] | None = None) -> dict[str, plt.Annotation]:
    """Write each text next to its point where it hides no other label, node or line.

    A greedy search: for each point (in ``priority`` order), try eight directions at seven
    distances and keep the spot that overlaps the fewest already placed labels, other points and
    ``lines`` (polylines in data coordinates), preferring spots close to the point. Labels get
    a white halo. Deterministic: the same input gives the same picture.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where the points are drawn (its limits must already be final).
    points : dict
        Key → (x, y) in data coordinates.
    texts : dict
        Key → the label to write.
    lines : iterable of (n, 2) arrays
        Polylines (edges, arcs) in data coordinates that labels should not sit on.
    radius_pt : float
        Radius of the marker drawn at each point, in points.
    priority : iterable of keys, optional
        Placement order (the most crowded first). Default: the order of ``points``.

    Returns
    -------
    dict
        Key → the :class:`matplotlib.text.Annotation` written.
    """
    import shapely

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    px_per_pt = fig.dpi / 72
    centres = {k: to_px(xy) for k, xy in points.items()}
    discs = {k: shapely.Point(c).buffer(radius_pt * px_per_pt) for k, c in centres.items()}
    paths = [shapely.LineString(to_px(np.asarray(line))) for line in lines if len(line) > 1]
    tree = shapely.STRtree(paths) if paths else None
    placed: dict[str, shapely.Polygon] = {}
    out = {}
    for key in list(priority or points):
        if key not in points or key not in texts:
            continue
        best = None
        for step, distance in enumerate(radius_pt + d for d in _LABEL_DISTANCES):
            if best is not None and best[0] < _STEP_COST * step:
                break  # nothing further out can score better than the spot already found
            for rank, (dx, dy) in enumerate(_LABEL_OFFSETS):
                ha, va = _ALIGN[dx][0], _ALIGN[dy][1] if dy else "center"
                note = ax.annotate(texts[key], points[key], xytext=(dx * distance, dy * distance),
                                   textcoords="offset points", ha=ha, va=va,
                                   fontsize=style.MIN_FONT_SIZE, path_effects=_HALO, zorder=12)
                box = note.get_window_extent(renderer).expanded(1.04, 1.08)
                note.remove()
                poly = shapely.box(box.x0, box.y0, box.x1, box.y1)
                clash_labels = sum(poly.intersects(p) for p in placed.values())
                clash_nodes = sum(poly.intersects(d) for k, d in discs.items())
                clash_lines = len(tree.query(poly, predicate="intersects")) if tree else 0
                inside = ax.bbox.x0 <= box.x0 and box.x1 <= ax.bbox.x1 and \
                    ax.bbox.y0 <= box.y0 and box.y1 <= ax.bbox.y1
                score = (1000 * clash_labels + 500 * clash_nodes + _LINE_COST * clash_lines
                         + 50 * (not inside) + _STEP_COST * step + 0.1 * rank)
                if best is None or score < best[0]:
                    best = (score, (dx * distance, dy * distance), ha, va, poly, step)
        _, offset, ha, va, poly, step = best
        placed[key] = poly
        leader = {"arrowprops": {"arrowstyle": "-", "color": "#555555", "lw": 0.8,
                                 "shrinkA": 2, "shrinkB": radius_pt}} if step else {}
        out[key] = ax.annotate(texts[key], points[key], xytext=offset, textcoords="offset points",
                               ha=ha, va=va, fontsize=style.MIN_FONT_SIZE, path_effects=_HALO,
                               zorder=12, **leader)
    return out


def label_overlaps(ax: Axes, notes: dict, lines: Iterable[np.ndarray] = (),
                   points: dict | None = None, radius_pt: float = 11.0) -> dict[str, list]:
    """What the labels written by :func:`place_labels` still cover: other labels, lines, points.

    Returns ``{"labels": [(k1, k2), ...], "lines": [k, ...], "points": [(k, other), ...]}``
    (empty lists when the figure is clean); the tests use it to keep figures readable.
    """
    import shapely

    renderer = ax.figure.canvas.get_renderer()
    boxes = {}
    for k, note in notes.items():
        note.update_positions(renderer)
        b = Text.get_window_extent(note, renderer)  # the text alone, without its leader line
        boxes[k] = shapely.box(b.x0, b.y0, b.x1, b.y1)
    keys = sorted(boxes)
    found: dict[str, list] = {"labels": [], "lines": [], "points": []}
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if boxes[a].intersects(boxes[b]):
                found["labels"].append((a, b))
    paths = [shapely.LineString(ax.transData.transform(np.asarray(line)))
             for line in lines if len(line) > 1]
    for k in keys:
        if any(boxes[k].intersects(p) for p in paths):
            found["lines"].append(k)
    if points:
        r = radius_pt * ax.figure.dpi / 72
        for k in keys:
            for other, xy in points.items():
                if shapely.Point(ax.transData.transform(xy)).buffer(r).intersects(boxes[k]):
                    found["points"].append((k, other))
    return found


def layout(G: nx.MultiDiGraph, seed: int = 7) -> dict[str, np.ndarray]:
    """Node positions from a force-directed (spring) layout, the same for the same seed."""
    return nx.spring_layout(to_undirected_simple(G), seed=seed, k=3 / np.sqrt(len(G)),
                            iterations=500, weight=None)


def draw_network(G: nx.MultiDiGraph, ax: Axes | None = None, seed: int = 7,
                 pos: dict | None = None, legend: bool = True,
                 labels: bool = True) -> dict[str, np.ndarray]:
    """Draw the graph: nodes by actor kind, ties by kind (colour) and status (line style).

    Directed ties end in an arrow; parallel ties between the same two actors fan out as curves.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From :func:`build_graph` (with ``actors=`` so nodes know their kind).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new 12 × 9 inch figure.
    seed : int, default 7
        Seed of the spring layout: the same seed gives the same picture.
    pos : dict, optional
        Positions to reuse (e.g. from an earlier call), so two graphs can be compared.
    legend : bool, default True
        Draw the legend (actor kind, kind of tie, status) to the right of the axes.
    labels : bool, default True
        Write each actor's short name (see :func:`label`) where it covers no other label, node
        or tie (see :func:`place_labels`).

    Returns
    -------
    dict
        Node → (x, y) position, to pass back as ``pos``.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 9))
    pos = layout(G, seed) if pos is None else pos
    for kind in sorted({_node_style(G, n) for n in G.nodes}):
        nodes = [n for n in G.nodes if _node_style(G, n) == kind]
        nx.draw_networkx_nodes(G, pos, nodelist=nodes, node_color=kind[0], node_shape=kind[1],
                               node_size=NODE_SIZE, edgecolors="black", ax=ax)
    for (relation, status, directed, rad), edges in _edge_groups(G).items():
        line = _edge_line_kwargs(relation, status)
        patches = nx.draw_networkx_edges(
            G, pos, edgelist=edges, ax=ax, width=2.2, edge_color=line["color"],
            style=line["linestyle"], arrows=True, arrowstyle="-|>" if directed else "-",
            arrowsize=18, connectionstyle=f"arc3,rad={rad}", node_size=NODE_SIZE)
        for patch in patches:
            patch.set_path_effects(line.get("path_effects", []))
    ax.set_axis_off()
    ax.margins(0.1)
    ax.autoscale_view()
    if labels:
        points = {n: tuple(pos[n]) for n in G.nodes}
        lines = edge_polylines(G, pos, ax)
        by_degree = sorted(G.nodes, key=lambda n: (-G.degree(n), n))
        notes = place_labels(ax, points, {n: _wrap(label(G, n)) for n in G.nodes}, lines,
                             priority=by_degree)
        ax._caspian_labels = (notes, lines, points)  # for tests: what the labels cover
    ax.set_autoscale_on(False)
    if legend:
        _legends(ax, G)
    return pos


def edge_polylines(G: nx.MultiDiGraph, pos: dict, ax: Axes) -> list[np.ndarray]:
    """The ties of :func:`draw_network` as polylines in data coordinates (curves sampled), so
    labels can be kept off them. Mirrors matplotlib's ``arc3`` connection style, which bends a
    tie in screen space."""
    to_px, to_data = ax.transData.transform, ax.transData.inverted().transform
    out = []
    t = np.linspace(0, 1, 30)[:, None]
    for (_, _, _, rad), edges in _edge_groups(G).items():
        for a, b in edges:
            start, end = to_px(pos[a]), to_px(pos[b])
            d = end - start
            control = (start + end) / 2 + rad * np.array([d[1], -d[0]])
            curve = (1 - t) ** 2 * start + 2 * (1 - t) * t * control + t ** 2 * end
            out.append(to_data(curve))
    return out


# --- View 3: the map -----------------------------------------------------------------------------


def actor_locations(G: nx.MultiDiGraph, actors: pd.DataFrame, places: pd.DataFrame,
                    extent: tuple[float, float, float, float] = maps.REGION_EXTENT,
                    nudge: float = 1.2) -> pd.DataFrame:
    """Where each actor of ``G`` goes on a map: its ``place_id`` (a state's capital, a group's
    stated base) if that lies inside ``extent``, otherwise nowhere (``on_map`` False).

    Actors sharing a place (Russia and the CSTO in Moscow) are nudged apart by ``nudge``
    degrees, so each stays visible; the map is then only approximate for them.

    Returns
    -------
    DataFrame
        Indexed by actor id (in ``G``'s node order): ``place_id``, ``lon``, ``lat``, ``on_map``.
    """
    table = (actors.set_index("actor_id").reindex(list(G.nodes))[["place_id"]]
             .join(places.set_index("place_id")[["lon", "lat"]], on="place_id"))
    lon_min, lon_max, lat_min, lat_max = extent
    table["on_map"] = table["lon"].between(lon_min, lon_max) & table["lat"].between(lat_min,
                                                                                  lat_max)
    for _, group in table[table["on_map"]].groupby("place_id"):
        for i, actor in enumerate(group.index[1:], start=1):
            angle = np.pi / 2 - 2 * np.pi * i / len(group)
            table.loc[actor, "lon"] += nudge * 1.3 * np.cos(angle)
            table.loc[actor, "lat"] += nudge * np.sin(angle)
    return table


TIE_GROUPS: dict[str, tuple[str, ...]] = {
    "Alliances and treaties": ("alliance/treaty",),
    "Partnerships and security cooperation": ("strategic partnership", "security cooperation"),
    "Diplomacy, energy and trade": ("diplomatic relations", "energy/trade tie"),
    "Arms supply and sponsorship": ("arms supply", "proxy/sponsorship"),
    "Rivalry and hostility": ("rivalry/hostility",),
}
"""The panels of :func:`draw_map`: kinds of tie that belong together, one small map each."""

MAP_EXTENT: tuple[float, float, float, float] = (28.0, 73.0, 29.0, 57.0)
"""Default extent of the map of ties (lon_min, lon_max, lat_min, lat_max)."""

BOX_WIDTH = 15.0
"""Width, in degrees of longitude, of the "not on this map" column left of each map."""


def _draw_actor(ax: Axes, G: nx.MultiDiGraph, actor: str, lon: float, lat: float) -> None:
    color, marker = _node_style(G, actor)
    ax.plot(lon, lat, marker=marker, markersize=12, markerfacecolor=color,
            markeredgecolor="black", linestyle="", zorder=9, clip_on=False)


def _draw_panel(ax: Axes, G: nx.MultiDiGraph, where: pd.DataFrame, ties: list[tuple],
                extent: tuple[float, float, float, float], title: str) -> dict[str, set[str]]:
    """One map of ``ties`` (edges of ``G`` as (a, b, key, data)); actors off the map are listed
    in a white column left of the map frame, so no arc crosses it."""
    maps.base_map(ax=ax, extent=extent, graticule_step=10)
    ax.set_title(title, fontsize=style.BASE_FONT_SIZE)
    ax.set(xlabel="", ylabel="", xticks=[], yticks=[])
    for text in list(ax.texts):
        if text.get_text() == maps.CREDIT:
            text.remove()  # one credit for the whole figure, in its source line
    involved = sorted({a for a, *_ in ties} | {b for _, b, *_ in ties})
    off = [a for a in involved if not where.at[a, "on_map"]]
    lon0, lon1, lat0, lat1 = extent
    x_box = lon0 - BOX_WIDTH
    ax.set_xlim(x_box - 0.5, ax.get_xlim()[1])
    ax.text(x_box + BOX_WIDTH / 2, lat1 - 0.6, "Not on\nthis map" if off else "",
            ha="center", va="top", fontsize=style.MIN_FONT_SIZE, weight="bold")
    step = (lat1 - lat0 - 5.0) / max(len(off), 1)
    xy = {a: (where.at[a, "lon"], where.at[a, "lat"]) for a in involved if a not in off}
    xy |= {a: (lon0 - 0.8, lat1 - 5.0 - step * (i + 0.5)) for i, a in enumerate(off)}
    sub = nx.MultiDiGraph()
    sub.add_nodes_from((a, G.nodes[a]) for a in involved)
    sub.add_edges_from((a, b, k, d) for a, b, k, d in ties)
    offsets = _parallel_offsets(sub, 0.12)
    drawn: set[str] = set()
    arcs = []
    for a, b, rid, d in ties:
        forward, bow = offsets[rid]
        start, end = (a, b) if forward else (b, a)
        both_off = a in off and b in off
        line = _edge_line_kwargs(d["relation"], d["status"])
        arc = maps.draw_arcs(ax, [(xy[start], xy[end])], bend=(0.35 if both_off else bow or 0.04),
                             linewidth=2.2, alpha=0.9, **line)[0]
        arc.set_gid(rid)
        arc.set_clip_on(False)
        arcs.append(arc.get_xydata())
        if d["directed"]:
            _arrowhead(ax, arc, at_end=forward, color=line["color"])
        drawn.add(rid)
    for actor, (lon, lat) in xy.items():
        _draw_actor(ax, sub, actor, lon, lat)
    for actor in off:
        lon, lat = xy[actor]
        ax.text(x_box, lat, _wrap(label(G, actor), 10), ha="left", va="center",
                fontsize=style.MIN_FONT_SIZE)
    on = {a: xy[a] for a in xy if a not in off}
    ax.apply_aspect()  # fix the map's box now, so label positions measured below stay true
    notes = place_labels(ax, xy, {a: _wrap(label(G, a)) for a in on}, arcs,
                         priority=sorted(on, key=lambda n: (-sub.degree(n), n)))
    ax._caspian_labels = (notes, arcs, xy)  # for tests: what the labels cover
    return {"actors": set(involved), "ties": drawn}


def draw_map(G: nx.MultiDiGraph, actors: pd.DataFrame, places: pd.DataFrame,
             title: str | None = None, groups: dict[str, tuple[str, ...]] | None = None,
             extent: tuple[float, float, float, float] = MAP_EXTENT,
             figsize: tuple[float, float] = (16, 8.6)) -> dict:
    """Small multiples: one map per group of kinds of tie, arcs between the actors' places.

    One map holding every tie is a hairball; a panel per group (:data:`TIE_GROUPS`) keeps each
    readable and lets the eye compare where alliances, trade, arms and rivalries run. Actors
    with no place in the data, or one outside ``extent`` (Washington, Beijing), are listed in a
    column left of each map frame, level with where their ties end. Arcs come from
    :func:`caspian.maps.draw_arcs` (a drawing aid, not a route); an arrowhead marks a directed
    tie; line style shows the status, as in :func:`draw_network`. Labels are names.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From :func:`build_graph` with ``actors=``.
    actors, places : DataFrame
        The actors and places tables (for each actor's ``place_id`` and its coordinates).
    title : str, optional
        The figure's title: say what it shows.
    groups : dict, optional
        Panel title → kinds of tie. Default :data:`TIE_GROUPS`; kinds not listed get no panel
        (and are reported in the return value's ``"not_drawn"``).

    Returns
    -------
    dict
        ``{"figure", "axes": {panel: Axes}, "actors": ids drawn, "ties": relation_ids drawn,
        "not_drawn": relation_ids of kinds in no panel}``, so a lesson can check that the map
        shows the same network as the other views.
    """
    groups = groups or TIE_GROUPS
    where = actor_locations(G, actors, places, extent)
    n = len(groups)
    cols = min(3, n + 1)
    rows = -(-(n + 1) // cols)  # one more slot, for the legend
    fig, axes = plt.subplots(rows, cols, figsize=figsize, squeeze=False)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.90 if title else 0.95, bottom=0.05,
                        wspace=0.04, hspace=0.12)  # before drawing: labels are placed in pixels
    result: dict = {"figure": fig, "axes": {}, "actors": set(), "ties": set()}
    edges = list(G.edges(keys=True, data=True))
    for ax, (panel, kinds) in zip(axes.flat, groups.items(), strict=False):
        ties = [e for e in edges if e[3]["relation"] in kinds]
        shown = _draw_panel(ax, G, where, ties, extent, f"{panel} ({len(ties)})")
        result["axes"][panel] = ax
        result["actors"] |= shown["actors"]
        result["ties"] |= shown["ties"]
    for ax in list(axes.flat)[n:]:
        ax.set_axis_off()
    result["not_drawn"] = {k for *_, k, _ in edges} - result["ties"]
    _legends(list(axes.flat)[n], G, ncol=2, anchor=(-0.04, 1.04))  # two columns fit one slot
    if title:
        fig.suptitle(title, fontsize=style.BASE_FONT_SIZE + 4, weight="bold")
    return result


def _arrowhead(ax: Axes, arc: Line2D, at_end: bool, color: str) -> None:
    """An arrowhead on ``arc`` about four fifths of the way to its target end."""
    pts = arc.get_xydata()
    if not at_end:
        pts = pts[::-1]
    tip, tail = pts[int(len(pts) * 0.8)], pts[int(len(pts) * 0.8) - 3]
    ax.annotate("", xy=tip, xytext=tail, zorder=7,
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": 0,
                            "mutation_scale": 22})
