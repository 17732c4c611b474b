"""Corridor geography (``kind: corridor``) -> its model, checks, zones, parameters and words.

A corridor is ``half_width_km`` either side of a route (``along``), e.g. a security corridor 6 km
either side of a highway:

- ``within``: the area(s) the route is cut to first (one reference or a list: their union), so the
  corridor ends with flat ends where the route leaves the area;
- ``except``: area(s) taken out of the corridor (one reference or a list);
- ``half_width_km``: report parameter ``<provision>.half_width_km``; ``corridor_half_width_km`` when
  the agreement has one corridor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal
from pydantic import Field
from accordmap.models.geography.common import (
    Context, GeographyBase, LayerRefs, Zone, as_list, cut, except_text, ref_text, refs_text,
)
from accordmap.models.base import Distance, Text
from accordmap.models.layers import Layer, LayerRefField


class CorridorGeography(GeographyBase):
    """A corridor of half_width_km either side of a route (e.g. a security corridor on a highway)."""

    kind: Literal["corridor"]
    label: Text
    along: LayerRefField
    within: LayerRefs | None = None
    except_: LayerRefs | None = Field(None, alias="except", description="area(s) taken out of the corridor")
    half_width_km: Distance

    REFS: ClassVar[dict[str, str | None]] = {"along": "line", "within": "area", "except_": "area"}
    PARAMETERS: ClassVar[dict[str, str]] = {"half_width_km": "half-width of the corridor, km"}
    AGREEMENT_WIDE: ClassVar[dict[str, str]] = {"corridor_half_width_km": "half_width_km"}
    MEASURED_FROM: ClassVar[str | None] = "along"
    COMPUTES_ZONES: ClassVar[bool] = True
    DISTANCE_COLUMN: ClassVar[str | None] = "half_width_km"

    def zones(self, provision_id: str, context: Context, values: Mapping[str, float]) -> list[Zone]:
        import shapely

        width = self.settings(values)["half_width_km"]
        route = cut(context.union(self.along), context.union(self.within), None)
        shape = cut(shapely.buffer(route, width * 1000, cap_style="flat", quad_segs=16), None,
                    context.union(self.except_))
        return [Zone(provision_id, self.label, "corridor", width, shape, f"{width:g} km either side")]

    def describe(self, layers: Mapping[str, Layer], values: Mapping[str, float] | None = None) -> str:
        width = self.settings(values)["half_width_km"]
        text = f"{self.label}: {2 * width:g} km wide, {width:g} km either side of {ref_text(self.along, layers)}"
        if self.within:
            text += f" where it runs inside {refs_text(as_list(self.within), layers)}"
        if self.except_:
            text += f", {except_text(as_list(self.except_), layers)}"
        return text + "."
