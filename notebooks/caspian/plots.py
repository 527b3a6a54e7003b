"""Figures reused across lessons: the timeline of events.

:func:`timeline` draws one marker per event along a time axis, in horizontal lanes (by event type
by default), with marker shape and colour showing the claim's status, so status can be read
without colour. Lesson 03 builds the same figure step by step before calling this function.
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from caspian import style

SEED_DATE = pd.Timestamp("2012-05-07")
"""Issue date of the seed article (The Weekly Standard, Vol. 17, No. 32)."""

STATUS_ORDER = ["confirmed", "alleged", "disputed", "denied"]
"""Legend order of the claim statuses."""


def lane_order(events: pd.DataFrame, lane: str) -> list[str]:
    """The lanes, top to bottom: category order when the column is categorical, else by first
    appearance in time. Empty categories are left out."""
    col = events[lane]
    present = set(col.dropna().astype(str))
    if isinstance(col.dtype, pd.CategoricalDtype):
        return [str(c) for c in col.cat.categories if str(c) in present]
    return list(dict.fromkeys(events.sort_values("date")[lane].dropna().astype(str)))


def _label_offsets(spans: list[tuple[float, float]], lanes: list[int]) -> list[int]:
    """Stack labels whose horizontal extents overlap in the same lane: levels 0, 1, 2, ...

    ``spans`` are (left, right) extents of each label in any common unit (here: days).
    """
    levels: list[int] = []
    taken: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for (left, right), lane in zip(spans, lanes, strict=True):
        level = 0
        while any(left < hi and lo < right for lo, hi in taken.get((lane, level), [])):
            level += 1
        taken.setdefault((lane, level), []).append((left, right))
        levels.append(level)
    return levels


def timeline(events: pd.DataFrame, *, lane: str = "event_type", ax: Axes | None = None,
             label: Iterable[str] | None = None, label_column: str = "title",
             mark_seed: bool = True, title: str | None = None,
             source: str | None = "Data: course events table (data/events.csv)") -> plt.Figure:
    """Draw events along a time axis, one marker per event, in lanes.

    Parameters
    ----------
    events : DataFrame
        Needs ``event_id``, ``date`` (datetime), ``status`` and the ``lane`` column, e.g. the output
        of :func:`caspian.data.load_events`.
    lane : str, default "event_type"
        Column whose values become the horizontal lanes (e.g. ``"event_type"`` or ``"country"``).
    ax : Axes, optional
        Draw into this Axes; by default a new wide figure is made.
    label : iterable of str, optional
        ``event_id`` values to label with their ``label_column`` text. Labels close in time are
        stacked so they do not overlap.
    mark_seed : bool, default True
        Draw a dashed line at the seed article's issue date (7 May 2012).
    title : str, optional
        The figure title; state the finding.
    source : str or None
        Source line under the figure.

    Returns
    -------
    matplotlib.figure.Figure
        Each event is one ``Line2D`` artist whose ``gid`` is its ``event_id``. Assign it
        (``fig = plots.timeline(...)``): left as a cell's last expression, Jupyter shows the
        figure twice.

    Raises
    ------
    KeyError
        If a needed column is missing.
    ValueError
        If a status is not one of :data:`STATUS_ORDER`.
    """
    needed = {"event_id", "date", "status", lane}
    missing = needed - set(events.columns)
    if missing:
        raise KeyError(f"timeline() needs the column(s) {sorted(missing)}; got {list(events)}")
    unknown = set(events["status"].dropna().astype(str)) - set(style.STATUS_MARKERS)
    if unknown:
        raise ValueError(f"unknown status value(s) {sorted(unknown)}; expected {STATUS_ORDER}")
    lanes = lane_order(events, lane)
    y_of = {name: len(lanes) - 1 - i for i, name in enumerate(lanes)}
    if ax is None:
        fig, ax = plt.subplots(figsize=(14, max(4.0, 0.7 * len(lanes) + 2)))
    else:
        fig = ax.figure
    ordered = events.sort_values("date", kind="stable")
    for row in ordered.to_dict("records"):
        status = str(row["status"])
        ax.plot(row["date"], y_of[str(row[lane])], linestyle="none",
                marker=style.STATUS_MARKERS[status], color=style.STATUS_COLORS[status],
                markeredgecolor="black", markeredgewidth=0.6, markersize=11, alpha=0.9,
                gid=str(row["event_id"]))
    label = None if label is None else list(label)
    if label:
        wanted = ordered[ordered["event_id"].isin(label)]
        start, end = ordered["date"].min(), ordered["date"].max()
        span_days = max((end - start).days, 1)
        width_pt = fig.get_figwidth() * 72 * 0.75  # the axes take about three quarters
        days_per_char = span_days * 0.6 * style.MIN_FONT_SIZE / width_pt
        texts = [str(t) for t in wanted[label_column]]
        late = [d > start + (end - start) * 0.6 for d in wanted["date"]]  # these point left
        spans = []
        for date, text, left in zip(wanted["date"], texts, late, strict=True):
            x, w = (date - start).days, (len(text) + 2) * days_per_char
            spans.append((x - w, x) if left else (x, x + w))
        rows = [y_of[str(v)] for v in wanted[lane]]
        levels = _label_offsets(spans, rows)
        for date, y, level, text, left in zip(wanted["date"], rows, levels, texts, late,
                                              strict=True):
            ax.annotate(text, (date, y), xytext=(-6 if left else 6, 12 + 16 * level),
                        textcoords="offset points", fontsize=style.MIN_FONT_SIZE,
                        ha="right" if left else "left", va="bottom",
                        arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.8})
    if mark_seed:
        ax.axvline(SEED_DATE, color="#444444", linestyle="--", linewidth=1.2, zorder=0)
        ax.annotate("seed article, 7 May 2012", (SEED_DATE, 0.01),
                    xycoords=("data", "axes fraction"), xytext=(4, 0), textcoords="offset points",
                    fontsize=style.MIN_FONT_SIZE, va="bottom", color="#444444")
    ax.set_yticks(range(len(lanes)), labels=list(reversed(lanes)))
    ax.set_ylim(-0.7, len(lanes) - 0.3)
    span_years = (ordered["date"].max() - ordered["date"].min()).days / 365.25
    ax.xaxis.set_major_locator(mdates.YearLocator(base=1 if span_years <= 12 else 2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel("Date (year)")
    ax.set_ylabel(lane.replace("_", " ").capitalize())
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    present = [s for s in STATUS_ORDER if s in set(events["status"].astype(str))]
    handles = [Line2D([], [], linestyle="none", marker=style.STATUS_MARKERS[s],
                      color=style.STATUS_COLORS[s], markeredgecolor="black", markersize=11,
                      label=s) for s in present]
    ax.legend(handles=handles, title="Status of the claim", loc="upper left",
              bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_title(title or f"{len(events)} events by {lane.replace('_', ' ')}", loc="left")
    if source:
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        style.source_note(fig, source)
    return fig
