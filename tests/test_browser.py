"""The course site and slides, checked in a real browser: Playwright driving headless Chromium.

The site is built into a temporary folder (``scripts/build_site.py``; executed lessons are reused
from ``build/executed/`` when fresh, but nothing is written into the repository) or, if
``build/site/`` is a fresh build of the current sources, served as it is. A local web server
serves it on 127.0.0.1; Playwright (a test-only dependency, requirements-dev.txt) drives the
system's Chromium (``executable_path``: Debian's ``chromium``, which ``make browser-deps`` installs
on CI; Playwright's own browser download is never used). Every request that is not to the local
server is aborted and recorded, and the tests assert there was none: the site works offline.

For every lesson page: the lesson's title (``<title>`` and its H1); every figure a rendered image
with alt text (at least one after lesson 00); no error output; no JavaScript error; solutions
collapsed; no verify cell. For EVERY slide of EVERY deck, at a projector's 1280 x 720: the slide is
inside the window and everything on it is inside the slide, or the slide (or a box on it) scrolls
so the content is reachable; no figure is larger than the slide (tests/browser_checks.py).

Skipped where Chromium or Playwright is not installed. In CI ``make test`` installs both.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import sys
import threading
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import build_site  # noqa: E402
import coursebuild  # noqa: E402
from browser_checks import PAGE_REPORT, SLIDE_WALK  # noqa: E402

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome",
                                            "google-chrome-stable") if shutil.which(n)), None)
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # a learner's environment: the browser tests are for developers
    sync_playwright = None
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None,
                       reason="Chromium is not installed (Debian: apt-get install chromium); CI "
                              "installs it via `make test`"),
    pytest.mark.skipif(sync_playwright is None,
                       reason="Playwright is not installed (pip install -r requirements-dev.txt)"),
]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", "--disable-default-apps",
                 "--disable-extensions"]
VIEWPORT = {"width": coursebuild.SLIDE_WIDTH, "height": coursebuild.SLIDE_HEIGHT}
LESSONS = coursebuild.lesson_paths()
TIMEOUT_MS = 60_000


class Browser:
    """One Chromium tab at 1280 x 720 that may talk to the local server only."""

    def __init__(self, base: str):
        self.base = base
        self.playwright = sync_playwright().start()
        try:
            self.browser = self.playwright.chromium.launch(
                executable_path=os.path.realpath(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        except Exception:
            self.playwright.stop()
            raise
        self.context = self.browser.new_context(viewport=VIEWPORT, service_workers="block")
        self.context.set_default_timeout(TIMEOUT_MS)
        self.outside: list[str] = []
        self.requests: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.js_errors: list[str] = []
        self.page.on("pageerror", lambda err: self.js_errors.append(str(err)[:300]))

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if url.startswith(self.base + "/") or url.startswith("data:"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def load(self, path: str) -> dict:
        """Open ``base/path``; return the page report plus what it asked for outside the site."""
        self.outside.clear()
        self.js_errors.clear()
        self.page.goto(f"{self.base}/{path}", wait_until="load")
        report = self.page.evaluate(PAGE_REPORT)
        report["outside"] = list(self.outside)
        report["js_errors"] = list(self.js_errors)
        return report

    def close(self):
        try:
            self.context.close()
            self.browser.close()
        finally:
            self.playwright.stop()


# --- fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A fresh build of the site: ``build/site`` if it matches the sources, else a new one."""
    existing = ROOT / "build" / "site"
    stamp = existing / build_site.STAMP
    if stamp.is_file() and stamp.read_text().strip() == coursebuild.site_inputs_hash():
        return existing
    out = tmp_path_factory.mktemp("site")
    build_site.build(out, write_cache=False)
    return out


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(server):
    b = Browser(server)
    yield b
    b.close()


def expected_title(path: Path) -> str:
    return coursebuild.lesson_title(nbformat.read(path, as_version=4))


def assert_clean(report: dict, base: str, name: str):
    outside = report["outside"]
    assert not outside, f"{name} asks for files outside the site (needs a network): {outside}"
    assert not report["js_errors"], f"{name}: JavaScript errors: {report['js_errors']}"
    assert not report["errors"], f"{name} shows an error output: {report['errors'][0]}"
    assert not report["broken"], f"{name}: images that did not load: {report['broken']}"


# --- the checks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_page(lesson, server, browser):
    report = browser.load(f"{lesson.stem}.html")
    title = expected_title(lesson)
    assert title and title in report["title"], f"<title> is {report['title']!r}, not {title!r}"
    assert any(title in h for h in report["h1"]), f"no H1 {title!r} (found {report['h1']})"
    assert_clean(report, server, lesson.stem)
    assert report["rendered"] == report["figures"], \
        f"{lesson.stem}: {report['figures'] - report['rendered']} figure(s) did not render"
    if not lesson.name.startswith("00_"):
        assert report["figures"] >= 1, f"{lesson.stem}: no figure on the page"
    assert report["without_alt"] == 0, f"{lesson.stem}: a figure has no alt text"
    print(f"{lesson.stem}.html: {report['rendered']} figure(s) rendered")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_slide_fits_the_projector(lesson, server, browser):
    """Every slide of the deck at 1280 x 720: inside the window, nothing sticking out of it; a
    slide taller than the window scrolls (the nbconvert/RISE `scroll` convention) so all of it is
    reachable; no figure is larger than the slide."""
    report = browser.load(f"slides/{lesson.stem}.slides.html")
    browser.page.wait_for_function("typeof Reveal !== 'undefined' && Reveal.isReady()")
    title = expected_title(lesson)
    assert title in report["title"], f"slides <title> is {report['title']!r}"
    assert_clean(report, server, f"{lesson.stem} slides")
    slides = browser.page.evaluate(SLIDE_WALK)
    total = browser.page.evaluate("Reveal.getTotalSlides()")
    assert len(slides) == total > 3, f"walked {len(slides)} of {total} slides"
    bad = [f"slide {s['h']}/{s['v']} {s['title']!r}: {'; '.join(s['problems'])}"
           for s in slides if s["problems"]]
    assert not bad, f"{lesson.stem}: slides that do not fit 1280x720:\n" + "\n".join(bad)
    assert not browser.js_errors, f"{lesson.stem} slides: JavaScript errors {browser.js_errors}"
    scrolling = sum(s["scrolls"] for s in slides)
    print(f"{lesson.stem}.slides.html: {len(slides)} slides fit 1280x720 "
          f"({scrolling} scroll)")


def test_slides_leave_out_what_belongs_to_the_notebook(site):
    """Solutions, checks, hints, verify and instructor cells never reach a deck."""
    for deck in sorted((site / "slides").glob("*.slides.html")):
        text = deck.read_text(encoding="utf-8")
        for words in ("<summary>Solution", "Hint 1", "check(&quot;", 'check("', "prose says",
                      "Ask the class"):
            assert words not in text, f"{deck.name} shows {words!r}"


def test_site_hides_verify_cells_and_folds_solutions(site, server, browser):
    for lesson in LESSONS:
        nb = nbformat.read(lesson, as_version=4)
        page = (site / f"{lesson.stem}.html").read_text(encoding="utf-8")
        for cell in nb.cells:
            if "verify" in cell.metadata.get("tags", []):
                first = cell.source.strip().splitlines()[0]
                assert re.sub(r"\s+", "", first)[:40] not in re.sub(r"<[^>]+>|\s+", "", page), \
                    f"{lesson.stem}: a verify cell is on the page"
        report = browser.load(f"{lesson.stem}.html")
        assert report["open_solutions"] == 0, f"{lesson.stem}: a solution is shown unfolded"


def test_the_offline_guard_and_the_fit_check_fire(browser, server):
    """The guard sees a request to the internet; the slide check sees a figure that does not fit
    and a slide cut off at the bottom."""
    page = browser.page
    browser.outside.clear()
    page.goto(f"{server}/index.html")
    page.evaluate("fetch('https://example.org/x').catch(() => null)")
    page.wait_for_timeout(300)
    assert any("example.org" in u for u in browser.outside)
    deck = next(p for p in LESSONS if not p.name.startswith("00_"))
    browser.load(f"slides/{deck.stem}.slides.html")
    page.wait_for_function("typeof Reveal !== 'undefined' && Reveal.isReady()")
    page.add_style_tag(content=".reveal .slides section, .reveal .slides section * "
                               "{ overflow: visible !important; }"
                               ".reveal .jp-RenderedImage img { max-height: none !important;"
                               " max-width: none !important; width: 2000px !important; }")
    page.evaluate("window.caspianFitSlide = null")
    slides = page.evaluate(SLIDE_WALK)
    problems = " ".join(p for s in slides for p in s["problems"])
    assert "sticks out of the slide" in problems and "larger than the slide" in problems
    assert "does not scroll" in problems


@pytest.mark.parametrize("page", ["index.html", "data.html", "bibliography.html",
                                  "instructor.html", "slides/index.html"])
def test_site_page(page, site, server, browser):
    if not (site / page).is_file():
        pytest.skip(f"{page} is not built (its source does not exist yet)")
    report = browser.load(page)
    assert report["h1"], f"{page} has no H1"
    assert_clean(report, server, page)


def test_local_links_resolve(site):
    """Every relative link on every page points at a file the site contains."""
    missing = []
    for page in site.rglob("*.html"):
        for href in re.findall(r'href="([^"#:?]+)(?:#[^"]*)?"', page.read_text(encoding="utf-8")):
            if not (page.parent / href).resolve().exists():
                missing.append(f"{page.relative_to(site)} → {href}")
    assert not missing, "broken links:\n" + "\n".join(missing[:20])

