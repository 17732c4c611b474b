"""Shared fixtures: the real data (loaded once) and a one-time build of the default reports."""

from __future__ import annotations

import pytest
from helpers import FIXTURES, writable_copy

from accordmap.load import load_dataset
from accordmap.paths import DATA_DIR

# notebooks under tests/fixtures are inputs of build tests, not notebooks for nbval to run
collect_ignore_glob = ["fixtures/*"]


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
    return writable_copy(DATA_DIR, tmp_path / "data")


@pytest.fixture
def minimal_data(tmp_path):
    """A writable copy of the small synthetic dataset in tests/fixtures/minimal/data."""
    return writable_copy(FIXTURES / "minimal" / "data", tmp_path / "data")
