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


@dataclass(frozen=True)
class ClaimsRun:
    claims: pl.DataFrame
    set_start: dt.date | None
    set_end: dt.date | None
    dates_how: str
    metrics: dict
    mistakes: pl.DataFrame | None


def run_claims(articles_in: str | Path, sentences_in: str | Path, gold_in: str | Path,
               set_start: object, set_end: object) -> ClaimsRun:
    """Extract claims, and score them when the set has a gold file."""
    from tolldrift import scoring, timeref
    from tolldrift.claims import extract_claims

    articles = pl.read_parquet(articles_in)
    sentences = pl.read_parquet(sentences_in)
    start, end = parse_day(set_start, "set_start"), parse_day(set_end, "set_end")
    how = "params.yaml"
    if start is None or end is None:
        inferred = timeref.infer_set_dates(articles)
        start, end = start or inferred[0], end or inferred[1]
        how = "inferred from the articles" if (start or end) else "unknown"
    claims = extract_claims(sentences, articles, set_start=start, set_end=end)
    metrics: dict = {"claims": claims.height,
                     "articles_with_claims": claims.get_column("article").n_unique()}
    mistakes = None
    if Path(gold_in).is_file():
        scores = scoring.score(claims, scoring.read_gold(gold_in),
                               articles.get_column("article").to_list())
        metrics |= scores.metrics
        mistakes = scores.mistakes
    return ClaimsRun(claims, start, end, how, metrics, mistakes)


def write_claims(run: ClaimsRun, claims_out: str | Path, metrics_out: str | Path) -> None:
    from tolldrift import scoring

    schema.write(run.claims, schema.CLAIMS, claims_out)
    scoring.write_metrics(run.metrics, metrics_out)


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
