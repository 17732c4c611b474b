"""Provision status by date, the chain of amendments, and what the reports show of them.

The synthetic fixture's point 2 changes twice (partly implemented on 20 Jan 2020, implemented on
15 Feb 2020); an amendment written here supersedes its point 1 on 1 Mar 2020 although point 1's own
list says nothing. The real data gives the Sochi memorandum's story as known on two days.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from helpers import FIXTURES, writable_copy

from accordmap.views.charts import implementation
from accordmap.analysis import status
from accordmap.views import tables
from accordmap.load import load_dataset
from accordmap.reports.agreement import Report

D = dt.date
AMENDMENT = """\
id: test-amendment
title: Test Amendment to the Accord
short_title: Test amendment
date_signed: "2020-03-01"
place: Fixture City
amends: test-accord
summary: Replaces the zone by a new line.
parties:
  - actor: alpha
    roles: [signatory]
provisions:
  - id: a1
    number: 1
    text: A new line replaces the zone.
    category: zone
    undertaken_by: [alpha]
    sources: [text]
changes:
  - provision: p1
    action: supersedes
    by: [a1]
    note: The new line <b>replaces</b> the zone.
    sources: [report]
  - provision: p2
    action: carries-over
    sources: [text]
sources: [text]
"""


def _text(html) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", str(html)))


@pytest.fixture(scope="module")
def minimal():
    dataset = load_dataset(FIXTURES / "minimal" / "data")
    return dataset, dataset.agreements["test-accord"]


@pytest.fixture(scope="module")
def amended(tmp_path_factory):
    data = writable_copy(FIXTURES / "minimal" / "data", tmp_path_factory.mktemp("amended") / "data")
    (data / "agreements" / "test-amendment.yaml").write_text(AMENDMENT, encoding="utf-8")
    dataset = load_dataset(data)
    return dataset, dataset.agreements["test-accord"], dataset.agreements["test-amendment"]


def _state(dataset, agreement, provision_id, as_of):
    provision = next(p for p in agreement.provisions if p.id == provision_id)
    return status.provision_state(dataset, agreement, provision, as_of)


@pytest.mark.parametrize("as_of, expected, since", [
    (D(2020, 1, 10), "pending", D(2020, 1, 10)),  # the signing day: nothing recorded yet
    (D(2020, 1, 19), "pending", D(2020, 1, 10)),  # the day before the first change
    (D(2020, 1, 20), "partly-implemented", D(2020, 1, 20)),  # on it
    (D(2020, 2, 14), "partly-implemented", D(2020, 1, 20)),  # between the two
    (D(2020, 2, 15), "implemented", D(2020, 2, 15)),  # on the second
    (D(2021, 1, 1), "implemented", D(2020, 2, 15)),  # long after
    (None, "implemented", D(2020, 2, 15)),  # no date: the latest recorded
])
def test_status_in_force_is_the_latest_change_not_after_as_of(minimal, as_of, expected, since):
    dataset, agreement = minimal
    state = _state(dataset, agreement, "p2", as_of)
    assert (state.status, state.since) == (expected, since)
    assert [c.date for c in state.history] == [d for d in (D(2020, 1, 20), D(2020, 2, 15)) if as_of is None or d <= as_of]


def test_the_change_in_force_brings_its_note_and_sources(minimal):
    dataset, agreement = minimal
    state = _state(dataset, agreement, "p2", D(2020, 2, 1))
    assert state.note == "Half the corridor cleared." and state.sources == ("report",)
    assert _state(dataset, agreement, "p2", D(2020, 1, 15)).sources == ()


@pytest.mark.parametrize("as_of, expected", [
    (None, ""), (D(2020, 1, 31), "upcoming"), (D(2020, 2, 1), "today"), (D(2020, 2, 2), "passed")])
def test_deadline_passed_today_or_upcoming(minimal, as_of, expected):
    dataset, agreement = minimal  # point 1's deadline is 1 Feb 2020
    assert _state(dataset, agreement, "p1", as_of).deadline == expected


@pytest.mark.parametrize("as_of, expected", [
    (D(2020, 2, 29), "pending"), (D(2020, 3, 1), "superseded"), (D(2020, 6, 1), "superseded"), (None, "superseded")])
def test_an_amendment_supersedes_from_its_signing_even_when_the_base_says_nothing(amended, as_of, expected):
    dataset, base, amendment = amended
    assert not next(p for p in base.provisions if p.id == "p1").status  # nothing recorded on point 1 itself
    state = _state(dataset, base, "p1", as_of)
    assert state.status == expected
    if expected == "superseded":
        assert [a.agreement.id for a in state.superseded_by] == ["test-amendment"]
        assert [p.id for p in state.superseded_by[0].by] == ["a1"]
        assert state.since == D(2020, 3, 1) and state.sources == ("report",)
    else:
        assert state.superseded_by == ()


def test_carrying_over_keeps_the_recorded_status(amended):
    dataset, base, _ = amended
    state = _state(dataset, base, "p2", D(2020, 3, 2))
    assert state.status == "implemented"
    assert [(a.agreement.id, a.change.action) for a in state.amendments] == [("test-amendment", "carries-over")]
    assert _state(dataset, base, "p2", D(2020, 2, 20)).amendments == ()


def test_an_amendments_own_provisions_are_in_force_only_from_its_signing(amended):
    dataset, _, amendment = amended
    before = _state(dataset, amendment, "a1", D(2020, 2, 1))
    assert (before.in_force, before.status, before.since) == (False, None, None)
    on = _state(dataset, amendment, "a1", D(2020, 3, 1))
    assert (on.in_force, on.status, on.since) == (True, "pending", D(2020, 3, 1))


def test_the_chain_of_amendments_both_ways(amended):
    dataset, base, amendment = amended
    assert [a.id for a in status.amended(dataset, amendment)] == ["test-accord"]
    assert status.amended(dataset, base) == []
    assert [a.id for a in status.amendments(dataset, base)] == ["test-amendment"]
    assert status.amendments(dataset, base, D(2020, 2, 29)) == []
    assert [a.id for a in status.amendments(dataset, base, D(2020, 3, 1))] == ["test-amendment"]
    assert status.amendments(dataset, amendment) == []


def test_the_header_names_the_chain_only_as_signed_by_as_of(amended):
    dataset, _, _ = amended
    before = _text(Report("brief", dataset=dataset, agreement="test-accord", as_of="2020-02-20").header())
    after = _text(Report("brief", dataset=dataset, agreement="test-accord", as_of="2020-03-01").header())
    latest = _text(Report("brief", dataset=dataset, agreement="test-accord").header())
    assert "Amended by" not in before
    assert "Amended by the Test amendment (1 Mar 2020)." in after and "Amended by the Test amendment" in latest
    amendment = _text(Report("brief", dataset=dataset, agreement="test-amendment").header())
    assert "It amends the Test accord (10 Jan 2020)." in amendment and "Amended by" not in amendment


def test_the_header_says_when_the_recorded_statuses_stop_before_as_of(amended):
    dataset, _, _ = amended
    late = _text(Report("brief", dataset=dataset, agreement="test-accord", as_of="2021-06-01").header())
    assert "latest recorded change: 1 Mar 2020 (point 1)" in late
    recent = _text(Report("brief", dataset=dataset, agreement="test-accord", as_of="2020-02-15").header())
    assert "latest recorded change" not in recent


def test_provisions_table_has_the_status_its_date_and_source(amended):
    dataset, base, _ = amended
    html = str(tables.provisions_html(dataset, base, as_of=D(2020, 3, 5)))
    assert ">Status on 5 Mar 2020</th>" in html
    rows = html.split("<tr>")[2:]
    assert 'status-superseded">superseded</span> since 1 Mar 2020' in rows[0]
    assert "superseded by the <bdi>Test amendment</bdi> (point 1)" in rows[0]
    assert "The new line &lt;b&gt;replaces&lt;/b&gt; the zone." in rows[0]  # the note, escaped
    assert 'status-implemented">implemented</span> since 15 Feb 2020' in rows[1] and 'href="#source-report"' in rows[1]
    early = str(tables.provisions_html(dataset, base, as_of=D(2020, 1, 12))).split("<tr>")[2:]
    assert all('status-pending">pending</span> (no change recorded)' in row for row in early)
    frame = tables.provisions_frame(dataset, base, as_of=D(2020, 1, 25))
    assert frame["status"].tolist() == ["pending", "partly-implemented"]
    assert frame["status_sources"].tolist() == [[], ["report"]]


def test_the_sources_list_holds_every_status_source(amended):
    dataset, base, _ = amended
    assert {"report", "text"} <= set(tables.sources_for(dataset, base))


def test_matrix_marks_undertook_and_targeted_with_a_printed_legend(minimal):
    dataset, agreement = minimal
    html = str(tables.obligation_matrix_html(dataset, agreement))
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    alpha, beta = rows
    assert "Alpha State" in alpha and '<span class="undertook" role="img" aria-label="undertook">●</span>' in alpha
    assert 'aria-label="targeted"' not in alpha
    assert ('aria-label="undertook">●</span></td><td><span class="targeted" role="img" aria-label="targeted">○</span>'
            in beta)
    legend = html.split('<ul class="legend matrix-legend">')[1].split("</ul>")[0]
    assert '<span class="undertook" aria-hidden="true">●</span> undertook to act' in legend
    assert '<span class="targeted" aria-hidden="true">○</span> targeted or affected' in legend
    assert "A corridor 1 km either side of the road." in _text(html.split("</table>")[1])  # the points, printed


def _lightness(hex_colour: str) -> float:
    """CIE L* (0 black ... 100 white) of an sRGB colour: what is left of it in grayscale."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(hex_colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else 24389 / 27 * y


def test_every_status_differs_in_grayscale_lightness_and_in_pattern_and_shape():
    styles = implementation.STATUS_STYLE
    assert set(styles) == set(status.STATUSES)
    lightness = sorted(_lightness(s.fill) for s in styles.values())
    assert min(b - a for a, b in zip(lightness, lightness[1:])) >= 8  # L* apart: tell-apart grey levels
    assert len({s.pattern for s in styles.values()}) == len(styles)
    assert len({s.shape for s in styles.values()}) == len(styles)
    assert len({(round(_lightness(s.fill)), s.pattern) for s in styles.values()}) == len(styles)


def test_the_chart_marks_each_change_by_status_and_carries_its_legend(amended):
    dataset, base, _ = amended
    svg = str(implementation.implementation_chart_svg(dataset, base, as_of=D(2020, 3, 5)))
    rows = svg.split('<g class="legend">')[0].split('class="row-label"')[1:]
    assert "Point 1 · zone" in rows[0] and "Point 2 · access" in rows[1]
    # point 1: pending from the signing, then superseded on 1 Mar 2020 (derived); point 2: two changes
    assert rows[0].count('class="mark mark-superseded"') == 1 and "mark mark-partly" not in rows[0]
    assert rows[1].count('class="mark mark-partly-implemented"') == 1 and rows[1].count('class="mark mark-implemented"') == 1
    assert "superseded since 1 Mar 2020" in rows[0] and "implemented since 15 Feb 2020" in rows[1]
    assert "1 Mar 2020: superseded — The new line &lt;b&gt;replaces&lt;/b&gt; the zone." in svg  # escaped hover note
    assert "<b>" not in svg
    legend = re.findall(r'class="legend-label">([^<]+)</text>', svg.split('<g class="legend">')[1])
    assert legend == [status.STATUS_LABELS[s] for s in implementation.STATUS_STYLE] + ["deadline"]
    for name, style in implementation.STATUS_STYLE.items():  # each segment kind is drawn in its own fill and pattern
        assert f'fill="{style.fill}" stroke="#000000" stroke-width="0.6" class="seg seg-{name}"' in svg
        if style.pattern != "none":
            assert f'id="impl-{name}"' in svg and f'fill="url(#impl-{name})"' in svg
    assert 'class="as-of"' in svg and "as of 5 Mar 2020" in svg


def test_the_chart_bars_end_at_as_of_or_the_last_change(minimal):
    dataset, agreement = minimal
    assert implementation.chart_end(dataset, agreement, None) == D(2020, 2, 15)
    assert implementation.chart_end(dataset, agreement, D(2020, 1, 12)) == D(2020, 1, 12)
    early = str(implementation.implementation_chart_svg(dataset, agreement, as_of=D(2020, 1, 12)))
    assert 'class="upcoming"' in early  # point 1's deadline (1 Feb) is still to come: a dashed outline
    assert "mark mark-" not in early.split('<g class="legend">')[0]  # no change recorded by then


# --- the Sochi memorandum, as known on two days (real data) ----------------------------------


def _brief(dataset, as_of):
    report = Report("brief", dataset=dataset, agreement="sochi-2018", as_of=as_of)
    return report, _text(report.header()), str(report.provisions())


def test_sochi_brief_on_1_october_2018_shows_no_amendment_and_nothing_but_what_was_recorded(dataset):
    report, header, provisions = _brief(dataset, "2018-10-01")
    assert "Amended by" not in header and "Moscow" not in header and "Moscow" not in provisions
    states = {s.provision.id: s for s in status.states(dataset, report.agreement, report.as_of)}
    # every point pending, except point 4 (the zone's boundaries, set 19-21 September 2018)
    assert {n: s.status for n, s in states.items() if s.status != "pending"} == {"p4": "implemented"}
    assert provisions.count('status-pending">pending</span>') == 9
    assert "Status on 1 Oct 2018" in provisions


def test_sochi_brief_on_10_march_2020_shows_that_days_statuses_and_the_moscow_protocol(dataset):
    report, header, provisions = _brief(dataset, "2020-03-10")
    assert "Amended by the Moscow Additional Protocol (5 Mar 2020)." in header
    states = {s.provision.id: s for s in status.states(dataset, report.agreement, report.as_of)}
    assert {n: s.status for n, s in states.items()} == {
        "p1": "implemented", "p2": "violated", "p3": "superseded", "p4": "implemented", "p5": "not-implemented",
        "p6": "implemented", "p7": "partly-implemented", "p8": "superseded", "p9": "violated", "p10": "pending"}
    assert [a.agreement.id for a in states["p3"].superseded_by] == ["moscow-2020"]
    assert not any(c.status == "superseded" for c in states["p3"].provision.status)  # derived from the protocol
    row3 = provisions.split("<tr>")[4]
    assert "superseded by the <bdi>Moscow Additional Protocol</bdi> (point 1, 2)" in row3
    assert "since 5 Mar 2020" in row3
    # the later change of point 1 (Turkey leaving Morek, 19 Oct 2020) is not known yet
    assert states["p1"].since == dt.date(2020, 3, 6)


def test_moscow_protocol_names_what_it_amends(dataset):
    header = _text(Report("timeline", dataset=dataset, agreement="moscow-2020").header())
    assert "It amends the Sochi memorandum (17 Sep 2018)." in header
