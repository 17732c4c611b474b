"""Helpers shared by test modules (conftest.py holds the fixtures)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

TESTS_DIR = Path(__file__).parent
FIXTURES = TESTS_DIR / "fixtures"


def writable_copy(source: Path, target: Path) -> Path:
    """Copy a data folder so a test may edit it (the originals may be read-only)."""
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return target


def built_pages(agreements: list[str], amendments: list[str]) -> list[tuple[str, str]]:
    """(folder, report) of every page a build of these agreements makes: one per agreement for a
    report about an agreement, one per amending agreement for a report about an amendment."""
    from accordmap.params import REPORTS

    return [(a, r) for r, spec in REPORTS.items()
            for a in (amendments if spec.get("subject") == "amendment" else agreements)]


# the shipped data: Sochi 2018, and the Moscow 2020 protocol that amends it
DEFAULT_PAGES = built_pages(["sochi-2018", "moscow-2020"], ["moscow-2020"])
