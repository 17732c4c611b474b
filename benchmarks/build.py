"""Time the build in six scenarios, print one table (medians of several runs, one invocation) with the
machine, and check report sizes.

    .venv/bin/python benchmarks/build.py [--runs 3] [--naive-runs 1]

Scenarios, all on a copy of data/ (every report of every agreement unless said otherwise):
 1. naive: ``papermill`` then ``jupyter nbconvert --to html --no-input`` (the CLIs), one notebook at a time;
 2. ``accordmap build --force`` (default -j);
 3. ``accordmap build`` with nothing to do (no-op);
 4. ``accordmap build`` after one agreement file changed (its reports, and those of related agreements);
 5. a sweep of 12 scenario reports: ``sochi-2018 --report zone-map -p zone_max_km=20,...,31 --force``;
 6. the floor: the notebooks' own cells (the same src/ calls) run in one plain Python process.
Ratios: 1/2, 2/6 and 5/6 (for 5/6, the floor of the 12 sweep reports). Goals on a 2-core machine:
2 at least 3x faster than 1 and at most 3x 6; 3 at most 0.5 s; 4 rebuilds only the touched
agreement's reports and those of agreements it amends or that amend it. Each report at most 1.5 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SIZE_GOAL = 1_500_000
SWEEP = ",".join(str(km) for km in range(20, 32))  # 12 values

FLOOR = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    jobs = json.loads(sys.argv[1])
    for notebook, values in jobs:
        cells = json.loads(Path(notebook).read_text())["cells"]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"][1:]
        scope = dict(values)
        for source in code:
            *body, last = source.strip().splitlines()
            exec("\\n".join(body), scope)
            str(eval(last, scope))  # what the cell displays, as text (folium maps render their HTML)
""")


def timed(command: list[str], **kwargs) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed, result.stdout


def planned_jobs(data: Path, agreements=None, reports=None, lists=None) -> list[tuple[str, dict]]:
    sys.path.insert(0, str(ROOT / "src"))
    from accordmap.publish import jobs
    from accordmap.paths import NOTEBOOKS_DIR

    planned = jobs.plan(jobs.scan(data), agreements, reports, lists or {}, [], notebooks_dir=NOTEBOOKS_DIR)
    return [(str(j.notebook), {k: jobs.jsonable(v) for k, v in j.values.items()}) for j in planned]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of scenarios 2-6 (median)")
    parser.add_argument("--naive-runs", type=int, default=1, help="runs of scenario 1, the slowest (median)")
    args = parser.parse_args()
    accordmap = str(BIN / "accordmap")
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, {platform.processor() or '?'}, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    rows: dict[str, list[float]] = {}
    notes: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "data"
        shutil.copytree(ROOT / "data", data)
        out = tmp / "reports"
        base = [accordmap, "build", "--data", str(data), "--out", str(out)]
        jobs = planned_jobs(data)

        naive = []
        for _ in range(args.naive_runs):
            start = time.perf_counter()
            for i, (notebook, values) in enumerate(jobs):
                executed = tmp / f"naive-{i}.ipynb"
                command = [str(BIN / "papermill"), "--no-progress-bar", "-k", "python3", notebook, str(executed)]
                for name, value in values.items():
                    if value is not None:
                        command += ["-p" if not isinstance(value, str) else "-r", name, str(value)]
                timed(command)
                timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
            naive.append(time.perf_counter() - start)
        rows["1 naive papermill + nbconvert CLI"] = naive
        notes["1 naive papermill + nbconvert CLI"] = f"{len(jobs)} notebooks, one at a time"

        rows["2 accordmap build --force"] = [timed([*base, "--force"])[0] for _ in range(args.runs)]
        notes["2 accordmap build --force"] = f"{len(jobs)} reports, -j default"
        rows["3 no-op accordmap build"] = [timed(base)[0] for _ in range(args.runs)]
        touched, rebuilt = [], set()
        for run in range(args.runs):
            with open(data / "agreements" / "moscow-2020.yaml", "a", encoding="utf-8") as handle:
                handle.write(f"# benchmark edit {run}\n")
            seconds, output = timed(base)
            touched.append(seconds)
            rebuilt |= set(re.findall(r"^build (\S+): ", output, flags=re.M))
        rows["4 after editing moscow-2020.yaml"] = touched
        notes["4 after editing moscow-2020.yaml"] = f"rebuilt {len(rebuilt)}: {', '.join(sorted(rebuilt))}"
        sweep = [*base, "sochi-2018", "--report", "zone-map", "-p", f"zone_max_km={SWEEP}", "--force"]
        rows["5 sweep of 12 zone-map reports"] = [timed(sweep)[0] for _ in range(args.runs)]
        rows["6 floor: same src/ calls, one process"] = [
            timed([sys.executable, "-c", FLOOR, json.dumps(jobs)])[0] for _ in range(args.runs)]
        notes["6 floor: same src/ calls, one process"] = "cells executed in-process, no kernel, no HTML export"
        sweep_jobs = planned_jobs(data, ["sochi-2018"], ["zone-map"], {"zone_max_km": SWEEP.split(",")})
        floor_sweep = [timed([sys.executable, "-c", FLOOR, json.dumps(sweep_jobs)])[0] for _ in range(args.runs)]

        median = {name: statistics.median(values) for name, values in rows.items()}
        width = max(len(name) for name in rows)
        print(f"\n{'scenario':<{width}}  {'median s':>9}  {'runs':>4}  notes")
        for name, values in rows.items():
            print(f"{name:<{width}}  {median[name]:>9.2f}  {len(values):>4}  {notes.get(name, '')}")
        m = list(median.values())
        print(f"\nratio 1/2 = {m[0] / m[1]:.2f}  (goal >= 3)")
        print(f"ratio 2/6 = {m[1] / m[5]:.2f}  (goal <= 3)")
        print(f"ratio 5/6 = {m[4] / statistics.median(floor_sweep):.2f}  (5 against the floor of the same 12 reports, "
              f"{statistics.median(floor_sweep):.2f} s)")
        print(f"no-op = {m[2]:.2f} s  (goal <= 0.5 s)")

        worst = 0
        for path in sorted(out.glob("*/*.html")):
            if "--" in path.name:
                continue
            size = path.stat().st_size
            worst = max(worst, size)
            print(f"  {path.parent.name}/{path.name}: {size / 1e6:.2f} MB{'' if size <= SIZE_GOAL else '  OVER the 1.5 MB goal'}")
    return 0 if worst <= SIZE_GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
