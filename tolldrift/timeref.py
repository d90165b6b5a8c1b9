"""Words that date a figure ("On Thursday evening", "over the past 24 hours",
"on March 7-8, 2025") and the hour intervals they stand for.

Every expression is resolved against an `Anchor`: the article's publication time,
the explicit dates written in it and the article set's first and last day. The
anchor day is the publication date, else the latest explicit date in the article
(inside the set's window when the set is known), else the set's last day.

- A weekday is the latest such day on or before the anchor day, and must lie in
  [set_start - 6 days, anchor day]; otherwise it stays unresolved (None).
- A part of a day ("evening", "night") is a window from `rules/time.yaml`;
  windows whose end hour is not after their start run into the next day.
- "since X" runs from the start of X to the publication hour (its day when only
  a date is known), else to the end of the set.
- "over the past N hours" ends at the publication hour and starts N hours
  before it.
- A year or a month alone dates another period (background) unless the anchor
  day falls inside it; so does a day that ends before set_start - 6 days, and
  anything introduced by a background cue ("began in March 2011", "last year").

Intervals are [as_of_start, as_of_end) with hour precision.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import polars as pl
from dateutil import parser as dateutil_parser

from tolldrift.lexicon import (
    RuleError,
    compile_pattern,
    expect_str_list,
    load_rules,
    rules_path,
)

RULE_FILE = "time.yaml"
_DAY = timedelta(days=1)
_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Anchor:
    """What relative time words in one article are resolved against."""

    published_at: datetime | None
    article_dates: tuple[date, ...]
    set_start: date | None
    set_end: date | None


@dataclass(frozen=True)
class TimeExpr:
    """Words dating something, their offsets in the text, and the interval they name."""

    text: str
    start: int
    end: int
    as_of_start: datetime | None
    as_of_end: datetime | None
    is_background: bool


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class TimeRules:
    """The validated contents of rules/time.yaml."""

    day_parts: Mapping[str, tuple[int, int]]
    day_edges: Mapping[str, tuple[int, int]]
    weekdays: tuple[str, ...]
    weekday_blockers: frozenset[str]
    weekday_name_followers: frozenset[str]
    months: Mapping[str, int]
    relative_days: Mapping[str, int]
    relative_parts: Mapping[str, tuple[int, str]]
    until_published: tuple[str, ...]
    day_prepositions: tuple[str, ...]
    recent_prepositions: tuple[str, ...]
    recent_words: tuple[str, ...]
    units: Mapping[str, int]
    number_words: Mapping[str, int]
    background_verbs: tuple[str, ...]
    background_phrases: tuple[re.Pattern, ...]
    year_prepositions: tuple[str, ...]
    period_edges: tuple[str, ...]
    count_nouns: tuple[str, ...]
    background_triggers: tuple[str, ...]


_REQUIRED = tuple(TimeRules.__dataclass_fields__)


def _hours_map(data: dict[str, Any], key: str, file: Path | str) -> Mapping[str, tuple[int, int]]:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise RuleError(file, key, "must be a non-empty mapping of name to [start_hour, end_hour]")
    out = {}
    for name, pair in value.items():
        if not (isinstance(name, str) and isinstance(pair, list) and len(pair) == 2
                and all(isinstance(h, int) and 0 <= h <= 24 for h in pair)
                and pair[0] < 24):
            raise RuleError(file, f"{key}.{name}", "must be [start_hour, end_hour], hours 0-24")
        out[name.lower()] = (pair[0], pair[1])
    return MappingProxyType(out)


def _int_map(data: dict[str, Any], key: str, file: Path | str, low: int, high: int
             ) -> Mapping[str, int]:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise RuleError(file, key, "must be a non-empty mapping of words to integers")
    for name, n in value.items():
        if not isinstance(name, str) or not isinstance(n, int) or not low <= n <= high:
            raise RuleError(file, f"{key}.{name}", f"must be an integer in {low}..{high}")
    return MappingProxyType({k.lower(): v for k, v in value.items()})


def _lower_list(data: dict[str, Any], key: str, file: Path | str) -> tuple[str, ...]:
    return tuple(w.lower() for w in expect_str_list(data, key, file))


def parse_rules(data: dict[str, Any], file: Path | str) -> TimeRules:
    """Validate the mapping read from a time rule file; RuleError names file and key."""
    for key in _REQUIRED:
        if key not in data:
            raise RuleError(file, key, "required key is missing")
    day_parts = _hours_map(data, "day_parts", file)
    weekdays = _lower_list(data, "weekdays", file)
    if len(weekdays) != 7:
        raise RuleError(file, "weekdays", "must list the seven days, Monday first")
    rel = data["relative_parts"]
    if not isinstance(rel, dict) or not rel:
        raise RuleError(file, "relative_parts", "must be a mapping of phrase to [days, part]")
    relative_parts = {}
    for phrase, pair in rel.items():
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], int)
                and str(pair[1]).lower() in day_parts):
            raise RuleError(file, f"relative_parts.{phrase}",
                            "must be [days before the anchor day, a name from day_parts]")
        relative_parts[str(phrase).lower()] = (pair[0], str(pair[1]).lower())
    phrases = expect_str_list(data, "background_phrases", file)
    return TimeRules(
        day_parts=day_parts,
        day_edges=_hours_map(data, "day_edges", file),
        weekdays=weekdays,
        weekday_blockers=frozenset(_lower_list(data, "weekday_blockers", file)),
        weekday_name_followers=frozenset(_lower_list(data, "weekday_name_followers", file)),
        months=_int_map(data, "months", file, 1, 12),
        relative_days=_int_map(data, "relative_days", file, 0, 31),
        relative_parts=MappingProxyType(relative_parts),
        until_published=_lower_list(data, "until_published", file),
        day_prepositions=_lower_list(data, "day_prepositions", file),
        recent_prepositions=_lower_list(data, "recent_prepositions", file),
        recent_words=_lower_list(data, "recent_words", file),
        units=_int_map(data, "units", file, 1, 24 * 366),
        number_words=_int_map(data, "number_words", file, 1, 1000),
        background_verbs=_lower_list(data, "background_verbs", file),
        background_phrases=tuple(
            compile_pattern(p, file, f"background_phrases[{i}]", re.IGNORECASE)
            for i, p in enumerate(phrases)),
        year_prepositions=_lower_list(data, "year_prepositions", file),
        period_edges=_lower_list(data, "period_edges", file),
        count_nouns=_lower_list(data, "count_nouns", file),
        background_triggers=_lower_list(data, "background_triggers", file),
    )


def load_time_rules(path: str | Path | None = None) -> TimeRules:
    """Read and validate a time rule file (the package's own by default)."""
    path = rules_path(RULE_FILE) if path is None else Path(path)
    data = load_rules(path)
    return parse_rules(data, path)


# ------------------------------------------------------------------------ patterns


def _alt(words: tuple[str, ...] | Mapping[str, Any]) -> str:
    """Regex alternation of words grouped by first letter (fast to scan), longest first;
    a space matches any whitespace."""
    by_first: dict[str, list[str]] = {}
    for w in sorted(words, key=lambda w: (-len(w), w)):
        by_first.setdefault(w[0], []).append(w[1:])
    esc = lambda w: re.escape(w).replace(r"\ ", r"\s+")
    return "(?:" + "|".join(esc(first) + "(?:" + "|".join(esc(r) for r in rests) + ")"
                            for first, rests in sorted(by_first.items())) + ")"


def _strip_names(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


@dataclass(frozen=True)
class _Patterns:
    point: tuple[re.Pattern, ...]        # detailed forms of one day reference, tried in order
    scan: tuple[tuple[str, re.Pattern], ...]   # (kind, pattern) searched in lower-cased text
    trigger: re.Pattern                  # words every expression holds; scanning looks near them
    bg_trigger: re.Pattern               # words every background phrase holds
    relative_lead: frozenset[str]


def _point_forms(rules: TimeRules, months: str) -> list[str]:
    """Regexes for one day reference; `months` is the month alternation to use."""
    wd = _alt(rules.weekdays)
    part = _alt(rules.day_parts)
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
    year = r"(?:19|20)\d\d(?!\d)"
    num = rf"(?:\d{{1,3}}|{_alt(rules.number_words)})"
    return [
        # late Thursday, early on Friday, last Thursday, Thursday evening
        (rf"(?:(?P<edge>{_alt(rules.day_edges)})\s+(?:on\s+)?)?(?P<last>last\s+)?"
         rf"(?P<wd>{wd})\b(?:\s+(?P<part>{part})\b)?"),
        # March 7, March 7-8, 2025, Thursday, March 6
        (rf"(?:{wd},?\s+)?(?P<mon>{months})\.?\s+(?P<d1>{day})(?:\s*[-–]\s*(?P<d2>{day}))?"
         rf"(?!\d|:)(?:,?\s+(?P<y>{year}))?"),
        # 7 March 2025, 7-8 March, the 7th of March
        (rf"(?:{wd},?\s+)?(?:the\s+)?(?P<d1>{day})(?:\s*[-–]\s*(?P<d2>{day}))?\s+(?:of\s+)?"
         rf"(?P<mon>{months})\b\.?(?:,?\s+(?P<y>{year}))?"),
        # 2025-03-07, 2025-03-07T14:30
        r"(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d(?:[tT ][0-2]\d:[0-5]\d(?::[0-5]\d)?)?)(?![\d:])",
        # the evening of March 6, the early hours of Friday
        rf"(?:the\s+)?(?P<ofpart>{part})\s+of\s+(?P<rest>.+)",
        # yesterday, yesterday morning, today
        rf"(?P<rel>{_alt(rules.relative_days)})\b(?:\s+(?P<part>{part})\b)?",
        rf"(?P<relpart>{_alt(rules.relative_parts)})\b",
        rf"(?P<untilpub>{_alt(rules.until_published)})\b",
        rf"(?P<n>{num})\s+(?P<unit>days?|hours?)\s+ago\b",
    ]


def _build(rules: TimeRules) -> _Patterns:
    """Compile the patterns. Scanning runs case-sensitively on lower-cased text (much
    faster than IGNORECASE); month words are checked for capitals on the original."""
    capital = "(?-i:" + "|".join(
        f"{m.capitalize()}|{m.upper()}" for m in sorted(rules.months, key=len, reverse=True)) + ")"
    point = tuple(re.compile(p, re.IGNORECASE) for p in _point_forms(rules, capital))
    months = _alt(rules.months)
    forms = [_strip_names(f) for f in _point_forms(rules, months)]
    part = _alt(rules.day_parts)
    year = r"(?:19|20)\d\d(?!\d)"
    num = rf"(?:\d{{1,3}}|{_alt(rules.number_words)})"
    # A day reference inside a longer expression: dates before bare weekdays
    # ("Thursday, March 6"), and "the <part> of" only before a weekday or a date.
    ref = "(?:" + "|".join(forms[i] for i in (1, 2, 3, 0, 5, 6, 7, 8)) + (
        rf"|(?:the\s+)?{part}\s+of\s+(?:{forms[0]}|{forms[1]}|{forms[2]}))")
    recent = (rf"(?:(?P<prep>{_alt(rules.recent_prepositions)})\s+)?(?:the\s+)?"
              rf"(?P<word>{_alt(rules.recent_words)})\s+(?:(?P<n>{num})\s+)?"
              rf"(?P<unit>{_alt(rules.units)})\b")
    verbs = _alt(rules.background_verbs)
    yprep = _alt(rules.year_prepositions)
    edges = _alt(rules.period_edges)
    counts = _alt(rules.count_nouns)
    year_expr = (rf"(?:(?P<verb>{verbs})\s+)?(?:(?P<prep>{yprep})\s+)?(?:(?:the\s+)?{edges}"
                 rf"(?:\s+|-|\s+of\s+))?(?:(?P<mon>{months})\.?,?\s+)?(?P<y>{year})"
                 rf"(?!\s*[-–/]\s*\d|,\d|\s+{counts}\b)")
    month_expr = (rf"(?:(?P<verb>{verbs})\s+)?(?P<prep>{yprep})\s+(?:(?:the\s+)?{edges}"
                  rf"(?:\s+|-|\s+of\s+))?(?P<mon>{months})\b\.?(?!\s*\d)")
    scan = [
        ("range", (rf"\b(?P<kw>between|from)\s+(?P<a>{ref})\s+(?:and|to|until|till|through"
                   rf"|into)\s+(?P<b>{ref})")),
        ("since", rf"\bsince\s+(?P<a>{ref})"),
        ("day", rf"\b(?:{_alt(rules.day_prepositions)}\s+)?(?P<a>{ref})"),
        ("recent", r"\b" + recent),
        ("year", r"\b" + year_expr),
        ("month", r"\b" + month_expr),
    ]
    compiled = tuple((k, re.compile(p + r"(?!\w)")) for k, p in scan)
    words = {w for phrase in (*rules.weekdays, *rules.months, *rules.day_parts,
                              *rules.relative_days, *rules.relative_parts,
                              *rules.until_published, *rules.recent_words, *rules.units,
                              "ago", "since")
             for w in phrase.split()}
    trigger = re.compile(rf"\b(?:{_alt(tuple(words))}|(?:19|20)\d\d)\b")
    bg_trigger = re.compile(rf"\b{_alt(rules.background_triggers)}\b")
    lead = {w.split()[0] for w in (*rules.relative_days, *rules.relative_parts,
                                   *rules.until_published)}
    return _Patterns(point, compiled, trigger, bg_trigger, frozenset(lead))


_MARGIN = 48    # characters an expression reaches before or after a trigger word
_SPACE = re.compile(r"\s")


def _windows(low: str, trigger: re.Pattern) -> list[tuple[int, int]]:
    """Merged stretches of `low` around trigger words, ending on whitespace."""
    out: list[tuple[int, int]] = []
    for m in trigger.finditer(low):
        start, end = max(0, m.start() - _MARGIN), m.end() + _MARGIN
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    snapped = []
    for start, end in out:
        space = _SPACE.search(low, end)
        snapped.append((start, space.start() if space else len(low)))
    return snapped


@functools.cache
def rules() -> TimeRules:
    """The package's time rules, loaded once."""
    return load_time_rules()


@functools.cache
def _patterns() -> _Patterns:
    return _build(rules())


# ---------------------------------------------------------------------- resolution


class _NotADate(Exception):
    """The words looked like a date but are not one (e.g. 'March 31-2')."""


@dataclass(frozen=True)
class _Span:
    start: datetime | None
    end: datetime | None
    grain: str                # "hour", "day", "month", "year"


_NONE = _Span(None, None, "day")


@dataclass(frozen=True)
class _Ctx:
    day: date | None           # anchor day
    now_start: datetime | None  # first hour of publication (its day when only a date is known)
    now_end: datetime | None    # end of the publication hour (or day)
    until: datetime | None      # end of "since X"
    low: date | None            # earliest day a weekday may name
    bg_before: datetime | None  # a day ending at or before this is background


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def _window(d: date, hours: tuple[int, int]) -> _Span:
    start = _midnight(d) + timedelta(hours=hours[0])
    end = _midnight(d) + timedelta(hours=hours[1])
    if hours[1] <= hours[0]:
        end += _DAY
    return _Span(start, end, "hour")


def _whole_day(d: date, d_end: date | None = None) -> _Span:
    return _Span(_midnight(d), _midnight(d_end or d) + _DAY, "day")


def anchor_day(anchor: Anchor) -> date | None:
    """The day relative words are counted from (see module docstring)."""
    if anchor.published_at is not None:
        return anchor.published_at.date()
    dates = anchor.article_dates
    if anchor.set_start is not None:
        dates = tuple(d for d in dates if d >= anchor.set_start - 6 * _DAY)
    if anchor.set_end is not None:
        dates = tuple(d for d in dates if d <= anchor.set_end + _DAY)
    if dates:
        return max(dates)
    return anchor.set_end


def _context(anchor: Anchor) -> _Ctx:
    day = anchor_day(anchor)
    pub = anchor.published_at
    if pub is not None:
        floor = pub.replace(minute=0, second=0, microsecond=0)
        if floor.time() == datetime.min.time():
            now_start, now_end = floor, floor + _DAY      # only the date is known
        else:
            now_start, now_end = floor, floor + _HOUR
    elif day is not None:
        now_start, now_end = _midnight(day), _midnight(day) + _DAY
    else:
        now_start = now_end = None
    if pub is not None:
        until = now_end
    elif anchor.set_end is not None:
        until = _midnight(anchor.set_end) + _DAY
    else:
        until = now_end
    low = anchor.set_start - 6 * _DAY if anchor.set_start else None
    bg = low or (day - 7 * _DAY if day else None)
    return _Ctx(day, now_start, now_end, until, low, _midnight(bg) if bg else None)


def _weekday(name: str, ctx: _Ctx, before: date | None = None, strict: bool = False
             ) -> date | None:
    ref = before or ctx.day
    if ref is None:
        return None
    back = (ref.weekday() - rules().weekdays.index(name.lower())) % 7
    if strict and back == 0:
        back = 7
    d = ref - back * _DAY
    if ctx.low is not None and d < ctx.low:
        return None
    return d


def _year_for(month: int, day: int, ctx: _Ctx) -> int | None:
    """Year of a date written without one: the year putting it nearest the anchor day."""
    if ctx.day is None:
        return None
    best = None
    for y in (ctx.day.year - 1, ctx.day.year, ctx.day.year + 1):
        try:
            gap = abs((date(y, month, day) - ctx.day).days)
        except ValueError:
            continue
        if best is None or gap < best[0]:
            best = (gap, y)
    return best[1] if best else None


def _explicit_date(m: re.Match, ctx: _Ctx) -> _Span:
    month = rules().months[m["mon"].lower().rstrip(".")]
    d1 = int(re.match(r"\d+", m["d1"]).group())
    d2 = int(re.match(r"\d+", m["d2"]).group()) if m["d2"] else d1
    if d2 < d1:
        raise _NotADate(m.group())
    year = int(m["y"]) if m["y"] else _year_for(month, d1, ctx)
    if year is None:
        try:
            date(2000, month, d2)        # a leap year: accepts every real day
        except ValueError:
            raise _NotADate(m.group()) from None
        return _NONE
    try:
        first, last = date(year, month, d1), date(year, month, d2)
    except ValueError:
        raise _NotADate(m.group()) from None
    return _whole_day(first, last)


def _number(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else rules().number_words[word]


def _point(words: str, ctx: _Ctx, before: date | None = None) -> _Span:
    """Interval named by one day reference ("Thursday evening", "March 7", "yesterday")."""
    r = rules()
    for pattern in _patterns().point:
        m = pattern.fullmatch(words)
        if not m:
            continue
        groups = m.groupdict()
        if groups.get("wd") and "edge" in groups:
            d = _weekday(m["wd"], ctx, before, strict=bool(m["last"]))
            if d is None:
                return _NONE
            if m["part"]:
                return _window(d, r.day_parts[_norm(m["part"])])
            if m["edge"]:
                return _window(d, r.day_edges[m["edge"].lower()])
            return _whole_day(d)
        if groups.get("mon"):
            return _explicit_date(m, ctx)
        if groups.get("iso"):
            try:
                stamp = dateutil_parser.isoparse(m["iso"])
            except ValueError:
                raise _NotADate(m["iso"]) from None
            if len(m["iso"]) > 10:
                hour = stamp.replace(minute=0, second=0, microsecond=0)
                return _Span(hour, hour + _HOUR, "hour")
            return _whole_day(stamp.date())
        if groups.get("ofpart"):
            inner = _point(m["rest"], ctx, before)
            if inner.start is None or inner.grain != "day":
                return _NONE
            return _window(inner.start.date(), r.day_parts[_norm(m["ofpart"])])
        if ctx.day is None:
            return _NONE
        if groups.get("rel"):
            d = ctx.day - r.relative_days[m["rel"].lower()] * _DAY
            return _window(d, r.day_parts[_norm(m["part"])]) if m["part"] else _whole_day(d)
        if groups.get("relpart"):
            back, part = r.relative_parts[_norm(m["relpart"])]
            return _window(ctx.day - back * _DAY, r.day_parts[part])
        if groups.get("untilpub"):
            return _Span(_midnight(ctx.day), ctx.now_end, "hour")
        if groups.get("unit"):
            n = _number(m["n"])
            if m["unit"].lower().startswith("day"):
                return _whole_day(ctx.day - n * _DAY)
            step = timedelta(hours=n)
            return _Span(ctx.now_start - step, ctx.now_end - step, "hour")
    raise _NotADate(words)          # e.g. a month word without its capital ("may 5")


def _norm(words: str) -> str:
    return " ".join(words.lower().split())


def _month_span(year: int, month: int) -> _Span:
    end = date(year + month // 12, month % 12 + 1, 1)
    return _Span(datetime(year, month, 1), _midnight(end), "month")


def _resolve(kind: str, m: re.Match, text: str, ctx: _Ctx) -> tuple[_Span, bool]:
    """(interval, is_background) for one match found in the lower-cased `text`;
    raises _NotADate to drop it."""
    r = rules()

    def g(name: str) -> str | None:
        return text[m.start(name):m.end(name)] if m.start(name) >= 0 else None

    if kind == "day":
        return _point(g("a"), ctx), False
    if kind == "range":
        b = _point(g("b"), ctx)
        before = b.start.date() if b.start is not None else None
        a = _point(g("a"), ctx, before) if before else _point(g("a"), ctx)
        if a.start is None or b.start is None or a.start >= b.end:
            return _NONE, False
        return _Span(a.start, b.end, "hour"), False
    if kind == "since":
        a = _point(g("a"), ctx)
        if a.start is None or ctx.until is None or a.start >= ctx.until:
            return _NONE, False
        return _Span(a.start, ctx.until, "hour"), False
    if kind == "recent":
        if m["n"] is None and m["unit"].lower().endswith("s"):
            raise _NotADate(m.group())          # "in the last days of ..."
        if m["n"] is None and m["word"].lower() == "previous":
            raise _NotADate(m.group())          # "the previous day" names no fixed period
        if ctx.now_start is None:
            return _NONE, False
        hours = (_number(m["n"]) if m["n"] else 1) * r.units[m["unit"].lower()]
        return _Span(ctx.now_start - timedelta(hours=hours), ctx.now_end, "hour"), False
    # "year" / "month": a whole year or month, usually another period
    if kind == "year" and not (m["prep"] or m["mon"]):
        raise _NotADate(m.group())
    if m["mon"]:
        if not g("mon")[0].isupper():
            raise _NotADate(m.group())          # "a march", "may have"
        month = r.months[m["mon"]]
        if kind == "year":
            period = _month_span(int(m["y"]), month)
        elif ctx.day is None:
            return _NONE, True
        else:
            y = ctx.day.year if month <= ctx.day.month else ctx.day.year - 1
            period = _month_span(y, month)
    else:
        y = int(m["y"])
        period = _Span(datetime(y, 1, 1), datetime(y + 1, 1, 1), "year")
    here = ctx.day is not None and period.start <= _midnight(ctx.day) < period.end
    background = bool(m["verb"]) or not here
    if m["prep"] and m["prep"].lower() == "since" and ctx.until is not None:
        return _Span(period.start, max(ctx.until, period.end), period.grain), background
    return period, background


def _lower(text: str) -> str:
    """`text` lower-cased character by character, keeping every offset."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _blocked(text: str, start: int, words: str, pats: _Patterns) -> bool:
    """A weekday used as a name ("Good Friday"), or a capitalised relative word
    that is not at the start of a sentence ("ZNews Today")."""
    r = rules()
    first = words.split()[0]
    if first.lower() in r.weekdays:
        before = re.search(r"(\w+)\s+$", text[max(0, start - 24):start])
        after = re.match(r"\s+(\w+)", text[start + len(first):start + len(first) + 24])
        if (before and before.group(1).lower() in r.weekday_blockers) or (
                after and after.group(1).lower() in r.weekday_name_followers):
            return True
    if first[0].isupper() and first.lower() in pats.relative_lead:
        prefix = text[:start].rstrip()
        if prefix and prefix[-1] not in ".!?:;\"'“”‘’()—–-|\n":
            return True
    return False


def find_time_expressions(text: str, anchor: Anchor) -> list[TimeExpr]:
    """Every expression dating something in `text`: sorted, non-overlapping, longest match."""
    pats = _patterns()
    ctx = _context(anchor)
    low = _lower(text)
    windows = _windows(low, pats.trigger)
    candidates = []
    for (kind, pattern), (w_start, w_end) in itertools.product(pats.scan, windows):
        for m in pattern.finditer(low, w_start, w_end):
            words = text[m.start():m.end()]
            try:
                span, background = _resolve(kind, m, text, ctx)
            except _NotADate:
                continue
            if _blocked(text, m.start(), words, pats):
                continue
            if (not background and span.end is not None and ctx.bg_before is not None
                    and span.end <= ctx.bg_before):
                background = True
            candidates.append(TimeExpr(words, m.start(), m.end(), span.start, span.end,
                                       background))
    bg_windows = _windows(low, pats.bg_trigger)
    for pattern, (w_start, w_end) in itertools.product(rules().background_phrases, bg_windows):
        for m in pattern.finditer(text, w_start, w_end):
            candidates.append(TimeExpr(m.group(), m.start(), m.end(), None, None, True))
    chosen: list[TimeExpr] = []
    taken: list[tuple[int, int]] = []
    for c in sorted(candidates, key=lambda c: (c.start - c.end, c.start)):
        if all(c.end <= s or c.start >= e for s, e in taken):
            chosen.append(c)
            taken.append((c.start, c.end))
    return sorted(chosen, key=lambda c: c.start)


# ------------------------------------------------------------------ article / set


def explicit_dates(text: str) -> tuple[date, ...]:
    """Days named by fully written dates in `text` (with a year, or ISO), sorted, unique."""
    ctx = _Ctx(None, None, None, None, None, None)
    found: set[date] = set()
    pats = _patterns()
    low = _lower(text)
    pattern = dict(pats.scan)["day"]
    for w_start, w_end in _windows(low, pats.trigger):
        for m in pattern.finditer(low, w_start, w_end):
            try:
                span = _point(text[m.start("a"):m.end("a")], ctx)
            except _NotADate:
                continue
            if span.start is not None and span.grain in ("day", "hour"):
                d = span.start.date()
                while _midnight(d) < span.end:
                    found.add(d)
                    d += _DAY
    return tuple(sorted(found))


def article_anchor(text: str, published_at: datetime | None, set_start: date | None,
                   set_end: date | None) -> Anchor:
    """The anchor for one article: its publication time, its explicit dates, the set."""
    return Anchor(published_at, explicit_dates(text), set_start, set_end)


def infer_set_dates(articles: pl.DataFrame) -> tuple[date | None, date | None]:
    """First and last day of an article set, from publication dates and explicit dates
    (see `infer_dates_from`)."""
    published: list[date] = []
    if "published_at" in articles.columns:
        published = [d.date() if isinstance(d, datetime) else d
                     for d in articles.get_column("published_at").drop_nulls().to_list()]
    written = Counter(d for t in articles.get_column("text").drop_nulls().to_list()
                      for d in explicit_dates(t))
    return infer_dates_from(published, written)


def infer_dates_from(published: list[date], written: Counter
                     ) -> tuple[date | None, date | None]:
    """First and last day of a set from its publication days and a count of the dates
    written in its texts.

    With publication dates, explicit dates count when they fall within a week of the
    publication dates. Without any, the densest 8-day stretch
    of explicit dates is taken (ties: the latest).
    """
    if published:
        lo, hi = min(published) - 7 * _DAY, max(published) + 7 * _DAY
        kept = [d for d in written if lo <= d <= hi] + list(published)
        return min(kept), max(kept)
    if not written:
        return None, None
    best: tuple[int, date] | None = None
    for d in sorted(written):
        count = sum(n for w, n in written.items() if d <= w <= d + 7 * _DAY)
        if best is None or count >= best[0]:
            best = (count, d)
    window = [w for w in written if best[1] <= w <= best[1] + 7 * _DAY]
    return min(window), max(window)


__all__: list[str] = [
    "Anchor", "TimeExpr", "TimeRules", "anchor_day", "article_anchor", "explicit_dates",
    "find_time_expressions", "infer_set_dates", "load_time_rules", "parse_rules", "rules",
]