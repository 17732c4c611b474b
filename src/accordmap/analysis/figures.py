"""Computed areas and counts -> figures with a central estimate and the range the boundaries' errors allow.

Every figure is the **central** estimate (computed from the layers as given) with a **range** from the
zone's variants (:mod:`accordmap.analysis.uncertainty`: each boundary moved within its own error, what is
known kept on its side). Rounding follows the range (:func:`round_estimate`): the step is a tenth of the
power of ten at or below the range's width (a range 2,000 km² wide rounds to hundreds), the central
figure to that step and the bounds outwards to it, so the shown range holds the computed one. A figure
with no range (exact layers, or no error stated) is an area to two significant figures, a count exactly.

:func:`zone_area` and :func:`place_count` apply it to a computed zone, for the key figures, the places
table (:mod:`accordmap.views.tables`) and the exports; the comparison (:mod:`accordmap.analysis.comparison`)
builds its :class:`AreaFigure` ranges from geometry and rounds them by the same rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
import pandas as pd
from accordmap import models
from accordmap.dataset import Dataset
from accordmap.analysis import uncertainty
from accordmap.geometry import AgreementGeometry, Zone


def round_area(km2: float) -> int:
    """Two significant figures, never finer than 10 km²: for an area whose error is not stated."""
    if not math.isfinite(km2) or km2 <= 0:
        return 0
    step = max(10, 10 ** (math.floor(math.log10(km2)) - 1))
    return int(round(km2 / step) * step)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def range_step(low: float, high: float) -> float:
    """The rounding step a range supports: a tenth of the power of ten at or below its width (at least 1)."""
    width = high - low
    if not (math.isfinite(width) and width > 0):
        return 1
    return max(1, 10 ** (math.floor(math.log10(width)) - 1))


def round_estimate(central: float, low: float, high: float) -> tuple[float, float, float]:
    """(central, low, high) rounded as one figure: central to :func:`range_step`, the bounds outwards to it."""
    step = range_step(low, high)
    return (round(central / step) * step, math.floor(low / step) * step, math.ceil(high / step) * step)


@dataclass(frozen=True)
class AreaFigure:
    """An area in km², central, with the range its boundaries' variants give (``low_km2`` ≤ ``km2`` ≤
    ``high_km2``; all three equal when no error is stated)."""

    km2: float
    low_km2: float
    high_km2: float

    def __post_init__(self):
        # the range always holds the computed figure (a variant may only touch it)
        object.__setattr__(self, "low_km2", min(self.low_km2, self.km2))
        object.__setattr__(self, "high_km2", max(self.high_km2, self.km2))

    @property
    def stated(self) -> bool:
        return self.high_km2 > self.low_km2 and math.isfinite(self.high_km2 - self.low_km2)

    @property
    def step(self) -> float:
        """What the figure is rounded to: a tenth of the magnitude of its range (or two significant figures)."""
        if self.stated:
            return range_step(self.low_km2, self.high_km2)
        if not math.isfinite(self.km2) or self.km2 <= 0:
            return 1
        return max(10, 10 ** (math.floor(math.log10(self.km2)) - 1))

    @property
    def rounded(self) -> int:
        if not math.isfinite(self.km2) or self.km2 <= 0:
            return 0
        if not self.stated:
            return round_area(self.km2)
        return int(round_estimate(self.km2, self.low_km2, self.high_km2)[0])

    @property
    def rounded_range(self) -> tuple[float, float]:
        """The bounds rounded outwards to the step, so they hold the computed range; low never below 0."""
        if not self.stated:
            return (self.rounded, self.rounded)
        _, low, high = round_estimate(self.km2, self.low_km2, self.high_km2)
        return (max(0.0, low), high)

    def label(self) -> str:
        """'about 3,600 km² (2,600–4,500)': the central area first, then its range, both rounded to what the
        range supports."""
        if self.rounded == 0 and self.high_km2 <= 0:
            return "none"
        if not self.stated:
            return f"about {self.rounded:,} km² (error not stated)"
        low, high = self.rounded_range
        return f"about {self.rounded:,} km² ({_fmt(low)}–{_fmt(high)})"


@dataclass(frozen=True)
class CountFigure:
    """A count, central (as computed), with its range (``low`` ≤ ``central`` ≤ ``high``)."""

    central: int
    low: int
    high: int

    def label(self, unit: str = "") -> str:
        """'860 events (range 610–1,020)'; '12 places' when the range is one number."""
        noun = f" {unit}" if unit else ""
        if self.low == self.high:
            return f"{self.central:,}{noun}"
        central, low, high = round_estimate(self.central, self.low, self.high)
        return f"{int(central):,}{noun} (range {int(low):,}–{int(high):,})"

    def short(self) -> str:
        """'860 (710–880)', for table cells and bar labels; '12' when the range is one number."""
        if self.low == self.high:
            return f"{self.central:,}"
        central, low, high = round_estimate(self.central, self.low, self.high)
        return f"{int(central):,} ({int(low):,}–{int(high):,})"


# --- a zone's figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceCount:
    """The points of one layer against one zone's variants: the names inside the zone as computed
    (``central``), inside in every variant (``inside``) and in some (``some``: name -> in how many), of
    ``variants``; the layer's size; how many each variant holds (``per_variant``, the zone as computed first)."""

    layer: models.Layer
    central: list[str]
    inside: list[str]
    some: dict[str, int]
    total: int
    variants: int
    per_variant: tuple[int, ...] = ()

    @property
    def figure(self) -> CountFigure:
        """The count in the zone as computed, with the fewest and the most any variant holds."""
        counts = self.per_variant or (len(self.central),)
        return CountFigure(len(self.central), min(counts), max(counts))

    def sentence(self) -> str:
        """'12 (range 10–14): 9 inside in every variant, 10 in some, of 31'."""
        figure = self.figure
        if figure.low == figure.high and not self.some:
            return f"{figure.central:,} inside, of {self.total:,}"
        return (f"{figure.label()}: {len(self.inside):,} inside in every variant, {len(self.some):,} in some, "
                f"of {self.total:,}")


def zone_area(dataset: Dataset, geometry: AgreementGeometry, zone: Zone) -> AreaFigure:
    """The zone's area as computed, with the smallest and largest of its variants as the range."""
    areas = uncertainty.zone_variants(dataset, geometry, zone).areas_km2
    return AreaFigure(zone.area_km2, float(areas.min()), float(areas.max()))


def place_classes(dataset: Dataset, geometry: AgreementGeometry, zone: Zone, layer: models.Layer) -> uncertainty.Classes:
    """Each point of ``layer`` (in the order of its frame) against the zone's variants: the one classification
    every report and export uses, computed once per geometry, zone and layer (kept in ``geometry.cache``)."""
    key = ("classes", geometry.zones.index(zone), layer.id)
    if key not in geometry.cache:
        geometry.cache[key] = uncertainty.point_classes(
            dataset.layer_frame(layer.id), uncertainty.zone_variants(dataset, geometry, zone), geometry.crs)
    return geometry.cache[key]


def place_count(dataset: Dataset, geometry: AgreementGeometry, zone: Zone, layer: models.Layer) -> PlaceCount:
    """Which points of a point layer are inside the zone as computed, inside every variant and inside some."""
    frame = dataset.layer_frame(layer.id)
    classes = place_classes(dataset, geometry, zone, layer)
    names = frame[layer.name_property].astype(str) if layer.name_property else pd.Series(frame.index.astype(str),
                                                                                           index=frame.index)
    names = names.to_numpy()
    position = classes.position
    some = {str(n): int(k) for n, k, p in zip(names, classes.variants_in, position) if p == "some"}
    return PlaceCount(layer, [str(n) for n in names[classes.central]], [str(n) for n in names[position == "inside"]],
                      some, len(frame), classes.variants, classes.per_variant)


def settlements_layer(dataset: Dataset) -> models.Layer | None:
    """The catalog's fullest layer of populated places (``settlements: true``), if any."""
    return next((layer for layer in dataset.layers.values() if layer.settlements), None)
