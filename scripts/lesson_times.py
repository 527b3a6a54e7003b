"""Compute each lesson's time to learn by the course's one rule, and write it where it is shown.

The rule (stated in the README, "How the times are computed")::

    minutes = words of markdown prose / 150
              + 0.75 x code cells that are not check, verify or solution cells
              + the sum of the exercises' own `minutes` (heading cell metadata caspian.minutes)
    rounded UP to the next multiple of 5. No lesson may exceed 60.

"Prose" is every markdown cell a learner reads in the lesson: all markdown cells except those tagged
``solution``, ``hint`` or ``instructor`` (hints and solutions are part of an exercise's own
estimate; instructor notes are not read by learners). A word is a run of letters or digits
(link targets, HTML tags and code fences' language names are not words).

The value lives in ONE place, the notebook's metadata ``metadata.caspian.minutes``. ``--write``
stores it there and rewrites what shows it: the first line under the notebook's "## Time to learn"
heading ("NN minutes."), the Time column of the README's lessons table and the lesson's heading in
the instructor guide ("### NN Title — NN minutes"). The course site's course map reads the metadata
(scripts/build_site.py); tests/test_times.py checks they agree.

Usage::

    python scripts/lesson_times.py                  # print each lesson's computed time
    python scripts/lesson_times.py --write          # store it (metadata, notebook, README, guide)
    python scripts/lesson_times.py --write notebooks/03_timeline_of_plots.ipynb   # one lesson
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
GUIDE = NOTEBOOKS / "instructor_guide.md"
GUIDE_HEADING = re.compile(r"(?m)^(### (\d\d) [^\n]*? — )([^\n]*)$")
LESSON_GLOB = "[0-9][0-9]_*.ipynb"

WORDS_PER_MINUTE = 150
MINUTES_PER_CODE_CELL = 0.75
ROUND_TO = 5
MAX_MINUTES = 60
NOT_PROSE = {"solution", "hint", "instructor"}
NOT_CODE = {"check", "verify", "solution"}
WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
TIME_LINE = re.compile(r"(?m)^(#+ Time to learn[ \t]*\n\s*\n?)([^\n]*)")
FIX = "run `python scripts/lesson_times.py --write` and commit the result"


@dataclass
class Estimate:
    """A lesson's time by the rule, with the parts it is made of."""

    words: int
    code_cells: int
    exercise_minutes: int

    @property
    def raw(self) -> float:
        return (self.words / WORDS_PER_MINUTE + MINUTES_PER_CODE_CELL * self.code_cells
                + self.exercise_minutes)

    @property
    def minutes(self) -> int:
        return int(math.ceil(round(self.raw, 6) / ROUND_TO) * ROUND_TO)

    def explain(self) -> str:
        return (f"{self.words} words / {WORDS_PER_MINUTE} + {MINUTES_PER_CODE_CELL} x "
                f"{self.code_cells} code cells + {self.exercise_minutes} exercise minutes = "
                f"{self.raw:.1f} -> {self.minutes} min")


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def count_words(markdown: str) -> int:
    """Words of prose in one markdown cell (link targets and HTML tags left out)."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown)      # [text](target) -> [text]
    text = re.sub(r"<[^>]+>", " ", text)              # HTML tags
    text = re.sub(r"```[\w-]*", " ", text)            # fence markers
    return len(WORD.findall(text))


def estimate(nb) -> Estimate:
    """Apply the rule to a notebook."""
    words = code = exercise = 0
    for cell in nb.cells:
        t = tags(cell)
        if cell.cell_type == "markdown" and not t & NOT_PROSE:
            words += count_words(cell.source)
        elif cell.cell_type == "code" and not t & NOT_CODE:
            code += 1
        if "exercise" in t:
            exercise += int(cell.get("metadata", {}).get("caspian", {}).get("minutes", 0) or 0)
    return Estimate(words, code, exercise)


def lessons() -> list[Path]:
    return sorted(NOTEBOOKS.glob(LESSON_GLOB))


def stored_minutes(nb) -> int | None:
    """The time stored in the notebook's metadata (``metadata.caspian.minutes``)."""
    return nb.metadata.get("caspian", {}).get("minutes")


def time_line(nb) -> str | None:
    """The first line under the notebook's "Time to learn" heading, or None."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = TIME_LINE.search(cell.source)
            if found:
                return found[2]
    return None


def shown_minutes(line: str | None) -> int | None:
    """The number of minutes a "Time to learn" line or table cell states ("35 minutes." → 35)."""
    found = re.match(r"\s*\**(\d+)\s*min", line or "")
    return int(found[1]) if found else None


def write_notebook(path: Path, minutes: int) -> bool:
    """Store ``minutes`` in the notebook's metadata and its "Time to learn" line."""
    nb = nbformat.read(path, as_version=4)
    changed = False
    if stored_minutes(nb) != minutes:
        nb.metadata.setdefault("caspian", {})["minutes"] = minutes
        changed = True
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        found = TIME_LINE.search(cell.source)
        if not found:
            continue
        rest = re.sub(r"^\s*\**\d+(?:\s*[–-]\s*\d+)?\+?\s*min(?:utes)?\.?\**", "", found[2])
        if shown_minutes(found[2]) is None:  # e.g. "*NN minutes.*" in the template
            rest = ""
        line = f"{minutes} minutes.{rest}" if rest.startswith(" ") or not rest else \
            f"{minutes} minutes. {rest}"
        if found[2] != line:
            cell.source = cell.source[:found.start(2)] + line + cell.source[found.end(2):]
            changed = True
        break
    else:
        raise SystemExit(f"{path.name}: no '## Time to learn' heading followed by a line")
    if changed:
        nbformat.write(nb, path)
    return changed


def readme_rows(text: str) -> dict[str, tuple[int, str]]:
    """Lesson file name → (line index, Time cell) in the README's lessons table."""
    rows = {}
    for i, line in enumerate(text.splitlines()):
        found = re.match(r"\|\s*`notebooks/(\d\d_[^`]+\.ipynb)`\s*\|.*\|\s*([^|]*?)\s*\|\s*$", line)
        if found:
            rows[found[1]] = (i, found[2])
    return rows


def write_readme(times: dict[str, int], readme: Path = README) -> bool:
    """Rewrite the Time column of the README's lessons table for the lessons in ``times``."""
    text = readme.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    rows = readme_rows(text)
    for name, minutes in times.items():
        if name not in rows:
            raise SystemExit(f"README.md: the lessons table has no row for `notebooks/{name}`; "
                             "add one (| `notebooks/NN_x.ipynb` | what it teaches | — |)")
        i, cell = rows[name]
        ending = "\n" if lines[i].endswith("\n") else ""
        body = lines[i].rstrip("\n")
        cut = body.rstrip().rstrip("|").rstrip()
        assert cut.endswith(cell)
        lines[i] = f"{cut[:len(cut) - len(cell)]}{minutes} min |{ending}"
    new = "".join(lines)
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


def guide_rows(text: str) -> dict[str, str]:
    """Lesson number ("03") → what the instructor guide's heading for it says after the dash."""
    return {m[2]: m[3] for m in GUIDE_HEADING.finditer(text)}


def write_guide(times: dict[str, int], guide: Path = GUIDE) -> bool:
    """Rewrite the time in the instructor guide's "### NN Title — NN minutes" headings."""
    text = guide.read_text(encoding="utf-8")
    by_number = {name[:2]: minutes for name, minutes in times.items()}
    missing = sorted(set(by_number) - set(guide_rows(text)))
    if missing:
        raise SystemExit(f"{guide.name}: no '### NN Title — NN minutes' heading for lesson(s) "
                         f"{', '.join(missing)}; add one")
    new = GUIDE_HEADING.sub(lambda m: m[1] + (f"{by_number[m[2]]} minutes" if m[2] in by_number
                                             else m[3]), text)
    if new != text:
        guide.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="lessons to compute (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--write", action="store_true",
                        help="store the time in each notebook and the README's lessons table")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or lessons()
    times, over = {}, []
    for path in paths:
        est = estimate(nbformat.read(path, as_version=4))
        times[path.name] = est.minutes
        flag = "  OVER 60" if est.minutes > MAX_MINUTES else ""
        print(f"{path.name}: {est.explain()}{flag}")
        if est.minutes > MAX_MINUTES:
            over.append(path.name)
        if args.write:
            write_notebook(path, est.minutes)
    if args.write:
        write_readme(times)
        write_guide(times)
        print("written: notebook metadata caspian.minutes, 'Time to learn' lines, README table, "
              "instructor guide headings")
    if over:
        print(f"over {MAX_MINUTES} minutes: {', '.join(over)} — cut or move material",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
