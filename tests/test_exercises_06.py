"""Lesson 06's self-checks: each accepts the usual forms of a right answer, rejects substrings and
near-misses, and names each plausible mistake in its hint. Also: the lesson's bibliography spells
every outlet as the publishers table does."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from caspian import checks, data, paths  # noqa: E402
from caspian.checks import check  # noqa: E402
from caspian.exercises import ex06  # noqa: E402

LESSON = paths.NOTEBOOKS_DIR / "06_weighing_the_evidence.ipynb"


@pytest.fixture
def lenient(monkeypatch):
    monkeypatch.delenv(checks.STRICT_ENV, raising=False)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def lesson() -> nbformat.NotebookNode:
    return nbformat.read(LESSON, as_version=4)


def bar_figure(counts: pd.Series, *, title="t", xlabel="Voices per event",
               ylabel="Events", positions=None):
    fig, ax = plt.subplots()
    x = counts.index if positions is None else positions
    ax.bar(x, counts.values)
    if positions is not None:
        ax.set_xticks(positions, [str(i) for i in counts.index])
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig


def voice_counts(column="voice") -> pd.Series:
    return ex06.per_event(column).value_counts().sort_index()


# --- 06.1 ---------------------------------------------------------------------------------------


def test_06_1_accepts_the_usual_forms_of_a_list_of_ids():
    ids = sorted(ex06.one_government_events("AZE", statuses=("alleged",)))
    assert ids, "the exercise needs at least one event"
    for answer in (ids, tuple(ids), set(ids), pd.Index(ids), pd.Series(ids),
                   [i.lower() for i in ids], ids[::-1]):
        assert check("06.1", answer, quiet=True), answer


def test_06_1_rejects_substrings_of_ids(lenient):
    ids = sorted(ex06.one_government_events("AZE", statuses=("alleged",)))
    assert not check("06.1", [i[:-1] for i in ids], quiet=True)


def test_06_1_names_the_status_mistake(lenient):
    any_status = sorted(ex06.one_government_events("AZE"))
    result = check("06.1", any_status, quiet=True)
    assert result.ok is False and "not 'alleged'" in result.message


def test_06_1_names_the_foreign_claimant_mistake(lenient):
    alleged_with_aze = sorted(set(
        ex06.claimants().query("country == 'AZE' and status == 'alleged'")["event_id"]))
    result = check("06.1", alleged_with_aze, quiet=True)
    if set(alleged_with_aze) != ex06.one_government_events("AZE", statuses=("alleged",)):
        assert result.ok is False and "outside Azerbaijan" in result.message


def test_06_1_a_wrong_type_is_named(lenient):
    result = check("06.1", 13, quiet=True)
    assert result.ok is False and result.message.startswith("expected a list of event ids, got")


# --- 06.2 ---------------------------------------------------------------------------------------


def test_06_2_accepts_a_labelled_bar_chart_of_voices():
    assert check("06.2", bar_figure(voice_counts()), quiet=True)


def test_06_2_accepts_bars_at_positions_with_the_counts_as_tick_labels():
    counts = voice_counts()
    assert check("06.2", bar_figure(counts, positions=list(range(len(counts)))), quiet=True)


def test_06_2_accepts_horizontal_bars():
    counts = voice_counts()
    fig, ax = plt.subplots()
    ax.barh(counts.index, counts.values)
    ax.set(title="t", ylabel="Voices per event", xlabel="Events")
    assert check("06.2", fig, quiet=True)


def test_06_2_names_counting_publishers(lenient):
    if voice_counts().equals(voice_counts("publisher")):
        pytest.skip("no event has two outlets of one state")
    result = check("06.2", bar_figure(voice_counts("publisher")), quiet=True)
    assert result.ok is False and "count publishers" in result.message


def test_06_2_names_counting_sources(lenient):
    result = check("06.2", bar_figure(voice_counts("source_id")), quiet=True)
    assert result.ok is False and "count sources" in result.message


def test_06_2_names_a_missing_title_and_labels(lenient):
    result = check("06.2", bar_figure(voice_counts(), title="", xlabel="", ylabel=""), quiet=True)
    assert result.ok is False
    for part in ("title", "voices per event", "number of events"):
        assert part in result.message


def test_06_2_names_a_wrong_total(lenient):
    counts = voice_counts()
    result = check("06.2", bar_figure(counts.iloc[1:]), quiet=True)
    assert result.ok is False and "add up to" in result.message


def test_06_2_a_wrong_type_is_named(lenient):
    result = check("06.2", voice_counts(), quiet=True)
    assert result.ok is False and result.message.startswith("expected a matplotlib Figure, got")


def test_06_2_an_empty_figure_is_not_a_success(lenient):
    fig, _ = plt.subplots()
    assert check("06.2", fig, quiet=True).ok is not True


def test_06_2_a_figure_without_bars_is_named(lenient):
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [6, 13, 24])
    result = check("06.2", fig, quiet=True)
    assert result.ok is False and "no bars" in result.message


def test_voice_counts_one_state_once():
    voice = ex06.voice_of(pd.Series(["IRNA", "Mehr News Agency", "Reuters", "AFP"]),
                          pd.Series(["state-owned:IRN", "state-owned:IRN", "independent",
                                     "state-funded:FRA"]))
    assert voice.tolist() == ["state:IRN", "state:IRN", "Reuters", "AFP"]


# --- 06.3 ---------------------------------------------------------------------------------------


def test_06_3_accepts_the_course_reading_in_any_case():
    assert check("06.3", dict(ex06.FRAMING_READING), quiet=True)
    shouted = {k.lower(): v.upper() for k, v in ex06.FRAMING_READING.items()}
    assert check("06.3", shouted, quiet=True)


def test_06_3_success_gives_every_reason():
    result = check("06.3", dict(ex06.FRAMING_READING), quiet=True)
    for reason in ex06.FRAMING_REASONS.values():
        assert reason in result.message


@pytest.mark.parametrize("key", sorted(ex06.FRAMING_READING))
def test_06_3_every_wrong_label_gets_its_own_hint(lenient, key):
    for wrong in set(ex06.EFFECTS) - {ex06.FRAMING_READING[key]}:
        answer = dict(ex06.FRAMING_READING, **{key: wrong})
        result = check("06.3", answer, quiet=True)
        assert result.ok is False
        assert ex06.FRAMING_HINTS[key][wrong] in result.message, (key, wrong)


def test_06_3_unknown_labels_and_missing_phrases_are_named(lenient):
    result = check("06.3", dict(ex06.FRAMING_READING, A="lies"), quiet=True)
    assert result.ok is False and "use one of" in result.message
    result = check("06.3", {"A": "asserts"}, quiet=True)
    assert result.ok is False and "label each phrase" in result.message
    result = check("06.3", ["asserts"] * 5, quiet=True)
    assert result.ok is False and result.message.startswith("expected a dict from letter")


def test_06_3_quotes_are_short():
    text = "".join(c.source for c in lesson().cells if "### Exercise 6.3" in c.source)
    quotes = re.findall(r"\| [A-E] \| \"([^\"]+)\"", text)
    assert len(quotes) == len(ex06.FRAMING_READING)
    for quote in quotes:
        assert len(quote.split()) <= 10, f"quote too long for a quotation exercise: {quote}"


# --- 06.4 ---------------------------------------------------------------------------------------


def test_06_4_accepts_dict_series_and_list_forms():
    reading = dict(ex06.COURSE_READING)
    for answer in (reading, {str(k): v.upper() for k, v in reading.items()},
                   pd.Series(reading), [reading[k] for k in sorted(reading)]):
        assert check("06.4", answer, quiet=True), answer


def test_06_4_success_gives_the_reason_for_every_statement():
    result = check("06.4", dict(ex06.COURSE_READING), quiet=True)
    for reason in ex06.REASONS.values():
        assert reason in result.message


@pytest.mark.parametrize("item", sorted(ex06.COURSE_READING))
def test_06_4_a_wrong_item_gets_its_question(lenient, item):
    wrong = next(c for c in ex06.CATEGORIES if c != ex06.COURSE_READING[item])
    result = check("06.4", {**ex06.COURSE_READING, item: wrong}, quiet=True)
    assert result.ok is False and ex06.QUESTIONS[item] in result.message
    # the items the learner got right show their reasons
    other = next(k for k in ex06.COURSE_READING if k != item)
    assert ex06.REASONS[other] in result.message


def test_06_4_labels_are_whole_words(lenient):
    result = check("06.4", {**ex06.COURSE_READING, 1: "not a fact"}, quiet=True)
    assert result.ok is False and "use one of the labels" in result.message


def test_06_4_everything_as_fact_gets_the_who_is_the_source_hint(lenient):
    result = check("06.4", dict.fromkeys(ex06.COURSE_READING, "fact"), quiet=True)
    assert result.ok is False and "who is the source" in result.message


def test_06_4_wrong_number_of_items(lenient):
    result = check("06.4", {1: "fact"}, quiet=True)
    assert result.ok is False and "label every statement" in result.message


# --- the lesson's own text ----------------------------------------------------------------------


def test_bibliography_spells_each_outlet_as_the_publishers_table():
    publisher = data.load_sources().set_index("source_id")["publisher"]
    text = "\n".join(c.source for c in lesson().cells if c.cell_type == "markdown")
    section = text.split("## Sources", 1)[1]
    entries = re.findall(r"^- `([a-z0-9-]+)`: .*?\*([^*]+)\*", section, flags=re.M)
    assert len(entries) >= 5
    for source_id, outlet in entries:
        assert outlet == publisher[source_id], (source_id, outlet, publisher[source_id])


def test_the_lesson_states_the_three_denial_readings():
    text = "\n".join(c.source for c in lesson().cells if c.cell_type == "markdown")
    for value in ("`denied`", "`none found`", "`not searched`"):
        assert value in text


def test_no_exercise_answer_is_printed_before_its_exercise():
    cells = lesson().cells
    first = {c.metadata["caspian"]["exercise"]: i for i, c in enumerate(cells)
             if "exercise" in c.metadata.get("tags", [])}
    for ex_id, start in first.items():
        for cell in cells[:start]:
            if "solution" in cell.metadata.get("tags", []):
                continue
            assert f'check("{ex_id}"' not in cell.source


def test_the_lesson_fits_in_an_hour():
    assert lesson().metadata["caspian"]["minutes"] <= 60
