"""Shared fixtures: a temporary copy of data/ that a test may break without touching the real
one."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

# Solution cells call check(); in the test suite a wrong answer there must fail the notebook, not
# just print a cross. Kernels started by nbval inherit this environment.
os.environ["CASPIAN_STRICT_CHECKS"] = "1"
# Figures drawn by tests need no screen.
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


class DataCopy:
    """A copy of ``data/`` in a temp folder, with helpers to edit one table."""

    def __init__(self, folder: Path):
        self.dir = folder

    def rows(self, table: str) -> list[dict[str, str]]:
        with open(self.dir / f"{table}.csv", encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def write(self, table: str, rows: list[dict[str, str]], header: list[str] | None = None):
        header = header or list(rows[0])
        with open(self.dir / f"{table}.csv", "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)

    def edit(self, table: str, index: int, **changes: str) -> int:
        """Change cells of data row ``index`` (0-based); return its spreadsheet row number."""
        rows = self.rows(table)
        rows[index].update(changes)
        self.write(table, rows)
        return index + 2


@pytest.fixture
def data_copy(tmp_path) -> DataCopy:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return DataCopy(target)
