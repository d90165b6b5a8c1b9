"""Comparing outlets: tables and charts of the claims table across outlets and hours.

Every function takes the claims table (`schema.CLAIMS`) and the articles table (only
`article`, `outlet` and `published_at` are read) and returns a frame sorted by explicit
keys, so the same input always gives the same rows in the same order. An article whose
outlet is unknown is shown as `unknown outlet (<article>)`. Every row that comes from
one claim carries its `article`, `start` and `end`, so it can be traced to the text.

Time: a claim's hour is its `as_of_start` truncated to the hour (the first hour the
figure can describe; for an undated figure, the article's publication hour).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

HOUR = pl.Datetime("us")
METHODS = ("ibc_min", "ibc_max", "acled_conservative")
VERDICTS = ("consistent", "exceeds_total", "below_total")
UNATTRIBUTED = "unattributed"
TOOLTIP = ("quote", "outlet", "source", "article", "start", "end", "as_of_text")

_TRACE = ("outlet", "article", "sentence_id", "start", "end", "quote")


def _joined(claims: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Claims with their article's `outlet` label and `published_at`."""
    meta = (articles.select("article", "outlet", "published_at")
            .unique(subset="article", keep="first", maintain_order=True))
    return (claims.join(meta, on="article", how="left", maintain_order="left")
            .with_columns(outlet=pl.coalesce(pl.col("outlet"),
                                             pl.format("unknown outlet ({})", "article")),
                          hour=pl.col("as_of_start").dt.truncate("1h")))


def _first_per(df: pl.DataFrame, by: list[str], order: list[str],
               descending: list[bool]) -> pl.DataFrame:
    """The first row of each `by` group when rows are sorted by `order` (nulls last)."""
    return (df.sort([*order, "article", "start"], descending=[*descending, False, False],
                    nulls_last=True, maintain_order=True)
            .unique(subset=by, keep="first", maintain_order=True))


def claims_by_outlet_hour(claims: pl.DataFrame, articles: pl.DataFrame,
                          time: str = "as_of") -> pl.DataFrame:
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
            .sort(keys, nulls_last=True))


def reconciled_series(claims: pl.DataFrame, articles: pl.DataFrame,
                      outcome: str = "killed", window_hours: int | None = None
                      ) -> pl.DataFrame:
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
    drops out (a stale figure no longer holds the minimum down).

    Columns: hour, method, value, outlets (outlets contributing), then the claim the
    value comes from: outlet, article, sentence_id, start, end, quote.
    """
    df = (_joined(claims, articles)
          .filter(pl.col("scope") == "event_total", pl.col("outcome") == outcome,
                  pl.col("group") == "all", pl.col("hour").is_not_null())
          .with_columns(
              ibc_min=pl.col("low"),
              ibc_max=pl.coalesce("high", "number"),
              acled_conservative=pl.when(pl.col("low").is_not_null())
              .then(pl.min_horizontal("number", "low"))))
    hours = df.select(at=pl.col("hour")).unique()
    known = hours.join_where(df, pl.col("hour") <= pl.col("at"))
    if window_hours is not None:
        known = known.filter(pl.col("hour") >= pl.col("at") - pl.duration(hours=window_hours))
    latest = known.filter(pl.col("hour") == pl.col("hour").max().over("at", "outlet"))
    outlets = known.group_by("at").agg(outlets=pl.col("outlet").n_unique().cast(pl.Int64))
    parts = []
    for method in METHODS:
        best = _first_per(latest.filter(pl.col(method).is_not_null()), ["at"],
                          [method, "outlet"], [method == "ibc_max", False])
        parts.append(best.select(*_TRACE, hour=pl.col("at"), method=pl.lit(method),
                                 value=pl.col(method).cast(pl.Int64)))
    out = pl.concat(parts).join(outlets, left_on="hour", right_on="at", how="left")
    return (out.select("hour", "method", "value", "outlets", *_TRACE)
            .with_columns(pl.col("hour").cast(HOUR))
            .sort("hour", pl.col("method").replace_strict(METHODS, range(len(METHODS)))))


def _pairings(claims: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Each event_total claim beside each exact event_part claim that may add up to it.

    A part belongs to a total of the same article and outcome when it is dated to the
    same as-of interval or is undated (`is_as_of_fallback`), and counts the same group
    (any group when the total counts `all`). Part columns end in `_part`.
    """
    df = _joined(claims, articles)
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


def first_reports(claims: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
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
    earliest = _first_per(df, [*figure, "outlet"], ["reported_at"], [False])
    ranked = earliest.sort([*figure, "reported_at", "outlet"], nulls_last=True)
    first = ranked.unique(subset=figure, keep="first", maintain_order=True).select(
        *figure, first_outlet=pl.col("outlet"), first_at=pl.col("reported_at"))
    out = ranked.join(first, on=figure, how="left", nulls_equal=True, maintain_order="left")
    lag = (pl.col("reported_at") - pl.col("first_at")).dt.total_seconds(fractional=True)
    return (out.with_columns(is_first=pl.col("outlet") == pl.col("first_outlet"),
                             hours_later=lag / 3600)
            .select(*figure, "outlet", "reported_at", "time_basis", "is_first",
                    "first_outlet", "hours_later", *_TRACE[1:]))


def citations(claims: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Outlet -> source edges: how many claims (and articles) of each outlet cite each
    source (`unattributed` when none), with the first such claim as an example.

    Columns: outlet, source, claims, articles, article, start, end, quote.
    """
    df = _joined(claims, articles).with_columns(
        pl.col("source").fill_null(UNATTRIBUTED))
    counts = df.group_by("outlet", "source").agg(
        claims=pl.len().cast(pl.Int64), articles=pl.col("article").n_unique().cast(pl.Int64))
    example = _first_per(df, ["outlet", "source"], [], []).select(
        "outlet", "source", "article", "start", "end", "quote")
    return counts.join(example, on=["outlet", "source"]).sort("outlet", "source")


def headline_metrics(claims: pl.DataFrame, articles: pl.DataFrame) -> dict[str, Any]:
    """Flat, JSON-friendly figures for DVC metrics (null -> None, times as ISO strings)."""
    df = _joined(claims, articles)
    totals = df.filter(pl.col("scope") == "event_total", pl.col("outcome") == "killed",
                       pl.col("group") == "all")
    series = reconciled_series(claims, articles)
    last = series.filter(pl.col("hour") == pl.col("hour").max())
    latest = dict(zip(last["method"].to_list(), last["value"].to_list(), strict=True))
    verdicts = parts_against_totals(claims, articles)["verdict"]
    event = df.filter(pl.col("scope") != "background")

    def iso(value):
        return None if value is None else value.isoformat()

    return {
        "claims": df.height,
        "articles": articles.height,
        "outlets": df["outlet"].n_unique(),
        "sources": df["source"].drop_nulls().n_unique(),
        "unattributed_claims": df["source"].null_count(),
        "event_total_claims": df.filter(pl.col("scope") == "event_total").height,
        "background_claims": df.filter(pl.col("scope") == "background").height,
        "max_event_total_killed": totals.select(
            pl.coalesce("number", "low").max()).item(),
        **{f"latest_{m}_killed": latest.get(m) for m in METHODS},
        "parts_exceeding_total": int((verdicts == "exceeds_total").sum()),
        "first_as_of": iso(event["as_of_start"].min()),
        "last_as_of": iso(event["as_of_end"].max()),
    }


# Charts ---------------------------------------------------------------------------

_KIND_SHAPES = {"exact": "circle", "lower bound": "triangle-up", "range": "diamond"}


def _tooltip(*extra: str) -> list[str]:
    return [*TOOLTIP, *extra]


def timeline_data(claims: pl.DataFrame, articles: pl.DataFrame,
                  outcome: str = "killed") -> pl.DataFrame:
    """Rows of the timeline: event_total claims of `outcome` counting everyone (group
    `all`) with an as-of time.

    `kind` is `exact` (a point), `lower bound` (at least / more than: drawn from `y` up
    to `top`, the axis top) or `range` (approx, nearly, up to, vague: `y_low`..`y_high`).
    """
    df = (_joined(claims, articles)
          .filter(pl.col("scope") == "event_total", pl.col("outcome") == outcome,
                  pl.col("group") == "all", pl.col("as_of_start").is_not_null()))
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
            .select("outlet", "article", "sentence_id", "start", "end", "quote", "source",
                    "as_of_text", "as_of_start", "as_of_end", "mid", "qualifier", "number",
                    "vague", "low", "high", "group", "kind", "y", "y_low", "y_high", "top")
            .sort("as_of_start", "outlet", "article", "start"))


def timeline_chart(claims: pl.DataFrame, articles: pl.DataFrame,
                   outcome: str = "killed") -> alt.LayerChart:
    """The event's toll over time per outlet: a horizontal rule over each figure's as-of
    interval, a point for an exact figure, a rule up to the axis top with a triangle for
    a lower bound, a rule between the bounds for a range. Background figures never
    appear."""
    data = timeline_data(claims, articles, outcome)
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
    return alt.layer(interval, bounds, marks).properties(
        title=f"Event toll ({outcome}) over time, per outlet", width=600, height=300)


def by_group_chart(claims: pl.DataFrame, articles: pl.DataFrame,
                   outcome: str = "killed") -> alt.Chart:
    """Outlets compared by victim group: each outlet's latest event_part figure of
    `outcome` per group (latest as-of, then largest), as bars grouped by outlet."""
    df = (_joined(claims, articles)
          .filter(pl.col("scope") == "event_part", pl.col("outcome") == outcome)
          .with_columns(value=pl.coalesce("number", "low"),
                        source=pl.col("source").fill_null(UNATTRIBUTED)))
    data = (_first_per(df.filter(pl.col("value").is_not_null()), ["outlet", "group"],
                       ["as_of_start", "value"], [True, True])
            .select("group", "value", "group_text", "qualifier", *TOOLTIP)
            .sort("outlet", "group"))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("outlet:N", title=None), xOffset="group:N",
        y=alt.Y("value:Q", title=f"{outcome} (latest figure)"),
        color=alt.Color("group:N", title="group"),
        tooltip=_tooltip("group", "group_text", "qualifier", "value"),
    ).properties(title=f"{outcome.capitalize()} by group, per outlet", width=500, height=300)


def parts_chart(claims: pl.DataFrame, articles: pl.DataFrame) -> alt.LayerChart:
    """Parts against totals: for each total, its exact parts stacked beside the total
    figure, with a rule over the total's [low, high] (to the axis top when open)."""
    pairs = _pairings(claims, articles).with_columns(
        pair=pl.format("{} · {} @{}", "outlet", "outcome", "start"))
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
    return alt.layer(bars, bound).properties(title="Parts against totals", width=500,
                                             height=300)


def citation_data(claims: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Edges of the outlet -> source graph with bipartite positions: outlets at x=0,
    sources at x=1, each side spread evenly over y in [0, 1] in name order."""
    edges = citations(claims, articles)

    def positions(col: str) -> pl.DataFrame:
        names = edges.select(pl.col(col).unique().sort())
        n = max(names.height - 1, 1)
        return names.with_columns(
            (pl.int_range(pl.len(), dtype=pl.Int64) / n).alias(f"{col}_y"))

    return (edges.join(positions("outlet"), on="outlet")
            .join(positions("source"), on="source")
            .with_columns(outlet_x=pl.lit(0.0), source_x=pl.lit(1.0))
            .sort("outlet", "source"))


def citation_chart(claims: pl.DataFrame, articles: pl.DataFrame) -> alt.LayerChart:
    """Who cites whom: outlets on the left, sources on the right, a line per edge whose
    width is the number of claims."""
    data = citation_data(claims, articles)
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
    return alt.layer(lines, left, right).properties(
        title="Outlets and the sources they cite", width=400, height=300)
