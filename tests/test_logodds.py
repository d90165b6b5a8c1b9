"""Weighted log-odds with an informative Dirichlet prior, and the tokenizer."""

from __future__ import annotations

import itertools
import math
from datetime import datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tolldrift import schema
from tolldrift.lexicon import RuleError
from tolldrift.logodds import (
    TermTally,
    log_odds,
    merge_term_uses,
    stopwords,
    term_counts,
    term_uses,
    time_buckets,
    tokenize,
)

# group -> term -> count; "z" never appears in A, "x" never in C
COUNTS = {"A": {"x": 3, "y": 1}, "B": {"x": 1, "y": 2, "z": 1}, "C": {"y": 1, "z": 2}}


def counts_frame() -> pl.DataFrame:
    return pl.DataFrame(
        [(g, t, n) for g, terms in COUNTS.items() for t, n in terms.items()],
        orient="row", schema={"outlet": pl.String, "term": pl.String, "n": pl.Int64})


def by_hand(prior_scale: float | None) -> list[tuple[str, str, int, float, float, float]]:
    terms = sorted({t for terms in COUNTS.values() for t in terms})
    total = {t: sum(COUNTS[g].get(t, 0) for g in COUNTS) for t in terms}
    big_n = sum(total.values())
    a0 = big_n if prior_scale is None else prior_scale
    rows = []
    for g, group in COUNTS.items():
        n_i = sum(group.values())
        n_j = big_n - n_i
        for t in terms:
            a_w = a0 * total[t] / big_n
            y_i = group.get(t, 0)
            y_j = total[t] - y_i
            delta = (math.log((y_i + a_w) / (n_i + a0 - y_i - a_w))
                     - math.log((y_j + a_w) / (n_j + a0 - y_j - a_w)))
            var = 1 / (y_i + a_w) + 1 / (y_j + a_w)
            rows.append((g, t, y_i, delta, var, delta / math.sqrt(var)))
    return sorted(rows, key=lambda r: (r[0], -r[5], r[1]))


@pytest.mark.parametrize("prior_scale", [
    pytest.param(None, id="prior-is-corpus-counts"),
    pytest.param(2.0, id="weak-prior"),
    pytest.param(100.0, id="strong-prior"),
])
def test_log_odds_matches_hand_computation(prior_scale):
    got = log_odds(counts_frame(), prior_scale=prior_scale)
    expected = pl.DataFrame(by_hand(prior_scale), orient="row",
                            schema=["outlet", "term", "n", "delta", "var", "z"])
    assert_frame_equal(got, expected, check_exact=False, rel_tol=0, abs_tol=1e-9)


def test_log_odds_first_row_by_hand():
    # A against B+C for "x": N = 11, n_A = 4, n_BC = 7, alpha0 = N, alpha_x = 11 * 4/11 = 4
    delta = math.log((3 + 4) / (4 + 11 - 3 - 4)) - math.log((1 + 4) / (7 + 11 - 1 - 4))
    var = 1 / (3 + 4) + 1 / (1 + 4)
    row = log_odds(counts_frame()).row(0)
    assert row[:3] == ("A", "x", 3)
    assert row[3:] == pytest.approx((delta, var, delta / math.sqrt(var)), abs=1e-9)


def test_log_odds_by_time_bucket():
    arts = pl.DataFrame({"article": ["a", "b", "c"],
                         "published_at": [datetime(2025, 3, 7, 9, 5), datetime(2025, 3, 7, 9, 50),
                                          datetime(2025, 3, 7, 14, 0)]})
    tokens = pl.DataFrame({"article": ["a", "b", "c", "c"],
                           "term": ["clashes", "clashes", "massacre", "clashes"]})
    counts = term_counts(tokens, time_buckets(arts, "1h"), group_col="bucket")
    assert counts.rows() == [(datetime(2025, 3, 7, 9), "clashes", 2),
                             (datetime(2025, 3, 7, 14), "clashes", 1),
                             (datetime(2025, 3, 7, 14), "massacre", 1)]
    got = log_odds(counts, group_col="bucket")
    assert got.columns == ["bucket", "term", "n", "delta", "var", "z"]
    assert got.filter(pl.col("z") > 0).select("bucket", "term").rows() == [
        (datetime(2025, 3, 7, 9), "clashes"), (datetime(2025, 3, 7, 14), "massacre")]


def test_tokenize_unigrams_and_bigrams():
    sents = pl.DataFrame(
        [("a1", 0, 0, 0, 53, "Assad’s loyalists attacked the security forces' posts.", False),
         ("a1", 1, 0, 54, 67, "Pro-Assad fighters, 70 dead.", False)],
        orient="row", schema=schema.SENTENCES.polars_schema)
    got = tokenize(sents).select("sentence_id", "position", "ngram", "term").rows()
    assert got == [
        (0, 0, 1, "assad"), (0, 0, 2, "assad loyalists"),
        (0, 1, 1, "loyalists"), (0, 1, 2, "loyalists attacked"),
        (0, 2, 1, "attacked"),
        (0, 4, 1, "security"), (0, 4, 2, "security forces"),
        (0, 5, 1, "forces"), (0, 5, 2, "forces posts"),
        (0, 6, 1, "posts"),
        (1, 0, 1, "pro-assad"), (1, 0, 2, "pro-assad fighters"),
        (1, 1, 1, "fighters"), (1, 1, 2, "fighters dead"),
        (1, 2, 1, "dead"),
    ]


def test_stopwords_typo_fails_loudly(tmp_path):
    path = tmp_path / "stop.yaml"
    path.write_text("stopwords:\n  - the\n  - no\n", encoding="utf-8")  # `no` reads as False
    with pytest.raises(RuleError) as err:
        stopwords(path)
    assert err.value.key == "stopwords"
    assert {"the", "of", "no"} <= stopwords()


# --------------------------------------------------------------------------- batches

def sentences(rows: list[tuple[str, int, str]]) -> pl.DataFrame:
    """Sentences frame from (article, sentence_id, text) rows."""
    return pl.DataFrame([(a, sid, 0, 0, len(t), t, False) for a, sid, t in rows],
                        orient="row", schema=schema.SENTENCES.polars_schema)


CORPUS = sentences([
    ("a1", 0, "Gunmen stormed the town."),
    ("a1", 1, "Gunmen fled at dawn."),
    ("a2", 0, "Militants stormed the town."),
    ("a3", 0, "Militants and gunmen clashed."),
    ("a3", 1, "The town mourned."),
])
GROUPS = pl.DataFrame({"article": ["a1", "a2", "a3", "a1", "a3"],
                       "grouping": ["outlet", "outlet", "outlet", "time", "time"],
                       "group": ["North", "South", "North", "day 1", "day 2"]})
KEYS = ("grouping", "group")


def test_term_uses_counts_and_first_use():
    got = term_uses(tokenize(CORPUS), GROUPS, KEYS).filter(
        pl.col("term").is_in(["gunmen", "town", "gunmen stormed", "the town"]))
    assert got.rows() == [
        ("outlet", "North", "gunmen", 3, "a1", 0, 0),
        ("outlet", "North", "gunmen stormed", 1, "a1", 0, 0),
        ("outlet", "North", "town", 2, "a1", 0, 3),
        ("outlet", "South", "town", 1, "a2", 0, 3),
        ("time", "day 1", "gunmen", 2, "a1", 0, 0),
        ("time", "day 1", "gunmen stormed", 1, "a1", 0, 0),
        ("time", "day 1", "town", 1, "a1", 0, 3),
        ("time", "day 2", "gunmen", 1, "a3", 0, 2),
        ("time", "day 2", "town", 1, "a3", 1, 1),
    ]


def test_term_uses_of_articles_in_no_group_is_empty():
    got = term_uses(tokenize(CORPUS), GROUPS.filter(pl.col("article") == "a9"), KEYS)
    assert got.is_empty()
    assert got.columns == ["grouping", "group", "term", "n", "example_article", "sentence_id",
                           "position"]


@pytest.mark.parametrize(("cuts", "backwards"), [
    pytest.param([], False, id="one-batch"),
    pytest.param([2, 3], False, id="batch-per-article"),
    pytest.param([1, 2, 3, 4], False, id="batch-per-sentence"),
    pytest.param([3], True, id="later-articles-first"),
])
def test_tally_of_batches_equals_all_at_once(cuts, backwards):
    bounds = [0, *cuts, CORPUS.height]
    batches = [CORPUS.slice(a, b - a) for a, b in itertools.pairwise(bounds)]
    if backwards:  # the first use is still the earliest article's
        batches.reverse()
    tally = TermTally(GROUPS, KEYS)
    for batch in batches:
        tally.add(batch)
    assert_frame_equal(tally.table(), term_uses(tokenize(CORPUS), GROUPS, KEYS))


def test_tally_merges_as_it_goes():
    tally = TermTally(GROUPS, KEYS)
    for k in range(CORPUS.height):
        tally.add(CORPUS.slice(k, 1))
    parts = [term_uses(tokenize(CORPUS.slice(k, 1)), GROUPS, KEYS) for k in range(CORPUS.height)]
    assert_frame_equal(tally.table(), merge_term_uses(parts, KEYS))
    assert_frame_equal(tally.table(), term_uses(tokenize(CORPUS), GROUPS, KEYS))


def test_tally_of_nothing_is_empty():
    table = TermTally(GROUPS, KEYS).table()
    assert table.is_empty()
    assert table.columns == ["grouping", "group", "term", "n", "example_article",
                             "sentence_id", "position"]


@pytest.mark.parametrize("prior_scale", [
    pytest.param(None, id="prior-is-corpus-counts"),
    pytest.param(2.0, id="weak-prior"),
])
def test_log_odds_without_zeros_scores_the_same(prior_scale):
    full = log_odds(counts_frame(), prior_scale=prior_scale)
    used = log_odds(counts_frame(), prior_scale=prior_scale, keep_zeros=False)
    assert_frame_equal(used, full.filter(pl.col("n") > 0))
    assert full.filter(pl.col("n") == 0).select("outlet", "term").rows() == [
        ("A", "z"), ("C", "x")]


def test_log_odds_of_no_counts_is_empty():
    empty = counts_frame().clear()
    for keep_zeros in (True, False):
        got = log_odds(empty, keep_zeros=keep_zeros)
        assert got.is_empty() and got.columns == ["outlet", "term", "n", "delta", "var", "z"]
