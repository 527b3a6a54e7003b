"""The course site and slides, checked in a real browser (headless Chromium).

The site is built into a temporary folder (``scripts/build_site.py``; executed lessons are reused
from ``build/executed/`` when fresh, but nothing is written into the repository) or, if
``build/site/`` is a fresh build of the current sources, served as it is. A local web server
serves it on 127.0.0.1, and Chromium, driven over the Chrome DevTools Protocol (CDP) with
``websocket-client`` (already installed as a Jupyter dependency), loads every lesson page and one
slide deck and checks that:

* the page has the lesson's title (``<title>`` and its H1);
* every figure is a rendered image (an ``<img>`` with a non-zero natural size) with alt text, and
  every lesson after 00 has at least one;
* no cell shows an error (a traceback);
* the page asks for nothing outside the local server (no CDN: the site works offline) and throws
  no JavaScript error.

Skipped where Chromium is not installed. In CI ``make test`` installs it (see the Makefile).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import build_site  # noqa: E402
import coursebuild  # noqa: E402

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome",
                                            "google-chrome-stable") if shutil.which(n)), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install chromium); CI installs it via "
           "`make test`")

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage", "--remote-debugging-port=0"]
LESSONS = coursebuild.lesson_paths()
SLIDE_DECK = next((p for p in LESSONS if not p.name.startswith("00_")), None)
TIMEOUT = 60

# Run in the page: what the assertions need, in one round trip.
PAGE_REPORT = r"""
(async () => {
  const imgs = [...document.querySelectorAll('img')];
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  const figs = [...document.querySelectorAll('.jp-RenderedImage img')];
  const errors = [...document.querySelectorAll(
      '.output_error, .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]')]
    .filter(e => !e.closest('.celltag_raises-exception'))
    .filter(e => e.classList.contains('output_error')
                 || /Traceback \(most recent/.test(e.textContent))
    .map(e => e.textContent.trim().slice(0, 400));
  return {
    title: document.title,
    h1: [...document.querySelectorAll('h1')].map(h => h.textContent.replace('¶', '').trim()),
    figures: figs.length,
    rendered: figs.filter(i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0).length,
    without_alt: figs.filter(i => !(i.alt || '').trim()).length,
    broken: imgs.filter(i => !(i.naturalWidth > 0)).map(i => i.src.slice(0, 80)),
    errors: errors,
    reveal: (typeof Reveal !== 'undefined' && Reveal.isReady)
      ? {ready: Reveal.isReady(), slides: Reveal.getTotalSlides()} : null,
  };
})()
"""


# --- a tiny CDP client --------------------------------------------------------------------------

class Browser:
    """Headless Chromium with one tab, driven over the DevTools Protocol."""

    def __init__(self, profile: Path):
        self.proc = subprocess.Popen(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.is_file() and port_file.read_text().strip()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                raise RuntimeError("Chromium did not start (no DevToolsActivePort file)")
            time.sleep(0.1)
        try:
            self.ws = self._connect(port_file.read_text().split()[0])
        except Exception:
            self.proc.kill()
            raise
        self.next_id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Network", "Runtime"):
            self.call(f"{domain}.enable")

    @staticmethod
    def _connect(port: str):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            tab = next(t for t in json.load(r) if t["type"] == "page")
        import websocket  # websocket-client: installed with jupyter_server

        return websocket.create_connection(tab["webSocketDebuggerUrl"], timeout=TIMEOUT,
                                           suppress_origin=True)

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, event: str):
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {event} within {TIMEOUT} s")
            self.events.append(json.loads(self.ws.recv()))

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True,
                           returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def load(self, url: str) -> dict:
        """Open ``url``; return the page report plus the requests and JS errors it caused."""
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        report = self.evaluate(PAGE_REPORT)
        report["requests"] = [e["params"]["request"]["url"] for e in self.events
                              if e.get("method") == "Network.requestWillBeSent"]
        report["js_errors"] = [e["params"]["exceptionDetails"].get("text", "")
                               + " " + str(e["params"]["exceptionDetails"].get("exception", {})
                                           .get("description", ""))[:300]
                               for e in self.events if e.get("method") == "Runtime.exceptionThrown"]
        return report

    def close(self):
        with contextlib.suppress(Exception):
            self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


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
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))  # stops Chromium if it fails
    yield b
    b.close()


def expected_title(path: Path) -> str:
    return coursebuild.lesson_title(nbformat.read(path, as_version=4))


def assert_clean(report: dict, base: str, name: str):
    outside = [u for u in report["requests"]
               if not (u.startswith(base + "/") or u.startswith("data:"))]
    assert not outside, f"{name} asks for files outside the site (needs a network): {outside}"
    assert not report["js_errors"], f"{name}: JavaScript errors: {report['js_errors']}"
    assert not report["errors"], f"{name} shows an error output: {report['errors'][0]}"
    assert not report["broken"], f"{name}: images that did not load: {report['broken']}"


# --- the checks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_page(lesson, server, browser):
    report = browser.load(f"{server}/{lesson.stem}.html")
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


@pytest.mark.skipif(SLIDE_DECK is None, reason="no lesson with figures yet")
def test_slide_deck(server, browser):
    report = browser.load(f"{server}/slides/{SLIDE_DECK.stem}.slides.html")
    title = expected_title(SLIDE_DECK)
    assert title in report["title"], f"slides <title> is {report['title']!r}"
    assert report["reveal"] and report["reveal"]["ready"], "reveal.js did not start"
    assert report["reveal"]["slides"] > 3, f"only {report['reveal']['slides']} slides"
    assert_clean(report, server, f"{SLIDE_DECK.stem} slides")
    assert report["figures"] >= 1 and report["rendered"] == report["figures"], \
        f"slides: {report['rendered']} of {report['figures']} figures rendered"
    print(f"{SLIDE_DECK.stem}.slides.html: {report['reveal']['slides']} slides, "
          f"{report['rendered']} figure(s)")


@pytest.mark.parametrize("page", ["index.html", "data.html", "bibliography.html",
                                  "instructor.html", "slides/index.html"])
def test_site_page(page, site, server, browser):
    if not (site / page).is_file():
        pytest.skip(f"{page} is not built (its source does not exist yet)")
    report = browser.load(f"{server}/{page}")
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

