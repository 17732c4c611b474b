"""Dates as users write them and as reports show them (accordmap.dates).

Partial dates down to the year, deadlines and starts with a time of day and zone, status at the
boundary of a timed deadline, the time axis from days to decades, chart titles, and "n.d." printed
once. Refusals with file:line are in tests/fixtures/broken_cases.yaml (tests/test_bad_input.py).
"""

from __future__ import annotations

import datetime as dt
import pickle
import re

import pandas as pd
import pytest
from helpers import FIXTURES, writable_copy
from markupsafe import Markup

from accordmap.views.charts import implementation
from accordmap.views import markup
from accordmap.analysis import status
from accordmap.views import tables
from accordmap.views.charts import timeline
from accordmap import models
from accordmap.load import load_dataset
from accordmap.models import dates
from accordmap.views.charts import axis as time_axis

D = dt.date


def _text(html) -> str:
    inline = re.sub(r"</?(bdi|span|time|a)\b[^>]*>", "", str(html))  # text inside a sentence
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)).strip()


def _edited(tmp_path, agreement_edits=(), events_edits=()):
    """A copy of the synthetic fixture with text replaced in its agreement and events files."""
    data = writable_copy(FIXTURES / "minimal" / "data", tmp_path / "data")
    for name, edits in (("agreements/test-accord.yaml", agreement_edits), ("events.yaml", events_edits)):
        path = data / name
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, old
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    dataset = load_dataset(data)
    return dataset, dataset.agreements["test-accord"]


# --- partial dates: day, month, year -------------------------------------------------------------


@pytest.mark.parametrize("value, precision, first, last, label", [
    ("2019-05-17", "day", D(2019, 5, 17), D(2019, 5, 17), "17 May 2019"),
    ("2019-02", "month", D(2019, 2, 1), D(2019, 2, 28), "Feb 2019"),
    ("2020-02", "month", D(2020, 2, 1), D(2020, 2, 29), "Feb 2020"),
    ("2019-12", "month", D(2019, 12, 1), D(2019, 12, 31), "Dec 2019"),
    ("2019", "year", D(2019, 1, 1), D(2019, 12, 31), "2019"),
])
def test_a_partial_date_spans_its_days_and_is_labelled_at_its_precision(value, precision, first, last, label):
    assert dates.check_partial(value) == value
    assert (dates.precision(value), dates.start(value), dates.end(value), dates.label(value)) == (
        precision, first, last, label)


def test_an_unquoted_year_is_read_as_a_year():
    assert dates.check_partial(2019) == "2019"


@pytest.mark.parametrize("value, message", [
    ("2019-13", "'2019-13' is not a real date: month must be in 1..12 (expected a date that exists)"),
    ("19", "'19' is not a date of day, month or year precision (expected 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY')"),
    ("2019-05-17T10:00", "is not a date of day, month or year precision"),
    (True, "True is not a date (expected 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY')"),
])
def test_a_partial_date_that_is_not_one_is_refused(value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        dates.check_partial(value)


CONTEXT = ("kind: diplomatic", "kind: diplomatic\n    context_for: [test-accord]")  # the talks, in the timeline


def test_a_year_sorts_before_its_months_and_a_month_before_its_days():
    values = ["2019-05-17", "2019-06", "2019", "2018-12-31", "2019-05", "2020"]
    assert sorted(values, key=dates.sort_key) == ["2018-12-31", "2019", "2019-05", "2019-05-17", "2019-06", "2020"]


def test_an_event_known_only_to_the_year_is_loaded_ordered_labelled_and_drawn_as_a_range(tmp_path):
    dataset, agreement = _edited(tmp_path, events_edits=[('date: "2019-12"', 'date: "2019"'), CONTEXT])
    assert [e.date for e in dataset.events] == ["2019", "2020-01-10"]
    frame = timeline.timeline_frame(dataset, agreement)
    assert frame[["id", "label", "precision"]].values.tolist() == [
        ["talks", "2019", "year"], ["signed", "10 Jan 2020", "day"], ["test-accord-p1-deadline", "1 Feb 2020", "day"]]
    table = str(timeline.timeline_table_html(dataset, frame, "items"))
    assert '<time datetime="2019">2019</time>' in table
    svg = str(timeline.timeline_chart_svg(frame, agreement))
    bar = re.search(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="8"[^>]*class="date-range date-range-year"'
                    r'[^>]*><title>2019 \(year only\): Talks begin.</title>', svg)
    assert bar, "a year-only event is drawn as a bar over its year"
    x0, width = float(bar.group(1)), float(bar.group(2))
    dot = re.search(r'<circle cx="([\d.]+)"[^>]*><title>2019 \(year only\): Talks begin.</title>', svg)
    assert dot and abs(float(dot.group(1)) - (x0 + width / 2)) < 0.2, "its dot sits mid-year"
    signed = float(re.search(r'<circle cx="([\d.]+)"[^>]*><title>10 Jan 2020: Accord signed.</title>', svg).group(1))
    assert x0 + width <= signed + 0.1, "the year's bar ends where 2020 begins, before the signing"


# --- moments: deadlines and starts with a time of day ---------------------------------------------


@pytest.mark.parametrize("value, label, iso", [
    ("2020-03-15", "15 Mar 2020", "2020-03-15"),
    ({"at": "2020-03-06 00:01", "tz": "+03:00"}, "00:01 on 6 Mar 2020 (UTC+3)", "2020-03-06T00:01+03:00"),
    ({"at": "2020-03-06 00:01", "tz": "UTC+03:00"}, "00:01 on 6 Mar 2020 (UTC+3)", "2020-03-06T00:01+03:00"),
    ({"at": "2020-03-06 00:01", "tz": "Europe/Moscow"}, "00:01 on 6 Mar 2020 (UTC+3, Europe/Moscow)",
     "2020-03-06T00:01+03:00"),
    # Syria was at UTC+2 until its summer time began on 27 March 2020: the zone's rules give the offset
    ({"at": "2020-03-06 00:01", "tz": "Asia/Damascus"}, "00:01 on 6 Mar 2020 (UTC+2, Asia/Damascus)",
     "2020-03-06T00:01+02:00"),
    ({"at": "2020-03-06T23:30", "tz": "-05:30"}, "23:30 on 6 Mar 2020 (UTC-5:30)", "2020-03-06T23:30-05:30"),
    ({"at": "2020-03-06 00:01", "tz": "UTC"}, "00:01 on 6 Mar 2020 (UTC)", "2020-03-06T00:01+00:00"),
    ({"at": "2020-03-06 00:01", "tz": "unstated"}, "00:01 on 6 Mar 2020 (time zone not stated)", "2020-03-06T00:01"),
])
def test_a_moment_is_read_labelled_and_written_for_machines(value, label, iso):
    moment = dates.parse_moment(value)
    assert (moment.label(), moment.iso(), moment.isoformat()) == (label, iso, iso)
    assert moment == D(2020, 3, 6) or moment == D(2020, 3, 15), "it equals its own day"
    assert pickle.loads(pickle.dumps(moment)).label() == label


def test_a_moment_compares_and_counts_as_its_day():
    moment = dates.parse_moment({"at": "2020-03-06 00:01", "tz": "+03:00"})
    assert D(2020, 3, 5) < moment < D(2020, 3, 7) and moment == D(2020, 3, 6) and hash(moment) == hash(D(2020, 3, 6))
    later = moment + dt.timedelta(days=1)
    assert later == D(2020, 3, 7) and type(later) is dt.date, "arithmetic gives plain days"
    assert max([D(2020, 3, 1), moment]) is moment


@pytest.mark.parametrize("value, message", [
    ("2020-03", "'2020-03' is not a date of day precision"),
    ("2020-03-06T00:01+03:00", "a time of day is written as a mapping, with its zone"),
    ({"at": "2020-03-06 00:01"}, "tz is missing"),
    ({"at": "2020-03-06", "tz": "+03:00"}, "at '2020-03-06' is not a day and time (expected 'YYYY-MM-DD HH:MM', 24-hour clock)"),
    ({"at": "2020-03-06 00:01", "tz": "+03:00", "zone": "x"}, "unknown key 'zone'"),
    ({"at": "2020-03-06 00:01", "tz": "Mars/Olympus"}, "tz 'Mars/Olympus' is not a known IANA time zone"),
    ({"at": "2020-03-06 00:01", "tz": "+15:00"}, "tz '+15:00' is not a UTC offset"),
    ({"at": "2020-03-06 00:01", "tz": ""}, "tz '' is not a time zone"),
    ({"at": "2020-02-30 00:01", "tz": "unstated"}, "is not a real day and time: day is out of range for month"),
])
def test_a_moment_that_is_not_one_is_refused(value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        dates.parse_moment(value)


TIMED = ('deadline: "2020-02-01"', 'deadline: {at: "2020-02-01 00:01", tz: "+03:00"}')


@pytest.mark.parametrize("as_of, timed, day_only", [
    (D(2020, 1, 31), "upcoming", "upcoming"),
    (D(2020, 2, 1), "passed", "today"),  # 00:01 on 1 Feb has passed by the end of 1 Feb; "by 1 Feb" ends with it
    (D(2020, 2, 2), "passed", "passed"),
])
def test_a_timed_deadline_has_passed_on_its_own_day(tmp_path, as_of, timed, day_only):
    dataset, agreement = _edited(tmp_path, [TIMED])
    plain = load_dataset(FIXTURES / "minimal" / "data")
    assert status.provision_state(dataset, agreement, agreement.provisions[0], as_of).deadline == timed
    assert status.provision_state(plain, plain.agreements["test-accord"], plain.agreements["test-accord"].provisions[0],
                                  as_of).deadline == day_only


def test_reports_print_a_timed_deadline_with_its_zone(tmp_path):
    dataset, agreement = _edited(tmp_path, [TIMED])
    row = re.findall(r"<tr>.*?</tr>", str(tables.provisions_html(dataset, agreement, D(2020, 2, 1))), flags=re.S)[1]
    assert "00:01 on 1 Feb 2020 (UTC+3) — passed at 1 Feb 2020" in _text(row)
    frame = timeline.timeline_frame(dataset, agreement)
    deadline = frame[frame["id"] == "test-accord-p1-deadline"].iloc[0]
    assert (deadline["date"], deadline["label"]) == ("2020-02-01T00:01+03:00", "00:01 on 1 Feb 2020 (UTC+3)")
    assert '<time datetime="2020-02-01T00:01+03:00">00:01 on 1 Feb 2020 (UTC+3)</time>' in str(
        timeline.timeline_table_html(dataset, frame, "items"))
    assert ">1 Feb 2020, 00:01</text>" in str(timeline.timeline_chart_svg(frame, agreement))
    chart = str(implementation.implementation_chart_svg(dataset, agreement, D(2020, 1, 20)))
    assert "<title>Deadline 00:01 on 1 Feb 2020 (UTC+3) (upcoming)</title>" in chart
    assert tables.provisions_frame(dataset, agreement)["deadline"].map(str).iloc[0] == "2020-02-01T00:01+03:00"


STARTS = ('deadline: "2020-02-01"', ('starts: {at: "2020-01-20 00:01", tz: unstated}\n'
                                     '    starts_note: as the text says\n    deadline: "2020-02-01"'))


@pytest.mark.parametrize("as_of, in_force, status_text", [
    (D(2020, 1, 19), False, "not yet in force (from 00:01 on 20 Jan 2020 (time zone not stated))"),
    (D(2020, 1, 20), True, "pending (no change recorded)"),
])
def test_a_provision_with_a_start_is_in_force_only_from_it(tmp_path, as_of, in_force, status_text):
    dataset, agreement = _edited(tmp_path, [STARTS])
    state = status.provision_state(dataset, agreement, agreement.provisions[0], as_of)
    assert (state.in_force, state.starts) == (in_force, "started" if in_force else "upcoming")
    row = _text(re.findall(r"<tr>.*?</tr>", str(tables.provisions_html(dataset, agreement, as_of)), flags=re.S)[1])
    assert status_text in row
    assert "in force from 00:01 on 20 Jan 2020 (time zone not stated) (as the text says)" in row
    assert "Deadline: 1 Feb 2020" in row
    chart = str(implementation.implementation_chart_svg(dataset, agreement, as_of))
    if in_force:
        assert "<title>In force from 00:01 on 20 Jan 2020 (time zone not stated)</title>" in chart
    else:
        assert "not yet in force (from 00:01 on 20 Jan 2020 (time zone not stated))" in chart


def test_a_start_is_a_dated_item_of_the_timeline(tmp_path):
    dataset, agreement = _edited(tmp_path, [STARTS])
    frame = timeline.timeline_frame(dataset, agreement, D(2020, 1, 15))
    item = frame[frame["id"] == "test-accord-p1-starts"].iloc[0]
    assert item["title"].startswith("In force from (point 1): A zone") and item["title"].endswith("[upcoming]")
    assert item["label"] == "00:01 on 20 Jan 2020 (time zone not stated)"


def test_the_moscow_ceasefire_starts_at_00_01_on_6_march_2020_its_zone_not_stated(dataset):
    moscow = dataset.agreements["moscow-2020"]
    ceasefire = next(p for p in moscow.provisions if p.id == "p1")
    assert ceasefire.starts.label() == "00:01 on 6 Mar 2020 (time zone not stated)"
    before, on = (status.provision_state(dataset, moscow, ceasefire, D(2020, 3, d)) for d in (5, 6))
    assert (before.in_force, on.in_force, on.status) == (False, True, "implemented")
    frame = timeline.timeline_frame(dataset, moscow)
    # the event of that day and the provision's start are one item, which shows the time
    merged = frame[frame["id"] == "2020-03-06-ceasefire-in-force"].iloc[0]
    assert (merged["label"], merged["provisions"]) == ("00:01 on 6 Mar 2020 (time zone not stated)", ["1"])
    assert "test-accord-p1-starts" not in set(frame["id"]) and "moscow-2020-p1-starts" not in set(frame["id"])


# --- the time axis ---------------------------------------------------------------------------


def _assert_legible(axis: time_axis.Axis, width: float, font: float = 11) -> list[float]:
    """Labels at most MAX_TICKS, none overlapping by their positions (an independent width estimate)."""
    xs = [axis.position(t.day, 0, width) for t in axis.ticks]
    assert 2 <= len(xs) <= time_axis.MAX_TICKS
    extents = [(x - len(t.label) * font * 0.58 / 2, x + len(t.label) * font * 0.58 / 2) for x, t in zip(xs, axis.ticks)]
    for (_, right), (left, _) in zip(extents, extents[1:]):
        assert left - right >= 4, [t.label for t in axis.ticks]
    return xs


def test_ten_days_get_a_tick_a_day():
    axis = time_axis.axis_ticks(D(2020, 3, 1), D(2020, 3, 10), 830)
    _assert_legible(axis, 830)
    assert [t.label for t in axis.ticks] == ["1 Mar 2020", "2 Mar", "3 Mar", "4 Mar", "5 Mar", "6 Mar", "7 Mar",
                                             "8 Mar", "9 Mar", "10 Mar", "11 Mar"]


def test_ten_days_on_a_narrow_chart_get_fewer_ticks():
    axis = time_axis.axis_ticks(D(2020, 3, 1), D(2020, 3, 10), 300)
    _assert_legible(axis, 300)
    assert axis.step in ("2 days", "7 days") and len(axis.ticks) < 11


def test_two_years_get_months_labelled_with_their_year_at_each_january():
    axis = time_axis.axis_ticks(D(2018, 1, 1), D(2019, 12, 31), 830)
    _assert_legible(axis, 830)
    labels = [t.label for t in axis.ticks]
    assert axis.step == "2 months" and labels[0] == "Jan 2018" and "Jan 2019" in labels and labels[-1] == "Jan 2020"


def test_seventy_years_get_decades_and_the_last_year_is_labelled():
    axis = time_axis.axis_ticks(D(1953, 7, 27), D(2020, 6, 1), 830)
    _assert_legible(axis, 830)
    labels = [t.label for t in axis.ticks]
    assert axis.step == "10 years" and labels == ["1950", "1960", "1970", "1980", "1990", "2000", "2010", "2020", "2030"]
    assert axis.first <= D(1953, 7, 27) and axis.last >= D(2020, 6, 1), "the axis holds every item"


def test_a_timeline_over_decades_draws_few_legible_labels_inside_the_chart():
    agreement = load_dataset(FIXTURES / "minimal" / "data").agreements["test-accord"]
    frame = pd.DataFrame([
        {"date": "1951", "start": D(1951, 1, 1), "end": D(1951, 12, 31), "precision": "year", "label": "1951",
         "kind": "context", "title": "War", "this_agreement": False, "provisions": [], "sources": [], "discrepancies": [],
         "id": "war"},
        {"date": "1953-07-27", "start": D(1953, 7, 27), "end": D(1953, 7, 27), "precision": "day", "label": "27 Jul 1953",
         "kind": "agreement", "title": "Armistice", "this_agreement": False, "provisions": [], "sources": [],
         "discrepancies": [], "id": "armistice"},
    ])
    svg = str(timeline.timeline_chart_svg(frame, agreement, width=960))
    ticks = re.findall(r'<text x="([\d.]+)" y="[\d.]+" class="tick year"[^>]*>(\d{4})</text>', svg)
    assert 2 <= len(ticks) <= time_axis.MAX_TICKS and ticks[-1][1] == "2030", ticks  # the signing is in 2020
    xs = [float(x) for x, _ in ticks]
    assert all(b - a > 40 for a, b in zip(xs, xs[1:])), "year labels 4 digits wide never touch"
    assert xs[-1] + 4 * 11 * 0.6 / 2 <= 960, "the last label stays inside the chart"
    assert "Timeline chart of 2 items from 1951 to 2020;" in svg


@pytest.mark.parametrize("first, last, phrase", [
    (D(2019, 5, 17), D(2019, 5, 17), "on 17 May 2019"),
    (D(2019, 5, 1), D(2019, 5, 31), "in May 2019"),
    (D(2019, 1, 3), D(2019, 11, 30), "in 2019"),
    (D(1951, 1, 1), D(2020, 3, 6), "from 1951 to 2020"),
])
def test_span_phrases_never_say_from_2019_to_2019(first, last, phrase):
    assert time_axis.span_phrase(first, last) == phrase


def test_a_chart_of_one_year_is_titled_in_that_year(tmp_path):
    dataset, agreement = _edited(tmp_path, events_edits=[('date: "2019-12"', 'date: "2020-01"'), CONTEXT])
    svg = str(timeline.timeline_chart_svg(timeline.timeline_frame(dataset, agreement), agreement))
    assert "Timeline chart of 3 items in 2020;" in svg and "from 2020 to 2020" not in svg


# --- "n.d." once -------------------------------------------------------------------------------


def test_a_date_label_that_ends_a_sentence_gets_one_full_stop():
    assert dates.sentence_end("n.d.") == "n.d." and dates.sentence_end("2019") == "2019."


@pytest.mark.parametrize("title", ["Plain title", "A question?", "Ends with a stop."])
def test_an_undated_source_prints_its_date_once_without_double_punctuation(title):
    source = models.Source(id="s1", title=title, publisher="Pub Inc.", publisher_kind="wire", kind="news",
                           url="https://example.org/a", date=None, accessed="2019")
    text = _text(markup.source_entry(source))
    assert text.count("undated") == 1 and ".." not in text and "?." not in text, text
    assert text.endswith("undated. Read 2019."), text
    assert isinstance(markup.source_entry(source), Markup)
