"""Write student copies of the lessons: answers and instructor notes removed, outputs cleared.

For every lesson ``notebooks/NN_*.ipynb`` this writes a copy into a git-ignored folder (default
``build/student/``) with every cell tagged ``solution`` or ``instructor`` removed (nbconvert's
``TagRemovePreprocessor``) and every output and execution count cleared
(``ClearOutputPreprocessor``). The lessons themselves are never changed. Prose that mentions the
removed cells belongs in ``instructor`` cells, so a copy keeps no trace of what it lost
(tests/test_student.py checks that no copy contains the word "solution").

The copies import the helper package ``caspian`` like the lessons do, from the folder they sit in.
The output folder therefore gets a *relative* symlink ``caspian -> .../notebooks/caspian``;
``caspian.paths`` resolves the package's real location (``Path(__file__).resolve()``), so the
copies read ``data/`` from the repository through the link. A relative link keeps working when the
whole repository is moved or mounted elsewhere (Binder, a JupyterHub).

Usage::

    python scripts/make_student.py               # -> build/student/
    python scripts/make_student.py --out DIR     # -> DIR/
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PACKAGE = NOTEBOOKS / "caspian"
DEFAULT_OUT = ROOT / "build" / "student"
REMOVED_TAGS = frozenset({"solution", "instructor"})


def lessons() -> list[Path]:
    """The lesson notebooks, in order: ``notebooks/NN_*.ipynb``."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def student_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return ``nb`` without solution and instructor cells and without outputs (``nb`` is not
    changed)."""
    nb = nbformat.from_dict(nb)  # a deep copy
    resources: dict = {}
    remove = TagRemovePreprocessor(remove_cell_tags=set(REMOVED_TAGS), enabled=True)
    nb, resources = remove.preprocess(nb, resources)
    nb, resources = ClearOutputPreprocessor(enabled=True).preprocess(nb, resources)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def link_package(out: Path) -> Path:
    """Make ``out/caspian`` a relative symlink to the helper package; return the link."""
    link = out / "caspian"
    target = Path(os.path.relpath(PACKAGE, out))
    if link.is_symlink() or link.exists():
        if link.is_symlink() and link.resolve() == PACKAGE.resolve():
            return link
        raise FileExistsError(f"{link} exists and is not a link to {PACKAGE}; remove it first")
    try:
        link.symlink_to(target, target_is_directory=True)
    except OSError as exc:  # e.g. Windows without Developer Mode
        raise SystemExit(
            f"could not create the symlink {link} -> {target} ({exc}). On Windows, enable "
            "Developer Mode or run from WSL; the copies need it to import `caspian`.") from exc
    return link


def make_student(out: Path = DEFAULT_OUT) -> list[Path]:
    """Write a student copy of every lesson into ``out``; return the paths written."""
    out = Path(out).resolve()
    if out == NOTEBOOKS.resolve():
        raise ValueError("refusing to write student copies over the lessons in notebooks/")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in lessons():
        nb = student_copy(nbformat.read(path, as_version=4))
        target = out / path.name
        nbformat.write(nb, target)
        written.append(target)
    link_package(out)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for the copies (default: build/student/, git-ignored)")
    args = parser.parse_args(argv)
    written = make_student(args.out)
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} student copies in {Path(args.out).resolve()} "
          "(answers and instructor notes removed, outputs cleared; `caspian` linked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
