"""Geometry of two dates -> the ground that changed hands, and how much of a zone was taken.

The control layers are estimates whose lines are off by a typical error (6–8 km for the shipped
Idlib lines), so every area here comes as a range: the figure computed from the lines as they
are, and the figures if each line were off by its typical error in the same direction all along
(the "low" and "high" bounds). Each is an :class:`accordmap.figures.AreaFigure`, rounded by the one
rule of :mod:`accordmap.figures` (to the magnitude of its error); reports quote it with its range.
"""

from __future__ import annotations

import shapely

from accordmap.figures import AreaFigure, round_area

__all__ = ["AreaFigure", "changed_hands", "overlap_km2", "round_area", "share_taken"]


def _km2(geometry: shapely.Geometry) -> float:
    return float(geometry.area) / 1e6


def _band(line: shapely.Geometry | None, error_km: float | None) -> shapely.Geometry:
    """The ground within the line's typical error of it (empty for an exact or missing line)."""
    if line is None or not error_km:
        return shapely.Polygon()
    return shapely.buffer(line, error_km * 1000, quad_segs=8)


def changed_hands(
    held_before: shapely.Geometry,
    held_after: shapely.Geometry,
    line_before: shapely.Geometry | None = None,
    line_after: shapely.Geometry | None = None,
    error_before_km: float | None = None,
    error_after_km: float | None = None,
) -> AreaFigure:
    """Ground held at the first date and no longer at the second (metric CRS geometries).

    Low bound: what changed hands even if every point within a line's error of it had been
    classed the other way; high bound: the changed ground plus every point of the earlier area
    within a line's error of either line.
    """
    changed = shapely.difference(held_before, held_after)
    uncertain = shapely.union(_band(line_before, error_before_km), _band(line_after, error_after_km))
    low = shapely.difference(changed, uncertain)
    high = shapely.union(changed, shapely.intersection(uncertain, held_before))
    return AreaFigure(_km2(changed), _km2(low), _km2(high))


def share_taken(
    zone: shapely.Geometry,
    held_after: shapely.Geometry,
    line_after: shapely.Geometry | None = None,
    error_after_km: float | None = None,
) -> tuple[AreaFigure, float]:
    """The part of a zone no longer in the held area at the later date, and its share of the zone.

    The range follows the later line's error: low excludes, high includes, the zone's ground
    within that error of the line.
    """
    taken = shapely.difference(zone, held_after)
    band = shapely.intersection(_band(line_after, error_after_km), zone)
    figure = AreaFigure(_km2(taken), _km2(shapely.difference(taken, band)), _km2(shapely.union(taken, band)))
    total = _km2(zone)
    return figure, (figure.km2 / total if total else 0.0)


def overlap_km2(a: shapely.Geometry, b: shapely.Geometry) -> float:
    return _km2(shapely.intersection(a, b))
