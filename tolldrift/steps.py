"""What each stage notebook does, as one call per step, so notebooks stay thin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from tolldrift import schema


def parse_day(value: object, name: str) -> dt.date | None:
    """A set date parameter: None, "", "null"/"None" -> None; else YYYY-MM-DD."""
    if value is None or (isinstance(value, str) and value.strip() in ("", "null", "None")):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"parameter {name}: {value!r} is not a date (YYYY-MM-DD)") from None


# A report table shows at most this many rows, and says how many there are.
REPORT_ROWS = 1_000


def report_table(frame: pl.DataFrame | pl.LazyFrame, caption: str | None = None,
                 max_rows: int = REPORT_ROWS):
    """An escaped HTML table of the first `max_rows` rows of a frame (lazy frames are
    read no further than that), with a note giving the full count when rows are left
    out."""
    from tolldrift.render import html_table

    if isinstance(frame, pl.DataFrame):
        return html_table(frame, caption, max_rows=max_rows)
    total = frame.select(pl.len()).collect().item()
    note = f"Showing {max_rows} of {total} rows." if total > max_rows else None
    return html_table(frame.head(max_rows).collect(), caption, note=note)


@dataclass(frozen=True)
class ClaimsRun:
    articles: int
    set_start: dt.date | None
    set_end: dt.date | None
    dates_how: str
    metrics: dict
    mistakes: pl.DataFrame | None


def run_claims(articles_in: str | Path, sentences_in: str | Path, gold_in: str | Path,
               set_start: object, set_end: object, *, claims_out: str | Path,
               mistakes_out: str | Path, metrics_out: str | Path) -> ClaimsRun:
    """Extract the claims of a set of any size (batch by batch, see `tolldrift.batches`),
    score them when the set has a gold file, and write claims, mistakes (empty without
    gold) and metrics."""
    from tolldrift import batches, scoring

    start, end = parse_day(set_start, "set_start"), parse_day(set_end, "set_end")
    how = "params.yaml"
    if start is None or end is None:
        inferred = batches.infer_set_dates(articles_in)
        start, end = start or inferred[0], end or inferred[1]
        how = "inferred from the articles" if (start or end) else "unknown"
    counts = batches.claims_to_file(articles_in, sentences_in, claims_out, start, end)
    metrics: dict = {"claims": counts.claims,
                     "articles_with_claims": counts.articles_with_claims}
    mistakes = None
    if Path(gold_in).is_file():
        ids = pl.scan_parquet(articles_in).select("article").collect()
        scores = scoring.score(pl.read_parquet(claims_out), scoring.read_gold(gold_in),
                               ids.get_column("article").to_list())
        metrics |= scores.metrics
        mistakes = scores.mistakes
    schema.write(mistakes if mistakes is not None else schema.empty(scoring.MISTAKES),
                 scoring.MISTAKES, mistakes_out)
    scoring.write_metrics(metrics, metrics_out)
    return ClaimsRun(counts.articles, start, end, how, metrics, mistakes)


def claims_for_report(claims: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """The claims table as the report shows it: outlet first, offsets kept."""
    outlets = articles.select("article", "outlet")
    return (claims.join(outlets, on="article", how="left")
            .select("outlet", "article", "start", "end", "quote", "number", "vague", "low",
                    "high", "qualifier", "outcome", "group", "scope", "source", "as_of_text",
                    pl.col("as_of_start").dt.strftime("%Y-%m-%d %H:%M").alias("as_of_start"),
                    pl.col("as_of_end").dt.strftime("%Y-%m-%d %H:%M").alias("as_of_end"),
                    "is_as_of_fallback")
            .sort("article", "start", "end"))


def headline_tolls(claims: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Per article, the largest event_total figure of people killed."""
    tolls = (claims.filter((pl.col("scope") == "event_total") & (pl.col("outcome") == "killed")
                           & pl.col("number").is_not_null())
             .sort(["article", "number", "start"], descending=[False, True, False])
             .group_by("article", maintain_order=True).first()
             .select("article", "number", "qualifier", "quote", "source", "as_of_text"))
    return (articles.select("article", "outlet",
                            pl.col("published_at").dt.strftime("%Y-%m-%d %H:%M")
                            .alias("published"))
            .join(tolls, on="article", how="left").sort("article"))


def compare_tables(claims, articles) -> dict[str, pl.DataFrame]:
    """The compare stage's tables, by name. Inputs are frames, lazy frames or parquet
    files; each table reads only the columns and rows it needs."""
    from tolldrift import compare

    return {
        "tolls": compare.claims_by_outlet_hour(claims, articles, time="as_of"),
        "reconciled": compare.reconciled_series(claims, articles),
        "parts": compare.parts_against_totals(claims, articles),
        "first_reports": compare.first_reports(claims, articles),
        "citations": compare.citations(claims, articles),
    }


def write_compare(tables: dict[str, pl.DataFrame], claims, articles, *, tolls_out,
                  reconciled_out, parts_out, first_reports_out, citations_out,
                  timeline_plot_out, metrics_out) -> None:
    """Write the compare tables, the timeline plot data (CSV for `dvc plots`) and metrics."""
    from tolldrift import compare, scoring
    from tolldrift.render import write_atomic

    for name, path in (("tolls", tolls_out), ("reconciled", reconciled_out),
                       ("parts", parts_out), ("first_reports", first_reports_out),
                       ("citations", citations_out)):
        schema.write(tables[name], schema.REGISTRY[f"compare_{name}"], path)
    plot = (compare.timeline_data(claims, articles)
            .select("outlet", "article", "start", "end", "quote",
                    pl.col("as_of_start").dt.strftime("%Y-%m-%dT%H:%M").alias("as_of"),
                    "qualifier", "y", "kind"))
    write_atomic(Path(timeline_plot_out), plot.write_csv())
    scoring.write_metrics(compare.headline_metrics(claims, articles, tables), metrics_out)


def article_times(articles, claims) -> pl.DataFrame:
    """article -> `reported_at`: the publication time, else the latest start of the
    article's own dated (non-fallback, non-background) claims; with `time_basis`.
    Inputs are frames or parquet files (only the columns needed are read)."""
    from tolldrift.schema import as_lazy

    dated = (as_lazy(claims)
             .filter(~pl.col("is_as_of_fallback") & (pl.col("scope") != "background")
                     & pl.col("as_of_start").is_not_null())
             .group_by("article").agg(as_of=pl.col("as_of_start").max()))
    return (as_lazy(articles).select("article", "published_at")
            .join(dated, on="article", how="left")
            .select("article",
                    reported_at=pl.coalesce("published_at", "as_of"),
                    time_basis=pl.when(pl.col("published_at").is_not_null())
                    .then(pl.lit("published"))
                    .when(pl.col("as_of").is_not_null()).then(pl.lit("as_of"))
                    .otherwise(pl.lit(None, pl.String)))
            .sort("article").collect())


def run_describe(articles, sentences, claims, lexicon_in: str | Path | None,
                 every: str = "1d", *, descriptors_out: str | Path | None = None):
    """Descriptors, and distinctive terms per outlet and per time bucket.

    Inputs are frames or parquet files (only the columns needed are read); the
    sentences are read batch by batch (`describe.describe_sentences`), so memory grows
    with the term counts, not with the sentences. With `descriptors_out` the
    descriptors are written there and returned as a scan of the file. A grouping's
    terms include the pairs a group never uses (n = 0) while it has at most
    `logodds.FULL_PAIRS` (group, term) pairs.
    """
    from tolldrift import describe, logodds

    lexicon_path = Path(lexicon_in) if lexicon_in and Path(lexicon_in).is_file() else None
    lexicon = describe.load_lexicon(lexicon_path)
    outlets = schema.as_lazy(articles).select(
        "article", grouping=pl.lit("outlet"), group=pl.col("outlet").fill_null("unknown"))
    times = article_times(articles, claims).select(
        "article", grouping=pl.lit("time"),
        group=pl.col("reported_at").dt.truncate(every).dt.strftime("%Y-%m-%d %H:%M"))
    tally = logodds.TermTally(pl.concat([outlets.collect(), times.drop_nulls()]),
                              ("grouping", "group"))
    descriptors = describe.describe_sentences(sentences, lexicon, tally,
                                              descriptors_out=descriptors_out)
    uses = tally.table()
    parts = []
    for grouping in ("outlet", "time"):
        counts = uses.filter(pl.col("grouping") == grouping)
        pairs = counts.get_column("group").n_unique() * counts.get_column("term").n_unique()
        scored = logodds.log_odds(counts.select("group", "term", "n"), group_col="group",
                                  keep_zeros=pairs <= logodds.FULL_PAIRS)
        parts.append(scored.join(counts.select("group", "term", "example_article",
                                               "sentence_id"),
                                 on=["group", "term"], how="left")
                     .with_columns(grouping=pl.lit(grouping)))
    terms = pl.concat(parts)
    texts = describe.sentence_texts(sentences, terms.select(article="example_article",
                                                            sentence_id="sentence_id"))
    terms = (terms.join(texts.rename({"article": "example_article", "text": "example"}),
                        on=["example_article", "sentence_id"], how="left")
             .select("grouping", "group", "term", "n", "delta", "var", "z",
                     "example_article", "example"))
    return descriptors, terms.sort("grouping", "group", "z", "term",
                                   descending=[False, False, True, False])

DESCRIPTOR_CATEGORIES = (
    ("actor_state", "State forces: what each outlet calls them"),
    ("actor_armed", "Armed groups: what each outlet calls them"),
    ("victim", "Victims"),
    ("responder", "Rescuers and aid"),
    ("framing", "What the event is called"),
    ("attribution", "How figures and claims are attributed"),
    ("hedge", "Hedges"),
)
