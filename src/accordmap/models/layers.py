"""The layer catalog (``data/layers/catalog.yaml``): layers, their style and labels, and layer references
(a layer or a series, optionally filtered with ``where``).
"""

from __future__ import annotations

from typing import Annotated, Literal
from pydantic import (
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
# --- geography kinds: accordmap.models.geography (they build on the types above) --------------------

from accordmap.models.base import AccuracyKm, COLOR_PATTERN, FILE_PATTERN, Id, PartialDate, SourceRefs, Strict, Text, check_dash


# --- layers ---------------------------------------------------------------------------------

LayerKind = Literal["area", "line", "point"]


class LayerStyle(Strict):
    color: Annotated[str, Field(pattern=COLOR_PATTERN)] = "#555555"
    fill_opacity: Annotated[float, Field(ge=0, le=1)] = 0.0
    weight: Annotated[float, Field(gt=0, le=10)] = 2
    dash: Annotated[str | None, BeforeValidator(check_dash)] = Field(None, description="SVG dash pattern, e.g. '6 4'")
    radius: Annotated[float, Field(gt=0, le=20)] = 5
    shown: bool = Field(True, description="drawn when the map opens (else only listed in the layer control)")


class LayerLabel(Strict):
    """Names written on the map beside each feature of a layer (see :mod:`accordmap.views.maps`)."""

    property: str | None = Field(None, description="feature property holding the text; default: the name_property")
    min_zoom: Annotated[float, Field(ge=0, le=18)] = Field(
        0, description="shown from this map zoom on (0: always; about 7 shows a region, 10 a district)")
    priority: Annotated[int, Field(ge=0, le=100)] = Field(
        0, description="where two labels would overlap, the one of higher priority is shown")
    order_by: str | None = Field(None, description="numeric feature property: within the layer, larger values are "
                                                   "labelled first (default: the file's order)")


class Layer(Strict):
    """One GeoJSON file in data/layers/, EPSG:4326."""

    id: Id
    file: Annotated[str, Field(pattern=FILE_PATTERN)]
    title: Text
    kind: LayerKind
    as_of: PartialDate | None = Field(description="date the data describes; null when its source does not say")
    sources: SourceRefs
    licence: Text
    attribution: Text = Field(description="credit line shown on maps")
    accuracy: Literal["exact", "approximate"]
    accuracy_km: AccuracyKm | None = None
    accuracy_note: str | None = None
    name_property: str | None = Field(None, description="feature property holding a display name")
    id_property: str | None = Field(None, description="feature property holding a place id (point layers)")
    popup_properties: list[str] = []
    popup_labels: dict[str, Text] = Field({}, description="property -> the label its popup row shows (default: the "
                                                          "property's own name); each a property of popup_properties")
    label: LayerLabel | None = Field(None, description="write each feature's name on the map (see LayerLabel)")
    admin_property: str | None = Field(None, description="feature property naming the administrative unit a place "
                                                         "lies in (a governorate, province, county): a column of the "
                                                         "places table")
    admin_label: str | None = Field(None, description="that column's heading (default: the property's popup_labels "
                                                      "entry, else the property's name)")
    region: tuple[float, float, float, float] = Field(
        description="lon_min, lat_min, lon_max, lat_max that every feature must lie within (catches swapped lon/lat)"
    )
    series: Id | None = Field(None, description="id of the series of layers that describe the same thing at different "
                                                "dates (each member has a day as_of)")
    settlements: bool = Field(False, description="the fullest layer of populated places: key figures count its points "
                                                 "in each zone (one point layer at most)")
    style: LayerStyle = LayerStyle()

    @field_validator("popup_labels")
    @classmethod
    def _labels_name_popup_rows(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        rows = info.data.get("popup_properties")
        unknown = [key for key in value if rows is not None and key not in rows]
        if unknown:
            raise ValueError(f"labels {', '.join(map(repr, unknown))}, which popup_properties does not list "
                             f"(expected keys among: {', '.join(rows) or 'none, popup_properties is empty'})")
        return value

    @field_validator("label")
    @classmethod
    def _label_has_a_property(cls, value: LayerLabel | None, info: ValidationInfo) -> LayerLabel | None:
        if value is not None and value.property is None and not info.data.get("name_property") and "name_property" in info.data:
            raise ValueError("has no property and the layer has no name_property (expected label: {property: <the "
                             "feature property holding the text>, min_zoom: <0-18>})")
        return value

    @property
    def admin_heading(self) -> str | None:
        """The heading of the places table's column for ``admin_property`` (None: the layer has none)."""
        if not self.admin_property:
            return None
        return self.admin_label or self.popup_labels.get(self.admin_property) or self.admin_property

    @model_validator(mode="after")
    def _approximate_says_how(self) -> Layer:
        if self.admin_label and not self.admin_property:
            raise ValueError("admin_label is set but admin_property is missing (expected admin_property: <the feature "
                             "property naming each place's administrative unit>, or no admin_label)")
        if self.accuracy == "approximate" and not self.accuracy_note:
            raise ValueError("accuracy is approximate but accuracy_note is missing (expected a note saying what the layer was derived from)")
        if self.settlements and self.kind != "point":
            raise ValueError(f"settlements is true on a layer of kind {self.kind!r} (expected kind point, or no settlements)")
        lon0, lat0, lon1, lat1 = self.region
        if not (-180 <= lon0 < lon1 <= 180 and -90 <= lat0 < lat1 <= 90):
            raise ValueError(f"region {list(self.region)} is not a box (expected lon_min, lat_min, lon_max, lat_max in degrees)")
        return self


class LayerCatalog(Strict):
    places_layer: Id | Annotated[list[Id], Field(min_length=1)] = Field(
        description="the point layer, or a list of them (one per region, say), whose id_property gives the place ids "
                    "events use; each place id once across them")
    localities_series: Id | None = Field(None, description="a series of point layers whose 'control' property says "
                                                           "who held each sourced locality on the member's date")
    layers: list[Layer]

    @property
    def places_layers(self) -> list[str]:
        """The places layers' ids, as a list however the catalog writes them."""
        value = getattr(self, "places_layer", None)
        return [] if value is None else [value] if isinstance(value, str) else list(value)

    @model_validator(mode="after")
    def _one_settlements_layer(self) -> LayerCatalog:
        marked = [layer.id for layer in self.layers if layer is not None and layer.settlements]
        if len(marked) > 1:
            raise ValueError(f"settlements is true on {len(marked)} layers ({', '.join(marked)}) (expected it on one "
                             "layer at most: the fullest layer of populated places)")
        return self


# --- agreements -----------------------------------------------------------------------------


def layer_ref_shorthand(value: object) -> object:
    return {"layer": value} if isinstance(value, str) else value


def _where_condition(value: object) -> object:
    from accordmap.models.where import parse_condition# the kinds import this module first

    return parse_condition(value)


# a property's condition in a ``where`` filter: a value, or operators (accordmap.models.where.OPERATORS)
WhereCondition = Annotated[object, BeforeValidator(_where_condition)]


class LayerRef(Strict):
    """A layer, or a series of layers (the member a report's date picks, see
    :func:`accordmap.dataset.resolve_layer`), optionally only the features whose properties match ``where``."""

    layer: Id | None = None
    series: Id | None = None
    where: dict[str, WhereCondition] | None = Field(None, description="property -> a value (equal to it) or "
                                                           "operators: {in: [..]}, {not: v}, {ge: 1000} ...")

    @model_validator(mode="after")
    def _layer_or_series(self) -> LayerRef:
        if (self.layer is None) == (self.series is None):
            what = "both a layer and a series" if self.layer else "neither a layer nor a series"
            raise ValueError(f"names {what} (expected exactly one: {{layer: <id>}} or {{series: <id>}})")
        return self


LayerRefField = Annotated[LayerRef, BeforeValidator(layer_ref_shorthand)]
