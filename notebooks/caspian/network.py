"""The alliance network: the relations table as a graph, a matrix and a map.

Each row of ``data/relations.csv`` is one tie between two actors. :func:`build_graph` turns the
table into a :class:`networkx.MultiDiGraph`: one node per actor, one edge per row, keyed by its
``relation_id``, so two actors can share several ties (Israel and Azerbaijan have six).

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
(the ties as arcs on :func:`caspian.maps.base_map`). Each view hides something; lesson 05 says what.

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
from matplotlib.patches import Rectangle

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
        The actors table; when given, each node gets its ``name``, ``kind`` and ``country``.

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
                G.nodes[node].update(name=_text(info.at[node, "name"]),
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


def _legends(ax: Axes, G: nx.MultiDiGraph) -> None:
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
    leg = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                    frameon=False, handlelength=2.6)
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


def _wrap(actor_id: str, width: int = 14) -> str:
    """A long id on two lines at its last hyphen: 'caspian-convention-\\n2018'."""
    if len(actor_id) <= width or "-" not in actor_id:
        return actor_id
    head, tail = actor_id.rsplit("-", 1)
    return f"{head}-\n{tail}"


def layout(G: nx.MultiDiGraph, seed: int = 7) -> dict[str, np.ndarray]:
    """Node positions from a force-directed (spring) layout, the same for the same seed."""
    return nx.spring_layout(to_undirected_simple(G), seed=seed, k=3 / np.sqrt(len(G)),
                            iterations=500, weight=None)


def draw_network(G: nx.MultiDiGraph, ax: Axes | None = None, seed: int = 7,
                 pos: dict | None = None, legend: bool = True) -> dict[str, np.ndarray]:
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
    for node, (x, y) in pos.items():
        if node in G:
            ax.annotate(_wrap(node), (x, y), xytext=(0, -17), textcoords="offset points",
                        ha="center", va="top", fontsize=style.MIN_FONT_SIZE, path_effects=_HALO,
                        zorder=5)
    ax.set_axis_off()
    ax.margins(0.08)
    if legend:
        _legends(ax, G)
    return pos


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


def _off_map_box(ax: Axes, names: list[str], corner: tuple[float, float],
                 size: tuple[float, float]) -> dict[str, tuple[float, float]]:
    """Draw a white box at ``corner`` (lon, lat of its lower left) listing ``names`` one per
    row, with their markers; return the point on the box's right edge where each one's ties end.
    """
    (x0, y0), (w, h) = corner, size
    ax.add_patch(Rectangle((x0, y0), w, h, facecolor="white", edgecolor="#444444", zorder=6.5))
    ax.text(x0 + w / 2, y0 + h - 0.3, "Not on this map", ha="center", va="top",
            fontsize=style.MIN_FONT_SIZE, weight="bold", zorder=10)
    step = (h - 1.6) / max(len(names), 1)
    return {name: (x0 + w, y0 + h - 1.6 - step * (i + 0.5)) for i, name in enumerate(names)}


def _draw_actor(ax: Axes, G: nx.MultiDiGraph, actor: str, lon: float, lat: float) -> None:
    color, marker = _node_style(G, actor)
    ax.plot(lon, lat, marker=marker, markersize=12, markerfacecolor=color,
            markeredgecolor="black", linestyle="", zorder=9)
    ax.annotate(_wrap(actor, 20), (lon, lat), xytext=(9, 0), textcoords="offset points",
                va="center", fontsize=style.MIN_FONT_SIZE, zorder=10, path_effects=_HALO)


def draw_map(G: nx.MultiDiGraph, actors: pd.DataFrame, places: pd.DataFrame,
             ax: Axes | None = None, title: str | None = None,
             extent: tuple[float, float, float, float] = (25.0, 75.0, 29.0, 57.0),
             box_corner: tuple[float, float] = (25.3, 42.0),
             box_size: tuple[float, float] = (8.6, 14.6)) -> dict[str, set[str]]:
    """Draw the ties as curved arcs between the actors' places on :func:`caspian.maps.base_map`.

    Actors with no place in the data, or one outside ``extent`` (Washington, Beijing), are
    listed in a "Not on this map" box; their arcs end at the box's edge, level with their row.
    Arcs come from :func:`caspian.maps.draw_arcs`; an arrowhead near the target marks a
    directed tie.

    Returns
    -------
    dict
        ``{"actors": ids drawn (on the map or in the box), "ties": relation_ids drawn}``, so a
        lesson can check that the map shows the same network as the other views.
    """
    ax = maps.base_map(ax=ax, extent=extent, title=title, figsize=(14, 9))
    where = actor_locations(G, actors, places, extent)
    xy = {a: (r.lon, r.lat) for a, r in where[where["on_map"]].iterrows()}
    anchors = _off_map_box(ax, [a for a in where.index if not where.at[a, "on_map"]],
                           box_corner, box_size)
    offsets = _parallel_offsets(G, 0.12)
    drawn: set[str] = set()
    for a, b, rid, d in G.edges(keys=True, data=True):
        forward, bow = offsets[rid]
        start, end = (a, b) if forward else (b, a)
        line = _edge_line_kwargs(d["relation"], d["status"])
        ends = ((xy | anchors)[start], (xy | anchors)[end])
        arc = maps.draw_arcs(ax, [ends], bend=bow or 0.04, linewidth=2.2, alpha=0.9, **line)[0]
        arc.set_gid(rid)
        if d["directed"]:
            _arrowhead(ax, arc, at_end=forward, color=line["color"])
        drawn.add(rid)
    for actor, (lon, lat) in xy.items():
        _draw_actor(ax, G, actor, lon, lat)
    for actor, (_, lat) in anchors.items():
        _draw_actor(ax, G, actor, box_corner[0] + 0.8, lat)
    _legends(ax, G)
    return {"actors": set(xy) | set(anchors), "ties": drawn}


def _arrowhead(ax: Axes, arc: Line2D, at_end: bool, color: str) -> None:
    """An arrowhead on ``arc`` about four fifths of the way to its target end."""
    pts = arc.get_xydata()
    if not at_end:
        pts = pts[::-1]
    tip, tail = pts[int(len(pts) * 0.8)], pts[int(len(pts) * 0.8) - 3]
    ax.annotate("", xy=tip, xytext=tail, zorder=7,
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": 0,
                            "mutation_scale": 22})
