"""Time the build against plain papermill, and measure report sizes.

Shared machines are noisy, so this reports ratios measured in one run (accordmap build of one
report against plain papermill executing the same notebook, the pair alternated) and medians of
several runs, with the machine it ran on. Goals: build overhead small next to notebook execution;
parallel jobs faster than one at a time; every report at most 1.5 MB.

    .venv/bin/python benchmarks/bench_build.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SIZE_GOAL = 1_500_000


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        ours = [str(BIN / "accordmap"), "build", "sochi-2018", "--report", "brief", "--out", f"{tmp}/reports"]
        plain = [str(BIN / "papermill"), "--no-progress-bar", "-k", "python3", "notebooks/brief.ipynb", f"{tmp}/plain.ipynb"]
        timed(ours), timed(plain)  # warm-up: imports and file caches
        pairs = [(timed(ours), timed(plain)) for _ in range(args.runs)]
        ratios = [a / b for a, b in pairs]
        print(f"accordmap build (brief): median {statistics.median(a for a, _ in pairs):.2f} s")
        print(f"plain papermill (brief): median {statistics.median(b for _, b in pairs):.2f} s")
        print(f"ratio ours/plain: median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})")

        serial = timed([str(BIN / "accordmap"), "build", "-j", "1", "--out", f"{tmp}/serial"])
        full = timed([str(BIN / "accordmap"), "build", "--out", f"{tmp}/all"])
        print(f"\nfull build (all agreements, all reports): {full:.1f} s with the default jobs, "
              f"{serial:.1f} s with -j 1 (ratio {full / serial:.2f}; one run each)")
        worst = 0
        for path in sorted(Path(tmp, "all").glob("*/*.html")):
            size = path.stat().st_size
            worst = max(worst, size)
            flag = "" if size <= SIZE_GOAL else "  OVER the 1.5 MB goal"
            print(f"  {path.parent.name}/{path.name}: {size / 1e6:.2f} MB{flag}")
    return 0 if worst <= SIZE_GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
