"""Lesson 03's self-checks: the answer forms a learner is likely to give are accepted, and the
helpers behind the expected answers follow the lesson's definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caspian import checks, data
from caspian.checks import check
from caspian.exercises import ex03


@pytest.fixture
def lenient(monkeypatch):
    monkeypatch.delenv(checks.STRICT_ENV, raising=False)


def test_02_1_accepts_the_usual_forms_of_a_list_of_years():
    years = sorted(int(y) for y in ex03.busiest_years(ex03.foiled_plots_per_year()))
    for answer in (years, [str(y) for y in years], pd.Index(years), np.array(years, dtype=float),
                   years[::-1]):
        assert check("03.1", answer, quiet=True), answer


def test_02_1_busiest_years_keeps_ties():
    counts = pd.Series([3, 1, 3], index=[2012, 2013, 2023])
    assert ex03.busiest_years(counts) == {"2012", "2023"}


def test_02_1_a_missing_tied_year_gets_the_idxmax_hint(lenient):
    counts = ex03.foiled_plots_per_year()
    result = check("03.1", [int(counts.idxmax())], quiet=True)
    if len(ex03.busiest_years(counts)) > 1:
        assert result.ok is False and "idxmax" in result.message


def test_02_2_single_source_events_cite_one_source():
    sources = data.load_events().set_index("event_id")["source_ids"]
    for event_id in ex03.events_with_n_sources(1):
        assert ";" not in sources[event_id]


def test_02_3_counts_every_iranian_state_body():
    actors = data.load_actors()
    iranian = actors.loc[(actors["country"] == "IRN")
                         & actors["kind"].isin(ex03.GOVERNMENT_KINDS), "actor_id"]
    assert ex03.denials_by() == ex03.denials_by(ids=tuple(iranian))
    assert ex03.denials_by() >= ex03.denials_by(ids=("irn", "irn-mfa"))
    assert check("03.3", np.int64(ex03.denials_by()), quiet=True)


def test_02_4_uses_day_precision_dates_only():
    events = data.load_events().set_index("event_id")
    gaps = ex03.announcement_gaps()
    assert (events.loc[gaps.index, "date_precision"] == "day").all()
    assert check("03.4", np.int64(gaps.max()), quiet=True)
