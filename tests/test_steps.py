"""Stage steps: set-date parameters, article times, distinctive terms with examples."""

import datetime as dt

import polars as pl
import pytest

from tolldrift import schema, steps


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, None, id="none"),
        pytest.param("None", None, id="none-string-from-dvc"),
        pytest.param("", None, id="empty"),
        pytest.param("2025-03-06", dt.date(2025, 3, 6), id="iso-date"),
        pytest.param(dt.date(2024, 1, 2), dt.date(2024, 1, 2), id="date-object"),
    ],
)
def test_parse_day(value, expected):
    assert steps.parse_day(value, "set_start") == expected


def test_parse_day_rejects_other_text():
    with pytest.raises(ValueError, match="parameter set_end: '7 March' is not a date"):
        steps.parse_day("7 March", "set_end")


def _claims(rows):
    cols = {c.name: c.dtype for c in schema.CLAIMS.columns}
    base = {c: None for c in cols} | {"sentence_id": 0, "start": 0, "end": 1, "quote": "x",
                                      "qualifier": "exact", "outcome": "killed",
                                      "group": "all", "is_as_of_fallback": False,
                                      "is_headline": False}
    return pl.DataFrame([base | r for r in rows], schema=cols)


def test_article_times_prefer_publication_then_own_dated_claims():
    articles = pl.DataFrame({"article": ["a", "b", "c"],
                             "published_at": [dt.datetime(2025, 3, 7, 9), None, None]},
                            schema={"article": pl.String, "published_at": pl.Datetime("us")})
    claims = _claims([
        {"article": "b", "scope": "event_total", "as_of_start": dt.datetime(2025, 3, 6, 18)},
        {"article": "b", "scope": "background", "as_of_start": dt.datetime(2011, 3, 1)},
        {"article": "c", "scope": "event_total", "as_of_start": dt.datetime(2025, 3, 6),
         "is_as_of_fallback": True},
    ])
    assert steps.article_times(articles, claims).rows() == [
        ("a", dt.datetime(2025, 3, 7, 9), "published"),
        ("b", dt.datetime(2025, 3, 6, 18), "as_of"),
        ("c", None, None),
    ]


def test_distinctive_terms_carry_the_first_example():
    articles = pl.DataFrame({"article": ["a", "b"], "outlet": ["North", "South"],
                             "published_at": [None, None]},
                            schema={"article": pl.String, "outlet": pl.String,
                                    "published_at": pl.Datetime("us")})
    sentences = pl.DataFrame({
        "article": ["a", "a", "b"], "sentence_id": [0, 1, 0], "line": [0, 1, 0],
        "start": [0, 20, 0], "end": [19, 40, 20],
        "text": ["Gunmen stormed town.", "Gunmen fled at dawn.", "Militants stormed town."],
        "is_headline": [False, False, False]},
        schema={"article": pl.String, "sentence_id": pl.Int32, "line": pl.Int32,
                "start": pl.Int64, "end": pl.Int64, "text": pl.String,
                "is_headline": pl.Boolean})
    _, terms = steps.run_describe(articles, sentences, _claims([]).head(0), None)
    row = terms.filter((pl.col("grouping") == "outlet") & (pl.col("group") == "North")
                       & (pl.col("term") == "gunmen")).row(0, named=True)
    assert (row["n"], row["example_article"], row["example"]) == (
        2, "a", "Gunmen stormed town.")
    absent = terms.filter((pl.col("group") == "South") & (pl.col("term") == "gunmen"))
    assert absent.select("n", "example").rows() == [(0, None)]
    assert terms.filter(pl.col("grouping") == "time").is_empty()
