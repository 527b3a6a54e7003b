"""caspian.plots.timeline: one artist per event, the right lanes and legend, every schema value."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from caspian import data, plots, style


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def tiny() -> pd.DataFrame:
    return pd.DataFrame({
        "event_id": ["E901", "E902", "E903"],
        "date": pd.to_datetime(["2008-05-01", "2012-01-19", "2023-01-27"]),
        "status": ["alleged", "denied", "alleged"],
        "event_type": ["foiled plot", "foiled plot", "attack"],
        "title": ["one", "two", "three"],
    })


def event_artists(fig):
    return [line for line in fig.axes[0].lines if line.get_gid()]


def test_one_artist_per_event():
    fig = plots.timeline(tiny())
    assert sorted(a.get_gid() for a in event_artists(fig)) == ["E901", "E902", "E903"]


def test_legend_lists_the_statuses_present_in_order():
    fig = plots.timeline(tiny())
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["alleged", "denied"]


def test_markers_follow_status():
    fig = plots.timeline(tiny())
    by_id = {a.get_gid(): a for a in event_artists(fig)}
    assert by_id["E902"].get_marker() == style.STATUS_MARKERS["denied"]
    assert by_id["E901"].get_marker() == style.STATUS_MARKERS["alleged"]


def test_lanes_and_labels():
    fig = plots.timeline(tiny(), label=["E902"])
    ax = fig.axes[0]
    assert {t.get_text() for t in ax.get_yticklabels()} == {"attack", "foiled plot"}
    texts = [t.get_text() for t in ax.texts]
    assert "two" in texts and "one" not in texts


def test_every_schema_status_has_a_marker_and_colour():
    schema = data.load_schema()
    events = next(r for r in schema["resources"] if r["name"] == "events")
    fields = {f["name"]: f for f in events["schema"]["fields"]}
    statuses = set(fields["status"]["constraints"]["enum"])
    assert set(style.STATUS_MARKERS) == statuses == set(style.STATUS_COLORS)
    assert set(plots.STATUS_ORDER) == statuses


def test_every_schema_event_type_gets_a_lane():
    schema = data.load_schema()
    events = next(r for r in schema["resources"] if r["name"] == "events")
    types = next(f for f in events["schema"]["fields"] if f["name"] == "event_type")
    enum = types["constraints"]["enum"]
    frame = pd.DataFrame({
        "event_id": [f"E{i:03d}" for i in range(len(enum))],
        "date": pd.date_range("2010-01-01", periods=len(enum), freq="90D"),
        "status": ["confirmed"] * len(enum),
        "event_type": pd.Categorical(enum, categories=enum),
    })
    fig = plots.timeline(frame)
    assert {t.get_text() for t in fig.axes[0].get_yticklabels()} == set(enum)


def test_unknown_status_is_a_clear_error():
    frame = tiny()
    frame.loc[0, "status"] = "rumoured"
    with pytest.raises(ValueError, match="rumoured"):
        plots.timeline(frame)


def test_missing_column_is_a_clear_error():
    with pytest.raises(KeyError, match="status"):
        plots.timeline(tiny().drop(columns="status"))


def test_overlapping_labels_are_stacked():
    spans = [(0, 100), (50, 150), (200, 300), (0, 100)]
    assert plots._label_offsets(spans, [0, 0, 0, 1]) == [0, 1, 0, 0]


def test_labels_late_in_the_span_point_left_the_others_right():
    """Lesson 03 says so in prose: labels in the last 40% of the time span point left."""
    frame = tiny().assign(short=["early", "middle", "late"])
    fig = plots.timeline(frame, label=["E901", "E902", "E903"], label_column="short")
    align = {t.get_text(): t.get_ha() for t in fig.axes[0].texts}
    assert align["early"] == "left" and align["middle"] == "left"
    assert align["late"] == "right"


def test_seed_note_sits_at_the_foot_of_the_dashed_line():
    fig = plots.timeline(tiny())
    note = next(t for t in fig.axes[0].texts if t.get_text().startswith("seed article"))
    assert note.xy[1] < 0.1 and note.get_va() == "bottom"  # axes fraction: the bottom, not a lane
