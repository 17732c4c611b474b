"""Computed areas and counts -> figures rounded to what the layers' error supports, and their words.

Two rules keep the figures honest (the README's "Figures" paragraphs say the same):

* **Rounding.** An area computed from a boundary known to ``e`` km is uncertain by about
  ± (length of that boundary × ``e``): :func:`area_figure`. Ranges computed from geometry
  (:mod:`accordmap.analysis.comparison`) give their own low and high bounds. Either way an
  :class:`AreaFigure` is rounded to the magnitude of its error: the step is the power of ten
  at or below the error (an error of 1,480 km² rounds to thousands), the error itself to half
  that step, and the range bounds outwards to half steps, so the shown range holds the computed
  one. An area with no stated error gets two significant figures (:func:`round_area`).
* **Edges.** A point is on a zone's edge when it lies within ``edge_km`` of the zone's boundary,
  on either side; ``edge_km`` adds the zone's error and the point layer's own
  (:func:`edge_km`). The classification itself is
  :func:`accordmap.geometry.point_positions`; :func:`count_sentence` words the counts.

:func:`zone_area` and :func:`place_count` apply both to a computed zone, for the key figures and the
places table (:mod:`accordmap.tables`) and the exports; the comparison (:mod:`accordmap.analysis.comparison`)
builds its :class:`AreaFigure` ranges from geometry and rounds them by the same rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
import pandas as pd
from accordmap import models
from accordmap.dataset import Dataset
from accordmap.geometry import (
    AgreementGeometry,
    Zone,
    point_positions,
    uncertain_boundary_km,
    zone_accuracy_km,
)


POSITIONS = ("inside", "edge", "outside")  # what accordmap.geometry.point_positions returns per point


def round_area(km2: float) -> int:
    """Two significant figures, never finer than 10 km²: for an area whose error is not stated."""
    if not math.isfinite(km2) or km2 <= 0:
        return 0
    step = max(10, 10 ** (math.floor(math.log10(km2)) - 1))
    return int(round(km2 / step) * step)


def _step(error_km2: float) -> int:
    """The rounding step for an error: the power of ten at or below it (at least 1 km²)."""
    return max(1, 10 ** math.floor(math.log10(error_km2)))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@dataclass(frozen=True)
class AreaFigure:
    """An area in km² with the range the boundaries' error allows (``low_km2`` ≤ ``km2`` ≤ ``high_km2``;
    all three equal when no error is stated)."""

    km2: float
    low_km2: float
    high_km2: float

    @property
    def error_km2(self) -> float:
        """The larger distance from the computed area to either bound (0: no error stated)."""
        return max(self.km2 - self.low_km2, self.high_km2 - self.km2, 0.0)

    @property
    def stated(self) -> bool:
        return self.error_km2 > 0 and math.isfinite(self.error_km2)

    @property
    def step(self) -> int:
        """What the figure is rounded to: the magnitude of its error (or two significant figures)."""
        if self.stated:
            return _step(self.error_km2)
        if not math.isfinite(self.km2) or self.km2 <= 0:
            return 1
        return max(10, 10 ** (math.floor(math.log10(self.km2)) - 1))

    @property
    def rounded(self) -> int:
        if not math.isfinite(self.km2) or self.km2 <= 0:
            return 0
        if not self.stated:
            return round_area(self.km2)
        return int(round(self.km2 / self.step) * self.step)

    @property
    def rounded_error(self) -> float:
        """The error to half the step (never 0 when one is stated)."""
        if not self.stated:
            return 0
        half = self.step / 2
        return max(half, round(self.error_km2 / half) * half)

    @property
    def rounded_range(self) -> tuple[float, float]:
        """The bounds rounded outwards to half the step, so they hold the computed range; low never below 0."""
        if not self.stated:
            return (self.rounded, self.rounded)
        half = self.step / 2
        return (max(0.0, math.floor(self.low_km2 / half) * half), math.ceil(self.high_km2 / half) * half)

    def label(self) -> str:
        """'about 3,000 km² (500–4,500 km²)': the rounded area and the rounded range, for ranges from geometry."""
        if self.rounded == 0 and self.high_km2 <= 0:
            return "none"
        if not self.stated:
            return f"about {self.rounded:,} km² (error not stated)"
        low, high = self.rounded_range
        return f"about {self.rounded:,} km² ({_fmt(low)}–{_fmt(high)} km²)"

    def short_label(self) -> str:
        """'about 3,600 km² (±1,500)': the rounded area and its rounded ± error, for a symmetric error."""
        if self.rounded == 0 and self.high_km2 <= 0:
            return "none"
        if not self.stated:
            return f"about {self.rounded:,} km² (error not stated)"
        return f"about {self.rounded:,} km² (±{_fmt(self.rounded_error)})"


def area_figure(km2: float, boundary_km: float, accuracy_km: float | None) -> AreaFigure:
    """The area ``km2`` whose uncertain boundary is ``boundary_km`` long and known to ``accuracy_km``:
    ± boundary × accuracy, the low bound never below 0. ``accuracy_km`` None or 0: no error stated.

    >>> area_figure(3561.4, 236.0, 6.3).short_label()
    'about 4,000 km² (±1,500)'
    """
    for name, value in (("km2", km2), ("boundary_km", boundary_km), ("accuracy_km", accuracy_km or 0.0)):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"area_figure: {name} {value!r} is not a distance or area (expected a finite number, 0 or more)")
    error = boundary_km * (accuracy_km or 0.0)
    return AreaFigure(km2, max(0.0, km2 - error), km2 + error)


def edge_km(zone_accuracy_km: float | None, layer_accuracy_km: float | None) -> float:
    """How far from a zone's edge a point of a layer is 'on the edge': the zone's error plus the layer's
    (each 0 when not stated)."""
    return float(zone_accuracy_km or 0.0) + float(layer_accuracy_km or 0.0)


def count_sentence(inside: int, edge: int, total: int | None = None, edge_distance_km: float = 0.0) -> str:
    """'9 inside, 3 on the edge (±6.3 km), of 31': how many points a zone holds, honestly.

    With no edge distance, points on the boundary count as inside and the sentence says nothing of edges.
    """
    text = f"{inside:,} inside"
    if edge_distance_km > 0:
        text += f", {edge:,} on the edge (±{edge_distance_km:g} km)"
    if total is not None:
        text += f", of {total:,}"
    return text


# --- a zone's figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceCount:
    """The points of one layer against one zone: names inside and on the edge, and the layer's size."""

    layer: models.Layer
    inside: list[str]
    edge: list[str]
    total: int
    edge_km: float

    def sentence(self) -> str:
        return count_sentence(len(self.inside), len(self.edge), self.total, self.edge_km)


def zone_area(dataset: Dataset, geometry: AgreementGeometry, zone: Zone) -> AreaFigure:
    """The zone's area, ± the line it is measured from (inside the zone) × the typical error of its layers
    (:func:`accordmap.geometry.zone_accuracy_km`)."""
    return area_figure(zone.area_km2, uncertain_boundary_km(dataset, geometry, zone),
                       zone_accuracy_km(dataset, geometry, zone))


def layer_edge_km(dataset: Dataset, geometry: AgreementGeometry, zone: Zone, layer: models.Layer) -> float:
    """How near the zone's edge a point of ``layer`` is on the edge: the zone's error plus the layer's."""
    return edge_km(zone_accuracy_km(dataset, geometry, zone), layer.accuracy_km)


def place_count(dataset: Dataset, geometry: AgreementGeometry, zone: Zone, layer: models.Layer) -> PlaceCount:
    """Which points of a point layer are inside the zone, on its edge (either side), by the edge rule."""
    frame = dataset.layer_frame(layer.id)
    distance = layer_edge_km(dataset, geometry, zone, layer)
    position = point_positions(frame, zone, geometry.crs, distance)
    names = frame[layer.name_property].astype(str) if layer.name_property else pd.Series(frame.index.astype(str),
                                                                                           index=frame.index)
    return PlaceCount(layer, names[position == "inside"].tolist(), names[position == "edge"].tolist(), len(frame),
                      distance)


def settlements_layer(dataset: Dataset) -> models.Layer | None:
    """The catalog's fullest layer of populated places (``settlements: true``), if any."""
    return next((layer for layer in dataset.layers.values() if layer.settlements), None)
