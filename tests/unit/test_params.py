"""Parameters are checked before any notebook runs, with the list of valid ones."""

import datetime as dt

import pytest

from accordmap import params


def test_defaults_build_the_sochi_report(dataset):
    values = params.resolve(dataset, "brief", {})
    assert values["agreement"] == "sochi-2018" and values["basemap"] == "none" and values["zone_min_km"] is None


def test_cli_strings_are_typed(dataset):
    values = params.resolve(dataset, "brief", {"zone_min_km": "12.5", "as_of": "2018-10-20"})
    assert values["zone_min_km"] == 12.5 and values["as_of"] == dt.date(2018, 10, 20)


def test_unknown_parameter_lists_the_valid_ones():
    with pytest.raises(params.ParameterError) as err:
        params.parse_cli_values(["zone_depth=5"], ["zone-map"])
    message = str(err.value)
    assert "unknown parameter 'zone_depth'" in message
    for name in ("zone_min_km", "zone_max_km", "corridor_half_width_km", "basemap"):
        assert name in message


@pytest.mark.parametrize(
    "raw, expected",
    [
        ({"zone_min_km": "abc"}, "zone_min_km='abc' is not a valid number"),
        ({"zone_min_km": "-3"}, "zone_min_km=-3 is impossible"),
        ({"zone_min_km": "25"}, "zone_min_km (25) is larger than zone_max_km (20)"),
        ({"zone_min_km": "18", "zone_max_km": "16"}, "zone_min_km (18) is larger than zone_max_km (16)"),
        ({"as_of": "2018-02-30"}, "is not a real date"),
        ({"as_of": "2018-09-16"}, "as_of 2018-09-16 is before the Sochi memorandum was signed (expected a date from 2018-09-17 on)"),
        ({"basemap": "NoSuchTiles"}, "basemap 'NoSuchTiles' is not"),
        ({"agreement": "nowhere-1999"}, "agreement 'nowhere-1999' not found; known agreements: moscow-2020, sochi-2018"),
    ],
)
def test_impossible_values_are_refused(dataset, raw, expected):
    with pytest.raises(params.ParameterError) as err:
        params.resolve(dataset, "brief", raw)
    assert expected in str(err.value)


def test_a_parameter_the_report_does_not_take_is_refused(dataset):
    with pytest.raises(params.ParameterError, match="unknown parameter.*basemap.*for report 'timeline'"):
        params.resolve(dataset, "timeline", {"basemap": "osm"})


def test_a_date_after_the_data_is_accepted(dataset):
    assert params.resolve(dataset, "brief", {"as_of": "2030-01-01"})["as_of"] == dt.date(2030, 1, 1)


def test_the_notebook_namespace_is_taken_whole():
    namespace = {"agreement": "moscow-2020", "as_of": None, "data_dir": None, "unrelated": 1}
    assert params.from_namespace("timeline", namespace) == {"agreement": "moscow-2020", "as_of": None, "data_dir": None}
    with pytest.raises(params.ParameterError, match="does not define as_of"):
        params.from_namespace("timeline", {"agreement": "sochi-2018", "data_dir": None})


def test_internal_parameters_cannot_be_set_with_p():
    with pytest.raises(params.ParameterError, match="unknown parameter 'data_dir'"):
        params.parse_cli_values(["data_dir=/tmp"], ["brief"])


# --- events: None picks the data folder's set over the agreement's zones ---------------------------


def test_events_defaults_to_none_and_a_named_set_must_exist(dataset):
    assert params.PARAMETERS["events"].default is None
    assert params.resolve(dataset, "compliance", {})["events"] is None
    assert params.resolve(dataset, "compliance", {"events": "ucdp-ged-syria-2016-2019"})["events"] == "ucdp-ged-syria-2016-2019"
    with pytest.raises(params.ParameterError, match="event set 'acled-2020' not found; known event sets: "
                                                    "ucdp-ged-syria-2016-2019"):
        params.resolve(dataset, "compliance", {"events": "acled-2020"})


def _with_sets(dataset, *sets):
    import dataclasses

    return dataclasses.replace(dataset, event_sets={s.id: s for s in sets})


def test_the_default_event_set_is_the_one_over_the_zones_that_covers_the_signing(dataset):
    import datetime as dt

    from accordmap.analysis.compliance import default_event_set
    from accordmap.geometry import build_geometry

    ucdp = dataset.event_sets["ucdp-ged-syria-2016-2019"]
    sochi = build_geometry(dataset, dataset.agreements["sochi-2018"])
    moscow = build_geometry(dataset, dataset.agreements["moscow-2020"])
    assert default_event_set(dataset, sochi) is ucdp
    # a set elsewhere (its region box far from the zones) is never taken, even when it is the only one
    elsewhere = ucdp.model_copy(update={"id": "elsewhere", "region": (60.0, -28.0, 63.0, -25.0)})
    assert default_event_set(_with_sets(dataset, elsewhere), sochi) is None
    # of two sets over the zones, the first that covers the signing day; none covers it: the first over the zones
    later = ucdp.model_copy(update={"id": "later", "coverage_start": dt.date(2020, 1, 1), "coverage_end": dt.date(2021, 1, 1)})
    both = _with_sets(dataset, elsewhere, ucdp, later)
    assert default_event_set(both, sochi) is ucdp
    assert default_event_set(both, moscow) is later
    assert default_event_set(_with_sets(dataset, elsewhere, ucdp), moscow) is ucdp  # not covered: the report says so
    assert default_event_set(_with_sets(dataset), sochi) is None
