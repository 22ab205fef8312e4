"""Date expressions in Persian news and their resolution against the publication date.

Entry point ``find_dates``: Jalali, Gregorian and Hijri dates, weekdays and relative
phrases, matched on the normalised copy and returned as spans into the original text.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import hijridate
import jdatetime

from rokhdad.model import Calendar, DateMention, Precision
from rokhdad.resolve.numbers import (
    DAY_ORDINALS, HUNDREDS, TEENS, TENS, UNITS, ZWNJ, alternation, parse_number, phrase_pattern,
    squash,
)
from rokhdad.text.normalize import Normalized, normalize

# A yearless date up to this far after publication is this year's ("۲۵ بهمن" announced in
# early Bahman); later than that it is last year's. News names coming dates weeks ahead.
FUTURE_TOLERANCE = dt.timedelta(days=30)

# In every table a space inside a key means "a space, a ZWNJ or nothing" in the text.
JALALI_MONTHS = {
    "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "امرداد": 5,
    "شهریور": 6, "مهر": 7, "آبان": 8, "آذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
}
GREGORIAN_MONTHS = {
    "ژانویه": 1, "فوریه": 2, "مارس": 3, "مارچ": 3, "آوریل": 4, "آپریل": 4,
    "مه": 5, "می": 5, "ژوئن": 6, "ژوئیه": 7, "ژوییه": 7, "جولای": 7, "اوت": 8,
    "آگوست": 8, "اگوست": 8, "سپتامبر": 9, "اکتبر": 10, "نوامبر": 11, "دسامبر": 12,
}
HIJRI_MONTHS = {
    "محرم": 1, "صفر": 2, "ربیع الاول": 3, "ربیع الاولی": 3, "ربیع الثانی": 4,
    "ربیع الآخر": 4, "ربیع الاخر": 4, "جمادی الاول": 5, "جمادی الاولی": 5,
    "جمادی الثانی": 6, "جمادی الثانیه": 6, "جمادی الآخر": 6, "جمادی الاخری": 6,
    "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10, "ذی القعده": 11, "ذیقعده": 11,
    "ذی الحجه": 12, "ذیحجه": 12, "ذی قعده": 11, "ذی حجه": 12,  # ZWNJ repair may write ذی\u200cقعده
}
# What a month name needs beside it before it counts as a date, by how ambiguous the
# word is: one of the listed sets of "day" (a day number), "year", "month" ("ماه" before
# or after it) and "year_word" (امسال، سال گذشته …). Names not listed need nothing
# ("ژانویه" alone is a month).
_ANY = (frozenset({"day"}), frozenset({"year"}), frozenset({"month"}), frozenset({"year_word"}))
MONTH_NEEDS: dict[str, tuple[frozenset[str], ...]] = {
    **{name: _ANY for name in JALALI_MONTHS},   # دی، مهر، تیر، آذر are everyday words
    **{name: _ANY for name in HIJRI_MONTHS},    # رمضان، رجب، شعبان are first names
    "مارس": _ANY[:3],
    "مه": _ANY[:3],                              # fog
    "اوت": _ANY[:3],                             # a throw-in
    "می": (frozenset({"year"}),),                # the verb prefix: "۲۰ می\u200cشود"
    "صفر": (frozenset({"month"}), frozenset({"day", "year"})),  # zero: "حذف ۴ صفر"
}
# "N تیر" is also N bullets: not a date when one of these follows and no year or ماه does.
MONTH_NOT_BEFORE = {"تیر": ("به", "شلیک", "خورد", "خلاص", "هوایی", "مستقیم", "از")}

WEEKDAYS = {  # Python's numbering: Monday is 0, Saturday 5
    "شنبه": 5, "یک شنبه": 6, "دو شنبه": 0, "سه شنبه": 1, "چهار شنبه": 2,
    "پنج شنبه": 3, "جمعه": 4,
}
# A weekday name that is part of a name, not a date: "امام جمعه", "چهارشنبه سوری".
WEEKDAY_NOT_AFTER = ("نماز", "نمازهای", "نماز های", "امام", "امامان", "ائمه", "خطیب",
                     "خطبه", "خطبه های", "خطبه ی",
                     "هر", "روزهای", "روز های", "روزها",  # "هر جمعه": every Friday
                     "شهر", "کیلومتری", "فرودگاه", "استان", "مردم")  # "شهر دوشنبه": Dushanbe
WEEKDAY_NOT_BEFORE = ("سوری", "آخر سال", "بازار", "سیاه", "ها", "پایتخت")
WEEKDAY_WINDOW = 12  # chars searched around a weekday for the words above

TIMES_OF_DAY = ("بامداد", "صبح", "صبحگاه", "ظهر", "بعد از ظهر", "عصر", "غروب", "شب",
                "شامگاه", "سحرگاه", "نیمه شب", "پیش از ظهر", "قبل از ظهر")
EVE = "شب"  # "شب جمعه" is Thursday night: the evening before the named day
PERIOD_EDGES = ("اوایل", "اوائل", "اواسط", "اواخر", "نیمه", "نیمه دوم", "نیمه اول",
                "ابتدای", "اول", "پایان", "انتهای", "آخر")

RELATIVE_DAYS = {  # days after publication
    "امروز": 0, "امشب": 0, "دقایقی پیش": 0, "دقایقی قبل": 0, "ساعاتی پیش": 0,
    "ساعاتی قبل": 0, "لحظاتی پیش": 0, "لحظاتی قبل": 0,
    "دیروز": -1, "روز گذشته": -1, "شب گذشته": -1, "نیمه شب گذشته": -1, "دیشب": -1,
    "پریروز": -2, "پریشب": -2, "فردا": 1, "فردا شب": 1, "پس فردا": 2,
}
RELATIVE_WEEKS = {"هفته گذشته": -1, "هفته پیش": -1, "هفته قبل": -1, "هفته جاری": 0,
                  "این هفته": 0, "هفته آینده": 1, "هفته بعد": 1}
RELATIVE_MONTHS = {"ماه گذشته": -1, "ماه پیش": -1, "ماه قبل": -1, "ماه جاری": 0,
                   "این ماه": 0, "ماه آینده": 1}
RELATIVE_YEARS = {"سال گذشته": -1, "سال پیش": -1, "سال قبل": -1, "پارسال": -1,
                  "سال جاری": 0, "امسال": 0, "سال آینده": 1}
# After a month name: "دی ماه گذشته" is the last Dey before this month, "بهمن ماه جاری"
# this year's Bahman.
MONTH_SHIFTS = {"گذشته": "before", "آینده": "after", "جاری": "current"}
# After a weekday: "شنبه گذشته" (strictly before), "شنبه هفته گذشته" (in last week).
WEEKDAY_SHIFTS = {"گذشته": "before", "آینده": "after", **RELATIVE_WEEKS}
GREGORIAN_MARK = "میلادی"  # "ماه گذشته میلادی": count in Gregorian months

TIME_UNITS = {"ساعت": "hour", "روز": "day", "هفته": "week", "ماه": "month", "سال": "year"}
AGO = ("پیش", "قبل")   # "دو روز پیش": counted back from publication
FROM_NOW = ("دیگر",)   # "دو روز دیگر": counted forward from publication
# "دو روز گذشته" (the past two days) and "دو ماه آینده" are ranges, "دو روز بعد" is
# counted from another event: found, so that "روز گذشته" inside is not, but unresolved.
UNRESOLVED = ("گذشته", "اخیر", "آینده", "بعد")
VAGUE_COUNTS = ("چند", "چندین")

YEAR_SUFFIXES = {
    "میلادی": Calendar.GREGORIAN, "شمسی": Calendar.JALALI, "هجری شمسی": Calendar.JALALI,
    "خورشیدی": Calendar.JALALI, "هجری خورشیدی": Calendar.JALALI, "قمری": Calendar.HIJRI,
    "هجری قمری": Calendar.HIJRI, "ه.ش": Calendar.JALALI, "ه.ق": Calendar.HIJRI,
}
YEAR_RANGES = {  # four-digit years each calendar may have in current news
    Calendar.JALALI: range(1300, 1500),
    Calendar.GREGORIAN: range(1900, 2101),
    Calendar.HIJRI: range(1343, 1501),  # what hijridate (Umm al-Qura) converts
}
# A number after a month or "سال" followed by one of these counts something ("دی ماه ۷۰
# نفر"): it is not a (two-digit) year.
COUNT_NOUNS = ("نفر", "تن", "درصد", "هزار", "میلیون", "میلیارد", "کشته", "زخمی", "مجروح",
               "مورد", "عدد", "فروند", "قبضه", "دستگاه", "بار", "روز", "ساعت", "سال", "ماه",
               "کیلومتر", "متر", "تومان", "ریال", "دلار", "نوبت", "راکت", "موشک")

# --- regex pieces -----------------------------------------------------------------------

_SEP = f"[ {ZWNJ}]"
_START = f"(?<![\\w{ZWNJ}])"
_END = f"(?![\\w{ZWNJ}])"
_WORD_END = f"(?![^\\W\\d])(?!{ZWNJ})"  # no letter or ZWNJ next; a digit may follow
_TOD = alternation(TIMES_OF_DAY)
_WEEKDAY = alternation(WEEKDAYS)
_DAY = (f"(?:(?<![\\w{ZWNJ}./:\\-\u066c,])(?P<day>\\d{{1,2}})(?!\\d)"
        f"|{_START}(?P<day_word>{alternation(DAY_ORDINALS)}))")
_EDGE = alternation(PERIOD_EDGES)
_COUNT_AFTER = f"(?!{_SEP}*(?:{alternation(COUNT_NOUNS)})(?![^\\W\\d]))"
_YEAR_SUFFIX = "|".join(  # "ه.ش" may be written "ه.ش.", "ه ش" or "هش"
    phrase_pattern(p).replace(r"\.", f"\\.?{_SEP}?") + ("\\.?" if "." in p else "")
    for p in sorted(YEAR_SUFFIXES, key=len, reverse=True)
)
# "دو سال پیش از انقضا" is two years before something else, not before publication
_NOT_BEFORE_EVENT = f"(?!(?<=پیش|قبل){_SEP}+از(?![^\\W\\d]))"
_YEAR_WORDS = alternation([*RELATIVE_YEARS, *MONTH_SHIFTS])
_NUMBER_WORD = alternation([*UNITS, *TEENS, *TENS, *HUNDREDS])
_COUNT = (f"\\d{{1,3}}|(?:{_NUMBER_WORD})(?:{_SEP}+(?:و{_SEP}+)?(?:{_NUMBER_WORD}))*"
          f"|{alternation(VAGUE_COUNTS)}")


def _calendar_date(months: Iterable[str], year: str) -> re.Pattern[str]:
    """A day-month-year pattern where every part but the month is optional."""
    return re.compile(
        # a time of day, "روز" and a weekday may lead a day number: "بامداد روز شنبه ۳ دی"
        f"(?:(?:{_START}(?:(?P<tod>{_TOD}){_SEP}+)?(?:روز{_SEP}+)?"
        f"(?:(?P<lead>{_WEEKDAY}){_SEP}*[،,(]?{_SEP}*)?)?{_DAY}{_SEP}*"
        f"|{_START}(?P<edge>{_EDGE}){_SEP}+)?"
        f"(?:{_START}(?P<pre>ماه){_SEP}+(?:مبارک{_SEP}+)?)?"
        f"(?<![^\\W\\d])(?P<month>{alternation(months)})"
        f"(?:{_SEP}?(?P<post>ماه))?{_WORD_END}"
        f"(?:{_SEP}*(?:سال{_SEP}+)?(?P<year>{year})(?!\\d){_COUNT_AFTER}"
        f"(?:{_SEP}*(?P<suffix>{_YEAR_SUFFIX}))?"
        f"|{_SEP}+(?P<year_word>{_YEAR_WORDS})(?:{_SEP}+(?P<mark>{GREGORIAN_MARK}))?)?"
        f"(?![^\\W\\d])"
    )


PATTERNS: dict[str, re.Pattern[str]] = {
    "numeric": re.compile(
        f"(?<![\\w{ZWNJ}./:\\-\u066c,])"
        r"(?:(?P<year>\d{4}|\d{2})(?P<sep>[/\-.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
        r"|(?P<day2>\d{1,2})(?P<sep2>[/\-.])(?P<month2>\d{1,2})(?P=sep2)(?P<year2>\d{4}))"
        r"(?!\w|[/\-.:]\d)"
    ),
    "jalali": _calendar_date(JALALI_MONTHS, r"1[34]\d\d|[4-9]\d|0\d"),
    "gregorian": _calendar_date(GREGORIAN_MONTHS, r"(?:19|20)\d\d"),
    "hijri": _calendar_date(HIJRI_MONTHS, r"1[345]\d\d"),
    "year": re.compile(
        f"{_START}(?:سال{_SEP}+(?P<year>\\d{{4}}|[4-9]\\d|0\\d)(?!\\d){_COUNT_AFTER}"
        f"(?:{_SEP}*(?P<suffix>{_YEAR_SUFFIX}))?"
        f"|(?P<year2>\\d{{4}}){_SEP}*(?P<suffix2>{_YEAR_SUFFIX})){_END}"
    ),
    "relative.day": re.compile(
        f"{_START}(?:(?P<tod>{_TOD}){_SEP}+)?(?:روز{_SEP}+)?"
        f"(?P<word>{alternation(RELATIVE_DAYS)}){_NOT_BEFORE_EVENT}(?:{_SEP}+(?:{_TOD}))?"
        f"(?:{_SEP}*[،,(]?{_SEP}*(?P<weekday>{_WEEKDAY}){_END}{_SEP}*\\)?)?{_END}"
    ),
    "relative.ago": re.compile(
        f"{_START}(?P<count>{_COUNT}){_SEP}+(?P<unit>{alternation(TIME_UNITS)})"
        f"{_SEP}+(?P<direction>{alternation([*AGO, *FROM_NOW, *UNRESOLVED])}){_END}"
        f"{_NOT_BEFORE_EVENT}"
    ),
    "relative.week": re.compile(
        f"{_START}(?:(?:{_EDGE}){_SEP}+)?(?P<word>{alternation(RELATIVE_WEEKS)}){_END}"
        f"{_NOT_BEFORE_EVENT}"
    ),
    "relative.month": re.compile(
        f"(?:{_DAY}{_SEP}+|{_START}(?:{_EDGE}){_SEP}+)?(?<![^\\W\\d])"
        f"(?P<word>{alternation(RELATIVE_MONTHS)}){_NOT_BEFORE_EVENT}"
        f"(?:{_SEP}+(?P<mark>{GREGORIAN_MARK}))?{_END}"
    ),
    "relative.year": re.compile(
        f"{_START}(?:(?:{_EDGE}){_SEP}+)?(?P<word>{alternation(RELATIVE_YEARS)}){_NOT_BEFORE_EVENT}"
        f"(?:{_SEP}+(?P<mark>{GREGORIAN_MARK}))?{_END}"
    ),
    "weekday": re.compile(
        f"{_START}(?:(?P<tod>{_TOD}){_SEP}+)?(?:(?P<day_word>روز){_SEP}+)?"
        f"(?P<weekday>{_WEEKDAY})(?:{_SEP}+(?:{_TOD}))?(?![\\w{ZWNJ}])"
        f"(?:{_SEP}+(?P<shift>{alternation(WEEKDAY_SHIFTS)}))?{_END}"
    ),
}
# Month names are rare in text while the calendar-date patterns are costly (every part
# but the month is optional), so those patterns run only around a month name found first.
LEAD_WINDOW = 60  # chars before a month name that may hold its day, weekday and time of day
TAIL_WINDOW = 48  # chars after it that may hold its year ("ماه سال ۱۴۰۰ هجری شمسی": 22)
_MONTH_ANCHORS = re.compile(
    "(?<![^\\W\\d])(?:"
    + "|".join(f"(?P<{kind}>{alternation(n for n in names if n != 'می')})"
               for kind, names in (("jalali", JALALI_MONTHS), ("gregorian", GREGORIAN_MONTHS),
                                   ("hijri", HIJRI_MONTHS)))
    # the verb prefix می is everywhere: as May it needs a year, so look only there
    + f"|(?P<may>می)(?={_SEP}*(?:سال{_SEP}+)?(?:19|20)\\d\\d)"
    + f")(?:{_SEP}?ماه)?(?![^\\W\\d])"
)
_WEEKDAY_BLOCKED_BEFORE = re.compile(f"{_START}(?:{alternation(WEEKDAY_NOT_AFTER)}){_SEP}*$")
_QUOTED_NAME = re.compile('["«][^"«»]{3,12}["»]')
_WEEKDAY_BLOCKED_AFTER = re.compile(f"{_SEP}*(?:{alternation(WEEKDAY_NOT_BEFORE)}){_END}")
_MONTH_BLOCKED_AFTER = {
    month: re.compile(f"{_SEP}*(?:{alternation(words)}){_END}")
    for month, words in MONTH_NOT_BEFORE.items()
}

_LOOKUP = {
    "jalali": {squash(k): v for k, v in JALALI_MONTHS.items()},
    "gregorian": {squash(k): v for k, v in GREGORIAN_MONTHS.items()},
    "hijri": {squash(k): v for k, v in HIJRI_MONTHS.items()},
}
_NEEDS = {squash(k): v for k, v in MONTH_NEEDS.items()}
_WEEKDAY_KEYS = {squash(k): v for k, v in WEEKDAYS.items()}
_DAY_ORDINAL_KEYS = {squash(k): v for k, v in DAY_ORDINALS.items()}
_RELATIVE_KEYS = {squash(k): v for table in (RELATIVE_DAYS, RELATIVE_WEEKS, RELATIVE_MONTHS,
                                             RELATIVE_YEARS) for k, v in table.items()}
_WEEKDAY_SHIFT_KEYS = {squash(k): v for k, v in WEEKDAY_SHIFTS.items()}
_SUFFIX_KEYS = {squash(k).replace(".", ""): v for k, v in YEAR_SUFFIXES.items()}
_CALENDARS = {"jalali": Calendar.JALALI, "gregorian": Calendar.GREGORIAN, "hijri": Calendar.HIJRI}


# --- calendars ----------------------------------------------------------------------------

CACHE_SIZE = 4096  # conversions are pure and slow (jdatetime looks up its locale each time)


@lru_cache(maxsize=CACHE_SIZE)
def _jalali_to_gregorian(year: int, month: int, day: int) -> dt.date | None:
    try:
        return jdatetime.date(year, month, day).togregorian()
    except (ValueError, OverflowError):
        return None


@lru_cache(maxsize=CACHE_SIZE)
def _jalali_from_gregorian(date: dt.date) -> tuple[int, int, int] | None:
    try:
        j = jdatetime.date.fromgregorian(date=date)
    except (ValueError, OverflowError):
        return None
    return j.year, j.month, j.day


def _gregorian_to_gregorian(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=CACHE_SIZE)
def _hijri_to_gregorian(year: int, month: int, day: int) -> dt.date | None:
    try:
        return hijridate.Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None


@lru_cache(maxsize=CACHE_SIZE)
def _hijri_from_gregorian(date: dt.date) -> tuple[int, int, int] | None:
    try:
        h = hijridate.Gregorian(date.year, date.month, date.day).to_hijri()
    except (ValueError, OverflowError):
        return None
    return h.year, h.month, h.day


@dataclass(frozen=True, slots=True)
class _Calendar:
    to_gregorian: Callable[[int, int, int], dt.date | None]
    from_gregorian: Callable[[dt.date], tuple[int, int, int] | None]


CALENDARS = {
    Calendar.JALALI: _Calendar(_jalali_to_gregorian, _jalali_from_gregorian),
    Calendar.GREGORIAN: _Calendar(_gregorian_to_gregorian, lambda d: (d.year, d.month, d.day)),
    Calendar.HIJRI: _Calendar(_hijri_to_gregorian, _hijri_from_gregorian),
}


def _shift(date: dt.date, days: int) -> dt.date | None:
    try:
        return date + dt.timedelta(days=days)
    except OverflowError:
        return None


def _month_value(calendar: Calendar, year: int, month: int) -> str | None:
    """A calendar's month as the Gregorian month holding most of it (the one its 15th is in)."""
    middle = CALENDARS[calendar].to_gregorian(year, month, 15)
    return None if middle is None else f"{middle.year:04d}-{middle.month:02d}"


def _year_value(calendar: Calendar, year: int) -> str | None:
    """A calendar's year as the Gregorian year holding most of it (where its 7th month starts)."""
    middle = CALENDARS[calendar].to_gregorian(year, 7, 1)
    return None if middle is None else f"{middle.year:04d}"


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _week_start(date: dt.date) -> dt.date | None:
    """The Saturday that starts ``date``'s week (the Iranian week runs Saturday to Friday)."""
    return _shift(date, -((date.weekday() - 5) % 7))


def infer_year(calendar: Calendar, month: int, day: int | None, published: dt.date,
               shift: str | None = None) -> int | None:
    """The year of a yearless date: the latest not after ``published`` + FUTURE_TOLERANCE.

    ``shift`` "before"/"after" ("دی ماه گذشته"/"آینده") asks for the last such month
    before the month of publication, or the next one after it; "current" ("دی ماه
    جاری") for the one in the year of publication.

    >>> infer_year(Calendar.JALALI, 9, 28, dt.date(2022, 1, 5))
    1400
    """
    today = CALENDARS[calendar].from_gregorian(published)
    if today is None:
        return None
    year, this_month, _ = today
    if shift == "before":
        return year if month < this_month else year - 1
    if shift == "after":
        return year if month > this_month else year + 1
    if shift == "current":
        return year
    limit = _shift(published, FUTURE_TOLERANCE.days)
    if limit is None:
        return None
    for candidate in (year + 1, year, year - 1):  # "۱ فروردین" late in Esfand is next year's
        start = CALENDARS[calendar].to_gregorian(candidate, month, min(day or 1, 29))
        if start is not None and start <= limit:
            return candidate
    return None


# --- resolvers: one per pattern; each returns (value, precision, calendar) or None ---------

Resolution = tuple[str | None, Precision, Calendar]


def _resolve_numeric(m: re.Match[str], published: dt.date | None, text: str) -> Resolution | None:
    if m["year"] is not None:
        year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
        if len(m["year"]) == 2:
            if m["sep"] != "/" or (year := _two_digit_year(year)) is None:
                return None
    else:
        year, month, day = int(m["year2"]), int(m["month2"]), int(m["day2"])
        if month > 12 >= day:  # 01/25/2020: American order
            month, day = day, month
    for calendar in (Calendar.JALALI, Calendar.GREGORIAN):
        if year in YEAR_RANGES[calendar] and 1 <= month <= 12 and 1 <= day <= 31:
            date = CALENDARS[calendar].to_gregorian(year, month, day)
            return (None if date is None else date.isoformat()), Precision.DAY, calendar
    return None


def _two_digit_year(year: int) -> int | None:
    """Two-digit years are Jalali years of recent decades: "۹۸" 1398, "۵۷" 1357, "۰۱" 1401."""
    if year >= 40:
        return 1300 + year
    return 1400 + year if year < 10 else None


def _resolve_calendar_date(kind: str) -> Callable[..., Resolution | None]:
    calendar = _CALENDARS[kind]

    def resolve(m: re.Match[str], published: dt.date | None, text: str) -> Resolution | None:
        name = squash(m["month"])
        month = _LOOKUP[kind][name]
        day = int(m["day"]) if m["day"] else _DAY_ORDINAL_KEYS.get(squash(m["day_word"] or ""))
        has = {part for part, present in (
            ("day", day is not None), ("year", m["year"] is not None),
            ("month", bool(m["pre"] or m["post"])), ("year_word", m["year_word"] is not None),
        ) if present}
        if name in _NEEDS and not any(needed <= has for needed in _NEEDS[name]):
            return None
        if day is not None and not 1 <= day <= 31:
            return None
        if (name in _MONTH_BLOCKED_AFTER and not has & {"year", "month"}
                and _MONTH_BLOCKED_AFTER[name].match(text, m.end())):
            return None
        precision = Precision.DAY if day is not None else Precision.MONTH
        year = _explicit_year(m, calendar)
        if year is None and m["year"] is not None:
            return None  # a number that is no year of this calendar
        if year is None and published is not None:
            year = _year_from_word(m, calendar, month, day, published)
        if year is None:
            return None, precision, calendar
        if day is None:
            return _month_value(calendar, year, month), precision, calendar
        date = CALENDARS[calendar].to_gregorian(year, month, day)
        return (None if date is None else date.isoformat()), precision, calendar

    return resolve


def _explicit_year(m: re.Match[str], calendar: Calendar) -> int | None:
    if m["year"] is None:
        return None
    year = int(m["year"])
    if len(m["year"]) == 2:
        return _two_digit_year(year) if calendar is Calendar.JALALI else None
    return year if year in YEAR_RANGES[calendar] else None


def _year_from_word(m: re.Match[str], calendar: Calendar, month: int, day: int | None,
                    published: dt.date) -> int | None:
    word = squash(m["year_word"] or "")
    if word in MONTH_SHIFTS:
        return infer_year(calendar, month, day, published, MONTH_SHIFTS[word])
    if not word:
        return infer_year(calendar, month, day, published)
    today = CALENDARS[calendar].from_gregorian(published)
    return None if today is None else today[0] + _RELATIVE_KEYS[word]


def _resolve_year(m: re.Match[str], published: dt.date | None, text: str) -> Resolution | None:
    digits = m["year"] or m["year2"]
    suffix = m["suffix"] or m["suffix2"]
    year = int(digits)
    if suffix is not None:
        calendar = _SUFFIX_KEYS[squash(suffix).replace(".", "")]
    elif len(digits) == 2 or year in YEAR_RANGES[Calendar.JALALI]:
        calendar = Calendar.JALALI
    else:
        calendar = Calendar.GREGORIAN
    if len(digits) == 2:
        if calendar is not Calendar.JALALI or (year := _two_digit_year(year)) is None:
            return None
    if year not in YEAR_RANGES[calendar]:
        return None
    return _year_value(calendar, year), Precision.YEAR, calendar


def _resolve_relative_day(m: re.Match[str], published: dt.date | None, text: str) -> Resolution:
    if published is None:
        return None, Precision.DAY, Calendar.RELATIVE
    date = _shift(published, _RELATIVE_KEYS[squash(m["word"])])
    if date is not None and m["weekday"] is not None:
        # "امروز شنبه" on a Wednesday: the article contradicts its date; trust neither
        if date.weekday() != _WEEKDAY_KEYS[squash(m["weekday"])]:
            date = None
    return (None if date is None else date.isoformat()), Precision.DAY, Calendar.RELATIVE


def _resolve_ago(m: re.Match[str], published: dt.date | None, text: str) -> Resolution:
    unit = TIME_UNITS[m["unit"]]
    precision = {"hour": Precision.DAY, "day": Precision.DAY, "week": Precision.WEEK,
                 "month": Precision.MONTH, "year": Precision.YEAR}[unit]
    count = parse_number(m["count"])
    if m["direction"] in UNRESOLVED:
        return None, Precision.UNKNOWN, Calendar.RELATIVE
    if published is None or count is None or count != int(count):
        return None, precision, Calendar.RELATIVE
    count = int(count) if m["direction"] in AGO else -int(count)
    value: str | None = None
    if unit in ("hour", "day"):
        date = _shift(published, -(count // 24 if unit == "hour" else count))
        value = None if date is None else date.isoformat()
    elif unit == "week":
        start = _week_start(published)
        date = None if start is None else _shift(start, -7 * count)
        value = None if date is None else date.isoformat()
    else:
        value = _relative_period(published, -count if unit == "month" else 0,
                                 -count if unit == "year" else 0, gregorian=False)
    return value, precision, Calendar.RELATIVE


def _relative_period(published: dt.date, months: int, years: int, *, gregorian: bool) -> str | None:
    """The month (``months`` != 0 or ``years`` == 0) or year this far from publication."""
    calendar = Calendar.GREGORIAN if gregorian else Calendar.JALALI
    today = CALENDARS[calendar].from_gregorian(published)
    if today is None:
        return None
    year, month, _ = today
    if years:
        return _year_value(calendar, year + years)
    year, month = _add_months(year, month, months)
    return _month_value(calendar, year, month)


def _resolve_relative_week(m: re.Match[str], published: dt.date | None, text: str) -> Resolution:
    if published is None:
        return None, Precision.WEEK, Calendar.RELATIVE
    start = _week_start(published)
    date = None if start is None else _shift(start, 7 * _RELATIVE_KEYS[squash(m["word"])])
    return (None if date is None else date.isoformat()), Precision.WEEK, Calendar.RELATIVE


def _resolve_relative_month(m: re.Match[str], published: dt.date | None,
                            text: str) -> Resolution | None:
    day = int(m["day"]) if m["day"] else _DAY_ORDINAL_KEYS.get(squash(m["day_word"] or ""))
    precision = Precision.MONTH if day is None else Precision.DAY
    if day is not None and not 1 <= day <= 31:
        return None
    if published is None:
        return None, precision, Calendar.RELATIVE
    months = _RELATIVE_KEYS[squash(m["word"])]
    if day is None:
        return (_relative_period(published, months, 0, gregorian=m["mark"] is not None),
                precision, Calendar.RELATIVE)
    # "هفدهم ماه جاری": a day of this (Jalali, or with میلادی Gregorian) month
    calendar = Calendar.GREGORIAN if m["mark"] is not None else Calendar.JALALI
    today = CALENDARS[calendar].from_gregorian(published)
    if today is None:
        return None, precision, Calendar.RELATIVE
    year, month = _add_months(today[0], today[1], months)
    date = CALENDARS[calendar].to_gregorian(year, month, day)
    return (None if date is None else date.isoformat()), precision, Calendar.RELATIVE


def _resolve_relative_year(m: re.Match[str], published: dt.date | None, text: str) -> Resolution:
    if published is None:
        return None, Precision.YEAR, Calendar.RELATIVE
    gregorian = m["mark"] is not None
    offset = _RELATIVE_KEYS[squash(m["word"])]
    if offset == 0:
        calendar = Calendar.GREGORIAN if gregorian else Calendar.JALALI
        today = CALENDARS[calendar].from_gregorian(published)
        value = None if today is None else _year_value(calendar, today[0])
    else:
        value = _relative_period(published, 0, offset, gregorian=gregorian)
    return value, Precision.YEAR, Calendar.RELATIVE


def _resolve_weekday(m: re.Match[str], published: dt.date | None, text: str) -> Resolution | None:
    start = m.start("weekday")
    if _WEEKDAY_BLOCKED_BEFORE.search(text, max(0, start - WEEKDAY_WINDOW), start):
        return None
    if _WEEKDAY_BLOCKED_AFTER.match(text, m.end("weekday")):
        return None
    if _QUOTED_NAME.match(text, max(0, start - 1)) and m.end("weekday") == m.end():
        return None  # «دوشنبه» in quotes is the city, not a day
    if published is None:
        return None, Precision.DAY, Calendar.WEEKDAY
    weekday = _WEEKDAY_KEYS[squash(m["weekday"])]
    if m["tod"] is not None and squash(m["tod"]) == EVE and m["day_word"] is None:
        weekday = (weekday - 1) % 7  # "شب جمعه": Thursday night
    shift = _WEEKDAY_SHIFT_KEYS.get(squash(m["shift"] or ""))
    today = published.weekday()
    if shift is None:
        date = _shift(published, -((today - weekday) % 7))
    elif shift == "before":
        date = _shift(published, -((today - weekday - 1) % 7 + 1))
    elif shift == "after":
        date = _shift(published, (weekday - today - 1) % 7 + 1)
    else:
        week = _week_start(published)
        date = None if week is None else _shift(week, 7 * shift + (weekday - 5) % 7)
    return (None if date is None else date.isoformat()), Precision.DAY, Calendar.WEEKDAY


# What a text must hold for a rule's pattern to run at all: a literal search is far
# cheaper than the full pattern, and most articles have no weekday or week in them.
HINTS: dict[str, re.Pattern[str]] = {
    "numeric": re.compile(r"\d[/\-.]\d"),
    "year": re.compile(r"سال|\d{4}"),
    "relative.ago": re.compile("|".join([*AGO, *FROM_NOW, *UNRESOLVED])),
    "relative.day": re.compile("روز|شب|فردا|دقایقی|ساعاتی|لحظاتی"),
    "relative.week": re.compile("هفته"),
    "relative.month": re.compile("ماه"),
    "relative.year": re.compile("سال"),
    "weekday": re.compile("شنبه|جمعه"),
}

Resolver = Callable[[re.Match[str], "dt.date | None", str], "Resolution | None"]
# (rule id, pattern, resolver); on equal-length overlaps the earlier rule wins.
RULES: tuple[tuple[str, re.Pattern[str], Resolver], ...] = (
    ("numeric", PATTERNS["numeric"], _resolve_numeric),
    ("jalali", PATTERNS["jalali"], _resolve_calendar_date("jalali")),
    ("gregorian", PATTERNS["gregorian"], _resolve_calendar_date("gregorian")),
    ("hijri", PATTERNS["hijri"], _resolve_calendar_date("hijri")),
    ("year", PATTERNS["year"], _resolve_year),
    ("relative.ago", PATTERNS["relative.ago"], _resolve_ago),
    ("relative.day", PATTERNS["relative.day"], _resolve_relative_day),
    ("relative.week", PATTERNS["relative.week"], _resolve_relative_week),
    ("relative.month", PATTERNS["relative.month"], _resolve_relative_month),
    ("relative.year", PATTERNS["relative.year"], _resolve_relative_year),
    ("weekday", PATTERNS["weekday"], _resolve_weekday),
)


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int  # in the normalised copy
    end: int
    priority: int
    rule: str
    resolution: Resolution


def _choose(candidates: Iterable[_Candidate]) -> list[_Candidate]:
    """The longest non-overlapping candidates, in text order (earlier rules win ties)."""
    starts: list[int] = []  # of the kept candidates, which never overlap: sorted by start
    kept: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (c.start - c.end, c.start, c.priority)):
        i = bisect_right(starts, c.start)
        if (i == 0 or kept[i - 1].end <= c.start) and (i == len(kept) or c.end <= starts[i]):
            starts.insert(i, c.start)
            kept.insert(i, c)
    return kept


def _matches_at(pattern: re.Pattern[str], months: list[int],
                source: str) -> Iterable[re.Match[str]]:
    """The matches of a calendar-date ``pattern`` whose month name starts at one of ``months``."""
    done = 0
    for month in months:
        if month < done:
            continue
        end = min(len(source), month + TAIL_WINDOW)
        match = pattern.search(source, max(done, month - LEAD_WINDOW), end)
        while match is not None and match.start("month") < month:
            match = pattern.search(source, match.end(), end)
        if match is not None and match.start("month") == month:
            done = match.end()
            yield match


def find_dates(text: str, published: dt.date | None, *,
               normalized: Normalized | None = None) -> tuple[DateMention, ...]:
    """Every date expression in ``text``, resolved against ``published``.

    Spans index ``text`` (the original); ``value`` is ISO ``YYYY-MM-DD``, ``YYYY-MM`` or
    ``YYYY``, or None when it cannot be resolved (a relative date without ``published``).

    >>> [(d.text, d.value) for d in find_dates("دیروز، ۲۸ آذر", dt.date(2022, 1, 5))]
    [('دیروز', '2022-01-04'), ('۲۸ آذر', '2021-12-19')]
    """
    work = normalized if normalized is not None else normalize(text)
    if work.original != text:
        raise ValueError("normalized= was made from a different text than the one given")
    source = work.text
    anchors: dict[str, list[int]] = {kind: [] for kind in _CALENDARS}
    for anchor in _MONTH_ANCHORS.finditer(source):
        kind = anchor.lastgroup
        anchors["gregorian" if kind == "may" else kind].append(anchor.start())
    candidates = []
    for priority, (rule, pattern, resolve) in enumerate(RULES):
        if rule in anchors:
            matches: Iterable[re.Match[str]] = _matches_at(pattern, anchors[rule], source)
        elif rule in HINTS and not HINTS[rule].search(source):
            continue
        else:
            matches = pattern.finditer(source)
        for match in matches:
            if match.end() == match.start():
                continue
            resolution = resolve(match, published, source)
            if resolution is not None:
                candidates.append(
                    _Candidate(match.start(), match.end(), priority, rule, resolution))
    mentions = []
    for c in _choose(candidates):
        start, end = work.to_original(c.start, c.end)
        value, precision, calendar = c.resolution
        mentions.append(
            DateMention(start, end, text[start:end], value, precision, calendar, c.rule))
    return tuple(mentions)
