"""Exercises of lesson 05 (Regional alliances: from an edge list to a network).

Every expected answer is computed from the course data when a check runs, never typed in, so the
checks stay right when a relation is added. The hints name the usual mistakes: following only
outgoing edges of a graph that stores undirected ties once, dating a tie by ``start`` instead of
``known_from``, counting pairs or actors instead of ties, and forgetting ``known_from`` in a
hand-written row.
"""

from __future__ import annotations

import pandas as pd

from caspian import data, network
from caspian.checks import exercise, expect_number, expect_set

SEED_DATE = pd.Timestamp("2012-05-07")
"""Issue date of the seed article (The Weekly Standard, 7 May 2012)."""


def _graph(**kwargs):
    return network.build_graph(data.load_relations(), **kwargs)


def tied_to_israel_and_iran() -> set[str]:
    """Actors with at least one tie, in either direction, to both isr and irn (answer to 05.1)."""
    H = network.to_undirected_simple(_graph())
    return set(H["isr"]) & set(H["irn"])


def _outgoing_only() -> set[str]:
    G = _graph()
    return set(G.successors("isr")) & set(G.successors("irn"))


def ties_at_seed() -> int:
    """Number of ties active on the seed article's date (answer to 05.2)."""
    return _graph(at=SEED_DATE).number_of_edges()


def _ties_at_seed_by_start() -> int:
    relations = data.load_relations().drop(columns="known_from")
    return network.build_graph(relations, at=SEED_DATE).number_of_edges()


def observer_row() -> dict:
    """The row lesson 05 adds in memory: Turkmenistan's observer tie to the OTS."""
    month = pd.Timestamp("2021-11-01")
    return {"relation_id": "R900", "actor_a": "tkm", "actor_b": "ots",
            "relation": "diplomatic relations", "directed": True, "start": month, "end": pd.NaT,
            "status": "reported", "alleged_by": pd.NA,
            "summary": "Turkmenistan became an observer of the Organization of Turkic States.",
            "source_ids": "trtworld-20211113-ots", "notes": "Exercise row, in memory only.",
            "known_from": month}


def tkm_ties_today_after_adding() -> int:
    """Turkmenistan's ties today once the observer row is added (answer to 05.3)."""
    new = pd.concat([data.load_relations(), pd.DataFrame([observer_row()])], ignore_index=True)
    return network.build_graph(new, at=pd.Timestamp.today().normalize()).degree("tkm")


def _tkm_ties_today_before() -> int:
    return _graph(at=pd.Timestamp.today().normalize()).degree("tkm")


def only_known_through_allegations() -> set[str]:
    """Actors that drop out of the network when alleged ties are removed (answer to 05.4)."""
    relations = data.load_relations()
    kept = network.build_graph(relations[relations["status"] != "alleged"])
    return set(_graph().nodes) - set(kept.nodes)


def _with_any_alleged_tie() -> set[str]:
    alleged = data.load_relations().query("status == 'alleged'")
    return set(alleged["actor_a"]) | set(alleged["actor_b"])


@exercise("05.1", "Tied to both Israel and Iran",
          wrong=lambda: [sorted(_outgoing_only()),
                         sorted(tied_to_israel_and_iran() | {"isr", "irn"}),
                         sorted(tied_to_israel_and_iran())[:1]])
def _ex03_1(answer):
    names = _names(answer)
    if names is not None and names == _outgoing_only() != tied_to_israel_and_iran():
        return False, ("you followed only edges that *leave* Israel and Iran (successors). An "
                       "undirected tie is stored once, a → b, so look at neighbours in both "
                       "directions: `network.to_undirected_simple(G)` then `H['isr']`.")
    if names is not None and {"isr", "irn"} & names:
        return False, ("Israel or Iran is in your list: the question asks for *other* actors "
                       "tied to both of them.")
    return expect_set(answer, tied_to_israel_and_iran(), what="actor ids",
                      why="these actors have ties to both states. A tie is not an alliance: "
                          "read the kind of each tie (some are rivalries) before calling any "
                          "of them a friend of either.")


def _names(answer: object) -> set[str] | None:
    """The answer as a set of lowercase ids, or None if it is not a collection of names."""
    if isinstance(answer, str):
        return {answer.casefold()}
    try:
        return {str(a).casefold() for a in answer}
    except TypeError:
        return None


@exercise("05.2", "Ties active on the seed article's date",
          wrong=lambda: [v for v in (_ties_at_seed_by_start(),
                                     _graph(at=SEED_DATE).number_of_nodes(),
                                     network.to_undirected_simple(
                                         _graph(at=SEED_DATE)).number_of_edges(),
                                     len(data.load_relations()))
                         if v != ties_at_seed()])
def _ex03_2(answer):
    G = _graph(at=SEED_DATE)
    return expect_number(
        answer, ties_at_seed(),
        why="ties known from on or before 7 May 2012 and not yet ended. `known_from` dates a "
            "tie whose start is blank by its earliest source, so the count is what the course's "
            "sources document by then, not everything that existed.",
        hints=[
            (lambda v: v == _ties_at_seed_by_start(),
             "this counts only ties with a `start` date: ties whose start is blank are dated by "
             "`known_from`. Use `network.build_graph(relations, at=...)`."),
            (lambda v: v == G.number_of_nodes(), "this is the number of actors (nodes); the "
                                                 "question asks for ties (edges)."),
            (lambda v: v == network.to_undirected_simple(G).number_of_edges(),
             "this counts pairs of actors: some pairs share several ties. Count the edges of "
             "the multigraph from `build_graph`."),
            (lambda v: v == len(data.load_relations()),
             "this is every row of the table: keep only the ties active on 2012-05-07 "
             "(`at=`)."),
        ],
    )


@exercise("05.3", "Add a tie in memory",
          wrong=lambda: [_tkm_ties_today_before(), tkm_ties_today_after_adding() + 1])
def _ex03_3(answer):
    return expect_number(
        answer, tkm_ties_today_after_adding(),
        why="the new row is one more edge at Turkmenistan. Nothing was written to data/: the "
            "table you changed lives only in this notebook's memory.",
        hints=[
            (lambda v: v == _tkm_ties_today_before(),
             "that is Turkmenistan's count before the new row. Did you build the graph from the "
             "*new* table, and does the row have a `known_from` date? A row without one is "
             "never active at a date."),
        ],
    )


@exercise("05.4", "Actors known only through allegations",
          wrong=lambda: [sorted(_with_any_alleged_tie()),
                         sorted(only_known_through_allegations())[:-1]])
def _ex03_4(answer):
    names = _names(answer)
    if names is not None and names == _with_any_alleged_tie():
        return False, ("these are all actors with *an* alleged tie; some of them also have "
                       "official or reported ties, so they stay in the network. Compare the "
                       "nodes of the two graphs instead.")
    return expect_set(answer, only_known_through_allegations(), what="actor ids",
                      why="every tie of these actors is an allegation: without the alleged ties "
                          "they vanish from the picture, and whatever role they play becomes "
                          "invisible to the measures.")
