"""Class bounds for choropleths: natural breaks, and legend labels for counts.

Lesson 04 classifies counts by hand: equal intervals and quantiles are one line of pandas each, and
``pd.cut`` turns any list of upper bounds into classes. Natural breaks (Fisher–Jenks) need an
optimisation that pandas does not have; :func:`natural_breaks` is it, in about twenty lines. (The
``mapclassify`` package does all three behind geopandas' ``plot(scheme=...)``, but brings SciPy and
scikit-learn, about a fifth of the learners' environment, for three classes of a few numbers.)

Bounds follow one convention throughout: a class holds the values above the previous class's upper
bound and up to its own, so ``pd.cut(values, [0, *upper])`` classifies positive counts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd


def natural_breaks(values: Sequence[float] | pd.Series, k: int = 3) -> np.ndarray:
    """Upper bounds of ``k`` classes that keep each class as alike as possible (Fisher–Jenks).

    Of all ways to cut the sorted values into ``k`` runs, the one with the smallest total squared
    deviation from each run's mean, found exactly by dynamic programming (Fisher, 1958; the
    "natural breaks" of Jenks). Equal values always fall in the same class. Missing values are
    ignored.

    Parameters
    ----------
    values : sequence of numbers or Series
        What to classify, e.g. events per country.
    k : int, default 3
        Number of classes; fewer when there are fewer distinct values.

    Returns
    -------
    numpy.ndarray
        The ``k`` upper bounds, increasing; the last is the largest value.

    Examples
    --------
    >>> natural_breaks([1, 1, 2, 4, 18, 38], k=3).tolist()
    [4.0, 18.0, 38.0]
    """
    x = np.sort(pd.Series(values, dtype=float).dropna().to_numpy())
    if len(x) == 0:
        raise ValueError("natural_breaks needs at least one value that is not missing")
    if k < 1:
        raise ValueError(f"natural_breaks needs k >= 1 classes, got {k}")
    k = min(k, len(np.unique(x)))
    n = len(x)
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def spread(i: int, j: int) -> float:  # squared deviations of x[i:j] from their mean
        total = s1[j] - s1[i]
        return (s2[j] - s2[i]) - total * total / (j - i)

    # a class may start at i only where x[i] differs from x[i - 1] (ties stay together)
    starts = [0] + [i for i in range(1, n) if x[i] > x[i - 1]]
    ends = [*starts[1:], n]
    best = {(0, 0): 0.0}  # (classes used, values covered) -> smallest spread
    cut: dict[tuple[int, int], int] = {}
    for c in range(1, k + 1):
        for j in ends:
            options = [(best[c - 1, i] + spread(i, j), i) for i in starts
                       if i < j and (c - 1, i) in best]
            if options:
                best[c, j], cut[c, j] = min(options)
    bounds, j = [], n
    for c in range(k, 0, -1):
        bounds.append(x[j - 1])
        j = cut[c, j]
    return np.array(bounds[::-1])


def count_labels(upper: Sequence[float], lowest: float = 1) -> list[str]:
    """Legend labels for classes of whole counts: bounds ``[4, 18, 38]`` → ``1–4, 5–18, 19–38``.

    A class holds the whole numbers above the previous bound and up to its own (the first from
    ``lowest``); a class that holds one number is labelled with it, one that holds none with
    ``"none"``.
    """
    labels, low = [], math.ceil(lowest)
    for bound in upper:
        high = math.floor(bound + 1e-9)
        labels.append("none" if high < low else str(low) if high == low else f"{low}–{high}")
        low = max(low, high + 1)
    return labels
