"""The same jobs on a Dask distributed cluster (--scheduler): a LocalCluster on 127.0.0.1 builds the small
fixture; publishing (files, manifest, index) stays in this process."""

from __future__ import annotations

import json

import pytest

from accordmap.cli import main

distributed = pytest.importorskip("distributed")


@pytest.fixture
def cluster():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as local:
        yield local


def test_a_build_on_a_dask_cluster(cluster, minimal_data, tmp_path, capsys):
    out = tmp_path / "reports"
    code = main(["build", "--data", str(minimal_data), "--out", str(out), "--scheduler", cluster.scheduler_address,
                 "--report", "timeline", "--report", "stakeholders"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"building 2 report(s) on the Dask cluster at {cluster.scheduler_address}" in captured.out
    assert "Test accord: Timeline" in (out / "test-accord" / "timeline.html").read_text()
    assert "Test accord: Stakeholders" in (out / "test-accord" / "stakeholders.html").read_text()
    assert set(json.loads((out / "manifest.json").read_text())) == {"test-accord/timeline.html",
                                                                     "test-accord/stakeholders.html"}
    assert not (out / ".accordmap-tmp").exists()

    # incremental on the cluster too: nothing to do, nothing submitted
    code = main(["build", "--data", str(minimal_data), "--out", str(out), "--scheduler", cluster.scheduler_address,
                 "--report", "timeline", "--report", "stakeholders"])
    assert code == 0 and "2 report(s) up to date" in capsys.readouterr().out


def test_an_unreachable_scheduler_is_refused_before_anything_is_built(minimal_data, tmp_path, capsys):
    out = tmp_path / "reports"
    code = main(["build", "--data", str(minimal_data), "--out", str(out), "--scheduler", "tcp://127.0.0.1:9",
                 "--report", "timeline"])
    err = capsys.readouterr().err
    assert code == 2 and "--scheduler tcp://127.0.0.1:9: cannot connect" in err and "nothing was built" in err
    assert not (out / "test-accord").exists()
