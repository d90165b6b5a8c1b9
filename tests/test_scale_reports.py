"""Large sets: the describe and compare stages read their inputs batch by batch or
lazily and give the same tables as in memory; their reports stay small, with capped
charts and tables that say what they leave out."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT
from polars.testing import assert_frame_equal

from tolldrift import compare, describe, logodds, schema, steps

N_ARTICLES = 600
N_OUTLETS = 40
START = dt.datetime(2025, 1, 1, 6)
LETTERS = "abcdefghijklmnopqrstuvwxyz"

SENTENCES = (
    "Gunmen attacked a village near the coast.",
    "Security forces said the clashes lasted hours.",
    "“It was a massacre,” a resident said.",
    "Rescuers searched the rubble for survivors.",
    "Officials reportedly blamed militants for the ambush.",
)


def generated_set() -> dict[str, pl.DataFrame]:
    """Articles, sentences and claims of a made-up set: many outlets, many days, six
    claims per article, the sentences of each article in file order."""
    articles, sentences, claims = [], [], []
    for k in range(N_ARTICLES):
        article = f"art{k:04d}"
        published = START + dt.timedelta(hours=5 * k)
        outlet = None if k % 17 == 0 else f"Outlet {k % N_OUTLETS:02d}"
        pos = 0
        place = "Tal" + LETTERS[k % 26] + LETTERS[k * 7 % 26]
        texts = [SENTENCES[(k + sid) % len(SENTENCES)] for sid in range(5)]
        for sid, text in enumerate([*texts, f"Residents fled {place} at dawn."]):
            sentences.append((article, sid, sid // 2, pos, pos + len(text), text, False))
            pos += len(text) + 1
        articles.append({"article": article, "outlet": outlet,
                         "published_at": published if k % 11 else None})
        for c in range(6):
            number = 10 + (k * 7 + c * 13) % 90
            as_of = published - dt.timedelta(hours=c % 5)
            claims.append({
                "article": article, "sentence_id": c % 5, "start": 10 * c, "end": 10 * c + 9,
                "quote": f"{number} killed", "number": number, "low": number,
                "high": number if c % 2 else None,
                "qualifier": "exact" if c % 2 else "at_least", "outcome": "killed",
                "group": "all" if c < 4 else "civilians",
                "scope": "event_total" if c < 5 else "event_part",
                "source": None if c % 3 else f"Source {k % 7}",
                "as_of_start": as_of, "as_of_end": as_of + dt.timedelta(hours=1),
                "is_as_of_fallback": False, "is_headline": False})
    cols = {c.name: c.dtype for c in schema.ARTICLES.columns}
    arts = pl.DataFrame(articles).with_columns(
        **{c: pl.lit(None, dtype) for c, dtype in cols.items()
           if c not in ("article", "outlet", "published_at")})
    arts = arts.with_columns(file=pl.col("article"), format=pl.lit("txt"),
                             encoding=pl.lit("utf-8"), outlet_how=pl.lit("none"),
                             author_how=pl.lit("none"), title_how=pl.lit("none"),
                             published_how=pl.lit("none"), text=pl.lit("(text)"),
                             words=pl.lit(45), sentences=pl.lit(6), lines_removed=pl.lit(0))
    return {"articles": schema.enforce(arts, schema.ARTICLES),
            "sentences": pl.DataFrame(sentences, orient="row",
                                      schema=schema.SENTENCES.polars_schema),
            "claims": schema.enforce(pl.DataFrame(claims).with_columns(
                vague=pl.lit(None, pl.String), group_text=pl.lit(None, pl.String),
                as_of_text=pl.lit(None, pl.String)), schema.CLAIMS)}


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return generated_set()


@pytest.fixture(scope="module")
def files(frames, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("set")
    paths = {name: folder / f"{name}.parquet" for name in frames}
    for name, frame in frames.items():
        frame.write_parquet(paths[name])
    return paths


def test_describe_from_files_in_small_batches_equals_in_memory(frames, files, tmp_path,
                                                                monkeypatch):
    whole_d, whole_t = steps.run_describe(frames["articles"], frames["sentences"],
                                          frames["claims"], None)
    monkeypatch.setattr(describe, "SENTENCE_BATCH", 37)
    out = tmp_path / "descriptors.parquet"
    got_d, got_t = steps.run_describe(files["articles"], files["sentences"], files["claims"],
                                      None, descriptors_out=out)
    assert isinstance(got_d, pl.LazyFrame)
    assert_frame_equal(got_d.collect(), whole_d)
    assert_frame_equal(got_t, whole_t)
    assert whole_d.height > N_ARTICLES and whole_t.height > 0


@pytest.mark.parametrize(("full_pairs", "zeros"), [
    pytest.param(10**9, True, id="small-grouping-lists-unused-pairs"),
    pytest.param(0, False, id="large-grouping-lists-used-pairs-only"),
])
def test_terms_list_unused_pairs_only_for_small_groupings(frames, monkeypatch, full_pairs,
                                                          zeros):
    full = steps.run_describe(frames["articles"], frames["sentences"], frames["claims"],
                              None)[1]
    monkeypatch.setattr(logodds, "FULL_PAIRS", full_pairs)
    got = steps.run_describe(frames["articles"], frames["sentences"], frames["claims"],
                             None)[1]
    assert got.filter(pl.col("n") == 0).is_empty() is not zeros
    assert_frame_equal(got, full if zeros else full.filter(pl.col("n") > 0))


def test_compare_tables_from_scans_equal_in_memory(frames, files):
    lazy = steps.compare_tables(pl.scan_parquet(files["claims"]),
                                pl.scan_parquet(files["articles"]))
    eager = steps.compare_tables(frames["claims"], frames["articles"])
    for name, table in eager.items():
        assert_frame_equal(lazy[name], table, check_exact=True)
    assert compare.headline_metrics(files["claims"], files["articles"], lazy) == \
        compare.headline_metrics(frames["claims"], frames["articles"])


def chart_specs(page: str) -> list[dict]:
    """Every chart spec inlined in a report page."""
    return [json.loads(m) for m in re.findall(r"var spec = (\{.*?\});\n", page)]


def spec_rows(spec: dict) -> int:
    return sum(len(rows) for rows in spec.get("datasets", {}).values())


def run_stage(notebook: str, stem: Path, **params: Path | str) -> str:
    argv = [sys.executable, "-m", "tolldrift.stage", f"notebooks/{notebook}", str(stem)]
    for name, value in params.items():
        argv += ["-p", name, str(value)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return stem.with_suffix(".html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reports(files, tmp_path_factory) -> dict[str, tuple[str, Path]]:
    out = tmp_path_factory.mktemp("out")
    describe_page = run_stage(
        "03-describe-coverage.ipynb", out / "03", set_name="generated",
        articles_in=files["articles"], sentences_in=files["sentences"],
        claims_in=files["claims"], lexicon_in="none",
        descriptors_out=out / "descriptors.parquet", terms_out=out / "terms.parquet")
    compare_page = run_stage(
        "04-compare-outlets.ipynb", out / "04", set_name="generated",
        articles_in=files["articles"], claims_in=files["claims"],
        tolls_out=out / "tolls.parquet", reconciled_out=out / "reconciled.parquet",
        parts_out=out / "parts.parquet", first_reports_out=out / "first.parquet",
        citations_out=out / "citations.parquet", timeline_plot_out=out / "timeline.csv",
        metrics_out=out / "metrics.json")
    return {"describe": (describe_page, out), "compare": (compare_page, out)}


def titles(spec: dict) -> list[str]:
    title = spec.get("title", [])
    return [title] if isinstance(title, str) else title


@pytest.mark.parametrize(("report", "said", "tables"), [
    pytest.param("describe", [
        "actor_state: uses per outlet (the 30 of 41 outlets with the most uses)",
        "The 12 of 41 groups with the most term uses (a panel each)",
        "The 12 of 126 groups with the most term uses (a panel each)",
        "victim: label shares over time (1w buckets: too many for one bar per 1d)",
    ], ["Showing 1000 of 8400 rows."], id="describe"),
    pytest.param("compare", [
        "30 of 76 outlets (those with the most figures): 1696 of 2400 figures",
        "the 30 of 76 outlets with the most groups",
        "40 of 600 totals: those whose parts do not add up first, then the largest",
        "the 150 of 392 outlet-source pairs with the most claims",
    ], ["Showing 1000 of 7200 rows.", "Showing 1000 of 3600 rows."], id="compare"),
])
def test_reports_cap_charts_and_tables_and_say_so(reports, report, said, tables):
    page, _ = reports[report]
    specs = chart_specs(page)
    assert max(spec_rows(s) for s in specs) <= compare.MAX_POINTS
    assert set(said) <= {t for s in specs for t in titles(s)}
    assert all(f'<p class="tolldrift-note">{note}</p>' in page for note in tables)
    assert len(page.encode("utf-8")) < 4_000_000


def test_report_outputs_equal_the_tables_in_memory(reports, frames):
    _, out = reports["describe"]
    descriptors, terms = steps.run_describe(frames["articles"], frames["sentences"],
                                            frames["claims"], None)
    assert_frame_equal(pl.read_parquet(out / "descriptors.parquet"), descriptors)
    assert_frame_equal(pl.read_parquet(out / "terms.parquet"),
                       schema.enforce(terms, schema.TERMS))
    tables = steps.compare_tables(frames["claims"], frames["articles"])
    assert_frame_equal(pl.read_parquet(out / "reconciled.parquet"),
                       schema.enforce(tables["reconciled"], schema.COMPARE_RECONCILED))
    assert pl.read_csv(out / "timeline.csv").height == compare.timeline_data(
        frames["claims"], frames["articles"]).height
