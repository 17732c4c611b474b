"""What concerns an agreement (accordmap.relevance): events, sources and actors of other agreements never
leak into its report, an actor's entry shows only what concerns the agreement, and provisions are keyed
by id (free-form numbers, two parts of one point keep their own matrix columns)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from helpers import FIXTURES, writable_copy

from accordmap.analysis import relevance
from accordmap.analysis import status
from accordmap.views import tables
from accordmap.views.charts import timeline
from accordmap.load import load_dataset
from accordmap.paths import DATA_DIR
from accordmap.reports.agreement import Report

D = dt.date

# --- an unrelated agreement added to a copy of data/ -------------------------------------------

OTHER_ACCORD = """\
id: other-accord
title: Test Accord on Another Region
short_title: Other accord
date_signed: "2019-06-01"
place: Elsewhere
summary: A synthetic agreement about another region, for tests only.
parties:
  - actor: other-party
    roles: [signatory]
  - actor: turkey
    roles: [signatory]
provisions:
  - id: o1
    number: "1a"
    text: The parties exchange prisoners.
    category: humanitarian
    undertaken_by: [other-party, turkey]
    deadline: "2019-07-01"
    sources: [other-accord-text]
sources: [other-accord-text]
"""

OTHER_SOURCE = {"id": "other-accord-text", "title": "Other accord text (synthetic)", "publisher": "Fixture Press",
                "publisher_kind": "primary-text", "date": "2019-06-01", "url": "https://example.org/other",
                "kind": "agreement-text"}
OTHER_ACTOR = {"id": "other-party", "name": "Other Party", "kind": "armed-group", "side": "neutral",
               "description": "A synthetic party.", "sources": ["other-accord-text"]}
OTHER_EVENT = {"id": "2019-06-20-other-prisoners", "date": "2019-06-20", "title": "Prisoners exchanged elsewhere",
               "kind": "implementation", "agreements": ["other-accord"], "actors": ["other-party", "turkey"],
               "sources": ["other-accord-text"]}
OTHER_CONTEXT = {"id": "2019-05-01-other-talks", "date": "2019-05-01", "title": "Talks elsewhere", "kind": "context",
                 "context_for": ["other-accord"], "sources": ["other-accord-text"]}


def _edit_yaml(path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _add_other_accord(data) -> None:
    """An unrelated agreement with its own event, context event, actor and source; Turkey, a party to both,
    gets a description, a person, a statement and a relation about it, all inside the Sochi chain's span."""
    (data / "agreements" / "other-accord.yaml").write_text(OTHER_ACCORD, encoding="utf-8")
    _edit_yaml(data / "sources.yaml", lambda d: d["sources"].append(OTHER_SOURCE))
    _edit_yaml(data / "events.yaml", lambda d: d["events"].extend([OTHER_EVENT, OTHER_CONTEXT]))

    def actors(d):
        d["actors"].append(OTHER_ACTOR)
        turkey = next(a for a in d["actors"] if a["id"] == "turkey")
        turkey["descriptions"]["other-accord"] = {"text": "Mediator of the exchange elsewhere.",
                                                  "sources": ["other-accord-text"]}
        turkey["people"].append({"name": "Test Envoy", "position": "Envoy", "agreements": ["other-accord"],
                                 "sources": ["other-accord-text"]})
        turkey["statements"].append({"speaker": "Test Envoy", "date": "2019-06-02", "agreement": "other-accord",
                                     "summary": "Welcomed the exchange elsewhere.", "sources": ["other-accord-text"]})
        turkey["relations"].append({"kind": "backs", "target": "other-party", "since": "2019-01",
                                    "agreements": ["other-accord"], "note": "Backs it elsewhere.",
                                    "sources": ["other-accord-text"]})

    _edit_yaml(data / "actors.yaml", actors)


@pytest.fixture(scope="module")
def before():
    return load_dataset(DATA_DIR)


@pytest.fixture(scope="module")
def after(tmp_path_factory):
    data = writable_copy(DATA_DIR, tmp_path_factory.mktemp("leak") / "data")
    _add_other_accord(data)
    return load_dataset(data)


def _pages(dataset, agreement_id: str, as_of=None) -> dict[str, object]:
    """What a reader of the agreement's reports sees, section by section (the footer's data version aside)."""
    report = Report("brief", dataset=dataset, agreement=agreement_id, as_of=as_of)
    frame = report.timeline_frame()
    report._timeline_shown = frame
    sources = str(report.sources())
    return {
        "timeline frame": frame.to_dict("records"),
        "timeline": str(report.timeline()),
        "sources": tables.sources_for(dataset, report.agreement, frame["id"].tolist(), as_of=report.as_of),
        "sources list": sources.split('<ol class="sources">')[1].split("</ol>")[0],
        "roles": tables.roles_frame(dataset, report.agreement, report.as_of).to_dict("records"),
        "stakeholders": str(report.stakeholders()),
        "obligations": str(report.obligations()),
        "statements": str(report.statements()),
    }


@pytest.mark.parametrize("agreement_id, as_of", [("sochi-2018", None), ("sochi-2018", "2019-07-01"),
                                                 ("moscow-2020", None)])
def test_an_unrelated_agreement_changes_nothing_in_the_sochi_and_moscow_pages(before, after, agreement_id, as_of):
    assert "other-accord" in after.agreements
    old, new = _pages(before, agreement_id, as_of), _pages(after, agreement_id, as_of)
    for section in old:
        assert new[section] == old[section], f"{section} of {agreement_id} changed when other-accord was added"
    text = " ".join(str(v) for v in new.values())
    for leak in ["other-accord", "Other Party", "Test Envoy", "elsewhere", "Mediator of the exchange"]:
        assert leak not in text


def test_the_unrelated_agreement_shows_only_its_own_events_sources_and_actors(after):
    pages = _pages(after, "other-accord")
    ids = [row["id"] for row in pages["timeline frame"]]
    assert ids == ["2019-05-01-other-talks", "2019-06-20-other-prisoners", "other-accord-o1-deadline"]
    # its own source, and the ones behind Turkey's general description (cited in Turkey's entry); none of
    # the Sochi entry's (the memorandum's and the protocol's texts)
    assert pages["sources"] == ["other-accord-text", *after.actors["turkey"].sources]
    assert "mesop-sochi-facsimile" not in pages["sources"] and "voltairenet-moscow-protocol-en" not in pages["sources"]
    assert [row["id"] for row in pages["roles"]] == ["other-party", "turkey"]
    stakeholders = re.sub(r"<[^>]+>", "", pages["stakeholders"])  # the text a reader sees
    # Turkey: its general description and the one for this agreement; nothing about Idlib or its people there
    assert "Supporter of the Syrian opposition. Mediator of the exchange elsewhere." in stakeholders
    assert "Idlib" not in stakeholders and "observation posts" not in stakeholders
    assert "Test Envoy (Envoy)" in stakeholders and "Erdogan" not in stakeholders and "Akar" not in stakeholders
    assert "backs Other Party since Jan 2019: Backs it elsewhere." in stakeholders
    assert "armed opposition" not in stakeholders  # Turkey's Idlib relation
    assert "Welcomed the exchange elsewhere." in pages["statements"]


def test_an_actor_entry_describes_the_agreement_of_the_report(before):
    sochi = re.sub(r"<[^>]+>", "", str(Report("stakeholders", dataset=before, agreement="sochi-2018").stakeholders()))
    assert "Supporter of the Syrian opposition. Has observation posts around Idlib" in sochi
    moscow = re.sub(r"<[^>]+>", "", str(Report("stakeholders", dataset=before, agreement="moscow-2020").stakeholders()))
    assert "With Russia, signatory of the Moscow Additional Protocol" in moscow
    assert "Has observation posts around Idlib, set up" not in moscow  # Sochi's own text, not the protocol's
    # the Syrian government has no description for the protocol: the one of the agreement it amends is shown
    assert "Its troops had massed around Idlib" in moscow
    # before the protocol was signed, no entry mentions it
    early = str(Report("stakeholders", dataset=before, agreement="sochi-2018", as_of="2018-10-01").stakeholders())
    assert "Moscow" not in re.sub(r"<[^>]+>", "", early)


# --- rules inside an actor's entry, on the small synthetic dataset ------------------------------


@pytest.fixture
def minimal(tmp_path):
    return writable_copy(FIXTURES / "minimal" / "data", tmp_path / "data")


def test_people_and_relations_follow_the_agreement_field_or_the_span(minimal):
    def actors(d):
        alpha = d["actors"][0]
        alpha["people"] += [{"name": "Later Envoy", "position": "Envoy", "agreements": ["test-accord"], "sources": ["report"]},
                            {"name": "Unnamed Aide", "position": "Aide", "sources": ["report"]}]
        alpha["relations"] += [{"kind": "backs", "target": "beta", "since": "2031-01", "note": "Much later.",
                                "sources": ["report"]},
                               {"kind": "backs", "target": "beta", "since": "2031-01", "agreements": ["test-accord"],
                                "note": "Named for the accord.", "sources": ["report"]}]

    _edit_yaml(minimal / "actors.yaml", actors)
    dataset = load_dataset(minimal)
    found = relevance.scope(dataset, dataset.agreements["test-accord"])
    alpha = dataset.actors["alpha"]
    # Ann Alpha speaks on the accord; the envoy is listed for it; the aide is named by nothing
    assert [p.name for p in relevance.people(found, alpha)] == ["Ann Alpha", "Later Envoy"]
    # general relations by date (the span ends with the last dated item, 15 Feb 2020); linked ones always
    assert [r.note for r in relevance.relations(found, alpha)] == ["Long-running dispute.", "Named for the accord."]
    early = relevance.scope(dataset, dataset.agreements["test-accord"], as_of=D(2020, 1, 12))
    assert early.end == D(2020, 1, 12)


def test_an_event_that_names_no_agreement_is_in_no_timeline(minimal):
    dataset = load_dataset(minimal)
    ids = timeline.timeline_frame(dataset, dataset.agreements["test-accord"])["id"].tolist()
    assert "talks" not in ids and "signed" in ids  # 'talks' names no agreement
    _edit_yaml(minimal / "events.yaml", lambda d: d["events"][0].update(context_for=["test-accord"]))
    dataset = load_dataset(minimal)
    frame = timeline.timeline_frame(dataset, dataset.agreements["test-accord"])
    assert frame["id"].tolist()[:2] == ["talks", "signed"]
    assert not frame.set_index("id").loc["talks", "this_agreement"]  # context: a small dot, not the agreement's


# --- provisions keyed by id ---------------------------------------------------------------------

POINTS = [
    {"id": "p5", "number": 5, "text": "Point five.", "category": "zone", "undertaken_by": ["alpha"],
     "sources": ["text"]},
    {"id": "p5a", "number": "5a", "text": "Point five, second part.", "category": "access", "undertaken_by": ["beta"],
     "targets": ["alpha"], "sources": ["text"]},
    {"id": "p5-again", "number": "5", "text": "Another point numbered five.", "category": "procedure",
     "targets": ["beta"], "sources": ["text"]},
    {"id": "p6", "number": "Art. 3(b)", "text": "A lettered article.", "category": "procedure",
     "undertaken_by": ["alpha", "beta"], "sources": ["text"]},
]

AMENDMENT = """\
id: test-amendment
title: Test Amendment
short_title: Test amendment
date_signed: "2020-03-01"
place: Fixture City
amends: test-accord
summary: Replaces the second part of point 5.
parties:
  - actor: alpha
    roles: [signatory]
provisions:
  - id: a1
    number: 1
    text: A new part.
    category: access
    sources: [text]
changes:
  - provision: p5a
    action: supersedes
    by: [a1]
    sources: [report]
sources: [text]
"""


@pytest.fixture
def parts(minimal):
    _edit_yaml(minimal / "agreements" / "test-accord.yaml", lambda d: d.update(provisions=POINTS))
    (minimal / "agreements" / "test-amendment.yaml").write_text(AMENDMENT, encoding="utf-8")
    dataset = load_dataset(minimal)
    return dataset, dataset.agreements["test-accord"]


def test_free_form_numbers_are_kept_as_written(parts):
    _, agreement = parts
    assert [p.number for p in agreement.provisions] == ["5", "5a", "5", "Art. 3(b)"]


def test_the_matrix_keeps_each_provision_in_its_own_column_with_its_parties(parts):
    dataset, agreement = parts
    matrix = tables.obligation_matrix_frame(dataset, agreement)
    assert matrix.to_dict() == {
        "p5": {"Alpha State": "undertook", "Beta Group": ""},
        "p5a": {"Alpha State": "targeted", "Beta Group": "undertook"},
        "p5-again": {"Alpha State": "", "Beta Group": "targeted"},
        "p6": {"Alpha State": "undertook", "Beta Group": "undertook"},
    }
    html = re.sub(r"</?bdi>", "", str(tables.obligation_matrix_html(dataset, agreement)))
    head = html.split("<thead>")[1].split("</thead>")[0]
    assert re.findall(r"<abbr[^>]*>(?:Point )?([^<]*)</abbr>", head) == ["5", "5a", "5", "Art. 3(b)"]
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert ["Alpha State" in rows[0], "Beta Group" in rows[1]] == [True, True]
    cells = [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)] for row in rows]
    assert cells == [["●", "○", "", "●"], ["", "●", "○", "●"]]
    assert "<strong>5a</strong> Point five, second part." in html  # the points, printed with their numbers


def test_status_and_changes_follow_the_provision_id_not_its_number(parts):
    dataset, agreement = parts
    states = {s.provision.id: s for s in status.states(dataset, agreement, D(2020, 3, 2))}
    assert states["p5a"].status == "superseded"
    assert states["p5"].status == "pending" and states["p5-again"].status == "pending"
    provisions = str(tables.provisions_html(dataset, agreement, D(2020, 3, 2)))
    rows = provisions.split("<tbody>")[1].split("<tr>")[1:]
    assert "superseded by the" in rows[1] and all("superseded by the" not in rows[i] for i in (0, 2, 3))
