"""Open vocabularies (data/vocabularies.yaml): built-in lists without the file, new terms accepted once
listed, unknown ones refused with file:line, the allowed terms and the file to extend, labels in reports."""

from __future__ import annotations

import re

import pytest
import yaml
from pydantic import ValidationError

from accordmap.views import tables
from accordmap import models
from accordmap.load import DataErrors, load_dataset
from accordmap.paths import DATA_DIR
from accordmap.models import terms as vocabularies

UN_SIDES = """\
sides:
  - {id: government, label: government}
  - {id: opposition, label: opposition}
  - {id: neutral, label: neutral}
  - {id: un-command, label: UN Command side, description: the forces under the unified command}
"""


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _errors(data):
    with pytest.raises(DataErrors) as err:
        load_dataset(data)
    return [str(e) for e in err.value.errors]


def _text(html) -> str:
    return re.sub(r"</?bdi>", "", str(html))


def test_without_the_file_the_built_in_lists_hold(minimal_data):
    assert not (minimal_data / "vocabularies.yaml").exists()
    dataset = load_dataset(minimal_data)
    assert dataset.vocabularies.terms == vocabularies.DEFAULT.terms
    assert dataset.vocabularies.label("actor_kinds", "armed-group") == "armed group"


def test_the_shipped_file_lists_the_built_in_terms_and_labels():
    """So the shipped reports read as they did before the lists moved to data."""
    shipped = yaml.safe_load((DATA_DIR / "vocabularies.yaml").read_text(encoding="utf-8"))
    for name, terms in vocabularies.DEFAULTS.items():
        assert [(t["id"], t["label"]) for t in shipped[name]] == [(t.id, t.label) for t in terms]


def test_a_new_side_is_accepted_once_listed_and_reports_show_its_label(minimal_data):
    (minimal_data / "vocabularies.yaml").write_text(UN_SIDES, encoding="utf-8")
    _edit(minimal_data / "actors.yaml", "side: opposition", "side: un-command")
    dataset = load_dataset(minimal_data)
    assert dataset.actors["beta"].side == "un-command"
    html = _text(tables.stakeholders_html(dataset, dataset.agreements["test-accord"]))
    assert "<td dir=\"auto\">UN Command side</td>" in html
    # the other lists stay the built-in ones
    assert dataset.vocabularies.label("party_roles", "signatory") == "signatory"


def test_an_unknown_side_is_refused_with_file_line_the_allowed_terms_and_the_file(minimal_data):
    _edit(minimal_data / "actors.yaml", "side: opposition", "side: un-command")
    assert _errors(minimal_data) == [
        "data/actors.yaml:29: actors[1].side: 'un-command' is not a side (expected one of: government, opposition, "
        "neutral, or a term added to sides in data/vocabularies.yaml)"]


def test_a_list_in_the_file_replaces_the_built_in_one(minimal_data):
    (minimal_data / "vocabularies.yaml").write_text("sides:\n  - {id: north, label: North}\n  - {id: south, label: South}\n",
                                                    encoding="utf-8")
    assert _errors(minimal_data) == [
        "data/actors.yaml:6: actors[0].side: 'government' is not a side (expected one of: north, south, or a term "
        "added to sides in data/vocabularies.yaml)",
        "data/actors.yaml:29: actors[1].side: 'opposition' is not a side (expected one of: north, south, or a term "
        "added to sides in data/vocabularies.yaml)"]


def test_new_roles_kinds_and_categories_are_shown_by_their_label(minimal_data):
    (minimal_data / "vocabularies.yaml").write_text(
        "actor_kinds:\n  - {id: state, label: state}\n  - {id: army, label: national army}\n"
        "party_roles:\n  - {id: signatory, label: signatory}\n  - {id: belligerent, label: belligerent party}\n"
        "provision_categories:\n  - {id: zone, label: zone}\n  - {id: demarcation, label: demarcation line}\n",
        encoding="utf-8")
    _edit(minimal_data / "actors.yaml", "kind: armed-group", "kind: army")
    _edit(minimal_data / "agreements" / "test-accord.yaml", "roles: [signatory, obligated]", "roles: [belligerent]")
    _edit(minimal_data / "agreements" / "test-accord.yaml", "category: access", "category: demarcation")
    dataset = load_dataset(minimal_data)
    agreement = dataset.agreements["test-accord"]
    stakeholders = _text(tables.stakeholders_html(dataset, agreement))
    assert "national army" in stakeholders and "belligerent party" in stakeholders
    assert "demarcation line" in _text(tables.provisions_html(dataset, agreement))


def test_a_bad_term_list_is_reported_and_its_terms_are_not_checked(minimal_data):
    (minimal_data / "vocabularies.yaml").write_text(
        "sides:\n  - {id: government, label: government}\n  - {id: opposition}\n  - {id: government, label: again}\n",
        encoding="utf-8")
    # the list cannot be read whole, so the actors' sides are not checked against part of it
    assert _errors(minimal_data) == [
        "data/vocabularies.yaml:3: sides[1].label: required key is missing (expected it in this mapping)",
        "data/vocabularies.yaml:4: sides[2].id: duplicate id 'government' (expected each id once)"]


def test_an_unknown_list_is_refused(minimal_data):
    (minimal_data / "vocabularies.yaml").write_text("colours:\n  - {id: red, label: red}\n", encoding="utf-8")
    assert _errors(minimal_data) == [
        "data/vocabularies.yaml:2: colours: unknown key (expected one of: actor_kinds, sides, party_roles, "
        "provision_categories, control_values; check its spelling)"]


def test_models_check_terms_against_the_context_or_the_built_in_lists():
    actor = {"id": "unc", "name": "UN Command", "kind": "international-organisation", "side": "un-command",
             "description": "x", "sources": ["s"]}
    with pytest.raises(ValidationError, match="'un-command' is not a side"):
        models.Actor.model_validate(actor)
    extended = vocabularies.from_file(vocabularies.VocabulariesFile.model_validate(yaml.safe_load(UN_SIDES)),
                                      "data/vocabularies.yaml")
    assert models.Actor.model_validate(actor, context=vocabularies.context(extended)).side == "un-command"
    assert extended.label("sides", "un-command") == "UN Command side"
    assert extended.label("sides", "unknown") == "unknown"  # never fails in a report


def test_the_comparison_labels_who_held_each_locality_from_control_values(data_copy):
    """The holders of the sourced localities (the localities series' 'control' property) are shown by their
    control_values label from data/vocabularies.yaml, not by their id."""
    from accordmap.reports.comparison import ComparisonReport

    text = (data_copy / "vocabularies.yaml").read_text(encoding="utf-8")
    head, _, tail = text.partition("control_values:")
    tail = tail.replace("{id: government, label: government}", "{id: government, label: held by the capital}", 1)
    (data_copy / "vocabularies.yaml").write_text(head + "control_values:" + tail, encoding="utf-8")
    report = ComparisonReport("comparison", dataset=load_dataset(data_copy), base="sochi-2018", amendment="moscow-2020")
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", _text(report.localities()))
    assert "held by the capital" in cells and "government" not in cells


def test_a_locality_held_by_an_unlisted_control_value_is_refused_with_its_line(data_copy):
    """`check` reads each localities-series point's 'control' value against control_values."""
    path = data_copy / "layers" / "localities_control_2018-09-17.geojson"
    text = path.read_text(encoding="utf-8")
    line = text[:text.index('"control": "opposition"')].count("\n") + 1
    path.write_text(text.replace('"control": "opposition"', '"control": "rebels"', 1), encoding="utf-8")
    with pytest.raises(DataErrors) as caught:
        load_dataset(data_copy)
    assert [str(e) for e in caught.value.errors] == [
        f"data/layers/localities_control_2018-09-17.geojson:{line}: features[0].properties.control: 'rebels' is not "
        "a control value (expected one of: opposition, government, turkey_sna, unknown, or a term added to "
        "control_values in data/vocabularies.yaml)"]
