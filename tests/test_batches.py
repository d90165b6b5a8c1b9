"""Sets of any size: parquet article files, batch-by-batch ingest and claims, worker
processes, streamed outputs, progress lines."""

import io
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from conftest import SEED_SET, TINY_SET, tree_digest, write_set

from tolldrift import batches, ingest, progress, schema, timeref
from tolldrift.claims import extract_claims

QUAKE = "Rescuers said 14 people were killed when the old market collapsed."
FLOOD = "At least nine villagers drowned as the river burst its banks."


def parquet(rows: list[dict], schema_: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame(rows, schema=schema_, orient="row").write_parquet(buffer)
    return buffer.getvalue()


def outputs(folder: Path) -> tuple[Path, Path, Path, Path]:
    return (folder / "articles.parquet", folder / "sentences.parquet",
            folder / "removed_lines.parquet", folder / "skips.parquet")


@pytest.fixture
def one_batch(monkeypatch):
    monkeypatch.setenv("TOLLDRIFT_BATCH", "2000")
    monkeypatch.setenv("TOLLDRIFT_WORKERS", "1")


# --------------------------------------------------------------------------- parquet files


@pytest.mark.parametrize(("files", "articles", "skips"), [
    pytest.param(
        {"wire.parquet": parquet([{"id": "q1", "text": QUAKE, "outlet": "Delta Herald",
                                   "published": datetime(2024, 5, 2, 9, 30)}])},
        [("q1", "wire.parquet:1", "parquet", "utf-8", "Delta Herald",
          datetime(2024, 5, 2, 9, 30))], [],
        id="row-with-metadata"),
    pytest.param(
        {"wire.parquet": parquet([{"article_id": 7, "body": FLOOD}])},
        [("7", "wire.parquet:1", "parquet", "utf-8", None, None)], [],
        id="integer-id-and-body-column"),
    pytest.param(
        {"wire.parquet": parquet([{"id": None, "text": QUAKE}, {"id": None, "text": FLOOD}],
                                 {"id": pl.String, "text": pl.String})},
        [("wire-1", "wire.parquet:1", "parquet", "utf-8", None, None),
         ("wire-2", "wire.parquet:2", "parquet", "utf-8", None, None)], [],
        id="no-id-numbered-by-row"),
    pytest.param(
        {"wire.parquet": parquet([{"id": "q1", "text": QUAKE}, {"id": "q2", "text": "  "},
                                  {"id": "q3", "text": None}],
                                 {"id": pl.String, "text": pl.String})},
        [("q1", "wire.parquet:1", "parquet", "utf-8", None, None)],
        [("wire.parquet:2", "no text field (one of text, body, content, article_text)"),
         ("wire.parquet:3", "no text field (one of text, body, content, article_text)")],
        id="blank-and-null-text-rows-skipped"),
    pytest.param(
        {"wire.parquet": parquet([{"id": "q1", "text": QUAKE, "date": "soon"}])},
        [("q1", "wire.parquet:1", "parquet", "utf-8", None, None)],
        [("wire.parquet:1", ("published ignored: unrecognised date 'soon' (expected "
                            "YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS])"))],
        id="bad-date-noted-article-kept"),
    pytest.param(
        {"a.parquet": parquet([{"id": "q1", "text": QUAKE}]),
         "b.parquet": parquet([{"id": "q1", "text": FLOOD}])},
        [("q1", "a.parquet:1", "parquet", "utf-8", None, None)],
        [("b.parquet:1", "duplicate article id 'q1': already read from a.parquet:1")],
        id="duplicate-id-across-files"),
    pytest.param(
        {"a.parquet": parquet([{"id": "q1", "text": QUAKE}]),
         "b.parquet": b"PAR1 this is not a parquet file"},
        [("q1", "a.parquet:1", "parquet", "utf-8", None, None)],
        [("b.parquet", "not a readable parquet file")],
        id="not-parquet-skipped"),
    pytest.param(
        {"a.parquet": parquet([{"id": "q1", "text": QUAKE}]),
         "b.parquet": parquet([{"title": "Market collapse"}])},
        [("q1", "a.parquet:1", "parquet", "utf-8", None, None)],
        [("b.parquet", ("no text column (one of text, body, content, article_text); columns "
                       "are ['title']"))],
        id="no-text-column-skipped"),
])
def test_parquet_article_files(tmp_path, files, articles, skips):
    folder = write_set(tmp_path / "set", files)
    before = tree_digest(folder)
    result = ingest.ingest_set(folder)
    got = result.articles.select("article", "file", "format", "encoding", "outlet",
                                 "published_at").rows()
    assert got == articles
    # an unreadable file's reason carries the parser's words after the fixed part
    assert [(f, r[:len(want)]) for (f, r), (_, want) in zip(result.skips.rows(), skips,
                                                                strict=True)] == skips
    assert tree_digest(folder) == before


def test_parquet_read_in_slices(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "PARQUET_READ_ROWS", 2)
    rows = [{"id": f"r{i}", "text": f"{i + 2} people were hurt in crash number {i}."}
            for i in range(5)]
    folder = write_set(tmp_path / "set", {"wire.parquet": parquet(rows)})
    result = ingest.ingest_set(folder)
    assert result.articles.get_column("file").to_list() == [f"wire.parquet:{i}"
                                                            for i in range(1, 6)]
    assert result.sentences.get_column("text").to_list() == [r["text"] for r in rows]


# --------------------------------------------------------------------------- ingest


@pytest.mark.parametrize("raw", [SEED_SET, TINY_SET], ids=["seed", "tiny"])
def test_one_batch_writes_the_in_memory_tables(tmp_path, raw, one_batch):
    counts = batches.ingest_to_files(raw, *outputs(tmp_path))
    result = ingest.ingest_set(raw)
    for df, table, path in zip((result.articles, result.sentences, result.removed,
                                result.skips),
                               (schema.ARTICLES, schema.SENTENCES, schema.REMOVED,
                                schema.SKIPS), outputs(tmp_path), strict=True):
        schema.write(df, table, tmp_path / "expected.parquet")
        assert path.read_bytes() == (tmp_path / "expected.parquet").read_bytes(), path.name
    assert (counts.articles, counts.sentences, counts.removed, counts.skips) == (
        result.articles.height, result.sentences.height, result.removed.height,
        result.skips.height)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["expected.parquet", *(p.name for p in outputs(tmp_path))])


def test_batches_and_workers_do_not_change_the_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLDRIFT_BATCH", "2")
    monkeypatch.setenv("TOLLDRIFT_WORKERS", "1")
    batches.ingest_to_files(SEED_SET, *outputs(tmp_path / "serial"))
    monkeypatch.setenv("TOLLDRIFT_WORKERS", "2")
    batches.ingest_to_files(SEED_SET, *outputs(tmp_path / "pool"))
    for a, b in zip(outputs(tmp_path / "serial"), outputs(tmp_path / "pool"), strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    result = ingest.ingest_set(SEED_SET)
    articles, sentences, removed, skips = (pl.read_parquet(p)
                                           for p in outputs(tmp_path / "pool"))
    # rows come batch by batch in file order (sorted within a batch): same rows
    assert articles.get_column("article").to_list() == sorted(
        p.stem for p in SEED_SET.glob("*.txt"))
    assert articles.equals(result.articles)
    assert sentences.equals(result.sentences)
    assert removed.sort("article", "start").equals(result.removed)
    assert skips.equals(result.skips)


def test_failed_ingest_keeps_earlier_outputs(tmp_path, one_batch):
    out = tmp_path / "out"
    batches.ingest_to_files(TINY_SET, *outputs(out))
    before = tree_digest(out)
    empty = write_set(tmp_path / "empty", {"notes.md": "nothing to read"})
    with pytest.raises(ingest.IngestError, match="no readable article"):
        batches.ingest_to_files(empty, *outputs(out))
    assert tree_digest(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in outputs(out))


# --------------------------------------------------------------------------- claims


@pytest.fixture(scope="module")
def tiny_tables(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tiny")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLDRIFT_WORKERS", "1")
        batches.ingest_to_files(TINY_SET, *outputs(folder))
    return folder / "articles.parquet", folder / "sentences.parquet"


def test_claims_by_batch_equal_claims_at_once(tmp_path, monkeypatch, tiny_tables):
    articles_in, sentences_in = tiny_tables
    start, end = date(2024, 5, 14), date(2024, 5, 16)
    expected = extract_claims(pl.read_parquet(sentences_in), pl.read_parquet(articles_in),
                              set_start=start, set_end=end)
    assert expected.height > 0
    runs = {}
    for size, workers in (("2000", "1"), ("1", "1"), ("1", "2")):
        monkeypatch.setenv("TOLLDRIFT_BATCH", size)
        monkeypatch.setenv("TOLLDRIFT_WORKERS", workers)
        out = tmp_path / f"claims-{size}-{workers}.parquet"
        counts = batches.claims_to_file(articles_in, sentences_in, out, start, end)
        assert (counts.articles, counts.claims, counts.articles_with_claims) == (
            4, expected.height, expected.get_column("article").n_unique())
        runs[size, workers] = out.read_bytes()
        assert pl.read_parquet(out).equals(expected)
    assert runs["1", "1"] == runs["1", "2"]


def test_claims_of_mismatched_tables_fail_and_keep_the_output(tmp_path, tiny_tables,
                                                             one_batch):
    articles_in, _ = tiny_tables
    seed = tmp_path / "seed"
    batches.ingest_to_files(SEED_SET, *outputs(seed))
    out = tmp_path / "claims.parquet"
    out.write_bytes(b"earlier claims")
    with pytest.raises(ValueError, match="does not match .*run the ingest stage again"):
        batches.claims_to_file(articles_in, seed / "sentences.parquet", out, None, None)
    assert out.read_bytes() == b"earlier claims"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.parquet", "seed"]


def test_set_days_by_batch_equal_set_days_at_once(tiny_tables, monkeypatch):
    articles_in, _ = tiny_tables
    monkeypatch.setenv("TOLLDRIFT_BATCH", "1")
    monkeypatch.setenv("TOLLDRIFT_WORKERS", "1")
    assert batches.infer_set_dates(articles_in) == timeref.infer_set_dates(
        pl.read_parquet(articles_in)) == (date(2024, 5, 14), date(2024, 5, 16))


D = date(2024, 5, 10)


@pytest.mark.parametrize(("published", "written", "expected"), [
    pytest.param([], {}, (None, None), id="nothing"),
    pytest.param([D], {}, (D, D), id="published-only"),
    pytest.param([D], {date(2024, 5, 8): 1, date(2024, 5, 17): 1},
                 (date(2024, 5, 8), date(2024, 5, 17)), id="written-within-a-week"),
    pytest.param([D], {date(2024, 5, 18): 3, date(2011, 3, 15): 2}, (D, D),
                 id="written-beyond-a-week-ignored"),
    pytest.param([], {date(2011, 3, 15): 1, date(2024, 5, 9): 2, date(2024, 5, 12): 1},
                 (date(2024, 5, 9), date(2024, 5, 12)), id="densest-stretch-of-written"),
    pytest.param([], {date(2024, 1, 1): 1, date(2024, 6, 1): 1},
                 (date(2024, 6, 1), date(2024, 6, 1)), id="tie-takes-the-latest"),
])
def test_infer_dates_from(published, written, expected):
    assert timeref.infer_dates_from(published, Counter(written)) == expected


# --------------------------------------------------------------------------- settings, progress


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("", 2000, id="unset-default"),
    pytest.param("500", 500, id="number"),
    pytest.param(" 7 ", 7, id="spaces"),
    pytest.param("0", ValueError, id="zero"),
    pytest.param("-3", ValueError, id="negative"),
    pytest.param("lots", ValueError, id="word"),
])
def test_batch_size_setting(monkeypatch, value, expected):
    monkeypatch.setenv("TOLLDRIFT_BATCH", value)
    if expected is ValueError:
        with pytest.raises(ValueError, match=f"TOLLDRIFT_BATCH={value!r}: expected a whole"):
            batches.batch_size()
    else:
        assert batches.batch_size() == expected


@pytest.mark.parametrize(("seconds", "text"), [
    pytest.param(0, "0s", id="zero"),
    pytest.param(59.9, "59s", id="seconds"),
    pytest.param(65, "1m05s", id="minutes"),
    pytest.param(3_725, "1h02m", id="hours"),
])
def test_durations(seconds, text):
    assert progress._duration(seconds) == text


def test_progress_lines(monkeypatch, capfd):
    clock = iter([0.0, 2.0, 10.0, 20.0, 20.0, 20.0])
    monkeypatch.setattr(progress.time, "monotonic", lambda: next(clock))
    bar = progress.Progress("claims", 100, every=5.0)
    bar.update(10)  # at 2 s: too soon to say anything
    bar.update(40, "300 claims")  # at 10 s
    bar.close("600 claims")  # at 20 s
    assert capfd.readouterr().err.splitlines() == [
        "claims: 50 articles of 100 (50%), 5/s, about 10s left, 300 claims",
        "claims: 50 articles of 100 (50%), 2/s, about 20s left, 600 claims",
    ]
