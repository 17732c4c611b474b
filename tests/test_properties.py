"""Property-based: whatever YAML or GeoJSON an editor saves, loading fails only with DataErrors."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from helpers import FIXTURES, writable_copy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accordmap.load import DataErrors, load_dataset

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.sampled_from(
    ["2020-01-10", "2019-12", "2020-02-30", "alpha", "beta", "text", "towns", "band", "corridor", "features", "", "-"])
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                      max_leaves=12)


def load_with(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = writable_copy(FIXTURES / "minimal" / "data", Path(tmp) / "data")
        for name, text in files.items():
            (data / name).write_text(text, encoding="utf-8")
        try:
            load_dataset(data)
        except DataErrors as errors:
            assert errors.errors and all(str(e) for e in errors.errors)


def valid(name: str):
    return yaml.safe_load((FIXTURES / "minimal" / "data" / name).read_text(encoding="utf-8"))


def mutate(document, path_choices: list, value):
    """Replace one node of a valid document, found by following path_choices, with value."""
    node = document
    for choice in path_choices:
        if isinstance(node, dict) and node:
            key = sorted(node, key=str)[choice % len(node)]
            if not isinstance(node[key], (dict, list)) or not node[key]:
                node[key] = value
                return document
            node = node[key]
        elif isinstance(node, list) and node:
            index = choice % len(node)
            if not isinstance(node[index], (dict, list)) or not node[index]:
                node[index] = value
                return document
            node = node[index]
    return value if node is document else document


@SETTINGS
@given(st.text(max_size=200))
def test_any_text_as_yaml(text):
    load_with({"events.yaml": text})


@SETTINGS
@given(values)
def test_any_yaml_structure(value):
    load_with({"agreements/test-accord.yaml": yaml.safe_dump(value)})


@SETTINGS
@given(st.sampled_from(["agreements/test-accord.yaml", "actors.yaml", "events.yaml", "sources.yaml", "layers/catalog.yaml"]),
       st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=6), values)
def test_one_wrong_value_in_a_valid_file(name, path_choices, value):
    load_with({name: yaml.safe_dump(mutate(valid(name), path_choices, value))})


geometries = st.fixed_dictionaries({
    "type": st.sampled_from(["Point", "LineString", "Polygon", "MultiPoint", "GeometryCollection", "Nonsense"]),
    "coordinates": st.recursive(st.floats(allow_nan=True, allow_infinity=True) | st.integers(), lambda inner: st.lists(inner, max_size=5), max_leaves=20),
})
features = st.fixed_dictionaries({
    "type": st.sampled_from(["Feature", "feature", "FeatureCollection"]),
    "properties": st.dictionaries(st.sampled_from(["name", "place_id", "x"]), scalars, max_size=3) | st.none(),
    "geometry": geometries | st.none() | values,
})


@SETTINGS
@given(st.lists(features | values, max_size=4), st.sampled_from(["layers/towns.geojson", "layers/held_area.geojson"]))
def test_any_geojson_features(feature_list, name):
    load_with({name: json.dumps({"type": "FeatureCollection", "features": feature_list}, allow_nan=True)})


@SETTINGS
@given(values)
def test_any_json_document_as_geojson(value):
    load_with({"layers/road.geojson": json.dumps(value, allow_nan=True)})
