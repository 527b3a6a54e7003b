"""Where the course's files live.

Every path is computed from this file's own location, never from the working directory, so a
lesson finds its data wherever Jupyter was started (the repository root, ``notebooks/``, Binder,
a JupyterHub).

Lessons only *read* from :data:`DATA_DIR`. Anything a lesson writes goes to :func:`output_dir`, a
git-ignored folder, so running a lesson never changes a tracked file.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR: Path = Path(__file__).resolve().parent
"""``notebooks/caspian/``: this helper package."""

NOTEBOOKS_DIR: Path = PACKAGE_DIR.parent
"""``notebooks/``: the lessons."""

ROOT: Path = NOTEBOOKS_DIR.parent
"""The repository root."""

DATA_DIR: Path = ROOT / "data"
"""``data/``: the course's tables (read-only for lessons)."""

GEO_DIR: Path = DATA_DIR / "geo"
"""``data/geo/``: the offline base-map layers."""

OUTPUT_DIR: Path = ROOT / "output"
"""``output/``: git-ignored scratch space for anything a learner chooses to save."""


def data_file(name: str) -> Path:
    """Return the path of a file in ``data/``, checking that it exists.

    Parameters
    ----------
    name : str
        File name relative to ``data/``, e.g. ``"events.csv"`` or ``"geo/countries.geojson"``.

    Returns
    -------
    pathlib.Path
        Absolute path to the file.

    Raises
    ------
    FileNotFoundError
        If the file is missing; the message names the folder that was searched.

    Examples
    --------
    >>> data_file("events.csv").name
    'events.csv'
    """
    path = DATA_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"data/{name} was not found in {DATA_DIR}. The course ships all its data in the "
            "repository: check the file name, or restore it with `git checkout -- data/`."
        )
    return path


def output_dir() -> Path:
    """Return the git-ignored ``output/`` folder, creating it if needed.

    Use it for anything you want to keep from a lesson (a figure, a filtered table); files saved
    there never show up as changes in git.
    """
    OUTPUT_DIR.mkdir(exist_ok=True)
    return OUTPUT_DIR
