"""Band geography (``kind: band``) -> its model, checks, zones, parameters and words.

A band is everything within a depth of a line (``along``), e.g. a demilitarised zone 15-20 km deep
from a line of contact:

- ``within``: the area(s) it is kept inside, one reference or a list (their union); for a band on
  one side of the line, the area on that side;
- ``except``: area(s) taken out of it (a city, another operation's area), one reference or a list;
- ``min_km`` / ``max_km``: one zone at each depth (report parameters ``<provision>.min_km`` and
  ``<provision>.max_km``; ``zone_min_km`` / ``zone_max_km`` when the agreement has one band);
- ``side``: ``one`` (the default with ``within``: measured into the area) or ``both`` (the default
  without: either side of the line; labelled by its full width, "4 km wide, 2 km either side");
- ``sectors``: depths that vary along the line; each sector's depth applies to the part of the zone
  inside its ``within`` area, giving one more zone labelled by its sectors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal
from pydantic import Field, model_validator
from accordmap.models.geography.common import (
    Context, GeographyBase, LayerRefs, Zone, as_list, cut, except_text, ref_text, refs_text,
)
from accordmap.models.base import Distance, Strict, Text
from accordmap.models.layers import Layer, LayerRefField


class Sector(Strict):
    """A stretch of the line with its own depth: the part of the band inside ``within``."""

    within: LayerRefs = Field(description="the area(s) of the sector (one reference or a list)")
    depth_km: Distance
    label: Text = Field(description="where the sector is, e.g. 'Idleb governorate'")


class BandGeography(GeographyBase):
    """A zone of depth [min_km, max_km] measured from a line, kept inside an area (e.g. a DMZ)."""

    kind: Literal["band"]
    label: Text
    along: LayerRefField
    within: LayerRefs | None = None
    except_: LayerRefs | None = Field(None, alias="except", description="area(s) taken out of the zone")
    side: Literal["one", "both"] | None = Field(None, description="one: measured into the within area; both: either "
                                                                  "side of the line (default: one with within, else both)")
    min_km: Distance
    max_km: Distance
    sectors: list[Sector] = Field([], description="depths by sector of the line (one more zone)")
    sectors_note: str | None = Field(None, description="where the sector depths come from, shown with them")
    sectors_default_km: Distance | None = Field(None, description="the depth of the parts of the band outside every "
                                                                  "sector (default: max_km), stated with the sectors")

    REFS: ClassVar[dict[str, str | None]] = {"along": "line", "within": "area", "except_": "area"}
    PARAMETERS: ClassVar[dict[str, str]] = {"min_km": "depth of the narrower zone, km", "max_km": "depth of the wider zone, km"}
    AGREEMENT_WIDE: ClassVar[dict[str, str]] = {"zone_min_km": "min_km", "zone_max_km": "max_km"}
    MEASURED_FROM: ClassVar[str | None] = "along"
    COMPUTES_ZONES: ClassVar[bool] = True
    DISTANCE_COLUMN: ClassVar[str | None] = "depth_km"
    FOLLOWS_FRONT: ClassVar[bool] = True

    def apart_text(self, distance_km: float, along: str) -> str:
        return f"nothing within {distance_km:g} km of {along} lies inside"

    # --- checks (those that need no other file; layer kinds and filters: accordmap.load) ----

    @model_validator(mode="after")
    def _consistent(self) -> BandGeography:
        if self.min_km > self.max_km:
            raise ValueError(f"min_km ({self.min_km:g}) is larger than max_km ({self.max_km:g}) (expected min_km <= max_km)")
        if self.side == "one" and self.within is None:
            raise ValueError("side is 'one' but there is no within (expected within: the area on the zone's side of "
                             "the line, or side: both for a zone either side of it)")
        if self.sectors_note and not self.sectors:
            raise ValueError("sectors_note is given but there are no sectors (expected sectors, or no sectors_note)")
        if self.sectors_default_km is not None and not self.sectors:
            raise ValueError("sectors_default_km is given but there are no sectors (expected sectors, or no "
                             "sectors_default_km)")
        return self

    @property
    def both_sides(self) -> bool:
        return (self.side or ("one" if self.within else "both")) == "both"

    def layer_refs(self):
        found = super().layer_refs()
        for number, sector in enumerate(self.sectors):
            found += [(("sectors", number, "within", index), "area", ref) for index, ref in enumerate(sector.within)]
        return found

    def map_refs(self, change):
        copy = super().map_refs(change)
        sectors = [s.model_copy(update={"within": [change(ref) for ref in s.within]}) for s in self.sectors]
        return copy.model_copy(update={"sectors": sectors})

    # --- parameters ---------------------------------------------------------------------------

    def depths(self, min_km: float | None = None, max_km: float | None = None) -> tuple[float, float]:
        """The (narrower, wider) depths in km, each replaced by its override when one is given."""
        return (min_km or self.min_km, max_km or self.max_km)

    def override_problem(self, values: Mapping[str, float], names: Mapping[str, str]) -> str | None:
        low, high = self.depths(values.get("min_km"), values.get("max_km"))
        if low > high:
            return (f"{names['min_km']} ({low:g}) is larger than {names['max_km']} ({high:g}) for {self.label!r} "
                    "(expected min <= max)")
        return None

    # --- zones --------------------------------------------------------------------------------

    def depth_text(self, depth_km: float) -> str:
        """'15 km deep', or for a band either side of its line, '4 km wide, 2 km either side'."""
        if self.both_sides:
            return f"{2 * depth_km:g} km wide, {depth_km:g} km either side"
        return f"{depth_km:g} km deep"

    def elsewhere_km(self, max_km: float | None = None) -> float:
        """The depth of the band where no sector applies: ``sectors_default_km``, else the wider depth."""
        return self.sectors_default_km or max_km or self.max_km

    def sectors_text(self, max_km: float | None = None, elsewhere: bool = True) -> str:
        """'15 km in Idleb governorate, 20 km in Hama governorate, 20 km elsewhere (elsewhere the agreed maximum;
        sector depths reported by ...)'; without ``elsewhere`` (the sectors cover the whole band), no such part."""
        either = " either side" if self.both_sides else ""
        text = ", ".join(f"{s.depth_km:g} km{either} in {s.label}" for s in self.sectors)
        notes = [self.sectors_note] if self.sectors_note else []
        if elsewhere:
            text += f", {self.elsewhere_km(max_km):g} km{either} elsewhere"
            if self.sectors_default_km is None:
                notes.insert(0, "elsewhere the agreed maximum")
        return f"{text} ({'; '.join(notes)})" if notes else text

    def zones(self, provision_id: str, context: Context, values: Mapping[str, float]) -> list[Zone]:
        import shapely

        line = context.union(self.along)
        within, excepted = context.union(self.within), context.union(self.except_)
        zones = []
        for depth in sorted(set(self.depths(values.get("min_km"), values.get("max_km")))):
            shape = cut(shapely.buffer(line, depth * 1000, quad_segs=16), within, excepted)
            zones.append(Zone(provision_id, self.label, "band", depth, shape, self.depth_text(depth)))
        if self.sectors:
            parts = self.sector_parts(context, values.get("max_km"))
            rest = parts[-1][2]
            elsewhere = not (rest.is_empty or rest.area == 0)
            parts = parts if elsewhere else parts[:-1]
            shape = shapely.union_all([part for _, _, part in parts])
            deepest = max(depth for _, depth, _ in parts)
            zones.append(Zone(provision_id, self.label, "band", deepest, shape,
                              self.sectors_text(values.get("max_km"), elsewhere)))
        return zones

    def sector_parts(self, context: Context, max_km: float | None = None) -> list[tuple[str, float, object]]:
        """The parts of the band by sector, each ``(label, depth_km, shape)``: each sector's part (within its depth
        of the line, inside its area and the band's), then the part outside every sector, at
        :meth:`elsewhere_km` (labelled 'elsewhere'), so that no part of the band drops out."""
        import shapely

        line = context.union(self.along)
        within, excepted = context.union(self.within), context.union(self.except_)
        parts = []
        for s in self.sectors:
            area = context.union(s.within)
            parts.append((s.label, s.depth_km, cut(shapely.intersection(
                shapely.buffer(line, s.depth_km * 1000, quad_segs=16), area), within, excepted)))
        covered = shapely.union_all([context.union(s.within) for s in self.sectors])
        depth = self.elsewhere_km(max_km)
        rest = cut(shapely.difference(shapely.buffer(line, depth * 1000, quad_segs=16), covered), within, excepted)
        parts.append(("elsewhere", depth, rest))
        return parts

    # --- words --------------------------------------------------------------------------------

    def describe(self, layers: Mapping[str, Layer], values: Mapping[str, float] | None = None) -> str:
        low, high = self.depths((values or {}).get("min_km"), (values or {}).get("max_km"))
        depth = f"{low:g} km" if low == high else f"{low:g} to {high:g} km"
        if self.both_sides:
            width = f"{2 * low:g}" if low == high else f"{2 * low:g} to {2 * high:g}"
            text = f"{self.label}: {width} km wide, {depth} either side of {ref_text(self.along, layers)}"
        else:
            text = f"{self.label}: {depth} deep from {ref_text(self.along, layers)}"
        if self.within:
            text += f", inside {refs_text(as_list(self.within), layers)}"
        if self.except_:
            text += f", {except_text(as_list(self.except_), layers)}"
        text += "."
        if self.sectors:
            areas = "; ".join(f"{s.label}: {refs_text(s.within, layers)}" for s in self.sectors)
            text += (f" By sector: {self.sectors_text((values or {}).get('max_km'))} ({areas}); elsewhere is the "
                     "part of the band outside every sector.")
        return text
