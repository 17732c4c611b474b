"""The ``accordmap`` command: check, list, build.

Exit codes: 0 success; 1 a report (or the index) could not be built or written; 2 bad data, bad
parameters or an unusable folder (nothing built).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accordmap import __version__, params
from accordmap.errors import DataErrors  # accordmap.load (pandas, geopandas) only when the data is read
from accordmap.paths import DATA_DIR, NOTEBOOKS_DIR, REPORTS_DIR

EXIT_FAILED_BUILD = 1
EXIT_BAD_INPUT = 2


def _print_data_errors(errors: DataErrors) -> None:
    print(f"accordmap: {len(errors.errors)} problem(s) in the data:", file=sys.stderr)
    for error in errors.errors:
        print(f"  {error}", file=sys.stderr)


def _load(args: argparse.Namespace, warnings: list | None = None):
    """The dataset, or None after printing every problem in it (``warnings`` receives the warnings)."""
    from accordmap.load import load_dataset  # weight: pandas and the models: only when the data is read

    try:
        return load_dataset(args.data, warnings)
    except DataErrors as errors:
        _print_data_errors(errors)
        return None


def cmd_check(args: argparse.Namespace) -> int:
    warnings: list = []
    dataset = _load(args, warnings)
    if warnings:  # worth fixing, but they do not fail the check
        print(f"accordmap: {len(warnings)} warning(s) (not errors):", *(f"  {w}" for w in warnings), sep="\n")
    if dataset is None:
        return EXIT_BAD_INPUT
    print(f"data OK: {len(dataset.agreements)} agreements, {len(dataset.actors)} actors, {len(dataset.events)} events, "
          f"{len(dataset.sources)} sources, {len(dataset.layers)} layers (data version {dataset.version})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    dataset = _load(args)
    if dataset is None:
        return EXIT_BAD_INPUT
    print("Agreements:")
    for agreement in sorted(dataset.agreements.values(), key=lambda a: a.date_signed):
        print(f"  {agreement.id:<16} {agreement.date_signed}  {agreement.short_title}")
    print("\nReports (notebooks/<notebook>) and their parameters:")
    for name, report in params.REPORTS.items():
        print(f"  {name:<13} {report['summary']}")
        for pname in params.public(name):
            p = params.PARAMETERS[pname]
            print(f"      {pname:<24} {p.kind:<13} default {p.default!r:<13} {p.help}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    # papermill, nbconvert and geopandas are imported only if something is to be built
    from accordmap.publish import progress  # weight: tqdm: only for a build
    from accordmap.publish.build import DEFAULT_JOBS, FolderError, build  # weight: the build stack: not for --help or check
    from accordmap.publish.runner import SchedulerError  # weight: papermill: only for a build

    if args.jobs is not None and args.jobs < 1:
        print("accordmap: --jobs must be 1 or more", file=sys.stderr)
        return EXIT_BAD_INPUT

    reporter = progress.for_stream(sys.stdout)
    try:
        chosen = args.report or list(params.REPORTS)
        raw = params.parse_cli_sweep(args.param or [], chosen)
        sweep = None
        if args.sweep is not None:
            from accordmap.publish.jobs import read_sweep_file  # weight: only for --sweep

            sweep = read_sweep_file(args.sweep.resolve(), chosen)
        summary = build(args.agreements or None, args.report or None, raw, out_dir=args.out, data_dir=args.data,
                        notebooks_dir=args.notebooks, progress=reporter, jobs=args.jobs or DEFAULT_JOBS,
                        sweep=sweep, force=args.force, dry_run=args.dry_run, scheduler=args.scheduler)
    except DataErrors as errors:
        _print_data_errors(errors)
        print("accordmap: nothing was built; fix the data and run again (accordmap check lists the problems).",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    except params.ParameterError as error:
        print(f"accordmap: {error}", file=sys.stderr)
        if "valid parameters" not in str(error):
            print(f"accordmap: valid parameters: {params.describe(args.report or list(params.REPORTS))}", file=sys.stderr)
        print("accordmap: nothing was built.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FolderError, SchedulerError) as error:
        print(f"accordmap: {error}", file=sys.stderr)
        print("accordmap: nothing was built.", file=sys.stderr)
        return EXIT_BAD_INPUT
    if summary.dry_run:
        return 0
    built = [o for o in summary.outcomes if o.ok]
    failed = [o for o in summary.outcomes if not o.ok]
    print(f"\n{len(built)} report(s) built, {len(failed)} failed; index: {summary.index or 'not updated'}")
    for outcome in failed:
        print(f"FAILED {outcome.job.relative_path}: {outcome.error}", file=sys.stderr)
        if outcome.failed_notebook:
            print(f"  executed notebook with the traceback: {outcome.failed_notebook}", file=sys.stderr)
        print("  the previously published report, if any, was left unchanged.", file=sys.stderr)
    if summary.index_error:
        print(f"accordmap: {summary.index_error}", file=sys.stderr)
        print("  the reports built above were published, but the index may not list them yet; the index and the"
              " manifest are each whole (the old or the new one) and list only reports that exist. Run the build"
              " again once the problem is fixed.", file=sys.stderr)
    return 0 if summary.ok else EXIT_FAILED_BUILD


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="accordmap", description=__doc__.splitlines()[0] + " Agreement data -> offline HTML reports.")
    root.add_argument("--version", action="version", version=f"accordmap {__version__}")
    sub = root.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--data", type=Path, default=DATA_DIR, help=f"data folder (default: {DATA_DIR})")
        p.set_defaults(func=func)
        return p

    add("check", "Validate every data file; list all problems as file:line: field: message (exit 2 on any).", cmd_check)
    add("list", "List the agreements, the reports and each report's parameters.", cmd_list)
    b = add("build", "Check the data, the parameters and the output folder, then build <out>/<agreement>/<report>.html "
            "and <out>/index.html.",
            cmd_build)
    b.add_argument("agreements", nargs="*", metavar="AGREEMENT", help="agreement ids (default: all)")
    b.add_argument("--report", action="append", choices=list(params.REPORTS),
                   help="build only this report (repeatable; default: all)")
    b.add_argument("-p", "--param", action="append", metavar="KEY=VALUE[,VALUE...]",
                   help="report parameter, e.g. -p zone_max_km=25 (see accordmap list); several values, "
                        "-p zone_max_km=15,20,25, build one report each (a sweep; several such -p: every combination)")
    b.add_argument("--sweep", type=Path, metavar="FILE.yaml",
                   help="build one report per parameter set listed in FILE.yaml, e.g. '- {zone_max_km: 25}'")
    b.add_argument("--force", action="store_true", help="rebuild every chosen report, even those that are up to date")
    b.add_argument("--dry-run", action="store_true",
                   help="print what would be built and why, and what is up to date; build nothing")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the notebooks on an existing Dask distributed cluster, e.g. tcp://10.0.0.5:8786 "
                        "(workers need accordmap installed and the data and notebooks at the same paths)")
    b.add_argument("--out", type=Path, default=REPORTS_DIR, help=f"output folder (default: {REPORTS_DIR})")
    b.add_argument("--notebooks", type=Path, default=NOTEBOOKS_DIR,
                   help=f"folder of the report notebooks, e.g. edited copies (default: {NOTEBOOKS_DIR})")
    b.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="local worker processes, each keeping one notebook kernel (default: CPUs, at most 4)")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
