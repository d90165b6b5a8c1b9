"""Comparing outlets: tables and charts of the claims table across outlets and hours.

Every function takes the claims table (`schema.CLAIMS`) and the articles table (only
`article`, `outlet` and `published_at` are read), each as a frame, a lazy frame or a
parquet file, and returns a frame sorted by explicit keys, so the same input always
gives the same rows in the same order. Aggregates are computed by lazy (streaming)
queries, so only the columns and rows a table needs are read and memory grows with
the result, not with the claims. An article whose outlet is unknown is shown as
`unknown outlet (<article>)`. Every row that comes from one claim carries its
`article`, `start` and `end`, so it can be traced to the text; when several claims
qualify, the first by the stated order, then article, start and position in the
claims table, is the one shown.

Time: a claim's hour is its `as_of_start` truncated to the hour (the first hour the
figure can describe; for an undated figure, the article's publication hour).

Charts draw at most a few thousand marks: beyond that they keep the most telling rows
(the largest figure per outlet and time bucket, the outlets with the most claims, the
totals whose parts do not add up) and say in their title what was left out.
"""

from __future__ import annotations

import datetime as dt
import heapq
from typing import Any

import altair as alt
import polars as pl

from tolldrift.schema import Frame, as_lazy

HOUR = pl.Datetime("us")
METHODS = ("ibc_min", "ibc_max", "acled_conservative")
VERDICTS = ("consistent", "exceeds_total", "below_total")
UNATTRIBUTED = "unattributed"
TOOLTIP = ("quote", "outlet", "source", "article", "start", "end", "as_of_text")
# Chart limits: marks of the timeline, outlets of the bar chart, totals of the parts
# chart, edges of the citation graph.
MAX_POINTS = 2_000
MAX_OUTLETS = 30
MAX_PAIRS = 40
MAX_EDGES = 150

_TRACE = ("outlet", "article", "sentence_id", "start", "end", "quote")

def _joined(claims: Frame, articles: Frame) -> pl.LazyFrame:
    """Claims with `_row` (their position in the claims table), their article's
    `outlet` label and `published_at`, and `hour`."""
    meta = (as_lazy(articles).select("article", "outlet", "published_at")
            .unique(subset="article", keep="first", maintain_order=True))
    return (as_lazy(claims).with_row_index("_row")
            .join(meta, on="article", how="left", maintain_order="left")
            .with_columns(outlet=pl.coalesce(pl.col("outlet"),
                                             pl.format("unknown outlet ({})", "article")),
                          hour=pl.col("as_of_start").dt.truncate("1h")))


def _order_key(order: list[str], descending: list[bool]) -> pl.Expr:
    """A struct that sorts rows by `order` (integer or time columns, nulls last, each
    ascending or descending), then article, start and `_row`: its minimum is the
    first row."""
    fields = []
    for k, (col, desc) in enumerate(zip(order, descending, strict=True)):
        value = pl.col(col).cast(pl.Int64)
        fields += [pl.col(col).is_null().alias(f"_n{k}"),
                   (-value if desc else value).fill_null(0).alias(f"_v{k}")]
    return pl.struct(*fields, "article", "start", "_row")


def _first_per(df: pl.LazyFrame, by: list[str], order: list[str], descending: list[bool],
               cols: list[str]) -> pl.LazyFrame:
    """Per `by` group, the `cols` of its first row when rows are sorted by `order`
    (nulls last), then article, start and position."""
    key = _order_key(order, descending)
    return df.group_by(*by).agg(*[pl.col(c).min_by(key) for c in cols])


def claims_by_outlet_hour(claims: Frame, articles: Frame, time: str = "as_of") -> pl.DataFrame:
    """Claims of each kind (outcome, group, scope) per outlet and hour bucket.

    `time="as_of"` buckets by `as_of_start`, `time="published"` by the article's
    `published_at`; a claim with no time falls in the null hour (sorted last).
    Columns: outlet, hour, outcome, group, scope, claims, articles.
    """
    if time not in ("as_of", "published"):
        raise ValueError(f"time must be 'as_of' or 'published', not {time!r}")
    df = _joined(claims, articles)
    if time == "published":
        df = df.with_columns(hour=pl.col("published_at").dt.truncate("1h"))
    keys = ["outlet", "hour", "outcome", "group", "scope"]
    return (df.group_by(keys)
            .agg(claims=pl.len().cast(pl.Int64),
                 articles=pl.col("article").n_unique().cast(pl.Int64))
            .with_columns(pl.col("hour").cast(HOUR))
            .sort(keys, nulls_last=True).collect())


_SERIES_SCHEMA = {"hour": HOUR, "method": pl.String, "value": pl.Int64, "outlets": pl.Int64,
                  "outlet": pl.String, "article": pl.String, "sentence_id": pl.Int32,
                  "start": pl.Int64, "end": pl.Int64, "quote": pl.String}


def reconciled_series(claims: Frame, articles: Frame, outcome: str = "killed",
                      window_hours: int | None = None) -> pl.DataFrame:
    """The event's overall toll over time, reconciled across outlets three ways.

    Only `event_total` claims of `outcome` counting group `all` with an as-of time enter
    (background figures never do). At each hour where some figure starts, every outlet
    contributes its latest figures (those with its latest hour up to then), and:

    * `ibc_min`: the lowest `low` among them (the lowest credible total);
    * `ibc_max`: the highest `high` (or the figure itself when open upwards);
    * `acled_conservative`: the lowest figure as reported, reading a lower bound at its
      written number ("over 70" -> 70) and a vague amount at its `low`; figures with no
      lower bound ("up to 100") do not enter.

    With `window_hours`, an outlet whose latest figure is older than that many hours
    drops out (a stale figure no longer holds the minimum down). Ties go to the outlet
    first in name order, then to the first claim.

    Columns: hour, method, value, outlets (outlets contributing), then the claim the
    value comes from: outlet, article, sentence_id, start, end, quote.

    Each outlet's best claim per hour and method is found by a streaming query; the
    hours are then swept in order with one heap per method, so the work grows with
    the number of (outlet, hour) pairs, not with their product.
    """
    values = {"ibc_min": pl.col("low"), "ibc_max": pl.coalesce("high", "number"),
              "acled_conservative": pl.when(pl.col("low").is_not_null())
              .then(pl.min_horizontal("number", "low"))}
    df = (_joined(claims, articles)
          .filter(pl.col("scope") == "event_total", pl.col("outcome") == outcome,
                  pl.col("group") == "all", pl.col("hour").is_not_null())
          .with_columns(**{m: v.cast(pl.Int64) for m, v in values.items()}))
    trace = ["value", "article", "sentence_id", "start", "end", "quote", "_row"]
    best = (df.group_by("outlet", "hour")
            .agg(*[pl.struct(pl.col(m).alias("value"), *trace[1:])
                   .min_by(_order_key([m], [m == "ibc_max"])).alias(m) for m in METHODS])
            .select("outlet", "hour", *[pl.col(m).struct.field(c).alias(f"{m}.{c}")
                                        for m in METHODS for c in trace])
            .sort("hour", "outlet").collect())
    window = None if window_hours is None else dt.timedelta(hours=window_hours)
    latest: dict[str, dt.datetime] = {}
    active: set[str] = set()
    expiry: list[tuple[dt.datetime, str]] = []
    heaps: dict[str, list] = {m: [] for m in METHODS}
    rows = []
    updates = best.iter_rows()
    update = next(updates, None)
    width = len(trace)
    for at in best.get_column("hour").unique(maintain_order=True).to_list():
        while update is not None and update[1] == at:
            outlet = update[0]
            latest[outlet] = at
            active.add(outlet)
            heapq.heappush(expiry, (at, outlet))
            for k, m in enumerate(METHODS):
                value, article, sid, start, end, quote, row = update[2 + k * width:
                                                                     2 + (k + 1) * width]
                if value is not None:
                    key = (-value if m == "ibc_max" else value, outlet, article, start, row)
                    heapq.heappush(heaps[m], (key, at, (value, article, sid, start, end,
                                                        quote)))
            update = next(updates, None)
        oldest = at - window if window is not None else None
        while oldest is not None and expiry and expiry[0][0] < oldest:
            hour, outlet = heapq.heappop(expiry)
            if latest[outlet] == hour:
                active.discard(outlet)
        for m in METHODS:
            heap = heaps[m]
            while heap and (latest[heap[0][0][1]] != heap[0][1]
                            or (oldest is not None and heap[0][1] < oldest)):
                heapq.heappop(heap)
            if heap:
                (_, outlet, *_), _, (value, *claim) = heap[0]
                rows.append((at, m, value, len(active), outlet, *claim))
    return pl.DataFrame(rows, schema=_SERIES_SCHEMA, orient="row")


def _pairings(claims: Frame, articles: Frame) -> pl.DataFrame:
    """Each event_total claim beside each exact event_part claim that may add up to it.

    A part belongs to a total of the same article and outcome when it is dated to the
    same as-of interval or is undated (`is_as_of_fallback`), and counts the same group
    (any group when the total counts `all`). Part columns end in `_part`. Only the
    totals and parts are read into memory.
    """
    df = (_joined(claims, articles)
          .filter(pl.col("scope").is_in(["event_total", "event_part"]))
          .select("_row", "article", "outlet", "outcome", "scope", "qualifier", "number",
                  "vague", "low", "high", "group", "as_of_start", "as_of_end",
                  "is_as_of_fallback", "sentence_id", "start", "end", "quote", "source",
                  "as_of_text")
          .collect().sort("_row"))
    totals = df.filter(pl.col("scope") == "event_total")
    parts = df.filter(pl.col("scope") == "event_part", pl.col("qualifier") == "exact",
                      pl.col("number").is_not_null())
    same_interval = ((pl.col("as_of_start") == pl.col("as_of_start_part"))
                     & (pl.col("as_of_end") == pl.col("as_of_end_part"))).fill_null(False)
    return (totals.join(parts, on=["article", "outcome"], how="inner", suffix="_part")
            .filter(same_interval | pl.col("is_as_of_fallback_part"),
                    (pl.col("group") == "all") | (pl.col("group") == pl.col("group_part")))
            .sort("article", "start", "start_part"))


def parts_against_totals(claims: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Per article, the sum of the exact parts of an outcome against each total figure.

    `verdict` is `consistent` when the sum lies inside the total's [low, high] (a null
    bound is open), `exceeds_total` above it, `below_total` under it. Totals without a
    matching part give no row. Columns: article, outlet, outcome, as_of_start,
    as_of_end, parts ("35 + 32 + 4", in text order), n_parts, parts_sum, total,
    total_vague, total_qualifier, total_low, total_high, verdict, then the total's
    sentence_id, start, end, quote.
    """
    keys = ["article", "start"]
    first = ["outlet", "outcome", "as_of_start", "as_of_end", "number", "vague", "qualifier",
             "low", "high", "sentence_id", "end", "quote"]
    df = (_pairings(claims, articles).group_by(keys)
          .agg(*[pl.col(c).first() for c in first],
               parts=pl.col("number_part").cast(pl.String).str.join(" + "),
               n_parts=pl.len().cast(pl.Int64),
               parts_sum=pl.col("number_part").sum().cast(pl.Int64)))
    verdict = (pl.when(pl.col("low").is_not_null() & (pl.col("parts_sum") < pl.col("low")))
               .then(pl.lit("below_total"))
               .when(pl.col("high").is_not_null() & (pl.col("parts_sum") > pl.col("high")))
               .then(pl.lit("exceeds_total"))
               .otherwise(pl.lit("consistent")))
    return (df.select("article", "outlet", "outcome", "as_of_start", "as_of_end", "parts",
                      "n_parts", "parts_sum", total=pl.col("number"),
                      total_vague=pl.col("vague"), total_qualifier=pl.col("qualifier"),
                      total_low=pl.col("low"), total_high=pl.col("high"), verdict=verdict,
                      sentence_id=pl.col("sentence_id"), start=pl.col("start"),
                      end=pl.col("end"), quote=pl.col("quote"))
            .sort("article", "start"))


def first_reports(claims: Frame, articles: Frame) -> pl.DataFrame:
    """For each distinct figure, each outlet that reported it and how many hours after
    the first one.

    A figure is (outcome, group, number, vague); a report's time is the article's
    `published_at`, else the claim's `as_of_start` (`time_basis` says which). The first
    outlet is the one with the earliest time (ties: outlet name); `hours_later` is null
    for a report with no time. Columns: outcome, group, number, vague, outlet,
    reported_at, time_basis, is_first, first_outlet, hours_later, article, sentence_id,
    start, end, quote (the outlet's earliest report of the figure).
    """
    figure = ["outcome", "group", "number", "vague"]
    df = _joined(claims, articles).with_columns(
        reported_at=pl.coalesce("published_at", "as_of_start").cast(HOUR),
        time_basis=pl.when(pl.col("published_at").is_not_null()).then(pl.lit("published"))
        .when(pl.col("as_of_start").is_not_null()).then(pl.lit("as_of")))
    earliest = _first_per(df, [*figure, "outlet"], ["reported_at"], [False],
                          ["reported_at", "time_basis", *_TRACE[1:]]).collect()
    ranked = earliest.sort([*figure, "reported_at", "outlet"], nulls_last=True)
    first = ranked.unique(subset=figure, keep="first", maintain_order=True).select(
        *figure, first_outlet=pl.col("outlet"), first_at=pl.col("reported_at"))
    out = ranked.join(first, on=figure, how="left", nulls_equal=True, maintain_order="left")
    lag = (pl.col("reported_at") - pl.col("first_at")).dt.total_seconds(fractional=True)
    return (out.with_columns(is_first=pl.col("outlet") == pl.col("first_outlet"),
                             hours_later=lag / 3600)
            .select(*figure, "outlet", "reported_at", "time_basis", "is_first",
                    "first_outlet", "hours_later", *_TRACE[1:]))


def citations(claims: Frame, articles: Frame) -> pl.DataFrame:
    """Outlet -> source edges: how many claims (and articles) of each outlet cite each
    source (`unattributed` when none), with the first such claim as an example.

    Columns: outlet, source, claims, articles, article, start, end, quote.
    """
    key = _order_key([], [])
    return (_joined(claims, articles)
            .with_columns(pl.col("source").fill_null(UNATTRIBUTED))
            .group_by("outlet", "source")
            .agg(claims=pl.len().cast(pl.Int64),
                 articles=pl.col("article").n_unique().cast(pl.Int64),
                 **{c: pl.col(c).min_by(key) for c in ("article", "start", "end", "quote")})
            .sort("outlet", "source").collect())


def headline_metrics(claims: Frame, articles: Frame,
                     tables: dict[str, pl.DataFrame] | None = None) -> dict[str, Any]:
    """Flat, JSON-friendly figures for DVC metrics (null -> None, times as ISO strings).

    `tables` may hold the `reconciled` series and the `parts` table already computed.
    """
    tables = tables or {}
    killed = ((pl.col("scope") == "event_total") & (pl.col("outcome") == "killed")
              & (pl.col("group") == "all"))
    event = pl.col("scope") != "background"
    stats = _joined(claims, articles).select(
        claims=pl.len(),
        outlets=pl.col("outlet").n_unique(),
        sources=pl.col("source").drop_nulls().n_unique(),
        unattributed_claims=pl.col("source").null_count(),
        event_total_claims=(pl.col("scope") == "event_total").sum(),
        background_claims=(pl.col("scope") == "background").sum(),
        max_event_total_killed=pl.coalesce("number", "low").filter(killed).max(),
        first_as_of=pl.col("as_of_start").filter(event).min(),
        last_as_of=pl.col("as_of_end").filter(event).max(),
    ).collect().row(0, named=True)
    series = tables.get("reconciled")
    if series is None:
        series = reconciled_series(claims, articles)
    last = series.filter(pl.col("hour") == pl.col("hour").max())
    latest = dict(zip(last["method"].to_list(), last["value"].to_list(), strict=True))
    parts = tables.get("parts")
    verdicts = (parts if parts is not None else parts_against_totals(claims, articles))["verdict"]

    def iso(value):
        return None if value is None else value.isoformat()

    return {
        "claims": stats["claims"],
        "articles": as_lazy(articles).select(pl.len()).collect().item(),
        "outlets": stats["outlets"],
        "sources": stats["sources"],
        "unattributed_claims": stats["unattributed_claims"],
        "event_total_claims": stats["event_total_claims"],
        "background_claims": stats["background_claims"],
        "max_event_total_killed": stats["max_event_total_killed"],
        **{f"latest_{m}_killed": latest.get(m) for m in METHODS},
        "parts_exceeding_total": int((verdicts == "exceeds_total").sum()),
        "first_as_of": iso(stats["first_as_of"]),
        "last_as_of": iso(stats["last_as_of"]),
    }


# Charts ---------------------------------------------------------------------------

_KIND_SHAPES = {"exact": "circle", "lower bound": "triangle-up", "range": "diamond"}
# Time buckets tried in turn when a chart has too many marks.
_BUCKETS = (("1h", "hour"), ("1d", "day"), ("1w", "week"), ("1mo", "month"),
            ("3mo", "quarter"), ("1y", "year"))


def _tooltip(*extra: str) -> list[str]:
    return [*TOOLTIP, *extra]


def timeline_data(claims: Frame, articles: Frame, outcome: str = "killed") -> pl.DataFrame:
    """Rows of the timeline: event_total claims of `outcome` counting everyone (group
    `all`) with an as-of time.

    `kind` is `exact` (a point), `lower bound` (at least / more than: drawn from `y` up
    to `top`, the axis top) or `range` (approx, nearly, up to, vague: `y_low`..`y_high`).
    """
    df = (_joined(claims, articles)
          .filter(pl.col("scope") == "event_total", pl.col("outcome") == outcome,
                  pl.col("group") == "all", pl.col("as_of_start").is_not_null())
          .select("_row", "outlet", "article", "sentence_id", "start", "end", "quote",
                  "source", "as_of_text", "as_of_start", "as_of_end", "qualifier", "number",
                  "vague", "low", "high", "group")
          .collect())
    top = df.select(pl.max_horizontal(pl.coalesce("high", "number", "low")).max()).item()
    top = int((top or 1) * 1.1) + 1
    kind = (pl.when(pl.col("qualifier").is_in(["at_least", "more_than"])
                    & pl.col("high").is_null()).then(pl.lit("lower bound"))
            .when((pl.col("qualifier") == "exact") & pl.col("number").is_not_null())
            .then(pl.lit("exact")).otherwise(pl.lit("range")))
    end = pl.coalesce("as_of_end", "as_of_start")
    return (df.with_columns(kind=kind, source=pl.col("source").fill_null(UNATTRIBUTED))
            .with_columns(
                mid=pl.col("as_of_start") + (end - pl.col("as_of_start")) / 2,
                as_of_end=end,
                y=pl.coalesce("number", "low", "high"),
                y_low=pl.coalesce("low", pl.lit(0)),
                y_high=pl.when(pl.col("kind") == "lower bound").then(pl.lit(top, pl.Int64))
                .otherwise(pl.coalesce("high", pl.lit(top))),
                top=pl.lit(top, pl.Int64))
            .sort("as_of_start", "outlet", "article", "start", "_row")
            .select("outlet", "article", "sentence_id", "start", "end", "quote", "source",
                    "as_of_text", "as_of_start", "as_of_end", "mid", "qualifier", "number",
                    "vague", "low", "high", "group", "kind", "y", "y_low", "y_high", "top"))


def _top_outlets(df: pl.DataFrame, limit: int) -> tuple[pl.DataFrame, int]:
    """The rows of the `limit` outlets with the most rows, and how many outlets there
    were."""
    sizes = df.group_by("outlet").agg(pl.len())
    if sizes.height <= limit:
        return df, sizes.height
    kept = sizes.sort("len", "outlet", descending=[True, False]).head(limit)
    return df.join(kept.select("outlet"), on="outlet", how="semi", maintain_order="left"), \
        sizes.height


def thin_timeline(data: pl.DataFrame, max_points: int = MAX_POINTS
                  ) -> tuple[pl.DataFrame, str]:
    """At most `max_points` rows of `timeline_data`, and a note saying what was left out
    ("" when nothing was).

    Beyond the limit, only the `MAX_OUTLETS` outlets with the most figures are kept
    and, if that is not enough, for each outlet and hour (or day, week, ...: the
    finest that fits) the largest figure (`y`; ties: the earliest row). Rows stay in
    `timeline_data` order.
    """
    if data.height <= max_points:
        return data, ""
    kept, n_outlets = _top_outlets(data, MAX_OUTLETS)
    said = ([f"{MAX_OUTLETS} of {n_outlets} outlets (those with the most figures)"]
            if n_outlets > MAX_OUTLETS else [])
    if kept.height > max_points:
        kept = kept.with_row_index("_row")
        for every, unit in _BUCKETS:
            thin = (kept.with_columns(_bucket=pl.col("as_of_start").dt.truncate(every))
                    .sort("y", "_row", descending=[True, False], nulls_last=True)
                    .unique(subset=["outlet", "_bucket"], keep="first", maintain_order=True)
                    .sort("_row").drop("_row", "_bucket"))
            if thin.height <= max_points:
                break
        kept = thin.head(max_points)
        said.insert(0, f"the largest figure per outlet and {unit}")
    return kept, f"{', '.join(said)}: {kept.height} of {data.height} figures"


def timeline_chart(claims: Frame, articles: Frame, outcome: str = "killed", *,
                   max_points: int = MAX_POINTS) -> alt.LayerChart:
    """The event's toll over time per outlet: a horizontal rule over each figure's as-of
    interval, a point for an exact figure, a rule up to the axis top with a triangle for
    a lower bound, a rule between the bounds for a range. Background figures never
    appear. At most `max_points` figures are drawn (see `thin_timeline`)."""
    data, note = thin_timeline(timeline_data(claims, articles, outcome), max_points)
    top = int(data["top"].max() or 1)
    base = alt.Chart(data).encode(
        color=alt.Color("outlet:N", title="outlet"),
        tooltip=_tooltip("qualifier", "number", "vague", "low", "high"))
    y = alt.Y("y:Q", title=f"{outcome} (event total)", scale=alt.Scale(domain=[0, top]))
    interval = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("as_of_start:T", title="as of"), x2="as_of_end:T", y=y)
    bounds = base.transform_filter(alt.datum.kind != "exact").mark_rule(
        strokeDash=[4, 3]).encode(x="mid:T", y=alt.Y("y_low:Q"), y2="y_high:Q")
    marks = base.mark_point(filled=True, size=80).encode(
        x="mid:T", y=y,
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=list(_KIND_SHAPES),
                                                  range=list(_KIND_SHAPES.values()))))
    title = f"Event toll ({outcome}) over time, per outlet"
    return alt.layer(interval, bounds, marks).properties(
        title=[title, note] if note else title, width=600, height=300)


def by_group_chart(claims: Frame, articles: Frame, outcome: str = "killed", *,
                   max_outlets: int = MAX_OUTLETS) -> alt.Chart:
    """Outlets compared by victim group: each outlet's latest event_part figure of
    `outcome` per group (latest as-of, then largest), as bars grouped by outlet. Only
    the `max_outlets` outlets with the most bars are drawn (the title says so)."""
    df = (_joined(claims, articles)
          .filter(pl.col("scope") == "event_part", pl.col("outcome") == outcome)
          .with_columns(value=pl.coalesce("number", "low"),
                        source=pl.col("source").fill_null(UNATTRIBUTED))
          .filter(pl.col("value").is_not_null()))
    data = (_first_per(df, ["outlet", "group"], ["as_of_start", "value"], [True, True],
                       ["value", "group_text", "qualifier",
                        *[c for c in TOOLTIP if c != "outlet"]])
            .select("group", "value", "group_text", "qualifier", *TOOLTIP)
            .sort("outlet", "group").collect())
    data, n_outlets = _top_outlets(data, max_outlets)
    title = f"{outcome.capitalize()} by group, per outlet"
    if n_outlets > max_outlets:
        title = [title, f"the {max_outlets} of {n_outlets} outlets with the most groups"]
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("outlet:N", title=None), xOffset="group:N",
        y=alt.Y("value:Q", title=f"{outcome} (latest figure)"),
        color=alt.Color("group:N", title="group"),
        tooltip=_tooltip("group", "group_text", "qualifier", "value"),
    ).properties(title=title, width=500, height=300)


def parts_chart(claims: Frame, articles: Frame, *, max_pairs: int = MAX_PAIRS
                ) -> alt.LayerChart:
    """Parts against totals: for each total, its exact parts stacked beside the total
    figure, with a rule over the total's [low, high] (to the axis top when open). A total
    is labelled "outlet · outcome @offset" (with the article after the outlet when an
    outlet has totals at the same offset in several articles).

    At most `max_pairs` totals are drawn: those whose parts fall outside the total's
    bounds first, then the largest totals (the title says so)."""
    pairs = _pairings(claims, articles).with_columns(
        pair=pl.format("{} · {} @{}", "outlet", "outcome", "start"))
    if pairs.group_by("pair").agg(pl.col("article").n_unique()).get_column("article").max() \
            not in (None, 1):  # name the articles when an outlet has several such totals
        pairs = pairs.with_columns(
            pair=pl.format("{} · {} · {} @{}", "outlet", "article", "outcome", "start"))
    n_pairs = pairs.get_column("pair").n_unique()
    title = "Parts against totals"
    if n_pairs > max_pairs:
        total = pl.coalesce("number", "low")
        ranked = (pairs.group_by("pair")
                  .agg(sum=pl.col("number_part").sum(), low=pl.col("low").first(),
                       high=pl.col("high").first(), total=total.first())
                  .with_columns(fits=((pl.col("low").is_null() | (pl.col("sum") >= pl.col("low")))
                                      & (pl.col("high").is_null()
                                         | (pl.col("sum") <= pl.col("high")))))
                  .sort("fits", "total", "pair", descending=[False, True, False],
                        nulls_last=True)
                  .head(max_pairs))
        pairs = pairs.join(ranked.select("pair"), on="pair", how="semi", maintain_order="left")
        title = [title, (f"{max_pairs} of {n_pairs} totals: those whose parts do not add "
                         "up first, then the largest")]
    top = pairs.select(pl.max_horizontal(pl.coalesce("high", "number", "low").max(),
                                         pl.col("number_part").sum().over("pair").max()))
    top = int((top.item() or 1) * 1.1) + 1
    trace = ["outlet", "source", "article", "start", "end", "quote", "as_of_text"]
    part_rows = pairs.select(
        "pair", bar=pl.lit("parts"), segment=pl.col("group_part"),
        value=pl.col("number_part"), low=pl.lit(None, pl.Int64), high=pl.lit(None, pl.Int64),
        **{c: pl.col(c if c in ("outlet", "article") else f"{c}_part") for c in trace})
    total_rows = pairs.unique(subset=["pair"], keep="first", maintain_order=True).select(
        "pair", bar=pl.lit("total"), segment=pl.lit("total"),
        value=pl.coalesce("number", "low"), low="low",
        high=pl.coalesce("high", pl.lit(top)), **{c: pl.col(c) for c in trace})
    data = (pl.concat([part_rows, total_rows], how="diagonal_relaxed")
            .with_columns(pl.col("source").fill_null(UNATTRIBUTED))
            .sort("pair", "bar", "start"))
    tip = _tooltip("segment", "value")
    base = alt.Chart(data).encode(x=alt.X("pair:N", title=None), xOffset="bar:N")
    bars = base.mark_bar().encode(
        y=alt.Y("sum(value):Q", title="people", scale=alt.Scale(domain=[0, top])),
        color=alt.Color("segment:N", title="part / total"),
        order=alt.Order("start:Q"), detail="start:Q", tooltip=tip)
    bound = base.transform_filter(alt.datum.bar == "total").mark_rule(
        strokeWidth=3, color="black").encode(y="low:Q", y2="high:Q", tooltip=tip)
    return alt.layer(bars, bound).properties(title=title, width=500, height=300)


def _positions(edges: pl.DataFrame) -> pl.DataFrame:
    """Edges with bipartite positions: outlets at x=0, sources at x=1, each side spread
    evenly over y in [0, 1] in name order."""

    def positions(col: str) -> pl.DataFrame:
        names = edges.select(pl.col(col).unique().sort())
        n = max(names.height - 1, 1)
        return names.with_columns(
            (pl.int_range(pl.len(), dtype=pl.Int64) / n).alias(f"{col}_y"))

    return (edges.join(positions("outlet"), on="outlet")
            .join(positions("source"), on="source")
            .with_columns(outlet_x=pl.lit(0.0), source_x=pl.lit(1.0))
            .sort("outlet", "source"))


def citation_data(claims: Frame, articles: Frame) -> pl.DataFrame:
    """Edges of the outlet -> source graph with bipartite positions: outlets at x=0,
    sources at x=1, each side spread evenly over y in [0, 1] in name order."""
    return _positions(citations(claims, articles))


def citation_chart(claims: Frame, articles: Frame, *, max_edges: int = MAX_EDGES
                   ) -> alt.LayerChart:
    """Who cites whom: outlets on the left, sources on the right, a line per edge whose
    width is the number of claims. Only the `max_edges` edges with the most claims
    (ties: name order) are drawn (the title says so)."""
    edges = citations(claims, articles)
    title = "Outlets and the sources they cite"
    if edges.height > max_edges:
        title = [title, (f"the {max_edges} of {edges.height} outlet-source pairs with the "
                         "most claims")]
        edges = edges.sort("claims", "outlet", "source",
                           descending=[True, False, False]).head(max_edges)
    data = _positions(edges)
    tip = ["outlet", "source", "claims", "articles", "quote", "article", "start", "end"]
    base = alt.Chart(data)
    axis = {"axis": None}
    lines = base.mark_rule(opacity=0.6).encode(
        x=alt.X("outlet_x:Q", **axis), x2="source_x:Q",
        y=alt.Y("outlet_y:Q", **axis), y2="source_y:Q",
        strokeWidth=alt.StrokeWidth("claims:Q", title="claims",
                                    legend=alt.Legend(orient="bottom")),
        color=alt.Color("outlet:N", legend=None), tooltip=tip)
    left = base.mark_text(align="right", dx=-6).encode(
        x=alt.X("outlet_x:Q", **axis), y=alt.Y("outlet_y:Q", **axis), text="outlet:N",
        tooltip=tip)
    right = base.mark_text(align="left", dx=6).encode(
        x=alt.X("source_x:Q", **axis), y=alt.Y("source_y:Q", **axis), text="source:N",
        tooltip=tip)
    return alt.layer(lines, left, right).properties(title=title, width=400, height=300)
