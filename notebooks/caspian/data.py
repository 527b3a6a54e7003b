"""Load the course's tables, checked against their schema on every load.

The schema is ``data/datapackage.json`` (a Frictionless Data Package): field types, required
fields, allowed values, patterns, primary keys and foreign keys. This module reads it rather than
repeating it, so a column added there is checked here.

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

TABLES = ("sources", "places", "actors", "events", "relations")
"""The course's tables, in the order their foreign keys need them."""

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
        sep = fld.get("x-separator")
        hint = (f" (ids are lowercase letters, digits and '-', several joined by '{sep}' with no "
                "spaces)" if sep else "")
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
    for key in res["schema"].get("primaryKey", []):
        seen: dict[str, int] = {}
        for rownum, value in zip(frame["_row"], frame[key], strict=True):
            if value in seen:
                report.errors.append(f"{label} row {rownum}, column {key}: {value!r} is a "
                                     f"duplicate id (already used in row {seen[value]})")
            elif value:
                seen[value] = rownum
    return frame


def _split(value: str, sep: str | None) -> list[str]:
    if not value:
        return []
    return [v.strip() for v in value.split(sep)] if sep else [value]


def _check_foreign_keys(frames: dict[str, pd.DataFrame], schema: dict, report: Report) -> None:
    for res in schema["resources"]:
        frame = frames.get(res["name"])
        if frame is None:
            continue
        fields = {f["name"]: f for f in res["schema"]["fields"]}
        for fk in res["schema"].get("foreignKeys", []):
            col = fk["fields"][0]
            target = fk["reference"]["resource"]
            ref = frames.get(target)
            if ref is None:
                continue
            known = set(ref[fk["reference"]["fields"][0]])
            sep = fields[col].get("x-separator")
            for rownum, value in zip(frame["_row"], frame[col], strict=True):
                for item in _split(value, sep):
                    if item not in known:
                        report.errors.append(
                            f"data/{res['path']} row {rownum}, column {col}: {item!r} is not a "
                            f"known id in data/{target}.csv")


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
            if row["status"] == "alleged" and not row["alleged_by"]:
                report.errors.append(f"{where}, column alleged_by: is empty but status is "
                                     "'alleged' (name who makes the allegation)")
            if row["actor_a"] and row["actor_a"] == row["actor_b"]:
                report.errors.append(f"{where}, column actor_b: {row['actor_b']!r} is the same "
                                     "actor as actor_a")
    places = frames.get("places")
    if places is not None:
        _check_places(places, schema, data_dir, report)


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
    data_dir = Path(data_dir or paths.DATA_DIR)
    today = today or dt.date.today()
    report = Report()
    schema = load_schema(data_dir)
    frames = {}
    for name in TABLES:
        frame = _read_table(name, schema, data_dir, report, today)
        if frame is not None:
            frames[name] = frame
    _check_foreign_keys(frames, schema, report)
    _check_rules(frames, schema, data_dir, report)
    return report


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


@lru_cache(maxsize=4)
def _load_all_cached(data_dir: str, today: dt.date) -> dict[str, pd.DataFrame]:
    report = Report()
    schema = load_schema(Path(data_dir))
    frames = {}
    for name in TABLES:
        frame = _read_table(name, schema, Path(data_dir), report, today)
        if frame is not None:
            frames[name] = frame
    _check_foreign_keys(frames, schema, report)
    _check_rules(frames, schema, Path(data_dir), report)
    if report.errors:
        raise DataError(report.errors)
    return {name: _typed(name, frame, schema) for name, frame in frames.items()}


def load_table(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load one validated table by name (``"events"``, ``"places"``, ...).

    All tables are validated together, because their ids refer to one another. Returns a fresh
    copy, so changing it in a lesson never changes what the next load returns.

    Raises
    ------
    DataError
        If any table breaks the schema; the message lists every problem.
    """
    if name not in TABLES:
        raise KeyError(f"no table named {name!r}; the tables are: {', '.join(TABLES)}")
    frames = _load_all_cached(str(Path(data_dir or paths.DATA_DIR).resolve()), dt.date.today())
    return frames[name].copy()


def load_sources(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The bibliography: one row per source, ``date`` parsed to a timestamp."""
    return load_table("sources", data_dir)


def load_places(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Places with ``lat``/``lon`` in decimal degrees (WGS 84)."""
    return load_table("places", data_dir)


def load_actors(data_dir: str | Path | None = None) -> pd.DataFrame:
    """States, agencies, groups, organisations and people."""
    return load_table("actors", data_dir)


def load_events(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The timeline of plots, sorted by ``date``.

    ``date`` is parsed to the first day of its period: ``2008-05`` (``date_precision`` month)
    becomes 2008-05-01. Read ``date_precision`` before treating a date as exact, and
    ``date_kind`` before comparing an announcement with an occurrence.
    """
    events = load_table("events", data_dir)
    return events.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)


def load_relations(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Relations between actors; ``end`` is missing (NaT) while a tie is ongoing.

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
    counts = ", ".join(f"{n}" for n in TABLES)
    print(f"{'OK' if report.ok else 'FAILED'}: checked {counts} "
          f"({len(report.errors)} errors, {len(report.warnings)} warnings)")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
