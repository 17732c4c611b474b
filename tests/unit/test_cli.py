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


def test_build_refuses_unknown_parameter_before_running_anything(tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path), "-p", "zone_depth=3"]) == 2
    err = capsys.readouterr().err
    assert "unknown parameter 'zone_depth'" in err and "zone_min_km" in err and "nothing was built" in err
    assert not any(tmp_path.iterdir())


def test_build_refuses_bad_data_before_running_anything(tmp_path, data_copy, capsys):
    (data_copy / "events.yaml").write_text("events: [", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--data", str(data_copy), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "data/events.yaml:1: (yaml): malformed YAML" in err and "nothing was built" in err
    assert not out.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["-p", "zone_min_km=wide"], "zone_min_km='wide' is not a valid number"),
        (["-p", "zone_min_km=30"], "zone_min_km (30) is larger than zone_max_km (20)"),
        (["-p", "corridor_half_width_km=-1"], "corridor_half_width_km=-1 is impossible"),
        (["-p", "as_of=1999-01-01"], "as_of 1999-01-01 is outside the data"),
        (["-p", "zone_max_km"], "is not NAME=VALUE"),
        (["nowhere-1999"], "agreement 'nowhere-1999' not found"),
    ],
)
def test_build_refuses_bad_values_with_the_valid_parameters(args, message, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "valid parameters: agreement" in err
    assert not out.exists()
