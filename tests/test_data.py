"""The course tables: they load, they are sourced, and every kind of bad edit gets a clear message
naming the file, the row, the column and what was expected."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from caspian import data

SEED = "weeklystandard-20120507-joscelyn"


# --- The real tables ---------------------------------------------------------------------------


def test_real_data_validates():
    report = data.validate()
    assert report.ok, "\n".join(report.errors)


@pytest.mark.parametrize("table, minimum", [
    ("events", 40), ("relations", 40), ("actors", 25), ("sources", 25)])
def test_tables_are_big_enough(table, minimum):
    assert len(data.load_table(table)) >= minimum


def test_every_event_and_relation_is_sourced():
    for table in ("events", "relations"):
        frame = data.load_table(table)
        unsourced = frame[frame["source_ids"].isna()]
        assert unsourced.empty, f"{table} without sources: {list(unsourced.iloc[:, 0])}"


def test_every_source_is_complete():
    sources = data.load_sources()
    for col in ("author", "publisher", "title", "date", "url", "kind"):
        assert sources[col].notna().all(), f"sources.csv has an empty {col}"


def test_the_seed_article_is_a_source_and_is_cited():
    sources = data.load_sources().set_index("source_id")
    assert sources.loc[SEED, "publisher"] == "The Weekly Standard"
    assert sources.loc[SEED, "date"] == pd.Timestamp("2012-05-07")
    events = data.load_events()
    assert events["source_ids"].str.contains(SEED).sum() >= 5


# Events the seed article describes, found by date and a word of the title: each must cite it.
SEED_EVENTS = [("2008", "embassy"), ("2012-01", "Lotem"), ("2012-04-18", "al.Qaeda"),
               ("2012-03", "Foreign Policy"), ("2012-03-14", "22")]


@pytest.mark.parametrize("when, word", SEED_EVENTS)
def test_seed_cited_by_the_events_it_describes(when, word):
    events = data.load_events()
    text = events["date"].dt.strftime("%Y-%m-%d")
    about = (events["title"] + " " + events["summary"]).str.contains(word, case=False)
    match = events[text.str.startswith(when) & about]
    assert not match.empty, f"no event from {when} about {word!r}"
    assert match["source_ids"].str.contains(SEED).any(), \
        f"events from {when} about {word!r} do not cite the seed article"


def test_alleged_relations_say_who_alleges():
    rel = data.load_relations()
    alleged = rel[rel["status"] == "alleged"]
    assert not alleged.empty
    assert alleged["alleged_by"].notna().all()


def test_iran_al_qaeda_tie_is_an_allegation():
    rel = data.load_relations()
    pair = rel[rel[["actor_a", "actor_b"]].isin(["irn", "irgc", "irgc-qf", "al-qaeda"]).all(axis=1)
               & ((rel["actor_a"] == "al-qaeda") | (rel["actor_b"] == "al-qaeda"))]
    assert not pair.empty and set(pair["status"]) == {"alleged"}


def test_dates_and_categories_are_typed():
    events = data.load_events()
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert isinstance(events["status"].dtype, pd.CategoricalDtype)
    assert set(events["status"].cat.categories) == {"alleged", "confirmed", "disputed", "denied"}
    assert events["date"].is_monotonic_increasing
    assert events["date"].min() >= pd.Timestamp("2008-01-01")


def test_events_gdf_has_a_point_for_every_event():
    gdf = data.events_gdf()
    assert len(gdf) == len(data.load_events())
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.notna().all() and not gdf.geometry.is_empty.any()


def test_loads_return_copies():
    first = data.load_events()
    first.loc[0, "title"] = "changed by a learner"
    assert data.load_events().loc[0, "title"] != "changed by a learner"


def test_an_edit_shows_on_the_next_load(data_copy):
    """No kernel restart needed: the cache is keyed on the files' sizes and modification times."""
    before = data.load_events(data_copy.dir)
    rows = data_copy.rows("events")
    data_copy.write("events", rows + [{**rows[0], "event_id": "E990", "title": "Added"}])
    links = data_copy.rows("event_sources")
    data_copy.write("event_sources", links + [{**links[0], "event_id": "E990"}])
    actors = data_copy.rows("event_actors")
    data_copy.write("event_actors", actors + [{"event_id": "E990", "role": "claimed_by",
                                               "actor_id": "aze"}])
    after = data.load_events(data_copy.dir)
    assert len(after) == len(before) + 1 and "Added" in set(after["title"])
    data_copy.edit("events", 0, status="rumoured")
    with pytest.raises(data.DataError, match="rumoured"):
        data.load_events(data_copy.dir)


# --- Writing tables back -----------------------------------------------------------------------


def test_save_needs_a_folder_named_on_purpose():
    with pytest.raises(TypeError):
        data.save_events(data.load_events())  # no default: lessons never write into data/


@pytest.mark.parametrize("table", data.TABLES)
def test_save_round_trip_changes_no_byte(data_copy, table):
    before = {p.name: p.read_bytes() for p in data_copy.dir.glob("*.csv")}
    written = getattr(data, f"save_{table}")(getattr(data, f"load_{table}")(data_copy.dir),
                                             data_copy.dir)
    assert written == []
    assert {p.name: p.read_bytes() for p in data_copy.dir.glob("*.csv")} == before


def test_save_events_writes_a_new_row_and_its_link_tables(data_copy):
    events = data.load_events(data_copy.dir)
    row = events.iloc[0].copy()
    row["event_id"], row["title"] = "E990", "A new row"
    row["source_ids"], row["claimed_by"], row["denied_by"] = \
        "guardian-20080213-mughniyeh;wapo-20080214-mughniyah", "aze", pd.NA
    new = pd.concat([events, row.to_frame().T], ignore_index=True)
    written = {p.name for p in data.save_events(new, data_copy.dir)}
    assert written == {"events.csv", "event_sources.csv", "event_actors.csv"}
    assert data_copy.rows("events")[-1]["event_id"] == "E990"  # new rows go at the end
    assert [r["source_id"] for r in data_copy.rows("event_sources") if r["event_id"] == "E990"] \
        == ["guardian-20080213-mughniyeh", "wapo-20080214-mughniyah"]
    again = data.load_events(data_copy.dir).set_index("event_id")
    assert again.loc["E990", "claimed_by"] == "aze" and pd.isna(again.loc["E990", "denied_by"])
    assert "known_from" not in data_copy.rows("events")[0]  # only the table's own columns
    assert "source_ids" not in data_copy.rows("events")[0]


def test_save_keeps_month_precision_and_drops_derived_columns(data_copy):
    events = data.load_events(data_copy.dir)
    month = events[events["date_precision"] == "month"].index[0]
    events.loc[month, "title"] = "Edited title"
    data.save_events(events, data_copy.dir)
    stored = {r["event_id"]: r for r in data_copy.rows("events")}
    assert stored[events.loc[month, "event_id"]]["date"] == \
        events.loc[month, "date"].strftime("%Y-%m")
    assert list(stored[events.loc[month, "event_id"]]) == \
        [f["name"] for f in data._resource(data.load_schema(), "events")["schema"]["fields"]]


def test_save_refuses_a_broken_table_and_writes_nothing(data_copy):
    before = {p.name: p.read_bytes() for p in data_copy.dir.glob("*.csv")}
    events = data.load_events(data_copy.dir)
    events.loc[0, "source_ids"] = "no-such-source"
    with pytest.raises(data.DataError, match=r"nothing was written(.|\n)*'no-such-source'"):
        data.save_events(events, data_copy.dir)
    assert {p.name: p.read_bytes() for p in data_copy.dir.glob("*.csv")} == before


def test_save_names_a_missing_column(data_copy):
    with pytest.raises(data.DataError, match="no column.*status"):
        data.save_events(data.load_events(data_copy.dir).drop(columns="status"), data_copy.dir)


@pytest.mark.parametrize("link, loader", [
    ("event_sources", "load_event_sources"), ("event_actors", "load_event_actors"),
    ("relation_sources", "load_relation_sources"), ("relation_actors", "load_relation_actors"),
    ("actor_sources", "load_actor_sources"), ("place_sources", "load_place_sources")])
def test_link_tables_load_in_file_order(link, loader):
    frame = getattr(data, loader)()
    raw = pd.read_csv(data.paths.data_file(f"{link}.csv"), dtype=str)
    assert list(frame.columns) == list(raw.columns)
    assert frame.astype(str).values.tolist() == raw.values.tolist()


@pytest.mark.parametrize("table, column, link, role", [
    (t, col, link, role) for t, specs in data.WIDE_COLUMNS.items()
    for col, _, link, role in specs])
def test_wide_columns_are_the_link_tables_joined(table, column, link, role):
    """The ;-joined convenience column is the link table, grouped in its own row order."""
    wide = data.load_table(table)
    key = wide.columns[0]
    long = data.load_table(link)
    if role:
        long = long[long["role"] == role]
    value = "source_id" if "source_id" in long else "actor_id"
    exploded = wide[[key, column]].dropna().assign(**{value: wide[column].str.split(";")})
    pairs = exploded.explode(value)[[key, value]].astype(str).values.tolist()
    expected = long[[key, value]].astype(str).values.tolist()
    assert sorted(pairs, key=lambda p: p[0]) == sorted(expected, key=lambda p: p[0])
    assert wide[column].dtype == "string"


def test_split_ids():
    assert data.split_ids(pd.Series(["a;b", pd.NA, "c"])).tolist() == ["a", "b", "c"]


# --- Bad input: one test per kind of mistake a learner can make ----------------------------------


def problems(folder) -> list[str]:
    report = data.validate(folder)
    assert not report.ok, "the broken copy was accepted"
    return report.errors


def assert_names(errors, *parts):
    assert any(all(p in e for p in parts) for e in errors), \
        f"no message mentions all of {parts}:\n" + "\n".join(errors)


def test_missing_column(data_copy):
    rows = data_copy.rows("places")
    header = [c for c in rows[0] if c != "lat"]
    data_copy.write("places", rows, header)
    assert_names(problems(data_copy.dir), "data/places.csv", "row 1", "missing column", "lat")


def test_unknown_enum_value(data_copy):
    row = data_copy.edit("events", 0, status="rumoured")
    assert_names(problems(data_copy.dir), "data/events.csv", f"row {row}", "column status",
                 "'rumoured'", "alleged, confirmed, disputed, denied")


def test_unparseable_date(data_copy):
    row = data_copy.edit("events", 1, date="2012-13-01", date_precision="day")
    assert_names(problems(data_copy.dir), "data/events.csv", f"row {row}", "column date",
                 "'2012-13-01'", "YYYY-MM-DD")


def test_date_precision_mismatch(data_copy):
    row = data_copy.edit("events", 2, date="2012-03", date_precision="day")
    assert_names(problems(data_copy.dir), f"row {row}", "date_precision", "YYYY-MM-DD")


def test_date_in_the_future(data_copy):
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    row = data_copy.edit("events", 0, date=future, date_precision="day")
    assert_names(problems(data_copy.dir), f"row {row}", "column date", "in the future")


def test_latitude_out_of_range(data_copy):
    row = data_copy.edit("places", 0, lat="140.4")
    assert_names(problems(data_copy.dir), "data/places.csv", f"row {row}", "column lat",
                 "above the maximum 90")


def test_swapped_lat_lon(data_copy):
    if not (data_copy.dir / "geo" / "country_bounds.csv").is_file():
        pytest.skip("data/geo/country_bounds.csv is needed to tell a swapped point")
    baku = next(i for i, r in enumerate(data_copy.rows("places")) if r["place_id"] == "baku")
    r = data_copy.rows("places")[baku]
    row = data_copy.edit("places", baku, lat=r["lon"], lon=r["lat"])
    assert_names(problems(data_copy.dir), f"row {row}", "lat/lon", "AZE", "swapped")


def test_place_outside_region_is_a_warning_not_an_error(data_copy):
    rows = data_copy.rows("places")
    rows.append({**rows[0], "place_id": "reykjavik", "name": "Reykjavik", "country": "ISL",
                 "lat": "64.1466", "lon": "-21.9426", "kind": "capital"})
    data_copy.write("places", rows)
    links = data_copy.rows("place_sources")
    data_copy.write("place_sources", links + [{"place_id": "reykjavik",
                                                "source_id": links[0]["source_id"]}])
    report = data.validate(data_copy.dir)
    assert report.ok, report.errors
    assert any("Reykjavik" in w and "outside the course region" in w for w in report.warnings)


@pytest.mark.parametrize("table, column, bad, target", [
    ("events", "place_id", "atlantis", "places"),
    ("relations", "actor_b", "martians", "actors"),
    ("event_actors", "actor_id", "martians", "actors"),
    ("event_sources", "source_id", "no-such-source", "sources"),
    ("event_sources", "event_id", "E999", "events"),
    ("relation_actors", "relation_id", "R999", "relations"),
    ("place_sources", "source_id", "no-such-source", "sources"),
])
def test_unknown_id(data_copy, table, column, bad, target):
    row = data_copy.edit(table, 0, **{column: bad})
    assert_names(problems(data_copy.dir), f"data/{table}.csv", f"row {row}", f"column {column}",
                 f"'{bad}'", f"data/{target}.csv")


def test_two_ids_in_one_link_cell(data_copy):
    row = data_copy.edit("event_actors", 0, actor_id="aze-mns;irn")
    assert_names(problems(data_copy.dir), "data/event_actors.csv", f"row {row}",
                 "column actor_id", "'aze-mns;irn'", "a second id goes on a row of its own")


def test_duplicate_id(data_copy):
    rows = data_copy.rows("events")
    row = data_copy.edit("events", 3, event_id=rows[0]["event_id"])
    assert_names(problems(data_copy.dir), f"row {row}", "column event_id", "duplicate",
                 "row 2")


def test_duplicate_link_row(data_copy):
    rows = data_copy.rows("event_sources")
    data_copy.write("event_sources", rows + [rows[0]])
    first = rows[0]
    assert_names(problems(data_copy.dir), "data/event_sources.csv", f"row {len(rows) + 2}",
                 f"({first['event_id']}, {first['source_id']})", "duplicate", "row 2")


def test_empty_required_field(data_copy):
    row = data_copy.edit("relations", 0, summary="")
    assert_names(problems(data_copy.dir), "data/relations.csv", f"row {row}",
                 "column summary", "empty but required")


@pytest.mark.parametrize("table, key, link", [
    ("events", "event_id", "event_sources"), ("relations", "relation_id", "relation_sources"),
    ("actors", "actor_id", "actor_sources"), ("places", "place_id", "place_sources")])
def test_a_row_without_sources_is_an_error(data_copy, table, key, link):
    ident = data_copy.rows(table)[2][key]
    data_copy.write(link, [r for r in data_copy.rows(link) if r[key] != ident])
    assert_names(problems(data_copy.dir), f"data/{table}.csv", "row 4", f"{ident!r}",
                 "has no source", f"data/{link}.csv")


def test_an_event_without_a_claimant_is_an_error(data_copy):
    rows = data_copy.rows("event_actors")
    ident = rows[0]["event_id"]
    data_copy.write("event_actors", [r for r in rows
                                     if not (r["event_id"] == ident and r["role"] == "claimed_by")])
    assert_names(problems(data_copy.dir), "data/events.csv", f"{ident!r}", "claimed_by",
                 "data/event_actors.csv")


def test_an_alleged_relation_must_say_who_alleges(data_copy):
    rows = data_copy.rows("relation_actors")
    ident = rows[0]["relation_id"]
    data_copy.write("relation_actors", [r for r in rows if r["relation_id"] != ident])
    assert_names(problems(data_copy.dir), "data/relations.csv", "column status", f"{ident!r}",
                 "alleged_by", "data/relation_actors.csv")


def test_unknown_role(data_copy):
    row = data_copy.edit("event_actors", 0, role="blamed_by")
    assert_names(problems(data_copy.dir), "data/event_actors.csv", f"row {row}", "column role",
                 "'blamed_by'", "perpetrator_alleged, claimed_by, denied_by")


def test_wrong_encoding(data_copy):
    path = data_copy.dir / "places.csv"
    # "Bakü" saved by an editor set to Latin-1: the byte 0xFC on its own is not UTF-8.
    path.write_bytes(path.read_bytes().replace(b"Baku", b"Bak\xfc"))
    assert_names(problems(data_copy.dir), "data/places.csv", "line", "UTF-8")


def test_too_many_fields(data_copy):
    path = data_copy.dir / "places.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] += ",an extra field"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_names(problems(data_copy.dir), "data/places.csv", "row 4", "fields")


def test_all_problems_are_listed_not_just_the_first(data_copy):
    data_copy.edit("events", 0, status="rumoured")
    data_copy.edit("events", 1, event_type="picnic")
    data_copy.edit("places", 0, lon="500")
    assert len(problems(data_copy.dir)) >= 3


def test_loader_raises_one_clear_error_type(data_copy):
    data_copy.edit("events", 0, status="rumoured")
    with pytest.raises(data.DataError, match=r"data/events.csv row 2, column status"):
        data.load_events(data_copy.dir)


def test_validation_writes_nothing(data_copy):
    before = {p: p.stat().st_mtime_ns for p in data_copy.dir.rglob("*")}
    data.validate(data_copy.dir)
    assert {p: p.stat().st_mtime_ns for p in data_copy.dir.rglob("*")} == before


def test_data_dictionary_documents_every_column():
    readme = (data.paths.DATA_DIR / "README.md").read_text(encoding="utf-8")
    for res in data.load_schema()["resources"]:
        assert f"`{res['path']}`" in readme, f"data/README.md does not describe {res['path']}"
        for fld in res["schema"]["fields"]:
            assert f"`{fld['name']}`" in readme, f"data/README.md does not explain {fld['name']}"


def test_relations_known_from_never_precedes_start():
    rel = data.load_relations()
    assert rel["known_from"].notna().all()
    dated = rel[rel["start"].notna()]
    assert (dated["known_from"] == dated["start"]).all()


def test_secondary_dates_keep_their_precision():
    events = data.load_events().set_index("event_id")
    raw = data.load_table("events").set_index("event_id")
    for col in ("occurred", "announced"):
        known = events[f"{col}_date"].notna()
        assert events.loc[known, f"{col}_precision"].isin(["day", "month", "year"]).all()
        assert events.loc[~known, f"{col}_precision"].isna().all()
    assert len(raw) == len(events)
