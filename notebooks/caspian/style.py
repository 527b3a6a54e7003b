"""The course's figure style: a colour-blind-safe palette and projector-readable sizes.

The palette is Okabe & Ito's (2008) set of eight colours, chosen to stay distinct for the
common forms of colour-vision deficiency. Meaning never rests on colour alone: claim status is
also shown by marker shape (:data:`STATUS_MARKERS`).

Call :func:`use` once at the top of a lesson.
"""

from __future__ import annotations

import matplotlib as mpl

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
"""Okabe–Ito palette (https://jfly.uni-koeln.de/color/), name → hex."""

PALETTE: list[str] = [
    OKABE_ITO[k]
    for k in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue",
              "yellow", "black")
]
"""The colour cycle used by every figure, most distinct colours first."""

STATUS_MARKERS: dict[str, str] = {
    "confirmed": "o",
    "alleged": "^",
    "disputed": "D",
    "denied": "X",
}
"""Marker shape for each claim status, so status can be read without colour."""

STATUS_COLORS: dict[str, str] = {
    "confirmed": OKABE_ITO["blue"],
    "alleged": OKABE_ITO["orange"],
    "disputed": OKABE_ITO["reddish_purple"],
    "denied": OKABE_ITO["vermillion"],
}
"""Colour for each claim status (always paired with :data:`STATUS_MARKERS`)."""

STATUS_HATCHES: dict[str, str] = {
    "confirmed": "",
    "alleged": "//",
    "disputed": "..",
    "denied": "xx",
}
"""Hatch pattern for each claim status, for bar charts (the third cue besides colour and shape)."""

MAP_COLORS: dict[str, str] = {
    "sea": "#CFE8F6",
    "land": "#F2F0EB",
    "border": "#7F7F7F",
    "highlight": "#F6D9A8",
}
"""Muted fills for base maps, so data drawn on top stands out."""

BASE_FONT_SIZE: float = 14.0
"""Body text size in points; nothing in a course figure is smaller than :data:`MIN_FONT_SIZE`."""

MIN_FONT_SIZE: float = 12.0

RC_PARAMS: dict[str, object] = {
    "figure.figsize": (10, 6),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": BASE_FONT_SIZE,
    "axes.titlesize": BASE_FONT_SIZE + 4,
    "axes.titleweight": "bold",
    "axes.labelsize": BASE_FONT_SIZE,
    "xtick.labelsize": MIN_FONT_SIZE,
    "ytick.labelsize": MIN_FONT_SIZE,
    "legend.fontsize": MIN_FONT_SIZE,
    "legend.title_fontsize": MIN_FONT_SIZE,
    "figure.titlesize": BASE_FONT_SIZE + 4,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 9,
}
"""The matplotlib settings :func:`use` applies."""


def use() -> None:
    """Apply the course style to every figure drawn afterwards in this kernel.

    Examples
    --------
    >>> from caspian import style
    >>> style.use()
    """
    mpl.rcParams.update(RC_PARAMS)


def source_note(fig, text: str) -> None:
    """Write a source line under a figure, e.g. ``"Data: Natural Earth; course events table"``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to annotate.
    text : str
        The credit, starting with "Data:" or "Source:".
    """
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=MIN_FONT_SIZE,
             color="#444444", style="italic")
