"""Property-based: whatever YAML or GeoJSON an editor saves, loading fails only with DataErrors;
random nesting, control and bidi characters and repeated keys are always refused, and distances
check accepts are ones the build computes a zone for."""

from __future__ import annotations

import json
import math
import re
import tempfile
from pathlib import Path

import yaml
from helpers import FIXTURES, writable_copy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accordmap.load import DataErrors, load_dataset

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(SETTINGS, max_examples=30)  # each example loads a whole dataset, layers and zones included

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.sampled_from(
    ["2020-01-10", "2019-12", "2020-02-30", "alpha", "beta", "text", "towns", "band", "corridor", "features", "", "-"])
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                      max_leaves=12)


def load_with(files: dict[str, str]) -> None:
    """The loader may refuse the files only with DataErrors, each a non-empty message."""
    assert all(errors_of(files))


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


# --- what check refuses can never reach the build --------------------------------------------------

FILES = ["agreements/test-accord.yaml", "actors.yaml", "events.yaml", "sources.yaml", "layers/catalog.yaml"]
forbidden = st.one_of(
    st.characters(min_codepoint=0x00, max_codepoint=0x08), st.sampled_from(["\x0b", "\x0c"]),
    st.characters(min_codepoint=0x0E, max_codepoint=0x1F), st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
    st.characters(min_codepoint=0x202A, max_codepoint=0x202E), st.characters(min_codepoint=0x2066, max_codepoint=0x2069),
)
texts_with_a_forbidden_character = st.builds(lambda before, char, after: before + char + after,
                                             st.text(max_size=6), forbidden, st.text(max_size=6))


def errors_of(files: dict[str, str]) -> list[str]:
    """The problems check lists for the minimal dataset with ``files`` replaced (none: it loads)."""
    with tempfile.TemporaryDirectory() as tmp:
        data = writable_copy(FIXTURES / "minimal" / "data", Path(tmp) / "data")
        for name, text in files.items():
            (data / name).write_text(text, encoding="utf-8")
        try:
            load_dataset(data)
        except DataErrors as errors:
            return [str(e) for e in errors.errors]
    return []


def nested(depth: int, kinds: list[bool]) -> str:
    """Flow-style lists and mappings, depth levels deep (valid YAML and, with quotes, valid JSON)."""
    opening = "".join('{"k": ' if kinds[i % len(kinds)] else "[" for i in range(depth))
    closing = "".join("}" if kinds[i % len(kinds)] else "]" for i in reversed(range(depth)))
    return opening + "1" + closing


@FEWER
@given(st.integers(min_value=1, max_value=5000), st.lists(st.booleans(), min_size=1, max_size=5), st.sampled_from(FILES))
def test_any_nesting_in_yaml_is_a_data_error(depth, kinds, name):
    errors = errors_of({name: "key: " + nested(depth, kinds) + "\n"})
    assert errors  # 'key' is no key of any file
    assert (depth > 31) == any("nested more than 32 levels deep" in e for e in errors), errors


@FEWER
@given(st.integers(min_value=1, max_value=5000), st.lists(st.booleans(), min_size=1, max_size=5))
def test_any_nesting_in_geojson_is_a_data_error(depth, kinds):
    text = (FIXTURES / "minimal" / "data" / "layers" / "towns.geojson").read_text(encoding="utf-8")
    text = text.replace('"name": "North Town"', '"name": "North Town", "deep": ' + nested(depth, kinds))
    errors = errors_of({"layers/towns.geojson": text})
    # towns.geojson: the collection, its features, a feature and its properties hold 4 levels
    assert (depth > 28) == any("nested more than 32 levels deep" in e for e in errors), errors


def replace_a_leaf(document, choices: list[int], value):
    """Replace one scalar of a valid document (found by following choices, then first items) with value."""
    parent, key, node = None, None, document
    for step in range(64):
        if isinstance(node, dict) and node:
            keys = sorted(node, key=str)
            parent, key = node, keys[choices[step % len(choices)] % len(keys)]
        elif isinstance(node, list) and node:
            parent, key = node, choices[step % len(choices)] % len(node)
        else:
            break
        node = parent[key]
    if parent is None:
        return value
    parent[key] = value
    return document


@FEWER
@given(st.sampled_from(FILES), st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=6),
       texts_with_a_forbidden_character)
def test_a_control_or_bidi_character_anywhere_in_yaml_is_named(name, choices, text):
    errors = errors_of({name: yaml.safe_dump(replace_a_leaf(valid(name), choices, text))})
    assert any("control character U+" in e for e in errors), errors


@FEWER
@given(st.sampled_from(["name", "place_id", "anything"]), texts_with_a_forbidden_character)
def test_a_control_or_bidi_character_in_a_geojson_property_is_named(key, text):
    collection = json.loads((FIXTURES / "minimal" / "data" / "layers" / "towns.geojson").read_text(encoding="utf-8"))
    collection["features"][1]["properties"][key] = text
    errors = errors_of({"layers/towns.geojson": json.dumps(collection)})
    assert any(e.startswith("data/layers/towns.geojson:") and "control character U+" in e for e in errors), errors


@FEWER
@given(st.sampled_from(FILES), st.integers(min_value=0, max_value=1000))
def test_a_repeated_key_is_always_refused(name, choice):
    lines = (FIXTURES / "minimal" / "data" / name).read_text(encoding="utf-8").splitlines(keepends=True)
    keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*[a-z_]+:", line)]
    index = keyed[choice % len(keyed)]
    lines.insert(index + 1, lines[index])
    errors = errors_of({name: "".join(lines)})
    assert any(f":{index + 2}: " in e and "duplicate key" in e for e in errors), errors


distances = st.floats(allow_nan=True, allow_infinity=True) | st.integers(min_value=-10, max_value=10**6)


@FEWER
@given(distances, distances, distances)
def test_distances_check_accepts_are_distances_the_build_computes(min_km, max_km, half_width_km):
    from accordmap.geometry import build_geometry

    agreement = valid("agreements/test-accord.yaml")
    agreement["provisions"][0]["geography"].update(min_km=min_km, max_km=max_km)
    agreement["provisions"][1]["geography"]["half_width_km"] = half_width_km
    usable = all(math.isfinite(v) and 0 < v <= 500 for v in (min_km, max_km, half_width_km)) and min_km <= max_km
    with tempfile.TemporaryDirectory() as tmp:
        data = writable_copy(FIXTURES / "minimal" / "data", Path(tmp) / "data")
        (data / "agreements" / "test-accord.yaml").write_text(yaml.safe_dump(agreement), encoding="utf-8")
        try:
            dataset = load_dataset(data)
        except DataErrors as errors:
            # a usable number may still be too small to give an area: check says so
            assert not usable or all("comes out empty" in str(e) for e in errors.errors), errors
            return
        zones = build_geometry(dataset, dataset.agreements["test-accord"]).zones
    assert usable and zones and all(math.isfinite(z.area_km2) and z.area_km2 > 0 for z in zones)
