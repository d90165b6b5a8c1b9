"""Sets of any size in bounded memory: articles go through ingest and claims in batches.

Each batch of `batch_size()` articles is worked on in a worker process (up to
`workers()` at once) and written as one parquet part; when every batch is done, the
parts are streamed (polars scan -> sink) into the stage's single output file, in
batch order. Outputs do not depend on the batch size or the number of workers. A
failed run removes its parts and leaves every output file as it was.

    TOLLDRIFT_BATCH    articles per batch (default 2000)
    TOLLDRIFT_WORKERS  worker processes (default: the number of cores, at most 8)
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import polars as pl

from tolldrift import schema
from tolldrift.progress import Progress

DEFAULT_BATCH = 2_000


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"environment variable {name}={value!r}: expected a whole number "
                         "of at least 1")
    return int(value)


def batch_size() -> int:
    return _env_int("TOLLDRIFT_BATCH", DEFAULT_BATCH)


def workers() -> int:
    return _env_int("TOLLDRIFT_WORKERS", min(os.cpu_count() or 1, 8))


class Parts:
    """The parts of one output table, kept in a hidden folder beside the output until
    `finish` streams them into it."""

    def __init__(self, table: schema.Table | str, path: str | Path):
        self.table = schema.REGISTRY[table] if isinstance(table, str) else table
        self.path = Path(path)
        self.folder = self.path.parent / f".{self.path.name}.parts"
        self.count = 0

    def start(self) -> Parts:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        return self

    def part(self, k: int) -> Path:
        return self.folder / f"part-{k:06d}.parquet"

    def finish(self, count: int) -> None:
        """Stream parts 0..count-1 into the output file (atomically)."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        if count == 0:
            schema.write(schema.empty(self.table), self.table, self.path)
        else:
            (pl.scan_parquet([self.part(k) for k in range(count)])
             .sink_parquet(tmp, compression="zstd", statistics=False, maintain_order=True))
            tmp.replace(self.path)
        self.abort()

    def abort(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(tasks: Iterable[tuple[Callable, tuple]], n_workers: int,
         done: Callable[[object], None]) -> None:
    """Run `fn(*args)` for each task, passing each result to `done` in task order. With
    more than one worker, tasks run in spawned processes, at most two per worker in
    flight, so memory stays bounded however many tasks there are."""
    tasks = iter(tasks)
    first = next(tasks, None)
    if first is None:
        return
    second = next(tasks, None)
    if second is None or n_workers <= 1:
        for fn, args in (t for t in (first, second) if t is not None):
            done(fn(*args))
        for fn, args in tasks:
            done(fn(*args))
        return
    context = multiprocessing.get_context("spawn")
    pending: list[Future] = []
    with ProcessPoolExecutor(n_workers, mp_context=context) as pool:
        for fn, args in (first, second):
            pending.append(pool.submit(fn, *args))
        for fn, args in tasks:
            while len(pending) >= 2 * n_workers:
                done(pending.pop(0).result())
            pending.append(pool.submit(fn, *args))
        while pending:
            done(pending.pop(0).result())


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


# --------------------------------------------------------------------------- ingest


@dataclass
class IngestCounts:
    articles: int = 0
    sentences: int = 0
    removed: int = 0
    skips: int = 0
    with_outlet: int = 0
    with_date: int = 0

    def summary(self) -> str:
        return (f"{self.articles} articles read, {self.with_outlet} with an outlet, "
                f"{self.with_date} with a publication date; {self.sentences} sentences; "
                f"{self.removed} spans removed; {self.skips} files skipped or noted.")


def _ingest_batch(raws: list, manifest: dict, parts: tuple[Path, Path, Path]
                  ) -> tuple[int, int, int, int, int]:
    from tolldrift import ingest

    result = ingest._tables(raws, manifest)
    for df, table, path in zip((result.articles, result.sentences, result.removed),
                               (schema.ARTICLES, schema.SENTENCES, schema.REMOVED), parts,
                               strict=True):
        schema.write(df, table, path)
    a = result.articles
    return (a.height, result.sentences.height, result.removed.height,
            int(a.get_column("outlet").is_not_null().sum()),
            int(a.get_column("published_at").is_not_null().sum()))


def _expected_articles(reader) -> int | None:
    """How many articles the set holds, when that is known without reading it: parquet
    rows plus .txt and .html files (None when a .jsonl file holds an unknown number)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    total = 0
    for path in reader.files:
        if path.suffix.lower() == ".parquet":
            try:
                total += pq.ParquetFile(path).metadata.num_rows
            except (pa.ArrowException, OSError, ValueError):
                pass  # only an estimate; the reader skips the file with the reason
        elif path.suffix.lower() == ".jsonl" and path.name != "gold.jsonl":
            return None
        elif path.name not in ("articles.csv", "descriptors.yaml", "gold.jsonl"):
            total += 1
    return total or None


def ingest_to_files(raw_dir: str | Path, articles_out, sentences_out, removed_out,
                    skips_out) -> IngestCounts:
    """Read a set folder batch by batch and write the four ingest tables: the tables of
    `ingest.ingest_set(raw_dir)`, in bounded memory (rows in file order, batch by batch;
    sorted by article within a batch)."""
    from tolldrift import ingest

    reader = ingest.SetReader(raw_dir)
    parts = (Parts(schema.ARTICLES, articles_out).start(),
             Parts(schema.SENTENCES, sentences_out).start(),
             Parts(schema.REMOVED, removed_out).start())
    counts = IngestCounts()
    progress = Progress("ingest", _expected_articles(reader))
    manifest = reader.manifest or {}
    batches = 0

    def tasks():
        nonlocal batches
        for k, raws in enumerate(_chunks(reader, batch_size())):
            batches = k + 1
            rows = {r.article: manifest[r.article] for r in raws if r.article in manifest}
            yield _ingest_batch, (raws, rows, tuple(p.part(k) for p in parts))

    def done(result) -> None:
        n, s, r, outlet, date = result
        counts.articles += n
        counts.sentences += s
        counts.removed += r
        counts.with_outlet += outlet
        counts.with_date += date
        progress.update(n, f"{counts.sentences:,} sentences")

    try:
        _run(tasks(), workers(), done)
        reader.finish()
        skips = reader.skips_table()
        counts.skips = skips.height
        for p in parts:
            p.finish(batches)
        schema.write(skips, schema.SKIPS, skips_out)
    except BaseException:
        for p in parts:
            p.abort()
        raise
    progress.close(f"{counts.sentences:,} sentences")
    return counts


# --------------------------------------------------------------------------- claims


def _slices(articles_in: str | Path, size: int) -> list[tuple[int, int, int, int]]:
    """(first article row, articles, first sentence row, sentences) of each batch."""
    counts = (pl.scan_parquet(articles_in).select("sentences").collect()
              .get_column("sentences").to_list())
    out, sentence_row = [], 0
    for first in range(0, len(counts), size):
        n_sentences = sum(counts[first:first + size])
        out.append((first, min(size, len(counts) - first), sentence_row, n_sentences))
        sentence_row += n_sentences
    return out


def read_batch(articles_in, sentences_in, piece: tuple[int, int, int, int]
               ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The articles of one batch and their sentences, checked to belong together."""
    a0, n, s0, m = piece
    articles = pl.scan_parquet(articles_in).slice(a0, n).collect()
    sentences = pl.scan_parquet(sentences_in).slice(s0, m).collect()
    ids = set(articles.get_column("article").to_list())
    if sentences.height != m or not set(sentences.get_column("article").unique()) <= ids:
        raise ValueError(f"{sentences_in} does not match {articles_in}: the sentences of "
                         f"articles {a0 + 1}-{a0 + n} are not where the articles' sentence "
                         "counts put them; run the ingest stage again")
    return articles, sentences


def _claims_batch(articles_in, sentences_in, piece, start, end, part: Path
                  ) -> tuple[int, int, int]:
    from tolldrift.claims import extract_claims

    articles, sentences = read_batch(articles_in, sentences_in, piece)
    claims = extract_claims(sentences, articles, set_start=start, set_end=end)
    schema.write(claims, schema.CLAIMS, part)
    return articles.height, claims.height, claims.get_column("article").n_unique()


def _date_evidence(articles_in, piece) -> tuple[list[dt.date], Counter, int]:
    from tolldrift import timeref

    a0, n, _, _ = piece
    articles = (pl.scan_parquet(articles_in).slice(a0, n).select("published_at", "text")
                .collect())
    published = sorted({d.date() for d in articles.get_column("published_at").drop_nulls()})
    written = Counter(d for t in articles.get_column("text").drop_nulls()
                      for d in timeref.explicit_dates(t))
    return published, written, articles.height


def infer_set_dates(articles_in: str | Path) -> tuple[dt.date | None, dt.date | None]:
    """`timeref.infer_set_dates` over an articles file of any size, batch by batch."""
    from tolldrift import timeref

    published: set[dt.date] = set()
    written: Counter = Counter()
    pieces = _slices(articles_in, batch_size())
    progress = Progress("set days", sum(p[1] for p in pieces))

    def done(result) -> None:
        published.update(result[0])
        written.update(result[1])
        progress.update(result[2])

    _run(((_date_evidence, (articles_in, piece)) for piece in pieces), workers(), done)
    first, last = timeref.infer_dates_from(sorted(published), written)
    progress.close(f"from {first} to {last}")
    return first, last


@dataclass
class ClaimsCounts:
    articles: int = 0
    claims: int = 0
    articles_with_claims: int = 0


def claims_to_file(articles_in, sentences_in, claims_out, set_start: dt.date | None,
                   set_end: dt.date | None) -> ClaimsCounts:
    """Extract the claims of every article, batch by batch, into `claims_out`."""
    pieces = _slices(articles_in, batch_size())
    parts = Parts(schema.CLAIMS, claims_out).start()
    counts = ClaimsCounts()
    progress = Progress("claims", sum(p[1] for p in pieces))

    def done(result) -> None:
        counts.articles += result[0]
        counts.claims += result[1]
        counts.articles_with_claims += result[2]
        progress.update(result[0], f"{counts.claims:,} claims")

    try:
        _run(((_claims_batch, (articles_in, sentences_in, piece, set_start, set_end,
                               parts.part(k)))
              for k, piece in enumerate(pieces)), workers(), done)
        parts.finish(len(pieces))
    except BaseException:
        parts.abort()
        raise
    progress.close(f"{counts.claims:,} claims")
    return counts
