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
from dataclasses import dataclass
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


def deadline_state(deadline: dt.date | None, as_of: dt.date | None) -> str:
    """'passed', 'today' or 'upcoming' on ``as_of`` (read as the end of that day, in the deadline's zone);
    '' without a deadline or an as_of. A day deadline ('by 10 October') is 'today' on its day; a timed
    one (00:01 on 6 March) has passed by the end of its day."""
    if deadline is None or as_of is None:
        return ""
    if as_of > deadline:
        return "passed"
    if as_of < deadline:
        return "upcoming"
    return "passed" if getattr(deadline, "time", None) is not None else "today"


def start_state(starts: dt.date | None, as_of: dt.date | None) -> str:
    """'started' or 'upcoming' on ``as_of`` (in force from the start of a day, or from a time on it, so
    by the end of its day); '' without a start or an as_of."""
    if starts is None or as_of is None:
        return ""
    return "started" if as_of >= starts else "upcoming"


# --- a time axis ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    day: dt.date
    label: str


@dataclass(frozen=True)
class Axis:
    first: dt.date  # the axis runs from the start of ``first`` to the start of ``last``
    last: dt.date
    ticks: tuple[Tick, ...]
    step: str  # e.g. '1 day', '7 days', '1 month', '10 years'

    def position(self, day: dt.date, left: float, right: float) -> float:
        """x of a day (its start; a timed moment a little into it) between ``left`` and ``right``."""
        span = (self.last - self.first).days or 1
        offset = (day - self.first).days + (day.day_fraction() if isinstance(day, Moment) else 0.0)
        return round(left + (right - left) * offset / span, 1)


MAX_TICKS = 14  # more would be legible only on a wide chart, and a chart is read at a glance
CHAR_WIDTH = 0.62  # of the font size: a generous average width of a digit or letter
LABEL_GAP = 12  # pixels between two labels at least

# (kind, count): days, months or years between ticks; the first that fits is used
STEPS = [("day", 1), ("day", 2), ("day", 7), ("month", 1), ("month", 2), ("month", 3), ("month", 6), ("year", 1),
         ("year", 2), ("year", 5), ("year", 10), ("year", 20), ("year", 25), ("year", 50), ("year", 100)]


def label_width(text: str, font_size: float) -> float:
    """An upper estimate of a label's width in pixels."""
    return len(text) * font_size * CHAR_WIDTH


def _floor(day: dt.date, kind: str, count: int) -> dt.date:
    if kind == "year":
        return dt.date(day.year - day.year % count, 1, 1)
    if kind == "month":
        index = day.month - 1
        return dt.date(day.year, index - index % count + 1, 1)
    if count == 7:  # weeks start on Mondays
        return day - dt.timedelta(days=day.weekday())
    return day


def _next(day: dt.date, kind: str, count: int) -> dt.date:
    if kind == "year":
        return dt.date(day.year + count, 1, 1)
    if kind == "month":
        index = day.month - 1 + count
        return dt.date(day.year + index // 12, index % 12 + 1, 1)
    return day + dt.timedelta(days=count)


def _tick_label(day: dt.date, kind: str, previous: dt.date | None) -> str:
    if kind == "year":
        return str(day.year)
    if kind == "month":
        return f"{day:%b %Y}" if previous is None or previous.year != day.year else f"{day:%b}"
    if previous is None or previous.year != day.year:
        return day_label(day)
    return f"{day.day} {day:%b}"


def axis_ticks(first: dt.date, last: dt.date, width: float, font_size: float = 11) -> Axis:
    """An axis from ``first`` to ``last`` (both included) drawn ``width`` pixels wide: the finest step,
    from days to centuries, that gives at most :data:`MAX_TICKS` ticks whose labels all fit without
    overlapping. The axis starts and ends on a tick,
    so its first and last labels are shown (the last is the first tick after ``last``)."""
    first, last = min(first, last), max(first, last)
    for kind, count in STEPS:
        start_day = _floor(first, kind, count)
        days = [start_day]
        while days[-1] <= last:
            days.append(_next(days[-1], kind, count))
        if len(days) > MAX_TICKS:
            continue
        labels = [_tick_label(d, kind, days[i - 1] if i else None) for i, d in enumerate(days)]
        per_day = width / ((days[-1] - days[0]).days or 1)
        fits = all((b - a).days * per_day >= (label_width(la, font_size) + label_width(lb, font_size)) / 2 + LABEL_GAP
                   for a, b, la, lb in zip(days, days[1:], labels, labels[1:]))
        if fits:
            ticks = tuple(Tick(d, text) for d, text in zip(days, labels))
            return Axis(days[0], days[-1], ticks, f"{count} {kind}{'s' if count > 1 else ''}")
    start_day, end_day = dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1)
    return Axis(start_day, end_day, (Tick(start_day, str(start_day.year)), Tick(end_day, str(end_day.year))),
                f"{end_day.year - start_day.year} years")


def span_phrase(first: dt.date, last: dt.date) -> str:
    """'on 17 May 2019', 'in May 2019', 'in 2019', 'from 2018 to 2020': the span of dated items, for a title."""
    first, last = min(first, last), max(first, last)
    if first == last:
        return f"on {day_label(first)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"in {first:%B %Y}"
    if first.year == last.year:
        return f"in {first.year}"
    return f"from {first.year} to {last.year}"
