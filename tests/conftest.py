"""Shared fixtures: the real data (loaded once) and a one-time build of the default reports."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from accordmap.load import load_dataset
from accordmap.paths import DATA_DIR

TESTS_DIR = Path(__file__).parent
FIXTURES = TESTS_DIR / "fixtures"


@pytest.fixture(scope="session")
def dataset():
    return load_dataset(DATA_DIR)


@pytest.fixture(scope="session")
def sochi(dataset):
    return dataset.agreements["sochi-2018"]


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory):
    """Every default report, built once per test session through the real CLI entry point."""
    from accordmap.cli import main

    out = tmp_path_factory.mktemp("reports")
    code = main(["build", "--out", str(out)])
    assert code == 0, "accordmap build failed"
    return out


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of data/ for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    for path in target.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return target
