"""Every pandas/geopandas idiom the series relies on is taught before a lesson uses it.

The table "Which lesson teaches which idiom" in notebooks/instructor_guide.md lists each idiom, a
regular expression that spots it in code, and the lesson that teaches it. This test reads that
table and the lessons (``notebooks/NN_*.ipynb``) when it runs, and checks, in lesson order:

* no lesson uses an idiom before the lesson that teaches it;
* the teaching lesson does use it (skipped only while that lesson does not exist yet);
* an idiom marked "—" (not used in the series) is used nowhere.

"Code" is what a learner reads or writes: code cells (comments and IPython magics left out) and
the ```python fences of solution cells; hidden ``verify`` cells are left out.

KNOWN_EARLY names the early uses found when the table was written, for the owner of each lesson
to remove (explain the idiom where it is first used and move the table's row, or avoid the idiom).
``test_known_early_list_is_current`` fails as soon as an entry is no longer true, so the list can
only shrink.
"""

from __future__ import annotations

import io
import re
import tokenize
from functools import cache
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "notebooks" / "instructor_guide.md"
HEADING = "## Which lesson teaches which idiom"
FENCE = re.compile(r"```python[ \t]*\n(.*?)\n[ \t]*```", re.S)

# (idiom as named in the table's first column, lesson number) -> who must act.
KNOWN_EARLY: dict[tuple[str, str], str] = {
    ("`.value_counts()`", "00"): "00 start here shows it undeclared (sources by kind)",
    ("`pd.crosstab()`", "03"): "03 timeline uses crosstab before 05 alliances",
}


# --- reading the table and the lessons ------------------------------------------------------------


def _cells(line: str) -> list[str]:
    """The cells of a markdown table row; ``\\|`` is a literal pipe."""
    parts = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [p.strip().replace("\\|", "|") for p in parts]


def parse_table(text: str) -> list[tuple[str, re.Pattern, str | None]]:
    """(idiom, pattern, lesson number or None for "—") for each row of the guide's table."""
    if HEADING not in text:
        raise AssertionError(f"{GUIDE.name} has no section '{HEADING}'")
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("|") or set(line) <= set("|- :"):
            continue
        idiom, pattern, lesson = _cells(line)[:3]
        if idiom == "Idiom":
            continue
        match = re.fullmatch(r"`(.+)`", pattern)
        assert match, f"{GUIDE.name}: the pattern of {idiom} must be in backticks: {pattern}"
        lesson = lesson.strip("* ")
        assert lesson == "—" or re.fullmatch(r"\d\d", lesson), \
            f"{GUIDE.name}: {idiom} is taught in {lesson!r}; write a lesson number (01) or —"
        rows.append((idiom, re.compile(match[1]), None if lesson == "—" else lesson))
    return rows


def _strip(source: str) -> str:
    """Python source without comments and IPython magics (``%``/``!`` lines)."""
    source = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln
                       for ln in source.splitlines())
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
                  if t.type != tokenize.COMMENT]
        return tokenize.untokenize(tokens)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source


def lesson_code(nb: nbformat.NotebookNode) -> str:
    """The code a learner meets in a lesson: code cells but hidden verify cells, and solutions."""
    parts = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type == "code" and "verify" not in tags:
            parts.append(_strip(cell.source))
        elif cell.cell_type == "markdown" and "solution" in tags:
            parts += [_strip(code) for code in FENCE.findall(cell.source)]
    return "\n".join(parts)


@cache
def lessons() -> dict[str, str]:
    """Lesson number -> its code, in lesson order."""
    found = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        found[path.name[:2]] = lesson_code(nbformat.read(path, as_version=4))
    return found


@cache
def table() -> list[tuple[str, re.Pattern, str | None]]:
    return parse_table(GUIDE.read_text(encoding="utf-8"))


def users(pattern: re.Pattern) -> list[str]:
    """The lessons whose code matches ``pattern``, in order."""
    return [number for number, code in lessons().items() if pattern.search(code)]


def early_uses() -> set[tuple[str, str]]:
    """(idiom, lesson) for every use of an idiom before the lesson that teaches it."""
    found = set()
    for idiom, pattern, taught in table():
        for number in users(pattern):
            if taught is None or number < taught:
                found.add((idiom, number))
    return found


ROWS = [row[0] for row in table()]


def _row(idiom: str):
    return next(row for row in table() if row[0] == idiom)


# --- the checks ---------------------------------------------------------------------------------


def test_the_table_covers_the_series_idioms():
    names = " ".join(ROWS)
    for needed in ("read_csv", "to_datetime", "isin", "loc", "iloc", "set_index", "validate",
                   "indicator", "explode", "groupby", "agg", "crosstab", "query", "assign",
                   "map", "where", "join", "isna", "na=", "read_file", "points_from_xy",
                   "to_crs", "sjoin", "buffer", "dissolve", "from_pandas_edgelist", "Geod"):
        assert needed in names, f"the idiom table has no row for {needed}"
    assert len(ROWS) == len(set(ROWS)), "an idiom is listed twice"


@pytest.mark.parametrize("idiom", ROWS)
def test_no_lesson_uses_an_idiom_before_it_is_taught(idiom):
    _, pattern, taught = _row(idiom)
    early = [n for n in users(pattern) if (taught is None or n < taught)
             and (idiom, n) not in KNOWN_EARLY]
    where = "the series marks it as not used (—)" if taught is None else f"{taught} teaches it"
    assert not early, (
        f"{idiom} is used in lesson(s) {', '.join(early)} but {where} "
        f"(notebooks/instructor_guide.md, '{HEADING[3:]}'). Explain it where it is first used and "
        "move the row to that lesson, or write the code without it.")


@pytest.mark.parametrize("idiom", ROWS)
def test_the_teaching_lesson_uses_the_idiom(idiom):
    _, pattern, taught = _row(idiom)
    if taught is None:
        return  # "not used in the series": the test above checks that no lesson uses it
    if taught not in lessons():
        pytest.skip(f"lesson {taught}, which is to teach {idiom}, does not exist yet")
    assert pattern.search(lessons()[taught]), (
        f"the table says lesson {taught} teaches {idiom}, but its code never uses it "
        f"(pattern {pattern.pattern!r}); correct the table or the lesson")


def test_known_early_list_is_current():
    rows = set(ROWS)
    unknown = sorted(i for i, _ in KNOWN_EARLY if i not in rows)
    assert not unknown, f"KNOWN_EARLY names idioms the table does not list: {unknown}"
    stale = sorted(set(KNOWN_EARLY) - early_uses())
    assert not stale, f"remove {stale} from KNOWN_EARLY in tests/test_idioms.py: fixed now"


def test_detector_reads_code_not_comments_and_reads_solutions():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = df.loc[0]  # then .isin([1])\n%timeit df.query('a')"),
        nbformat.v4.new_code_cell("assert df.explode('a') is not None", metadata={
            "tags": ["verify"]}),
        nbformat.v4.new_markdown_cell("<details><summary>Solution</summary>\n\n```python\n"
                                      "g = gpd.sjoin(a, b)\n```\n</details>",
                                      metadata={"tags": ["solution"]}),
        nbformat.v4.new_markdown_cell("Prose mentions `.assign()` but runs nothing."),
    ])
    code = lesson_code(nb)
    patterns = {idiom: pattern for idiom, pattern, _ in table()}
    assert patterns["`.loc[...]`"].search(code)
    assert patterns["`gpd.sjoin()`"].search(code)
    for absent in ("`.isin([...])`", "`.query()`", "`.explode()`", "`.assign()`"):
        assert not patterns[absent].search(code), absent


def test_parser_reads_escaped_pipes_and_rejects_bad_rows():
    text = (f"{HEADING}\n\n| Idiom | Spotted in code by | Taught in |\n| --- | --- | --- |\n"
            "| `a` | `x\\|y` | 01 |\n| `b` | `z` | — |\n\n## Next\n| `c` | `w` | 02 |\n")
    rows = parse_table(text)
    assert [(i, p.pattern, t) for i, p, t in rows] == [("`a`", "x|y", "01"), ("`b`", "z", None)]
    with pytest.raises(AssertionError, match="lesson number"):
        parse_table(f"{HEADING}\n| `a` | `x` | lesson 1 |\n")
