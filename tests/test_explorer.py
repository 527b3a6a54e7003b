"""The explorers (caspian.explore): what they embed matches the tables, and in a real browser with
the network cut they render, react to a selection and ask for nothing outside the local server.

The browser tests build a page the way the course site does (``scripts/build_site.py``'s lesson
page and template, with a notebook whose outputs are the two explorers, and the vendored Vega
scripts), serve it on 127.0.0.1 and drive headless Chromium with Playwright (a test-only
dependency), aborting every request that is not for the local server. Skipped where Chromium or
Playwright is missing (CI installs Chromium: see ``make browser-deps``).
"""

from __future__ import annotations

import csv
import functools
import http.server
import re
import shutil
import sys
import threading
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from caspian import data, explore, network, plots

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import build_site  # noqa: E402
import coursebuild  # noqa: E402

SEED = "2012-05-07"


def csv_rows(name: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def csv_date(text: str) -> pd.Timestamp:
    """A date of events.csv as the course reads it: '2008-05' is the first of the month."""
    return pd.Timestamp(text + "-01" * (2 - text.count("-")))


@pytest.fixture(scope="module")
def events_explorer():
    return explore.events_explorer()


@pytest.fixture(scope="module")
def alliances_explorer():
    return explore.alliances_explorer(at=SEED)


@pytest.fixture(scope="module")
def events_spec(events_explorer):
    return events_explorer.spec()


# --- what the explorers embed ------------------------------------------------------------------

def embedded_rows(spec: dict, column: str) -> list[dict]:
    """The inline dataset of a Vega-Lite spec whose rows have ``column`` (the marks' table)."""
    found = [rows for rows in spec.get("datasets", {}).values()
             if rows and isinstance(rows[0], dict) and column in rows[0]]
    assert len(found) == 1, f"expected one embedded table with a {column!r} column"
    return found[0]


def test_events_explorer_embeds_every_event_as_in_the_csv(events_spec):
    rows = csv_rows("events")
    shown = embedded_rows(events_spec, "event_id")
    assert sorted(r["event_id"] for r in shown) == sorted(r["event_id"] for r in rows)
    by_id = {r["event_id"]: r for r in shown}
    for row in rows:
        got = by_id[row["event_id"]]
        assert got["status"] == row["status"], row["event_id"]
        assert got["event_type"] == row["event_type"], row["event_id"]
        assert pd.Timestamp(got["date"]) == csv_date(row["date"]), row["event_id"]
        assert got["year"] == int(row["date"][:4]), row["event_id"]


def test_events_table_names_people_and_sources_not_ids(events_explorer):
    table = events_explorer.data.set_index("event_id")
    e001 = table.loc["E001"]
    assert e001["claimed_by"] == "Hezbollah; Ministry of Foreign Affairs of Iran"
    assert e001["denied_by"] == "State of Israel"
    assert e001["date_label"] == "12 February 2008 (exact day)"
    assert "The Guardian: " in e001["sources"] and "guardian-2008" not in e001["sources"]
    assert table.loc["E002", "date_label"] == "May 2008 (month known, not the day)"
    # No denial in the table is not the same as "not denied": the tooltip says which it is.
    assert table.loc["E002", "denied_by"].startswith("no denial found (the course searched")
    assert table.loc["E003", "denied_by"] == "not searched: read nothing into the silence"


def test_events_off_the_map_go_in_the_box(events_explorer):
    table = events_explorer.data
    lon0, lon1, lat0, lat1 = explore.NOT_ON_MAP_BOX
    in_box = table["map_lon"].between(lon0, lon1) & table["map_lat"].between(lat0, lat1)
    assert (in_box == ~table["on_map"]).all(), "events in the box must be exactly the off-map ones"
    assert set(table.loc[~table["on_map"], "place"]) == {
        "Washington, D.C. (USA)", "New Delhi (IND)", "Bangkok (THA)"}
    x0, x1, y0, y1 = explore.MAP_EXTENT
    on = table[table["on_map"]]
    assert on["map_lon"].between(x0, x1).all() and on["map_lat"].between(y0, y1).all()


def test_alliances_explorer_at_the_seed_date_has_the_snapshots_ties(alliances_explorer):
    spec = alliances_explorer.spec()
    ties = embedded_rows(spec, "actor_a")
    assert sorted(t["relation_id"] for t in ties) == sorted(r["relation_id"]
                                                            for r in csv_rows("relations"))
    day = next(p for p in spec["params"] if p["name"] == "day")
    assert day["value"] == 0, "the slider must open on the seed article's date"
    # The rule the chart applies in the browser, applied here to what it embeds.
    active = {t["relation_id"] for t in ties if t["known_from_day"] <= day["value"]
              and (t["end_day"] is None or day["value"] < t["end_day"])}
    G = network.build_graph(data.load_relations(), at=SEED)
    assert active == {key for *_, key in G.edges(keys=True)}
    assert f"it shows {G.number_of_edges()} ties" in alliances_explorer.description


def test_alliances_tooltips_name_both_actors_in_full(alliances_explorer):
    ties = alliances_explorer.data.set_index("relation_id")
    names = dict(r.values() for r in ({"a": x["actor_id"], "b": x["name"]}
                                      for x in csv_rows("actors")))
    for rid, row in ties.iterrows():
        assert row["a_name"] == names[row["actor_a"]], rid
        assert row["b_name"] == names[row["actor_b"]], rid
        assert row["sources"], f"{rid} has no source titles"


def test_explorers_show_as_vega_lite_and_text_only(events_explorer):
    data_, meta = events_explorer._repr_mimebundle_()
    assert set(data_) == {explore.MIME_TYPE, "text/plain"}, \
        "an HTML copy would hide the interactive chart in JupyterLab"
    n = len(csv_rows("events"))
    assert data_["text/plain"].startswith(f"Events explorer: {n} events")
    assert meta[explore.MIME_TYPE]["embed_options"]["actions"] is False


def test_status_shapes_and_colours_match_the_static_figures(events_spec):
    same_shape = {"o": "circle", "^": "triangle-up", "D": "diamond", "s": "square",
                  "v": "triangle-down", "P": "cross"}
    for marker, shape in same_shape.items():
        assert explore.MARKER_SHAPES[marker] == shape, marker
    x_path = explore.MARKER_SHAPES["X"]
    assert x_path.startswith("M") and x_path.count("L") == 11, "a filled X has 12 corners"
    scales = {enc: spec["scale"] for enc, spec in
              events_spec["vconcat"][0]["layer"][-1]["encoding"].items() if "scale" in spec}
    assert scales["color"]["domain"] == plots.STATUS_ORDER
    assert scales["color"]["range"] == [explore.style.STATUS_COLORS[s] for s in plots.STATUS_ORDER]
    assert scales["shape"]["range"] == [explore.MARKER_SHAPES[explore.style.STATUS_MARKERS[s]]
                                        for s in plots.STATUS_ORDER]


def test_bad_input_is_explained():
    events = data.load_events().drop(columns=["status"])
    with pytest.raises(KeyError, match=r"needs the column\(s\) \['status'\]"):
        explore.events_explorer(events)
    with pytest.raises(ValueError, match="pick a date between 1992-01-01"):
        explore.alliances_explorer(at="1980-01-01")


def test_vendored_scripts_are_there_with_their_licences():
    for name in explore.VENDOR_SCRIPTS:
        path = explore.VENDOR_DIR / name
        assert path.is_file(), f"{name} is missing from scripts/vendor/"
        assert (path.parent / "LICENSE").is_file(), f"{name} has no LICENSE beside it"


# --- the page as the site builds it ------------------------------------------------------------

def explorer_notebook(*explorers: explore.Explorer) -> nbformat.NotebookNode:
    """A small executed lesson whose outputs are the explorers, as nbclient would store them."""
    cells = [nbformat.v4.new_markdown_cell("# Explorer test page")]
    for i, e in enumerate(explorers):
        bundle, meta = e._repr_mimebundle_()
        cell = nbformat.v4.new_code_cell(f"explorer_{i}")
        cell.outputs = [nbformat.v4.new_output("display_data", data=bundle, metadata=meta)]
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


@pytest.fixture(scope="module")
def site(tmp_path_factory, events_explorer, alliances_explorer) -> Path:
    out = tmp_path_factory.mktemp("explorer-site")
    nb = explorer_notebook(events_explorer, alliances_explorer)
    lesson = coursebuild.Lesson(path=Path("99_explorers.ipynb"), nb=nb, seconds=0, cached=True)
    body, _ = build_site.lesson_page(lesson, None, None, build_site.nav_html(False), "")
    (out / "explorers.html").write_text(body, encoding="utf-8")
    shutil.copy2(coursebuild.ASSETS / "site.css", out / "site.css")
    build_site.copy_vendor(out / "vendor")
    return out


def test_site_page_loads_only_local_scripts(site):
    page = (site / "explorers.html").read_text(encoding="utf-8")
    sources = re.findall(r'<script[^>]*\ssrc="([^"]*)"', page)
    assert sources == [f"vendor/{name}" for name in explore.VENDOR_SCRIPTS]
    assert not re.search(r'(src|href)="(https?:)?//', page.split("<footer")[0]), \
        "the page links a script or style on another server"
    for src in sources:
        assert (site / src).is_file(), f"{src} is not in the built folder"
    assert page.count('class="vega-explorer"') == 2


# --- in a browser, network cut -----------------------------------------------------------------

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # a test-only dependency
    sync_playwright = None
browser_only = pytest.mark.skipif(
    CHROMIUM is None or sync_playwright is None,
    reason="needs Chromium (Debian: apt-get install chromium; CI: make browser-deps) and the "
           "playwright package (requirements.txt)")

# Counts the marks Vega drew (SVG renderer: a mark's elements sit in a group named after it).
COUNT = "name => document.querySelectorAll('.' + name + ' > path, .' + name + ' > line').length"
# Where on the page (CSS px) a date falls on the timeline, and the height of its first lane.
TIMELINE_XY = """
([id, dates]) => {
  const view = window.vegaViews[id];
  const x = view.scale('concat_0_x');
  const find = node => {
    if (!node) return null;
    if (node.marktype && node.name === 'timeline_events_marks') return node;
    for (const item of node.items || []) { const f = find(item); if (f) return f; }
    return null;
  };
  const mark = find(view.scenegraph().root);
  let dx = view.origin()[0], dy = view.origin()[1];
  for (let g = mark.group; g; g = g.mark && g.mark.group) { dx += g.x || 0; dy += g.y || 0; }
  const box = document.querySelector('#' + id + ' svg').getBoundingClientRect();
  const item = mark.items[0];
  return {xs: dates.map(d => box.left + dx + x(new Date(d[0], d[1], d[2]))),
          y: box.top + dy + item.y};
}
"""


@pytest.fixture(scope="module")
def browser_page(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    outside: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith(base + "/"):
            r.continue_()
        else:  # the network is cut: anything else is recorded and refused
            outside.append(r.request.url)
            r.abort()

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1200})
                page.route("**/*", route)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(f"{base}/explorers.html")
                page.wait_for_function(
                    "window.vegaViews && Object.keys(window.vegaViews).length === 2",
                    timeout=30_000)
                yield page, outside, errors
            finally:
                browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()


def run(page, js: str):
    """Run ``js`` (which changes signals of a view) and wait until Vega has redrawn."""
    page.evaluate("async () => { " + js + "; await Promise.all("
                  "Object.values(window.vegaViews).map(v => v.runAsync())); }")


def events_in_year(year: int) -> int:
    return sum(1 for r in csv_rows("events") if r["date"].startswith(str(year)))


@browser_only
def test_browser_events_explorer_renders_every_event(browser_page):
    page, outside, errors = browser_page
    assert not errors, f"JavaScript errors: {errors}"
    assert page.evaluate(COUNT, "map_events_marks") == len(csv_rows("events"))
    assert page.evaluate(COUNT, "timeline_events_marks") == len(csv_rows("events"))
    assert not outside, f"the page asked for files outside the local server: {outside}"


@browser_only
def test_browser_brushing_2012_leaves_the_2012_events_on_the_map(browser_page):
    page, outside, _ = browser_page
    at = page.evaluate(TIMELINE_XY, ["explorer-1", [[2012, 0, 1], [2013, 0, 1]]])
    (x0, x1), y = at["xs"], at["y"]
    page.mouse.move(x0 + 0.5, y)
    page.mouse.down()
    page.mouse.move(x1 - 0.5, y, steps=8)
    page.mouse.up()
    run(page, "")
    n = events_in_year(2012)
    assert n > 0
    assert page.evaluate(COUNT, "map_events_marks") == n, "brushing 2012 must leave its events"
    text = page.inner_text("#explorer-1")
    assert f"{n} events selected" in text
    page.mouse.dblclick((x0 + x1) / 2, y)  # double-click clears the brush
    run(page, "")
    assert page.evaluate(COUNT, "map_events_marks") == len(csv_rows("events"))
    assert not outside


@browser_only
def test_browser_keyboard_inputs_filter_the_map(browser_page):
    page, outside, _ = browser_page
    view = "window.vegaViews['explorer-1']"
    run(page, f"{view}.signal('from_year', 2012); {view}.signal('to_year', 2012)")
    assert page.evaluate(COUNT, "map_events_marks") == events_in_year(2012)
    run(page, f"{view}.signal('from_year', 2008); {view}.signal('to_year', 2026);"
              f"{view}.signal('status_menu', 'denied')")
    denied = sum(1 for r in csv_rows("events") if r["status"] == "denied")
    assert page.evaluate(COUNT, "map_events_marks") == denied
    run(page, f"{view}.signal('status_menu', 'all')")
    inputs = page.locator("#explorer-1 .vega-bindings input, #explorer-1 .vega-bindings select")
    assert inputs.count() == 3, "From year, To year and Status are keyboard-usable inputs"
    assert not outside


@browser_only
def test_browser_alliances_explorer_shows_the_snapshots_ties(browser_page):
    page, outside, errors = browser_page
    assert not errors, f"JavaScript errors: {errors}"
    relations = data.load_relations()
    seed = network.build_graph(relations, at=SEED).number_of_edges()
    assert page.evaluate(COUNT, "alliance_ties_marks") == seed
    assert f"Ties active on 7 May 2012: {seed}" in page.inner_text("#explorer-2")
    view = "window.vegaViews['explorer-2']"
    for when in ("2008-01-01", "2024-12-08", "2025-08-08"):
        day = (pd.Timestamp(when) - pd.Timestamp(SEED)).days
        run(page, f"{view}.signal('day', {day})")
        expected = network.build_graph(relations, at=when).number_of_edges()
        assert page.evaluate(COUNT, "alliance_ties_marks") == expected, when
    run(page, f"{view}.signal('day', 0); {view}.signal('kind', 'rivalry/hostility')")
    active = network.active_at(relations, SEED)
    assert page.evaluate(COUNT, "alliance_ties_marks") == int(
        (active["relation"] == "rivalry/hostility").sum())
    assert not outside, f"the page asked for files outside the local server: {outside}"
