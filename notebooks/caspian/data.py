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

Nothing here writes to ``data/`` unless asked to: the ``save_*`` functions write a table
back (only its own columns, in the stored formats) to a folder that must be named explicitly.

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
import shutil
import tempfile
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

_KEYS = {"publishers": "publisher", "sources": "source_id", "places": "place_id",
         "actors": "actor_id", "events": "event_id", "relations": "relation_id",
         "place_sources": "place_id", "actor_sources": "actor_id", "event_sources": "event_id",
         "event_actors": "event_id", "relation_sources": "relation_id",
         "relation_actors": "relation_id"}
"""The id column of each table (for a link table: the id of the thing it links)."""

# Columns the loader adds, which a CSV file must not hold: column -> where they come from.
_DERIVED: dict[str, dict[str, str]] = {
    table: {col: f"data/{link}.csv" for col, _, link, _ in specs}
    for table, specs in WIDE_COLUMNS.items()}
_DERIVED["events"].update(occurred_precision="occurred_date", announced_precision="announced_date")
_DERIVED["relations"].update(known_from="start and the sources' dates")

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

_RESTORE = "restore it with `git checkout -- data/datapackage.json`"


def load_schema(data_dir: Path | None = None) -> dict:
    """Return the Data Package descriptor (``datapackage.json``) as a dict.

    Raises
    ------
    DataError
        If the file is missing, is not valid JSON, or lacks one of the course's tables.
    """
    path = Path(data_dir or paths.DATA_DIR) / "datapackage.json"
    label = "data/datapackage.json"
    if not path.is_file():
        raise DataError([f"{label}: not found in {path.parent}. It describes every table and "
                         f"the loader cannot check them without it; {_RESTORE}"])
    try:
        schema = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DataError([f"{label}: is not UTF-8 text ({exc.reason}); {_RESTORE}"]) from None
    except json.JSONDecodeError as exc:
        raise DataError([f"{label} line {exc.lineno}, column {exc.colno}: not valid JSON "
                         f"({exc.msg}; often a missing or extra comma or quote on this line or "
                         f"the one before); {_RESTORE}"]) from None
    resources = schema.get("resources") if isinstance(schema, dict) else None
    if not isinstance(resources, list) or not all(
            isinstance(r, dict) and "name" in r and "path" in r
            and isinstance(r.get("schema", {}).get("fields"), list) for r in resources):
        raise DataError([f"{label}: does not look like a Data Package (expected a 'resources' "
                         "list, each with a name, a path and a schema with fields); "
                         f"{_RESTORE}"])
    names = {r["name"] for r in resources}
    missing = [t for t in ALL_TABLES if t not in names]
    if missing:
        raise DataError([f"{label}: has no resource named {', '.join(map(repr, missing))} "
                         f"(expected one for each table: {', '.join(ALL_TABLES)}); {_RESTORE}"])
    return schema


def _resource(schema: dict, name: str) -> dict:
    for res in schema["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"datapackage.json has no resource named {name!r}")


# --- Reading the raw file ---------------------------------------------------------------------


def _read_text(path: Path, label: str, report: Report) -> str | None:
    """The file's text: UTF-8, with or without a byte-order mark; anything else is an error."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.errors.append(
            f"{label}: is saved as UTF-16 (a spreadsheet's 'Unicode Text'), not UTF-8. Save it "
            "as 'CSV UTF-8 (comma delimited)' instead.")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        start = raw.rfind(b"\n", 0, exc.start) + 1
        end = raw.find(b"\n", exc.start)
        snippet = raw[start: end if end >= 0 else len(raw)].decode("cp1252", errors="replace")
        word = re.search(r"[^\s,]*\Z", snippet[: exc.start - start + 1])
        near = f" near {word[0]!r}" if word and word[0] else ""
        report.errors.append(
            f"{label} line {line}: byte 0x{raw[exc.start]:02x}{near} is not valid UTF-8: the file "
            "looks saved as Windows-1252 or Latin-1 (what a spreadsheet's plain 'CSV' format "
            "does). Save it as 'CSV UTF-8' (in a spreadsheet: File > Save As > CSV UTF-8).")
        return None


_SEPARATORS = {";": "';'", "\t": "a tab", "|": "'|'"}


def _check_header(header: list[str], res: dict, label: str, report: Report) -> bool:
    """Problems with row 1; return False when the table cannot be read column by column."""
    expected = [f["name"] for f in res["schema"]["fields"]]
    for sep, name in _SEPARATORS.items():
        if len(header) < len(expected) and any(sep in h for h in header):
            shown = (",".join(header))[:60]
            report.errors.append(
                f"{label} row 1 (header): {shown!r}… is split by {name}, not by commas: the "
                f"file was saved with {name} as separator (spreadsheets set to a European "
                "language save 'CSV' that way). Save it as 'CSV UTF-8 (comma delimited)', or "
                "choose ',' as the field delimiter.")
            return False
    derived = _DERIVED.get(res["name"], {})
    stray = [h for h in header if h in derived]
    index = bool(header) and header[0] == "" and any(header[1:])
    if stray or index:
        what = []
        if index:
            what.append("an unnamed first column (the index pandas writes)")
        if stray:
            what.append("column(s) " + ", ".join(
                f"{h} (derived from {derived[h]})" for h in stray))
        saver = f"caspian.data.save_{res['name']}" if res["name"] in TABLES else \
            "caspian.data.save_table"
        report.errors.append(
            f"{label} row 1 (header): has {' and '.join(what)}, which the loader adds and the "
            f"file cannot store. This happens when a loaded table is written back with "
            f"to_csv: write it with {saver}(frame, folder) instead, which writes only the "
            "table's own columns (and the link tables), or delete those columns.")
        return False
    if header and header[-1] == "":
        n = 0
        while n < len(header) and header[-1 - n] == "":
            n += 1
        report.errors.append(
            f"{label} row 1 (header): ends with {n} empty column name(s): a trailing comma at "
            "the end of the line (a spreadsheet adds one when an empty column was selected). "
            "Delete the comma(s) at the end of the header line (and of each row, if they have "
            "one too).")
        return False
    blank = [i + 1 for i, h in enumerate(header) if h == ""]
    if blank:
        report.errors.append(f"{label} row 1 (header): column {blank[0]} has no name "
                             f"(expected columns: {', '.join(expected)})")
        return False
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        report.errors.append(f"{label} row 1 (header): column(s) {', '.join(dupes)} appear twice")
        return False
    missing = [c for c in expected if c not in header]
    unknown = [h for h in header if h not in expected]
    if missing:
        hint = ""
        if unknown:
            hint = (f"; the header has unknown column(s) {', '.join(map(repr, unknown))}: "
                    "renamed? Column names are lowercase, exactly as listed")
        report.errors.append(f"{label} row 1 (header): missing column(s) {', '.join(missing)} "
                             f"(expected columns: {', '.join(expected)}){hint}")
        return False
    for col in unknown:
        report.warnings.append(
            f"{label} row 1 (header): unknown column {col!r} is not in datapackage.json; the "
            "loader ignores it (add it to datapackage.json and data/README.md to keep it, or "
            "delete it)")
    return True


def _broken_quote(line: str) -> tuple[int, int] | None:
    """Where a line's quoting goes wrong: (field number, position of the opening quote).

    A quoted value ends at a quote followed by a comma or the end of the line; ``""`` inside it
    is one quote. A quote followed by anything else, or a line ending inside quotes, means the
    value's opening quote was never properly closed.
    """
    field_no, i, n, at_start = 0, 0, len(line), True
    while i < n:
        if at_start and line[i] == '"':
            start, i = i, i + 1
            while True:
                if i >= n:
                    return field_no, start
                if line[i] == '"':
                    if line[i + 1: i + 2] == '"':
                        i += 2
                        continue
                    if i + 1 >= n or line[i + 1] == ",":
                        i += 1
                        break
                    return field_no, start
                i += 1
            at_start = False
            continue
        at_start = line[i] == ","
        field_no += at_start
        i += 1
    return None


def _quote_problem(line: str, number: int, header: list[str], label: str,
                   unclosed: bool) -> str:
    where = _broken_quote(line)
    col, opened = "?", ""
    if where is not None:
        col = header[where[0]].strip() if where[0] < len(header) else f"{where[0] + 1}"
        opened = line[where[1]: where[1] + 40]
    if unclosed:
        return (f"{label} line {number}, column {col}: a double quote opens the value "
                f"{opened!r}… and is not closed on that line, so it would swallow what follows "
                "into one value (values may not span lines). Close the quote, or delete it; a "
                'quote inside a quoted value is written twice ("").')
    return (f"{label} line {number}, column {col}: a double quote inside the quoted value "
            f"{opened!r}… ends it too early. Write a quote inside a quoted value twice, e.g. "
            '"He said ""no""", or use typographic quotes (“ ”).')


def _parse_rows(text: str, label: str, report: Report) -> list[list[str]] | None:
    """Split the text into rows of cells, strictly: anything ambiguous is an error."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = next(csv.reader(lines[:1]), [])
    # The course's values never span lines, so each line must hold an even number of quotes.
    for number, line in enumerate(lines, start=1):
        if line.count('"') % 2:
            report.errors.append(_quote_problem(line, number, header, label, unclosed=True))
            return None
    reader = csv.reader(lines, strict=True)
    try:
        return list(reader)
    except csv.Error:
        number = reader.line_num
        report.errors.append(_quote_problem(lines[number - 1], number, header, label,
                                            unclosed=False))
        return None


def _field_count_problems(bad: list[tuple[int, list[str]]], width: int, label: str,
                          report: Report) -> None:
    """One message per kind of wrong-length row; a long run of the same kind is one message."""
    kinds: dict[str, list[int]] = {}
    for rownum, row in bad:
        if len(row) > width and not any(c.strip() for c in row[width:]):
            why = (f"has {len(row)} fields but the header has {width}, the extra one(s) empty: "
                   "a trailing comma at the end of the line; delete it")
        elif len(row) > width:
            why = (f"has {len(row)} fields but the header has {width} (a comma inside a value "
                   "needs the value in double quotes)")
        else:
            why = (f"has {len(row)} fields but the header has {width} (a missing comma, or a "
                   "value with a line break in it)")
        kinds.setdefault(why, []).append(rownum)
    for why, rows in kinds.items():
        if len(rows) <= 3:
            report.errors.extend(f"{label} row {r}: {why}" for r in rows)
        else:
            shown = ", ".join(map(str, rows[:5]))
            report.errors.append(f"{label} rows {shown}, … ({len(rows)} rows): {why}")


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
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def _year(two_or_four: str) -> int:
    y = int(two_or_four)
    return y if y >= 100 else (2000 + y if y < 70 else 1900 + y)


def _date_hint(value: str) -> str:
    """Why a value is not an ISO date, with the likely cause when there is one."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", value)
    if m and _parse_partial_date(value) is None:
        if len(m[2]) == 1 or (m[3] and len(m[3]) == 1):
            fixed = f"{m[1]}-{int(m[2]):02d}" + (f"-{int(m[3]):02d}" if m[3] else "")
            return f"months and days take two digits: {fixed!r}"
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            return f"there is no month {month}"
        return f"{year}-{month:02d} has no day {int(m[3])}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?", value):
        return (f"it has a time of day, as pandas' to_csv writes timestamps: write only "
                f"{value[:10]!r}")
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})", value)
    if m:
        return ("it looks like a date a spreadsheet reformatted to its display format "
                "(day and month order depend on the computer's language): type it as YYYY-MM-DD "
                "and format the column as Text so the spreadsheet leaves it alone")
    m = re.fullmatch(r"([A-Za-z]{3})[a-z]*[- ](\d{2}|\d{4})", value) or \
        re.fullmatch(r"(\d{2}|\d{4})[- ]([A-Za-z]{3})[a-z]*", value)
    if m:
        name, year = (m[1], m[2]) if m[1][0].isalpha() else (m[2], m[1])
        if name.lower() in _MONTHS:
            return (f"it looks like a month a spreadsheet reformatted: write "
                    f"'{_year(year)}-{_MONTHS[name.lower()]:02d}' and format the column as Text")
    if re.fullmatch(r"[1-6]\d{4}", value):
        day = dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return (f"it looks like a spreadsheet's date serial number (days since 1899-12-30), "
                f"i.e. {day.isoformat()}: write the date itself and format the column as Text")
    return ""


def _text_hint(value: str) -> str:
    """Signs that a text cell lost characters to a wrong encoding; '' when it looks fine."""
    if value.isascii() and "?" not in value:
        return ""  # the usual case, checked fast
    without_urls = re.sub(r"https?://\S+", "", value) if "?" in value else ""
    m = re.search(r"[\w?]*(?:(?<=\w)\?(?=\w)|(?<![\w?])\?(?=\w))[\w?]*", without_urls)
    if m:
        return (f"{m[0]!r} has '?' where letters should be: characters the file's encoding "
                "could not hold were replaced (a spreadsheet saving plain 'CSV' in a legacy "
                "encoding). Retype them and save as 'CSV UTF-8'")
    if not value.isascii():
        for word in re.findall(r"\S*[^\x00-\x7f]\S*", value):
            try:
                repaired = word.encode("cp1252").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if repaired != word:
                return (f"{word!r} looks garbled: it reads as {repaired!r} in UTF-8, so the "
                        "file was opened as Windows-1252 and saved again. Retype it, or reopen "
                        "the original as UTF-8")
    return ""


def _check_cell(value: str, fld: dict, where: str, report: Report, today: dt.date) -> None:
    """Check one non-empty cell against its field definition."""
    cons = fld.get("constraints", {})
    ftype = fld.get("type", "string")
    if ftype == "integer":
        if not re.fullmatch(r"-?\d+", value):
            floaty = re.fullmatch(r"-?\d+\.0+", value)
            hint = (" — pandas writes whole numbers that way when the column has blanks"
                    if floaty else "")
            report.errors.append(f"{where}: {value!r} is not a whole number (expected e.g. 3; "
                                 f"leave the cell empty when unknown){hint}")
            return
        number: float = int(value)
    elif ftype == "number":
        if not _NUMBER.fullmatch(value):
            if re.search(r"nan|inf", value, re.IGNORECASE):
                why = "NaN and infinity are not values the course can use; leave the cell " \
                      "empty when unknown (if allowed) or give the number"
            elif re.search("[°º'′″\"NSEW]", value):
                why = "write decimal degrees without the degree sign or N/S/E/W, e.g. 40.41 " \
                      "(south and west are negative)"
            else:
                why = "expected decimal degrees such as 40.41, with a point, not a comma"
            report.errors.append(f"{where}: {value!r} is not a number ({why})")
            return
        number = float(value)
    elif ftype == "boolean":
        allowed = fld.get("trueValues", ["true"]) + fld.get("falseValues", ["false"])
        if value not in allowed:
            hint = (" — spreadsheets turn true/false into TRUE/FALSE: format the column as Text "
                    "and write them in lowercase" if value.lower() in allowed else "")
            report.errors.append(f"{where}: {value!r} is not one of {', '.join(allowed)}{hint}")
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
        close = [e for e in cons["enum"] if e.lower() == value.lower().strip()]
        hint = f" — did you mean {close[0]!r}?" if close else ""
        report.errors.append(f"{where}: {value!r} is not an allowed value (expected one of: "
                             f"{', '.join(cons['enum'])}){hint}")
        return
    if fld.get("x-partial-date"):
        stamp = _parse_partial_date(value)
        if stamp is None:
            hint = _date_hint(value)
            report.errors.append(f"{where}: {value!r} is not a date (expected YYYY-MM-DD, "
                                 f"YYYY-MM or YYYY){': ' + hint if hint else ''}")
        elif stamp.date() > today:
            report.errors.append(f"{where}: {value!r} is in the future (today is {today}); "
                                 "the course records only what has happened or been announced")
        return
    if "pattern" in cons and not re.fullmatch(cons["pattern"], value):
        hint = (" (ids are lowercase letters, digits and '-'; one id per cell: a second id goes "
                "on a row of its own)" if cons["pattern"] == _ID_PATTERN else "")
        report.errors.append(f"{where}: {value!r} does not match the expected form "
                             f"{cons['pattern']}{hint}")
        return
    if fld.get("name") != "url":
        hint = _text_hint(value)
        if hint:
            report.errors.append(f"{where}: {hint}")


def _read_table(name: str, schema: dict, data_dir: Path, report: Report, today: dt.date,
                unreadable: dict[str, set[str]] | None = None) -> pd.DataFrame | None:
    """Read one CSV as strings and check everything that needs no other table.

    ``unreadable`` collects, per table, the ids of rows too broken to read (a wrong number of
    fields), so that references to them are not reported a second time as unknown ids.
    """
    res = _resource(schema, name)
    label = f"data/{res['path']}"
    path = data_dir / res["path"]
    if not path.is_file():
        report.errors.append(f"{label}: file not found in {data_dir} (restore it with "
                             f"`git checkout -- {label}`, or check its name)")
        return None
    text = _read_text(path, label, report)
    if text is None:
        return None
    rows = _parse_rows(text, label, report)
    if rows is None:
        return None
    if not rows or not any(c.strip() for c in rows[0]):
        report.errors.append(f"{label}: the file is empty (expected a header row)")
        return None
    header = [h.strip() for h in rows[0]]
    if not _check_header(header, res, label, report):
        return None
    fields = res["schema"]["fields"]
    records, bad = [], []
    for i, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line is harmless
        if len(row) != len(header):
            bad.append((i, row))
            continue
        records.append([i] + [cell.strip() for cell in row])
    _field_count_problems(bad, len(header), label, report)
    frame = pd.DataFrame(records, columns=["_row"] + header, dtype=object)
    frame = frame[["_row"] + [f["name"] for f in fields]]  # schema order; unknown columns go
    # A row that could not be read still probably starts with its id: other tables may refer
    # to it without a second, misleading "unknown id" error.
    if unreadable is not None:
        unreadable[name] = {row[0].strip() for _, row in bad if row}
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


def _check_foreign_keys(frames: dict[str, pd.DataFrame], schema: dict, report: Report,
                        unreadable: dict[str, set[str]] | None = None) -> None:
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
                known = set(ref[ref_col]) | (unreadable or {}).get(target, set())
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
    return set(frame[_KEYS[link]])


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


def _country_bounds(data_dir: Path, report: Report) -> dict[str, tuple[float, ...]]:
    """Each country's extent from ``data/geo/country_bounds.csv``; a warning if unusable."""
    path = data_dir / "geo" / "country_bounds.csv"
    skipped = ("so the check for swapped lat/lon in data/places.csv was skipped (restore it "
               "with `git checkout -- data/geo/` or rebuild it with `make geodata`)")
    if not path.is_file():
        report.warnings.append(f"data/geo/country_bounds.csv is missing, {skipped}")
        return {}
    bounds = {}
    try:
        for b in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
            bounds[b["iso_a3"]] = tuple(float(b[k]) for k in
                                        ("min_lon", "min_lat", "max_lon", "max_lat"))
    except (KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        report.warnings.append(f"data/geo/country_bounds.csv cannot be read ({exc!s}), {skipped}")
        return {}
    return bounds


def _check_places(places: pd.DataFrame, schema: dict, data_dir: Path, report: Report) -> None:
    box = schema.get("x-region-bbox", {})
    if not box:
        report.warnings.append(
            "data/datapackage.json: has no x-region-bbox, so places outside the course region "
            f"were not looked for; {_RESTORE}")
    bounds = _country_bounds(data_dir, report)
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
    frames, unreadable = {}, {}
    for name in ALL_TABLES:
        frame = _read_table(name, schema, data_dir, report, today, unreadable)
        if frame is not None:
            frames[name] = frame
    _check_foreign_keys(frames, schema, report, unreadable)
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
    folder = Path(data_dir or paths.DATA_DIR).resolve()
    try:
        report = _checked(str(folder), today or dt.date.today(), _fingerprint(folder))[2]
    except DataError as exc:  # no usable datapackage.json
        return Report(errors=exc.problems)
    return Report(list(report.errors), list(report.warnings))


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
    key = _KEYS[name]
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
def _checked(data_dir: str, today: dt.date,
             fingerprint: tuple = ()) -> tuple[dict, dict[str, pd.DataFrame], Report]:
    """Read and check every table once per version of the files (``fingerprint``)."""
    return _read_all(Path(data_dir), today)


@lru_cache(maxsize=4)
def _load_all_cached(data_dir: str, today: dt.date,
                     fingerprint: tuple = ()) -> dict[str, pd.DataFrame]:
    schema, frames, report = _checked(data_dir, today, fingerprint)
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


# --- Writing tables back -------------------------------------------------------------------------

# Partial-date columns whose precision the loaded events carry in another column.
_PRECISION_OF = {("events", "date"): "date_precision",
                 ("events", "occurred_date"): "occurred_precision",
                 ("events", "announced_date"): "announced_precision"}


def _stored_text(value, fld: dict, precision: object = None) -> str:
    """One loaded cell back in the form the CSV stores (a string is taken as already stored)."""
    if isinstance(value, str):
        return value.strip()
    if value is None or pd.isna(value):
        return ""
    if fld.get("x-partial-date"):
        fmt = {"year": "%Y", "month": "%Y-%m"}.get(str(precision), "%Y-%m-%d")
        return pd.Timestamp(value).strftime(fmt)
    ftype = fld.get("type", "string")
    if ftype == "integer" and float(value) == int(value):
        return str(int(value))
    if ftype in ("integer", "number"):
        return repr(float(value))
    if ftype == "boolean":
        return fld.get("trueValues", ["true"])[0] if value else \
            fld.get("falseValues", ["false"])[0]
    return str(value)


def _same_value(old: str, new: str, fld: dict) -> bool:
    """Whether the stored ``old`` text means what ``new`` means (so ``old`` can stay as it is)."""
    if old == new:
        return True
    if not old or not new:
        return False
    if fld.get("x-partial-date"):
        # '2024-02' and '2024-02-01' load alike; keep the stored precision when nothing says more.
        return _parse_partial_date(old) == _parse_partial_date(new) and len(new) == 10
    if fld.get("type") == "number" and _NUMBER.fullmatch(old) and _NUMBER.fullmatch(new):
        return float(old) == float(new)
    return False


def _read_existing(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The stored file as text rows (empty when missing or unreadable)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        return (list(rows[0]) if rows else []), rows
    except (OSError, UnicodeDecodeError, csv.Error):
        return [], []


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def _entity_rows(name: str, frame: pd.DataFrame, schema: dict, folder: Path) -> list[list[str]]:
    """The table's own columns as stored text; stored rows keep their place in the file."""
    fields = _resource(schema, name)["schema"]["fields"]
    key = _KEYS[name]
    _, old_rows = _read_existing(folder / _resource(schema, name)["path"])
    old = {r.get(key, ""): r for r in reversed(old_rows)}
    place = {r.get(key, ""): i for i, r in reversed(list(enumerate(old_rows)))}
    out: list[tuple[int, list[str]]] = []
    for i, rec in enumerate(frame.to_dict("records")):
        stored = old.get(str(rec[key]), {})
        cells = []
        for fld in fields:
            col = fld["name"]
            prec_col = _PRECISION_OF.get((name, col))
            text = _stored_text(rec[col], fld, rec.get(prec_col) if prec_col else None)
            before = stored.get(col)
            cells.append(before if before is not None and _same_value(before, text, fld)
                         else text)
        ident = cells[[f["name"] for f in fields].index(key)]
        out.append((place.get(ident, len(old_rows) + i), cells))
    return [cells for _, cells in sorted(out, key=lambda pair: pair[0])]


def _link_rows(name: str, link: str, frame: pd.DataFrame, order: list[str], schema: dict,
               folder: Path) -> list[list[str]] | None:
    """A link table rebuilt from the frame's wide columns; None when it needs no change."""
    key = _KEYS[name]
    specs = [(col, role) for col, _, lk, role in WIDE_COLUMNS[name] if lk == link]
    header = [f["name"] for f in _resource(schema, link)["schema"]["fields"]]
    _, old_dicts = _read_existing(folder / f"{link}.csv")
    old_rows = [[r.get(h, "") for h in header] for r in old_dicts]
    old_by_id: dict[str, list[list[str]]] = {}
    for row in old_rows:
        old_by_id.setdefault(row[0], []).append(row)
    records = {str(r[key]): r for r in frame.to_dict("records")}
    wanted: dict[str, list[list[str]]] = {}
    for ident in order:
        rows: list[list[str]] = []
        for col, role in specs:
            if col not in frame.columns:  # not in the frame: keep what the file says
                rows += [r for r in old_by_id.get(ident, []) if role is None or r[1] == role]
                continue
            value = records[ident][col]
            ids = [] if value is None or (not isinstance(value, str) and pd.isna(value)) \
                else [i.strip() for i in str(value).split(";") if i.strip()]
            rows += [[ident, role, i] if role else [ident, i] for i in ids]
        old = old_by_id.get(ident, [])
        wanted[ident] = old if sorted(old) == sorted(rows) else rows
    if set(wanted) == set(old_by_id) and all(wanted[i] is old_by_id[i] for i in wanted):
        return None  # the same rows as stored: leave the file byte for byte as it is
    return [row for ident in order for row in wanted[ident]]


def save_table(name: str, frame: pd.DataFrame, data_dir: str | Path) -> list[Path]:
    """Write a table back to ``data_dir`` in the stored format; return the files written.

    Only the table's own columns (those in ``datapackage.json``) are written; columns the loader
    adds (``known_from``, ``occurred_precision``...) and any others are left out. For an entity
    table, the wide columns (``source_ids``, ``claimed_by``...) are written back as the rows of
    their link tables. Stored rows keep their place in the file and new rows go at the end;
    a cell whose value did not change keeps its stored text (``49.8920`` stays ``49.8920``,
    a month-precision date ``2009-05`` stays ``2009-05``), so saving an unchanged table
    changes no byte. A date the sources give to the month only is written to the day unless
    a precision column (``date_precision``...) says otherwise or the stored cell already means
    the same date.

    Everything is checked before anything is written: if the result would not load, nothing
    changes and :class:`DataError` lists the problems.

    Parameters
    ----------
    name : str
        The table, e.g. ``"events"`` or ``"event_sources"``.
    frame : pandas.DataFrame
        The table, as :func:`load_table` returns it, possibly edited.
    data_dir : path
        The folder to write into. There is no default: lessons never write into ``data/``; to
        change the course's own tables, pass ``caspian.paths.DATA_DIR`` on purpose.

    Raises
    ------
    DataError
        If the frame lacks one of the table's columns, or the result would not validate.
    """
    if name not in ALL_TABLES:
        raise KeyError(f"no table named {name!r}; the tables are: {', '.join(ALL_TABLES)}")
    folder = Path(data_dir)
    schema = load_schema(folder)
    res = _resource(schema, name)
    fields = [f["name"] for f in res["schema"]["fields"]]
    missing = [c for c in fields if c not in frame.columns]
    if missing:
        raise DataError([f"save_{name}: the table has no column(s) {', '.join(missing)}, so "
                         f"data/{res['path']} cannot be written (expected: {', '.join(fields)})"])
    if name in TABLES:
        rows = _entity_rows(name, frame, schema, folder)
        order = [r[fields.index(_KEYS[name])] for r in rows]
        files = {res["path"]: _csv_text(fields, rows)}
        for link in dict.fromkeys(lk for _, _, lk, _ in WIDE_COLUMNS.get(name, [])):
            link_rows = _link_rows(name, link, frame, order, schema, folder)
            if link_rows is not None:
                header = [f["name"] for f in _resource(schema, link)["schema"]["fields"]]
                files[f"{link}.csv"] = _csv_text(header, link_rows)
    else:
        rows = [[_stored_text(rec[c], {"type": "string"}) for c in fields]
                for rec in frame.to_dict("records")]
        files = {res["path"]: _csv_text(fields, rows)}
    files = {p: t for p, t in files.items()
             if not (folder / p).is_file() or (folder / p).read_text(encoding="utf-8") != t}
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "data"
        shutil.copytree(folder, staged, ignore=lambda d, names: [
            n for n in names if n.endswith((".geojson", ".ipynb_checkpoints"))])
        for path, text in files.items():
            (staged / path).write_text(text, encoding="utf-8", newline="")
        report = validate(staged)
        if report.errors:
            raise DataError([f"save_{name}: nothing was written to {folder}, because the "
                             "result would not load:", *report.errors])
    written = []
    for path, text in files.items():
        (folder / path).write_text(text, encoding="utf-8", newline="")
        written.append(folder / path)
    return written


def save_publishers(frame: pd.DataFrame, data_dir: str | Path) -> list[Path]:
    """Write the publishers back to ``data_dir/publishers.csv`` (see :func:`save_table`)."""
    return save_table("publishers", frame, data_dir)


def save_sources(frame: pd.DataFrame, data_dir: str | Path) -> list[Path]:
    """Write the sources back to ``data_dir/sources.csv`` (see :func:`save_table`)."""
    return save_table("sources", frame, data_dir)


def save_places(frame: pd.DataFrame, data_dir: str | Path) -> list[Path]:
    """Write the places (and ``place_sources.csv`` from ``source_ids``); see :func:`save_table`."""
    return save_table("places", frame, data_dir)


def save_actors(frame: pd.DataFrame, data_dir: str | Path) -> list[Path]:
    """Write the actors (and ``actor_sources.csv`` from ``source_ids``); see :func:`save_table`."""
    return save_table("actors", frame, data_dir)


def save_events(frame: pd.DataFrame, data_dir: str | Path) -> list[Path]:
    """Write the events, and ``event_sources.csv`` / ``event_actors.csv`` from the wide columns.

    See :func:`save_table`. Examples: add a row to ``load_events()`` (with ``source_ids`` and
    ``claimed_by``), then ``save_events(events, folder)``.
    """
    return save_table("events", frame, data_dir)


def save_relations(frame: pd.DataFrame, data_dir: str | Path) -> list[Path]:
    """Write the relations, and their link tables from ``source_ids`` / ``alleged_by``."""
    return save_table("relations", frame, data_dir)


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
