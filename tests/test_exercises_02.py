"""Each judge of lesson 02 accepts the solution's answer and rejects a plausible wrong one with a
hint that names the mistake."""

from __future__ import annotations

import warnings

import pytest

from caspian import data, maps
from caspian.checks import check, registered


def _country(iso: str, crs: str = maps.CRS_WGS84):
    countries = maps.load_countries().to_crs(crs)
    return countries.loc[countries["iso_a3"] == iso, "geometry"].item()


def _solution(exercise_id: str):
    """The answers the notebook's solution cells compute."""
    countries = maps.load_countries()
    if exercise_id == "02.1":
        aze = countries[countries["iso_a3"] == "AZE"]
        return aze.to_crs(maps.CRS_EQUAL_AREA).area.iloc[0] / 1e6
    if exercise_id == "02.2":
        return list(countries.loc[countries.touches(_country("IRN")), "iso_a3"].dropna())
    if exercise_id == "02.3":
        aze, irn = _country("AZE", maps.CRS_EQUAL_AREA), _country("IRN", maps.CRS_EQUAL_AREA)
        return aze.boundary.intersection(irn.boundary).length / 1000
    if exercise_id == "02.4":
        pl = data.load_places().set_index("place_id")
        baku, tel_aviv = pl.loc["baku"], pl.loc["tel-aviv"]
        return maps.great_circle_km(baku["lon"], baku["lat"], tel_aviv["lon"], tel_aviv["lat"])
    raise KeyError(exercise_id)


def _wrong(exercise_id: str):
    """A plausible mistake for each exercise, and a word its hint must contain."""
    countries = maps.load_countries()
    if exercise_id == "02.1":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return countries.loc[countries["iso_a3"] == "AZE"].area.iloc[0], "square degrees"
    if exercise_id == "02.2":
        return list(countries.loc[countries.intersects(_country("IRN")), "iso_a3"].dropna()), \
            "Iran is in your list"
    if exercise_id == "02.3":
        aze, irn = _country("AZE", maps.CRS_EQUAL_AREA), _country("IRN", maps.CRS_EQUAL_AREA)
        main = max(aze.geoms, key=lambda p: p.area)
        return main.boundary.intersection(irn.boundary).length / 1000, "Nakhchivan"
    if exercise_id == "02.4":
        pl = data.load_places().set_index("place_id")
        baku, tel_aviv = pl.loc["baku"], pl.loc["tel-aviv"]
        return maps.great_circle_km(baku["lat"], baku["lon"], tel_aviv["lat"], tel_aviv["lon"]), \
            "swapped"
    raise KeyError(exercise_id)


IDS = ["02.1", "02.2", "02.3", "02.4"]


def _judge(exercise_id: str, answer) -> tuple[bool, str]:
    """Call a judge directly: `check` raises on a wrong answer while the tests run (strict mode)."""
    return registered()[exercise_id].judge(answer)


def test_all_lesson_02_exercises_are_registered():
    assert {i for i in registered() if i.startswith("02.")} == set(IDS)


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_is_accepted(exercise_id):
    result = check(exercise_id, _solution(exercise_id), quiet=True)
    assert result.ok, result.message


@pytest.mark.parametrize("exercise_id", IDS)
def test_plausible_mistake_is_rejected_with_a_pointed_hint(exercise_id):
    answer, word = _wrong(exercise_id)
    ok, message = _judge(exercise_id, answer)
    assert not ok
    assert word in message, message


@pytest.mark.parametrize("exercise_id", IDS)
def test_unfinished_answer_is_not_an_error(exercise_id):
    assert check(exercise_id, ..., quiet=True).ok is None


def test_units_mistakes_get_unit_hints():
    assert "square metres" in _judge("02.1", _solution("02.1") * 1e6)[1]
    assert "metres" in _judge("02.4", _solution("02.4") * 1000)[1]
    assert "degrees" in _judge("02.3", 5.0)[1]
