"""Natural breaks and count labels (caspian.classify), which lesson 04's choropleths use.

The expected bounds below were computed once with mapclassify 2.8's ``FisherJenks`` (the reference
implementation behind geopandas' ``scheme="NaturalBreaks"``), which the course no longer installs.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from caspian.classify import count_labels, natural_breaks

# (values, k, upper bounds from mapclassify.FisherJenks(values, k=k).bins)
REFERENCE = [
    ([1.0, 5.8, 7.0, 0.4, 0.7, 3.1, 2.0, 2.7], 4, [1.0, 3.1, 5.8, 7.0]),
    ([1.4, 3.3, 1.7, 3.1, 0.8, 1.5, 2.2, 6.7, 8.5, 0.7, 1.2], 4, [1.7, 3.3, 6.7, 8.5]),
    ([0.4, 1.7, 2.5, 9.6, 5.4, 2.0, 1.9, 2.1, 12.5], 3, [2.5, 5.4, 12.5]),
    ([0.7, 3.8, 0.5, 0.4, 2.0, 1.1, 3.2, 25.7, 1.2], 3, [2.0, 3.8, 25.7]),
    # events per country as lesson 04 counted them when this was written
    ([38, 18, 4, 3, 2, 1, 1, 1, 1, 1, 1], 3, [4, 18, 38]),
]


@pytest.mark.parametrize(("values", "k", "expected"), REFERENCE)
def test_natural_breaks_agree_with_the_reference_implementation(values, k, expected):
    assert natural_breaks(values, k).tolist() == pytest.approx(expected)


def _spread(values: np.ndarray, upper: list[float]) -> float:
    classes = pd.cut(pd.Series(values), [-np.inf, *upper])
    return float(pd.Series(values).groupby(classes, observed=True)
                 .agg(lambda s: ((s - s.mean()) ** 2).sum()).sum())


def test_natural_breaks_are_optimal_by_brute_force():
    """No other way to cut the sorted values into k runs has a smaller total spread."""
    values = np.array([0.4, 0.7, 1.0, 2.0, 2.7, 3.1, 5.8, 7.0, 9.5, 11.0])
    for k in (2, 3, 4):
        best = _spread(values, natural_breaks(values, k).tolist())
        for cuts in itertools.combinations(range(1, len(values)), k - 1):
            upper = [values[c - 1] for c in cuts] + [values[-1]]
            assert best <= _spread(values, upper) + 1e-9, (k, cuts)


def test_ties_stay_in_one_class_and_missing_values_are_ignored():
    upper = natural_breaks(pd.Series([1, 1, 1, 1, 2, 2, None, 9]), k=3)
    assert upper.tolist() == [1, 2, 9]
    assert natural_breaks([5, 5, 5], k=3).tolist() == [5], "one distinct value, one class"


def test_bad_input_says_what_was_expected():
    with pytest.raises(ValueError, match="at least one value"):
        natural_breaks([None, np.nan])
    with pytest.raises(ValueError, match="k >= 1"):
        natural_breaks([1, 2, 3], k=0)


def test_count_labels_name_the_whole_numbers_in_each_class():
    assert count_labels([4, 18, 38]) == ["1–4", "5–18", "19–38"]
    assert count_labels([1, 2 + 2 / 3, 38]) == ["1", "2", "3–38"]
    assert count_labels([13 + 1 / 3, 25 + 2 / 3, 38]) == ["1–13", "14–25", "26–38"]
    assert count_labels([1, 1.5, 3]) == ["1", "none", "2–3"]
