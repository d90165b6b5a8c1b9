"""Time expressions and their hour intervals, against pinned anchors."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from tolldrift.lexicon import RuleError, rules_path
from tolldrift.timeref import (
    Anchor,
    anchor_day,
    article_anchor,
    explicit_dates,
    find_time_expressions,
    infer_set_dates,
    load_time_rules,
)

SEEDS = Path("/work/shared/seeds")

# Friday 2025-03-07 10:30; the set runs Thursday 6 to Saturday 8 March 2025.
REF = Anchor(datetime(2025, 3, 7, 10, 30), (), date(2025, 3, 6), date(2025, 3, 8))
# Same day, only the date known.
DATE_ONLY = Anchor(datetime(2025, 3, 7), (), date(2025, 3, 6), date(2025, 3, 8))
# No publication date: the set's last day (Saturday 8 March) anchors.
NO_PUB = Anchor(None, (), date(2025, 3, 6), date(2025, 3, 8))
# No publication date, but the article writes 7 March 2025.
ARTICLE_DATE = Anchor(None, (date(2025, 3, 7),), date(2025, 3, 6), date(2025, 3, 8))
# The set starts on the publication day, so weekdays reach back to 1 March only.
LATE_SET = Anchor(datetime(2025, 3, 7, 10, 30), (), date(2025, 3, 7), date(2025, 3, 8))
UNANCHORED = Anchor(None, (), None, None)


def dt(month: int, day: int, hour: int = 0, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour)


def found(text: str, anchor: Anchor) -> list[tuple]:
    return [(e.text, e.start, e.end, e.as_of_start, e.as_of_end, e.is_background)
            for e in find_time_expressions(text, anchor)]


@pytest.mark.parametrize(("text", "anchor", "expected"), [
    pytest.param("On Thursday evening, clashes erupted.", REF,
                 [("On Thursday evening", 0, 19, dt(3, 6, 18), dt(3, 7), False)],
                 id="weekday-evening"),
    pytest.param("The toll between Thursday afternoon and Friday morning reached 71.", REF,
                 [("between Thursday afternoon and Friday morning", 9, 54, dt(3, 6, 12),
                   dt(3, 7, 12), False)], id="between-parts"),
    pytest.param("since Thursday", REF, [("since Thursday", 0, 14, dt(3, 6), dt(3, 7, 11),
                                          False)], id="since-weekday-to-publication-hour"),
    pytest.param("since Thursday", DATE_ONLY, [("since Thursday", 0, 14, dt(3, 6), dt(3, 8),
                                                False)], id="since-weekday-date-only"),
    pytest.param("since Thursday", NO_PUB, [("since Thursday", 0, 14, dt(3, 6), dt(3, 9),
                                             False)], id="since-weekday-to-set-end"),
    pytest.param("over the past 24 hours", REF,
                 [("over the past 24 hours", 0, 22, dt(3, 6, 10), dt(3, 7, 11), False)],
                 id="past-24-hours"),
    pytest.param("in the last 48 hours", REF,
                 [("in the last 48 hours", 0, 20, dt(3, 5, 10), dt(3, 7, 11), False)],
                 id="last-48-hours"),
    pytest.param("over the past 24 hours", DATE_ONLY,
                 [("over the past 24 hours", 0, 22, dt(3, 6), dt(3, 8), False)],
                 id="past-24-hours-date-only"),
    pytest.param("within the past day", REF,
                 [("within the past day", 0, 19, dt(3, 6, 10), dt(3, 7, 11), False)],
                 id="past-day"),
    pytest.param("On March 7-8, 2025, Syria saw", REF,
                 [("On March 7-8, 2025", 0, 18, dt(3, 7), dt(3, 9), False)], id="date-range"),
    pytest.param("March 7, 2025", UNANCHORED,
                 [("March 7, 2025", 0, 13, dt(3, 7), dt(3, 8), False)], id="full-date"),
    pytest.param("on 7 March", REF, [("on 7 March", 0, 10, dt(3, 7), dt(3, 8), False)],
                 id="day-month"),
    pytest.param("7 March", UNANCHORED, [("7 March", 0, 7, None, None, False)],
                 id="day-month-unanchored"),
    pytest.param("Thursday, March 6, 2025", REF,
                 [("Thursday, March 6, 2025", 0, 23, dt(3, 6), dt(3, 7), False)],
                 id="weekday-and-date"),
    pytest.param("the evening of March 6", REF,
                 [("the evening of March 6", 0, 22, dt(3, 6, 18), dt(3, 7), False)],
                 id="part-of-date"),
    pytest.param("in the early hours of Friday", REF,
                 [("in the early hours of Friday", 0, 28, dt(3, 7), dt(3, 7, 6), False)],
                 id="early-hours-of"),
    pytest.param("2025-03-07T14:35", UNANCHORED,
                 [("2025-03-07T14:35", 0, 16, dt(3, 7, 14), dt(3, 7, 15), False)],
                 id="iso-time"),
    pytest.param("date 2025-03-07 News", UNANCHORED,
                 [("2025-03-07", 5, 15, dt(3, 7), dt(3, 8), False)], id="iso-date"),
    pytest.param("on Saturday", REF, [("on Saturday", 0, 11, dt(3, 1), dt(3, 2), False)],
                 id="weekday-latest-on-or-before"),
    pytest.param("on Friday", REF, [("on Friday", 0, 9, dt(3, 7), dt(3, 8), False)],
                 id="weekday-is-anchor-day"),
    pytest.param("on Thursday", NO_PUB, [("on Thursday", 0, 11, dt(3, 6), dt(3, 7), False)],
                 id="weekday-set-end-anchor"),
    pytest.param("on Friday", ARTICLE_DATE, [("on Friday", 0, 9, dt(3, 7), dt(3, 8), False)],
                 id="weekday-article-date-anchor"),
    pytest.param("last Friday", LATE_SET, [("last Friday", 0, 11, None, None, False)],
                 id="weekday-before-set-window"),
    pytest.param("on Thursday", UNANCHORED, [("on Thursday", 0, 11, None, None, False)],
                 id="weekday-unanchored"),
    pytest.param("late Thursday", REF,
                 [("late Thursday", 0, 13, dt(3, 6, 18), dt(3, 7), False)], id="late-weekday"),
    pytest.param("Thursday night", REF,
                 [("Thursday night", 0, 14, dt(3, 6, 21), dt(3, 7, 6), False)],
                 id="weekday-night"),
    pytest.param("overnight", REF, [("overnight", 0, 9, dt(3, 6, 21), dt(3, 7, 6), False)],
                 id="overnight"),
    pytest.param("this morning", REF, [("this morning", 0, 12, dt(3, 7, 6), dt(3, 7, 12),
                                        False)], id="this-morning"),
    pytest.param("yesterday", REF, [("yesterday", 0, 9, dt(3, 6), dt(3, 7), False)],
                 id="yesterday"),
    pytest.param("Yesterday afternoon", REF,
                 [("Yesterday afternoon", 0, 19, dt(3, 6, 12), dt(3, 6, 18), False)],
                 id="yesterday-afternoon"),
    pytest.param("earlier today", REF, [("earlier today", 0, 13, dt(3, 7), dt(3, 7, 11),
                                         False)], id="earlier-today"),
    pytest.param("last night", REF, [("last night", 0, 10, dt(3, 6, 21), dt(3, 7, 6), False)],
                 id="last-night"),
    pytest.param("two days ago", REF, [("two days ago", 0, 12, dt(3, 5), dt(3, 6), False)],
                 id="days-ago"),
    pytest.param("in early March", REF,
                 [("in early March", 0, 14, dt(3, 1), dt(4, 1), False)], id="month-of-anchor"),
    # background: earlier or other periods
    pytest.param("since 2011", REF, [("since 2011", 0, 10, dt(1, 1, year=2011), dt(3, 7, 11),
                                      True)], id="since-year"),
    pytest.param("in March 2011", REF, [("in March 2011", 0, 13, dt(3, 1, year=2011),
                                         dt(4, 1, year=2011), True)], id="month-year"),
    pytest.param("The war, which began in March 2011, has", REF,
                 [("began in March 2011", 15, 34, dt(3, 1, year=2011), dt(4, 1, year=2011),
                   True)], id="began-in-month-year"),
    pytest.param("in 2023", UNANCHORED,
                 [("in 2023", 0, 7, dt(1, 1, year=2023), dt(1, 1, year=2024), True)],
                 id="year"),
    pytest.param("last year", REF, [("last year", 0, 9, None, None, True)], id="last-year"),
    pytest.param("ousted in early December", REF,
                 [("in early December", 7, 24, dt(12, 1, year=2024), dt(1, 1), True)],
                 id="earlier-month"),
    pytest.param("on December 8, 2024", REF,
                 [("on December 8, 2024", 0, 19, dt(12, 8, year=2024), dt(12, 9, year=2024),
                   True)], id="day-long-before-set"),
    # nothing dates anything here
    pytest.param("a second day of clashes", REF, [], id="second-day"),
    pytest.param("fighting lasted 14 hours", REF, [], id="duration"),
    pytest.param("for over two decades", REF, [], id="decades"),
    pytest.param("a 14-year-old boy, aged 14", REF, [], id="ages"),
    pytest.param("more than 70 people and 1,000 deaths", REF, [], id="counts"),
    pytest.param("this may have facilitated the attack", REF, [], id="may-verb"),
    pytest.param("a march on the capital", REF, [], id="march-noun"),
    pytest.param("it may 5 times over, in may", REF, [], id="may-lower-case"),
    pytest.param("in March", UNANCHORED, [("in March", 0, 8, None, None, True)],
                 id="month-unanchored"),
    pytest.param("Thousands March on Capital", REF, [], id="march-title-case"),
    pytest.param("Visit ZNews Today for updates", REF, [], id="today-in-a-name"),
    pytest.param("after Good Friday prayers", REF, [], id="holiday-name"),
    pytest.param("the Sunday Times reported", REF, [], id="newspaper-name"),
    pytest.param("a 24-hour curfew", REF, [], id="hour-adjective"),
    pytest.param("in the last days of the war", REF, [], id="last-days-of"),
    pytest.param("the previous day", REF, [], id="previous-day"),
    pytest.param("resulting in 2000 people dead", REF, [], id="count-after-in"),
])
def test_find_time_expressions(text, anchor, expected):
    assert found(text, anchor) == expected


def test_spans_index_the_text_and_do_not_overlap():
    text = ("On Thursday evening 48 died; between Thursday afternoon and Friday morning 71 "
            "died, and since 2011 half a million.")
    exprs = find_time_expressions(text, REF)
    assert [e.text for e in exprs] == ["On Thursday evening",
                                       "between Thursday afternoon and Friday morning",
                                       "since 2011"]
    assert all(text[e.start:e.end] == e.text for e in exprs)
    assert all(a.end <= b.start for a, b in itertools.pairwise(exprs))


@pytest.mark.parametrize(("anchor", "expected"), [
    pytest.param(REF, date(2025, 3, 7), id="publication"),
    pytest.param(ARTICLE_DATE, date(2025, 3, 7), id="article-date"),
    pytest.param(Anchor(None, (date(2024, 12, 8), date(2025, 3, 7)), date(2025, 3, 6), None),
                 date(2025, 3, 7), id="latest-article-date"),
    pytest.param(Anchor(None, (date(2025, 4, 30),), date(2025, 3, 6), date(2025, 3, 8)),
                 date(2025, 3, 8), id="article-date-outside-set"),
    pytest.param(NO_PUB, date(2025, 3, 8), id="set-end"),
    pytest.param(UNANCHORED, None, id="nothing"),
])
def test_anchor_day(anchor, expected):
    assert anchor_day(anchor) == expected


def test_article_anchor_collects_explicit_dates():
    text = "On March 7-8, 2025, it escalated. Assad fell on 8 December 2024. On Friday, 3 died."
    anchor = article_anchor(text, None, date(2025, 3, 6), None)
    assert anchor == Anchor(None, (date(2024, 12, 8), date(2025, 3, 7), date(2025, 3, 8)),
                            date(2025, 3, 6), None)
    assert explicit_dates("on Friday, 7 March") == ()


def _articles(rows: list[tuple[str, datetime | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"text": pl.String, "published_at": pl.Datetime("us")},
                        orient="row")


@pytest.mark.parametrize(("rows", "expected"), [
    pytest.param([("On March 7-8, 2025, 1,000 died.", None),
                  ("The war began on March 15, 2011.", None),
                  ("Reported on March 7, 2025.", None)],
                 (date(2025, 3, 7), date(2025, 3, 8)), id="densest-week-of-dates"),
    pytest.param([("On March 5, 2025 it began; since June 1, 2024 calm.", datetime(2025, 3, 7)),
                  ("Nothing dated.", datetime(2025, 3, 8, 9))],
                 (date(2025, 3, 5), date(2025, 3, 8)), id="publication-window"),
    pytest.param([("Nothing dated.", None)], (None, None), id="nothing"),
])
def test_infer_set_dates(rows, expected):
    assert infer_set_dates(_articles(rows)) == expected


# The seeds: the event began Thursday 6 March 2025; only 002 dates itself (7 March).
SEED_CASES = [
    ("000_df07f901f7d54b1f", "On March 7-8, 2025", dt(3, 7), dt(3, 9)),
    ("002_ff16c28f27aaeab9", "on Friday", dt(3, 7), dt(3, 8)),
    ("002_ff16c28f27aaeab9", "On Thursday evening", dt(3, 6, 18), dt(3, 7)),
    ("003_7c624748b355151b", "on Thursday", dt(3, 6), dt(3, 7)),
    ("003_7c624748b355151b", "on Friday", dt(3, 7), dt(3, 8)),
    ("004_7a0d0a25c678fc11", "between Thursday afternoon and Friday morning", dt(3, 6, 12),
     dt(3, 7, 12)),
]


@pytest.mark.skipif(not SEEDS.exists(), reason="seed articles not available")
@pytest.mark.parametrize(("article", "words", "start", "end"),
                         [pytest.param(*c, id=f"{c[0][:3]}-{c[1]}") for c in SEED_CASES])
def test_seed_weekdays(article, words, start, end):
    text = (SEEDS / f"{article}.txt").read_text(encoding="utf-8")
    frame = pl.DataFrame({"text": [p.read_text(encoding="utf-8")
                                   for p in sorted(SEEDS.glob("*.txt"))]})
    _set_start, set_end = infer_set_dates(frame)
    published = datetime(2025, 3, 7) if article.startswith("002") else None
    anchor = article_anchor(text, published, date(2025, 3, 6), set_end)
    hits = [e for e in find_time_expressions(text, anchor) if e.text == words]
    assert hits, words
    first = hits[0]
    assert (first.start, first.as_of_start, first.as_of_end, first.is_background) == (
        text.index(words), start, end, False)


def test_seed_background():
    text = (SEEDS / "004_7a0d0a25c678fc11.txt").read_text(encoding="utf-8")
    anchor = article_anchor(text, None, date(2025, 3, 6), date(2025, 3, 8))
    by_text = {e.text: e for e in find_time_expressions(text, anchor)}
    assert by_text["began in March 2011"].is_background
    assert by_text["in early December"].is_background


# ------------------------------------------------------------------ rule file


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = rules_path("time.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "time.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "key"), [
    pytest.param("  evening: [18, 24]", "  evening: [18, 25]", "day_parts.evening",
                 id="hour-out-of-range"),
    pytest.param("day_prepositions: [\"on\",", "day_prepositions: [on,", "day_prepositions",
                 id="yaml-boolean-word"),
    pytest.param("  march: 3\n", "  march: three\n", "months.march", id="month-not-number"),
    pytest.param("last night: [1, night]", "last night: [1, nite]", "relative_parts.last night",
                 id="unknown-day-part"),
    pytest.param("weekdays:", "weekday:", "weekdays", id="missing-key"),
    pytest.param(r"'\b(?:last|previous|past)", r"'\b(?:last|previous|past",
                 "background_phrases[0]", id="bad-regex"),
])
def test_rule_file_errors_name_file_and_key(tmp_path, old, new, key):
    path = _broken(tmp_path, old, new)
    with pytest.raises(RuleError) as err:
        load_time_rules(path)
    assert err.value.key == key
    assert str(path) in str(err.value)


def test_package_rules_load():
    rules = load_time_rules()
    assert rules.day_parts["night"] == (21, 6)
    assert rules.months["may"] == 5
