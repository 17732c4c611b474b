"""Features geography (``kind: features``) -> its model, checks and words.

Points, lines or areas of a layer referenced as they are (observation posts, highways): no zone is
computed and no parameter applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal
from accordmap.models.geography.common import GeographyBase, ref_text
from accordmap.models.layers import Layer, LayerRefField
from accordmap.models.base import Text


class FeaturesGeography(GeographyBase):
    """Points, lines or areas of a layer, referenced as they are (e.g. observation posts, highways)."""

    kind: Literal["features"]
    label: Text
    layer: LayerRefField

    REFS: ClassVar[dict[str, str | None]] = {"layer": None}

    def measured_routes(self, layers: Mapping[str, Layer]) -> list:
        """A line layer (a highway) is measured inside each zone; points and areas are not."""
        layer = layers.get(self.layer.layer)
        return [self.layer] if layer is not None and layer.kind == "line" else []

    def describe(self, layers: Mapping[str, Layer], values: Mapping[str, float] | None = None) -> str:
        return f"{self.label}: as mapped in {ref_text(self.layer, layers)}."
