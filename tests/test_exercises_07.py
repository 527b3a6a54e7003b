"""The capstone's checks know whose portrait it is: they pass for the chosen ACTOR, reject another
actor's rows and summary with a hint that says so, inspect the final map-and-timeline figure part
by part, and the final task's reference solution uses no course helper."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402

from caspian.checks import check, registered  # noqa: E402
from caspian.exercises import ex07  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "notebooks" / "07_capstone.ipynb"

# The IRGC summary that used to be the capstone's hard-coded sample: right for irgc only.
IRGC_SUMMARY = """
All eight events in the course tables that name Iran's Revolutionary Guards (IRGC) rest on
accusations by Azerbaijan's authorities: the IRGC appears only as an alleged perpetrator, never as
a claimant. The accusations come in two waves. In 2008 police broke up a cell said to be planning
to bomb Israel's embassy in Baku on IRGC and Hezbollah orders (E002, alleged); the trial was
closed, and sources disagree on when it began and on the targets (E003, E004, disputed). In March
2012 the Ministry of National Security announced 22 arrests of people it said the IRGC had
recruited and trained (E023); Iran's foreign ministry denied it, and after a closed trial the
sentences were reported as 10 to 15 years by some outlets and 3 to 13 years by an advocacy group's
press release (E033, E034). A Reuters report on the Eurovision case cited IRGC links for a group
the ministry had earlier tied to al Qaeda (E035, disputed). In March 2026 the State Security
Service again blamed the IRGC for foiled plots (E081, disputed); OC Media reported claims that
some suspects had earlier been held on drug charges. The only tie, a rivalry (R052), is itself an
allegation by Azerbaijan's security ministry. None of these claims has been confirmed
independently.
"""


def judge(exercise_id, answer):
    """Call a judge directly (`check` raises on a wrong answer in the tests' strict mode)."""
    return registered()[exercise_id].judge(answer)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def solution_code(exercise_id: str) -> str:
    nb = nbformat.read(LESSON, as_version=4)
    cell = next(c for c in nb.cells if "solution" in c.metadata.get("tags", [])
                and c.metadata.get("caspian", {}).get("exercise") == exercise_id)
    return re.search(r"```python\n(.*?)\n```", cell.source, re.S)[1]


def test_every_capstone_exercise_is_registered():
    assert {i for i in registered() if i.startswith("07.")} == {"07.1", "07.2", "07.3", "07.4"}


def test_an_unfinished_answer_stays_not_attempted():
    assert ex07.attempt(..., "irgc") is ...
    assert check("07.3", ex07.attempt(..., "irn"), quiet=True).ok is None


# --- 07.1 and 07.2: the rows of the chosen actor, not of someone else ---------------------------


@pytest.mark.parametrize("actor", ["irgc", "irn"])
def test_07_1_and_07_2_pass_for_the_chosen_actor(actor):
    assert judge("07.1", ex07.attempt(sorted(ex07.events_of(actor)), actor))[0]
    assert judge("07.2", ex07.attempt(sorted(ex07.ties_of(actor)), actor))[0]


def test_07_1_another_actors_events_are_named_as_such():
    ok, message = judge("07.1", ex07.attempt(sorted(ex07.events_of("irgc")), "irn"))
    assert not ok and "Islamic Revolutionary Guard Corps" in message and "someone else" in message


def test_07_1_substring_search_gets_the_whole_id_hint():
    ok, message = judge("07.1", ex07.attempt(sorted(ex07.substring_events("irgc")), "irgc"))
    assert not ok and "compare whole ids" in message


def test_07_1_one_role_only_gets_the_roles_hint():
    import caspian.data as data

    only = ex07.rows_naming(data.load_events(), "event_id", "irn", ["perpetrator_alleged"])
    ok, message = judge("07.1", ex07.attempt(sorted(only), "irn"))
    assert not ok and "you searched only `perpetrator_alleged`" in message


def test_07_2_another_actors_ties_are_named_as_such():
    ok, message = judge("07.2", ex07.attempt(sorted(ex07.ties_of("irgc")), "irn"))
    assert not ok and "someone else" in message


# --- 07.3: the summary must cite the chosen actor's rows ----------------------------------------


def test_07_3_the_irgc_summary_passes_for_irgc_only():
    assert judge("07.3", ex07.attempt(IRGC_SUMMARY, "irgc"))[0]
    ok, message = judge("07.3", ex07.attempt(IRGC_SUMMARY, "irn"))
    assert not ok and "do(es) not name your ACTOR" in message and "E002" in message


def test_07_3_length_status_words_and_citations_each_get_a_hint():
    filler = "Iran and Azerbaijan have a difficult relationship with many events over time. "
    assert "too short" in judge("07.3", ex07.attempt("Too short.", "irn"))[1]
    assert "too long" in judge("07.3", ex07.attempt("word " * 400, "irn"))[1]
    assert "status words" in judge("07.3", ex07.attempt(filler * 18, "irn"))[1]
    assert "no evidence is cited" in judge(
        "07.3", ex07.attempt(filler * 17 + "Some claims are alleged.", "irn"))[1]


# --- 07.4: the learner's own map and timeline ---------------------------------------------------


def solution_figure(actor: str):
    namespace = {"ACTOR": actor, "PARTNER": None}
    import os

    here = os.getcwd()
    os.chdir(LESSON.parent)  # the solution reads ../data/ as a learner's notebook does
    try:
        exec(solution_code("07.4"), namespace)
    finally:
        os.chdir(here)
    return namespace["fig"]


@pytest.mark.parametrize("actor", ["irgc", "irn"])
def test_07_4_reference_figure_passes_for_its_actor(actor):
    ok, message = judge("07.4", ex07.attempt(solution_figure(actor), actor))
    assert ok, message


def test_07_4_another_actors_figure_fails_on_points_and_titles():
    ok, message = judge("07.4", ex07.attempt(solution_figure("irgc"), "irn"))
    assert not ok
    assert "✗ timeline points" in message and "✗ titles" in message
    assert "do not name your ACTOR" in message


def test_07_4_missing_base_map_source_line_and_labels_each_get_a_hint():
    table = ex07.placed_events("irgc")
    fig, (map_ax, time_ax) = plt.subplots(1, 2)
    map_ax.scatter(table["lon"], table["lat"])
    time_ax.scatter(table["date"], [0] * len(table))
    map_ax.set_title("IRGC events")
    ok, message = judge("07.4", ex07.attempt(fig, "irgc"))
    assert not ok
    assert "✗ base map" in message and "gpd.read_file" in message
    assert "✗ sources" in message and "fig.text" in message
    assert "✗ axis labels" in message
    assert "✓ map points" in message and "✓ timeline points" in message and "✓ titles" in message


def test_07_4_one_axes_asks_for_two():
    fig, ax = plt.subplots()
    ax.scatter([1], [1])
    ok, message = judge("07.4", ex07.attempt(fig, "irgc"))
    assert not ok and "two Axes" in message


def test_07_4_reference_solution_needs_no_course_helper():
    code = solution_code("07.4")
    imports = re.findall(r"(?m)^\s*(?:from|import)\s+([\w.]+)", code)
    assert imports, "the final task imports what it uses"
    assert all(not m.startswith("caspian") or m == "caspian.checks" for m in imports), imports
    helpers = ("data.", "maps.", "plots.", "style.", "ex07.", "involving(", "evidence_profile(")
    for helper in helpers:
        assert helper not in code, f"the raw-CSV solution uses the course helper {helper!r}"
    assert "pd.read_csv" in code and "gpd.read_file" in code


@pytest.mark.parametrize("exercise_id", ["07.1", "07.2", "07.3", "07.4"])
def test_each_listed_wrong_answer_is_rejected(exercise_id):
    ex = registered()[exercise_id]
    for wrong in ex.wrong():
        ok, message = ex.judge(wrong)
        assert not ok and message
