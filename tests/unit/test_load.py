"""Loading and validating the data: the real data passes, broken copies fail with file:line: field: message."""

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
    assert band.along.layer == "line-of-contact-2018" and band.within.layer == "opposition-held-2018"


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
