"""Exercises of lesson 05 (Regional alliances: from an edge list to a network).

Every expected answer is computed from the course data when a check runs, never typed in, so the
checks stay right when a relation is added. Answers naming actors may use ids (``irn``) or short
names (``Iran``), in any order and letter case, and are matched whole: ``"ir"`` is not ``irn``.
The hints name the usual mistakes: following only outgoing edges of a graph that stores undirected
ties once, listing every actor with *an* alleged tie, forgetting ``known_from`` in a hand-written
row, and, for the figure of 5.2, keeping the alleged ties, skipping the date filter or writing a
count in the title that the figure does not show.
"""

from __future__ import annotations

import re

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from caspian import data, network
from caspian.checks import FIGURE, NAMES, NUMBER, exercise, expect_number, expect_set


def _graph(**kwargs):
    return network.build_graph(data.load_relations(), **kwargs)


def _latest() -> pd.Timestamp:
    relations = data.load_relations()
    return max(relations["known_from"].max(), relations["end"].max())


def _ids(answer: object) -> set[str] | None:
    """The answer as a set of actor ids: ids or short/full names, matched whole; None if the
    answer is not a name or a collection of names. Unknown names are kept as given."""
    if isinstance(answer, str):
        items = [answer]
    elif isinstance(answer, (pd.Series, pd.Index, list, tuple, set, frozenset)):
        items = list(answer)
    else:
        return None
    if not all(isinstance(x, str) for x in items):
        return None
    actors = data.load_actors()
    lookup = {}
    for col in ("actor_id", "short_name", "name"):
        lookup.update({str(v).casefold().strip(): a for v, a in zip(actors[col],
                                                                   actors["actor_id"],
                                                                   strict=True)})
    return {lookup.get(x.casefold().strip(), x.strip()) for x in items}


def _type_hint(what: str, answer: object) -> tuple[bool, str]:
    return False, f"expected {what}, got {type(answer).__name__}."


# --- 05.1 ----------------------------------------------------------------------------------------


def tied_to_israel_and_iran() -> set[str]:
    """Actors with at least one tie, in either direction, to both isr and irn."""
    H = network.to_undirected_simple(_graph())
    return set(H["isr"]) & set(H["irn"])


def _outgoing_only() -> set[str]:
    G = _graph()
    return set(G.successors("isr")) & set(G.successors("irn"))


def _wrong_05_1() -> list[object]:
    right = tied_to_israel_and_iran()
    out = [sorted(_outgoing_only()), sorted(right | {"isr", "irn"}), sorted(right)[:1],
           [a[:2] for a in sorted(right)]]
    return [c for c in out if set(c) != right]


@exercise("05.1", "Tied to both Israel and Iran", wrong=_wrong_05_1,
          expects="a list of actor ids or names", accepts=NAMES)
def _ex05_1(answer):
    ids = _ids(answer)
    if ids is None:
        return _type_hint("a list of actor ids or names", answer)
    right = tied_to_israel_and_iran()
    if ids == _outgoing_only() != right:
        return False, ("you followed only edges that *leave* Israel and Iran (successors). An "
                       "undirected tie is stored once, a → b, so look at neighbours in both "
                       "directions: `network.to_undirected_simple(G)` then `H['isr']`.")
    if {"isr", "irn"} & ids:
        return False, ("Israel or Iran is in your list: the question asks for *other* actors "
                       "tied to both of them.")
    known = set(data.load_actors()["actor_id"])
    unknown = sorted(ids - known)
    if unknown:
        return False, (f"{', '.join(repr(u) for u in unknown)} is not an actor id or name of "
                       "the actors table: give whole actor ids or short names.")
    return expect_set(sorted(ids), right, what="actors",
                      why="these actors have ties to both states. A tie is not an alliance: "
                          "read the kind of each tie (some are rivalries) before calling any "
                          "of them a friend of either.")


# --- 05.2 ----------------------------------------------------------------------------------------

_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def _axes_of(answer: object) -> Axes | None:
    if isinstance(answer, Axes):
        return answer
    if isinstance(answer, Figure):
        drawn = [ax for ax in answer.axes if ax.collections]
        return drawn[0] if drawn else (answer.axes[0] if answer.axes else None)
    return None


def _drawn(ax: Axes) -> tuple[int, int]:
    """(node markers, tie arrows) in an Axes drawn by ``network.draw_network``."""
    nodes = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))
    ties = sum(isinstance(p, FancyArrowPatch) for p in ax.patches)
    return nodes, ties


def snapshot(at: object, alleged: bool = False):
    """The graph 5.2 asks for: ties active on ``at``, without the alleged ones unless asked."""
    relations = data.load_relations()
    if not alleged:
        relations = relations[relations["status"] != "alleged"]
    return network.build_graph(relations, at=at)


def reference_figure(at: str = "2020-11-10", alleged: bool = False, count: int | None = None,
                     filter_dates: bool = True) -> Figure:
    """A figure as a learner would draw it for 5.2 (used by the tests, right and wrong)."""
    import matplotlib.pyplot as plt

    relations = data.load_relations()
    if not alleged:
        relations = relations[relations["status"] != "alleged"]
    G = network.build_graph(relations, at=at if filter_dates else None,
                            actors=data.load_actors())
    fig, ax = plt.subplots(figsize=(12, 8))
    network.draw_network(G, ax=ax, legend=False, labels=False)
    n = G.number_of_edges() if count is None else count
    ax.set_title(f"{n} official or reported ties on {at}")
    return fig


@exercise("05.2", "Draw the network on a date you choose",
          wrong=lambda: [reference_figure(alleged=True), reference_figure(filter_dates=False),
                         reference_figure(count=1)],
          expects="the matplotlib Figure (or Axes) you drew on", accepts=FIGURE)
def _ex05_2(answer):
    ax = _axes_of(answer)
    if ax is None:
        return _type_hint("the Figure (or Axes) you drew on, e.g. `fig`", answer)
    title = ax.get_title() or (ax.figure._suptitle.get_text() if ax.figure._suptitle else "")
    parts: list[tuple[bool, str]] = []
    found = _DATE.search(title)
    if not title:
        return False, "your figure has no title yet: step 5 asks for one with the date and count."
    if not found:
        return False, ("✗ date: the title does not contain a date written as YYYY-MM-DD, so the "
                       "check cannot tell which snapshot you drew (step 5).")
    at = pd.Timestamp(found.group(1))
    if not pd.Timestamp("2008-01-01") <= at <= pd.Timestamp.today():
        return False, f"✗ date: {found.group(1)} is not between 2008 and today (step 1)."
    want = snapshot(at)
    nodes, ties = _drawn(ax)
    parts.append((True, f"✓ date: your title names {at.date()}"))
    if ties == want.number_of_edges():
        parts.append((True, f"✓ ties: {ties} drawn, as many as are active that day and not "
                            "alleged"))
    elif ties == snapshot(at, alleged=True).number_of_edges():
        parts.append((False, "✗ ties: the alleged ties are still in (step 2: keep only rows "
                             "whose status is not 'alleged')"))
    elif ties > want.number_of_edges():
        parts.append((False, f"✗ ties: {ties} drawn, more than are active on {at.date()}: did "
                             "you pass `at=AT` to `build_graph` (step 3)?"))
    else:
        parts.append((False, f"✗ ties: {ties} drawn, fewer than the non-alleged ties active on "
                             f"{at.date()} (steps 2 and 3)"))
    if nodes == want.number_of_nodes():
        parts.append((True, f"✓ actors: {nodes} markers, one per actor with such a tie"))
    else:
        parts.append((False, f"✗ actors: {nodes} markers drawn, but the snapshot has a "
                             "different number of actors (draw the graph of step 3 with "
                             "`network.draw_network`)"))
    numbers = {int(x) for x in re.findall(r"\b\d+\b", _DATE.sub("", title))}
    if ties in numbers:
        parts.append((True, "✓ title: it states the number of ties drawn"))
    else:
        parts.append((False, "✗ title: it does not state the number of ties your figure draws "
                             "(use `G_at.number_of_edges()`)"))
    ok = all(p for p, _ in parts)
    lines = "\n  ".join(m for _, m in parts)
    return ok, (("your snapshot is right:\n  " if ok else "some parts are not right yet:\n  ")
                + lines)


# --- 05.3 ----------------------------------------------------------------------------------------


def observer_row() -> dict:
    """The row lesson 05 adds in memory: Turkmenistan's observer tie to the OTS."""
    month = pd.Timestamp("2021-11-01")
    return {"relation_id": "R900", "actor_a": "tkm", "actor_b": "ots",
            "relation": "diplomatic relations", "directed": True, "start": month, "end": pd.NaT,
            "status": "reported", "alleged_by": pd.NA,
            "summary": "Turkmenistan became an observer of the Organization of Turkic States.",
            "source_ids": "trtworld-20211113-ots", "notes": "Exercise row, in memory only.",
            "known_from": month}


def tkm_ties_after_adding() -> int:
    """Turkmenistan's ties on the latest date once the observer row is added."""
    new = pd.concat([data.load_relations(), pd.DataFrame([observer_row()])], ignore_index=True)
    return network.build_graph(new, at=_latest()).degree("tkm")


def _tkm_ties_before() -> int:
    return _graph(at=_latest()).degree("tkm")


@exercise("05.3", "Add a tie in memory",
          wrong=lambda: [_tkm_ties_before(), tkm_ties_after_adding() + 1],
          expects="one number (a degree)", accepts=NUMBER)
def _ex05_3(answer):
    if isinstance(answer, (pd.Timedelta, str, list, dict, tuple, set)) or answer is True \
            or answer is False:
        return _type_hint("one number (a degree)", answer)
    return expect_number(
        answer, tkm_ties_after_adding(),
        why="the new row is one more edge at Turkmenistan. Nothing was written to data/: the "
            "table you changed lives only in this notebook's memory.",
        hints=[
            (lambda v: v == _tkm_ties_before(),
             "that is Turkmenistan's count before the new row. Did you build the graph from the "
             "*new* table, and does the row have a `known_from` date? A row without one is "
             "never active at a date."),
        ],
    )


# --- 05.4 ----------------------------------------------------------------------------------------


def only_known_through_allegations() -> set[str]:
    """Actors that drop out of the network when alleged ties are removed."""
    relations = data.load_relations()
    kept = network.build_graph(relations[relations["status"] != "alleged"])
    return set(_graph().nodes) - set(kept.nodes)


def _with_any_alleged_tie() -> set[str]:
    alleged = data.load_relations().query("status == 'alleged'")
    return set(alleged["actor_a"]) | set(alleged["actor_b"])


def _wrong_05_4() -> list[object]:
    right = only_known_through_allegations()
    out = [sorted(_with_any_alleged_tie()), sorted(right)[:-1]]
    return [c for c in out if set(c) != right]


@exercise("05.4", "Actors known only through allegations", wrong=_wrong_05_4,
          expects="a list of actor ids or names", accepts=NAMES)
def _ex05_4(answer):
    ids = _ids(answer)
    if ids is None:
        return _type_hint("a list of actor ids or names", answer)
    if ids == _with_any_alleged_tie() != only_known_through_allegations():
        return False, ("these are all actors with *an* alleged tie; some of them also have "
                       "official or reported ties, so they stay in the network. Compare the "
                       "nodes of the two graphs instead.")
    return expect_set(sorted(ids), only_known_through_allegations(), what="actors",
                      why="every tie of these actors is an allegation: without the alleged ties "
                          "they vanish from the picture, and whatever role they play becomes "
                          "invisible to the measures.")
