"""Exercises of lesson 03 (A timeline of plots).

Every expected answer is computed from the course tables when a check runs, never typed in, so the
checks stay right when a row is added. The hints name the usual mistakes: a tie hidden by
``idxmax``, counting separators instead of ids, Iranian bodies listed by hand, and dates known
only to the month treated as exact.
"""

from __future__ import annotations

import numbers

import pandas as pd

from caspian import data
from caspian.checks import exercise, expect_number, expect_set

GOVERNMENT_KINDS = ("state", "government agency")
"""Actor kinds that speak for a state (used by 03.3)."""


# --- 03.1 -------------------------------------------------------------------------------------


def foiled_plots_per_year(country: str = "AZE", types: tuple[str, ...] = ("foiled plot",),
                          ) -> pd.Series:
    """Events of ``types`` placed in ``country``, counted by the year of ``date``."""
    events = data.events_gdf()
    chosen = events[(events["country"] == country) & events["event_type"].isin(types)]
    return chosen.groupby(chosen["date"].dt.year).size()


def busiest_years(counts: pd.Series) -> set[str]:
    """Every year whose count equals the maximum (ties included), as strings."""
    return {str(year) for year in counts.index[counts == counts.max()]}


def _as_list(answer: object) -> list[str] | None:
    """One value or a collection → a list of strings (2012.0 → '2012'); None if not that."""
    if isinstance(answer, (numbers.Integral, str)):
        answer = [answer]
    if isinstance(answer, pd.Series):
        answer = answer.tolist()
    try:
        items = list(answer)  # type: ignore[arg-type]
    except TypeError:
        return None
    out = []
    for item in items:
        if isinstance(item, numbers.Real) and float(item).is_integer():
            item = int(item)
        out.append(str(item).strip())
    return out


def _wrong_02_1() -> list[object]:
    right = busiest_years(foiled_plots_per_year())
    counts = foiled_plots_per_year()
    candidates = [
        [int(counts.idxmax())],                                   # idxmax hides a tie
        sorted(int(y) for y in busiest_years(
            foiled_plots_per_year(types=("foiled plot", "arrests")))),  # arrests included
        sorted(int(y) for y in counts.index),                     # every year with a plot
        [int(counts.idxmin())],
    ]
    unique = {tuple(c): c for c in candidates}.values()
    return [c for c in unique if {str(y) for y in c} != right]


@exercise("03.1", "The busiest years for foiled plots in Azerbaijan", wrong=_wrong_02_1)
def _ex02_1(answer):
    counts = foiled_plots_per_year()
    right = busiest_years(counts)
    if isinstance(answer, pd.Series) and pd.api.types.is_integer_dtype(answer.index):
        answer = answer.index  # counts indexed by year: the years are the answer
    years = _as_list(answer)
    if years is None:
        return False, "give the year(s) as a list of numbers, e.g. [2009, 2015]."
    got = set(years)
    if got and got < right:
        return False, ("a year is missing. If you used `idxmax()`: it returns only the first of "
                       "tied maxima, so keep every year where `counts == counts.max()`. And count "
                       "only event_type 'foiled plot', not arrests.")
    if got and got != right and not got <= {str(y) for y in counts.index}:
        return False, ("a year in your answer has no foiled plot placed in Azerbaijan. Keep only "
                       "event_type 'foiled plot' (not arrests) and country 'AZE' from "
                       "`data.events_gdf()`.")
    if len(right) > 1:
        why = (f"{' and '.join(sorted(right))} each have {counts.max()} foiled plots placed in "
               "Azerbaijan: a tie, which `idxmax()` alone would have hidden.")
    else:
        why = f"{min(right)} has the most foiled plots placed in Azerbaijan ({counts.max()})."
    return expect_set(years, right, what="years", why=why)


# --- 03.2 -------------------------------------------------------------------------------------


def events_with_n_sources(n: int) -> set[str]:
    """event_id of the events that cite exactly ``n`` sources."""
    events = data.load_events()
    count = events["source_ids"].str.split(";").str.len()
    return set(events.loc[count == n, "event_id"])


def _wrong_02_2() -> list[object]:
    right = sorted(events_with_n_sources(1))
    candidates = [sorted(events_with_n_sources(2)), right[:-1], right + ["E002"]]
    return [c for c in candidates if set(c) != set(right)]


@exercise("03.2", "Events that rest on a single source", wrong=_wrong_02_2)
def _ex02_2(answer):
    right = events_with_n_sources(1)
    names = _as_list(answer)  # any collection of ids, as strings
    if names is not None and {n.upper() for n in names} == events_with_n_sources(2) != right:
        return False, ("these events cite two sources each. Counting the ';' separators gives "
                       "one less than the number of ids: split the column, then count the pieces.")
    return expect_set(
        answer, right, what="event ids",
        why=f"{len(right)} events cite only one source; lesson 06 asks how much weight such a "
            "row can bear.",
    )


# --- 03.3 -------------------------------------------------------------------------------------


def denials_by(country: str = "IRN", ids: tuple[str, ...] | None = None,
               status: str | None = None) -> int:
    """How many events list, in ``denied_by``, a state body of ``country`` (or one of ``ids``)."""
    events = data.load_events()
    actors = data.load_actors()
    if ids is None:
        gov = actors[(actors["country"] == country) & actors["kind"].isin(GOVERNMENT_KINDS)]
        ids = tuple(gov["actor_id"])
    if status is not None:
        events = events[events["status"] == status]
    denials = events[["event_id", "denied_by"]].assign(
        actor_id=events["denied_by"].str.split(";")).explode("actor_id")
    return denials.loc[denials["actor_id"].isin(list(ids)), "event_id"].nunique()


def _wrong_02_3() -> list[object]:
    right = denials_by()
    candidates = [denials_by(ids=("irn",)), denials_by(ids=("irn", "irn-mfa")),
                  denials_by(status="denied"), right + 1]
    return [c for c in dict.fromkeys(candidates) if c != right]


@exercise("03.3", "Events an Iranian state body denied", wrong=_wrong_02_3)
def _ex02_3(answer):
    right = denials_by()
    only_irn = denials_by(ids=("irn",))
    by_hand = denials_by(ids=("irn", "irn-mfa"))
    only_status = denials_by(status="denied")
    return expect_number(
        answer, right,
        why=f"{right} events name an Iranian state body in denied_by. Some of them have the "
            "status 'disputed', not 'denied': a denial does not settle a dispute.",
        hints=[
            (lambda v: v == only_irn != right,
             "you counted only the id 'irn'. Iran's foreign ministry and other bodies deny things "
             "under their own ids: find them in the actors table (country 'IRN')."),
            (lambda v: v == by_hand != right,
             "close: you listed Iranian ids by hand and missed one. Let the actors table find "
             "them: actors whose country is 'IRN' and whose kind is a state or government agency."),
            (lambda v: v == only_status != right,
             "you kept only events whose status is 'denied'. An event can name a denier and still "
             "be 'disputed' (see data/README.md): filter on denied_by, not on status."),
        ],
    )


# --- 03.4 -------------------------------------------------------------------------------------


def announcement_gaps(day_precision_only: bool = True) -> pd.Series:
    """Days from occurrence to announcement, for events where the table gives both dates."""
    events = data.load_events()
    if day_precision_only:
        events = events[events["date_precision"] == "day"]
    occurred = events["date"].where(events["date_kind"] == "occurred", events["occurred_date"])
    announced = events["date"].where(events["date_kind"] == "announced",
                                     events["announced_date"])
    gap = (announced - occurred).dt.days
    return gap.set_axis(events["event_id"]).dropna().astype(int)


def _wrong_02_4() -> list[object]:
    right = int(announcement_gaps().max())
    candidates = [int(announcement_gaps(day_precision_only=False).max()), -right,
                  int(announcement_gaps().median())]
    return [c for c in dict.fromkeys(candidates) if c != right]


@exercise("03.4", "The longest wait for an announcement", wrong=_wrong_02_4)
def _ex02_4(answer):
    gaps = announcement_gaps()
    right = int(gaps.max())
    loose = int(announcement_gaps(day_precision_only=False).max())
    return expect_number(
        answer, right,
        why=f"{right} days, for {gaps.idxmax()}: the longest gap among events whose date is known "
            "to the day.",
        hints=[
            (lambda v: v == loose != right,
             "this gap starts from a date known only to the month, which the loader set to the "
             "1st: keep only rows whose date_precision is 'day'."),
            (lambda v: v == -right, "right size, wrong sign: subtract the occurrence date from the "
                                    "announcement date."),
            (lambda v: v == int(gaps.median()) != right,
             "that is the median gap; the question asks for the longest one (`.max()`)."),
        ],
    )
