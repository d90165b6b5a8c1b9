"""Comparing outlets: every table's exact rows, the cases that must yield nothing, and
the chart specs (encodings, tooltips, no background figure on the timeline)."""

from __future__ import annotations

import datetime as dt
import io
import json

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from tolldrift import compare, schema

T = pl.Datetime("us")

ARTICLES = """\
article,outlet,published_at
a1,Alpha,2025-03-07 10:00
a2,Beta,2025-03-07 13:30
a3,Gamma,
a4,,
a5,Alpha,2025-03-08 09:00
"""

# Compact claims: `quote` is "<qualifier> <number or vague>" and `end` follows from it;
# columns left out take their defaults (sentence_id 0, no group_text, not a headline).
CLAIM_COLUMNS = {"article": pl.String, "start": pl.Int64, "number": pl.Int64,
                 "vague": pl.String, "low": pl.Int64, "high": pl.Int64,
                 "qualifier": pl.String, "outcome": pl.String, "group": pl.String,
                 "scope": pl.String, "source": pl.String, "as_of_start": T, "as_of_end": T,
                 "is_as_of_fallback": pl.Boolean}


def articles() -> pl.DataFrame:
    return pl.read_csv(io.StringIO(ARTICLES), schema_overrides={"published_at": T})


def claims(csv: str) -> pl.DataFrame:
    """A claims table (schema.CLAIMS) from compact CSV rows."""
    header = ("article,start,number,vague,low,high,qualifier,outcome,group,scope,source,"
              "as_of_start,as_of_end,is_as_of_fallback\n")
    df = pl.read_csv(io.StringIO(header + csv), schema=CLAIM_COLUMNS)
    quote = pl.format("{} {}", "qualifier", pl.coalesce(pl.col("number").cast(pl.String),
                                                        "vague"))
    df = df.with_columns(quote=quote, sentence_id=pl.lit(0), group_text=pl.lit(None),
                         as_of_text=pl.lit(None), is_headline=pl.lit(False),
                         is_as_of_fallback=pl.col("is_as_of_fallback").fill_null(False))
    return schema.enforce(df.with_columns(end=pl.col("start") + pl.col("quote").str.len_chars()),
                          schema.CLAIMS)


def expected(csv: str, **dtypes: pl.DataType) -> pl.DataFrame:
    return pl.read_csv(io.StringIO(csv), schema_overrides=dtypes)


# claims_by_outlet_hour -------------------------------------------------------------

BY_HOUR = claims("""\
a1,0,70,,71,,more_than,killed,all,event_total,SOHR,2025-03-06 18:00,2025-03-06 19:00,
a1,40,48,,48,,at_least,killed,all,event_total,,2025-03-06 18:00,2025-03-06 19:00,
a1,90,12,,12,12,exact,injured,civilians,event_part,,2025-03-06 18:30,2025-03-06 19:30,
a4,0,70,,71,,more_than,killed,all,event_total,,,,
""")


@pytest.mark.parametrize(("time", "rows"), [
    pytest.param("as_of", """\
outlet,hour,outcome,group,scope,claims,articles
Alpha,2025-03-06 18:00,injured,civilians,event_part,1,1
Alpha,2025-03-06 18:00,killed,all,event_total,2,1
unknown outlet (a4),,killed,all,event_total,1,1
""", id="as-of-hours-null-last"),
    pytest.param("published", """\
outlet,hour,outcome,group,scope,claims,articles
Alpha,2025-03-07 10:00,injured,civilians,event_part,1,1
Alpha,2025-03-07 10:00,killed,all,event_total,2,1
unknown outlet (a4),,killed,all,event_total,1,1
""", id="published-hours"),
])
def test_claims_by_outlet_hour(time, rows):
    got = compare.claims_by_outlet_hour(BY_HOUR, articles(), time=time)
    assert_frame_equal(got, expected(rows, hour=T))


def test_claims_by_outlet_hour_rejects_unknown_time():
    with pytest.raises(ValueError, match="'as_of' or 'published'"):
        compare.claims_by_outlet_hour(BY_HOUR, articles(), time="written")


# reconciled_series -----------------------------------------------------------------

SERIES = claims("""\
a1,0,48,,48,,at_least,killed,all,event_total,SOHR,2025-03-06 18:00,2025-03-06 19:00,
a2,0,100,,,100,up_to,killed,all,event_total,,2025-03-06 20:00,2025-03-06 21:00,
a1,100,70,,71,,more_than,killed,all,event_total,SOHR,2025-03-07 00:00,2025-03-08 00:00,
a3,0,,dozens,24,99,exact,killed,all,event_total,,2025-03-07 06:00,2025-03-07 07:00,
a3,50,500000,,500001,,more_than,killed,all,background,,2011-03-01 00:00,2011-03-02 00:00,
a3,90,900,,900,900,exact,injured,all,event_total,,2025-03-07 06:00,2025-03-07 07:00,
a3,120,800,,800,800,exact,killed,civilians,event_total,,2025-03-07 06:00,2025-03-07 07:00,
a4,0,5,,5,5,exact,killed,all,event_total,,,,
""")


def test_reconciled_series_rows():
    got = compare.reconciled_series(SERIES, articles())
    want = expected("""\
hour,method,value,outlets,outlet,article,sentence_id,start,end,quote
2025-03-06 18:00,ibc_min,48,1,Alpha,a1,0,0,11,at_least 48
2025-03-06 18:00,ibc_max,48,1,Alpha,a1,0,0,11,at_least 48
2025-03-06 18:00,acled_conservative,48,1,Alpha,a1,0,0,11,at_least 48
2025-03-06 20:00,ibc_min,48,2,Alpha,a1,0,0,11,at_least 48
2025-03-06 20:00,ibc_max,100,2,Beta,a2,0,0,9,up_to 100
2025-03-06 20:00,acled_conservative,48,2,Alpha,a1,0,0,11,at_least 48
2025-03-07 00:00,ibc_min,71,2,Alpha,a1,0,100,112,more_than 70
2025-03-07 00:00,ibc_max,100,2,Beta,a2,0,0,9,up_to 100
2025-03-07 00:00,acled_conservative,70,2,Alpha,a1,0,100,112,more_than 70
2025-03-07 06:00,ibc_min,24,3,Gamma,a3,0,0,12,exact dozens
2025-03-07 06:00,ibc_max,100,3,Beta,a2,0,0,9,up_to 100
2025-03-07 06:00,acled_conservative,24,3,Gamma,a3,0,0,12,exact dozens
""", hour=T, sentence_id=pl.Int32)
    assert_frame_equal(got, want)


def test_reconciled_series_never_uses_background():
    got = compare.reconciled_series(SERIES, articles())
    assert 500000 not in got["value"].to_list()
    assert got["hour"].min() == dt.datetime(2025, 3, 6, 18)
    assert got.filter(pl.col("start") == 50).is_empty()
    only_background = SERIES.filter(pl.col("scope") == "background")
    assert compare.reconciled_series(only_background, articles()).is_empty()


def test_reconciled_series_window_drops_stale_outlets():
    got = compare.reconciled_series(SERIES, articles(), window_hours=6)
    last = got.filter(pl.col("hour") == dt.datetime(2025, 3, 7, 6))
    assert last.select("method", "value", "outlets", "outlet").rows() == [
        ("ibc_min", 24, 2, "Gamma"), ("ibc_max", 99, 2, "Gamma"),
        ("acled_conservative", 24, 2, "Gamma")]


def test_reconciled_series_other_outcome():
    got = compare.reconciled_series(SERIES, articles(), outcome="injured")
    assert got.select("method", "value").rows() == [
        ("ibc_min", 900), ("ibc_max", 900), ("acled_conservative", 900)]


# parts_against_totals --------------------------------------------------------------

DAY = "2025-03-07 00:00,2025-03-08 00:00"
OTHER_DAY = "2025-03-08 00:00,2025-03-09 00:00"
OVER_70 = f"a1,0,70,,71,,more_than,killed,all,event_total,SOHR,{DAY},\n"


def parts(*rows: tuple[int, str], outcome: str = "killed", qualifier: str = "exact",
          when: str = DAY, fallback: str = "") -> str:
    """Compact rows of exact event_part claims at starts 50, 80, 110, ..."""
    return "".join(
        f"a1,{50 + 30 * i},{n},,{n},{n},{qualifier},{outcome},{g},event_part,,{when},"
        f"{fallback}\n" for i, (n, g) in enumerate(rows))


THREE = ((35, "state_forces"), (32, "armed_group"), (4, "civilians"))


@pytest.mark.parametrize(("csv", "want"), [
    pytest.param(OVER_70 + parts(*THREE), [("35 + 32 + 4", 71, 70, "more_than", "consistent")],
                 id="35-32-4-against-over-70"),
    pytest.param(f"a1,0,70,,70,70,exact,killed,all,event_total,,{DAY},\n"
                 + parts((35, "state_forces"), (32, "armed_group"), (10, "civilians")),
                 [("35 + 32 + 10", 77, 70, "exact", "exceeds_total")],
                 id="77-exceeds-exact-70"),
    pytest.param(f"a1,0,50,,,50,up_to,killed,all,event_total,,{DAY},\n"
                 + parts((40, "civilians"), (20, "civilians")),
                 [("40 + 20", 60, 50, "up_to", "exceeds_total")], id="60-exceeds-up-to-50"),
    pytest.param(f"a1,0,48,,48,,at_least,killed,all,event_total,,{DAY},\n"
                 + parts((28, "armed_group"), (4, "civilians")),
                 [("28 + 4", 32, 48, "at_least", "below_total")], id="32-below-at-least-48"),
    pytest.param(OVER_70 + parts(*THREE, when=OTHER_DAY, fallback="true"),
                 [("35 + 32 + 4", 71, 70, "more_than", "consistent")],
                 id="undated-parts-join-dated-total"),
    pytest.param(f"a1,0,10,,10,10,exact,killed,civilians,event_total,,{DAY},\n"
                 + parts((4, "civilians"), (30, "state_forces"), (6, "civilians")),
                 [("4 + 6", 10, 10, "exact", "consistent")],
                 id="civilian-total-sums-civilian-parts-only"),
    pytest.param(OVER_70 + parts(*THREE, when=OTHER_DAY), [], id="parts-dated-elsewhere"),
    pytest.param(OVER_70 + parts(*THREE, qualifier="approx"), [], id="inexact-parts"),
    pytest.param(OVER_70 + parts(*THREE, outcome="injured"), [], id="parts-of-other-outcome"),
    pytest.param(parts(*THREE), [], id="no-total"),
    pytest.param(OVER_70, [], id="no-parts"),
    pytest.param(OVER_70.replace("event_total", "background") + parts(*THREE), [],
                 id="background-total-not-compared"),
])
def test_parts_against_totals(csv, want):
    got = compare.parts_against_totals(claims(csv), articles())
    cols = ["parts", "parts_sum", "total", "total_qualifier", "verdict"]
    assert got.select(cols).rows() == want


def test_parts_against_totals_full_row():
    got = compare.parts_against_totals(claims(OVER_70 + parts(*THREE)), articles())
    want = expected("""\
article,outlet,outcome,as_of_start,as_of_end,parts,n_parts,parts_sum,total,total_vague,\
total_qualifier,total_low,total_high,verdict,sentence_id,start,end,quote
a1,Alpha,killed,2025-03-07 00:00,2025-03-08 00:00,35 + 32 + 4,3,71,70,,more_than,71,,\
consistent,0,0,12,more_than 70
""", as_of_start=T, as_of_end=T, total_vague=pl.String, total_high=pl.Int64,
                    sentence_id=pl.Int32)
    assert_frame_equal(got, want)


# first_reports ---------------------------------------------------------------------

FIRST = claims("""\
a2,7,70,,71,,more_than,killed,all,event_total,,,,
a5,3,70,,71,,more_than,killed,all,event_total,,,,
a1,5,70,,71,,more_than,killed,all,event_total,,,,
a3,9,70,,71,,more_than,killed,all,event_total,,2025-03-07 12:00,2025-03-07 13:00,
a4,2,70,,71,,more_than,killed,all,event_total,,,,
a2,40,,dozens,24,99,exact,killed,all,event_total,,,,
a3,60,70,,70,70,exact,killed,civilians,event_part,,2025-03-07 12:00,2025-03-07 13:00,
""")


def test_first_reports_lag_hours():
    got = compare.first_reports(FIRST, articles())
    want = expected("""\
outcome,group,number,vague,outlet,reported_at,time_basis,is_first,first_outlet,hours_later,\
article,sentence_id,start,end,quote
killed,all,70,,Alpha,2025-03-07 10:00,published,true,Alpha,0.0,a1,0,5,17,more_than 70
killed,all,70,,Gamma,2025-03-07 12:00,as_of,false,Alpha,2.0,a3,0,9,21,more_than 70
killed,all,70,,Beta,2025-03-07 13:30,published,false,Alpha,3.5,a2,0,7,19,more_than 70
killed,all,70,,unknown outlet (a4),,,false,Alpha,,a4,0,2,14,more_than 70
killed,all,,dozens,Beta,2025-03-07 13:30,published,true,Beta,0.0,a2,0,40,52,exact dozens
killed,civilians,70,,Gamma,2025-03-07 12:00,as_of,true,Gamma,0.0,a3,0,60,68,exact 70
""", reported_at=T, vague=pl.String, time_basis=pl.String, hours_later=pl.Float64,
                    sentence_id=pl.Int32)
    assert_frame_equal(got, want)


# citations -------------------------------------------------------------------------

def test_citations_edges():
    got = compare.citations(BY_HOUR, articles())
    want = expected("""\
outlet,source,claims,articles,article,start,end,quote
Alpha,SOHR,1,1,a1,0,12,more_than 70
Alpha,unattributed,2,1,a1,40,51,at_least 48
unknown outlet (a4),unattributed,1,1,a4,0,12,more_than 70
""")
    assert_frame_equal(got, want)


# headline metrics and empty input --------------------------------------------------

def test_headline_metrics():
    got = compare.headline_metrics(SERIES, articles())
    assert got == {
        "claims": 8, "articles": 5, "outlets": 4, "sources": 1, "unattributed_claims": 6,
        "event_total_claims": 7, "background_claims": 1, "max_event_total_killed": 100,
        "latest_ibc_min_killed": 24, "latest_ibc_max_killed": 100,
        "latest_acled_conservative_killed": 24, "parts_exceeding_total": 0,
        "first_as_of": "2025-03-06T18:00:00", "last_as_of": "2025-03-08T00:00:00",
    }
    assert json.loads(json.dumps(got, sort_keys=True)) == got


@pytest.mark.parametrize("table", [
    pytest.param(compare.claims_by_outlet_hour, id="by-outlet-hour"),
    pytest.param(compare.reconciled_series, id="reconciled"),
    pytest.param(compare.parts_against_totals, id="parts"),
    pytest.param(compare.first_reports, id="first-reports"),
    pytest.param(compare.citations, id="citations"),
])
def test_tables_of_no_claims_are_empty(table):
    got = table(schema.empty(schema.CLAIMS), articles())
    assert got.is_empty()
    assert got.columns == table(SERIES, articles()).columns


def test_tables_are_deterministic():
    shuffled = SERIES.sample(fraction=1.0, shuffle=True, seed=7)
    for table in (compare.reconciled_series, compare.first_reports, compare.citations,
                  compare.claims_by_outlet_hour):
        assert_frame_equal(table(shuffled, articles()), table(SERIES, articles()))


# charts ----------------------------------------------------------------------------

def spec_data(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def layer_encodings(spec: dict) -> list[dict]:
    return [layer["encoding"] for layer in spec.get("layer", [spec])]


def tooltip_fields(encoding: dict) -> set[str]:
    return {t["field"] for t in encoding["tooltip"]}


def test_timeline_chart_spec():
    spec = compare.timeline_chart(SERIES, articles()).to_dict()
    rows = spec_data(spec)
    assert sorted(r["quote"] for r in rows) == [
        "at_least 48", "exact dozens", "more_than 70", "up_to 100"]
    assert not any(r["quote"] == "more_than 500000" for r in rows)
    interval, bounds, marks = layer_encodings(spec)
    assert (interval["x"]["field"], interval["x2"]["field"]) == ("as_of_start", "as_of_end")
    assert (bounds["y"]["field"], bounds["y2"]["field"]) == ("y_low", "y_high")
    assert marks["shape"]["scale"] == {"domain": ["exact", "lower bound", "range"],
                                       "range": ["circle", "triangle-up", "diamond"]}
    for enc in (interval, bounds, marks):
        assert enc["color"]["field"] == "outlet"
        assert set(compare.TOOLTIP) <= tooltip_fields(enc)


def test_timeline_data_draws_bounds():
    got = compare.timeline_data(SERIES, articles()).select(
        "quote", "kind", "y", "y_low", "y_high", "top")
    want = expected("""\
quote,kind,y,y_low,y_high,top
at_least 48,lower bound,48,48,111,111
up_to 100,range,100,0,100,111
more_than 70,lower bound,70,71,111,111
exact dozens,range,24,24,99,111
""")
    assert_frame_equal(got, want)


def test_by_group_chart_spec():
    csv = OVER_70 + parts(*THREE) + parts((20, "civilians")).replace("a1,50", "a2,50")
    spec = compare.by_group_chart(claims(csv), articles()).to_dict()
    (enc,) = layer_encodings(spec)
    assert (enc["x"]["field"], enc["xOffset"]["field"], enc["y"]["field"]) == (
        "outlet", "group", "value")
    assert set(compare.TOOLTIP) <= tooltip_fields(enc)
    assert sorted((r["outlet"], r["group"], r["value"]) for r in spec_data(spec)) == [
        ("Alpha", "armed_group", 32), ("Alpha", "civilians", 4), ("Alpha", "state_forces", 35),
        ("Beta", "civilians", 20)]


def test_parts_chart_spec():
    spec = compare.parts_chart(claims(OVER_70 + parts(*THREE)), articles()).to_dict()
    bars, bound = layer_encodings(spec)
    assert bars["xOffset"]["field"] == "bar"
    assert (bound["y"]["field"], bound["y2"]["field"]) == ("low", "high")
    for enc in (bars, bound):
        assert set(compare.TOOLTIP) <= tooltip_fields(enc)
    rows = sorted((r["bar"], r["segment"], r["value"], r["low"], r["high"])
                  for r in spec_data(spec))
    assert rows == [("parts", "armed_group", 32, None, None),
                    ("parts", "civilians", 4, None, None),
                    ("parts", "state_forces", 35, None, None),
                    ("total", "total", 70, 71, 79)]


def test_citation_chart_positions():
    data = compare.citation_data(BY_HOUR, articles()).select(
        "outlet", "source", "claims", "outlet_y", "source_y")
    want = expected("""\
outlet,source,claims,outlet_y,source_y
Alpha,SOHR,1,0.0,0.0
Alpha,unattributed,2,0.0,1.0
unknown outlet (a4),unattributed,1,1.0,1.0
""")
    assert_frame_equal(data, want)
    spec = compare.citation_chart(BY_HOUR, articles()).to_dict()
    lines = layer_encodings(spec)[0]
    assert lines["strokeWidth"]["field"] == "claims"
    assert {"quote", "outlet", "source", "article", "start", "end"} <= tooltip_fields(lines)


# large sets: lazy inputs, the series sweep, first rows, capped charts ----------------

TABLES = [
    pytest.param(compare.claims_by_outlet_hour, id="by-outlet-hour"),
    pytest.param(compare.reconciled_series, id="reconciled"),
    pytest.param(compare.parts_against_totals, id="parts"),
    pytest.param(compare.first_reports, id="first-reports"),
    pytest.param(compare.citations, id="citations"),
    pytest.param(compare.timeline_data, id="timeline"),
]


@pytest.mark.parametrize("table", TABLES)
def test_tables_from_files_equal_tables_from_frames(tmp_path, table):
    frame = claims(OVER_70 + parts(*THREE)).vstack(SERIES)
    frame.write_parquet(tmp_path / "claims.parquet")
    articles().write_parquet(tmp_path / "articles.parquet")
    from_files = table(tmp_path / "claims.parquet", tmp_path / "articles.parquet")
    assert_frame_equal(from_files, table(frame, articles()))
    lazy = table(pl.scan_parquet(tmp_path / "claims.parquet"), articles().lazy())
    assert_frame_equal(lazy, from_files)


def reconciled_by_hand(frame: pl.DataFrame, window_hours: int | None) -> list[tuple]:
    """The reconciled series the slow way: at every hour, every outlet's claims at its
    latest hour so far, the best of them by value, outlet, article, start, row."""
    outlet_of = dict(articles().select("article", "outlet").iter_rows())
    rows = [r | {"row": k, "outlet": outlet_of.get(r["article"])
                 or f"unknown outlet ({r['article']})",
                 "hour": r["as_of_start"].replace(minute=0)}
            for k, r in enumerate(frame.iter_rows(named=True))
            if r["scope"] == "event_total" and r["outcome"] == "killed" and r["group"] == "all"
            and r["as_of_start"] is not None]
    values = {
        "ibc_min": lambda r: r["low"],
        "ibc_max": lambda r: r["high"] if r["high"] is not None else r["number"],
        "acled_conservative": lambda r: None if r["low"] is None else min(
            v for v in (r["number"], r["low"]) if v is not None),
    }
    out = []
    for at in sorted({r["hour"] for r in rows}):
        known = [r for r in rows if r["hour"] <= at and (
            window_hours is None or r["hour"] >= at - dt.timedelta(hours=window_hours))]
        latest = {}
        for r in known:
            latest[r["outlet"]] = max(latest.get(r["outlet"], r["hour"]), r["hour"])
        for method, value in values.items():
            sign = -1 if method == "ibc_max" else 1
            found = [(sign * value(r), r["outlet"], r["article"], r["start"], r["row"], r)
                     for r in known if r["hour"] == latest[r["outlet"]] and value(r) is not None]
            if found:
                best = min(found)[-1]
                out.append((at, method, value(best), len(latest), best["outlet"],
                            best["article"], best["start"]))
    return out


CLAIM_ROWS = st.lists(st.tuples(
    st.sampled_from(["a1", "a2", "a3", "a4", "a5"]),
    st.integers(0, 3),                                   # start / 10: ties on purpose
    st.none() | st.integers(1, 5), st.none() | st.integers(1, 5), st.none() | st.integers(1, 5),
    st.sampled_from(["event_total", "event_total", "background"]),
    st.sampled_from(["all", "all", "civilians"]),
    st.none() | st.integers(0, 30),                      # as-of hour after 6 March 00:00
), max_size=25)


@settings(max_examples=150, deadline=None)
@given(rows=CLAIM_ROWS, window_hours=st.none() | st.integers(0, 12))
def test_reconciled_series_equals_the_slow_way(rows, window_hours):
    csv = "".join(
        f"{a},{10 * s},{'' if n is None else n},{'dozens' if n is None else ''},"
        f"{'' if lo is None else lo},"
        f"{'' if hi is None else hi},exact,killed,{g},{scope},,"
        + ("," if h is None else
           f"{dt.datetime(2025, 3, 6) + dt.timedelta(hours=h, minutes=h % 2 * 30)},"
           f"{dt.datetime(2025, 3, 6) + dt.timedelta(hours=h + 1)}")
        + ",\n"
        for a, s, n, lo, hi, scope, g, h in rows)
    frame = claims(csv)
    got = compare.reconciled_series(frame, articles(), window_hours=window_hours)
    assert got.select("hour", "method", "value", "outlets", "outlet", "article",
                      "start").rows() == reconciled_by_hand(frame, window_hours)


TIES = claims("""\
a2,7,70,,71,,more_than,killed,all,event_total,SOHR,,,
a1,9,70,,71,,more_than,killed,all,event_total,SOHR,,,
a1,5,70,,71,,more_than,killed,all,event_total,SOHR,,,
a5,1,70,,71,,more_than,killed,all,event_total,SOHR,,,
""")


@pytest.mark.parametrize(("table", "row"), [
    pytest.param(compare.citations, ("Alpha", "SOHR", 3, 2, "a1", 5, 17, "more_than 70"),
                 id="citation-example-is-first-article-and-start"),
    pytest.param(compare.first_reports,
                 ("killed", "all", 70, None, "Alpha", dt.datetime(2025, 3, 7, 10), "published",
                  True, "Alpha", 0.0, "a1", 0, 5, 17, "more_than 70"),
                 id="first-report-earliest-then-first-claim"),
])
def test_first_row_of_a_group_follows_article_and_start(table, row):
    assert table(TIES, articles()).row(0) == row


TIMELINE = pl.DataFrame({
    "outlet": ["A", "A", "A", "B", "B"],
    "as_of_start": [dt.datetime(2025, 3, 6, 18, m) for m in (0, 10)]
    + [dt.datetime(2025, 3, 6, 19), dt.datetime(2025, 3, 6, 18), dt.datetime(2025, 3, 7, 6)],
    "y": [48, 70, 60, 100, 24], "quote": ["a", "b", "c", "d", "e"]})


@pytest.mark.parametrize(("max_points", "quotes", "note"), [
    pytest.param(5, ["a", "b", "c", "d", "e"], "", id="under-the-limit-untouched"),
    pytest.param(4, ["b", "c", "d", "e"], "the largest figure per outlet and hour: 4 of 5 "
                 "figures", id="largest-per-hour"),
    pytest.param(3, ["b", "d", "e"], "the largest figure per outlet and day: 3 of 5 figures",
                 id="largest-per-day"),
])
def test_thin_timeline_keeps_the_largest_figures(max_points, quotes, note):
    got, said = compare.thin_timeline(TIMELINE, max_points)
    assert (got["quote"].to_list(), said) == (quotes, note)
    assert got.columns == TIMELINE.columns


def test_thin_timeline_keeps_the_outlets_with_most_figures(monkeypatch):
    monkeypatch.setattr(compare, "MAX_OUTLETS", 1)
    got, said = compare.thin_timeline(TIMELINE, 4)
    assert got["quote"].to_list() == ["a", "b", "c"]
    assert said == "1 of 2 outlets (those with the most figures): 3 of 5 figures"
    got, said = compare.thin_timeline(TIMELINE, 2)
    assert got["quote"].to_list() == ["b", "c"]
    assert said == ("the largest figure per outlet and hour, 1 of 2 outlets (those with the "
                    "most figures): 2 of 5 figures")


def test_timeline_chart_says_what_it_left_out():
    spec = compare.timeline_chart(SERIES, articles(), max_points=3).to_dict()
    assert sorted(r["quote"] for r in spec_data(spec)) == [
        "exact dozens", "more_than 70", "up_to 100"]
    assert spec["title"] == ["Event toll (killed) over time, per outlet",
                             "the largest figure per outlet and week: 3 of 4 figures"]


def test_by_group_chart_keeps_the_outlets_with_most_groups():
    csv = OVER_70 + parts(*THREE) + parts((20, "civilians")).replace("a1,50", "a2,50")
    spec = compare.by_group_chart(claims(csv), articles(), max_outlets=1).to_dict()
    assert {r["outlet"] for r in spec_data(spec)} == {"Alpha"}
    assert spec["title"] == ["Killed by group, per outlet",
                             "the 1 of 2 outlets with the most groups"]


def test_parts_chart_keeps_totals_that_do_not_add_up_first():
    over = (f"a2,0,10,,10,10,exact,killed,all,event_total,,{DAY},\n"
            + parts((8, "civilians"), (5, "civilians")).replace("a1,", "a2,"))
    spec = compare.parts_chart(claims(OVER_70 + parts(*THREE) + over), articles(),
                               max_pairs=1).to_dict()
    assert {r["pair"] for r in spec_data(spec)} == {"Beta · killed @0"}
    assert spec["title"] == ["Parts against totals", ("1 of 2 totals: those whose parts do "
                                                      "not add up first, then the largest")]


@pytest.mark.parametrize(("max_edges", "edges", "title"), [
    pytest.param(3, {("Alpha", "SOHR"), ("Alpha", "unattributed"),
                     ("unknown outlet (a4)", "unattributed")},
                 "Outlets and the sources they cite", id="every-edge"),
    pytest.param(2, {("Alpha", "unattributed"), ("Alpha", "SOHR")},
                 ["Outlets and the sources they cite",
                  "the 2 of 3 outlet-source pairs with the most claims"], id="strongest-edges"),
])
def test_citation_chart_keeps_the_strongest_edges(max_edges, edges, title):
    spec = compare.citation_chart(BY_HOUR, articles(), max_edges=max_edges).to_dict()
    assert {(r["outlet"], r["source"]) for r in spec_data(spec)} == edges
    assert spec["title"] == title
