"""Event files: both formats become one normalised frame; bad files get every problem at once."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import FIXTURES, writable_copy

from accordmap.models.event_sets import EVENT_COLUMNS, FORMATS
from accordmap.load.events import MAX_ROWS_PER_PROBLEM, check_event_sets, event_catalog, read_event_set, read_events
from accordmap.load import DataErrors
from accordmap.paths import DATA_DIR

EVENTS = FIXTURES / "events"
UCDP_SAMPLE = EVENTS / "ucdp_ged_sample.csv"
ACLED_SAMPLE = EVENTS / "acled_synthetic.csv"
UCDP_SET = "ucdp-ged-syria-2016-2019"


def messages(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(e) for e in exc.value.errors]


@pytest.fixture(scope="module")
def ucdp() -> pd.DataFrame:
    return read_events(UCDP_SAMPLE, "ucdp-ged").set_index("id")


# --- UCDP GED: real rows ----------------------------------------------------------------------


def test_frame_has_exactly_the_documented_columns(ucdp):
    frame = read_events(UCDP_SAMPLE, "ucdp-ged")
    assert list(frame.columns) == list(EVENT_COLUMNS)
    assert len(frame) == 11
    assert str(frame["date_start"].dtype) == "datetime64[ns]"


def test_khan_shaykhun_row_is_normalised(ucdp):
    row = ucdp.loc["264655"]
    assert (row.date_start, row.date_end) == (pd.Timestamp("2018-09-19"), pd.Timestamp("2018-09-19"))
    assert (row.lon, row.lat) == (36.65095, 35.44208)
    assert (row.location_precision, row.location_precision_code) == (1, 1)
    assert (row.date_precision, row.date_precision_code) == (1, 1)
    assert (row.type, row.side_a, row.side_b) == ("state-based", "Government of Syria", "Syrian insurgents")
    assert (row.deaths_best, row.deaths_low, row.deaths_high) == (1, 1, 1)
    assert (row.place, row.admin1, row.source, row.dataset) == (
        "Khan Shaykhun town", "Idlib Governorate", "SOHR", "ucdp-ged")


def test_khan_shaykhun_rows_keep_date_and_place_precision(ucdp):
    month = ucdp.loc["282291"]  # shelling known only to February 2019
    assert (month.date_start, month.date_end) == (pd.Timestamp("2019-02-01"), pd.Timestamp("2019-02-28"))
    assert (month.date_precision, month.date_precision_code) == (4, 4)
    near = ucdp.loc["271506"]  # one-sided violence placed within 25 km of the town
    assert (near.location_precision, near.type, near.side_b) == (2, "one-sided", "Civilians")


def test_saraqib_and_maarat_al_numaan_rows_are_normalised(ucdp):
    saraqib = ucdp.loc["266242"]
    assert (saraqib.place, saraqib.lon, saraqib.lat) == ("Saraqib town", 36.80591, 35.86447)
    assert (saraqib.type, saraqib.side_a, saraqib.side_b) == ("non-state", "National Front for Liberation", "HTS")
    assert saraqib.date_start == pd.Timestamp("2018-10-07")
    maarat = ucdp.loc["279217"]
    assert (maarat.place, maarat.lon, maarat.lat) == ("Maarat al-Numaan town", 36.676019, 35.648379)
    assert (maarat.deaths_low, maarat.deaths_best, maarat.deaths_high) == (11, 11, 12)
    assert maarat.source == "SOHR;SOHR"
    explosion = ucdp.loc["270654"]  # IS - HTS: no death in the best estimate, one in the high
    assert (explosion.deaths_low, explosion.deaths_best, explosion.deaths_high) == (0, 0, 1)


def test_coarse_rows_keep_their_codes(ucdp):
    province = ucdp.loc["269914"]
    assert (province.place, province.location_precision, province.date_precision) == ("Idlib Governorate", 4, 5)
    centroid = ucdp.loc["279229"]
    assert (centroid.lon, centroid.lat, centroid.location_precision) == (38.0, 35.0, 6)


def test_quoted_line_breaks_do_not_split_a_row(ucdp):
    row = ucdp.loc["275026"]
    assert (row.place, row.side_a, row.side_b) == ("Kimar village", "National Front for Liberation, SNA", "SDF")
    assert ucdp.loc["219459"].place == "Al Bogeleyyah suburb"  # the row after it


def test_sample_rows_equal_the_rows_of_the_shipped_file(ucdp):
    shipped = read_event_set(DATA_DIR, UCDP_SET).set_index("id").loc[ucdp.index]
    pd.testing.assert_frame_equal(ucdp.drop(columns="dataset"), shipped.drop(columns="dataset"),
                                  check_categorical=False)


def test_format_is_recognised_from_the_columns(ucdp):
    assert read_events(UCDP_SAMPLE)["place"].tolist() == ucdp["place"].tolist()
    assert read_events(ACLED_SAMPLE)["id"].tolist() == ["SYN0001", "SYN0002", "SYN0003"]


# --- ACLED: synthetic rows --------------------------------------------------------------------


def test_acled_export_columns_become_the_same_frame():
    frame = read_events(ACLED_SAMPLE, "acled").set_index("id")
    assert list(frame.reset_index().columns) == list(EVENT_COLUMNS)
    clash = frame.loc["SYN0001"]
    assert (clash.date_start, clash.date_end) == (pd.Timestamp("2018-09-20"), pd.Timestamp("2018-09-20"))
    assert (clash.lon, clash.lat, clash.location_precision) == (36.7, 35.6, 1)
    assert (clash.type, clash.side_a, clash.side_b) == ("Battles", "Synthetic Force A", "Synthetic Group B")
    assert (clash.deaths_best, clash.deaths_low, clash.deaths_high) == (3, 3, 3)
    assert (clash.place, clash.admin1, clash.source) == ("Testville", "Idleb", "Synthetic Wire")


def test_acled_precision_codes_map_to_the_common_scale_and_are_kept():
    frame = read_events(ACLED_SAMPLE, "acled").set_index("id")
    week = frame.loc["SYN0002"]  # time_precision 2 (week) written as '15 September 2018', no actor2
    assert week.date_start == pd.Timestamp("2018-09-15")
    assert (week.date_precision, week.date_precision_code) == (3, 2)
    assert (week.location_precision, week.location_precision_code) == (2, 2)
    assert week.side_b == ""
    region = frame.loc["SYN0003"]  # geo_precision 3: only the region is known
    assert (region.location_precision, region.location_precision_code) == (4, 3)
    assert (region.date_precision, region.date_precision_code) == (4, 3)


def test_older_acled_exports_with_upper_case_names_are_read(tmp_path):
    lines = ACLED_SAMPLE.read_text().splitlines(keepends=True)
    upper = tmp_path / "acled_upper.csv"
    upper.write_text(lines[0].upper() + "".join(lines[1:]))
    pd.testing.assert_frame_equal(read_events(upper, "acled"), read_events(ACLED_SAMPLE, "acled"))


# --- bad files --------------------------------------------------------------------------------

UCDP_HEADER = ("id,date_start,date_end,date_prec,where_prec,where_coordinates,adm_1,latitude,longitude,"
               "type_of_violence,side_a,side_b,best,low,high,source_office\n")


def test_every_problem_of_a_bad_file_is_reported_at_once_with_its_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        UCDP_HEADER
        + '1,2018-09-20,2018-09-20,1,1,"Place\none",Idlib,35.5,36.6,1,A,B,1,1,1,SOHR\n'  # lines 2-3, good
        + "2,2018-02-30,2018-09-20,1,9,Place two,Idlib,35.5,abc,4,A,,1,1,1,SOHR\n"  # line 4
        + "3,2018-09-21,2018-09-21,1,1,Place three,Idlib,35.5,36.6,1,A,B,1,1,1,SOHR\n"  # line 5, good
        + "1,2018-09-21,2018-09-19,1.5,1,Place four,Idlib,95,36.6,1,,B,-2,1,x,SOHR\n"  # line 6
    )
    with pytest.raises(DataErrors) as exc:
        read_events(bad, "ucdp-ged", name="events/bad.csv")
    assert messages(exc) == [
        "events/bad.csv:4: date_start: '2018-02-30' is not a date that exists (expected YYYY-MM-DD)",
        "events/bad.csv:4: where_prec: 9 is not a where_prec code (expected one of the codes 1 exact place, "
        "2 within 25 km, 3 district, 4 province, 5 line or region, 6 country, 7 sea)",
        "events/bad.csv:4: longitude: 'abc' is not a number (expected decimal degrees)",
        "events/bad.csv:4: type_of_violence: 4 is not a type_of_violence code (expected one of the codes "
        "1 state-based, 2 non-state, 3 one-sided)",
        "events/bad.csv:4: side_b: empty (expected a value)",
        "events/bad.csv:6: id: duplicate id '1' (expected each id once; first on line 2)",
        "events/bad.csv:6: date_end: '2018-09-19' is before date_start '2018-09-21' "
        "(expected date_end on or after date_start)",
        "events/bad.csv:6: date_prec: 1.5 is not a whole number (expected one of the codes 1 exact day, "
        "2 2-6 days, 3 a week, 4 8-30 days, 5 longer)",
        "events/bad.csv:6: latitude: 95 is not a latitude (expected decimal degrees from -90 to 90)",
        "events/bad.csv:6: best: -2 is negative (expected a number of deaths, 0 or more)",
        "events/bad.csv:6: high: 'x' is not a whole number (expected a whole number)",
        "events/bad.csv:6: side_a: empty (expected a value)",
    ]


def test_lines_are_counted_in_a_gzipped_file_with_line_breaks_inside_quotes(tmp_path):
    text = UCDP_SAMPLE.read_text(encoding="utf-8")
    # the record after the three-line Kimar row (lines 10-12) is on line 13: break its latitude
    lines = text.splitlines(keepends=True)
    assert lines[12].startswith("219459,")
    lines[12] = lines[12].replace(",35.386671,", ",north,") if ",35.386671," in lines[12] else None
    assert lines[12] is not None, "the latitude of row 219459 moved: update the test"
    packed = tmp_path / "sample.csv.gz"
    with gzip.open(packed, "wt", encoding="utf-8", newline="") as handle:
        handle.write("".join(lines))
    with pytest.raises(DataErrors) as exc:
        read_events(packed, "ucdp-ged", name="sample.csv.gz")
    assert messages(exc) == ["sample.csv.gz:13: latitude: 'north' is not a number (expected decimal degrees)"]


def test_many_rows_with_one_problem_are_listed_up_to_a_limit_then_counted(tmp_path):
    rows = "".join(f"{i},2018-09-20,2018-09-20,1,1,P,Idlib,35.5,36.6,1,A,B,one,1,1,SOHR\n" for i in range(25))
    bad = tmp_path / "many.csv"
    bad.write_text(UCDP_HEADER + rows)
    with pytest.raises(DataErrors) as exc:
        read_events(bad, "ucdp-ged", name="many.csv")
    found = messages(exc)
    assert len(found) == MAX_ROWS_PER_PROBLEM + 1
    assert found[0] == "many.csv:2: best: 'one' is not a whole number (expected a whole number)"
    assert found[-1] == (f"many.csv:{MAX_ROWS_PER_PROBLEM + 2}: best: 15 more rows from here on have the same problem "
                         f"as the {MAX_ROWS_PER_PROBLEM} above, e.g. 'one' is not a whole number (expected a whole number)")


def test_a_file_that_is_not_utf8_names_the_line_of_the_first_bad_byte(tmp_path):
    lines = UCDP_SAMPLE.read_bytes().splitlines(keepends=True)
    lines[5] = lines[5].replace(b"Saraqib town", b"Saraqib \xffown")  # record 266242, line 6
    bad = tmp_path / "latin.csv"
    bad.write_bytes(b"".join(lines))
    with pytest.raises(DataErrors) as exc:
        read_events(bad, "ucdp-ged", name="latin.csv")
    assert messages(exc) == ["latin.csv:6: (file): byte 0xff is not UTF-8 text (expected a UTF-8 file)"]


def test_region_and_coverage_are_checked_with_a_hint_for_swapped_coordinates(tmp_path):
    bad = tmp_path / "swapped.csv"
    bad.write_text(UCDP_HEADER
                   + "1,2018-09-20,2018-09-20,1,1,P,Deir ez-Zor,40.14,35.33,1,A,B,1,1,1,SOHR\n"
                   + "2,2021-01-05,2021-01-05,1,1,P,Idlib,35.5,36.6,1,A,B,1,1,1,SOHR\n")
    with pytest.raises(DataErrors) as exc:
        read_events(bad, "ucdp-ged", name="swapped.csv", region=(35.5, 32.0, 42.5, 37.5),
                    coverage=(dt.date(2016, 1, 1), dt.date(2019, 11, 30)))
    assert messages(exc) == [
        "swapped.csv:2: longitude: point (35.33, 40.14) lies outside the set's region [35.5, 32.0, 42.5, 37.5] "
        "- are longitude and latitude swapped? (expected lon/lat inside the region set in the catalog)",
        "swapped.csv:3: date_start: '2021-01-05' is outside the set's coverage 2016-01-01 - 2019-11-30 "
        "(expected a date within it: fix the row or coverage_start/coverage_end in the catalog)",
    ]


def test_unknown_columns_name_the_columns_of_each_known_format(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("when,where,what\n2019-01-01,here,something\n")
    with pytest.raises(DataErrors) as exc:
        read_events(other, name="other.csv")
    [message] = messages(exc)
    assert message.startswith("other.csv:1: (columns): unknown event format: the columns are when, where, what "
                              "(expected the columns of one of: UCDP GED (format ucdp-ged): id, date_start, date_end")
    for fmt in FORMATS.values():
        assert f"(format {fmt.name}): {', '.join(fmt.required)}" in message


def test_an_unknown_format_name_is_refused_with_the_known_ones():
    with pytest.raises(DataErrors) as exc:
        read_events(UCDP_SAMPLE, "gdelt", name="x.csv")
    [message] = messages(exc)
    assert message.startswith("x.csv: (format): unknown format 'gdelt' (expected one of: ucdp-ged, acled;")
    assert "ACLED (format acled): event_id_cnty, event_date" in message


def test_a_file_of_the_other_format_says_which_format_to_declare():
    with pytest.raises(DataErrors) as exc:
        read_events(ACLED_SAMPLE, "ucdp-ged", name="acled.csv")
    [message] = messages(exc)
    assert message.startswith("acled.csv:1: (columns): the columns are those of ACLED, not UCDP GED "
                              "(expected format: acled for this file")


def test_missing_columns_are_each_named(tmp_path):
    short = tmp_path / "short.csv"
    short.write_text(UCDP_HEADER.replace(",where_prec", "").replace(",source_office", "") + "\n")
    with pytest.raises(DataErrors) as exc:
        read_events(short, "ucdp-ged", name="short.csv")
    assert messages(exc) == [
        "short.csv:1: where_prec: column missing (expected a column named 'where_prec' in a UCDP GED file, format ucdp-ged)",
        "short.csv:1: source_office: column missing (expected a column named 'source_office' in a UCDP GED file, "
        "format ucdp-ged)",
    ]


def test_parquet_is_read_like_csv_or_refused_clearly(tmp_path):
    target = tmp_path / "sample.parquet"
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        target.write_bytes(b"PAR1")
        with pytest.raises(DataErrors) as exc:
            read_events(target, "ucdp-ged", name="sample.parquet")
        assert messages(exc) == ["sample.parquet: (file): reading Parquet needs the pyarrow package, which is not "
                                 "installed (expected pyarrow installed, or the file as CSV)"]
        return
    table = pd.read_csv(UCDP_SAMPLE, keep_default_na=False, na_values=[""])
    table.to_parquet(target)
    expected = read_events(UCDP_SAMPLE, "ucdp-ged")
    pd.testing.assert_frame_equal(read_events(target, "ucdp-ged"), expected, check_categorical=False)
    # GeoParquet: points instead of longitude/latitude columns
    import geopandas as gpd

    geo = tmp_path / "sample_geo.parquet"
    gpd.GeoDataFrame(table.drop(columns=["longitude", "latitude"]), crs=4326,
                     geometry=gpd.points_from_xy(table["longitude"], table["latitude"])).to_parquet(geo)
    pd.testing.assert_frame_equal(read_events(geo, "ucdp-ged"), expected, check_categorical=False)


# --- the catalog and the shipped set ----------------------------------------------------------


def test_shipped_event_sets_pass_the_check():
    assert check_event_sets(DATA_DIR) == []


def test_shipped_ucdp_set_is_complete_and_keeps_its_centroid_rows():
    frame = read_event_set(DATA_DIR, UCDP_SET)
    event_set = event_catalog(DATA_DIR)[UCDP_SET]
    assert len(frame) == 16566 and frame["id"].is_unique
    assert frame["date_start"].min() == pd.Timestamp(event_set.coverage_start)
    assert frame["date_start"].max() == pd.Timestamp(event_set.coverage_end)
    centroid = frame[frame["location_precision"] == 6]
    assert len(centroid) == 254
    assert set(zip(centroid["lon"], centroid["lat"])) == {(38.0, 35.0)}
    assert (frame["location_precision"] <= 2).sum() == 9010 + 5786


def test_catalog_entry_carries_credit_coverage_and_limits():
    event_set = event_catalog(DATA_DIR)[UCDP_SET]
    assert event_set.format == "ucdp-ged" and event_set.licence == "CC BY 4.0"
    assert event_set.coverage == (dt.date(2016, 1, 1), dt.date(2019, 11, 30))
    assert "Uppsala Conflict Data Program" in event_set.credit
    assert str(event_set.url) == "https://ucdp.uu.se/downloads/"
    assert any("30 November 2019" in limit for limit in event_set.limits)
    assert any("centroid" in limit for limit in event_set.limits)


def _events_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    writable_copy(DATA_DIR / "events", data / "events")
    return data


def test_catalog_problems_are_reported_with_their_lines(tmp_path):
    data = _events_copy(tmp_path)
    catalog = data / "events" / "catalog.yaml"
    text = catalog.read_text()
    text = text.replace("format: ucdp-ged", "format: gdelt").replace('coverage_end: "2019-11-30"',
                                                                   'coverage_end: "2019-11-31"')
    text = text.replace("    licence: CC BY 4.0\n", "    licence: CC BY 4.0\n    license: typo\n")
    catalog.write_text(text)
    line = {key: n for n, row in enumerate(text.splitlines(), 1) for key in ("format:", "licence:", "coverage_end:")
            if row.strip().startswith(key)}
    errors = [str(e) for e in check_event_sets(data)]
    assert errors == [
        f"data/events/catalog.yaml:{line['format:']}: event_sets[0].format: 'gdelt' is not allowed (expected one of "
        "'ucdp-ged' or 'acled')",
        f"data/events/catalog.yaml:{line['coverage_end:']}: event_sets[0].coverage_end: '2019-11-31' is not a real "
        "date: day is out of range for month (expected a date that exists)",
        f"data/events/catalog.yaml:{line['licence:'] + 1}: event_sets[0].license: unknown key (expected one of: id, "
        "file, format, title, publisher, version, licence, credit, citation, coverage_start, coverage_end, region, "
        "url, accessed, read_from, limits; check its spelling)",
    ]


def test_missing_and_unlisted_event_files_are_reported(tmp_path):
    data = _events_copy(tmp_path)
    events = data / "events"
    shutil.move(events / "ucdp_ged_syria_652.1601.1911.csv.gz", events / "renamed.csv.gz")
    errors = [str(e) for e in check_event_sets(data)]
    file_line = next(n for n, row in enumerate((events / "catalog.yaml").read_text().splitlines(), 1)
                     if row.strip().startswith("file:"))
    assert errors == [
        f"data/events/catalog.yaml:{file_line}: event_sets[0].file: file ucdp_ged_syria_652.1601.1911.csv.gz does "
        "not exist in data/events (expected the event file there)",
        "data/events/renamed.csv.gz: (file): no entry in data/events/catalog.yaml (expected an event set with "
        "file: renamed.csv.gz, or remove the file)",
    ]


def test_bad_rows_in_a_catalogued_file_are_reported_by_check(tmp_path):
    data = _events_copy(tmp_path)
    target = data / "events" / "ucdp_ged_syria_652.1601.1911.csv.gz"
    lines = UCDP_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("2018-11-23,2018-11-23,", "2018-11-23,2018-11-22,", 1)  # row 271506, line 3
    with gzip.open(target, "wt", encoding="utf-8", newline="") as handle:
        handle.write("".join(lines))
    assert [str(e) for e in check_event_sets(data)] == [
        "data/events/ucdp_ged_syria_652.1601.1911.csv.gz:3: date_end: '2018-11-22' is before date_start "
        "'2018-11-23' (expected date_end on or after date_start)"]
    with pytest.raises(DataErrors):
        read_event_set(data, UCDP_SET)


def test_an_event_file_linked_from_outside_the_data_folder_is_refused(tmp_path):
    data = _events_copy(tmp_path)
    target = data / "events" / "ucdp_ged_syria_652.1601.1911.csv.gz"
    outside = tmp_path / "elsewhere.csv.gz"
    shutil.move(target, outside)
    target.symlink_to(outside)
    assert [str(e) for e in check_event_sets(data)] == [
        "data/events/ucdp_ged_syria_652.1601.1911.csv.gz: (file): is a link to a file outside the data folder, "
        "which accordmap never reads (expected the file itself inside data)"]


def test_a_data_folder_without_events_has_no_event_problems(tmp_path):
    assert check_event_sets(tmp_path) == []


def test_an_unknown_set_id_lists_the_known_ones():
    with pytest.raises(DataErrors) as exc:
        read_event_set(DATA_DIR, "acled-syria")
    assert messages(exc) == [f"data/events/catalog.yaml: event_sets: no event set with id 'acled-syria' "
                             f"(expected one of: {UCDP_SET})"]


def test_cached_frame_is_reread_when_its_file_changes_and_callers_cannot_change_it(tmp_path):
    data = _events_copy(tmp_path)
    first = read_event_set(data, UCDP_SET)
    first.loc[0, "deaths_best"] = 999_999
    first["place"] = "changed"
    again = read_event_set(data, UCDP_SET)
    assert again["deaths_best"].max() < 999_999 and "changed" not in set(again["place"])
    target = data / "events" / "ucdp_ged_syria_652.1601.1911.csv.gz"
    with gzip.open(target, "wt", encoding="utf-8", newline="") as handle:
        handle.write(UCDP_SAMPLE.read_text(encoding="utf-8"))
    assert len(read_event_set(data, UCDP_SET)) == 11
    assert np.isin(["264655", "279229"], read_event_set(data, UCDP_SET)["id"]).all()
