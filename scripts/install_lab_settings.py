"""Switch off JupyterLab's first-run prompts for this course: install the settings overrides.

JupyterLab 4 asks a new user "get notified about official Jupyter news?" in a pop-up, and checks
the web for updates. Neither helps a learner, and the second needs a network. JupyterLab reads
default-setting overrides from ``overrides.json`` in its application settings folder,
``{sys.prefix}/share/jupyter/lab/settings/`` (jupyterlab_server's ``app_settings_dir``), so this
script merges the course's ``scripts/assets/jupyterlab-overrides.json`` into that file:

* ``make lab`` runs it before starting JupyterLab (pip, ``.venv``);
* Binder runs it from the repository's ``postBuild``;
* with conda, run it once in the activated environment: ``python scripts/install_lab_settings.py``.

A learner can still change these settings (Settings → Notifications); overrides only change the
defaults. Settings the file already holds for other plugins are kept.

Usage::

    python scripts/install_lab_settings.py [--prefix PREFIX] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OVERRIDES = ROOT / "scripts" / "assets" / "jupyterlab-overrides.json"


def settings_dir(prefix: str | Path = sys.prefix) -> Path:
    """JupyterLab's application settings folder for the environment at ``prefix``."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings"


def install(prefix: str | Path = sys.prefix) -> Path:
    """Merge the course's overrides into ``overrides.json`` under ``prefix``; return its path.

    Raises
    ------
    SystemExit
        If an existing ``overrides.json`` is not valid JSON (it is left untouched).
    """
    target = settings_dir(prefix) / "overrides.json"
    wanted = json.loads(OVERRIDES.read_text(encoding="utf-8"))
    current: dict = {}
    if target.is_file():
        try:
            current = json.loads(target.read_text(encoding="utf-8") or "{}")
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{target}: not valid JSON ({exc}); fix or remove it, then rerun "
                             "this script") from None
    merged = dict(current)
    for plugin, values in wanted.items():
        merged[plugin] = {**current.get(plugin, {}), **values}
    if merged != current or not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default=sys.prefix,
                        help="the Python environment's prefix (default: this Python's)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    target = install(args.prefix)
    if not args.quiet:
        print(f"JupyterLab settings overrides: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
