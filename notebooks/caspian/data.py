"""Load the course's tables, checked against their schema on every load.

The schema is ``data/datapackage.json`` (a Frictionless Data Package): field types, required
fields, allowed values, patterns, primary keys and foreign keys. This module reads it rather than
repeating it, so a column added there is checked here.

Many-to-many facts (which sources an event cites, who claimed or denied it) live in *link
tables* such as ``data/event_sources.csv`` (one row per event and source). :func:`load_events`
and the other entity loaders also return them the familiar *wide* way, as ``;``-joined strings
(``source_ids``, ``claimed_by``, ...); :func:`load_event_sources` and friends return the link
tables themselves.

A table that breaks the schema raises :class:`DataError`, whose message lists *every* problem
found, each naming the file, the row as a spreadsheet shows it (the header is row 1), the column,
the bad value and what was expected::

    data/events.csv row 14, column date: '2012-13-01' is not a date (expected YYYY-MM-DD,
    YYYY-MM or YYYY)

Nothing here ever writes to ``data/``.

Examples
--------
>>> from caspian import data
>>> events = data.load_events()
>>> events[["event_id", "date", "status"]].head()    # doctest: +SKIP
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from caspian import paths

TABLES = ("publishers", "sources", "places", "actors", "events", "relations")
"""The course's entity tables (one row per publisher, source, place, actor, event, relation)."""

LINK_TABLES = ("place_sources", "actor_sources", "event_sources", "event_actors",
               "relation_sources", "relation_actors")
"""The link tables: one row per (thing, source) or (thing, role, actor)."""

ALL_TABLES = TABLES + LINK_TABLES
"""Every table, in the order their foreign keys need them."""

# Wide convenience columns the entity loaders derive from the link tables:
# table -> [(column, inserted after this column, link table, role or None)].
WIDE_COLUMNS: dict[str, list[tuple[str, str, str, str | None]]] = {
    "places": [("source_ids", "kind", "place_sources", None)],
    "actors": [("source_ids", "description", "actor_sources", None)],
    "events": [("perpetrator_alleged", "place_id", "event_actors", "perpetrator_alleged"),
               ("claimed_by", "target", "event_actors", "claimed_by"),
               ("denied_by", "status", "event_actors", "denied_by"),
               ("source_ids", "injured", "event_sources", None)],
    "relations": [("alleged_by", "status", "relation_actors", "alleged_by"),
                  ("source_ids", "summary", "relation_sources", None)],
}

_MAX_SHOWN = 25


class DataError(ValueError):
    """A data file does not match its schema. ``problems`` holds one message per problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = self.problems[:_MAX_SHOWN]
        more = len(self.problems) - len(shown)
        text = f"{len(self.problems)} problem(s) in the course data:\n  - " + "\n  - ".join(shown)
        if more:
            text += f"\n  ... and {more} more"
        super().__init__(text)


@dataclass
class Report:
    """What :func:`validate` found: errors make a table unusable, warnings only ask for a look."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Schema -----------------------------------------------------------------------------------


def load_schema(data_dir: Path | None = None) -> dict:
    """Return the Data Package descriptor (``datapackage.json``) as a dict."""
    path = Path(data_dir or paths.DATA_DIR) / "datapackage.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _resource(schema: dict, name: str) -> dict:
    for res in schema["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"datapackage.json has no resource named {name!r}")


# --- Reading the raw file ---------------------------------------------------------------------


def _read_text(path: Path, label: str, report: Report) -> str | None:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.errors.append(
            f"{label} line {line}: byte 0x{raw[exc.start]:02x} is not valid UTF-8. Save the file "
            "as 'CSV UTF-8' (in a spreadsheet: Save As > CSV UTF-8), not Latin-1 or Windows-1252."
        )
        return None


def _parse_partial_date(text: str) -> pd.Timestamp | None:
    """'2012', '2012-03' or '2012-03-14' → the first day of that period; None if not a date."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        return pd.Timestamp(dt.date(year, month, day))
    except ValueError:
        return None


def _precision(text: str) -> str:
    return {4: "year", 7: "month", 10: "day"}.get(len(text), "?")


_ID_PATTERN = "^[a-z0-9][a-z0-9-]*$"


def _check_cell(value: str, fld: dict, where: str, report: Report, today: dt.date) -> None:
    """Check one non-empty cell against its field definition."""
    cons = fld.get("constraints", {})
    ftype = fld.get("type", "string")
    if ftype == "integer":
        if not re.fullmatch(r"-?\d+", value):
            report.errors.append(f"{where}: {value!r} is not a whole number (expected e.g. 3; "
                                 "leave the cell empty when unknown)")
            return
        number: float = int(value)
    elif ftype == "number":
        try:
            number = float(value)
        except ValueError:
            report.errors.append(f"{where}: {value!r} is not a number (expected decimal degrees "
                                 "such as 40.41, with a point, not a comma)")
            return
    elif ftype == "boolean":
        allowed = fld.get("trueValues", ["true"]) + fld.get("falseValues", ["false"])
        if value not in allowed:
            report.errors.append(f"{where}: {value!r} is not one of {allowed}")
        return
    else:
        number = None  # type: ignore[assignment]
    if number is not None:
        if "minimum" in cons and number < cons["minimum"]:
            report.errors.append(f"{where}: {value} is below the minimum {cons['minimum']}")
        if "maximum" in cons and number > cons["maximum"]:
            report.errors.append(f"{where}: {value} is above the maximum {cons['maximum']}")
        return
    if "enum" in cons and value not in cons["enum"]:
        report.errors.append(f"{where}: {value!r} is not an allowed value (expected one of: "
                             f"{', '.join(cons['enum'])})")
        return
    if fld.get("x-partial-date"):
        stamp = _parse_partial_date(value)
        if stamp is None:
            report.errors.append(f"{where}: {value!r} is not a date (expected YYYY-MM-DD, "
                                 "YYYY-MM or YYYY)")
        elif stamp.date() > today:
            report.errors.append(f"{where}: {value!r} is in the future (today is {today}); "
                                 "the course records only what has happened or been announced")
        return
    if "pattern" in cons and not re.fullmatch(cons["pattern"], value):
        hint = (" (ids are lowercase letters, digits and '-'; one id per cell: a second id goes "
                "on a row of its own)" if cons["pattern"] == _ID_PATTERN else "")
        report.errors.append(f"{where}: {value!r} does not match the expected form "
                             f"{cons['pattern']}{hint}")


def _read_table(name: str, schema: dict, data_dir: Path, report: Report,
                today: dt.date) -> pd.DataFrame | None:
    """Read one CSV as strings and check everything that needs no other table."""
    res = _resource(schema, name)
    label = f"data/{res['path']}"
    path = data_dir / res["path"]
    if not path.is_file():
        report.errors.append(f"{label}: file not found in {data_dir}")
        return None
    text = _read_text(path, label, report)
    if text is None:
        return None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        report.errors.append(f"{label}: the file is empty (expected a header row)")
        return None
    header = [h.strip() for h in rows[0]]
    fields = res["schema"]["fields"]
    expected = [f["name"] for f in fields]
    missing = [c for c in expected if c not in header]
    if missing:
        report.errors.append(f"{label} row 1 (header): missing column(s) {', '.join(missing)} "
                             f"(expected columns: {', '.join(expected)})")
        return None
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        report.errors.append(f"{label} row 1 (header): column(s) {', '.join(dupes)} appear twice")
        return None
    records = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line is harmless
        if len(row) != len(header):
            report.errors.append(
                f"{label} row {i}: has {len(row)} fields but the header has {len(header)} "
                "(a comma inside a value needs the value in double quotes)")
            continue
        records.append([i] + [cell.strip() for cell in row])
    frame = pd.DataFrame(records, columns=["_row"] + header, dtype=object)
    for fld in fields:
        col, required = fld["name"], fld.get("constraints", {}).get("required", False)
        for rownum, value in zip(frame["_row"], frame[col], strict=True):
            where = f"{label} row {rownum}, column {col}"
            if value == "":
                if required:
                    report.errors.append(f"{where}: is empty but required ({fld['description']})")
                continue
            _check_cell(value, fld, where, report, today)
    key = res["schema"].get("primaryKey", [])
    if key:
        seen: dict[tuple, int] = {}
        for rownum, *values in zip(frame["_row"], *(frame[k] for k in key), strict=True):
            value = tuple(values)
            shown = repr(values[0]) if len(key) == 1 else "(" + ", ".join(values) + ")"
            if value in seen:
                what = "a duplicate id" if len(key) == 1 else "a duplicate row"
                report.errors.append(f"{label} row {rownum}, column {'/'.join(key)}: "
                                     f"{shown} is {what} (already in row {seen[value]})")
            elif all(values):
                seen[value] = rownum
    return frame


def _check_foreign_keys(frames: dict[str, pd.DataFrame], schema: dict, report: Report) -> None:
    for res in schema["resources"]:
        frame = frames.get(res["name"])
        if frame is None:
            continue
        for fk in res["schema"].get("foreignKeys", []):
            target = fk["reference"]["resource"]
            ref = frames.get(target)
            if ref is None:
                continue
            for col, ref_col in zip(fk["fields"], fk["reference"]["fields"], strict=True):
                known = set(ref[ref_col])
                for rownum, value in zip(frame["_row"], frame[col], strict=True):
                    if value and value not in known:
                        report.errors.append(
                            f"data/{res['path']} row {rownum}, column {col}: {value!r} is not a "
                            f"known id in data/{target}.csv (column {ref_col})")


def _linked(frames: dict[str, pd.DataFrame], link: str, role: str | None = None) -> set[str]:
    """The ids of the things that have at least one row (of ``role``) in a link table."""
    frame = frames[link]
    if role is not None:
        frame = frame[frame["role"] == role]
    return set(frame.iloc[:, 1])


def _check_rules(frames: dict[str, pd.DataFrame], schema: dict, data_dir: Path,
                 report: Report) -> None:
    """Rules that span columns or tables."""
    events = frames.get("events")
    if events is not None:
        columns = (events["_row"], events["date"], events["date_precision"])
        for rownum, date, prec in zip(*columns, strict=True):
            if _parse_partial_date(date) is not None and prec in ("day", "month", "year") \
                    and _precision(date) != prec:
                report.errors.append(
                    f"data/events.csv row {rownum}, column date_precision: {prec!r} does not match "
                    f"the date {date!r} (a {_precision(date)}; write the date as "
                    f"{ {'day': 'YYYY-MM-DD', 'month': 'YYYY-MM', 'year': 'YYYY'}[prec] })")
    relations = frames.get("relations")
    if relations is not None:
        for row in relations.to_dict("records"):
            where = f"data/relations.csv row {row['_row']}"
            start, end = _parse_partial_date(row["start"]), _parse_partial_date(row["end"])
            if start is not None and end is not None and end < start:
                report.errors.append(f"{where}, column end: {row['end']!r} is before start "
                                     f"{row['start']!r}")
            if row["actor_a"] and row["actor_a"] == row["actor_b"]:
                report.errors.append(f"{where}, column actor_b: {row['actor_b']!r} is the same "
                                     "actor as actor_a")
    _check_links(frames, report)
    places = frames.get("places")
    if places is not None:
        _check_places(places, schema, data_dir, report)


# (entity table, its key, link table, role or None, what the link says) for every "at least one".
_NEEDS_A_LINK = [
    ("places", "place_id", "place_sources", None, "source"),
    ("actors", "actor_id", "actor_sources", None, "source"),
    ("events", "event_id", "event_sources", None, "source"),
    ("events", "event_id", "event_actors", "claimed_by", "claimed_by actor (who made the claim)"),
    ("relations", "relation_id", "relation_sources", None, "source"),
]


def _check_links(frames: dict[str, pd.DataFrame], report: Report) -> None:
    """Every place, actor, event and relation cites a source; every event says who claims it."""
    for table, key, link, role, what in _NEEDS_A_LINK:
        if table not in frames or link not in frames:
            continue
        have = _linked(frames, link, role)
        for rownum, ident in zip(frames[table]["_row"], frames[table][key], strict=True):
            if ident and ident not in have:
                example = f"{ident},{role},<actor id>" if role else f"{ident},<source id>"
                report.errors.append(
                    f"data/{table}.csv row {rownum}, column {key}: {ident!r} has no {what} in "
                    f"data/{link}.csv (add a row there: {example})")
    if "relations" in frames and "relation_actors" in frames:
        have = _linked(frames, "relation_actors", "alleged_by")
        rel = frames["relations"]
        for rownum, ident, status in zip(rel["_row"], rel["relation_id"], rel["status"],
                                         strict=True):
            if status == "alleged" and ident and ident not in have:
                report.errors.append(
                    f"data/relations.csv row {rownum}, column status: is 'alleged' but "
                    f"{ident!r} has no alleged_by row in data/relation_actors.csv (add a row "
                    f"there: {ident},alleged_by,<actor id of who makes the allegation>)")


def _check_places(places: pd.DataFrame, schema: dict, data_dir: Path, report: Report) -> None:
    box = schema.get("x-region-bbox", {})
    bounds_path = data_dir / "geo" / "country_bounds.csv"
    bounds = {}
    if bounds_path.is_file():
        for b in csv.DictReader(io.StringIO(bounds_path.read_text(encoding="utf-8"))):
            bounds[b["iso_a3"]] = tuple(float(b[k]) for k in
                                        ("min_lon", "min_lat", "max_lon", "max_lat"))
    tol = 0.5  # degrees: coastal points can sit just outside a generalised outline

    def inside(lat: float, lon: float, bb: tuple) -> bool:
        return bb[0] - tol <= lon <= bb[2] + tol and bb[1] - tol <= lat <= bb[3] + tol

    for row in places.to_dict("records"):
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except ValueError:
            continue  # already reported
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue  # already reported
        where = f"data/places.csv row {row['_row']}"
        bb = bounds.get(row["country"])
        if bb is not None and not inside(lat, lon, bb):
            swapped = -90 <= lon <= 90 and inside(lon, lat, bb)
            hint = (" — it would fit if lat and lon were swapped" if swapped else "")
            report.errors.append(
                f"{where}, columns lat/lon: ({lat}, {lon}) lies outside {row['country']}'s extent "
                f"(lon {bb[0]}..{bb[2]}, lat {bb[1]}..{bb[3]}){hint}")
        if box and not (box["min_lon"] <= lon <= box["max_lon"]
                        and box["min_lat"] <= lat <= box["max_lat"]):
            report.warnings.append(
                f"{where}: {row['name']} ({lat}, {lon}) is outside the course region "
                f"({box['min_lon']}–{box['max_lon']}°E, {box['min_lat']}–{box['max_lat']}°N); "
                "fine if intended (e.g. Washington), but check the coordinates")


def _read_all(data_dir: Path, today: dt.date) -> tuple[dict, dict[str, pd.DataFrame], Report]:
    report = Report()
    schema = load_schema(data_dir)
    frames = {}
    for name in ALL_TABLES:
        frame = _read_table(name, schema, data_dir, report, today)
        if frame is not None:
            frames[name] = frame
    _check_foreign_keys(frames, schema, report)
    _check_rules(frames, schema, data_dir, report)
    return schema, frames, report


def validate(data_dir: str | Path | None = None, today: dt.date | None = None) -> Report:
    """Check every table against ``datapackage.json`` and against each other.

    Parameters
    ----------
    data_dir : path, optional
        A folder laid out like ``data/`` (the tests pass a temporary copy). Default: the course's.
    today : datetime.date, optional
        The date after which a date counts as "in the future". Default: today.

    Returns
    -------
    Report
        ``errors`` (the tables cannot be used) and ``warnings`` (worth a look).
    """
    return _read_all(Path(data_dir or paths.DATA_DIR), today or dt.date.today())[2]


# --- Typed DataFrames for the lessons ----------------------------------------------------------


def _typed(name: str, frame: pd.DataFrame, schema: dict) -> pd.DataFrame:
    res = _resource(schema, name)
    out = frame.drop(columns="_row").replace("", pd.NA)
    for fld in res["schema"]["fields"]:
        col, ftype = fld["name"], fld.get("type", "string")
        cons = fld.get("constraints", {})
        if fld.get("x-partial-date"):
            raw = out[col]
            out[col] = pd.to_datetime(raw.map(
                lambda v: _parse_partial_date(v) if isinstance(v, str) else pd.NaT))
            if name == "events" and col in ("occurred_date", "announced_date"):
                out[col.replace("_date", "_precision")] = raw.map(
                    lambda v: _precision(v) if isinstance(v, str) else pd.NA).astype("string")
        elif ftype == "integer":
            out[col] = pd.to_numeric(out[col]).astype("Int64")
        elif ftype == "number":
            out[col] = pd.to_numeric(out[col]).astype(float)
        elif ftype == "boolean":
            true_values = fld.get("trueValues", ["true"])
            out[col] = out[col].map(lambda v, t=true_values: v in t).astype(bool)
        elif "enum" in cons:
            out[col] = pd.Categorical(out[col], categories=cons["enum"])
        else:
            out[col] = out[col].astype("string")
    return out.reset_index(drop=True)


def _widen(name: str, frame: pd.DataFrame, links: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Add the ``;``-joined convenience columns of an entity table, in link-table order."""
    key = frame.columns[0]
    for col, after, link, role in WIDE_COLUMNS.get(name, []):
        table = links[link]
        if role is not None:
            table = table[table["role"] == role]
        value = "actor_id" if link.endswith("_actors") else "source_id"
        joined = table.groupby(key, sort=False)[value].agg(";".join)
        frame.insert(frame.columns.get_loc(after) + 1, col,
                     frame[key].map(joined).astype("string"))
    return frame


def _fingerprint(data_dir: Path) -> tuple:
    """What the cache is keyed on: every data file's name, size and modification time."""
    files = sorted(p for p in data_dir.rglob("*") if p.is_file())
    return tuple((str(p.relative_to(data_dir)), *_stat(p)) for p in files)


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


@lru_cache(maxsize=4)
def _load_all_cached(data_dir: str, today: dt.date,
                     fingerprint: tuple = ()) -> dict[str, pd.DataFrame]:
    schema, frames, report = _read_all(Path(data_dir), today)
    if report.errors:
        raise DataError(report.errors)
    typed = {name: _typed(name, frame, schema) for name, frame in frames.items()}
    for name in TABLES:
        typed[name] = _widen(name, typed[name], typed)
    return typed


def load_table(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load one validated table by name (``"events"``, ``"event_sources"``, ...).

    All tables are validated together, because their ids refer to one another. Returns a fresh
    copy, so changing it in a lesson never changes what the next load returns. An edit to a file
    in ``data/`` shows up on the next call (the cache notices changed files).

    Raises
    ------
    DataError
        If any table breaks the schema; the message lists every problem.
    """
    if name not in ALL_TABLES:
        raise KeyError(f"no table named {name!r}; the tables are: {', '.join(ALL_TABLES)}")
    folder = Path(data_dir or paths.DATA_DIR).resolve()
    frames = _load_all_cached(str(folder), dt.date.today(), _fingerprint(folder))
    return frames[name].copy()


def load_publishers(data_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per publisher: its ``affiliation`` and the ``basis`` for it (see data/README.md)."""
    return load_table("publishers", data_dir)


def load_sources(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The bibliography: one row per source, ``date`` parsed to a timestamp."""
    return load_table("sources", data_dir)


def load_places(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Places with ``lat``/``lon`` in decimal degrees (WGS 84).

    ``source_ids`` joins the place's sources from ``data/place_sources.csv`` with ``;``.
    """
    return load_table("places", data_dir)


def load_actors(data_dir: str | Path | None = None) -> pd.DataFrame:
    """States, agencies, groups, organisations and people.

    ``source_ids`` joins the actor's sources from ``data/actor_sources.csv`` with ``;``.
    """
    return load_table("actors", data_dir)


def load_events(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The timeline of plots, sorted by ``date``.

    ``date`` is parsed to the first day of its period: ``2008-05`` (``date_precision`` month)
    becomes 2008-05-01. Read ``date_precision`` before treating a date as exact, and
    ``date_kind`` before comparing an announcement with an occurrence.

    ``perpetrator_alleged``, ``claimed_by``, ``denied_by`` (from ``data/event_actors.csv``) and
    ``source_ids`` (from ``data/event_sources.csv``) hold ids joined by ``;``, in the order of
    the link table's rows; missing (``<NA>``) where the link table has no row.
    """
    events = load_table("events", data_dir)
    return events.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)


def load_relations(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Relations between actors; ``end`` is missing (NaT) while a tie is ongoing.

    ``alleged_by`` (from ``data/relation_actors.csv``) and ``source_ids`` (from
    ``data/relation_sources.csv``) hold ids joined by ``;``.

    Adds ``known_from``: the tie's ``start`` where the sources date it, otherwise the date of the
    earliest source the row cites, i.e. the first day the course can show the tie existed. Time
    snapshots of the network use it, so a tie is never shown before any source reports it.
    """
    relations = load_table("relations", data_dir)
    dates = load_sources(data_dir).set_index("source_id")["date"]
    earliest = relations["source_ids"].map(
        lambda ids: min(dates[i] for i in str(ids).split(";")))
    relations["known_from"] = relations["start"].fillna(earliest)
    return relations


def load_event_sources(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``data/event_sources.csv``: one row per (``event_id``, ``source_id``)."""
    return load_table("event_sources", data_dir)


def load_event_actors(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``data/event_actors.csv``: one row per (``event_id``, ``role``, ``actor_id``).

    ``role`` is ``perpetrator_alleged``, ``claimed_by`` or ``denied_by`` (a categorical).
    """
    return load_table("event_actors", data_dir)


def load_relation_sources(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``data/relation_sources.csv``: one row per (``relation_id``, ``source_id``)."""
    return load_table("relation_sources", data_dir)


def load_relation_actors(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``data/relation_actors.csv``: one row per (``relation_id``, ``role``, ``actor_id``)."""
    return load_table("relation_actors", data_dir)


def load_actor_sources(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``data/actor_sources.csv``: one row per (``actor_id``, ``source_id``)."""
    return load_table("actor_sources", data_dir)


def load_place_sources(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``data/place_sources.csv``: one row per (``place_id``, ``source_id``)."""
    return load_table("place_sources", data_dir)


def events_gdf(data_dir: str | Path | None = None):
    """The events as a GeoDataFrame of points (EPSG:4326), joined to their places.

    Adds the place's ``place_name``, ``country``, ``lat`` and ``lon`` to each event.
    """
    import geopandas as gpd

    events = load_events(data_dir)
    places = load_places(data_dir)[["place_id", "name", "country", "lat", "lon"]]
    joined = events.merge(places.rename(columns={"name": "place_name"}), on="place_id",
                          how="left", validate="many_to_one")
    return gpd.GeoDataFrame(joined, geometry=gpd.points_from_xy(joined["lon"], joined["lat"]),
                            crs="EPSG:4326")


def split_ids(values: pd.Series) -> pd.Series:
    """Split a column of ``;``-joined ids into one row per id (empty cells are dropped).

    Examples
    --------
    >>> split_ids(pd.Series(["irn;hezbollah", pd.NA, "irgc"])).tolist()
    ['irn', 'hezbollah', 'irgc']
    """
    return values.dropna().str.split(";").explode().str.strip().reset_index(drop=True)


def main() -> int:
    """``python -m caspian.data``: validate the tables and print the report."""
    report = validate()
    for warning in report.warnings:
        print("warning:", warning)
    for error in report.errors:
        print("error:", error)
    counts = ", ".join(f"{n}" for n in ALL_TABLES)
    print(f"{'OK' if report.ok else 'FAILED'}: checked {counts} "
          f"({len(report.errors)} errors, {len(report.warnings)} warnings)")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
