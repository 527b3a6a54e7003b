"""Lets ``import caspian`` work in a kernel started at the repository root.

The course's helper package lives in ``notebooks/caspian/``, next to the lessons, so a kernel
started in ``notebooks/`` (every lesson's own kernel) imports it with no install step. A kernel
or console started here, at the repository root, finds this file instead: it puts
``notebooks/`` on ``sys.path`` and hands over to the real package, so ``import caspian`` and
``from caspian import data`` give the same modules wherever the kernel starts. It is a plain
file, so it works on Windows, in a pip venv, with conda, on Binder and on a JupyterHub.
"""

import importlib
import sys
from pathlib import Path

_NOTEBOOKS = str(Path(__file__).resolve().parent / "notebooks")
if _NOTEBOOKS not in sys.path:
    sys.path.insert(0, _NOTEBOOKS)
del sys.modules[__name__]  # forget this shim, so the next line finds notebooks/caspian/
sys.modules[__name__] = importlib.import_module(__name__)
