"""Exercises of lesson 03 (A timeline of plots).

Every expected answer is computed from the course tables when a check runs, never typed in, so the
checks stay right when a row is added. Each plausible mistake an exercise lists has its own hint
(``tests/test_exercises_03.py`` asserts each one): for 03.1 a missing country filter, a tie hidden
by ``idxmax`` and arrests counted as plots; for 03.2 a figure of the wrong events, without lanes
or labels; for 03.3 a substring search (``str.contains("irn")`` also finds ``irn-mfa``), Iranian
bodies listed by hand, deniers of every country and a filter on ``status``; for 03.4 a gap whose
either end is known only to the month, a reversed subtraction and ``Timedelta`` values.
"""

from __future__ import annotations

import numbers

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from caspian import data
from caspian.checks import (
    FIGURE,
    NAMES,
    describe_axes,
    describe_type,
    exercise,
    expect_parts,
    expect_set,
)

GOVERNMENT_KINDS = ("state", "government agency")
"""Actor kinds that speak for a state (used by 03.3)."""

FIGURE_TYPES = ("foiled plot", "arrests")
"""The event types of exercise 03.2's timeline."""


# --- 03.1 -------------------------------------------------------------------------------------


def foiled_plots_per_year(country: str | None = "AZE",
                          types: tuple[str, ...] = ("foiled plot",)) -> pd.Series:
    """Events of ``types`` placed in ``country`` (any country if None), counted by year."""
    events = data.events_gdf()
    chosen = events[events["event_type"].isin(types)]
    if country is not None:
        chosen = chosen[chosen["country"] == country]
    return chosen.groupby(chosen["date"].dt.year).size()


def busiest_years(counts: pd.Series) -> set[str]:
    """Every year whose count equals the maximum (ties included), as strings."""
    return {str(year) for year in counts.index[counts == counts.max()]}


def _as_list(answer: object) -> list[str] | None:
    """One value or a collection → a list of strings (2012.0 → '2012'); None if not that."""
    if isinstance(answer, (dict, pd.DataFrame)):
        return None
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


def _mistakes_03_1() -> dict[str, set[str]]:
    """The answer each listed mistake gives (computed from the data)."""
    counts = foiled_plots_per_year()
    every = foiled_plots_per_year(country=None)
    return {
        "no country filter": busiest_years(every),
        "idxmax": {str(counts.idxmax())},
        "idxmax, no country filter": {str(every.idxmax())},
        "arrests counted": busiest_years(foiled_plots_per_year(types=("foiled plot", "arrests"))),
        "every year": {str(y) for y in counts.index},
    }


def _wrong_03_1() -> list[object]:
    right = busiest_years(foiled_plots_per_year())
    return [sorted(int(y) for y in v) for v in _mistakes_03_1().values() if v != right]


HINT_03_1_COUNTRY = ("the country filter seems to be missing: count only the events placed in "
                     "Azerbaijan (the `country` column of `placed`), not foiled plots everywhere.")
HINT_03_1_IDXMAX = ("`idxmax()` returns only the first of tied maxima: keep every year where "
                    "`counts == counts.max()`.")
HINT_03_1_ARRESTS = "count only `event_type == 'foiled plot'`: arrests are a different type."
HINT_03_1_EVERY = ("these are all the years with a foiled plot; keep only the year(s) whose count "
                   "is the highest.")


@exercise("03.1", "The busiest years for foiled plots in Azerbaijan", wrong=_wrong_03_1,
          expects="a list of years", accepts=NAMES + (numbers.Integral,))
def _ex03_1(answer):
    counts = foiled_plots_per_year()
    right = busiest_years(counts)
    if isinstance(answer, pd.Series) and pd.api.types.is_integer_dtype(answer.index):
        answer = answer.index  # counts indexed by year: the years are the answer
    years = _as_list(answer)
    if years is None:
        return False, (f"expected a list of years, got {describe_type(answer)}. "
                       "Give the year(s) as a list of numbers, e.g. [year1, year2].")
    got = set(years)
    if got != right:
        mistakes = _mistakes_03_1()
        causes = [("no country filter", HINT_03_1_COUNTRY),
                  ("idxmax, no country filter", HINT_03_1_COUNTRY),
                  ("idxmax", HINT_03_1_IDXMAX), ("arrests counted", HINT_03_1_ARRESTS),
                  ("every year", HINT_03_1_EVERY)]
        hints = list(dict.fromkeys(hint for name, hint in causes if got == mistakes[name]))
        if hints:  # several mistakes can give the same years: name each of them
            return False, "not quite: " + " Or: ".join(hints)
    if len(right) > 1:
        why = (f"{' and '.join(sorted(right))} each have {counts.max()} foiled plots placed in "
               "Azerbaijan: a tie, which `idxmax()` alone would have hidden.")
    else:
        why = f"{min(right)} has the most foiled plots placed in Azerbaijan ({counts.max()})."
    return expect_set(years, right, what="years", why=why)


# --- 03.2 -------------------------------------------------------------------------------------


def figure_events(types: tuple[str, ...] = FIGURE_TYPES) -> pd.DataFrame:
    """The events exercise 03.2 asks to draw."""
    events = data.load_events()
    return events[events["event_type"].isin(types)]


def _axes_of(answer: object) -> Axes | None:
    if isinstance(answer, Axes):
        return answer
    if isinstance(answer, Figure) and answer.axes:
        return answer.axes[0]
    return None


def _points(ax: Axes) -> list[float]:
    """The x position (matplotlib date number) of every marker drawn in ``ax``."""
    xs: list[float] = []
    for coll in ax.collections:
        if isinstance(coll, PathCollection):
            xs += [float(x) for x in np.asarray(coll.get_offsets())[:, 0]]
    for line in ax.lines:
        if line.get_marker() in (None, "", "None", " ", ","):
            continue  # a line without markers (a grid line, the seed date) draws no event
        x = line.get_xdata()
        xs += [float(v) if isinstance(v, numbers.Real) else float(mdates.date2num(v))
               for v in np.atleast_1d(x)]
    return xs


def _date_numbers(dates: pd.Series) -> list[float]:
    return sorted(float(mdates.date2num(d)) for d in pd.to_datetime(dates))


def _judge_03_2(answer: object) -> tuple[bool, str]:
    ax = _axes_of(answer)
    if ax is None:
        return False, (f"expected a matplotlib Figure (from `fig, ax = plt.subplots()`), got "
                       f"{describe_type(answer)}. Check `fig`, not `ax` or `chosen`.")
    seen = describe_axes(ax)
    want = figure_events()
    xs = sorted(_points(ax))
    n = seen["n_points"]
    parts: dict[str, tuple[bool, str]] = {}
    if n == len(want) == len(xs) and np.allclose(xs, _date_numbers(want["date"])):
        parts["events"] = (True, f"one marker for each of the {n} foiled plots and arrests.")
    elif n == 0:
        parts["events"] = (False, "no markers found: draw the events with `ax.scatter(...)`.")
    elif n == len(data.load_events()):
        parts["events"] = (False, "you drew every event: keep only the foiled plots and arrests "
                                  "(`isin([...])` on `event_type`).")
    elif n == len(figure_events(("foiled plot",))):
        parts["events"] = (False, "only the foiled plots are drawn: the arrests are missing.")
    else:
        parts["events"] = (False, f"{n} markers, not one per foiled plot or arrest: check the "
                                  "selection and draw each event once, at its `date`.")
    statuses = {str(s) for s in want["status"].unique()}
    if statuses <= set(seen["yticklabels"]):
        parts["lanes"] = (True, "one lane per status, labelled by name.")
    else:
        parts["lanes"] = (False, "label the lanes: `ax.set_yticks(range(len(lanes)), "
                                 "labels=lanes)` with the status names.")
    if statuses <= set(seen["legend_labels"]):
        parts["legend"] = (True, "the legend names each status.")
    else:
        parts["legend"] = (False, "add a legend that names each status (`label=status` in each "
                                  "`scatter`, then `ax.legend()`).")
    if seen["xlabel"].strip() and seen["ylabel"].strip():
        parts["axis labels"] = (True, "both axes are labelled.")
    else:
        parts["axis labels"] = (False, "label both axes (`ax.set_xlabel`, `ax.set_ylabel`); "
                                       "say the unit of time on x.")
    if len(seen["title"].strip()) > 15:
        parts["title"] = (True, "the title says something.")
    else:
        parts["title"] = (False, "give the figure a title that states what it shows.")
    return expect_parts(parts)


def _wrong_03_2() -> list[object]:
    import matplotlib.pyplot as plt

    wrong = []
    for table in (data.load_events(), figure_events(("foiled plot",))):
        fig, ax = plt.subplots()
        ax.scatter(table["date"], [0] * len(table))
        plt.close(fig)
        wrong.append(fig)
    return wrong


@exercise("03.2", "A timeline of foiled plots and arrests, by status", wrong=_wrong_03_2,
          expects="a matplotlib Figure", accepts=FIGURE)
def _ex03_2(answer):
    return _judge_03_2(answer)


# --- 03.3 -------------------------------------------------------------------------------------


def iranian_bodies() -> list[str]:
    """Ids of the actors whose country is IRN and whose kind is a state or government agency."""
    actors = data.load_actors()
    mask = (actors["country"] == "IRN") & actors["kind"].isin(GOVERNMENT_KINDS)
    return list(actors.loc[mask, "actor_id"])


def denials_per_body(ids: list[str] | None = None, status: str | None = None,
                     substring: bool = False) -> pd.Series:
    """For each actor in ``ids`` (default: the Iranian state bodies), the events it denies.

    ``substring=True`` reproduces the mistake of searching the text (``str.contains``), which
    also counts longer ids that contain the id; ``status`` keeps only events with that status.
    """
    events = data.load_events()
    if status is not None:
        events = events[events["status"] == status]
    ids = iranian_bodies() if ids is None else ids
    if substring:
        counts = {i: int(events["denied_by"].str.contains(i, regex=False, na=False).sum())
                  for i in ids}
    else:
        named = events["denied_by"].str.split(";").explode()
        counts = named[named.isin(ids)].value_counts().to_dict()
    out = pd.Series(counts, dtype="int64")
    return out[out > 0].sort_index()


def _wrong_03_3() -> list[object]:
    everyone = list(data.load_actors()["actor_id"])
    return [denials_per_body(substring=True), denials_per_body(ids=["irn", "irn-mfa"]),
            denials_per_body(ids=everyone), denials_per_body(status="denied")]


def _as_counts(answer: object) -> dict[str, float] | None:
    """A Series or dict of counts keyed by actor id (or actor name) → {actor_id: count}."""
    if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
        answer = answer.iloc[:, 0]
    if isinstance(answer, dict):
        answer = pd.Series(answer)
    if not isinstance(answer, pd.Series):
        return None
    names = data.load_actors().set_index("name")["actor_id"]
    by_name = {str(k).casefold(): v for k, v in names.items()}
    out = {}
    for key, value in answer.items():
        key = by_name.get(str(key).casefold(), str(key))
        out[key] = float(value)
    return {k: v for k, v in out.items() if v != 0}


HINT_03_3_SUBSTRING = ("`str.contains('{id}')` is a text search: it also finds longer ids that "
                       "contain '{id}' (such as '{longer}'). Split `denied_by` on ';', `explode`, "
                       "and compare whole ids.")
HINT_03_3_MISSING = ("{n} Iranian state bod{ies} that den{y} events missing: let the actors table "
                     "find them (step 1: `country` and `kind`) instead of listing ids by hand.")
HINT_03_3_EXTRA = ("not Iranian state bodies: {extra}. Keep only the ids of step 1 (the actors "
                   "whose `country` is Iran's code and whose `kind` is a state or government "
                   "agency).")
HINT_03_3_STATUS = ("your counts are lower: filter on `denied_by`, not on `status`. An event can "
                    "name a denier and still be 'disputed' (see data/README.md).")


@exercise("03.3", "Denials by Iranian state bodies, body by body", wrong=_wrong_03_3,
          expects="a Series of counts indexed by actor id", accepts=(pd.Series, pd.DataFrame, dict))
def _ex03_3(answer):
    got = _as_counts(answer)
    if got is None:
        return False, (f"expected a Series of counts indexed by actor id, got "
                       f"{describe_type(answer)}. `value_counts()` on the exploded ids gives one.")
    right = denials_per_body()
    want = {k: float(v) for k, v in right.items()}
    parts: dict[str, tuple[bool, str]] = {}
    missing = set(want) - set(got)
    extra = sorted(set(got) - set(want))
    if not missing and not extra:
        parts["bodies"] = (True, f"the {len(want)} Iranian state bodies named in `denied_by`.")
    elif extra:
        parts["bodies"] = (False, HINT_03_3_EXTRA.format(extra=", ".join(extra)))
    else:
        parts["bodies"] = (False, HINT_03_3_MISSING.format(
            n=len(missing), ies="y" if len(missing) == 1 else "ies",
            y="ies" if len(missing) == 1 else "y"))
    common = sorted(set(want) & set(got))
    wrong = [k for k in common if got[k] != want[k]]
    if not wrong:
        parts["counts"] = (True, "each body's number of denied events is right."
                                 if common else "no body to compare yet.")
    else:
        substring = denials_per_body(substring=True)
        longer = {k: next((i for i in iranian_bodies() if i != k and k in i), "")
                  for k in wrong}
        by_text = [k for k in wrong if got[k] == substring.get(k) and longer[k]]
        by_status = denials_per_body(status="denied")
        if by_text:
            k = by_text[0]
            parts["counts"] = (False, HINT_03_3_SUBSTRING.format(id=k, longer=longer[k]))
        elif all(got[k] == by_status.get(k, 0) for k in wrong):
            parts["counts"] = (False, HINT_03_3_STATUS)
        else:
            parts["counts"] = (False, f"the count is off for {', '.join(wrong)}: count each "
                                      "event once per body that denies it.")
    ok, message = expect_parts(parts)
    if ok:
        message = ("a blank `denied_by` is 'none found' or 'not searched' (`denial_status`), "
                   "never 'not denied'. " + message)
    return ok, message


# --- 03.4 -------------------------------------------------------------------------------------


def announcement_gaps(rule: str = "both") -> pd.Series:
    """Days from occurrence to announcement, by event_id, where the table gives both dates.

    ``rule`` says which rows are kept: ``"both"`` (the right rule: each clock known to the day),
    ``"date"`` (only ``date_precision`` checked: the incomplete rule) or ``"none"``.
    """
    events = data.load_events()
    occurred = events["date"].where(events["date_kind"] == "occurred", events["occurred_date"])
    announced = events["date"].where(events["date_kind"] == "announced",
                                     events["announced_date"])
    is_occ = events["date_kind"] == "occurred"
    occ_prec = events["date_precision"].astype("string").where(is_occ,
                                                               events["occurred_precision"])
    ann_prec = events["date_precision"].astype("string").where(~is_occ,
                                                               events["announced_precision"])
    keep = occurred.notna() & announced.notna()
    if rule == "both":
        keep &= (occ_prec == "day").fillna(False) & (ann_prec == "day").fillna(False)
    elif rule == "date":
        keep &= events["date_precision"] == "day"
    gap = (announced - occurred).dt.days[keep]
    return gap.set_axis(events.loc[keep, "event_id"]).astype(int).rename("gap_days")


def _wrong_03_4() -> list[object]:
    right = announcement_gaps()
    return [announcement_gaps("date"), announcement_gaps("none"), -right,
            announcement_gaps().map(lambda d: pd.Timedelta(days=int(d))), pd.Timedelta(days=105),
            int(right.max())]


HINT_03_4_TIMEDELTA = ("expected numbers of days, got Timedelta{s}. Subtracting two dates gives "
                       "a Timedelta: `.dt.days` turns a column of them into whole days.")
EXPECTS_03_4 = "a Series of gaps in days, indexed by event_id"
HINT_03_4_SCALAR = ("expected " + EXPECTS_03_4 + ", got {kind}. Keep the whole column of gaps; the "
                    "longest is then its `max()`.")
HINT_03_4_RULE = ("a gap is only as exact as its less precise end: keep a row only if the "
                  "occurrence AND the announcement are both known to the day. `date_precision` "
                  "describes `date`; the other clock's precision is in `occurred_precision` or "
                  "`announced_precision`.")
HINT_03_4_SIGN = "right size, wrong sign: subtract the occurrence date from the announcement date."


def _as_gaps(answer: object) -> pd.Series | str:
    """The learner's gaps as a Series of floats by event_id, or a hint (str) if not that."""
    if isinstance(answer, pd.DataFrame):
        if "event_id" in answer.columns:
            answer = answer.set_index("event_id")
        numeric = [c for c in answer.columns
                   if pd.api.types.is_numeric_dtype(answer[c])
                   or pd.api.types.is_timedelta64_dtype(answer[c])]
        if len(numeric) != 1:
            return (f"expected {EXPECTS_03_4}, got a DataFrame with "
                    f"{answer.shape[1]} columns: select the gap column.")
        answer = answer[numeric[0]]
    if isinstance(answer, (pd.Timedelta, np.timedelta64)):
        return HINT_03_4_TIMEDELTA.format(s="") + " And keep the whole column: one gap per event."
    if isinstance(answer, numbers.Real):
        return HINT_03_4_SCALAR.format(kind=describe_type(answer))
    if isinstance(answer, dict):
        answer = pd.Series(answer)
    if not isinstance(answer, pd.Series):
        return HINT_03_4_SCALAR.format(kind=describe_type(answer))
    if pd.api.types.is_timedelta64_dtype(answer) or any(
            isinstance(v, pd.Timedelta) for v in answer):
        return HINT_03_4_TIMEDELTA.format(s=" values")
    return pd.to_numeric(answer, errors="coerce").set_axis(answer.index.astype(str))


@exercise("03.4", "How long until an announcement?", wrong=_wrong_03_4, expects=EXPECTS_03_4,
          accepts=(pd.Series, pd.DataFrame, dict, numbers.Real, pd.Timedelta, np.timedelta64))
def _ex03_4(answer):
    got = _as_gaps(answer)
    if isinstance(got, str):
        return False, got
    right = announcement_gaps().astype(float)
    parts: dict[str, tuple[bool, str]] = {}
    extra = set(got.index) - set(right.index)
    missing = set(right.index) - set(got.index)
    if not extra and not missing:
        parts["events"] = (True, f"the {len(right)} events whose two clocks are both known to the "
                                 "day.")
    elif extra and extra <= set(announcement_gaps("none").index):
        parts["events"] = (False, HINT_03_4_RULE)
    elif got.isna().any():
        parts["events"] = (False, "some gaps are missing values: keep only rows where both "
                                  "clocks are known (`dropna(subset=[...])`).")
    else:
        parts["events"] = (False, f"{len(missing)} event(s) missing"
                                  + (f" and {len(extra)} that should not be there" if extra
                                     else "")
                                  + ": start from the `clocks` table, where both clocks are "
                                    "known.")
    common = sorted(set(got.index) & set(right.index))
    values = got[common]
    if common and np.allclose(values, right[common]):
        parts["days"] = (True, "each gap in days is right.")
    elif common and np.allclose(values, -right[common]):
        parts["days"] = (False, HINT_03_4_SIGN)
    else:
        parts["days"] = (False, "some gaps are not the days from occurrence to announcement: "
                                "subtract `occurred` from `announced`, then `.dt.days`.")
    ok, message = expect_parts(parts)
    if ok:
        message = (f"the longest wait is {int(right.max())} days ({right.idxmax()}). " + message)
    return ok, message
