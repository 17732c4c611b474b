"""Several places layers (catalog ``places_layer`` as a list) and the places table's administrative-unit
column, headed from the catalog (``admin_property`` / ``admin_label``), on the small synthetic dataset."""

from __future__ import annotations

import re

import pytest

from accordmap.views import tables
from accordmap.geometry import build_geometry
from accordmap.load import DataErrors, load_dataset

VILLAGES = """{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"name": "South Town", "village_id": "south-town-v", "county": "Southshire"}, "geometry": {"type": "Point", "coordinates": [36.4, 35.22]}},
{"type": "Feature", "properties": {"name": "East Village", "village_id": "east-village", "county": "Eastshire"}, "geometry": {"type": "Point", "coordinates": [36.6, 35.22]}},
{"type": "Feature", "properties": {"name": "Far Village", "village_id": "far-village", "county": null}, "geometry": {"type": "Point", "coordinates": [36.5, 35.6]}}
]}
"""
VILLAGES_ENTRY = """  - id: villages
    file: villages.geojson
    title: Villages
    kind: point
    as_of: null
    sources: [report]
    licence: CC0
    attribution: Fixture
    accuracy: exact
    name_property: name
    id_property: village_id
    admin_property: county
    admin_label: County
    region: [36.0, 35.0, 37.0, 36.0]
"""


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def two_regions(minimal_data):
    """The minimal data with a second places layer, on the map and named in places_layer."""
    (minimal_data / "layers" / "villages.geojson").write_text(VILLAGES, encoding="utf-8")
    catalog = minimal_data / "layers" / "catalog.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + VILLAGES_ENTRY, encoding="utf-8")
    _edit(catalog, "places_layer: towns", "places_layer: [towns, villages]")
    _edit(minimal_data / "agreements" / "test-accord.yaml", "road, towns]", "road, towns, villages]")
    return minimal_data


def _errors(data):
    with pytest.raises(DataErrors) as err:
        load_dataset(data)
    return [str(e) for e in err.value.errors]


def test_events_may_name_places_of_every_places_layer(two_regions):
    _edit(two_regions / "events.yaml", "places: [north-town]", "places: [north-town, east-village]")
    dataset = load_dataset(two_regions)
    assert dataset.catalog.places_layers == ["towns", "villages"]
    assert next(e for e in dataset.events if e.id == "signed").places == ["north-town", "east-village"]


def test_the_places_table_lists_both_layers_once_per_place_with_the_heading_from_data(two_regions):
    dataset = load_dataset(two_regions)
    agreement = dataset.agreements["test-accord"]
    geometry = build_geometry(dataset, agreement)
    frame = tables.places_in_zone_frame(dataset, agreement, geometry)
    # South Town is in both layers, at the same spot: listed once, under the first places layer
    assert frame[["place", "layer", "admin_unit"]].values.tolist() == [
        ["South Town", "Towns", ""], ["East Village", "Villages", "Eastshire"]]
    html = re.sub(r"</?bdi>", "", str(tables.places_in_zone_html(dataset, agreement, geometry)))
    assert '<th scope="col" dir="auto">County</th>' in html and "Governorate" not in html
    assert "Towns: 0 inside in every variant, 1 in some; Villages: 0 inside in every variant, 1 in some" in html
    # key figures count each layer on its own
    figures = tables.key_figures_frame(dataset, agreement, geometry).set_index("zone")
    assert figures.loc["Test zone, 4 km deep", ["Towns: count high", "Villages: count high"]].tolist() == [1, 2]


def test_without_an_admin_property_the_table_has_no_such_column(minimal_data):
    dataset = load_dataset(minimal_data)
    agreement = dataset.agreements["test-accord"]
    html = str(tables.places_in_zone_html(dataset, agreement, build_geometry(dataset, agreement)))
    assert tables.admin_heading(dataset, agreement) is None
    assert [h for h in re.findall(r'<th scope="col" dir="auto">([^<]*)</th>', html)] == [
        "Place", "Layer", "Within 4 km", "Within 2 km", "Lat, lon"]


def test_the_heading_defaults_to_the_popup_label(dataset, sochi):
    assert dataset.layers["towns"].admin_property == "ADM1_EN" and dataset.layers["towns"].admin_label is None
    assert tables.admin_heading(dataset, sochi) == "Governorate"  # popup_labels: {ADM1_EN: Governorate}


def test_a_place_id_in_two_places_layers_is_refused(two_regions):
    _edit(two_regions / "layers" / "villages.geojson", '"village_id": "east-village"', '"village_id": "north-town"')
    assert _errors(two_regions) == [
        "data/layers/catalog.yaml:2: places_layer: place id 'north-town' is in both 'towns' and 'villages' (expected "
        "each place id once across the places layers, since events name places by id)"]


def test_an_unknown_places_layer_in_the_list_is_refused(two_regions):
    _edit(two_regions / "layers" / "catalog.yaml", "places_layer: [towns, villages]", "places_layer: [towns, hamlets]")
    assert _errors(two_regions) == [
        "data/layers/catalog.yaml:2: places_layer[1]: no layer with id 'hamlets' (expected a point layer id)"]


def test_an_admin_property_the_features_lack_is_refused(two_regions):
    _edit(two_regions / "layers" / "catalog.yaml", "admin_property: county", "admin_property: district")
    assert _errors(two_regions) == [
        f"data/layers/villages.geojson:{line}: features[{n}].properties.district: property missing (expected it, "
        "since data/layers/catalog.yaml names it for layer 'villages')" for n, line in enumerate((2, 3, 4))]
