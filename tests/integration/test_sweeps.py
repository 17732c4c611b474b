"""Scenario sweeps: -p lists (and their cross product) and --sweep files build one report per combination,
each with its own file name, listed on the index with its parameters."""

from __future__ import annotations

import json
import re

import pytest

from accordmap.publish import jobs
from accordmap.cli import main


@pytest.fixture(autouse=True)
def code_as_it_was(monkeypatch):
    """The code hash as at the start of the test: other work on src/ must not count as a change here."""
    version = jobs.code_version()
    monkeypatch.setattr(jobs, "code_version", lambda: version)


def plan(data, reports, lists=None, sets=None):
    return jobs.plan(jobs.scan(data), None, reports, lists or {}, sets or [], notebooks_dir=data)


def test_lists_make_the_cross_product_with_readable_stable_names(minimal_data):
    planned = plan(minimal_data, ["zone-map", "timeline"],
                   {"zone_min_km": ["2", "3"], "zone_max_km": ["4", "5.5", "5.50"], "basemap": ["none"]})
    names = sorted(job.output for job in planned)
    assert names == sorted([f"test-accord/zone-map--zone_min_km={a}--zone_max_km={b}.html"
                            for a in ("2", "3") for b in ("4", "5.5")] + ["test-accord/timeline.html"])
    # a single value (basemap) is a fixed parameter, not part of the name; the timeline takes none of them
    assert all(job.values["basemap"] == "none" for job in planned if job.report == "zone-map")
    again = plan(minimal_data, ["zone-map", "timeline"],
                 {"zone_min_km": ["2", "3"], "zone_max_km": ["4", "5.5"], "basemap": ["none"]})
    assert {j.output: j.identity for j in again} == {j.output: j.identity for j in planned}
    assert len({j.identity for j in planned}) == len(planned)


def test_a_value_that_is_not_file_name_safe_gets_a_hash(minimal_data):
    (job,) = plan(minimal_data, ["timeline"], sets=[{"as_of": "2020-02-01"}])
    assert job.output == "test-accord/timeline--as_of=2020-02-01.html"
    assert jobs.output_path("a", "zone-map", (("basemap", "Strange name/../x"),)).startswith("a/zone-map--basemap=x")


@pytest.mark.parametrize("content, message", [
    ("zone_max_km: 5\n", "expected a non-empty list of parameter sets"),
    ("- {zone_max_km: 5}\n- [1, 2]\n", "sweep.yaml:2: [1]: expected a mapping of parameter names to values"),
    ("- {zone_max_km: 5}\n- {zone_depth: 3}\n", "sweep.yaml:2: [1]: unknown parameter 'zone_depth'"),
    ("- {zone_max_km: [5, 6]}\n", "sweep.yaml:1: [0].zone_max_km: expected one value, not a list"),
    ("- {zone_max_km: 5\n", "malformed YAML"),
])
def test_bad_sweep_files_are_refused_before_anything_runs(content, message, minimal_data, tmp_path, capsys):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(content)
    out = tmp_path / "out"
    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--sweep", str(sweep)]) == 2
    err = capsys.readouterr().err
    assert message in err and "nothing was built" in err
    assert not out.exists()


def test_an_empty_value_in_a_list_is_refused(minimal_data, tmp_path, capsys):
    assert main(["build", "--data", str(minimal_data), "--out", str(tmp_path / "o"), "-p", "as_of=2020-02-01,"]) == 2
    assert "has an empty value in its list" in capsys.readouterr().err


def test_a_sweep_builds_one_report_per_combination_listed_on_the_index(minimal_data, tmp_path, capsys):
    out = tmp_path / "reports"
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text('- {as_of: "2020-03-01"}\n')
    # a value the data refuses is refused for the whole sweep, before anything runs
    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--report", "timeline",
                 "-p", "as_of=2020-01-20,1999-01-01"]) == 2
    assert not out.exists()
    capsys.readouterr()

    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--report", "timeline",
                 "-p", "as_of=2020-01-20,2020-02-15"]) == 0
    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--report", "timeline", "--sweep", str(sweep)]) == 0
    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--report", "timeline"]) == 0
    names = sorted(p.name for p in (out / "test-accord").glob("*.html"))
    assert names == ["timeline--as_of=2020-01-20.html", "timeline--as_of=2020-02-15.html",
                     "timeline--as_of=2020-03-01.html", "timeline.html"]

    early = (out / "test-accord" / "timeline--as_of=2020-01-20.html").read_text()
    late = (out / "test-accord" / "timeline--as_of=2020-03-01.html").read_text()
    assert "Timeline (as_of = 2020-01-20)</title>" in early and "2020-01-20" in early
    assert early != late

    index = (out / "index.html").read_text()
    rows = re.findall(r'<tr><th scope="row"><a href="([^"]+)">([^<]+)</a></th><td>(?:(?!</td>).)*</td><td>([^<]+)</td>', index, flags=re.S)
    assert rows == [("test-accord/timeline.html", "Timeline", "defaults"),
                    ("test-accord/timeline--as_of=2020-01-20.html", "Timeline (as_of = 2020-01-20)", "as_of = 2020-01-20"),
                    ("test-accord/timeline--as_of=2020-02-15.html", "Timeline (as_of = 2020-02-15)", "as_of = 2020-02-15"),
                    ("test-accord/timeline--as_of=2020-03-01.html", "Timeline (as_of = 2020-03-01)", "as_of = 2020-03-01")]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["test-accord/timeline--as_of=2020-02-15.html"]["variant"] == {"as_of": "2020-02-15"}

    # a sweep is incremental too: the same sweep again builds nothing
    capsys.readouterr()
    assert main(["build", "--data", str(minimal_data), "--out", str(out), "--report", "timeline",
                 "-p", "as_of=2020-01-20,2020-02-15"]) == 0
    assert "2 report(s) up to date" in capsys.readouterr().out
