"""Scoring claims against gold: exact metric values worked out by hand."""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tolldrift.scoring import GOLD_SCHEMA, MISTAKES, GoldError, read_gold, score, write_metrics

GOLD_FILE = Path("/work/shared/gold/seeds.jsonl")

# a1: 48 and 28 found (28 with the wrong group), "dozens" found through outcome_alt
# without its source, 4 civilians missed, 140 invented (and taken for the headline toll);
# 48 repeated later (a duplicate); a2 right; a3 is not in the gold and is ignored.
GOLD_LINES = [
    {"article": "a1", "quote": "at least 48 deaths", "number": 48, "vague": None,
     "qualifier": "at_least", "outcome": "killed", "group": "all", "group_text": None,
     "scope": "event_total", "source": "SOHR", "as_of": "On Thursday evening"},
    {"article": "a1", "quote": "28 fighters", "number": 28, "vague": None,
     "qualifier": "exact", "outcome": "killed", "group": "armed_group",
     "group_text": "fighters", "scope": "event_part", "source": "SOHR", "as_of": None},
    {"article": "a1", "quote": "dozens of deaths and injuries", "number": None,
     "vague": "dozens", "qualifier": "exact", "outcome": "killed_or_injured",
     "outcome_alt": ["killed"], "group": "all", "group_text": None, "scope": "event_total",
     "source": "SOHR", "as_of": None},
    {"article": "a1", "quote": "4 civilians", "number": 4, "vague": None,
     "qualifier": "exact", "outcome": "killed", "group": "civilians",
     "group_text": "civilians", "scope": "event_part", "source": "SOHR", "as_of": None},
    {"article": "a2", "quote": "over 70 killed", "number": 70, "vague": None,
     "qualifier": "more_than", "outcome": "killed", "group": "all", "group_text": None,
     "scope": "event_total", "source": None, "as_of": None},
]

CLAIMS_CSV = """article,start,quote,number,vague,qualifier,outcome,group,scope,source
a1,10,at least 48 deaths,48,,at_least,killed,all,event_total,SOHR
a1,50,48 people died,48,,exact,killed,all,event_total,
a1,80,28 fighters,28,,exact,killed,all,event_part,SOHR
a1,120,dozens killed,,dozens,exact,killed,all,event_total,
a1,200,140 killed,140,,exact,killed,all,event_total,
a2,5,over 70 killed,70,,more_than,killed,all,event_total,
a3,5,5 killed,5,,exact,killed,all,event_total,
"""


def _claims(text: str) -> pl.DataFrame:
    return pl.read_csv(io.StringIO(text), schema_overrides={"number": pl.Int64,
                                                            "vague": pl.String,
                                                            "source": pl.String})


def _gold(tmp_path: Path, lines: list[dict]) -> pl.DataFrame:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    return read_gold(path)


def test_metrics(tmp_path):
    scores = score(_claims(CLAIMS_CSV), _gold(tmp_path, GOLD_LINES))
    assert scores.metrics == {
        "numeric_precision": 0.75, "numeric_recall": 0.75, "numeric_f1": 0.75,
        "numeric_tp": 3, "numeric_fp": 1, "numeric_fn": 1,
        "vague_precision": 1.0, "vague_recall": 1.0, "vague_f1": 1.0,
        "vague_tp": 1, "vague_fp": 0, "vague_fn": 0,
        "strict_precision": 0.6, "strict_recall": 0.6, "strict_f1": 0.6,
        "strict_tp": 3, "strict_fp": 2, "strict_fn": 2,
        "matched": 4,
        "qualifier_accuracy": 1.0, "group_accuracy": 0.75, "scope_accuracy": 1.0,
        "source_accuracy": 0.75,
        "headline_articles": 2, "headline_toll_accuracy": 0.5,
        "articles": 2,
    }


def test_mistakes(tmp_path):
    scores = score(_claims(CLAIMS_CSV), _gold(tmp_path, GOLD_LINES))
    expected = pl.DataFrame([
        ("false_positive", "a1", "140 killed", 140, None, None, None, None),
        ("field", "a1", "28 fighters", 28, None, "group", "armed_group", "all"),
        ("field", "a1", "dozens of deaths and injuries", None, "dozens", "source", "SOHR",
         None),
        ("field", "a1", None, None, None, "headline_toll", "48", "140"),
        ("miss", "a1", "4 civilians", 4, None, None, None, None),
    ], schema=MISTAKES.polars_schema, orient="row")
    assert_frame_equal(scores.mistakes, expected)


def test_same_group_preferred_when_numbers_repeat(tmp_path):
    gold = _gold(tmp_path, [
        {**GOLD_LINES[3]},
        {**GOLD_LINES[3], "quote": "4 police officers", "group": "state_forces",
         "group_text": "police officers"},
    ])
    claims = _claims("""article,start,quote,number,vague,qualifier,outcome,group,scope,source
a1,10,4 police officers,4,,exact,killed,state_forces,event_part,SOHR
a1,40,4 civilians,4,,exact,killed,civilians,event_part,SOHR
""")
    metrics = score(claims, gold).metrics
    assert (metrics["numeric_tp"], metrics["strict_tp"], metrics["group_accuracy"]) == (
        2, 2, 1.0)


@pytest.mark.parametrize(("claims_csv", "expected"), [
    pytest.param("article,start,quote,number,vague,qualifier,outcome,group,scope,source\n",
                 (0.0, 0.0, 0.0, 0, 0, 1), id="nothing-found"),
    pytest.param("article,start,quote,number,vague,qualifier,outcome,group,scope,source\n"
                 "a2,5,70 injured,70,,more_than,injured,all,event_total,\n",
                 (0.0, 0.0, 0.0, 0, 1, 1), id="outcome-differs"),
])
def test_prf_edges(tmp_path, claims_csv, expected):
    m = score(_claims(claims_csv), _gold(tmp_path, GOLD_LINES[4:])).metrics
    assert (m["numeric_precision"], m["numeric_recall"], m["numeric_f1"], m["numeric_tp"],
            m["numeric_fp"], m["numeric_fn"]) == expected
    assert (m["vague_f1"], m["qualifier_accuracy"]) == (1.0, None)


# -------------------------------------------------------------------- read_gold


@pytest.mark.parametrize(("line", "message"), [
    pytest.param("{not json", "line 2: not valid JSON", id="bad-json"),
    pytest.param(json.dumps({k: v for k, v in GOLD_LINES[0].items() if k != "scope"}),
                 "line 2: missing field(s) ['scope']", id="missing-field"),
    pytest.param(json.dumps({**GOLD_LINES[0], "outcome": "dead"}),
                 "line 2: outcome 'dead' not in", id="unknown-outcome"),
    pytest.param(json.dumps({**GOLD_LINES[0], "vague": "dozens"}),
                 "line 2: exactly one of number and vague", id="number-and-vague"),
    pytest.param("[1, 2]", "line 2: must be a JSON object", id="not-an-object"),
])
def test_read_gold_errors_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(GOLD_LINES[0]) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(GoldError) as err:
        read_gold(path)
    assert str(err.value).startswith(f"{path}, {message}")


def test_read_gold_frame(tmp_path):
    gold = _gold(tmp_path, GOLD_LINES[2:4])
    assert gold.schema == GOLD_SCHEMA
    assert gold.select("line", "number", "vague", "outcome_alt").to_dicts() == [
        {"line": 1, "number": None, "vague": "dozens", "outcome_alt": ["killed"]},
        {"line": 2, "number": 4, "vague": None, "outcome_alt": []},
    ]


@pytest.mark.skipif(not GOLD_FILE.exists(), reason="seed gold not available")
def test_seed_gold_reads_and_scores_itself():
    gold = read_gold(GOLD_FILE)
    claims = gold.with_columns(pl.col("line").cast(pl.Int64).alias("start"))
    m = score(claims, gold).metrics
    assert (gold.height, m["strict_f1"], m["headline_toll_accuracy"]) == (18, 1.0, 1.0)


def test_write_metrics_is_stable(tmp_path):
    path = tmp_path / "m" / "metrics.json"
    write_metrics({"b": 0.5, "a": 1, "c": None}, path)
    assert path.read_text(encoding="utf-8") == '{\n  "a": 1,\n  "b": 0.5,\n  "c": null\n}\n'
