"""Build reveal.js slides for every lesson into ``build/slides/`` (git-ignored).

    .venv/bin/python scripts/build_slides.py             # → build/slides/NN_name.slides.html
    .venv/bin/python scripts/build_slides.py --out DIR

Each lesson is executed (or taken from the ``build/executed/`` cache) so the slides show its
outputs and figures, then converted with nbconvert's slides exporter. Slide types come from each
cell's ``slideshow`` metadata (slide, subslide, fragment, skip, notes → speaker notes, key S).

reveal.js is NOT taken from a CDN: ``scripts/vendor/reveal.js-4.6.1/`` holds the three files the
decks need (reveal.js, reveal.css, the notes plugin; MIT licence, ~230 kB) and is copied next to
the decks, so the build and the slides work with no network. The theme is the course's own
``scripts/assets/slides.css`` (large, projector-readable type; system fonts).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from coursebuild import ROOT, BuildError, execute_lessons, lesson_paths, report, write_slides


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "slides")
    parser.add_argument("--only", nargs="+", metavar="NN",
                        help="build only these lessons (numbers or notebook names)")
    parser.add_argument("--no-cache", action="store_true",
                        help="execute every lesson afresh and write no cache")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        cache = {"cache": None} if args.no_cache else {}
        lessons = execute_lessons(lesson_paths(args.only), **cache)
    except BuildError as err:
        print(f"build_slides: {err}", file=sys.stderr)
        return 1
    print(report(lessons))
    if args.out.exists():
        shutil.rmtree(args.out / "reveal.js", ignore_errors=True)
        for old in args.out.glob("*.slides.html"):
            old.unlink()
    written = write_slides(lessons, args.out)
    for path in written:
        print(f"  {path.relative_to(args.out)}")
    print(f"build_slides: {len(written)} decks → {args.out} in "
          f"{time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
