"""Layer series: the member a date picks, agreements naming a series, and what `accordmap check` says."""

from __future__ import annotations

import datetime as dt

import pytest

from accordmap import models
from accordmap.dataset import layer_series, resolve_agreement, resolve_layer
from accordmap.errors import DataErrors
from accordmap.load import load_dataset


def _layer(layer_id: str, as_of: str | None, series: str | None = "front", kind: str = "line") -> models.Layer:
    return models.Layer(id=layer_id, file=f"{layer_id}.geojson", title=layer_id, kind=kind, as_of=as_of, sources=["s"],
                        licence="CC0", attribution="x", accuracy="exact", region=(0, 0, 1, 1), series=series)


# listed out of date order on purpose: members are ordered by as_of, not by their place in the catalog
LAYERS = [_layer("front-2020", "2020-03-06"), _layer("front-2018", "2018-09-17"), _layer("front-2019", "2019-08-31"),
          _layer("roads", None, series=None)]
SERIES = layer_series(LAYERS)


@pytest.mark.parametrize("as_of, expected, early", [
    (dt.date(2017, 1, 1), "front-2018", True),  # before the first member: the first, and says so
    (dt.date(2018, 9, 17), "front-2018", False),  # on a member's day
    (dt.date(2019, 8, 30), "front-2018", False),  # between members: the latest not after
    (dt.date(2019, 8, 31), "front-2019", False),
    (dt.date(2020, 3, 5), "front-2019", False),  # the day before a member is not yet that member
    (dt.date(2020, 3, 6), "front-2020", False),
    (dt.date(2024, 1, 1), "front-2020", False),  # after the last
    (None, "front-2020", False),  # no date: the latest
])
def test_a_series_resolves_to_the_latest_member_not_after_the_date(as_of, expected, early):
    resolved = resolve_layer(SERIES, "front", as_of)
    assert (resolved.layer.id, resolved.early, resolved.series) == (expected, early, "front")


def test_a_layer_id_stands_for_itself_and_an_unknown_id_is_an_error():
    assert resolve_layer(SERIES, "roads", dt.date(2017, 1, 1), {layer.id: layer for layer in LAYERS}).layer.id == "roads"
    with pytest.raises(KeyError, match="no layer or series with id 'rivers'"):
        resolve_layer(SERIES, "rivers", None, {layer.id: layer for layer in LAYERS})


def test_an_agreement_naming_a_series_gets_the_member_of_the_date(minimal_data):
    path = minimal_data / "agreements" / "test-accord.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("along: front-line", "along: {series: front}")
                    .replace("map_layers: [held-area, front-line,", "map_layers: [held-area, front,"), encoding="utf-8")
    _add_second_front(minimal_data)
    dataset = load_dataset(minimal_data)
    accord = dataset.agreements["test-accord"]
    early = dataset.resolve_agreement(accord, dt.date(2020, 1, 10))
    late = dataset.resolve_agreement(accord, None)
    assert early.provisions[0].geography.along.layer == "front-line"
    assert early.map_layers[1] == "front-line"
    assert late.provisions[0].geography.along.layer == "front-line-2"
    assert late.map_layers[1] == "front-line-2"
    assert accord.provisions[0].geography.along.series == "front"  # the checked model is left as written


def _add_second_front(data_dir, as_of: str = "2020-06-01", kind: str = "line", extra: str = "") -> None:
    """A second member of series 'front': the fixture's front line moved 0.05° north, dated later."""
    layers = data_dir / "layers"
    source = (layers / "front_line.geojson").read_text(encoding="utf-8")
    import json

    data = json.loads(source)
    for feature in data["features"]:
        coords = feature["geometry"]["coordinates"]
        feature["geometry"]["coordinates"] = [[x, round(y + 0.05, 5)] for x, y in coords]
    (layers / "front_line_2.geojson").write_text(json.dumps(data), encoding="utf-8")
    catalog = layers / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8").replace(
        "  - id: front-line\n    file: front_line.geojson\n    title: Front line\n    kind: line\n    as_of: \"2020-01\"\n",
        "  - id: front-line\n    file: front_line.geojson\n    title: Front line\n    kind: line\n    as_of: \"2020-01-05\"\n"
        "    series: front\n")
    text += (f"  - id: front-line-2\n    file: front_line_2.geojson\n    title: Front line later\n    kind: {kind}\n"
             f"    as_of: \"{as_of}\"\n    series: front\n    sources: [report]\n    licence: CC0\n    attribution: Fixture\n"
             f"    accuracy: exact\n    region: [36.0, 35.0, 37.0, 36.0]\n{extra}")
    catalog.write_text(text, encoding="utf-8")


def _check_messages(data_dir) -> list[str]:
    with pytest.raises(DataErrors) as caught:
        load_dataset(data_dir)
    return [str(e) for e in caught.value.errors]


def test_check_refuses_a_member_without_a_day(minimal_data):
    _add_second_front(minimal_data, as_of="2020-06")
    assert _check_messages(minimal_data) == [
        "data/layers/catalog.yaml:57: layers[4].as_of: layer 'front-line-2' is in series 'front' but its as_of is "
        "'2020-06' (expected a day 'YYYY-MM-DD': the members of a series are told apart by date)"]


def test_check_refuses_members_of_different_kinds(minimal_data):
    _add_second_front(minimal_data, kind="area")
    messages = _check_messages(minimal_data)
    assert ("data/layers/catalog.yaml:56: layers[4].kind: layer 'front-line-2' is of kind 'area' (expected 'line', like "
            "'front-line': every member of series 'front' is of one kind)") in messages


def test_check_refuses_two_members_on_one_day(minimal_data):
    _add_second_front(minimal_data, as_of="2020-01-05")
    assert _check_messages(minimal_data) == [
        "data/layers/catalog.yaml:57: layers[4].as_of: layer 'front-line-2' has the same as_of 2020-01-05 as "
        "'front-line' in series 'front' (expected one member per date)"]


def test_check_refuses_a_reference_to_an_unknown_series(minimal_data):
    _add_second_front(minimal_data)
    path = minimal_data / "agreements" / "test-accord.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("along: front-line", "along: {series: fronts}"),
                    encoding="utf-8")
    assert _check_messages(minimal_data) == [
        "data/agreements/test-accord.yaml:24: provisions[0].geography.along.series: no series with id 'fronts' "
        "(expected one of the ids defined in the series fields of data/layers/catalog.yaml)"]


def test_resolve_agreement_keeps_plain_layers(minimal_data):
    dataset = load_dataset(minimal_data)
    accord = dataset.agreements["test-accord"]
    assert resolve_agreement(dataset.series, accord, dt.date(2020, 5, 1)) == accord
