"""Time loading a million conflict events and joining them to every zone of Sochi 2018.

The events are SYNTHETIC: the real UCDP GED rows in data/events/ resampled with replacement to
1,000,000 rows, each moved by a random spatial jitter (normal, 0.02 degrees, about 2 km) and
given a new id. They are written to a temporary folder, read back and deleted; they are never
shipped and are no record of anything. Only the columns accordmap reads are written (a full GED
export has 41 columns; pandas skips the others, but still has to tokenise them).

In one invocation it times, as medians of ``--runs`` runs: reading and checking the file
(``accordmap.load.events.read_events``), the join (``accordmap.analysis.compliance.classify_events``,
against every zone and each of its variants, as reports count them) and the whole assessment with
every table. It reports the peak memory of the process (``ru_maxrss``)
and the machine. Goals on a 2-core machine: join at most 3 s, peak at most 1.5 GB (exit 1 if
missed). Timings are not asserted in tests: these machines are shared and noisy.

    .venv/bin/python benchmarks/bench_events.py [--events 1000000] [--runs 5] [--parquet]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from accordmap.analysis.compliance import assess, classify_events, zone_shapes
from accordmap.models.event_sets import FORMATS
from accordmap.load.events import event_catalog, read_events
from accordmap.geometry import build_geometry
from accordmap.load import load_dataset
from accordmap.paths import DATA_DIR

JOIN_GOAL_S = 3.0
MEMORY_GOAL_BYTES = 1.5e9
SET_ID = "ucdp-ged-syria-2016-2019"


def synthetic_events(n: int, seed: int = 1) -> pd.DataFrame:
    """n SYNTHETIC rows in UCDP GED columns: real rows resampled, jittered, renumbered."""
    event_set = event_catalog(DATA_DIR)[SET_ID]
    fmt = FORMATS["ucdp-ged"]
    columns = [*fmt.required, fmt.admin1]
    real = pd.read_csv(DATA_DIR / "events" / event_set.file, usecols=columns, keep_default_na=False, na_values=[""])
    rng = np.random.default_rng(seed)
    rows = real.iloc[rng.integers(0, len(real), n)].reset_index(drop=True)
    lon0, lat0, lon1, lat1 = event_set.region
    rows["longitude"] = np.clip(rows["longitude"] + rng.normal(0, 0.02, n), lon0, lon1).round(6)
    rows["latitude"] = np.clip(rows["latitude"] + rng.normal(0, 0.02, n), lat0, lat1).round(6)
    rows["id"] = np.arange(1, n + 1)
    return rows[columns]


def peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--parquet", action="store_true", help="also time a Parquet copy (needs pyarrow)")
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, pandas {pd.__version__}, shapely {shapely.__version__} "
          f"(GEOS {'.'.join(map(str, shapely.geos_version))})")

    dataset = load_dataset(DATA_DIR)
    geometry = build_geometry(dataset, dataset.agreements["sochi-2018"])
    event_set = event_catalog(DATA_DIR)[SET_ID]
    variants = zone_shapes(dataset, geometry)
    print(f"zones: {', '.join(z.name for z in geometry.zones)}; variants per zone: {[len(v) for v in variants]}")

    with tempfile.TemporaryDirectory(prefix="accordmap-bench-") as tmp:
        start = time.perf_counter()
        frame = synthetic_events(args.events)
        files = {"csv": Path(tmp) / "synthetic_events.csv"}
        frame.to_csv(files["csv"], index=False)
        if args.parquet:
            files["parquet"] = Path(tmp) / "synthetic_events.parquet"
            frame.to_parquet(files["parquet"], index=False)
        del frame
        print(f"wrote {args.events:,} SYNTHETIC events ({files['csv'].stat().st_size / 1e6:.0f} MB CSV) "
              f"in {time.perf_counter() - start:.1f} s, to {tmp} (deleted at the end)")

        for kind, path in files.items():
            loads, joins, wholes = [], [], []
            for _ in range(args.runs):
                seconds, events = timed(read_events, path, "ucdp-ged", dataset=SET_ID, region=event_set.region,
                                        coverage=event_set.coverage)
                loads.append(seconds)
                seconds, matches = timed(classify_events, events, geometry, variants=variants)
                joins.append(seconds)
                seconds, _ = timed(lambda frame=events: _every_table(assess(frame, geometry, event_set.coverage,
                                                                            event_set=event_set.title,
                                                                            variants=variants)))
                wholes.append(seconds)
            print(f"\n{kind}: {len(events):,} events, {len(matches):,} (event, zone) rows in a zone or a variant "
                  f"or placed too coarsely; medians of {args.runs} runs:")
            print(f"  load and check: {statistics.median(loads):.2f} s (min {min(loads):.2f}, max {max(loads):.2f})")
            print(f"  join:           {statistics.median(joins):.2f} s (min {min(joins):.2f}, max {max(joins):.2f})"
                  f"  goal <= {JOIN_GOAL_S:g} s")
            print(f"  join + tables:  {statistics.median(wholes):.2f} s (min {min(wholes):.2f}, max {max(wholes):.2f})")
            del events, matches

    peak = peak_rss_bytes()
    worst_join = statistics.median(joins)
    print(f"\npeak memory of the process (ru_maxrss): {peak / 1e9:.2f} GB  goal <= {MEMORY_GOAL_BYTES / 1e9:g} GB")
    ok = worst_join <= JOIN_GOAL_S and peak <= MEMORY_GOAL_BYTES
    print("goals met" if ok else "GOALS MISSED")
    return 0 if ok else 1


def _every_table(result) -> None:
    result.summary(), result.by_period(), result.by_month(), result.by_type(), result.by_side(), result.top_places()
    _ = result.headline.text


if __name__ == "__main__":
    sys.exit(main())
