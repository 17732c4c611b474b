"""``where`` filters: each operator selects what it says, bad conditions and filters are refused with
file:line, the operators allowed, and what the layer holds."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from pydantic import ValidationError

from accordmap import models
from accordmap.dataset import select as dataset_select
from accordmap.models.where import OPERATORS, condition_problem, parse_condition, select, where_text
from accordmap.load import DataErrors, load_dataset

ROADS = gpd.GeoDataFrame(
    {"route": ["M4", "M5", "M45", None],
     "lanes": [4, 2, 1, 2],
     "opened": ["2019-05-01", "2020-03-06", "2018-12", None]},
    geometry=[shapely.Point(i, 0) for i in range(4)], crs=4326)


def names(where):
    return select(ROADS, where)["route"].fillna("(none)").tolist()


@pytest.mark.parametrize("where, expected", [
    ({"route": "M4"}, ["M4"]),  # a plain value: equality, as before
    ({"route": {"eq": "M5"}}, ["M5"]),
    ({"route": {"in": ["M4", "M5"]}}, ["M4", "M5"]),
    ({"route": {"not": "M4"}}, ["M5", "M45", "(none)"]),  # a feature without the property is 'not M4'
    ({"route": {"not_in": ["M4", "M5"]}}, ["M45", "(none)"]),
    ({"lanes": {"lt": 2}}, ["M45"]),
    ({"lanes": {"le": 2}}, ["M5", "M45", "(none)"]),
    ({"lanes": {"gt": 2}}, ["M4"]),
    ({"lanes": {"ge": 2, "lt": 4}}, ["M5", "(none)"]),  # several operators: all must hold
    ({"opened": {"ge": "2019-01-01"}}, ["M4", "M5"]),  # ISO dates; a month means its first day
    ({"opened": {"lt": "2019-01"}}, ["M45"]),
    ({"route": {"exists": False}}, ["(none)"]),
    ({"opened": {"exists": True}, "lanes": 2}, ["M5"]),  # several properties: all must hold
    (None, ["M4", "M5", "M45", "(none)"]),
])
def test_each_operator_selects_what_it_says(where, expected):
    assert names(where) == expected


def test_the_dataset_filters_through_the_same_function():
    assert dataset_select(ROADS, {"lanes": {"gt": 1}})["route"].tolist() == select(ROADS, {"lanes": {"gt": 1}})["route"].tolist()


@pytest.mark.parametrize("condition, message", [
    ({"like": "M*"}, f"unknown operator 'like' (expected one of: {', '.join(OPERATORS)})"),
    (["M4", "M5"], "is a list (expected a single value, or {in: ['M4', 'M5']} for any of several values)"),
    (None, "is null (expected a value; to select the features without this property, write {exists: false})"),
    ({"in": "M4"}, "in: 'M4' is not a list of values (expected e.g. {in: [M4, M5]})"),
    ({"in": []}, "in: [] is not a list of values (expected e.g. {in: [M4, M5]})"),
    ({"gt": "many"}, "gt: 'many' is not a number or an ISO date (expected e.g. {gt: 1000} or {gt: '2019-12-31'})"),
    ({"lt": "2019-02-30"}, "lt: '2019-02-30' is not a number or an ISO date (expected e.g. {lt: 1000} or {lt: '2019-12-31'})"),
    ({"exists": "yes"}, "exists: 'yes' is not true or false (expected {exists: true} or {exists: false})"),
    ({"not": ["M4"]}, "not: ['M4'] is not a value (expected text or a number, e.g. {not: M4})"),
])
def test_a_bad_condition_is_refused_naming_the_operators(condition, message):
    with pytest.raises(ValueError) as err:
        parse_condition(condition)
    assert str(err.value) == message
    with pytest.raises(ValidationError):  # and the model refuses it
        models.LayerRef(layer="roads", where={"route": condition})


@pytest.mark.parametrize("prop, op, operand, problem", [
    ("lanes", "gt", 1, None),
    ("opened", "ge", "2019-01-01", None),
    ("route", "in", ["M4"], None),
    ("speed", "eq", 1, "is not in the layer (expected one of: lanes, opened, route)"),
    ("route", "gt", 3, "holds text, such as 'M4', not numbers (expected gt with a number only on a property of "
                       "numbers; use eq, not, in or not_in for text, or a date such as '2019-12-31' for ISO dates)"),
    ("route", "lt", "2019-01-01", "holds values that are not ISO dates, such as 'M4' (expected lt with a date only "
                                  "on a property of ISO dates 'YYYY-MM-DD'; compare numbers with a number)"),
])
def test_what_a_filter_cannot_do_on_a_layer(prop, op, operand, problem):
    assert condition_problem(ROADS, prop, op, operand) == problem


def test_filters_are_worded_for_readers_and_messages():
    where = {"route": {"in": ["M4", "M5"]}, "lanes": {"ge": 2}, "opened": {"exists": True}, "name": "A"}
    assert where_text(where) == "route in (M4, M5) and lanes ≥ 2 and opened is given and name = A"
    assert where_text({"route": {"not": "M4"}}, quote=True) == "route ≠ 'M4'"


# --- through accordmap check, on the synthetic dataset -------------------------------------------


def _road_with(data, properties: str) -> None:
    path = data / "layers" / "road.geojson"
    path.write_text(path.read_text(encoding="utf-8").replace('"name": "Main road"', properties), encoding="utf-8")


def _filter(data, where: str) -> None:
    path = data / "agreements" / "test-accord.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("where: {name: Main road}", where), encoding="utf-8")


def _errors(data):
    with pytest.raises(DataErrors) as err:
        load_dataset(data)
    return [str(e) for e in err.value.errors]


def test_operators_select_the_road_in_a_real_check(minimal_data):
    _road_with(minimal_data, '"name": "Main road", "lanes": 4, "opened": "2019-05-01"')
    _filter(minimal_data, "where: {name: {in: [Main road, Side road]}, lanes: {ge: 2}, opened: {lt: '2020-01-01'}}")
    dataset = load_dataset(minimal_data)
    corridor = dataset.agreements["test-accord"].provisions[1].geography
    assert corridor.along.where == {"name": {"in": ["Main road", "Side road"]}, "lanes": {"ge": 2},
                                    "opened": {"lt": "2020-01-01"}}
    assert len(dataset.layer_frame(corridor.along)) == 1


def test_an_unknown_operator_is_refused_with_file_line_and_the_operators(minimal_data):
    _filter(minimal_data, "where: {name: {like: Main*}}")
    assert _errors(minimal_data) == [
        "data/agreements/test-accord.yaml:37: provisions[1].geography.along.where.name: unknown operator 'like' "
        f"(expected one of: {', '.join(OPERATORS)})"]


def test_a_comparison_on_text_is_refused(minimal_data):
    _filter(minimal_data, "where: {name: {gt: 3}}")
    assert _errors(minimal_data) == [
        "data/agreements/test-accord.yaml:37: provisions[1].geography.along.where.name: property 'name' of layer "
        "'road' holds text, such as 'Main road', not numbers (expected gt with a number only on a property of "
        "numbers; use eq, not, in or not_in for text, or a date such as '2019-12-31' for ISO dates)"]


def test_an_operator_on_a_missing_property_is_refused(minimal_data):
    _filter(minimal_data, "where: {lanes: {ge: 2}}")
    assert _errors(minimal_data) == [
        "data/agreements/test-accord.yaml:37: provisions[1].geography.along.where: layer 'road' has no property "
        "'lanes' (expected one of: name)"]


def test_operators_that_select_nothing_are_refused(minimal_data):
    _filter(minimal_data, "where: {name: {not_in: [Main road]}}")
    assert _errors(minimal_data) == [
        "data/agreements/test-accord.yaml:37: provisions[1].geography.along.where: selects no feature of layer "
        "'road' (expected a filter that matches at least one feature)"]


def test_a_property_gdal_reads_as_dates_is_filtered_by_the_dates_it_holds():
    import pandas as pd

    dated = ROADS.assign(opened=pd.to_datetime(["2019-05-01", "2020-03-06", "2018-12-01", None]))
    pick = lambda where: select(dated, where)["route"].fillna("(none)").tolist()  # noqa: E731
    assert pick({"opened": "2019-05-01"}) == ["M4"]
    assert pick({"opened": {"in": ["2019-05-01", "2018-12-01"]}}) == ["M4", "M45"]
    assert pick({"opened": {"not_in": ["2019-05-01"]}}) == ["M5", "M45", "(none)"]
    assert pick({"opened": {"ge": "2019-06"}}) == ["M5"]
    assert pick({"opened": "not a date"}) == []
    assert condition_problem(dated, "opened", "gt", 3) == (
        "holds dates, such as '2019-05-01', not numbers (expected gt with a date such as '2019-12-31' on a property "
        "of dates)")
