"""Conflict events + an agreement's zones -> events and deaths inside them, as ranges, by period.

The event frame (:data:`accordmap.load.events.EVENT_COLUMNS`) is projected once to the agreement's
metric CRS and joined to every zone and corridor of :class:`~accordmap.geometry.AgreementGeometry`.

Two rules make the figures honest:

* **Precision.** Only events placed at a known place or within about 25 km of one
  (``location_precision <= min_precision``, 2 by default: UCDP ``where_prec`` 1-2, ACLED
  ``geo_precision`` 1-2) can be inside a zone. Coarser ones (a district's or the country's
  centroid) are never inside: those whose point falls in or near a zone are counted apart as
  ``not-precise``.
* **Uncertain edges.** A zone's edge is only known to within the typical error of the line it
  was drawn from (``AgreementGeometry.accuracy_km``, e.g. 6.3 km). Each precise event is
  ``inside`` a zone (in it and farther than that error from its boundary), at its ``edge``
  (within the error of the boundary, on either side) or outside. Every figure is a range:
  low = inside, high = inside + edge.

Periods are whole days and include both their first and last day. A deadline day belongs to the
period that ends with it: an event on 10 Oct 2018, the deadline "by 10 October" for heavy
weapons, counts in "signing to 10 Oct 2018", not after it. The signing day belongs to the first
period after signing. Events are dated by their ``date_start``.

:func:`assess` returns a :class:`Compliance`, whose methods give pandas DataFrames (summary, by
period, by month, by type, by side, top places) and whose :attr:`~Compliance.headline` is a small
dataclass, with :class:`Coverage` saying plainly when the event set does not cover the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from accordmap import models
from accordmap.load.events import event_catalog, read_event_set
from accordmap.geometry import AgreementGeometry, Zone
from accordmap import params
from accordmap.models.event_sets import EventSet
from accordmap.dataset import Dataset
from accordmap.models import dates


POSITIONS = ("inside", "edge", "not-precise")  # values of the matches' `position` column
DEFAULT_MIN_PRECISION = 2  # exact place or within about 25 km (see events.EVENT_COLUMNS)

#: Columns every aggregate frame has after its keys. Deaths ranges add up, for each event, the
#: smallest and the largest of its low, best and high figures (UCDP publishes some rows whose best
#: lies outside low-high).
FIGURE_COLUMNS: dict[str, str] = {
    "events_low": "events inside the zone, farther than the edge error from its boundary",
    "events_high": "events inside, plus those within the edge error of the boundary (either side)",
    "deaths_best_low": "sum of the best estimates of deaths, events inside",
    "deaths_best_high": "sum of the best estimates of deaths, events inside or at the edge",
    "deaths_low": "sum of each event's smallest estimate, events inside",
    "deaths_high": "sum of each event's largest estimate, events inside or at the edge",
}


# --- the join -------------------------------------------------------------------------------


def classify_events(
    events: pd.DataFrame,
    geometry: AgreementGeometry,
    *,
    min_precision: int = DEFAULT_MIN_PRECISION,
    edge_km: float | None = None,
) -> pd.DataFrame:
    """Join events to every zone: one row per (event, zone) where the event is inside the zone,
    at its edge, or placed too coarsely but with its point in or within ``edge_km`` of the zone.

    ``edge_km`` is the uncertainty of the zones' edges (None: ``geometry.accuracy_km``, or 0 when
    the layers give none). Returns the event's columns plus ``event_row`` (its position in
    ``events``), ``zone`` (the zone's name), ``provision``, ``zone_index`` and ``position``
    (``inside``, ``edge`` or ``not-precise``).
    """
    _require(events, ["lon", "lat", "location_precision"])
    if not 1 <= int(min_precision) <= 7:
        raise ValueError(f"min_precision {min_precision!r} is not a location precision (expected 1 to 7, "
                         "2 = within about 25 km)")
    edge_m = 1000.0 * float((geometry.accuracy_km or 0.0) if edge_km is None else edge_km)
    if edge_m < 0:
        raise ValueError(f"edge_km {edge_km!r} is negative (expected 0 or more km)")

    # project once, to the metric CRS of the zones
    lon, lat = events["lon"].to_numpy("float64"), events["lat"].to_numpy("float64")
    x, y = Transformer.from_crs(4326, geometry.crs, always_xy=True).transform(lon, lat)
    precise = events["location_precision"].to_numpy() <= int(min_precision)

    parts = []
    for index, zone in enumerate(geometry.zones):
        rows, position = _classify(zone.geometry, x, y, precise, edge_m)
        parts.append(pd.DataFrame({"event_row": rows, "zone_index": np.full(rows.size, index, "int16"),
                                   "position": position}))
    pairs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {"event_row": np.empty(0, "int64"), "zone_index": np.empty(0, "int16"), "position": np.empty(0, "int8")})
    matches = events.iloc[pairs["event_row"].to_numpy()].reset_index(drop=True)
    names = zone_names(geometry)
    zone_index = pairs["zone_index"].to_numpy()
    provisions = np.array([z.provision_id for z in geometry.zones] or [""], dtype=object)
    matches.insert(0, "position", pd.Categorical.from_codes(pairs["position"].to_numpy("int8"), POSITIONS))
    matches.insert(0, "provision", provisions[zone_index] if zone_index.size else np.empty(0, dtype=object))
    matches.insert(0, "zone", pd.Categorical.from_codes(zone_index, names or ["zone"]))
    matches.insert(0, "zone_index", zone_index)
    matches.insert(0, "event_row", pairs["event_row"].to_numpy())
    return matches


def zone_names(geometry: AgreementGeometry) -> list[str]:
    """Each zone's name, with its provision id added where two zones would share a name."""
    names = [z.name for z in geometry.zones]
    return [f"{name} ({z.provision_id})" if names.count(name) > 1 else name for name, z in zip(names, geometry.zones)]


def _classify(zone: shapely.Geometry, x: np.ndarray, y: np.ndarray, precise: np.ndarray,
              edge_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the events in or near one zone, with their position code (index into POSITIONS).

    Exact, and fast on a million events: most points are settled by point-in-polygon tests on
    prepared buffers of the zone (GEOS indexes a prepared polygon's edges), grown and shrunk by a
    tolerance larger than the buffers' approximation; only the few points between a buffer and its
    tolerance get an exact distance test (GEOS ``dwithin``, the same as
    ``point.distance(boundary) <= edge``).
    """
    tolerance = 0.05 * edge_m + 1.0  # > the buffers' error (arcs as chords, input simplification)
    x0, y0, x1, y1 = zone.bounds
    reach = edge_m + tolerance
    rows = np.flatnonzero((x >= x0 - reach) & (x <= x1 + reach) & (y >= y0 - reach) & (y <= y1 + reach))

    def contains(distance_m: float, among: np.ndarray) -> np.ndarray:
        """Which of the rows ``among`` lie in the zone grown by ``distance_m`` (shrunk, if negative)."""
        area = shapely.buffer(zone, distance_m, quad_segs=16) if distance_m else zone
        shapely.prepare(area)
        return shapely.contains_xy(area, x[among], y[among])

    def exact(target: shapely.Geometry, among: np.ndarray) -> np.ndarray:
        """Which of the rows ``among`` lie within edge_m of ``target`` (GEOS distance, no buffer)."""
        shapely.prepare(target)
        return shapely.dwithin(target, shapely.points(x[among], y[among]), edge_m)

    # rows surely farther than edge_m from the zone go first
    rows = rows[contains(edge_m + tolerance, rows)]
    in_zone = contains(0.0, rows)  # a point on the boundary is 0 km from it: edge below
    # near: within edge_m of the zone, inside it or outside it
    near = in_zone.copy()
    outside = np.flatnonzero(~in_zone)
    near[outside] = contains(edge_m - tolerance, rows[outside])
    undecided = outside[~near[outside]]
    near[undecided] = exact(zone, rows[undecided])
    # deep: inside and farther than edge_m from the boundary
    deep = np.zeros(rows.size, bool)
    inside = np.flatnonzero(in_zone)
    deep[inside] = contains(-(edge_m + tolerance), rows[inside])
    maybe = inside[~deep[inside]]
    maybe = maybe[contains(-(edge_m - tolerance), rows[maybe])]
    deep[maybe] = ~exact(zone.boundary, rows[maybe])

    sure = precise[rows]
    position = np.full(rows.size, -1, "int8")
    position[sure & near] = 1  # edge, unless deep
    position[sure & deep] = 0
    position[~sure & near] = 2  # in or near the zone, but not placed precisely enough
    keep = position >= 0
    return rows[keep].astype("int64"), position[keep]


def _require(events: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in events.columns]
    if missing:
        raise ValueError(f"the event frame has no column {', '.join(missing)} "
                         "(expected a frame from accordmap.load.events.read_events or read_event_set)")


# --- coverage and periods -------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Whether the event set covers the agreement's period: signing to ``as_of`` or the data's end."""

    event_set: str  # the set's title
    data_start: dt.date
    data_end: dt.date
    start: dt.date  # the period asked about
    end: dt.date
    status: Literal["covered", "partly covered", "not covered"]
    message: str  # one plain sentence for readers

    @property
    def covered(self) -> bool:
        """True if at least part of the period is covered."""
        return self.status != "not covered"

    @property
    def window(self) -> tuple[dt.date, dt.date] | None:
        """The days of the period the event set covers (None when it covers none)."""
        if not self.covered:
            return None
        return max(self.start, self.data_start), min(self.end, self.data_end)


def coverage_of(agreement: models.Agreement, data: tuple[dt.date, dt.date], *,
                as_of: dt.date | None = None, event_set: str = "The event set") -> Coverage:
    """Compare the agreement's period (signing to ``as_of``, or to the data's end) with the data's."""
    data_start, data_end = data
    signed, name = agreement.date_signed, agreement.short_title
    deadlines = [p.deadline for p in agreement.provisions if p.deadline is not None]
    # the period asked about: to as_of, else to the data's end, else (signed after it) to the last deadline
    end = as_of if as_of is not None else data_end if data_end >= signed else max([signed, *deadlines])
    span = f"{dates.day_label(data_start)} to {dates.day_label(data_end)}"
    if end < signed:
        status = "not covered"
        message = (f"Nothing to count yet: {dates.day_label(end)} is before the {name} was signed "
                   f"({dates.day_label(signed)}).")
    elif signed > data_end:
        status = "not covered"
        message = (f"Not covered: {event_set} ends on {dates.day_label(data_end)}, before the {name} was signed "
                   f"({dates.day_label(signed)}). It holds no events for this period, which does not mean "
                   "that none happened.")
    elif end < data_start:
        status = "not covered"
        message = (f"Not covered: {event_set} starts on {dates.day_label(data_start)}, after "
                   f"{dates.day_label(end)}. It holds no events for this period.")
    elif data_start <= signed and end <= data_end:
        status = "covered"
        message = (f"Covered: {event_set} covers {span}, which includes the period from the signing of the "
                   f"{name} ({dates.day_label(signed)}) to {dates.day_label(end)}.")
    else:
        status = "partly covered"
        covered_from, covered_to = max(signed, data_start), min(end, data_end)
        message = (f"Partly covered: {event_set} covers {span}, so only {dates.day_label(covered_from)} to "
                   f"{dates.day_label(covered_to)} of the period from {dates.day_label(signed)} to "
                   f"{dates.day_label(end)} is counted. Outside those days it holds no events, which does not "
                   "mean that none happened.")
    return Coverage(event_set, data_start, data_end, signed, end, status, message)


@dataclass(frozen=True)
class Period:
    """Whole days from ``start`` to ``end``, both included."""

    kind: Literal["before signing", "to deadline", "after last deadline"]
    start: dt.date
    end: dt.date
    deadlines: tuple[str, ...] = ()  # provision ids whose deadline is this period's last day

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        days = f"{dates.day_label(self.start)} to {dates.day_label(self.end)}"
        if self.kind == "before signing":
            return f"before signing ({days})"
        if self.kind == "to deadline":
            return f"{days} (deadline of {', '.join(self.deadlines)})"
        return f"after the last deadline ({days})"


def periods(agreement: models.Agreement, since: dt.date, until: dt.date) -> list[Period]:
    """Before signing, signing to each deadline, after the last deadline, cut to ``since``-``until``.

    A deadline day closes its period; the next period starts the day after it.
    """
    one_day = dt.timedelta(days=1)
    signed = agreement.date_signed
    deadlines: dict[dt.date, list[str]] = {}
    for provision in agreement.provisions:
        if provision.deadline is not None and provision.deadline >= signed:
            deadlines.setdefault(provision.deadline, []).append(provision.id)
    result = [Period("before signing", since, signed - one_day)]
    start = signed
    for day in sorted(deadlines):
        result.append(Period("to deadline", start, day, tuple(deadlines[day])))
        start = day + one_day
    result.append(Period("after last deadline", start, max(until, start)))
    clipped = []
    for period in result:
        first, last = max(period.start, since), min(period.end, until)
        if first <= last:
            clipped.append(Period(period.kind, first, last, period.deadlines))
    return clipped


# --- the assessment -------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """The one figure a report leads with: events and deaths in the widest zone, as ranges."""

    zone: str
    start: dt.date | None
    end: dt.date | None
    events_low: int
    events_high: int
    deaths_best_low: int
    deaths_best_high: int
    deaths_low: int
    deaths_high: int
    not_precise: int
    edge_km: float
    coverage: Coverage

    @property
    def text(self) -> str:
        if not self.coverage.covered:
            return self.coverage.message
        events = _range(self.events_low, self.events_high)
        best = _range(self.deaths_best_low, self.deaths_best_high)
        full = _range(self.deaths_low, self.deaths_high)
        text = (f"From {dates.day_label(self.start)} to {dates.day_label(self.end)}, {self.coverage.event_set} "
                f"records {events} event{'' if self.events_high == 1 else 's'} in the {self.zone}, with {best} "
                f"deaths (best estimates; {full} from the lowest to the highest estimates).")
        if self.edge_km:
            text += (f" The range comes from the zone's uncertain edge: the low figure counts events more than "
                     f"{self.edge_km:g} km inside it, the high one adds those within {self.edge_km:g} km of its edge.")
        if self.not_precise:
            text += (f" {self.not_precise:,} more event{' is' if self.not_precise == 1 else 's are'} in or near the "
                     "zone but not placed precisely enough to tell, and not counted.")
        if self.coverage.status == "partly covered":
            text += " " + self.coverage.message
        return text


def _range(low: int, high: int) -> str:
    return f"{low:,}" if low == high else f"{low:,} to {high:,}"


@dataclass
class Compliance:
    """Events of one set against the zones of one agreement (see the module docstring)."""

    geometry: AgreementGeometry
    coverage: Coverage
    matches: pd.DataFrame  # from classify_events, with `deaths_min` / `deaths_max` added
    periods: list[Period]
    min_precision: int
    edge_km: float
    _zones: list[Zone] = field(init=False, repr=False)
    _names: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._zones = list(self.geometry.zones)
        self._names = zone_names(self.geometry)

    # -- selection and adding up --

    def _window(self, start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date] | None:
        window = self.coverage.window
        if window is None:
            return None
        return (start or window[0]), (end or window[1])

    def _select(self, start: dt.date | None = None, end: dt.date | None = None,
                positions: tuple[str, ...] = ("inside", "edge")) -> pd.DataFrame:
        window = self._window(start, end)
        frame = self.matches
        if window is None:
            return frame.iloc[0:0]
        days = frame["date_start"]
        keep = frame["position"].isin(positions) & (days >= pd.Timestamp(window[0])) & (days <= pd.Timestamp(window[1]))
        return frame[keep.to_numpy()]

    def _figures(self, frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        inside = (frame["position"] == "inside").to_numpy()
        parts = pd.DataFrame({
            **{key: frame[key].to_numpy() for key in keys},
            "events_low": inside.astype("int64"),
            "events_high": np.ones(len(frame), "int64"),
            "deaths_best_low": np.where(inside, frame["deaths_best"].to_numpy(), 0),
            "deaths_best_high": frame["deaths_best"].to_numpy("int64"),
            "deaths_low": np.where(inside, frame["deaths_min"].to_numpy(), 0),
            "deaths_high": frame["deaths_max"].to_numpy("int64"),
        })
        if not keys:
            return parts.sum().to_frame().T.astype("int64")
        return parts.groupby(keys, observed=True, sort=False).sum().reset_index()

    def _zone_keys(self) -> pd.DataFrame:
        return pd.DataFrame({"zone": self._names, "provision": [z.provision_id for z in self._zones],
                             "kind": [z.kind for z in self._zones], "distance_km": [z.distance_km for z in self._zones],
                             "area_km2": [round(z.area_km2, 1) for z in self._zones]})

    @staticmethod
    def _fill(frame: pd.DataFrame) -> pd.DataFrame:
        for column in FIGURE_COLUMNS:
            frame[column] = frame[column].fillna(0).astype("int64")
        return frame

    # -- the frames --

    def summary(self, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        """One row per zone over the covered period (or ``start``-``end``): figures and ``not_precise``."""
        window = self._window(start, end)
        figures = self._figures(self._select(start, end), ["zone"])
        coarse = self._select(start, end, positions=("not-precise",)).groupby("zone", observed=True).size()
        frame = self._zone_keys().merge(figures, on="zone", how="left")
        frame = self._fill(frame)
        frame["not_precise"] = frame["zone"].map(coarse).fillna(0).astype("int64")
        frame["start"] = window[0] if window else None
        frame["end"] = window[1] if window else None
        return frame

    def by_period(self) -> pd.DataFrame:
        """One row per zone and period (before signing, to each deadline, after the last one).

        ``covered_days`` is the number of the period's days inside the event set's coverage;
        ``low_per_30_days`` / ``high_per_30_days`` divide the events by it (so periods of different
        lengths compare); ``date_spans_boundary`` counts events counted in the period whose
        ``date_end`` falls after it (their day is uncertain).
        """
        rows = []
        data_start, data_end = pd.Timestamp(self.coverage.data_start), pd.Timestamp(self.coverage.data_end)
        frame = self.matches[self.matches["position"].isin(["inside", "edge"]).to_numpy()]
        for zone_index, name in enumerate(self._names):
            in_zone = frame[(frame["zone_index"] == zone_index).to_numpy()]
            for order, period in enumerate(self.periods):
                first, last = pd.Timestamp(period.start), pd.Timestamp(period.end)
                days = in_zone["date_start"]
                chosen = in_zone[((days >= first) & (days <= last)).to_numpy()]
                figures = self._figures(chosen, []).iloc[0]
                covered = max(0, (min(last, data_end) - max(first, data_start)).days + 1)
                rows.append({
                    "zone": name, "order": order, "period": period.label, "kind": period.kind,
                    "start": period.start, "end": period.end, "days": period.days,
                    "deadlines": ", ".join(period.deadlines), "covered_days": covered,
                    **{k: int(figures[k]) for k in FIGURE_COLUMNS},
                    "low_per_30_days": round(30 * figures["events_low"] / covered, 2) if covered else np.nan,
                    "high_per_30_days": round(30 * figures["events_high"] / covered, 2) if covered else np.nan,
                    "date_spans_boundary": int((chosen["date_end"] > last).sum()),
                })
        return pd.DataFrame(rows, columns=["zone", "order", "period", "kind", "start", "end", "days", "deadlines",
                                           "covered_days", *FIGURE_COLUMNS, "low_per_30_days", "high_per_30_days",
                                           "date_spans_boundary"])

    def by_month(self, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        """One row per zone and calendar month of the covered period (months without events: zeros)."""
        window = self._window(start, end)
        columns = ["zone", "month", *FIGURE_COLUMNS]
        if window is None:
            return pd.DataFrame(columns=columns)
        frame = self._select(start, end)
        frame = frame.assign(month=frame["date_start"].dt.to_period("M"))
        figures = self._figures(frame, ["zone", "month"])
        months = pd.period_range(window[0], window[1], freq="M")
        grid = pd.MultiIndex.from_product([self._names, months], names=["zone", "month"])
        table = figures.set_index(["zone", "month"]).reindex(grid).reset_index()
        return self._fill(table)[columns]

    def by_type(self, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        """One row per zone and type of violence (UCDP) or event type (ACLED), most events first."""
        return self._ranked(self._figures(self._select(start, end), ["zone", "type"]))

    def by_side(self, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        """One row per zone and actor; an event counts once for each of its two sides.

        ``role`` says whether the actor was side A (UCDP side_a / ACLED actor1) or side B.
        """
        frame = self._select(start, end)
        long = pd.concat([frame.assign(side=frame["side_a"].astype("str"), role="side_a"),
                          frame.assign(side=frame["side_b"].astype("str"), role="side_b")], ignore_index=True)
        long = long[long["side"] != ""]
        return self._ranked(self._figures(long, ["zone", "side", "role"]))

    def top_places(self, n: int = 10, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        """The ``n`` places per zone with most events inside (then at the edge), with their point."""
        frame = self._select(start, end)
        figures = self._figures(frame, ["zone", "place", "lon", "lat"])
        figures = figures.sort_values(["zone", "events_low", "events_high", "place"],
                                      ascending=[True, False, False, True], kind="stable")
        return figures.groupby("zone", observed=True, sort=False).head(n).reset_index(drop=True)

    @staticmethod
    def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
        keys = [c for c in frame.columns if c not in FIGURE_COLUMNS]
        return frame.sort_values(["zone", "events_high", "events_low", *keys[1:]],
                                 ascending=[True, False, False, *[True] * (len(keys) - 1)],
                                 kind="stable").reset_index(drop=True)

    @property
    def headline(self) -> Headline:
        """Figures for the widest zone over the covered period."""
        outer = self.geometry.outer_zone
        window = self.coverage.window
        if outer is None or window is None:
            return Headline(outer.name if outer else "zone", None, None, 0, 0, 0, 0, 0, 0, 0, self.edge_km, self.coverage)
        name = self._names[self._zones.index(outer)]
        row = self.summary().set_index("zone").loc[name]
        return Headline(name, window[0], window[1], *(int(row[k]) for k in FIGURE_COLUMNS),
                        int(row["not_precise"]), self.edge_km, self.coverage)


def assess_event_set(data_dir: Path | str, set_id: str, geometry: AgreementGeometry, **options) -> Compliance:
    """:func:`assess` on a catalogued event set of ``data_dir`` (its coverage and title from the catalog).

    ``options``: ``as_of``, ``since``, ``min_precision``, ``edge_km``. Raises DataErrors if the set is wrong.
    """
    events = read_event_set(data_dir, set_id)  # raises DataErrors naming the known ids if set_id is unknown
    event_set = event_catalog(data_dir)[set_id]
    return assess(events, geometry, event_set.coverage, event_set=event_set.title, **options)


def assess(
    events: pd.DataFrame,
    geometry: AgreementGeometry,
    coverage: tuple[dt.date, dt.date],
    *,
    event_set: str = "the event set",
    as_of: dt.date | None = None,
    since: dt.date | None = None,
    min_precision: int = DEFAULT_MIN_PRECISION,
    edge_km: float | None = None,
) -> Compliance:
    """Count ``events`` in the zones of ``geometry.agreement``.

    ``coverage`` is the first and last day the event set covers (``EventSet.coverage``) and
    ``event_set`` its title, for messages. The period runs from signing to ``as_of`` (None: to the
    data's end); ``since`` is where "before signing" starts (None: the data's first day).
    ``min_precision`` and ``edge_km``: see :func:`classify_events`.
    """
    _require(events, ["date_start", "date_end", "deaths_best", "deaths_low", "deaths_high", "type", "side_a",
                      "side_b", "place"])
    agreement = geometry.agreement
    cover = coverage_of(agreement, coverage, as_of=as_of, event_set=event_set)
    edge = float(geometry.accuracy_km or 0.0) if edge_km is None else float(edge_km)
    matches = classify_events(events, geometry, min_precision=min_precision, edge_km=edge)
    figures = matches[["deaths_low", "deaths_best", "deaths_high"]].to_numpy("int64")
    matches["deaths_min"] = figures.min(axis=1) if len(matches) else np.empty(0, "int64")
    matches["deaths_max"] = figures.max(axis=1) if len(matches) else np.empty(0, "int64")
    until = min(cover.end, cover.data_end) if cover.covered else cover.end
    first = since or min(cover.data_start, agreement.date_signed)
    return Compliance(geometry, cover, matches, periods(agreement, first, until), int(min_precision), edge)


def assessment(dataset: Dataset, geometry: AgreementGeometry, set_id: str | None, *, as_of: dt.date | None = None,
               min_precision: int | None = None) -> tuple[Compliance | None, EventSet | None]:
    """The events of ``set_id`` (None: :func:`default_event_set`) counted in the zones, with the set's catalog
    entry; (None, None) when the data folder has no such event set (a report then says so)."""
    event_set = dataset.event_sets.get(set_id) if set_id else default_event_set(dataset, geometry)
    if event_set is None:
        return None, None
    result = assess_event_set(dataset.data_dir, event_set.id, geometry, as_of=as_of,
                              min_precision=min_precision or params.PARAMETERS["min_precision"].default)
    return result, event_set


def default_event_set(dataset: Dataset, geometry: AgreementGeometry) -> EventSet | None:
    """The event set a report uses when none is named: among the sets whose ``region`` box overlaps the box of
    the agreement's zones (lon/lat), the first in the catalog whose coverage includes the signing day, else the
    first of them (its report then says the period is not covered); None without zones or such a set."""
    if not geometry.zones:
        return None
    lon0, lat0, lon1, lat1 = geometry.zones_frame(4326).total_bounds
    over = [s for s in dataset.event_sets.values()
            if s.region[0] <= lon1 and lon0 <= s.region[2] and s.region[1] <= lat1 and lat0 <= s.region[3]]
    signed = geometry.agreement.date_signed
    return next((s for s in over if s.coverage_start <= signed <= s.coverage_end), over[0] if over else None)
