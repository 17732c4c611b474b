"""Conflict-event files (UCDP GED, ACLED) -> one checked, normalised pandas frame.

``data/events/catalog.yaml`` lists the event sets (a small strict pydantic model: id, file,
format, credit, coverage dates, region, limits). The rows themselves are read with pandas (CSV,
CSV.gz or (Geo)Parquet), checked column by column, never row by row, and normalised to the
columns of :data:`EVENT_COLUMNS`, whatever their format (text columns other than ``id`` are pandas
categoricals). Every problem in a file is collected and raised together as
:class:`~accordmap.errors.DataErrors`, each one ``file:line: column: what is wrong (expected ...)``,
where ``line`` is the 1-based line of the file on which the row starts (the record number for
Parquet files, which have no lines). :func:`check_event_sets` is what ``accordmap check`` runs;
:func:`read_event_set` is what a build reads (cached per file while the file is unchanged).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable
import numpy as np
import pandas as pd
from accordmap.dataset import link_outside
from accordmap.errors import DataError, DataErrors
from accordmap.load.yamlfile import read_yaml, validate
from accordmap.models.event_sets import (
    CATALOG, EVENT_COLUMNS, EVENT_FILE_SUFFIXES, EventCatalog, EventFormat, EventSet, detect_format,
    expected_columns, FORMATS,
)
MAX_ROWS_PER_PROBLEM = 10  # rows listed for one problem in one column; the rest are counted


def _rel(path: Path, data_dir: Path) -> str:
    try:
        return str(path.relative_to(data_dir.parent))
    except ValueError:
        return str(path)


def _refused_link(path: Path, data_dir: Path) -> DataError | None:
    """A file reached through a link out of the data folder is never read (as for every data file)."""
    link = link_outside(path, data_dir)
    if link is None:
        return None
    what = "folder" if link.is_dir() else "file"
    return DataError(_rel(link, data_dir), None, f"({what})",
                     f"is a link to a {what} outside the data folder, which accordmap never reads "
                     f"(expected the {what} itself inside {_rel(data_dir, data_dir)})")


def _is_event_file(path: Path) -> bool:
    return path.is_file() and path.name.endswith(EVENT_FILE_SUFFIXES)


def _read_catalog(data_dir: Path) -> tuple[EventCatalog | None, list[DataError], set[str]]:
    """The catalog (None if unreadable), its problems, and the ids of the sets whose file cannot be read."""
    path = data_dir / CATALOG
    rel = _rel(path, data_dir)
    if not path.exists():
        return None, [DataError(rel, None, "(file)", "file is missing (expected a catalog of the event sets in "
                                                     f"{_rel(path.parent, data_dir)}, see the README)")], set()
    link = _refused_link(path, data_dir)
    if link is not None:
        return None, [link], set()
    doc, errors = read_yaml(path, rel)
    if doc is None:
        return None, errors, set()
    catalog, errors = validate(doc, rel, EventCatalog)
    if catalog is None:
        return None, errors, set()
    seen: dict[str, int] = {}
    unreadable: set[str] = set()
    for index, event_set in enumerate(catalog.event_sets):
        if event_set.id in seen:
            errors.append(DataError(rel, doc.line_of(("event_sets", index, "id")), f"event_sets[{index}].id",
                                    f"duplicate id {event_set.id!r} (expected each id once)"))
        seen[event_set.id] = index
        link = _refused_link(path.parent / event_set.file, data_dir)
        if link is not None:
            errors.append(link)
            unreadable.add(event_set.id)
        elif not (path.parent / event_set.file).exists():
            unreadable.add(event_set.id)
            errors.append(DataError(rel, doc.line_of(("event_sets", index, "file")), f"event_sets[{index}].file",
                                    f"file {event_set.file} does not exist in {_rel(path.parent, data_dir)} "
                                    "(expected the event file there)"))
    listed = {s.file for s in catalog.event_sets}
    for extra in sorted(p for p in path.parent.iterdir() if _is_event_file(p) and p.name not in listed):
        errors.append(DataError(_rel(extra, data_dir), None, "(file)",
                                f"no entry in {rel} (expected an event set with file: {extra.name}, or remove the file)"))
    return catalog, errors, unreadable


def event_catalog(data_dir: Path | str) -> dict[str, EventSet]:
    """The event sets of ``data_dir/events/catalog.yaml`` by id (none without an ``events/`` folder);
    raise DataErrors if it is wrong."""
    data_dir = Path(data_dir)
    if not (data_dir / CATALOG).parent.is_dir():
        return {}
    catalog, errors, _ = _read_catalog(data_dir)
    if errors:
        raise DataErrors(errors)
    return {s.id: s for s in catalog.event_sets}


# --- reading and checking one file ----------------------------------------------------------


def read_events(
    path: Path | str,
    format: str | None = None,
    *,
    dataset: str | None = None,
    region: tuple[float, float, float, float] | None = None,
    coverage: tuple[dt.date, dt.date] | None = None,
    name: str | None = None,
) -> pd.DataFrame:
    """Read, check and normalise one event file (CSV, CSV.gz or (Geo)Parquet).

    ``format`` is ``"ucdp-ged"`` or ``"acled"`` (None: recognised from the columns). ``region``
    (lon/lat box) and ``coverage`` (first, last day) are checked when given. ``name`` is how the
    file is called in messages (default: its path). Returns a frame with :data:`EVENT_COLUMNS`;
    raises :class:`DataErrors` listing every problem of the file at once.
    """
    path = Path(path)
    name = name or str(path)
    if format is not None and format not in FORMATS:
        raise DataErrors([DataError(name, None, "(format)", f"unknown format {format!r} (expected one of: "
                                                           f"{', '.join(FORMATS)}; the columns of each are {expected_columns()})")])
    if _is_parquet(path) and not _has_pyarrow():
        raise DataErrors([DataError(name, None, "(file)", "reading Parquet needs the pyarrow package, which is not "
                                                          "installed (expected pyarrow installed, or the file as CSV)")])
    try:
        columns = _columns(path)
    except Exception as exc:  # noqa: BLE001 - an unreadable file is reported, not raised as is
        raise DataErrors([DataError(name, None, "(file)", f"cannot be read ({_one_line(exc)}) "
                                                          "(expected a CSV, CSV.gz or Parquet file)")]) from None
    fmt = _choose_format(name, columns, format)
    rename = {c: c.lower() for c in columns} if fmt.lower_case_names else {}
    wanted = [*fmt.required, *([fmt.admin1] if fmt.admin1 else [])]
    present = [c for c in columns if rename.get(c, c) in wanted]
    try:
        raw = _read_table(path, present, text_columns=[c for c in present if rename.get(c, c) in _text_columns(fmt)])
    except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not raised as is
        line, byte = _first_bad_byte(path) if not _is_parquet(path) else (None, None)
        if byte is not None:  # the readers word this differently: say it one way, with its line
            raise DataErrors([DataError(name, line, "(file)", f"byte 0x{byte:02x} is not UTF-8 text "
                                                              "(expected a UTF-8 file)")]) from None
        raise DataErrors([DataError(name, _line_in_message(exc), "(file)",
                                    f"cannot be read ({_one_line(exc)}) (expected a well-formed CSV or Parquet file)")]) from None
    raw = raw.rename(columns=rename)
    frame, problems = _normalise(raw, fmt, dataset or fmt.name, region, coverage)
    if problems:
        raise DataErrors(_problems_to_errors(problems, path, name))
    return frame


def _text_columns(fmt: EventFormat) -> set[str]:
    text = {fmt.id, fmt.side_a, fmt.side_b, fmt.place, fmt.source, fmt.date_start, fmt.date_end, fmt.admin1}
    if fmt.type_codes is None:
        text.add(fmt.type)
    return {c for c in text if c}


def _has_pyarrow() -> bool:
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None


def _is_parquet(path: Path) -> bool:
    return path.name.endswith(".parquet")


def _columns(path: Path) -> list[str]:
    """The file's column names; a GeoParquet file without longitude/latitude gets them from its points."""
    if _is_parquet(path):
        import pyarrow.parquet as pq

        schema = pq.read_schema(path)
        names = list(schema.names)
        if b"geo" in (schema.metadata or {}):
            names += [c for c in ("longitude", "latitude") if c not in names]
        return names
    return [str(c) for c in pd.read_csv(path, nrows=0).columns]


def _read_table(path: Path, columns: list[str], text_columns: list[str]) -> pd.DataFrame:
    if _is_parquet(path):
        import pyarrow.parquet as pq

        stored = set(pq.read_schema(path).names)
        frame = pd.read_parquet(path, columns=[c for c in columns if c in stored])
        if {"longitude", "latitude"} - stored:  # GeoParquet: the coordinates of its points
            import geopandas as gpd

            points = gpd.read_parquet(path).geometry.to_crs(4326)
            frame = frame.assign(longitude=points.x.to_numpy(), latitude=points.y.to_numpy())
        return frame
    # only empty cells are missing: a side or a place called "NA" or "None" stays text. pyarrow's
    # reader, where installed, is faster and gives the Arrow-backed text pandas then uses anyway.
    return pd.read_csv(path, usecols=columns, dtype={c: str for c in text_columns},
                       keep_default_na=False, na_values=[""], engine="pyarrow" if _has_pyarrow() else "c")


def _choose_format(name: str, columns: list[str], declared: str | None) -> EventFormat:
    detected = detect_format(columns)
    if declared is None:
        if detected is None:
            raise DataErrors([DataError(name, 1, "(columns)",
                                        f"unknown event format: the columns are {', '.join(columns[:12])}"
                                        f"{', ...' if len(columns) > 12 else ''} (expected the columns of one of: "
                                        f"{expected_columns()})")])
        return FORMATS[detected]
    fmt = FORMATS[declared]
    if detected is not None and detected != declared:
        other = FORMATS[detected]
        raise DataErrors([DataError(name, 1, "(columns)",
                                    f"the columns are those of {other.title}, not {fmt.title} (expected "
                                    f"format: {detected} for this file, or a file with the {fmt.title} columns "
                                    f"{', '.join(fmt.required)})")])
    names = {c.lower() for c in columns} if fmt.lower_case_names else set(columns)
    missing = [c for c in fmt.required if c not in names]
    if missing:
        raise DataErrors([DataError(name, 1, column, f"column missing (expected a column named {column!r} in a "
                                                     f"{fmt.title} file, format {fmt.name})")
                          for column in missing])
    return fmt


@dataclass
class _Problem:
    """One kind of problem in one column, and the rows (0-based records) that have it."""

    column: str
    rows: np.ndarray
    message: Callable[[int], str]  # record -> 'what is wrong (expected ...)'
    related: np.ndarray | None = None  # other records a message names as {line_of_record_N}


def _normalise(raw: pd.DataFrame, fmt: EventFormat, dataset: str,
               region: tuple[float, float, float, float] | None,
               coverage: tuple[dt.date, dt.date] | None) -> tuple[pd.DataFrame, list[_Problem]]:
    """Check every column at once and build the normalised frame."""
    problems: list[_Problem] = []
    n = len(raw)

    def add(column: str, mask: np.ndarray | pd.Series, message: Callable[[int], str],
            related: np.ndarray | None = None) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            problems.append(_Problem(column, np.flatnonzero(mask), message, related))

    def show(column: str, record: int) -> str:
        return _show(raw[column].iat[record])

    def text(column: str | None, required: bool) -> pd.Categorical:
        """A text column as a categorical of stripped values ('' where empty); each distinct value stripped once."""
        if column is None or column not in raw.columns:
            return pd.Categorical.from_codes(np.zeros(n, "int8"), [""])
        codes, uniques = pd.factorize(raw[column])
        stripped = pd.Index(uniques).astype("str").str.strip().to_numpy(object)
        values = pd.Categorical(np.append(stripped, ""))  # the last one stands for empty cells
        result = values.take(np.where(codes < 0, len(stripped), codes))
        if "" not in stripped and not (codes < 0).any():
            result = result.remove_categories("")  # no empty cell: keep the categories to the values
        if required:
            add(column, np.asarray(result == ""), lambda r: "empty (expected a value)")
        return result

    def integer(column: str, codes: dict | None = None, meaning: str = "") -> pd.Series:
        numbers = pd.to_numeric(raw[column], errors="coerce")
        expected = f"one of the codes {meaning}" if codes else "a whole number"
        missing = raw[column].isna().to_numpy()
        add(column, missing, lambda r: f"empty (expected {expected})")
        whole = (numbers % 1 == 0).to_numpy()
        add(column, ~missing & ~whole, lambda r: f"{show(column, r)} is not a whole number (expected {expected})")
        if codes is not None:
            add(column, whole & ~numbers.isin(list(codes)).to_numpy(),
                lambda r: f"{show(column, r)} is not a {column} code (expected {expected})")
        return numbers

    def date(column: str) -> pd.Series:
        codes, uniques = pd.factorize(raw[column])  # a few thousand distinct days: parse each once
        values = pd.Index(uniques).astype("str").str.strip()
        parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        if fmt.name == "acled":  # ACLED's own exports also write '15 September 2018'
            parsed = parsed.where(parsed.notna(), pd.to_datetime(values, format="%d %B %Y", errors="coerce"))
        days = np.append(parsed.to_numpy("datetime64[ns]"), np.datetime64("NaT", "ns"))
        result = pd.Series(days[np.where(codes < 0, len(parsed), codes)], index=raw.index)
        missing = codes < 0
        add(column, missing, lambda r: "empty (expected a date, YYYY-MM-DD)")
        add(column, result.isna().to_numpy() & ~missing,
            lambda r: f"{show(column, r)} is not a date that exists (expected YYYY-MM-DD)")
        return result

    def degrees(column: str, limit: float) -> pd.Series:
        numbers = pd.to_numeric(raw[column], errors="coerce").astype("float64")
        missing = raw[column].isna().to_numpy()
        add(column, missing, lambda r: "empty (expected decimal degrees)")
        add(column, numbers.isna().to_numpy() & ~missing,
            lambda r: f"{show(column, r)} is not a number (expected decimal degrees)")
        add(column, (numbers.abs() > limit).to_numpy(),
            lambda r: f"{show(column, r)} is not a {column} (expected decimal degrees from -{limit:g} to {limit:g})")
        return numbers

    ids = raw[fmt.id].astype("str").where(raw[fmt.id].notna(), "")  # kept as written: ids are not stripped
    add(fmt.id, (ids == "").to_numpy(), lambda r: "empty (expected a value)")
    duplicated = (ids.duplicated(keep="first") & (ids != "")).to_numpy()
    if duplicated.any():
        first = pd.Series(np.arange(n), index=ids.to_numpy()).groupby(level=0).min()
        add(fmt.id, duplicated, lambda r: f"duplicate id {ids.iat[r]!r} (expected each id once; "
                                          f"first on line {{line_of_record_{int(first[ids.iat[r]])}}})",
            related=first[ids[duplicated]].to_numpy())

    start = date(fmt.date_start)
    end = date(fmt.date_end) if fmt.date_end else start
    if fmt.date_end:
        add(fmt.date_end, (end < start).to_numpy(),
            lambda r: f"{show(fmt.date_end, r)} is before {fmt.date_start} {show(fmt.date_start, r)} "
                      f"(expected {fmt.date_end} on or after {fmt.date_start})")
    if coverage is not None:
        first_day, last_day = (pd.Timestamp(d) for d in coverage)
        add(fmt.date_start, ((start < first_day) | (start > last_day)).to_numpy(),
            lambda r: f"{show(fmt.date_start, r)} is outside the set's coverage {coverage[0]} - {coverage[1]} "
                      "(expected a date within it: fix the row or coverage_start/coverage_end in the catalog)")

    date_code = integer(fmt.date_precision, fmt.date_codes, fmt.date_code_help)
    where_code = integer(fmt.location_precision, fmt.location_codes, fmt.location_code_help)
    lon, lat = degrees(fmt.lon, 180), degrees(fmt.lat, 90)
    if region is not None:
        lon0, lat0, lon1, lat1 = region
        valid = (lon.abs() <= 180) & (lat.abs() <= 90)  # NaN compares False: unreadable points are reported above
        outside = (valid & ~(lon.between(lon0, lon1) & lat.between(lat0, lat1))).to_numpy()
        swapped = lat.between(lon0, lon1) & lon.between(lat0, lat1)
        add(fmt.lon, outside,
            lambda r: f"point ({lon.iat[r]}, {lat.iat[r]}) lies outside the set's region {list(region)}"
                      f"{' - are longitude and latitude swapped?' if swapped.iat[r] else ''} "
                      "(expected lon/lat inside the region set in the catalog)")

    if fmt.type_codes is not None:
        type_code = integer(fmt.type, fmt.type_codes, ", ".join(f"{k} {v}" for k, v in fmt.type_codes.items()))
        kind = pd.Categorical(type_code.map(fmt.type_codes).fillna(""))
    else:
        kind = text(fmt.type, required=True)

    checked: dict[str, pd.Series] = {}
    counts: dict[str, pd.Series] = {}
    for label, column in zip(("best", "low", "high"), fmt.deaths):
        if column not in checked:  # ACLED's one fatalities column serves all three
            checked[column] = integer(column)
            add(column, (checked[column] < 0).to_numpy(),
                lambda r, c=column: f"{show(c, r)} is negative (expected a number of deaths, 0 or more)")
        counts[label] = checked[column]

    side_a = text(fmt.side_a, required=True)
    side_b = text(fmt.side_b, required=fmt.side_b_required)
    place = text(fmt.place, required=False)
    source = text(fmt.source, required=False)
    admin1 = text(fmt.admin1, required=False)

    if problems:
        return pd.DataFrame(columns=list(EVENT_COLUMNS)), problems

    def recode(codes: pd.Series, mapping: dict[int, int]) -> np.ndarray:
        table = np.zeros(max(mapping) + 1, "int8")
        table[list(mapping)] = list(mapping.values())
        return table[codes.to_numpy("int64")]

    frame = pd.DataFrame({
        "id": ids.to_numpy(),
        "dataset": pd.Categorical([dataset] * n) if n else pd.Categorical([], categories=[dataset]),
        "date_start": start.to_numpy(),
        "date_end": end.to_numpy(),
        "date_precision": recode(date_code, fmt.date_codes),
        "date_precision_code": date_code.to_numpy("int8"),
        "lon": lon.to_numpy("float64"),
        "lat": lat.to_numpy("float64"),
        "location_precision": recode(where_code, fmt.location_codes),
        "location_precision_code": where_code.to_numpy("int8"),
        "type": kind,
        "side_a": side_a,
        "side_b": side_b,
        "deaths_best": counts["best"].to_numpy("int64"),
        "deaths_low": counts["low"].to_numpy("int64"),
        "deaths_high": counts["high"].to_numpy("int64"),
        "place": place,
        "admin1": admin1,
        "source": source,
    })
    return frame, []


def _problems_to_errors(problems: list[_Problem], path: Path, name: str) -> list[DataError]:
    """Each problem's first rows as DataErrors (with file lines), the rest counted in one more line."""
    shown = {int(r) for p in problems for r in p.rows[:MAX_ROWS_PER_PROBLEM + 1]}
    shown |= {int(r) for p in problems if p.related is not None for r in p.related[:MAX_ROWS_PER_PROBLEM + 1]}
    lines = _record_lines(path, sorted(shown))
    placeholder = re.compile(r"\{line_of_record_(\d+)\}")

    def message(problem: _Problem, record: int) -> str:
        return placeholder.sub(lambda m: str(lines.get(int(m.group(1)), "?")), problem.message(record))

    errors: list[tuple[int, int, DataError]] = []
    for order, problem in enumerate(problems):
        for record in problem.rows[:MAX_ROWS_PER_PROBLEM]:
            errors.append((int(record), order, DataError(name, lines.get(int(record)), problem.column, message(problem, int(record)))))
        rest = len(problem.rows) - MAX_ROWS_PER_PROBLEM
        if rest > 0:
            record = int(problem.rows[MAX_ROWS_PER_PROBLEM])
            errors.append((record, order, DataError(
                name, lines.get(record), problem.column,
                f"{rest} more rows from here on have the same problem as the {MAX_ROWS_PER_PROBLEM} above, "
                f"e.g. {message(problem, record)}")))
    return [error for _, _, error in sorted(errors, key=lambda item: (item[0], item[1]))]


def _record_lines(path: Path, records: list[int]) -> dict[int, int]:
    """1-based file line on which each of the given 0-based records starts (Parquet: record number)."""
    if not records:
        return {}
    if _is_parquet(path):
        return {r: r + 1 for r in records}
    wanted, last = set(records), max(records)
    found: dict[int, int] = {}
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)  # header
        record, line = 0, reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num
            if not row:
                continue  # pandas skips blank lines too
            if record in wanted:
                found[record] = start
            if record == last:
                break
            record += 1
    return found


def _show(value: object) -> str:
    """A cell as a message shows it: text quoted, 3.0 as 3."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _first_bad_byte(path: Path) -> tuple[int | None, int | None]:
    """Line and value of the first byte that is not UTF-8, if any (the error path only: reads the whole file)."""
    try:
        with (gzip.open if path.name.endswith(".gz") else open)(path, "rb") as handle:
            data = handle.read()
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1, data[exc.start]
    except OSError:  # e.g. not gzip after all: reported as it is
        pass
    return None, None


def _line_in_message(exc: BaseException) -> int | None:
    """pandas' parser errors say 'line N'; use it as the line."""
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else None


# --- the event sets of a data folder --------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _read_cached(path: str, stamp: tuple[int, int], event_set_json: str, name: str) -> pd.DataFrame:
    event_set = EventSet.model_validate_json(event_set_json)
    return read_events(path, event_set.format, dataset=event_set.id, region=event_set.region,
                       coverage=event_set.coverage, name=name)


def _read_set(data_dir: Path, event_set: EventSet) -> pd.DataFrame:
    path = (data_dir / CATALOG).parent / event_set.file
    stat = path.stat()
    frame = _read_cached(str(path.resolve()), (stat.st_mtime_ns, stat.st_size), event_set.model_dump_json(),
                         _rel(path, data_dir))
    return frame.copy(deep=False)  # copy-on-write: a caller's change never reaches the cache


def read_event_set(data_dir: Path | str, set_id: str) -> pd.DataFrame:
    """The normalised, checked events of one catalogued set (cached per file while it is unchanged).

    Raises :class:`DataErrors` if the catalog or the file is wrong, or no set has that id.
    """
    data_dir = Path(data_dir)
    sets = event_catalog(data_dir)
    if set_id not in sets:
        raise DataErrors([DataError(_rel(data_dir / CATALOG, data_dir), None, "event_sets",
                                    f"no event set with id {set_id!r} (expected one of: {', '.join(sets) or 'none listed'})")])
    return _read_set(data_dir, sets[set_id])


def check_event_sets(data_dir: Path | str) -> list[DataError]:
    """Every problem of ``data_dir/events/``: the catalog, then each file (empty list: all good).

    A data folder without an ``events/`` folder has no event sets, which is not a problem.
    """
    data_dir = Path(data_dir)
    if not (data_dir / CATALOG).parent.is_dir():
        return []
    catalog, errors, unreadable = _read_catalog(data_dir)
    if catalog is None:
        return errors
    for event_set in catalog.event_sets:
        if event_set.id in unreadable:
            continue  # reported above
        try:
            _read_set(data_dir, event_set)
        except DataErrors as exc:
            errors.extend(exc.errors)
    return errors
