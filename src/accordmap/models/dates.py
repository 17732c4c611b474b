"""Date text from data -> dates with their precision, moments with a time of day and zone, their labels,
and the ticks and titles of a time axis.

* A **partial date** is a day (``"2019-05-17"``), a month (``"2019-05"``) or a year (``"2019"``): it
  stands for every day from :func:`start` to :func:`end`. It sorts by its first day, and before the
  more precise dates inside it (:func:`sort_key`); it is written "17 May 2019", "May 2019", "2019".
* A **moment** (:class:`Moment`, the type of deadlines and provision starts) is a day, or a day with a
  time of day and its time zone: ``"2020-03-15"``, or ``{at: "2020-03-06 00:01", tz: <zone>}`` where
  the zone is an IANA name (``Europe/Moscow``), a UTC offset (``"+03:00"``), or ``unstated`` when the
  sources give the time but not its zone. It compares with plain days by its own (local) day, so
  code that works in days keeps working; :func:`deadline_state` and :func:`start_state` read a
  report's ``as_of`` day as the end of that day in the moment's own zone.
* :func:`axis_ticks` chooses ticks for a span, from days to decades, so that labels never overlap;
  :func:`span_phrase` words a span for a chart's title ("in 2019", "in May 2019", "from 1951 to 2020").
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any


# --- partial dates -----------------------------------------------------------------------------

PARTIAL_FORMS = "'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'"
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def check_partial(value: object) -> str:
    """A date of day, month or year precision that exists, as text ('2019-05-17', '2019-05', '2019').
    A bare number (an unquoted year in YAML) is read as a year."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value!r} has a time of day (expected {PARTIAL_FORMS})")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date (expected {PARTIAL_FORMS})")
    match = _PARTIAL.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a date of day, month or year precision (expected {PARTIAL_FORMS})")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date: {exc} (expected a date that exists)") from None
    return value


def precision(value: str) -> str:
    """'day', 'month' or 'year'."""
    return ("year", "month", "day")[value.count("-")]


def start(value: str) -> dt.date:
    """First day a partial date can mean: '2019-12' -> 2019-12-01; '2019' -> 2019-01-01."""
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def end(value: str) -> dt.date:
    """Last day a partial date can mean: '2019-02' -> 2019-02-28; '2019' -> 2019-12-31."""
    first = start(value)
    kind = precision(value)
    if kind == "day":
        return first
    if kind == "year":
        return dt.date(first.year, 12, 31)
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def sort_key(value: str) -> tuple[dt.date, int]:
    """Order of partial dates: by first day; a year, then a month, before the days inside them."""
    return start(value), value.count("-")


def day_label(value: dt.date, long: bool = False) -> str:
    """17 Sep 2018 (long: 17 September 2018): how every report writes a day."""
    return f"{value.day} {value:%B %Y}" if long else f"{value.day} {value:%b %Y}"


def label(value: str) -> str:
    """'2018-09-17' -> '17 Sep 2018'; '2019-12' -> 'Dec 2019'; '2019' -> '2019'."""
    first = start(value)
    return {"year": f"{first.year}", "month": f"{first:%b %Y}", "day": day_label(first)}[precision(value)]


def sentence_end(text: str) -> str:
    """``text`` followed by a full stop, unless it already ends with one ('n.d.' stays 'n.d.')."""
    return text if text.endswith(".") else text + "."


# --- moments: a day, or a day with a time of day and zone --------------------------------------

UNSTATED = "unstated"
MOMENT_FORMS = ("'YYYY-MM-DD', or a time of day as {at: 'YYYY-MM-DD HH:MM', tz: <an IANA zone such as "
                "Europe/Moscow, a UTC offset such as '+03:00', or unstated>}")
_AT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})$")
_OFFSET = re.compile(r"^(?:UTC)?([+-])(\d{2}):(\d{2})$")


class Moment(dt.date):
    """A day (``time`` None), or a time of day on that day in ``tz``: an IANA zone name, an offset
    '+HH:MM', or :data:`UNSTATED`. Equal to, hashed and ordered as its day, so it stands in wherever a
    day is expected; arithmetic gives plain days."""

    time: dt.time | None
    tz: str | None

    def __new__(cls, year: int, month: int, day: int, time: dt.time | None = None, tz: str | None = None) -> Moment:
        self = super().__new__(cls, year, month, day)
        self.time, self.tz = time, tz
        return self

    # arithmetic works on the day alone (a day plus a week has no time of day)
    def __add__(self, other: Any) -> Any:
        return dt.date(self.year, self.month, self.day).__add__(other)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        return dt.date(self.year, self.month, self.day).__sub__(other)

    def __reduce__(self) -> Any:
        return Moment, (self.year, self.month, self.day, self.time, self.tz)

    def isoformat(self) -> str:  # type: ignore[override]  # with its time of day, for files and attributes
        return self.iso()

    def __str__(self) -> str:
        return self.iso() + (" (time zone not stated)" if self.time is not None and self.tz == UNSTATED else "")

    def __repr__(self) -> str:
        return f"Moment({self.iso()!r}{f', tz={self.tz!r}' if self.tz else ''})"

    @property
    def day_only(self) -> dt.date:
        return dt.date(self.year, self.month, self.day)

    def utcoffset(self) -> dt.timedelta | None:
        """The zone's offset from UTC at this moment; None for a day or an unstated zone."""
        if self.time is None or self.tz in (None, UNSTATED):
            return None
        return _offset(self.tz, dt.datetime.combine(self.day_only, self.time))

    def zone_label(self) -> str:
        """'UTC+3', 'UTC+5:30', 'UTC+3, Europe/Moscow', 'time zone not stated'."""
        if self.time is None:
            return ""
        offset = self.utcoffset()
        if offset is None:
            return "time zone not stated"
        minutes = int(offset.total_seconds() // 60)
        sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
        text = "UTC" if minutes == 0 else f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")
        return text if _OFFSET.match(self.tz or "") or self.tz == "UTC" else f"{text}, {self.tz}"

    def label(self, long: bool = False) -> str:
        """'6 Mar 2020', or '00:01 on 6 Mar 2020 (UTC+3)'."""
        day = day_label(self, long)
        return day if self.time is None else f"{self.time:%H:%M} on {day} ({self.zone_label()})"

    def iso(self) -> str:
        """For ``<time datetime>``: '2020-03-06', '2020-03-06T00:01+03:00', '2020-03-06T00:01' (zone unstated)."""
        day = self.day_only.isoformat()
        if self.time is None:
            return day
        offset = self.utcoffset()
        if offset is None:
            return f"{day}T{self.time:%H:%M}"
        minutes = int(offset.total_seconds() // 60)
        return f"{day}T{self.time:%H:%M}{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

    def day_fraction(self) -> float:
        """Where in its day the moment falls (0 for a day): for placing it on a time axis."""
        return 0.0 if self.time is None else (self.time.hour * 60 + self.time.minute) / 1440


def _offset(tz: str, local: dt.datetime) -> dt.timedelta:
    match = _OFFSET.match(tz)
    if match:
        sign, hours, minutes = match.groups()
        return (1 if sign == "+" else -1) * dt.timedelta(hours=int(hours), minutes=int(minutes))
    offset = local.replace(tzinfo=zoneinfo.ZoneInfo(tz)).utcoffset()
    assert offset is not None
    return offset


def _check_zone(tz: object) -> str:
    if not isinstance(tz, str) or not tz.strip():
        raise ValueError(f"tz {tz!r} is not a time zone (expected an IANA zone such as Europe/Moscow, a UTC offset "
                         "such as '+03:00', or unstated when the sources do not say)")
    tz = tz.strip()
    if tz == UNSTATED:
        return tz
    match = _OFFSET.match(tz)
    if match:
        if int(match.group(2)) > 14 or int(match.group(3)) > 59:
            raise ValueError(f"tz {tz!r} is not a UTC offset (expected -12:00 to +14:00)")
        return tz.removeprefix("UTC")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"tz {tz!r} is not a known IANA time zone (expected a name such as Europe/Moscow or "
                         "Asia/Damascus, a UTC offset such as '+03:00', or unstated)") from None
    return tz


def parse_moment(value: object) -> Moment:
    """'2020-03-15' (a day), or {at: '2020-03-06 00:01', tz: ...} (a time of day in a zone)."""
    if isinstance(value, Moment):
        return value
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value!r} is not a day or a moment (expected {MOMENT_FORMS})")
    if isinstance(value, dt.date):
        return Moment(value.year, value.month, value.day)
    if isinstance(value, str):
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            hint = " (a time of day is written as a mapping, with its zone)" if ":" in value else ""
            raise ValueError(f"{value!r} is not a date of day precision{hint} (expected {MOMENT_FORMS})")
        try:
            day = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a real date: {exc} (expected a date that exists)") from None
        return Moment(day.year, day.month, day.day)
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"at", "tz"})
        missing = [key for key in ("at", "tz") if key not in value]
        if unknown or missing:
            what = f"unknown key {unknown[0]!r}" if unknown else f"{missing[0]} is missing"
            raise ValueError(f"{what} (expected {MOMENT_FORMS})")
        at = value["at"]
        match = _AT.match(at) if isinstance(at, str) else None
        if not match:
            raise ValueError(f"at {at!r} is not a day and time (expected 'YYYY-MM-DD HH:MM', 24-hour clock)")
        try:
            day = dt.date.fromisoformat(match.group(1))
            time = dt.time(int(match.group(2)), int(match.group(3)))
        except ValueError as exc:
            raise ValueError(f"at {at!r} is not a real day and time: {exc} (expected one that exists, "
                             "'YYYY-MM-DD HH:MM' on a 24-hour clock)") from None
        return Moment(day.year, day.month, day.day, time, _check_zone(value["tz"]))
    raise ValueError(f"{value!r} is not a date (expected {MOMENT_FORMS})")
