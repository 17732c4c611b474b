"""Loading and validating the data: the real data passes, broken copies fail with file:line: field: message."""

import json

import pytest

from accordmap.load import DataErrors, load_dataset


def test_real_data_loads(dataset):
    assert {"sochi-2018", "moscow-2020"} <= set(dataset.agreements)
    assert dataset.layers["line-of-contact-2018"].accuracy == "approximate"
    assert len(dataset.version) == 12


def test_sochi_memorandum_terms(sochi):
    assert str(sochi.date_signed) == "2018-09-17"
    assert len(sochi.provisions) == 10
    by_deadline = {str(p.deadline): p for p in sochi.provisions if p.deadline}
    assert set(by_deadline) == {"2018-10-10", "2018-10-15", "2018-12-31"}
    band = next(p.geography for p in sochi.provisions if p.geography and p.geography.kind == "band")
    assert (band.min_km, band.max_km) == (15, 20)
    # within takes one reference or a list: read as a list
    assert band.along.layer == "line-of-contact-2018" and [r.layer for r in band.within] == ["opposition-held-2018"]
    assert [(s.label, s.depth_km) for s in band.sectors] == [("Idleb governorate", 15), ("Hama governorate", 20)]


def test_every_fact_has_a_source_that_exists(dataset):
    for agreement in dataset.agreements.values():
        assert agreement.sources
        for provision in agreement.provisions:
            assert provision.sources and set(provision.sources) <= set(dataset.sources)
    for event in dataset.events:
        assert set(event.sources) <= set(dataset.sources)


def test_statements_of_putin_erdogan_and_shoigu_are_sourced(dataset):
    speakers = {s.speaker: s for a in dataset.actors.values() for s in a.statements if s.agreement == "sochi-2018"}
    for name in ("Putin", "Erdo", "Shoigu"):
        statement = next(s for speaker, s in speakers.items() if name in speaker)
        assert statement.sources


def _errors(data_dir):
    with pytest.raises(DataErrors) as err:
        load_dataset(data_dir)
    return [str(e) for e in err.value.errors]


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_unknown_key_names_file_line_and_field(data_copy):
    path = data_copy / "agreements" / "sochi-2018.yaml"
    _edit(path, "\nplace:", "\nplcae: typo\nplace:")
    errors = _errors(data_copy)
    assert f"data/agreements/sochi-2018.yaml:{_line_of(path, 'plcae')}: plcae: unknown key" in errors[0]


def test_deadline_before_signing_is_refused(data_copy):
    path = data_copy / "agreements" / "sochi-2018.yaml"
    _edit(path, '"2018-10-15"', '"2018-09-01"')
    errors = _errors(data_copy)
    line = _line_of(path, '"2018-09-01"')
    assert any(e.startswith(f"data/agreements/sochi-2018.yaml:{line}: provisions[") and
               "deadline 2018-09-01 is before the signing date 2018-09-17" in e for e in errors), errors


def test_reference_to_a_missing_source_is_refused(data_copy):
    path = data_copy / "events.yaml"
    text = path.read_text(encoding="utf-8")
    first_source = text.split("sources: [", 1)[1].split("]", 1)[0].split(",")[0].strip()
    _edit(path, f"sources: [{first_source}", "sources: [no-such-source")
    errors = _errors(data_copy)
    assert any("no source with id 'no-such-source'" in e and e.startswith("data/events.yaml:") for e in errors), errors


def test_all_problems_are_reported_at_once(data_copy):
    _edit(data_copy / "agreements" / "sochi-2018.yaml", "\nplace:", "\nplcae: typo\nplace:")
    _edit(data_copy / "agreements" / "moscow-2020.yaml", "date_signed: \"2020-03-05\"", "date_signed: \"2020-02-30\"")
    errors = _errors(data_copy)
    assert any("sochi-2018.yaml" in e for e in errors) and any("moscow-2020.yaml" in e and "not a real date" in e for e in errors)


# --- the split modules keep one public face ---------------------------------------------------


def test_load_re_exports_the_names_other_modules_import():
    from accordmap import dataset, errors, load

    assert load.DataError is errors.DataError and load.DataErrors is errors.DataErrors
    assert load.Dataset is dataset.Dataset
    assert callable(load.load_dataset) and callable(load.load_cached)


def test_check_reads_every_layer_once_and_hands_the_frames_to_the_build(dataset, monkeypatch):
    from accordmap import dataset as dataset_module

    assert set(dataset.frames) == {layer.id for layer in dataset.catalog.layers}

    def read_again(path):
        raise AssertionError(f"{path} read a second time")

    monkeypatch.setattr(dataset_module, "read_layer", read_again)
    for layer_id in dataset.layers:
        assert len(dataset.layer_frame(layer_id)) > 0


# --- rules for YAML text ------------------------------------------------------------------------


def test_a_duplicated_top_level_key_is_refused_with_both_lines(data_copy):
    path = data_copy / "events.yaml"
    first = _line_of(path, "events:")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "events:\n  - id: later\n    date: \"2020-03\"\n    title: Later.\n    kind: context\n"
                    "    sources: [x]\n", encoding="utf-8")
    second = len(text.splitlines()) + 1
    assert _errors(data_copy) == [
        f"data/events.yaml:{second}: events: duplicate key 'events' (first at line {first}; expected each key once in a mapping)"]


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_deep_yaml_is_a_data_error_not_a_recursion_error(minimal_data, depth):
    (minimal_data / "events.yaml").write_text("events: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    assert _errors(minimal_data) == [
        "data/events.yaml:1: (yaml): nested more than 32 levels deep (expected at most 32 levels of lists and mappings)"]


def test_nesting_up_to_the_limit_is_only_a_schema_problem(minimal_data):
    (minimal_data / "events.yaml").write_text("events: " + "[" * 31 + "]" * 31 + "\n", encoding="utf-8")
    errors = _errors(minimal_data)
    assert errors and not any("nested" in e for e in errors), errors


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_deep_geojson_is_a_data_error_not_a_recursion_error(minimal_data, depth):
    path = minimal_data / "layers" / "road.geojson"
    text = path.read_text(encoding="utf-8").replace('"name": "Main road"', '"name": "Main road", "x": ' + "[" * depth + "]" * depth)
    path.write_text(text, encoding="utf-8")
    assert _errors(minimal_data) == [
        "data/layers/road.geojson:2: (json): nested more than 32 levels deep (expected at most 32 levels of arrays and objects)"]


LEGITIMATE_TEXT = "إدلب \u200f(Idlib)\u200e, עברית, \u200d\u200c and a line\u2028separator"


def test_right_to_left_text_marks_joiners_and_line_separators_are_allowed(minimal_data):
    path = minimal_data / "actors.yaml"
    _edit(path, "description: First party.", f'description: "{LEGITIMATE_TEXT}"')
    towns = minimal_data / "layers" / "towns.geojson"
    _edit(towns, '"North Town"', json.dumps(LEGITIMATE_TEXT))
    dataset = load_dataset(minimal_data)
    assert dataset.actors["alpha"].description == LEGITIMATE_TEXT
    assert LEGITIMATE_TEXT in set(dataset.layer_frame("towns")["name"])


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u202a", "\u202e", "\u2066", "\u2069"])
def test_control_and_bidi_characters_are_refused_written_raw_or_escaped(minimal_data, char):
    code = f"U+{ord(char):04X}"
    _edit(minimal_data / "sources.yaml", "title: Test news report", f"title: Test{char}news report")
    _edit(minimal_data / "events.yaml", "title: Talks begin.", f'title: "Talks \\u{ord(char):04x}begin."')
    errors = _errors(minimal_data)
    assert len(errors) == 2, errors
    assert errors[0].startswith("data/sources.yaml:11: sources[1].title: contains ") and code in errors[0]
    assert errors[1].startswith("data/events.yaml:5: events[0].title: contains ") and code in errors[1]


def test_a_refused_character_in_a_key_is_printed_escaped(minimal_data):
    _edit(minimal_data / "events.yaml", "title: Talks begin.", "title: Talks begin.\n    ti\x1btle: x")
    errors = _errors(minimal_data)
    assert errors == ["data/events.yaml:6: events[0].ti\\u001btle: contains the control character U+001B "
                      "(expected text without control or bidi override characters; remove it)"]


# --- all problems at once -----------------------------------------------------------------------


def test_an_invalid_item_does_not_hide_the_other_files_problems(data_copy):
    """One error in actors.yaml used to hide every GeoJSON and reference problem."""
    _edit(data_copy / "actors.yaml", "side: government", "side: governmnet")
    towns = data_copy / "layers" / "towns_key_places.geojson"
    text = towns.read_text(encoding="utf-8")
    _edit(towns, '"place_id": "', '"place_id": "X')
    events = data_copy / "events.yaml"
    first_source = events.read_text(encoding="utf-8").split("sources: [", 1)[1].split("]", 1)[0].split(",")[0].strip()
    _edit(events, f"sources: [{first_source}", "sources: [no-such-source")
    errors = _errors(data_copy)
    assert any(e.startswith("data/actors.yaml:") and "'governmnet' is not a side" in e for e in errors), errors
    assert any(e.startswith("data/layers/towns_key_places.geojson:") and "is not a valid place id" in e for e in errors), errors
    assert any(e.startswith("data/events.yaml:") and "no source with id 'no-such-source'" in e for e in errors), errors
    assert not any("no actor with id" in e for e in errors), "the invalid actor's id still counts as defined"
    assert len(errors) == len(set(errors)), "no problem is reported twice"
    assert text  # the edit changed the file


def test_salvage_keeps_the_valid_items_at_their_indexes():
    from accordmap import models
    from accordmap.load.yamlfile import salvage

    raw = {"events": [{"id": "bad"}, {"id": "ok", "date": "2020-01", "title": "T", "kind": "context", "sources": ["s"]}]}
    part = salvage(raw, models.EventsFile)
    assert part.events[0] is None and part.events[1].id == "ok"


# --- links out of the data folder ----------------------------------------------------------------


def test_data_version_never_reads_a_link_out_of_the_data_folder(minimal_data, tmp_path):
    from accordmap.dataset import data_files

    outside = tmp_path / "secret.yaml"
    outside.write_text("secret: 1\n", encoding="utf-8")
    (minimal_data / "agreements" / "linked.yaml").symlink_to(outside)
    assert minimal_data / "agreements" / "linked.yaml" not in data_files(minimal_data)
    assert minimal_data / "agreements" / "test-accord.yaml" in data_files(minimal_data)
