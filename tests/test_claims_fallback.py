"""Undated claims of undated articles: the interval they fall back to."""

import datetime as dt

import polars as pl
import pytest

from tolldrift.claims import extract_claims


def _frames(lines: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    text = "\n".join(lines)
    rows, pos = [], 0
    for i, line in enumerate(lines):
        rows.append({"article": "a", "sentence_id": i, "line": i, "start": pos,
                     "end": pos + len(line), "text": line, "is_headline": False})
        pos += len(line) + 1
    sentences = pl.DataFrame(rows, schema={"article": pl.String, "sentence_id": pl.Int32,
                                           "line": pl.Int32, "start": pl.Int64,
                                           "end": pl.Int64, "text": pl.String,
                                           "is_headline": pl.Boolean})
    articles = pl.DataFrame({"article": ["a"], "text": [text], "published_at": [None]},
                            schema={"article": pl.String, "text": pl.String,
                                    "published_at": pl.Datetime("us")})
    return sentences, articles


D = dt.datetime


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            ["On May 3, 2024, floods killed at least 40 people in the valley.",
             "Officials said 12 children were among the dead."],
            [("at least 40", D(2024, 5, 3), D(2024, 5, 4), False),
             ("12 children", D(2024, 5, 3), D(2024, 5, 4), True)],
            id="part-takes-the-earlier-dated-total"),
        pytest.param(
            ["Rescuers said 9 people were killed in the landslide.",
             "On Tuesday, May 7, 2024, the toll rose to 15."],
            [("9 people were killed", D(2024, 5, 7), D(2024, 5, 8), True),
             ("15", D(2024, 5, 7), D(2024, 5, 8), False)],
            id="nothing-earlier-takes-the-later-one"),
        pytest.param(
            ["Rescuers said 9 people were killed in the landslide."],
            [("9 people were killed", D(2024, 5, 1), D(2024, 5, 4), True)],
            id="nothing-dated-takes-the-set-days"),
    ],
)
def test_undated_claims_fall_back(lines, expected):
    sentences, articles = _frames(lines)
    claims = extract_claims(sentences, articles, set_start=dt.date(2024, 5, 1),
                            set_end=dt.date(2024, 5, 3))
    got = [(q, s, e, f) for q, s, e, f in claims.select(
        "quote", "as_of_start", "as_of_end", "is_as_of_fallback").rows()]
    assert len(got) == len(expected)
    for (quote, start, end, fallback), (want_in_quote, w_start, w_end, w_fb) in zip(
            got, expected, strict=True):
        assert want_in_quote in quote
        assert (start, end, fallback) == (w_start, w_end, w_fb)


def test_background_claims_are_never_filled():
    sentences, articles = _frames([
        "On May 3, 2024, floods killed 40 people.",
        "The civil war has killed more than 300,000 people since 2011."])
    claims = extract_claims(sentences, articles, set_start=dt.date(2024, 5, 1),
                            set_end=dt.date(2024, 5, 3))
    background = claims.filter(pl.col("scope") == "background")
    assert background.height == 1
    assert background.row(0, named=True)["as_of_start"] != D(2024, 5, 3)
