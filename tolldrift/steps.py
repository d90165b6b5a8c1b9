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


def compare_tables(claims: pl.DataFrame, articles: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The compare stage's tables, by name."""
    from tolldrift import compare

    return {
        "tolls": compare.claims_by_outlet_hour(claims, articles, time="as_of"),
        "reconciled": compare.reconciled_series(claims, articles),
        "parts": compare.parts_against_totals(claims, articles),
        "first_reports": compare.first_reports(claims, articles),
        "citations": compare.citations(claims, articles),
    }


def write_compare(tables: dict[str, pl.DataFrame], claims: pl.DataFrame,
                  articles: pl.DataFrame, *, tolls_out, reconciled_out, parts_out,
                  first_reports_out, citations_out, timeline_plot_out, metrics_out) -> None:
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
    scoring.write_metrics(compare.headline_metrics(claims, articles), metrics_out)


def article_times(articles: pl.DataFrame, claims: pl.DataFrame) -> pl.DataFrame:
    """article -> `reported_at`: the publication time, else the latest start of the
    article's own dated (non-fallback, non-background) claims; with `time_basis`."""
    dated = (claims.filter(~pl.col("is_as_of_fallback") & (pl.col("scope") != "background")
                           & pl.col("as_of_start").is_not_null())
             .group_by("article").agg(as_of=pl.col("as_of_start").max()))
    return (articles.select("article", "published_at").join(dated, on="article", how="left")
            .select("article",
                    reported_at=pl.coalesce("published_at", "as_of"),
                    time_basis=pl.when(pl.col("published_at").is_not_null())
                    .then(pl.lit("published"))
                    .when(pl.col("as_of").is_not_null()).then(pl.lit("as_of"))
                    .otherwise(pl.lit(None, pl.String)))
            .sort("article"))


def run_describe(articles: pl.DataFrame, sentences: pl.DataFrame, claims: pl.DataFrame,
                 lexicon_in: str | Path | None, every: str = "1d"):
    """Descriptors, and distinctive terms per outlet and per time bucket."""
    from tolldrift import describe, logodds

    lexicon_path = Path(lexicon_in) if lexicon_in and Path(lexicon_in).is_file() else None
    lexicon = describe.load_lexicon(lexicon_path)
    descriptors = describe.find_descriptors(sentences, lexicon)
    outlets = articles.select("article", group=pl.col("outlet").fill_null("unknown"))
    times = article_times(articles, claims).select(
        "article", group=pl.col("reported_at").dt.truncate(every).dt.strftime("%Y-%m-%d %H:%M"))
    tokens = logodds.tokenize(sentences)
    parts = []
    for grouping, groups in (("outlet", outlets), ("time", times.drop_nulls())):
        scored = logodds.log_odds(logodds.term_counts(tokens, groups, "group"),
                                  group_col="group")
        examples = (tokens.join(groups, on="article", how="inner")
                    .sort("article", "sentence_id", "position")
                    .group_by("group", "term", maintain_order=True)
                    .agg(example_article=pl.col("article").first(),
                         sentence_id=pl.col("sentence_id").first())
                    .join(sentences.select("article", "sentence_id", example=pl.col("text")),
                          left_on=["example_article", "sentence_id"],
                          right_on=["article", "sentence_id"], how="left")
                    .drop("sentence_id"))
        parts.append(scored.join(examples, on=["group", "term"], how="left")
                     .with_columns(grouping=pl.lit(grouping)))
    terms = pl.concat(parts).select("grouping", "group", "term", "n", "delta", "var", "z",
                                    "example_article", "example")
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
