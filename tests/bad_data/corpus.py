"""A corpus of realistic bad edits to the course data, each with its expected outcome and message.

Every case is a small *mutation* applied to a fresh copy of ``data/`` (never to ``data/`` itself),
the way a learner or an instructor breaks the tables: a spreadsheet that saves with ``;``, rewrites
dates as ``2/12/2008`` or booleans as ``TRUE``, a legacy encoding, a quote left open, a table
written back with ``to_csv``, an edit made while a kernel runs...

``tests/test_data_corpus.py`` runs every case and asserts its outcome and message. Run this file
to print the table of outcomes, optionally against another checkout of the course (to measure the
loader before a change)::

    python tests/bad_data/corpus.py               # this checkout
    python tests/bad_data/corpus.py /path/to/old/checkout

Outcomes
--------
accepted   loads, no error, no warning, nothing lost (expected for harmless edits)
warning    loads, with a warning whose message has every expected part
error      refused, with a message that has every expected part
unclear    refused (or warned), but no message has the expected parts
silent     expected an error or a warning, got neither, and nothing visibly lost
data lost  loads without a word, but what was loaded is not what the file meant
traceback  an exception other than ``caspian.data.DataError`` escaped
n/a        the checkout lacks what the case needs (an older layout or API)
"""

from __future__ import annotations

import csv
import importlib
import io
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

OUTCOMES = ("accepted", "warning", "error", "unclear", "silent", "data lost", "traceback", "n/a")


# --- Editing a copy of data/ --------------------------------------------------------------------


def read_rows(folder: Path, table: str) -> tuple[list[str], list[list[str]]]:
    with open(folder / f"{table}.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write_rows(folder: Path, table: str, header: list[str], rows: list[list[str]]) -> None:
    with open(folder / f"{table}.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def set_cell(folder: Path, table: str, index: int, column: str, value: str) -> int:
    """Set one cell of data row ``index`` (0-based); return the row as a spreadsheet numbers it."""
    header, rows = read_rows(folder, table)
    rows[index][header.index(column)] = value
    write_rows(folder, table, header, rows)
    return index + 2


def get_cell(folder: Path, table: str, index: int, column: str) -> str:
    header, rows = read_rows(folder, table)
    return rows[index][header.index(column)]


def replace_text(folder: Path, table: str, old: str, new: str, count: int = 1) -> None:
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {table}.csv"
    path.write_text(text.replace(old, new, count), encoding="utf-8", newline="")


def line_of(folder: Path, table: str, needle: str) -> int:
    """The 1-based physical line of the first line containing ``needle``."""
    lines = (folder / f"{table}.csv").read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def is_link_layout(folder: Path) -> bool:
    return (folder / "event_sources.csv").is_file()


def add_event(folder: Path, new_id: str = "E999") -> int:
    """Append a copy of the first event under a new id (with its link rows, if any)."""
    header, rows = read_rows(folder, "events")
    template = rows[0]
    copy = list(template)
    copy[header.index("event_id")] = new_id
    copy[header.index("title")] = "A row added while the kernel runs"
    write_rows(folder, "events", header, rows + [copy])
    for link in ("event_sources", "event_actors"):
        if (folder / f"{link}.csv").is_file():
            lheader, lrows = read_rows(folder, link)
            extra = [[new_id, *r[1:]] for r in lrows if r[0] == template[0]]
            write_rows(folder, link, lheader, lrows + extra)
    return len(rows) + 2


# --- Running a case -------------------------------------------------------------------------------


@dataclass
class Result:
    """What the loader did with a broken copy."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    frames: dict = field(default_factory=dict)
    crash: str = ""


def validate_and_load(dm, folder: Path) -> Result:
    """The default action: ``validate()`` then every ``load_*()``, as a lesson would."""
    result = Result()
    report = dm.validate(folder)
    result.errors += report.errors
    result.warnings += report.warnings
    loaders = {"publishers": "load_publishers", "sources": "load_sources",
               "places": "load_places", "actors": "load_actors", "events": "load_events",
               "relations": "load_relations"}
    try:
        for name, fn in loaders.items():
            if hasattr(dm, fn):  # an older loader may lack a table
                result.frames[name] = getattr(dm, fn)(folder)
    except dm.DataError as exc:
        if not result.errors:  # validate() passed but loading failed: a disagreement
            result.errors += exc.problems
    return result


@dataclass
class Case:
    """One bad edit: how to make it, what should happen, what the message must say."""

    id: str
    what: str
    expect: str  # "accepted", "warning" or "error"
    mutate: Callable[[Path], dict]
    parts: tuple[str, ...] = ()
    action: Callable = validate_and_load
    intact: Callable[[Result, dict], bool] | None = None
    layout: str | None = None  # "link": needs the link-table layout
    needs: str | None = None  # a name caspian.data must have
    not_intact: str = "data lost"  # the outcome when an accepted case lost what the file meant


def _default_intact(result: Result, ctx: dict) -> bool:
    """Every table that loaded has its rows and its columns (extra columns lose nothing)."""
    base = ctx.get("_baseline")
    if not base or not result.frames:
        return True
    for name, got in result.frames.items():
        frame = base.get(name)
        if frame is None:
            continue
        if len(got) != len(frame) or not set(frame.columns) <= set(got.columns):
            return False
    return True


def classify(case: Case, result: Result, ctx: dict) -> tuple[str, str]:
    """Return (outcome, the message that decided it)."""
    if result.crash:
        return "traceback", result.crash
    parts = tuple(p.format(**ctx) for p in case.parts)
    # Warnings the untouched data already gives (places outside the region) are not news.
    known = {re.sub(r"row \d+", "row N", w) for w in ctx.get("_warnings", ())}
    warnings = [w for w in result.warnings if re.sub(r"row \d+", "row N", w) not in known]
    messages = result.errors if case.expect == "error" else warnings
    hit = next((m for m in messages if all(p in m for p in parts)), None)
    intact = (case.intact or _default_intact)(result, ctx)
    if case.expect == "accepted":
        if result.errors:
            return "unclear", result.errors[0]
        if not intact:
            return case.not_intact, ""
        return ("accepted", "") if not warnings else ("warning", warnings[0])
    if case.expect == "warning" and result.errors:
        return "unclear", result.errors[0]
    if hit is not None:
        return case.expect, hit
    if result.errors or warnings:
        return "unclear", (result.errors or warnings)[0]
    return ("silent", "") if intact else (case.not_intact, "")


_BASELINES: dict[tuple, tuple[dict, set]] = {}


def _baseline(dm, source_data: Path, folder: Path) -> tuple[dict, set]:
    """What the untouched data loads to (once per loader and data folder)."""
    key = (id(dm), str(source_data))
    if key not in _BASELINES:
        try:
            pristine = validate_and_load(dm, folder)
            _BASELINES[key] = pristine.frames, set(pristine.warnings)
        except Exception:  # noqa: BLE001 - a baseline is best effort
            _BASELINES[key] = {}, set()
    return _BASELINES[key]


def run_case(case: Case, dm, source_data: Path, workdir: Path) -> tuple[str, str, Result, dict]:
    """Copy the data, apply the mutation, run the action, classify (``source_data`` untouched)."""
    if case.needs and not hasattr(dm, case.needs):
        return "n/a", f"caspian.data has no {case.needs}", Result(), {}
    folder = workdir / case.id / "data"
    # The base-map layers are large and no check reads them: leave them out of the copy.
    shutil.copytree(source_data, folder, ignore=shutil.ignore_patterns("*.geojson"))
    if case.layout == "link" and not is_link_layout(folder):
        return "n/a", "needs the link-table layout", Result(), {}
    ctx: dict = {}
    ctx["_baseline"], ctx["_warnings"] = _baseline(dm, source_data, folder)
    ctx.update(case.mutate(folder) or {})
    try:
        result = case.action(dm, folder, ctx) if case.action is not validate_and_load \
            else validate_and_load(dm, folder)
    except dm.DataError as exc:
        result = Result(errors=list(exc.problems))
    except Exception as exc:  # noqa: BLE001 - that is what we are counting
        result = Result(crash="".join(traceback.format_exception_only(type(exc), exc)).strip())
    outcome, message = classify(case, result, ctx)
    return outcome, message, result, ctx


# --- The cases ------------------------------------------------------------------------------------

CASES: list[Case] = []


def case(id: str, what: str, expect: str, *parts: str, **kwargs):
    """Register the decorated mutation as a corpus case."""
    def register(mutate: Callable[[Path], dict]):
        CASES.append(Case(id, what, expect, mutate, tuple(parts), **kwargs))
        return mutate
    return register


# Encodings and line endings -----------------------------------------------------------------------


@case("bom-crlf", "events.csv saved by Excel as 'CSV UTF-8': a BOM and CRLF line ends", "accepted")
def _(d):
    path = d / "events.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))


@case("cp1252-bytes", "events.csv saved as Windows-1252 (a spreadsheet's plain 'CSV')", "error",
      "data/events.csv", "line {line}", "UTF-8", "Windows-1252", "Save As")
def _(d):
    path = d / "events.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("cp1252"))
    return {"line": next(i for i, ln in enumerate(text.split("\n"), 1)
                         if any(ord(c) > 127 for c in ln))}


@case("latin1-byte", "one name typed in a Latin-1 editor: Bak\\xfc", "error",
      "data/places.csv", "line 2", "UTF-8")
def _(d):
    path = d / "places.csv"
    path.write_bytes(path.read_bytes().replace(b"Baku,AZE", b"Bak\xfc,AZE"))


@case("legacy-question-marks", "relations.csv saved as cp1252: 'Şuşa' became '?u?a'", "error",
      "data/relations.csv", "row {row}", "column summary", "?u?a", "encoding",
      intact=lambda r, ctx: "relations" not in r.frames
      or r.frames["relations"]["summary"].str.contains("Şuşa").any())
def _(d):
    header, rows = read_rows(d, "relations")
    i = next(i for i, r in enumerate(rows) if r[0] == "R014")
    rows[i][header.index("summary")] = rows[i][header.index("summary")].replace("Shusha", "Şuşa")
    write_rows(d, "relations", header, rows)
    path = d / "relations.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    return {"row": i + 2}


@case("mojibake", "a UTF-8 file opened as Windows-1252 and saved as UTF-8: 'Bakü' → 'BakÃ¼'",
      "error", "data/places.csv", "row {row}", "column name", "BakÃ¼", "Bakü")
def _(d):
    return {"row": set_cell(d, "places", 0, "name", "Bakü".encode().decode("cp1252"))}


@case("utf16", "actors.csv saved as 'Unicode Text' (UTF-16)", "error",
      "data/actors.csv", "UTF-16")
def _(d):
    path = d / "actors.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


# Separators and the shape of rows -----------------------------------------------------------------


@case("semicolon-separator", "places.csv saved with ';' as separator (Excel, European locale)",
      "error", "data/places.csv", "row 1", "';'", "separator")
def _(d):
    header, rows = read_rows(d, "places")
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows([header, *rows])
    (d / "places.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")


@case("tab-separator", "places.csv saved as tab-separated text", "error",
      "data/places.csv", "row 1", "tab", "separator")
def _(d):
    header, rows = read_rows(d, "places")
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t", lineterminator="\n").writerows([header, *rows])
    (d / "places.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")


@case("header-trailing-comma", "a trailing comma on the header line only", "error",
      "data/events.csv", "row 1", "trailing comma")
def _(d):
    replace_text(d, "events", "notes\n", "notes,\n")


@case("trailing-commas-everywhere", "every line of places.csv ends with a comma", "error",
      "data/places.csv", "trailing comma")
def _(d):
    path = d / "places.csv"
    path.write_text("".join(ln + ",\n" for ln in path.read_text(encoding="utf-8").splitlines()),
                    encoding="utf-8")


@case("unquoted-comma", "a comma inside a value that is not in double quotes", "error",
      "data/places.csv", "row 4", "fields", "double quotes")
def _(d):
    lines = (d / "places.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",city,", ",city, near the coast,", 1) \
        if ",city," in lines[3] else lines[3] + ",an extra field"
    (d / "places.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@case("missing-field", "a row with one field too few", "error",
      "data/places.csv", "row 3", "fields")
def _(d):
    lines = (d / "places.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].rsplit(",", 1)[0]
    (d / "places.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@case("blank-lines", "blank lines and a row of empty cells between rows", "accepted")
def _(d):
    lines = (d / "places.csv").read_text(encoding="utf-8").splitlines()
    lines[5:5] = ["", ",,,,,,"]
    (d / "places.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@case("empty-file", "places.csv emptied (0 bytes)", "error", "data/places.csv", "empty")
def _(d):
    (d / "places.csv").write_text("", encoding="utf-8")


@case("missing-table", "events.csv deleted or renamed ('events (1).csv')", "error",
      "data/events.csv", "not found")
def _(d):
    (d / "events.csv").rename(d / "events (1).csv")


# Quotes -------------------------------------------------------------------------------------------


@case("unclosed-quote", "an unclosed \" at the start of a title", "error",
      "data/events.csv", "line {line}", "column title", "quote", "not closed",
      intact=lambda r, ctx: "events" not in r.frames or len(r.frames["events"]) == ctx["n"])
def _(d):
    header, rows = read_rows(d, "events")
    title = get_cell(d, "events", 4, "title")
    replace_text(d, "events", f",{title},", f',"{title},')
    return {"line": line_of(d, "events", title), "n": len(rows)}


@case("unclosed-quote-at-end", "an unclosed \" in the last row of the file", "error",
      "data/relations.csv", "line {line}", "quote", "not closed")
def _(d):
    header, rows = read_rows(d, "relations")
    rows[-1][header.index("notes")] = "Ends here"
    write_rows(d, "relations", header, rows)
    text = (d / "relations.csv").read_text(encoding="utf-8")
    (d / "relations.csv").write_text(text[: text.rindex("Ends here")] + '"Ends here\n',
                                     encoding="utf-8")
    return {"line": len(rows) + 1}


@case("stray-quote-in-quoted-value", "a \" inside a quoted value, not doubled", "error",
      "data/events.csv", "line {line}", "quote", '""')
def _(d):
    summary = get_cell(d, "events", 0, "summary")
    words = summary.split(" ")
    changed = " ".join([*words[:3], '"so-called"', *words[3:]])
    replace_text(d, "events", f'"{summary}"', f'"{changed}"')
    return {"line": line_of(d, "events", "so-called")}


@case("quote-inside-unquoted-value", "He said \"no\" in an unquoted value (kept as written)",
      "accepted", intact=lambda r, ctx: "places" not in r.frames
      or (r.frames["places"]["notes"] == 'locals call it "the old port"').any())
def _(d):
    text = (d / "places.csv").read_text(encoding="utf-8").split("\n")
    text[1] = text[1][: text[1].rindex(",")] + ',locals call it "the old port"'
    (d / "places.csv").write_text("\n".join(text), encoding="utf-8")


# Headers ------------------------------------------------------------------------------------------


@case("missing-column", "the lat column deleted", "error",
      "data/places.csv", "row 1", "missing column", "lat")
def _(d):
    header, rows = read_rows(d, "places")
    i = header.index("lat")
    write_rows(d, "places", header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])


@case("renamed-column", "lat renamed 'Latitude' in a spreadsheet", "error",
      "data/places.csv", "row 1", "lat", "'Latitude'")
def _(d):
    replace_text(d, "places", "country,lat,lon", "country,Latitude,lon")


@case("duplicate-column", "two columns named kind", "error",
      "data/places.csv", "row 1", "kind", "twice")
def _(d):
    header, rows = read_rows(d, "places")
    header[header.index("notes")] = "kind"
    write_rows(d, "places", header, rows)


@case("unknown-extra-column", "a column the schema does not know (population)", "warning",
      "data/places.csv", "population", "ignore")
def _(d):
    header, rows = read_rows(d, "places")
    write_rows(d, "places", [*header, "population"], [[*r, "1000"] for r in rows])


@case("reordered-columns", "columns in another order (a spreadsheet sorted them)", "accepted")
def _(d):
    header, rows = read_rows(d, "places")
    order = list(reversed(range(len(header))))
    write_rows(d, "places", [header[i] for i in order], [[r[i] for i in order] for r in rows])


@case("header-spaces", "spaces around column names and values", "accepted")
def _(d):
    replace_text(d, "places", "place_id,name,country", "place_id, name , country")
    replace_text(d, "places", "baku,Baku,AZE", "baku , Baku,AZE")


# Cells --------------------------------------------------------------------------------------------


@case("blank-required", "a required cell left empty (an event's title)", "error",
      "data/events.csv", "row {row}", "column title", "empty but required")
def _(d):
    return {"row": set_cell(d, "events", 5, "title", "")}


@case("lat-nan", "latitude 'nan' (pandas wrote a missing value)", "error",
      "data/places.csv", "row {row}", "column lat", "'nan'", "number")
def _(d):
    return {"row": set_cell(d, "places", 3, "lat", "nan")}


@case("lon-inf", "longitude 'inf'", "error",
      "data/places.csv", "row {row}", "column lon", "'inf'", "number")
def _(d):
    return {"row": set_cell(d, "places", 4, "lon", "inf")}


@case("lat-degree-sign", "latitude '40.4°' typed with a degree sign", "error",
      "data/places.csv", "row {row}", "column lat", "'40.4°'", "degree sign")
def _(d):
    return {"row": set_cell(d, "places", 5, "lat", "40.4°")}


@case("lat-decimal-comma", "latitude '40,41' (a decimal comma, quoted)", "error",
      "data/places.csv", "row {row}", "column lat", "'40,41'", "point")
def _(d):
    return {"row": set_cell(d, "places", 6, "lat", "40,41")}


@case("lat-out-of-range", "latitude 140.4", "error",
      "data/places.csv", "row {row}", "column lat", "above the maximum 90")
def _(d):
    return {"row": set_cell(d, "places", 0, "lat", "140.4")}


@case("swapped-lat-lon", "Baku's lat and lon swapped", "error",
      "data/places.csv", "row 2", "lat/lon", "swapped")
def _(d):
    lat, lon = get_cell(d, "places", 0, "lat"), get_cell(d, "places", 0, "lon")
    set_cell(d, "places", 0, "lat", lon)
    set_cell(d, "places", 0, "lon", lat)


@case("bounds-file-missing", "data/geo/country_bounds.csv missing: the lat/lon check cannot run",
      "warning", "country_bounds.csv", "missing", "swapped")
def _(d):
    (d / "geo" / "country_bounds.csv").unlink()


@case("outside-region", "a place far outside the course region (Reykjavik)", "warning",
      "data/places.csv", "Reykjavik", "outside the course region")
def _(d):
    header, rows = read_rows(d, "places")
    row = dict(zip(header, rows[0], strict=True))
    row.update(place_id="reykjavik", name="Reykjavik", country="ISL", lat="64.1466",
               lon="-21.9426")
    write_rows(d, "places", header, rows + [[row[h] for h in header]])
    if (d / "place_sources.csv").is_file():
        lh, lr = read_rows(d, "place_sources")
        write_rows(d, "place_sources", lh, lr + [["reykjavik", lr[0][1]]])


@case("killed-float", "killed '3.0' (pandas wrote a whole number as a float)", "error",
      "data/events.csv", "row {row}", "column killed", "'3.0'", "whole number")
def _(d):
    return {"row": set_cell(d, "events", 2, "killed", "3.0")}


@case("killed-negative", "killed '-1'", "error",
      "data/events.csv", "row {row}", "column killed", "below the minimum 0")
def _(d):
    return {"row": set_cell(d, "events", 2, "killed", "-1")}


@case("bad-enum", "status 'rumoured'", "error",
      "data/events.csv", "row 2", "column status", "'rumoured'", "alleged, confirmed")
def _(d):
    set_cell(d, "events", 0, "status", "rumoured")


@case("enum-capitalised", "event_type 'Foiled plot' (a spreadsheet capitalised it)", "error",
      "data/events.csv", "row {row}", "column event_type", "'Foiled plot'", "foiled plot")
def _(d):
    return {"row": set_cell(d, "events", 1, "event_type", "Foiled plot")}


@case("boolean-TRUE", "directed 'TRUE' (a spreadsheet's boolean)", "error",
      "data/relations.csv", "row {row}", "column directed", "'TRUE'", "spreadsheet")
def _(d):
    return {"row": set_cell(d, "relations", 0, "directed", "TRUE")}


@case("id-uppercase", "a new place id with capitals and a space", "error",
      "data/events.csv", "row {row}", "column place_id", "'Baku City'")
def _(d):
    return {"row": set_cell(d, "events", 1, "place_id", "Baku City")}


# Dates --------------------------------------------------------------------------------------------


@case("date-us-format", "date '2/12/2008' (a spreadsheet's display format)", "error",
      "data/events.csv", "row 2", "column date", "'2/12/2008'", "spreadsheet", "YYYY-MM-DD")
def _(d):
    set_cell(d, "events", 0, "date", "2/12/2008")


@case("date-month-abbrev", "date 'May-08' (a spreadsheet's month format)", "error",
      "data/events.csv", "row 3", "column date", "'May-08'", "spreadsheet", "2008-05")
def _(d):
    set_cell(d, "events", 1, "date", "May-08")


@case("date-dotted", "date '12.02.2008' (a European display format)", "error",
      "data/events.csv", "row 2", "column date", "'12.02.2008'", "YYYY-MM-DD")
def _(d):
    set_cell(d, "events", 0, "date", "12.02.2008")


@case("date-serial", "date '39490' (a spreadsheet's date serial number)", "error",
      "data/events.csv", "row 2", "column date", "'39490'", "serial")
def _(d):
    set_cell(d, "events", 0, "date", "39490")


@case("date-with-time", "date '2008-02-12 00:00:00' (written by pandas to_csv)", "error",
      "data/events.csv", "row 2", "column date", "'2008-02-12 00:00:00'", "time")
def _(d):
    set_cell(d, "events", 0, "date", "2008-02-12 00:00:00")


@case("date-impossible-day", "date '2012-02-30' (no 30 February)", "error",
      "data/events.csv", "row 2", "column date", "'2012-02-30'", "not a date")
def _(d):
    set_cell(d, "events", 0, "date", "2012-02-30")


@case("date-impossible-month", "date '2012-13-01'", "error",
      "data/events.csv", "row 3", "column date", "'2012-13-01'", "YYYY-MM-DD")
def _(d):
    set_cell(d, "events", 1, "date", "2012-13-01")
    set_cell(d, "events", 1, "date_precision", "day")


@case("date-precision-mismatch", "date '2012-03' but date_precision 'day'", "error",
      "data/events.csv", "row 4", "date_precision", "YYYY-MM-DD")
def _(d):
    set_cell(d, "events", 2, "date", "2012-03")
    set_cell(d, "events", 2, "date_precision", "day")


@case("date-future", "an event dated next year", "error",
      "data/events.csv", "row 2", "column date", "in the future")
def _(d):
    set_cell(d, "events", 0, "date", str(time.gmtime().tm_year + 1))
    set_cell(d, "events", 0, "date_precision", "year")


@case("source-date-spreadsheet", "a source dated '15/06/2021' in sources.csv", "error",
      "data/sources.csv", "column date", "'15/06/2021'", "YYYY-MM-DD")
def _(d):
    set_cell(d, "sources", 0, "date", "15/06/2021")


@case("relation-end-before-start", "a relation that ends before it starts", "error",
      "data/relations.csv", "row 2", "column end", "before start")
def _(d):
    set_cell(d, "relations", 0, "end", "2001-01-01")


# Ids and links ------------------------------------------------------------------------------------


@case("unknown-place", "an event at place 'atlantis'", "error",
      "data/events.csv", "row 2", "column place_id", "'atlantis'", "data/places.csv")
def _(d):
    set_cell(d, "events", 0, "place_id", "atlantis")


@case("duplicate-id", "two events with the same id", "error",
      "data/events.csv", "row 5", "column event_id", "duplicate", "row 2")
def _(d):
    set_cell(d, "events", 3, "event_id", get_cell(d, "events", 0, "event_id"))


@case("unknown-source-in-link", "an event_sources row citing a source that does not exist",
      "error", "data/event_sources.csv", "row 2", "column source_id", "'no-such-source'",
      "data/sources.csv", layout="link")
def _(d):
    set_cell(d, "event_sources", 0, "source_id", "no-such-source")


@case("two-ids-in-link-cell", "'aze-mns;irn' typed into one event_actors cell", "error",
      "data/event_actors.csv", "row 2", "column actor_id", "row of its own", layout="link")
def _(d):
    set_cell(d, "event_actors", 0, "actor_id", "aze-mns;irn")


@case("duplicate-link-row", "the same (relation, source) pair listed twice", "error",
      "data/relation_sources.csv", "duplicate", "row 2", layout="link")
def _(d):
    header, rows = read_rows(d, "relation_sources")
    write_rows(d, "relation_sources", header, rows + [rows[0]])


@case("event-without-source", "a new event with no row in event_sources.csv", "error",
      "data/events.csv", "'E999'", "no source", "data/event_sources.csv", layout="link")
def _(d):
    add_event(d)
    header, rows = read_rows(d, "event_sources")
    write_rows(d, "event_sources", header, [r for r in rows if r[0] != "E999"])


@case("link-to-missing-event", "an event_actors row for an event that does not exist", "error",
      "data/event_actors.csv", "column event_id", "'E998'", "data/events.csv", layout="link")
def _(d):
    header, rows = read_rows(d, "event_actors")
    write_rows(d, "event_actors", header, rows + [["E998", "claimed_by", "aze"]])


@case("alleged-without-alleger", "a relation with status 'alleged' and nobody alleging it",
      "error", "data/relations.csv", "alleged_by", layout="link")
def _(d):
    header, rows = read_rows(d, "relation_actors")
    write_rows(d, "relation_actors", header, rows[1:])


@case("wide-column-left-in-file", "an old-style source_ids column pasted back into events.csv",
      "error", "data/events.csv", "source_ids", "data/event_sources.csv", layout="link")
def _(d):
    header, rows = read_rows(d, "events")
    write_rows(d, "events", [*header, "source_ids"], [[*r, "some-source"] for r in rows])


# The schema ---------------------------------------------------------------------------------------


@case("schema-missing", "datapackage.json deleted", "error", "datapackage.json", "not found")
def _(d):
    (d / "datapackage.json").unlink()


@case("schema-broken-json", "datapackage.json with a missing comma", "error",
      "datapackage.json", "line", "JSON")
def _(d):
    path = d / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('",\n', '"\n', 1),
                    encoding="utf-8")


@case("schema-resource-missing", "datapackage.json without its 'places' resource", "error",
      "datapackage.json", "places")
def _(d):
    import json

    path = d / "datapackage.json"
    pkg = json.loads(path.read_text(encoding="utf-8"))
    pkg["resources"] = [r for r in pkg["resources"] if r["name"] != "places"]
    path.write_text(json.dumps(pkg, indent=2), encoding="utf-8")


# Round trips ------------------------------------------------------------------------------------


def _to_csv_round_trip(dm, folder: Path, ctx: dict) -> Result:
    """The misuse: ``load_events().to_csv("data/events.csv")``, then load again."""
    events = dm.load_events(folder)
    ctx["columns"] = list(events.columns)
    ctx["announced"] = events["announced_precision"].tolist()
    events.to_csv(folder / "events.csv", **ctx["to_csv"])
    return validate_and_load(dm, folder)


def _nothing_lost(r: Result, ctx: dict) -> bool:
    """Intact only if the events kept their columns and their announced dates' precision."""
    events = r.frames.get("events")
    return events is None or (list(events.columns) == ctx["columns"]
                              and events["announced_precision"].tolist() == ctx["announced"])


@case("to-csv-round-trip", "load_events().to_csv('data/events.csv') (index and all)", "error",
      "data/events.csv", "caspian.data.save_events", action=_to_csv_round_trip,
      intact=_nothing_lost)
def _(d):
    return {"to_csv": {}}


@case("to-csv-no-index", "load_events().to_csv('data/events.csv', index=False)", "error",
      "data/events.csv", "caspian.data.save_events", action=_to_csv_round_trip,
      intact=_nothing_lost)
def _(d):
    return {"to_csv": {"index": False}}


def _save_round_trip(table: str):
    def action(dm, folder: Path, ctx: dict) -> Result:
        files = sorted(folder.glob("*.csv"))
        before = {p.name: p.read_bytes() for p in files}
        frame = getattr(dm, f"load_{table}")(folder)
        getattr(dm, f"save_{table}")(frame, folder)
        result = validate_and_load(dm, folder)
        ctx["changed"] = [p.name for p in files if p.read_bytes() != before[p.name]]
        return result
    return action


for _table in ("events", "relations", "places", "actors", "sources", "publishers"):
    CASES.append(Case(
        f"save-round-trip-{_table}", f"save_{_table}(load_{_table}(), folder) changes no byte",
        "accepted", lambda d: {}, action=_save_round_trip(_table), needs=f"save_{_table}",
        intact=lambda r, ctx: not ctx.get("changed")))


def _save_added_source(dm, folder: Path, ctx: dict) -> Result:
    """A learner adds a source to an event in the wide column and saves."""
    events = dm.load_events(folder)
    extra = dm.load_sources(folder)["source_id"].iloc[-1]
    events.loc[0, "source_ids"] = events.loc[0, "source_ids"] + ";" + extra
    ctx["event"], ctx["extra"] = events.loc[0, "event_id"], extra
    dm.save_events(events, folder)
    return validate_and_load(dm, folder)


CASES.append(Case(
    "save-wide-edit", "a source added to an event's source_ids, then save_events()", "accepted",
    lambda d: {}, action=_save_added_source, needs="save_events",
    intact=lambda r, ctx: ctx.get("extra") in r.frames["events"].set_index("event_id").loc[
        ctx["event"], "source_ids"].split(";")))


# Edits while a kernel runs ---------------------------------------------------------------------


def _edit_between_loads(edit):
    """Load, edit the file, load again: what a learner does without restarting the kernel."""
    def action(dm, folder: Path, ctx: dict) -> Result:
        ctx["before"] = len(dm.load_events(folder))
        time.sleep(0.01)
        edit(folder, ctx)
        result = Result()
        try:
            result.frames["events"] = dm.load_events(folder)
        except dm.DataError as exc:
            result.errors = list(exc.problems)
        return result
    return action


def _add_row(folder: Path, ctx: dict) -> None:
    ctx["row"] = add_event(folder)


def _break_row(folder: Path, ctx: dict) -> None:
    ctx["row"] = set_cell(folder, "events", 0, "status", "rumoured")


CASES.append(Case(
    "edit-seen-added-row", "a row added to events.csv while the kernel runs", "accepted",
    lambda d: {}, action=_edit_between_loads(_add_row),
    intact=lambda r, ctx: len(r.frames.get("events", [])) == ctx["before"] + 1,
    not_intact="silent"))
CASES.append(Case(
    "edit-seen-broken-row", "a row broken while the kernel runs", "error",
    lambda d: {}, ("data/events.csv", "row {row}", "'rumoured'"),
    action=_edit_between_loads(_break_row)))


# --- The table of outcomes ---------------------------------------------------------------------


def run_all(checkout: Path | None = None) -> list[tuple[Case, str, str]]:
    """Run every case against ``checkout`` (default: this repository); return the outcomes."""
    root = Path(checkout or Path(__file__).resolve().parents[2]).resolve()
    sys.path.insert(0, str(root / "notebooks"))
    for name in [m for m in sys.modules if m == "caspian" or m.startswith("caspian.")]:
        del sys.modules[name]
    dm = importlib.import_module("caspian.data")
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for c in CASES:
            outcome, message, _, _ = run_case(c, dm, root / "data", Path(tmp))
            out.append((c, outcome, message))
    return out


def main(argv: list[str]) -> int:
    results = run_all(Path(argv[1]) if len(argv) > 1 else None)
    width = max(len(c.id) for c, _, _ in results)
    for c, outcome, message in results:
        mark = "" if outcome in (c.expect, "n/a") else "   <-- expected " + c.expect
        print(f"{c.id:<{width}}  {outcome:<9}  {message[:110]!r}{mark}")
    counts = Counter(outcome for _, outcome, _ in results)
    print(f"\n{len(results)} cases: " + ", ".join(f"{k} {counts[k]}" for k in OUTCOMES
                                                   if counts[k]))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("MPLBACKEND", "Agg")
    raise SystemExit(main(sys.argv))
