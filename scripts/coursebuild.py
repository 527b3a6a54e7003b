"""Shared plumbing for ``build_site.py`` and ``build_slides.py``: find the lessons, execute them,
and read their titles.

Lessons are every ``notebooks/NN_*.ipynb`` (two digits, an underscore), found afresh on every run,
so a new lesson joins the site and the slides without touching these scripts.

Executing is the slow part, so executed copies are cached in ``build/executed/`` (git-ignored),
keyed by a hash of everything a lesson reads: the notebook, the helper package and ``data/``.
Nothing here needs the network; nothing is written outside the output folders.
"""

from __future__ import annotations

import copy
import hashlib
import html
import os
import re
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
DATA = ROOT / "data"
SCRIPTS = ROOT / "scripts"
TEMPLATES = SCRIPTS / "templates"
ASSETS = SCRIPTS / "assets"
REVEAL_VERSION = "4.6.1"
REVEAL_VENDOR = SCRIPTS / "vendor" / f"reveal.js-{REVEAL_VERSION}"
EXECUTED_CACHE = ROOT / "build" / "executed"
LESSON_GLOB = "[0-9][0-9]_*.ipynb"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CELL_TIMEOUT = 120  # seconds per cell; a lesson's whole run is a few seconds
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720  # a 16:9 projector; tests/test_browser.py checks every slide


class BuildError(RuntimeError):
    """A lesson failed to build; the message names the notebook and the cell."""


@dataclass
class Lesson:
    """One executed lesson and what the pages need to know about it."""

    path: Path
    nb: nbformat.NotebookNode
    seconds: float
    cached: bool

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def number(self) -> str:
        return self.stem[:2]

    @property
    def title(self) -> str:
        return lesson_title(self.nb) or self.stem

    @property
    def time_to_learn(self) -> str:
        return section_first_line(self.nb, "Time to learn")

    @property
    def minutes(self) -> int | None:
        """The lesson's time, from its one source: ``metadata.caspian.minutes``
        (written by ``scripts/lesson_times.py --write``)."""
        return lesson_minutes(self.nb)


def lesson_paths(only: list[str] | None = None) -> list[Path]:
    """Every lesson notebook, in course order (``00_…``, ``01_…``, …).

    ``only``: lesson numbers or stems to keep (``["01", "03_timeline_of_plots"]``), for a quick
    build of the lesson being written.
    """
    paths = sorted(NOTEBOOKS.glob(LESSON_GLOB))
    if only:
        paths = [p for p in paths if p.stem[:2] in only or p.stem in only]
    return paths


def markdown_sources(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def lesson_title(nb) -> str:
    """The lesson's only H1, as plain text."""
    for src in markdown_sources(nb):
        m = re.search(r"(?m)^# (.+)$", src)
        if m:
            return plain_text(m[1])
    return ""


def lesson_minutes(nb) -> int | None:
    """``metadata.caspian.minutes`` of a notebook, or None if it was never computed."""
    value = nb.metadata.get("caspian", {}).get("minutes")
    return int(value) if value is not None else None


def section_first_line(nb, heading: str) -> str:
    """The first non-empty line after a ``## heading`` (e.g. "Time to learn"), as plain text."""
    for src in markdown_sources(nb):
        m = re.search(rf"(?ms)^#+ {re.escape(heading)}\s*$\s*(\S[^\n]*)", src)
        if m:
            return plain_text(m[1])
    return ""


def plain_text(markdown: str) -> str:
    """Markdown inline text → plain text (for <title>, alt text, tables of contents)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_`]+", "", text)
    return html.unescape(" ".join(text.split()))


def inputs_hash(path: Path) -> str:
    """Hash of everything an executed lesson depends on: the notebook, the helpers, the data."""
    h = hashlib.sha256()
    files = [path, *sorted((NOTEBOOKS / "caspian").rglob("*.py")),
             *sorted(p for p in DATA.rglob("*") if p.is_file())]
    for f in files:
        h.update(str(f.relative_to(ROOT)).encode())
        h.update(f.read_bytes())
    h.update(f"{sys.version_info[:2]}".encode())
    return h.hexdigest()


def site_inputs_hash() -> str:
    """Hash of everything the site is built from (lessons, helpers, data, guide, these scripts)."""
    h = hashlib.sha256()
    files = [*lesson_paths(), *sorted((NOTEBOOKS / "caspian").rglob("*.py")),
             *sorted(p for p in DATA.rglob("*") if p.is_file()),
             *sorted(p for p in NOTEBOOKS.glob("*.md")), ROOT / "README.md",
             *[SCRIPTS / f for f in ("coursebuild.py", "build_site.py", "build_slides.py")],
             *sorted(p for d in (TEMPLATES, ASSETS, REVEAL_VENDOR) for p in d.rglob("*")
                     if p.is_file())]
    for f in files:
        h.update(str(f.relative_to(ROOT)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _execute_one(path_str: str) -> tuple[str, dict, float]:
    """Run one notebook top to bottom in a fresh kernel (in a worker process)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path_str)
    nb = nbformat.read(path, as_version=4)
    # Solution cells call check(); in strict mode a wrong solution raises, so the build fails.
    os.environ["CASPIAN_STRICT_CHECKS"] = "1"
    os.environ.pop("MPLBACKEND", None)  # the kernel's inline backend draws the figures
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}},
                            allow_errors=False)
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as err:
        message = ANSI.sub("", str(err))
        raise BuildError(f"{path.name}: a cell raised an error, so the build stops.\n{message}") \
            from None
    # Widget state needs a live kernel to mean anything; the pages show a note instead.
    nb.metadata.pop("widgets", None)
    return path_str, nb, time.perf_counter() - start


def execute_lessons(paths: list[Path], cache: Path | None = EXECUTED_CACHE,
                    jobs: int | None = None, write_cache: bool = True) -> list[Lesson]:
    """Execute every lesson (in parallel, one kernel per process); reuse cached runs if fresh.

    ``cache=None`` ignores the cache; ``write_cache=False`` reads fresh cached runs but writes
    nothing (the browser test uses this, so it never writes into the repository).

    Raises
    ------
    BuildError
        If any cell of any lesson raises (cells tagged ``raises-exception`` excepted).
    """
    results: dict[Path, Lesson] = {}
    todo = []
    for path in paths:
        digest = inputs_hash(path)
        hit = cache / f"{path.stem}.{digest[:16]}.ipynb" if cache else None
        if hit and hit.is_file():
            results[path] = Lesson(path, nbformat.read(hit, as_version=4), 0.0, True)
        else:
            todo.append((path, hit))
    if todo:
        jobs = jobs or min(len(todo), os.cpu_count() or 1, 4)
        # "spawn": a clean interpreter per worker, safe even when called from a threaded
        # process such as a pytest-xdist worker.
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            futures = [(p, hit, pool.submit(_execute_one, str(p))) for p, hit in todo]
            failures = []
            for path, hit, fut in futures:
                try:
                    _, nb, seconds = fut.result()
                except BuildError as err:
                    failures.append(str(err))
                    continue
                nb = nbformat.from_dict(nb)
                if hit and write_cache:
                    cache.mkdir(parents=True, exist_ok=True)
                    for old in cache.glob(f"{path.stem}.*.ipynb"):
                        old.unlink()
                    nbformat.write(nb, hit)
                results[path] = Lesson(path, nb, seconds, False)
        if failures:
            raise BuildError(f"{len(failures)} lesson(s) failed.\n\n" + "\n\n".join(failures))
    return [results[p] for p in paths]


# --- notebook → page preparation shared by site and slides ---------------------------------------

FIGURE_DESCRIPTION = re.compile(r"^\s*\*Figure description:\*\s*", re.I)
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")


SLIDE_DROP_TAGS = frozenset({"solution", "check", "verify", "hint", "instructor"})
"""Cells that never appear in slides: they belong to a learner working in the notebook (hints,
checks, solutions), pin the prose's numbers (verify) or are meant for the instructor only."""
SITE_DROP_TAGS = frozenset({"verify"})
"""Cells the website leaves out: verify cells are asserts with no output, hidden in JupyterLab too.
Solutions stay, collapsed in their <details> block; checks and hints stay."""


def prepare(nb, title: str, drop: frozenset[str] = frozenset()):
    """A copy of an executed notebook ready for export.

    * cells tagged with any of ``drop`` are removed (see :data:`SLIDE_DROP_TAGS`);
    * ``metadata.title`` = the lesson's H1, so the page's <title> names the lesson;
    * each figure gets the text of the ``*Figure description:*`` cell after it as its alt text;
    * widget views (which need a live kernel) become a one-line note.
    """
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not drop & set(c.get("metadata", {}).get("tags", []))]
    nb.metadata["title"] = title
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        alt = ""
        if nxt is not None and nxt.cell_type == "markdown" and FIGURE_DESCRIPTION.match(nxt.source):
            alt = plain_text(FIGURE_DESCRIPTION.sub("", nxt.source))
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_MIME in data:
                out["data"] = {"text/html": '<p class="widget-note">An interactive control goes '
                                            "here: open the notebook in JupyterLab to use it.</p>"}
            if any(m in data for m in IMAGE_MIMES):
                out.setdefault("metadata", {})["caspian_alt"] = alt or f"Figure from {title}"
    return nb


SECTION = re.compile(r"(?m)^(?=#{2,3} )")


def split_sections(nb):
    """For slides: a markdown cell with several ``##``/``###`` sections becomes one cell per
    section, each after the first on its own (vertical) subslide, so that a lesson's opening
    cell (Overview, Learning objectives, Prerequisites, Time to learn) or its closing one (Key
    points, What's next, Sources) fits the 1280 x 720 canvas instead of scrolling."""
    cells = []
    for cell in nb.cells:
        parts = [p for p in SECTION.split(cell.source) if p.strip()] \
            if cell.cell_type == "markdown" else [cell.source]
        if len(parts) < 2:
            cells.append(cell)
            continue
        for i, part in enumerate(parts):
            piece = copy.deepcopy(cell)
            piece.source = part.rstrip()
            piece["id"] = f"{cell.get('id', 'cell')}-s{i}"
            if i:
                piece.metadata["slideshow"] = {"slide_type": "subslide"}
            cells.append(piece)
    nb.cells = cells
    return nb


FIGURE_ONLY = "caspian-figure-only"


def figures_on_their_own_slide(nb):
    """For slides: a code cell's figures go on the next (vertical) subslide, alone, so they can be
    shown large on a 1280 x 720 canvas instead of below the code, off the bottom of the slide.
    The new cell is tagged ``caspian-figure-only``; the slides template shows only its outputs.
    Its ``*Figure description:*`` cell stays with it; the cell after that starts a new subslide
    instead of being added below the figure."""
    cells = []
    after_figure = False
    for cell in nb.cells:
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
        if after_figure and not (cell.cell_type == "markdown"
                                 and FIGURE_DESCRIPTION.match(cell.source)):
            if kind in ("-", "fragment"):
                cell.metadata["slideshow"] = {"slide_type": "subslide"}
            after_figure = kind == "skip"  # a skipped cell does not end the figure's slide
        cells.append(cell)
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        images = [o for o in cell.get("outputs", [])
                  if any(m in o.get("data", {}) for m in IMAGE_MIMES)]
        if not images:
            continue
        cell.outputs = [o for o in cell.outputs if o not in images]
        figure = nbformat.v4.new_code_cell("")
        figure["id"] = f"{cell.get('id', 'cell')}-figure"
        figure.metadata = {"slideshow": {"slide_type": "subslide"}, "tags": [FIGURE_ONLY]}
        figure.outputs = images
        cells.append(figure)
        after_figure = True
    nb.cells = cells
    return nb


def copy_reveal(target: Path) -> Path:
    """Copy the vendored reveal.js subset and the course theme to ``target/reveal.js``."""
    dest = target / "reveal.js"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(REVEAL_VENDOR, dest)
    (dest / "dist" / "theme").mkdir(parents=True, exist_ok=True)
    shutil.copy2(ASSETS / "slides.css", dest / "dist" / "theme" / "caspian.css")
    return dest


def slides_html(lesson: Lesson, reveal_prefix: str = "reveal.js") -> str:
    """The reveal.js deck of one executed lesson (offline: local reveal.js, no CDN)."""
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(template_name="caspian_slides",
                              extra_template_basedirs=[str(TEMPLATES)])
    exporter.reveal_url_prefix = reveal_prefix
    exporter.reveal_theme = "caspian"
    exporter.reveal_scroll = True
    exporter.reveal_number = "c/t"
    exporter.reveal_width = str(SLIDE_WIDTH)
    exporter.reveal_height = str(SLIDE_HEIGHT)
    nb = prepare(lesson.nb, lesson.title, drop=SLIDE_DROP_TAGS)
    nb = figures_on_their_own_slide(split_sections(nb))
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": lesson.stem}})
    return body


def slide_links(text: str, built: set[str], site_root: str | None = None) -> str:
    """Point a deck's links at the other decks (``NN_name.slides.html``) and, when the decks are
    part of the website, at its pages (data dictionary, guide, bibliography)."""

    def lesson(m: re.Match) -> str:
        if m[1] in built:
            return f'href="{m[1]}.slides.html"'
        return 'href="index.html"' if site_root else m[0]  # a lesson not written yet

    text = re.sub(r'href="(?:\./|notebooks/)?(\d\d_[\w-]+)\.ipynb(#[^"]*)?"', lesson, text)
    if site_root:
        for pattern, page in [(r"data/README\.md", "data.html"),
                              (r"instructor_guide\.md", "instructor.html"),
                              (r"sources\.csv", "bibliography.html")]:
            text = re.sub(rf'href="[^"]*{pattern}(#[^"]*)?"', rf'href="{site_root}/{page}\1"', text)
    return text


def write_slides(lessons: list[Lesson], target: Path, site_root: str | None = None) -> list[Path]:
    """Write ``NN_name.slides.html`` for every lesson, with a local copy of reveal.js.

    ``site_root``: the website's folder relative to ``target`` (``".."``) when the decks are part
    of the site, so links to the data dictionary and bibliography point at its pages.
    """
    target.mkdir(parents=True, exist_ok=True)
    copy_reveal(target)
    built = {lesson.stem for lesson in lessons}
    written = []
    for lesson in lessons:
        out = target / f"{lesson.stem}.slides.html"
        out.write_text(slide_links(slides_html(lesson), built, site_root), encoding="utf-8")
        written.append(out)
    return written


def report(lessons: list[Lesson]) -> str:
    lines = []
    for lesson in lessons:
        how = "cached" if lesson.cached else f"executed in {lesson.seconds:.1f} s"
        lines.append(f"  {lesson.stem}: {how}")
    return "\n".join(lines)
