"""The event catalog (``data/events/catalog.yaml``) and the formats it reads (UCDP GED, ACLED):
the columns of the normalised frame, each format's columns and codes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from pydantic import Field, HttpUrl, model_validator
from accordmap import models


CATALOG = Path("events") / "catalog.yaml"  # inside the data folder
EVENT_FILE_SUFFIXES = (".csv", ".csv.gz", ".parquet")

# --- the normalised frame -------------------------------------------------------------------

#: Columns of every frame :func:`read_events` returns, in this order, with their meaning.
EVENT_COLUMNS: dict[str, str] = {
    "id": "the event's id in its own data set (text)",
    "dataset": "id of the event set in data/events/catalog.yaml (or the format, for a file read alone)",
    "date_start": "first day the event may have happened on (datetime64, day)",
    "date_end": "last day it may have happened on (equal to date_start when the day is known)",
    "date_precision": "1 the day is known, 2 a range of 2-6 days, 3 a week, 4 8-30 days or a month, 5 longer",
    "date_precision_code": "the precision code as in the source (UCDP date_prec, ACLED time_precision)",
    "lon": "longitude, decimal degrees (EPSG:4326)",
    "lat": "latitude, decimal degrees (EPSG:4326)",
    "location_precision": "1 exact place, 2 within about 25 km of a known place, 3 district, "
                          "4 province or region, 5 a line or a wider region, 6 the country, 7 international waters",
    "location_precision_code": "the precision code as in the source (UCDP where_prec, ACLED geo_precision)",
    "type": "UCDP type of violence (state-based, non-state, one-sided) or ACLED event_type",
    "side_a": "UCDP side_a or ACLED actor1",
    "side_b": "UCDP side_b or ACLED actor2 (empty text when there is none)",
    "deaths_best": "UCDP best estimate, or ACLED fatalities",
    "deaths_low": "UCDP low estimate, or ACLED fatalities",
    "deaths_high": "UCDP high estimate, or ACLED fatalities",
    "place": "name of the place (UCDP where_coordinates, ACLED location)",
    "admin1": "first-order administrative unit (UCDP adm_1, ACLED admin1; empty text when absent)",
    "source": "who reported it (UCDP source_office, ACLED source)",
}

TYPE_OF_VIOLENCE = {1: "state-based", 2: "non-state", 3: "one-sided"}

# Each source's precision codes on the common scale of the normalised frame (the UCDP scale).
_UCDP_WHERE = {code: code for code in range(1, 8)}
_UCDP_WHEN = {code: code for code in range(1, 6)}
_ACLED_WHERE = {1: 1, 2: 2, 3: 4}  # 3: only a larger region is known -> its centre
_ACLED_WHEN = {1: 1, 2: 3, 3: 4}  # 2: the week is known, 3: the month


@dataclass(frozen=True)
class EventFormat:
    """The columns of one publisher's event file and how they become the normalised frame."""

    name: str
    title: str
    id: str
    date_start: str
    date_end: str | None  # None: one date column
    date_precision: str
    date_codes: dict[int, int]
    date_code_help: str
    lon: str
    lat: str
    location_precision: str
    location_codes: dict[int, int]
    location_code_help: str
    type: str
    type_codes: dict[int, str] | None  # None: the type is text
    side_a: str
    side_b: str
    side_b_required: bool
    deaths: tuple[str, str, str]  # best, low, high (the same column three times for ACLED)
    place: str
    source: str
    admin1: str | None  # optional: read when the file has it
    lower_case_names: bool  # older ACLED exports use upper-case column names

    @property
    def required(self) -> list[str]:
        names = [self.id, self.date_start, self.date_end, self.date_precision, self.lat, self.lon,
                 self.location_precision, self.type, self.side_a, self.side_b, *self.deaths, self.place, self.source]
        return list(dict.fromkeys(n for n in names if n))


FORMATS: dict[str, EventFormat] = {
    "ucdp-ged": EventFormat(
        name="ucdp-ged", title="UCDP GED", id="id", date_start="date_start", date_end="date_end",
        date_precision="date_prec", date_codes=_UCDP_WHEN,
        date_code_help="1 exact day, 2 2-6 days, 3 a week, 4 8-30 days, 5 longer",
        lon="longitude", lat="latitude", location_precision="where_prec", location_codes=_UCDP_WHERE,
        location_code_help="1 exact place, 2 within 25 km, 3 district, 4 province, 5 line or region, 6 country, 7 sea",
        type="type_of_violence", type_codes=TYPE_OF_VIOLENCE, side_a="side_a", side_b="side_b",
        side_b_required=True, deaths=("best", "low", "high"), place="where_coordinates",
        source="source_office", admin1="adm_1", lower_case_names=False,
    ),
    "acled": EventFormat(
        name="acled", title="ACLED", id="event_id_cnty", date_start="event_date", date_end=None,
        date_precision="time_precision", date_codes=_ACLED_WHEN,
        date_code_help="1 day, 2 week, 3 month",
        lon="longitude", lat="latitude", location_precision="geo_precision", location_codes=_ACLED_WHERE,
        location_code_help="1 exact place, 2 near a place, 3 only the region",
        type="event_type", type_codes=None, side_a="actor1", side_b="actor2", side_b_required=False,
        deaths=("fatalities", "fatalities", "fatalities"), place="location", source="source",
        admin1="admin1", lower_case_names=True,
    ),
}
EventFormatName = Literal["ucdp-ged", "acled"]


def expected_columns() -> str:
    """'UCDP GED (format ucdp-ged): id, ...; ACLED (format acled): ...' for error messages."""
    return "; ".join(f"{f.title} (format {f.name}): {', '.join(f.required)}" for f in FORMATS.values())


def detect_format(columns: list[str]) -> str | None:
    """The format whose required columns the file has all of, or None."""
    for fmt in FORMATS.values():
        names = {c.lower() for c in columns} if fmt.lower_case_names else set(columns)
        if set(fmt.required) <= names:
            return fmt.name
    return None


# --- the catalog ----------------------------------------------------------------------------


class EventSet(models.Strict):
    """One event file in data/events/ and what is known about it."""

    id: models.Id
    file: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+\.(csv|csv\.gz|parquet)$")]
    format: EventFormatName
    title: models.Text
    publisher: models.Text
    version: models.Text
    licence: models.Text
    credit: models.Text = Field(description="credit line shown with every figure drawn from the set")
    citation: Annotated[list[models.Text], Field(min_length=1)] = Field(
        description="the works the publisher asks users to cite")
    coverage_start: models.DayDate = Field(description="first day the set covers")
    coverage_end: models.DayDate = Field(description="last day the set covers")
    region: tuple[float, float, float, float] = Field(
        description="lon_min, lat_min, lon_max, lat_max that every event must lie within (catches swapped lon/lat)")
    url: HttpUrl = Field(description="the publisher's canonical download page")
    accessed: models.PartialDate | None = None
    read_from: models.Text = Field(description="the copy actually read and what was done to it")
    limits: Annotated[list[models.Text], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> EventSet:
        if self.coverage_end < self.coverage_start:
            raise ValueError(f"coverage_end {self.coverage_end} is before coverage_start {self.coverage_start} "
                             "(expected coverage_start <= coverage_end)")
        lon0, lat0, lon1, lat1 = self.region
        if not (-180 <= lon0 < lon1 <= 180 and -90 <= lat0 < lat1 <= 90):
            raise ValueError(f"region {list(self.region)} is not a box (expected lon_min, lat_min, lon_max, lat_max in degrees)")
        return self

    @property
    def coverage(self) -> tuple[dt.date, dt.date]:
        return self.coverage_start, self.coverage_end


class EventCatalog(models.Strict):
    event_sets: list[EventSet]
