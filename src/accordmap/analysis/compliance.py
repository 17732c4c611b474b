"""Conflict events + an agreement's zones -> events and deaths inside them, central and range, by period.

The event frame (:data:`accordmap.load.events.EVENT_COLUMNS`) is projected once to the agreement's
metric CRS and joined to every zone and corridor of :class:`~accordmap.geometry.AgreementGeometry`.

Two rules make the figures honest:

* **Precision.** Only events placed at a known place or within about 25 km of one
  (``location_precision <= min_precision``, 2 by default: UCDP ``where_prec`` 1-2, ACLED
  ``geo_precision`` 1-2) can be inside a zone. Coarser ones (a district's or the country's
  centroid) are never inside: those whose point falls in or near a zone are counted apart as
  ``not-precise``.
* **Uncertain boundaries.** A zone is only as well placed as the layers it is drawn from. Events are
  counted in the zone as computed (the **central** figure) and in each of its variants (the zone
  recomputed with its boundaries moved within their own errors, what is sourced kept on its side:
  :mod:`accordmap.analysis.uncertainty`); the range is the fewest and the most any variant holds. Each
  precise event is ``inside`` (in every variant), in ``some`` (``variants_in`` of ``variants``) or in none
  (not listed). :func:`assessment` passes the data's variants; :func:`assess` without ``variants`` counts
  the zones as computed only, with no range.

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
from collections.abc import Sequence
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
from accordmap.analysis import uncertainty
from accordmap.analysis.figures import CountFigure


POSITIONS = ("inside", "some", "not-precise")  # values of the matches' `position` column
DEFAULT_MIN_PRECISION = 2  # exact place or within about 25 km (see events.EVENT_COLUMNS)
CORE_FROM = 50_000  # events in a zone's box from which the join settles most of them on the shapes' union and core

#: Columns every aggregate frame has after its keys: the central figure (the zone as computed), then the
#: fewest and the most over the zone's variants. Deaths ranges add up, for each event, the smallest and the
#: largest of its low, best and high figures (UCDP publishes some rows whose best lies outside low-high).
FIGURE_COLUMNS: dict[str, str] = {
    "events": "events inside the zone as computed",
    "events_low": "the fewest events inside any variant of the zone",
    "events_high": "the most events inside any variant of the zone",
    "deaths_best": "sum of the best estimates of deaths, events inside the zone as computed",
    "deaths_best_low": "the smallest sum of best estimates over the zone's variants",
    "deaths_best_high": "the largest sum of best estimates over the zone's variants",
    "deaths_low": "the smallest sum, over the variants, of each event's smallest estimate",
    "deaths_high": "the largest sum, over the variants, of each event's largest estimate",
}


# --- the join -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Join:
    """Events joined to zones: ``matches`` (one row per event and zone, see :func:`classify_events`) and
    ``members``, one row per match and one column per variant (the zone as computed first): is the event in
    that variant of its zone. Zones with fewer variants repeat their central column, which changes no
    figure."""

    matches: pd.DataFrame
    members: np.ndarray


def classify_events(
    events: pd.DataFrame,
    geometry: AgreementGeometry,
    *,
    min_precision: int = DEFAULT_MIN_PRECISION,
    variants: Sequence[Sequence[shapely.Geometry]] | None = None,
) -> pd.DataFrame:
    """Join events to every zone: one row per (event, zone) where the event is in the zone or in one of its
    variants, or placed too coarsely but with its point in one of them.

    ``variants`` gives, zone by zone (in ``geometry.zones`` order), the zone's shapes: the zone as computed
    first, then its variants (:func:`accordmap.analysis.uncertainty.zone_variants`; :func:`assessment` passes
    them). None: each zone as computed only, so no figure has a range. Returns the event's columns plus
    ``event_row`` (its position in ``events``), ``zone`` (the zone's name), ``provision``, ``zone_index``,
    ``position`` (``inside``: in every variant; ``some``: in some; ``not-precise``), ``central`` (in the zone
    as computed), ``variants_in`` (in how many variants) and ``variants`` (of how many).
    """
    return join_events(events, geometry, min_precision=min_precision, variants=variants).matches


def join_events(events: pd.DataFrame, geometry: AgreementGeometry, *, min_precision: int = DEFAULT_MIN_PRECISION,
                variants: Sequence[Sequence[shapely.Geometry]] | None = None) -> Join:
    """:func:`classify_events` with the membership of each match in each variant (:class:`Join`)."""
    _require(events, ["lon", "lat", "location_precision"])
    if not 1 <= int(min_precision) <= 7:
        raise ValueError(f"min_precision {min_precision!r} is not a location precision (expected 1 to 7, "
                         "2 = within about 25 km)")
    shapes = [tuple(v) for v in variants] if variants is not None else [(z.geometry,) for z in geometry.zones]
    if len(shapes) != len(geometry.zones) or any(not v for v in shapes):
        raise ValueError(f"variants gives {len(shapes)} zones' shapes for {len(geometry.zones)} zones "
                         "(expected, for each zone, the zone as computed and then its variants)")

    # project once, to the metric CRS of the zones
    lon, lat = events["lon"].to_numpy("float64"), events["lat"].to_numpy("float64")
    x, y = Transformer.from_crs(4326, geometry.crs, always_xy=True).transform(lon, lat)
    precise = events["location_precision"].to_numpy() <= int(min_precision)

    width = max((len(v) for v in shapes), default=1)
    parts, members = [], []
    for index, zone_shapes in enumerate(shapes):
        rows, position, member = _classify(zone_shapes, x, y, precise)
        if member.shape[1] < width:  # pad with the central column: min and max over variants unchanged
            member = np.hstack([member, np.repeat(member[:, :1], width - member.shape[1], axis=1)])
        members.append(member)
        parts.append(pd.DataFrame({"event_row": rows, "zone_index": np.full(rows.size, index, "int16"),
                                   "position": position, "central": member[:, 0],
                                   "variants_in": member[:, :len(zone_shapes)].sum(axis=1).astype("int16"),
                                   "variants": np.full(rows.size, len(zone_shapes), "int16")}))
    pairs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {"event_row": np.empty(0, "int64"), "zone_index": np.empty(0, "int16"), "position": np.empty(0, "int8"),
         "central": np.empty(0, bool), "variants_in": np.empty(0, "int16"), "variants": np.empty(0, "int16")})
    matches = events.iloc[pairs["event_row"].to_numpy()].reset_index(drop=True)
    names = zone_names(geometry)
    zone_index = pairs["zone_index"].to_numpy()
    provisions = np.array([z.provision_id for z in geometry.zones] or [""], dtype=object)
    for column in ("variants", "variants_in", "central"):
        matches.insert(0, column, pairs[column].to_numpy())
    matches.insert(0, "position", pd.Categorical.from_codes(pairs["position"].to_numpy("int8"), POSITIONS))
    matches.insert(0, "provision", provisions[zone_index] if zone_index.size else np.empty(0, dtype=object))
    matches.insert(0, "zone", pd.Categorical.from_codes(zone_index, names or ["zone"]))
    matches.insert(0, "zone_index", zone_index)
    matches.insert(0, "event_row", pairs["event_row"].to_numpy())
    member = np.vstack(members) if members else np.zeros((0, width), bool)
    return Join(matches, member)


def zone_names(geometry: AgreementGeometry) -> list[str]:
    """Each zone's name, with its provision id added where two zones would share a name."""
    names = [z.name for z in geometry.zones]
    return [f"{name} ({z.provision_id})" if names.count(name) > 1 else name for name, z in zip(names, geometry.zones)]


def _classify(shapes: tuple[shapely.Geometry, ...], x: np.ndarray, y: np.ndarray,
              precise: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of the events in any of one zone's shapes (a point on a boundary is in), with their position code
    (index into POSITIONS) and their membership in each shape (precise events only).

    Exact, and fast on a million events: the points in the box of the shapes are tested against each
    prepared shape (GEOS indexes a prepared polygon's edges). With more than :data:`CORE_FROM` points in the
    box, the prepared union and the polygons of the intersection of the shapes settle most of them first;
    only the points between the two are tested against each shape.
    """
    boxes = np.array([shape.bounds for shape in shapes if not shape.is_empty]).reshape(-1, 4)
    if not len(boxes):
        return np.empty(0, "int64"), np.empty(0, "int8"), np.zeros((0, len(shapes)), bool)
    x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
    x1, y1 = boxes[:, 2].max(), boxes[:, 3].max()
    rows = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))

    def within(shape, among: np.ndarray) -> np.ndarray:
        shapely.prepare(shape)
        return shapely.intersects_xy(shape, x[among], y[among])

    member = np.zeros((rows.size, len(shapes)), bool)
    if rows.size > CORE_FROM and len(shapes) > 1:
        rows = rows[within(shapely.union_all(shapes), rows)]
        member = np.zeros((rows.size, len(shapes)), bool)
        sure = precise[rows]
        in_core = np.zeros(rows.size, bool)
        in_core[sure] = within(_polygonal(shapely.intersection_all(shapes)), rows[sure])
        member[in_core] = True
        ring = np.flatnonzero(sure & ~in_core)
        for column, shape in enumerate(shapes):
            member[ring, column] = within(shape, rows[ring])
        near = ~sure | member.any(axis=1)  # a point on the union's edge but in none of the shapes (rounding)
    else:
        for column, shape in enumerate(shapes):
            member[:, column] = within(shape, rows)
        sure = precise[rows]
        near = member.any(axis=1)
        member[~sure] = False
    position = np.where(~sure, 2, np.where(member.all(axis=1), 0, 1)).astype("int8")
    return rows[near].astype("int64"), position[near], member[near]


def _polygonal(shape: shapely.Geometry) -> shapely.Geometry:
    """The polygons of ``shape`` (an intersection of zones may hold the lines and points where they touch,
    which make a prepared test slow; a point on them is tested against each shape instead)."""
    parts = shapely.get_parts(shapely.get_parts(shape))  # a collection's multipolygons too
    polygons = parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]
    return shapely.multipolygons(polygons) if len(polygons) else shapely.Polygon()


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
    """The one figure a report leads with: events and deaths in the widest zone, central with its range."""

    zone: str
    start: dt.date | None
    end: dt.date | None
    events: CountFigure
    deaths_best: CountFigure
    deaths_low: int  # the lowest estimates, in the smallest variant
    deaths_high: int  # the highest estimates, in the largest
    not_precise: int
    variants: int  # how many variants of the zone the range comes from (1: no range)
    coverage: Coverage

    @property
    def text(self) -> str:
        if not self.coverage.covered:
            return self.coverage.message
        text = (f"From {dates.day_label(self.start)} to {dates.day_label(self.end)}, {self.coverage.event_set} "
                f"records {self.events.label('event' if self.events.central == 1 else 'events')} in the {self.zone}, "
                f"with {self.deaths_best.label('deaths')} (best estimates; {_range(self.deaths_low, self.deaths_high)} "
                "from the lowest to the highest estimates).")
        if self.variants > 1:
            text += (f" The first figure counts the zone as computed; the range is the fewest and the most in any of "
                     f"its {self.variants} variants, its boundaries moved within their stated errors.")
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
    members: np.ndarray  # one row per match, one column per variant (Join.members)
    periods: list[Period]
    min_precision: int
    variant_counts: tuple[int, ...]  # each zone's number of variants (the zone as computed included)
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
                positions: tuple[str, ...] = ("inside", "some")) -> pd.DataFrame:
        window = self._window(start, end)
        frame = self.matches
        if window is None:
            return frame.iloc[0:0]
        days = frame["date_start"]
        keep = frame["position"].isin(positions) & (days >= pd.Timestamp(window[0])) & (days <= pd.Timestamp(window[1]))
        return frame[keep.to_numpy()]

    def _figures(self, frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        """FIGURE_COLUMNS for each group of ``keys``: each variant's sums, then the central and the extremes.

        ``frame``'s rows are matches (its index, or a ``match_row`` column, points into ``members``)."""
        rows = frame["match_row"].to_numpy() if "match_row" in frame else frame.index.to_numpy()
        member = self.members[rows]
        if keys:
            grouped = frame.groupby(keys, observed=True, sort=False)
            codes = grouped.ngroup().to_numpy()
            out = grouped.size().index.to_frame(index=False)
        else:
            codes = np.zeros(len(frame), "int64")
            out = pd.DataFrame(index=[0])
        groups = len(out)
        weights = {"events": None, "deaths_best": frame["deaths_best"].to_numpy("float64"),
                   "deaths_min": frame["deaths_min"].to_numpy("float64"),
                   "deaths_max": frame["deaths_max"].to_numpy("float64")}
        sums = {}
        for name, weight in weights.items():  # groups x variants
            sums[name] = np.column_stack([
                np.bincount(codes, weights=member[:, v] if weight is None else weight * member[:, v],
                            minlength=groups) for v in range(member.shape[1])]) if member.shape[1] else np.zeros((groups, 1))
        figures = {
            "events": sums["events"][:, 0], "events_low": sums["events"].min(axis=1),
            "events_high": sums["events"].max(axis=1),
            "deaths_best": sums["deaths_best"][:, 0], "deaths_best_low": sums["deaths_best"].min(axis=1),
            "deaths_best_high": sums["deaths_best"].max(axis=1),
            "deaths_low": sums["deaths_min"].min(axis=1), "deaths_high": sums["deaths_max"].max(axis=1),
        }
        for column in FIGURE_COLUMNS:
            out[column] = np.rint(figures[column]).astype("int64")
        return out

    def _zone_keys(self) -> pd.DataFrame:
        return pd.DataFrame({"zone": self._names, "provision": [z.provision_id for z in self._zones],
                             "kind": [z.kind for z in self._zones], "distance_km": [z.distance_km for z in self._zones],
                             "area_km2": [round(z.area_km2, 1) for z in self._zones],
                             "variants": list(self.variant_counts)})

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
        ``per_30_days`` (central), ``low_per_30_days`` and ``high_per_30_days`` divide the events by it (so
        periods of different lengths compare); ``date_spans_boundary`` counts events counted in the period
        (in any variant) whose ``date_end`` falls after it (their day is uncertain).
        """
        rows = []
        data_start, data_end = pd.Timestamp(self.coverage.data_start), pd.Timestamp(self.coverage.data_end)
        frame = self.matches[self.matches["position"].isin(["inside", "some"]).to_numpy()]
        for zone_index, name in enumerate(self._names):
            in_zone = frame[(frame["zone_index"] == zone_index).to_numpy()]
            for order, period in enumerate(self.periods):
                first, last = pd.Timestamp(period.start), pd.Timestamp(period.end)
                days = in_zone["date_start"]
                chosen = in_zone[((days >= first) & (days <= last)).to_numpy()]
                figures = self._figures(chosen, []).iloc[0]
                covered = max(0, (min(last, data_end) - max(first, data_start)).days + 1)

                def per_30(column: str, figures=figures, covered=covered) -> float:
                    return round(30 * figures[column] / covered, 2) if covered else np.nan

                rows.append({
                    "zone": name, "order": order, "period": period.label, "kind": period.kind,
                    "start": period.start, "end": period.end, "days": period.days,
                    "deadlines": ", ".join(period.deadlines), "covered_days": covered,
                    **{k: int(figures[k]) for k in FIGURE_COLUMNS},
                    "per_30_days": per_30("events"), "low_per_30_days": per_30("events_low"),
                    "high_per_30_days": per_30("events_high"),
                    "date_spans_boundary": int((chosen["date_end"] > last).sum()),
                })
        return pd.DataFrame(rows, columns=["zone", "order", "period", "kind", "start", "end", "days", "deadlines",
                                           "covered_days", *FIGURE_COLUMNS, "per_30_days", "low_per_30_days",
                                           "high_per_30_days", "date_spans_boundary"])

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
        frame = frame.assign(match_row=frame.index.to_numpy())
        long = pd.concat([frame.assign(side=frame["side_a"].astype("str"), role="side_a"),
                          frame.assign(side=frame["side_b"].astype("str"), role="side_b")], ignore_index=True)
        long = long[long["side"] != ""]
        return self._ranked(self._figures(long, ["zone", "side", "role"]))

    def top_places(self, n: int = 10, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        """The ``n`` places per zone with most events (in the zone as computed, then in its largest variant),
        with their point and in how many of the zone's ``variants`` the point is (``variants_in``)."""
        frame = self._select(start, end)
        figures = self._figures(frame, ["zone", "place", "lon", "lat", "variants_in", "variants"])
        figures = figures.sort_values(["zone", "events", "events_high", "place"],
                                      ascending=[True, False, False, True], kind="stable")
        return figures.groupby("zone", observed=True, sort=False).head(n).reset_index(drop=True)

    @staticmethod
    def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
        keys = [c for c in frame.columns if c not in FIGURE_COLUMNS]
        return frame.sort_values(["zone", "events", "events_high", *keys[1:]],
                                 ascending=[True, False, False, *[True] * (len(keys) - 1)],
                                 kind="stable").reset_index(drop=True)

    @property
    def outer_variants(self) -> int:
        """How many variants of the widest zone its figures' ranges come from (1: no range)."""
        outer = self.geometry.outer_zone
        return self.variant_counts[self._zones.index(outer)] if outer is not None else 1

    @property
    def headline(self) -> Headline:
        """Figures for the widest zone over the covered period."""
        outer = self.geometry.outer_zone
        window = self.coverage.window
        if outer is None or window is None:
            none = CountFigure(0, 0, 0)
            return Headline(outer.name if outer else "zone", None, None, none, none, 0, 0, 0, 1, self.coverage)
        index = self._zones.index(outer)
        row = self.summary().set_index("zone").loc[self._names[index]]
        return Headline(self._names[index], window[0], window[1],
                        CountFigure(int(row["events"]), int(row["events_low"]), int(row["events_high"])),
                        CountFigure(int(row["deaths_best"]), int(row["deaths_best_low"]), int(row["deaths_best_high"])),
                        int(row["deaths_low"]), int(row["deaths_high"]), int(row["not_precise"]),
                        self.variant_counts[index], self.coverage)


def assess_event_set(data_dir: Path | str, set_id: str, geometry: AgreementGeometry, **options) -> Compliance:
    """:func:`assess` on a catalogued event set of ``data_dir`` (its coverage and title from the catalog).

    ``options``: ``as_of``, ``since``, ``min_precision``, ``variants``. Raises DataErrors if the set is wrong.
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
    variants: Sequence[Sequence[shapely.Geometry]] | None = None,
) -> Compliance:
    """Count ``events`` in the zones of ``geometry.agreement``.

    ``coverage`` is the first and last day the event set covers (``EventSet.coverage``) and
    ``event_set`` its title, for messages. The period runs from signing to ``as_of`` (None: to the
    data's end); ``since`` is where "before signing" starts (None: the data's first day).
    ``min_precision`` and ``variants`` (each zone's variants; None: no range, see :func:`zone_shapes` for the
    data's own): see :func:`classify_events`.
    """
    _require(events, ["date_start", "date_end", "deaths_best", "deaths_low", "deaths_high", "type", "side_a",
                      "side_b", "place"])
    agreement = geometry.agreement
    cover = coverage_of(agreement, coverage, as_of=as_of, event_set=event_set)
    joined = join_events(events, geometry, min_precision=min_precision, variants=variants)
    matches = joined.matches
    figures = matches[["deaths_low", "deaths_best", "deaths_high"]].to_numpy("int64")
    matches["deaths_min"] = figures.min(axis=1) if len(matches) else np.empty(0, "int64")
    matches["deaths_max"] = figures.max(axis=1) if len(matches) else np.empty(0, "int64")
    until = min(cover.end, cover.data_end) if cover.covered else cover.end
    first = since or min(cover.data_start, agreement.date_signed)
    counts = tuple(len(v) for v in variants) if variants is not None else (1,) * len(geometry.zones)
    return Compliance(geometry, cover, matches, joined.members, periods(agreement, first, until), int(min_precision),
                      counts)


def zone_shapes(dataset: Dataset, geometry: AgreementGeometry) -> list[tuple[shapely.Geometry, ...]]:
    """Each zone's shapes, the zone as computed first and then its variants
    (:func:`accordmap.analysis.uncertainty.zone_variants`): what :func:`assess` counts events in."""
    return [uncertainty.zone_variants(dataset, geometry, zone).shapes for zone in geometry.zones]


def assessment(dataset: Dataset, geometry: AgreementGeometry, set_id: str | None, *, as_of: dt.date | None = None,
               min_precision: int | None = None) -> tuple[Compliance | None, EventSet | None]:
    """The events of ``set_id`` (None: :func:`default_event_set`) counted in the zones and their variants, with
    the set's catalog entry; (None, None) when the data folder has no such event set (a report then says so)."""
    event_set = dataset.event_sets.get(set_id) if set_id else default_event_set(dataset, geometry)
    if event_set is None:
        return None, None
    result = assess_event_set(dataset.data_dir, event_set.id, geometry, as_of=as_of,
                              min_precision=min_precision or params.PARAMETERS["min_precision"].default,
                              variants=zone_shapes(dataset, geometry))
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
