"""Benchmark claim extraction on a synthetic corpus (a benchmark, not a test).

Reads a corpus written by generate_corpus.py (or generates one in memory), splits
it into sentences with a vectorised polars split, runs
`tolldrift.claims.extract_claims` chunk by chunk, and, for comparison, times one
bare polars regex pass (a number followed by "killed") over the same text.
Prints a short table with articles/s, claims found and peak RSS.

    python benchmarks/bench_claims.py --articles 20000 --chunk 2000
    python benchmarks/bench_claims.py --corpus bench/out/corpus-100k --articles 100000
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from tolldrift import schema

HERE = Path(__file__).resolve().parent
BARE_PATTERN = r"(?i)\b\d[\d,]*\s+(?:people\s+)?(?:were\s+)?killed\b"
# One piece per sentence: text up to and including final punctuation, then the
# whitespace that follows, so the pieces tile the text and offsets are running sums.
PIECE = r"[^\n.!?]*[.!?]*[^\S\n]*\n*"


def split_sentences(articles: pl.DataFrame) -> pl.DataFrame:
    """A sentences frame (schema.SENTENCES) from articles.text, split on . ! ? and
    line breaks with vectorised expressions; a line without final punctuation is a
    headline."""
    pieces = (
        articles.select("article", pl.col("text").str.extract_all(PIECE).alias("piece"))
        .explode("piece")
        .drop_nulls("piece")
        .with_columns(
            size=pl.col("piece").str.len_chars(),
            newlines=pl.col("piece").str.count_matches("\n", literal=True),
            sentence=pl.col("piece").str.strip_chars(),
            lead=pl.col("piece").str.len_chars()
            - pl.col("piece").str.strip_chars_start().str.len_chars(),
        )
        .with_columns(
            offset=pl.col("size").cum_sum().over("article") - pl.col("size"),
            line=pl.col("newlines").cum_sum().over("article") - pl.col("newlines"),
        )
        .filter(pl.col("sentence").str.len_chars() > 0)
    )
    out = pieces.select(
        "article",
        sentence_id=pl.int_range(pl.len()).over("article"),
        line="line",
        start=pl.col("offset") + pl.col("lead"),
        end=pl.col("offset") + pl.col("lead") + pl.col("sentence").str.len_chars(),
        text="sentence",
        is_headline=~pl.col("sentence").str.contains(r"[.!?][\"'”’)]*$"),
    )
    return schema.enforce(out, schema.SENTENCES)


def _generator():
    spec = importlib.util.spec_from_file_location("generate_corpus", HERE / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_chunks(corpus: str | None, articles: int, chunk: int) -> Iterator[pl.DataFrame]:
    """Frames of at most `chunk` articles, read from `corpus` parts or generated."""
    if corpus is None:
        yield from _generator().chunks(articles, chunk)
        return
    left = articles
    for part in sorted(Path(corpus).glob("part-*.parquet")):
        frame = pl.read_parquet(part)
        for offset in range(0, frame.height, chunk):
            if left <= 0:
                return
            piece = frame.slice(offset, min(chunk, left))
            left -= piece.height
            yield piece


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--chunk", type=int, default=2_000, help="articles per extraction call")
    ap.add_argument("--corpus", help="folder of part-*.parquet (default: generate in memory)")
    args = ap.parse_args()

    from tolldrift.claims import extract_claims  # imported here: the benchmark times it

    timers = dict.fromkeys(("read/generate", "split sentences", "extract_claims",
                            "bare regex pass"), 0.0)
    n_articles = n_sentences = n_claims = n_bare = chars = 0
    t = time.perf_counter()
    for articles in corpus_chunks(args.corpus, args.articles, args.chunk):
        timers["read/generate"] += time.perf_counter() - t
        t = time.perf_counter()
        sentences = split_sentences(articles)
        timers["split sentences"] += time.perf_counter() - t
        t = time.perf_counter()
        claims = extract_claims(sentences, articles)
        timers["extract_claims"] += time.perf_counter() - t
        t = time.perf_counter()
        n_bare += articles.select(pl.col("text").str.count_matches(BARE_PATTERN).sum()).item()
        timers["bare regex pass"] += time.perf_counter() - t
        n_articles += articles.height
        n_sentences += sentences.height
        n_claims += claims.height
        chars += articles.select(pl.col("text").str.len_chars().sum()).item()
        t = time.perf_counter()

    print(f"{'stage':<18}{'seconds':>10}{'articles/s':>14}{'MB text/s':>12}")
    for stage, seconds in timers.items():
        rate = n_articles / seconds if seconds else float("inf")
        print(f"{stage:<18}{seconds:>10.2f}{rate:>14,.0f}{chars / 1e6 / seconds:>12.2f}"
              if seconds else f"{stage:<18}{seconds:>10.2f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles {n_articles:,}  sentences {n_sentences:,}  text {chars / 1e6:.1f} MB  "
          f"claims {n_claims:,}  bare-regex hits {n_bare:,}  chunk {args.chunk:,}  "
          f"peak RSS {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
