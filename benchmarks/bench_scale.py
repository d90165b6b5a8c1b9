"""A generated corpus through ingest, claims and aggregation (a benchmark, not a test).

Writes the corpus of generate_corpus.py as a set folder of parquet parts (once; kept
for later runs), then runs, in one process and with the stage functions the DVC
stages use:

  bare regex pass  one lazy polars pass counting a "<number> killed" pattern over the
                   text (streamed from the raw parts): the floor for reading the text
  ingest           `batches.ingest_to_files`: articles, sentences, removed lines, skips
  claims           `steps.run_claims`: set days, then claims batch by batch
  aggregation      lazy scans of claims and articles -> claims per outlet and hour, the
                   largest toll per article, claims per outlet and outcome, each sunk
                   to parquet

and prints seconds, articles/s and the peak memory of the whole process tree (this
process and its worker processes, sampled every 0.2 s), with the claims stage as a
multiple of the bare regex pass.

    python benchmarks/bench_scale.py --articles 100000
    python benchmarks/bench_scale.py --articles 1000000
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import threading
import time
from pathlib import Path
from typing import Self

import polars as pl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BARE_PATTERN = r"(?i)\b\d[\d,]*\s+(?:people\s+)?(?:were\s+)?killed\b"
PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> int:
    """Resident bytes of process `root` and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * PAGE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(p for p, parent in parents.items() if parent == pid)
    return total


class PeakMemory:
    """Samples the process tree's resident memory in a background thread."""

    def __init__(self, every: float = 0.2):
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        pid = os.getpid()
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss(pid))
            self._stop.wait(self.every)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _tree_rss(os.getpid()))


def _generator():
    spec = importlib.util.spec_from_file_location("generate_corpus", HERE / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def raw_set(articles: int, work: Path) -> tuple[Path, float]:
    """The set folder of `articles` generated articles (made once); seconds spent."""
    raw = work / "raw"
    done = raw / ".complete"
    if done.is_file() and done.read_text() == str(articles):
        return raw, 0.0
    start = time.perf_counter()
    _generator().write_corpus(raw, articles, chunk=20_000)
    done.write_text(str(articles))
    return raw, time.perf_counter() - start


def aggregate(claims_in: Path, articles_in: Path, out: Path) -> dict[str, int]:
    """The aggregations, lazily from the parquet files, each sunk to parquet."""
    from tolldrift import compare, steps

    claims = pl.scan_parquet(claims_in)
    articles = pl.scan_parquet(articles_in).select("article", "outlet", "published_at")
    queries = {
        "by-outlet-hour": compare.claims_by_outlet_hour(claims, articles),
        "headline-tolls": steps.headline_tolls(claims, articles),
        "by-outlet-outcome": (claims.join(articles, on="article", how="left")
                              .group_by("outlet", "outcome")
                              .agg(claims=pl.len(), articles=pl.col("article").n_unique(),
                                   largest=pl.col("number").max())
                              .sort("outlet", "outcome", nulls_last=True)),
    }
    rows = {}
    for name, query in queries.items():
        path = out / f"{name}.parquet"
        if isinstance(query, pl.LazyFrame):
            query.sink_parquet(path)
        else:  # compare's functions stream their queries and return the result
            query.write_parquet(path)
        rows[name] = pl.scan_parquet(path).select(pl.len()).collect().item()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--work", type=Path, help="working folder (default bench/out/scale-N)")
    ap.add_argument("--reuse", action="store_true",
                    help="keep the ingest and claims outputs of an earlier run and time "
                         "only the bare pass and the aggregation")
    args = ap.parse_args()
    work = args.work or ROOT / "bench" / "out" / f"scale-{args.articles}"
    out = work / "tables"
    out.mkdir(parents=True, exist_ok=True)

    from tolldrift import batches, steps

    raw, generated = raw_set(args.articles, work)
    parts = sorted(raw.glob("part-*.parquet"))
    timers: dict[str, float] = {}
    with PeakMemory() as memory:
        t = time.perf_counter()
        hits = (pl.scan_parquet(parts).select(pl.col("text").str.count_matches(BARE_PATTERN)
                                              .sum()).collect().item())
        chars = pl.scan_parquet(parts).select(pl.col("text").str.len_chars().sum()).collect()
        timers["bare regex pass"] = time.perf_counter() - t
        if args.reuse:
            articles = pl.scan_parquet(out / "articles.parquet")
            ingest = batches.IngestCounts(
                articles=articles.select(pl.len()).collect().item(),
                sentences=pl.scan_parquet(out / "sentences.parquet").select(pl.len())
                .collect().item())
            claims_count = json.loads((out / "claims-metrics.json").read_text())["claims"]
        else:
            t = time.perf_counter()
            ingest = batches.ingest_to_files(raw, out / "articles.parquet",
                                             out / "sentences.parquet",
                                             out / "removed_lines.parquet",
                                             out / "skips.parquet")
            timers["ingest"] = time.perf_counter() - t
            t = time.perf_counter()
            run = steps.run_claims(out / "articles.parquet", out / "sentences.parquet",
                                   out / "no-gold.jsonl", None, None,
                                   claims_out=out / "claims.parquet",
                                   mistakes_out=out / "mistakes.parquet",
                                   metrics_out=out / "claims-metrics.json")
            timers["claims"] = time.perf_counter() - t
            claims_count = run.metrics["claims"]
        t = time.perf_counter()
        rows = aggregate(out / "claims.parquet", out / "articles.parquet", out)
        timers["aggregation"] = time.perf_counter() - t

    n = ingest.articles
    print(f"{n:,} articles ({chars.item() / 1e6:,.0f} MB of text, {ingest.sentences:,} "
          f"sentences) -> {claims_count:,} claims; {batches.workers()} worker "
          f"processes, {batches.batch_size():,} articles per batch"
          + (f"; corpus generated in {generated:.0f} s" if generated else ""))
    print(f"{'step':<18}{'seconds':>10}{'articles/s':>12}")
    for step, seconds in timers.items():
        print(f"{step:<18}{seconds:>10.1f}{n / seconds:>12,.0f}")
    if "claims" in timers:
        print(f"claims / bare regex pass = "
              f"{timers['claims'] / timers['bare regex pass']:.1f}x (bare-pass hits {hits:,})")
    print("aggregates: " + ", ".join(f"{k} {v:,} rows" for k, v in rows.items()))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process tree {memory.peak / 2**20:,.0f} MB "
          f"(this process alone {own:,.0f} MB; bound 4,096 MB)")


if __name__ == "__main__":
    main()
