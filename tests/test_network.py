"""caspian.network: a hand-made relations table becomes the right graph and matrix, dates are
respected, the drawing is stable, and on the real data every actor in a tie is a node."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from caspian import data, network  # noqa: E402

NaT = pd.NaT


def _toy() -> pd.DataFrame:
    """Four ties: an undirected pair, a directed one, one dated only by its source, one ended."""
    rows = [
        # relation_id, a, b, relation, directed, start, end, status, known_from
        ("T1", "aaa", "bbb", "alliance/treaty", False, "2010-01-01", NaT, "official", "2010-01-01"),
        ("T2", "aaa", "ccc", "arms supply", True, "2012-05-07", NaT, "reported", "2012-05-07"),
        ("T3", "ddd", "bbb", "rivalry/hostility", False, NaT, NaT, "alleged", "2011-06-01"),
        ("T4", "ccc", "bbb", "security cooperation", True, "2005-01-01", "2012-01-01", "official",
         "2005-01-01"),
    ]
    frame = pd.DataFrame(rows, columns=["relation_id", "actor_a", "actor_b", "relation",
                                        "directed", "start", "end", "status", "known_from"])
    for col in ("start", "end", "known_from"):
        frame[col] = pd.to_datetime(frame[col])
    frame["summary"] = "a test tie"
    return frame


def test_one_edge_per_row_keyed_by_relation_id():
    G = network.build_graph(_toy())
    assert set(G.nodes) == {"aaa", "bbb", "ccc", "ddd"}
    assert sorted(k for *_, k in G.edges(keys=True)) == ["T1", "T2", "T3", "T4"]
    assert G.has_edge("aaa", "ccc", key="T2") and not G.has_edge("ccc", "aaa")
    assert G.edges["aaa", "bbb", "T1"]["directed"] is False  # undirected: stored once, a → b
    assert not G.has_edge("bbb", "aaa")
    assert G.edges["aaa", "ccc", "T2"]["directed"] is True
    assert G.edges["ddd", "bbb", "T3"]["status"] == "alleged"


@pytest.mark.parametrize("at, expected", [
    ("2009-12-31", {"T4"}),
    ("2010-01-01", {"T1", "T4"}),               # the start day counts
    ("2011-12-31", {"T1", "T3", "T4"}),         # blank start: known from its source's date
    ("2012-01-01", {"T1", "T3"}),               # on its end date a tie is over
    ("2012-05-06", {"T1", "T3"}),
    ("2012-05-07", {"T1", "T2", "T3"}),
    ("2030-01-01", {"T1", "T2", "T3"}),         # blank end: still ongoing
])
def test_at_keeps_the_ties_active_on_that_date(at, expected):
    G = network.build_graph(_toy(), at=at)
    assert {k for *_, k in G.edges(keys=True)} == expected


def test_nodes_get_actor_attributes():
    actors = pd.DataFrame({"actor_id": ["aaa", "bbb"], "name": ["A", "B"],
                           "kind": ["state", "armed group"], "country": ["AAA", pd.NA]})
    G = network.build_graph(_toy(), actors=actors)
    assert G.nodes["aaa"] == {"name": "A", "short_name": "A", "kind": "state", "country": "AAA"}
    assert G.nodes["bbb"]["country"] is None


def test_undirected_simple_graph_merges_parallel_ties():
    toy = pd.concat([_toy(), _toy().iloc[[1]].assign(relation_id="T5", actor_a="ccc",
                                                     actor_b="aaa")])
    H = network.to_undirected_simple(network.build_graph(toy))
    assert H.number_of_edges() == 4
    assert H["aaa"]["ccc"]["weight"] == 2
    assert sorted(H["aaa"]["ccc"]["relation_ids"]) == ["T2", "T5"]


def test_relation_matrix_is_symmetric_for_undirected_ties_only():
    counts = network.relation_matrix(_toy())
    assert counts.loc["aaa", "bbb"] == counts.loc["bbb", "aaa"] == 1   # T1, undirected
    assert counts.loc["aaa", "ccc"] == 1 and counts.loc["ccc", "aaa"] == 0   # T2, directed
    assert not counts.equals(counts.T)
    undirected = network.relation_matrix(_toy()[~_toy()["directed"]])
    assert undirected.equals(undirected.T)
    kinds = network.relation_matrix(_toy(), value="relation")
    assert kinds.loc["ddd", "bbb"] == kinds.loc["bbb", "ddd"] == "rivalry/hostility"
    assert kinds.loc["ccc", "aaa"] == ""


def test_relation_matrix_follows_the_given_order_and_rejects_odd_values():
    order = ["ddd", "ccc", "bbb", "aaa", "zzz"]
    counts = network.relation_matrix(_toy(), actors=order)
    assert list(counts.index) == order and list(counts.columns) == order
    assert counts.loc["zzz"].sum() == 0
    with pytest.raises(ValueError, match="count"):
        network.relation_matrix(_toy(), value="colour")


def test_draw_network_is_deterministic():
    G = network.build_graph(data.load_relations(), actors=data.load_actors())
    fig, (ax1, ax2) = plt.subplots(1, 2)
    pos1 = network.draw_network(G, ax=ax1, legend=False)
    pos2 = network.draw_network(G, ax=ax2, legend=False)
    plt.close(fig)
    assert set(pos1) == set(G.nodes)
    for node in G.nodes:
        np.testing.assert_allclose(pos1[node], pos2[node])
    moved = network.layout(G, seed=8)
    assert any(not np.allclose(pos1[n], moved[n]) for n in G.nodes), "the seed must matter"


def test_real_graph_has_every_actor_in_a_relation():
    relations = data.load_relations()
    G = network.build_graph(relations, actors=data.load_actors())
    assert set(G.nodes) == set(relations["actor_a"]) | set(relations["actor_b"])
    assert G.number_of_edges() == len(relations)
    assert all("kind" in G.nodes[n] for n in G.nodes)


def test_map_shows_the_same_actors_and_ties_as_the_graph():
    G = network.build_graph(data.load_relations(), at="2012-05-07", actors=data.load_actors())
    drawn = network.draw_map(G, data.load_actors(), data.load_places())
    plt.close(drawn["figure"])
    assert drawn["actors"] == set(G.nodes)
    assert drawn["ties"] == {k for *_, k in G.edges(keys=True)}
    assert drawn["not_drawn"] == set()


def test_map_has_one_panel_per_group_and_reports_kinds_left_out():
    G = network.build_graph(data.load_relations(), actors=data.load_actors())
    groups = {"Rivalry": ("rivalry/hostility",)}
    drawn = network.draw_map(G, data.load_actors(), data.load_places(), groups=groups)
    plt.close(drawn["figure"])
    rivalries = {k for *_, k, d in G.edges(keys=True, data=True)
                 if d["relation"] == "rivalry/hostility"}
    assert list(drawn["axes"]) == ["Rivalry"]
    assert drawn["ties"] == rivalries
    assert drawn["not_drawn"] == {k for *_, k in G.edges(keys=True)} - rivalries


def _label_texts(ax):
    notes, *_ = ax._caspian_labels
    return {k: n.get_text().replace("\n", " ") for k, n in notes.items()}


def test_network_labels_are_names_and_cover_nothing():
    actors = data.load_actors()
    G = network.build_graph(data.load_relations(), actors=actors)
    fig, ax = plt.subplots(figsize=(13, 8))  # the size lesson 05 draws it at
    network.draw_network(G, ax=ax)
    texts = _label_texts(ax)
    short = actors.set_index("actor_id")["short_name"]
    assert texts == {a: short[a] for a in G.nodes}
    assert not set(texts.values()) & set(actors["actor_id"]), "a label shows an id"
    found = network.label_overlaps(ax, *ax._caspian_labels)
    plt.close(fig)
    assert found == {"labels": [], "lines": [], "points": []}


def test_label_overlaps_detects_a_label_on_a_line():
    fig, ax = plt.subplots()
    ax.set(xlim=(0, 10), ylim=(0, 10))
    note = ax.annotate("Azerbaijan", (5, 5), xytext=(0, 0), textcoords="offset points",
                       ha="center", va="center")
    crossing = [np.array([[0.0, 5.0], [10.0, 5.0]])]
    found = network.label_overlaps(ax, {"aze": note}, crossing)
    plt.close(fig)
    assert found["lines"] == ["aze"]


def test_map_labels_cover_no_label_marker_or_arc():
    actors = data.load_actors()
    G = network.build_graph(data.load_relations(), actors=actors)
    drawn = network.draw_map(G, actors, data.load_places())
    for panel, ax in drawn["axes"].items():
        found = network.label_overlaps(ax, *ax._caspian_labels)
        assert found == {"labels": [], "lines": [], "points": []}, panel
        assert not set(_label_texts(ax).values()) & set(actors["actor_id"]), panel
    plt.close(drawn["figure"])


def test_actors_off_the_map_are_flagged_and_shared_places_nudged_apart():
    G = network.build_graph(data.load_relations(), actors=data.load_actors())
    where = network.actor_locations(G, data.load_actors(), data.load_places())
    assert not where.loc["usa", "on_map"]        # Washington is outside the region
    assert not where.loc["hezbollah", "on_map"]  # no stated base in the data
    assert where.loc["aze", "on_map"]
    assert (where.loc["rus", ["lon", "lat"]] != where.loc["csto", ["lon", "lat"]]).any()
