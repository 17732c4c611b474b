"""The command line: help for every command, check and list, and errors that say what to do."""

import subprocess
import sys

import pytest

from accordmap.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "accordmap", *args], capture_output=True, text=True)


@pytest.mark.parametrize("command", [[], ["check"], ["list"], ["build"]])
def test_help(command):
    result = run(*command, "--help")
    assert result.returncode == 0 and "usage: accordmap" in result.stdout


def test_check_passes_on_the_shipped_data(capsys):
    assert main(["check"]) == 0
    assert "data OK: " in capsys.readouterr().out


def test_list_shows_agreements_reports_and_parameters(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for word in ["sochi-2018", "moscow-2020", "brief", "zone-map", "timeline", "stakeholders",
                 "zone_min_km", "as_of", "basemap"]:
        assert word in out
