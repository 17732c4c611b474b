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
