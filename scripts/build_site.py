"""Build the course website: every lesson executed and rendered, plus the course map, the data
dictionary, the instructor guide, a bibliography and the slide decks.

    .venv/bin/python scripts/build_site.py            # → build/site/ (open build/site/index.html)
    .venv/bin/python scripts/build_site.py --out DIR  # anywhere else (the browser test uses this)

Tool: nbconvert's HTML exporter (lab template, with a small course template in
``scripts/templates/``) and a few Python string templates for the non-notebook pages. Everything it
uses is already a course dependency, it works with the network cut, and it takes seconds.

The build fails (exit status 1) if any cell of any lesson raises an error; solution cells run in
strict mode, so a wrong solution fails it too. Executed lessons are cached in ``build/executed/``.
"""

from __future__ import annotations

import argparse
import csv
import html
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

from coursebuild import (
    ASSETS,
    DATA,
    NOTEBOOKS,
    ROOT,
    SITE_DROP_TAGS,
    TEMPLATES,
    BuildError,
    Lesson,
    execute_lessons,
    lesson_paths,
    prepare,
    report,
    site_inputs_hash,
    write_slides,
)
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html
from traitlets.config import Config

sys.path.insert(0, str(NOTEBOOKS))
from caspian import explore  # noqa: E402  (the explorers' Vega-Lite output and vendored JS)

STAMP = ".caspian-site"
SITE_NAME = "Caspian Crossroads"
GUIDE = NOTEBOOKS / "instructor_guide.md"
FOOTER = ('<footer class="site-footer">Caspian Crossroads — code MIT; lesson prose and data tables '
          "CC BY 4.0; base-map layers Natural Earth (public domain). Every fact in the course's "
          'tables cites a source: see the <a href="bibliography.html">bibliography</a>.</footer>')
CITING_TABLES = {"events": "event_id", "relations": "relation_id", "actors": "actor_id",
                 "places": "place_id"}


# --- small helpers ------------------------------------------------------------------------------

def nav_html(has_guide: bool) -> str:
    links = [('index.html', "Course map"), ("index.html#lessons", "Lessons"),
             ("slides/index.html", "Slides"), ("data.html", "Data dictionary"),
             ("bibliography.html", "Bibliography")]
    if has_guide:
        links.append(("instructor.html", "Instructor guide"))
    items = "".join(f'<a href="{href}">{text}</a>' for href, text in links)
    return (f'<nav class="site-nav" aria-label="Course"><a class="brand" href="index.html">'
            f"{SITE_NAME}</a>{items}</nav>")


def page(title: str, body: str, nav: str) -> str:
    """A non-notebook page of the site."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)} — {SITE_NAME}</title>
<link rel="stylesheet" href="site.css">
</head>
<body>
{nav}
<main class="page-text">
{body}
</main>
{FOOTER}
</body>
</html>
"""


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def binder_base() -> str:
    """The README's Binder link up to ``urlpath=lab/tree/`` (so each lesson gets its own link)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"(https://mybinder\.org/v2/[^)\s]+?urlpath=lab/tree/)", readme)
    return m[1] if m else ""


def rewrite_links(text: str, built: set[str], source_ids: set[str]) -> str:
    """Point links at the site's pages: lessons → .html, data/README.md → data.html, …; link
    each `source_id` shown as code to its bibliography entry."""

    def lesson(m: re.Match) -> str:
        stem, anchor = m[1], m[2] or ""
        return f'href="{stem}.html{anchor}"' if stem in built else 'href="index.html#lessons"'

    text = re.sub(r'href="(?:\./|notebooks/)?(\d\d_[\w-]+)\.ipynb(#[^"]*)?"', lesson, text)
    text = re.sub(r'href="[^"]*data/README\.md(#[^"]*)?"', r'href="data.html\1"', text)
    text = re.sub(r'href="[^"]*instructor_guide\.md(#[^"]*)?"', r'href="instructor.html\1"', text)
    text = re.sub(r'href="[^"]*sources\.csv"', 'href="bibliography.html"', text)

    def source(m: re.Match) -> str:
        sid = html.unescape(m[1])
        if sid in source_ids:
            return f'<a href="bibliography.html#{sid}"><code>{m[1]}</code></a>'
        return m[0]

    return re.sub(r"(?<!>)<code>([a-z0-9][a-z0-9.\-]*)</code>", source, text)


def add_heading_ids(text: str) -> str:
    """Give h2/h3 of a markdown page ids, so other pages can link to a section."""

    def repl(m: re.Match) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", html.unescape(re.sub(r"<[^>]+>", "", m[2])).lower())
        return f'<{m[1]} id="{slug.strip("-")}">{m[2]}</{m[1]}>'

    return re.sub(r"<(h[23])>(.*?)</\1>", repl, text)


# --- pages --------------------------------------------------------------------------------------

class VegaEmbedder:
    """Called by the page template for each explorer output: its HTML, with a unique id."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, spec: dict, description: str = "") -> str:
        self.count += 1
        return explore.embed_html(spec, f"explorer-{self.count}", description)


def has_explorer(lesson: Lesson) -> bool:
    return any(explore.MIME_TYPE in o.get("data", {}) for c in lesson.nb.cells
               if c.cell_type == "code" for o in c.get("outputs", []))


def lesson_page(lesson: Lesson, prev: Lesson | None, nxt: Lesson | None, nav: str,
                binder: str) -> tuple[str, int]:
    # Explorers (Vega-Lite output) are drawn in the page by the vendored Vega scripts.
    priority = [explore.MIME_TYPE, *HTMLExporter().default_config.NbConvertBase
                .display_data_priority]
    exporter = HTMLExporter(template_name="caspian_site", extra_template_basedirs=[str(TEMPLATES)],
                            config=Config({"NbConvertBase": {"display_data_priority": priority}}))
    links = [f'<a href="slides/{lesson.stem}.slides.html">Slides for this lesson</a>']
    if binder:
        links.append(f'<a href="{binder}notebooks/{lesson.path.name}">Run it on Binder</a>')
    if prev:
        links.append(f'<a href="{prev.stem}.html">← {html.escape(prev.title)}</a>')
    if nxt:
        links.append(f'<a href="{nxt.stem}.html">{html.escape(nxt.title)} →</a>')
    resources = {"metadata": {"name": lesson.stem},
                 "caspian": {"nav": nav, "links": " ".join(links), "footer": FOOTER,
                             "vega_scripts": explore.script_tags("vendor")
                             if has_explorer(lesson) else "", "vega_embed": VegaEmbedder()}}
    body, _ = exporter.from_notebook_node(prepare(lesson.nb, lesson.title, drop=SITE_DROP_TAGS),
                                          resources=resources)
    figures = sum(1 for c in lesson.nb.cells if c.cell_type == "code"
                  for o in c.get("outputs", []) if "image/png" in o.get("data", {})
                  or "image/jpeg" in o.get("data", {}))
    return body, figures


def course_map_markdown(lessons: list[Lesson]) -> str:
    """The course map: the table in 00_start_here's "The course map" section, else the README's."""
    for lesson in lessons:
        for cell in lesson.nb.cells:
            if cell.cell_type == "markdown" and re.search(r"(?mi)^#+ The course map", cell.source):
                return re.sub(r"(?mi)^#+ The course map\s*$", "", cell.source).strip()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"(?ms)^## The lessons\s*$(.*?)(?=^## )", readme)
    return m[1].strip() if m else ""


def index_page(lessons: list[Lesson], nav: str, built: set[str], source_ids: set[str],
               binder: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    intro = re.search(r"(?ms)^# .*?\n\n(.*?)\n\n", readme)
    rows = []
    for lesson in lessons:
        run = (f'<a href="{binder}notebooks/{lesson.path.name}">Binder</a>' if binder else "")
        minutes = f"{lesson.minutes} min" if lesson.minutes is not None else "—"
        rows.append(f'<tr><td><a href="{lesson.stem}.html">{html.escape(lesson.title)}</a></td>'
                    f'<td><a href="slides/{lesson.stem}.slides.html">slides</a></td>'
                    f'<td class="minutes">{minutes}</td><td>{run}</td></tr>')
    body = [f"<h1>{SITE_NAME}</h1>",
            markdown2html(intro[1]) if intro else "",
            '<h2 id="course-map">The course map</h2>',
            markdown2html(course_map_markdown(lessons)),
            '<h2 id="lessons">Read, present, run</h2>',
            "<p>Each lesson as a web page (executed, with its figures), as slides for a projector "
            "(press <kbd>S</kbd> for speaker notes, <kbd>Esc</kbd> for an overview), and as a live "
            "notebook on Binder.</p>",
            "<table><thead><tr><th>Lesson</th><th>Slides</th><th>Time</th><th>Run</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>",
            "<h2>Reference</h2><ul>",
            '<li><a href="data.html">Data dictionary</a>: the tables, their columns, and how to '
            "read dates and claim status.</li>",
            '<li><a href="bibliography.html">Bibliography</a>: every source the course cites.</li>']
    if GUIDE.is_file():
        body.append('<li><a href="instructor.html">Instructor guide</a>: timings, outcomes, '
                    "pitfalls, discussion prompts, teaching a sensitive topic, JupyterHub and "
                    "Binder.</li>")
    body.append("</ul>")
    return page("Course map", rewrite_links("\n".join(body), built, source_ids), nav)


def markdown_page(path: Path, title: str, nav: str, built: set[str], source_ids: set[str]) -> str:
    body = add_heading_ids(markdown2html(path.read_text(encoding="utf-8")))
    return page(title, rewrite_links(body, built, source_ids), nav)


def bibliography_page(lessons: list[Lesson], nav: str) -> str:
    sources = sorted(read_csv("sources"), key=lambda r: (r["author"].lower(), r["date"]))
    cited: dict[str, list[str]] = defaultdict(list)
    for table, key in CITING_TABLES.items():
        for row in read_csv(f"{table[:-1]}_sources"):  # link table: one row per (id, source)
            cited[row["source_id"]].append(f"{table} {row[key]}")
    used_in: dict[str, list[str]] = defaultdict(list)
    for lesson in lessons:
        text = "\n".join(c.source for c in lesson.nb.cells)
        for row in sources:
            if row["source_id"] in text:
                link = f'<a href="{lesson.stem}.html">{lesson.number}</a>'
                used_in[row["source_id"]].append(link)
    kinds = defaultdict(int)
    for row in sources:
        kinds[row["kind"]] += 1
    summary = ", ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in sorted(kinds.items(),
                                                                             key=lambda kv: -kv[1]))
    items = []
    for r in sources:
        e = {k: html.escape(v) for k, v in r.items()}
        url = (f'<a href="{e["url"]}" rel="noopener">{e["url"]}</a>'
               if r["url"].startswith("http") else e["url"])
        notes = f'<br><span class="muted">{e["notes"]}</span>' if r["notes"] else ""
        where = cited.get(r["source_id"], [])
        lessons_here = used_in.get(r["source_id"], [])
        cite = ""
        if where or lessons_here:
            parts = []
            if lessons_here:
                parts.append("lessons " + ", ".join(lessons_here))
            if where:
                parts.append(html.escape("; ".join(where)))
            cite = f'<br><span class="cited">Cited by: {" — ".join(parts)}</span>'
        items.append(f'<li id="{e["source_id"]}"><strong>{e["author"]}</strong> ({e["date"]}). '
                     f'“{e["title"]}”. <em>{e["publisher"]}</em>, {e["kind"]}. {url}<br>'
                     f'<code>{e["source_id"]}</code>{notes}{cite}</li>')
    body = (f"<h1>Bibliography</h1><p>All {len(sources)} sources of the course, generated from "
            f"<code>data/sources.csv</code> ({summary}). Each entry's id is what the tables' "
            "<code>*_sources.csv</code> link tables and the lessons' <em>Sources</em> sections "
            "cite; "
            "<em>Cited by</em> lists the lessons and table rows that use it. A source being listed "
            "is not an endorsement: the tables record who made each claim and who denied it.</p>"
            f'<ol class="bibliography">{"".join(items)}</ol>')
    return page("Bibliography", body, nav)


def slides_index(lessons: list[Lesson]) -> str:
    items = "".join(f'<li><a href="{x.stem}.slides.html">{html.escape(x.title)}</a></li>'
                    for x in lessons)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Slides — {SITE_NAME}</title>
<link rel="stylesheet" href="../site.css"></head>
<body><nav class="site-nav"><a class="brand" href="../index.html">{SITE_NAME}</a></nav>
<main class="page-text"><h1>Slides</h1>
<p>One reveal.js deck per lesson, with the lesson's outputs. Keys: arrows to move, <kbd>S</kbd>
speaker notes, <kbd>F</kbd> full screen, <kbd>Esc</kbd> overview. Works offline.</p>
<ol>{items}</ol></main></body></html>
"""


# --- the build ----------------------------------------------------------------------------------

def copy_vendor(target: Path) -> None:
    """Copy the explorers' scripts (Vega, Vega-Lite, vega-embed) and their licences."""
    for name in explore.VENDOR_SCRIPTS:
        folder = (explore.VENDOR_DIR / name).parent
        shutil.copytree(folder, target / folder.name, dirs_exist_ok=True)


def prepare_out(out: Path) -> None:
    """Empty ``out`` for a new build; refuse to wipe a folder this script did not make."""
    if out.exists() and any(out.iterdir()):
        if not (out / STAMP).is_file():
            raise SystemExit(f"{out} exists and was not made by build_site.py; not replacing it.")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def build(out: Path, use_cache: bool = True, jobs: int | None = None,
          only: list[str] | None = None, write_cache: bool = True) -> dict[str, int]:
    """Build the site into ``out``; return the number of figures on each lesson page."""
    digest = site_inputs_hash() if not only else "partial"
    paths = lesson_paths(only)
    lessons = execute_lessons(paths, **({} if use_cache else {"cache": None}), jobs=jobs,
                              write_cache=write_cache)
    print(report(lessons))
    prepare_out(out)
    has_guide = GUIDE.is_file()
    nav = nav_html(has_guide)
    built = {x.stem for x in lessons}
    source_ids = {r["source_id"] for r in read_csv("sources")}
    binder = binder_base()
    shutil.copy2(ASSETS / "site.css", out / "site.css")
    copy_vendor(out / "vendor")
    figures = {}
    for i, lesson in enumerate(lessons):
        prev = lessons[i - 1] if i else None
        nxt = lessons[i + 1] if i + 1 < len(lessons) else None
        body, figures[lesson.stem] = lesson_page(lesson, prev, nxt, nav, binder)
        (out / f"{lesson.stem}.html").write_text(rewrite_links(body, built, source_ids),
                                                 encoding="utf-8")
    (out / "index.html").write_text(index_page(lessons, nav, built, source_ids, binder),
                                    encoding="utf-8")
    (out / "data.html").write_text(markdown_page(DATA / "README.md", "Data dictionary", nav,
                                                 built, source_ids), encoding="utf-8")
    if has_guide:
        (out / "instructor.html").write_text(markdown_page(GUIDE, "Instructor guide", nav, built,
                                                           source_ids), encoding="utf-8")
    (out / "bibliography.html").write_text(bibliography_page(lessons, nav), encoding="utf-8")
    write_slides(lessons, out / "slides", site_root="..")
    (out / "slides" / "index.html").write_text(slides_index(lessons), encoding="utf-8")
    (out / STAMP).write_text(digest + "\n", encoding="utf-8")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--only", nargs="+", metavar="NN",
                        help="build only these lessons (numbers or notebook names)")
    parser.add_argument("--no-cache", action="store_true",
                        help="execute every lesson afresh and write no cache")
    parser.add_argument("--jobs", type=int, default=None, help="lessons executed in parallel")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        figures = build(args.out, use_cache=not args.no_cache, jobs=args.jobs, only=args.only)
    except BuildError as err:
        print(f"build_site: {err}", file=sys.stderr)
        return 1
    for stem, n in figures.items():
        print(f"  {stem}.html: {n} figure(s)")
    print(f"build_site: {len(figures)} lessons → {args.out} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
