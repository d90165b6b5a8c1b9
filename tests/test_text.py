"""Sentence splitting and line offsets."""

import csv
from pathlib import Path

import pytest

from tolldrift.text import has_final_punctuation, lines, split_sentences

DATA = Path(__file__).parent / "data"


def _sentence_cases():
    path = DATA / "sentence_cases.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        for row_number, row in enumerate(csv.DictReader(fh), start=2):
            if not row["line"] or not row["sentences"]:
                raise ValueError(f"{path}, row {row_number}: empty line or sentences")
            yield pytest.param(row["line"], row["sentences"].split("|"), id=row["id"])


@pytest.mark.parametrize(("line", "expected"), list(_sentence_cases()))
def test_split_sentences(line, expected):
    text = "  " + line + "  "
    spans = split_sentences(text, 2, 2 + len(line))
    assert [text[s:e] for s, e in spans] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a\nb", [(0, 0, 1), (1, 2, 3)], id="lf"),
        pytest.param("a\r\nb\r\n", [(0, 0, 1), (1, 3, 4)], id="crlf"),
        pytest.param("a\rb", [(0, 0, 1), (1, 2, 3)], id="lone-cr"),
        pytest.param(" a \n\n  b", [(0, 1, 2), (2, 7, 8)], id="blank-line-and-indent"),
        pytest.param("\n\n", [], id="only-newlines"),
        pytest.param("", [], id="empty"),
    ],
)
def test_lines_offsets(text, expected):
    assert [(ln.number, ln.start, ln.end) for ln in lines(text)] == expected


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        pytest.param("The toll rose.", True, id="full-stop"),
        pytest.param("He said: “It is over.”", True, id="inside-quote"),
        pytest.param("Over 70 Killed in Clashes", False, id="headline"),
        pytest.param("(@monitor) March 7, 2025", False, id="tweet-tail"),
    ],
)
def test_final_punctuation(segment, expected):
    assert has_final_punctuation(segment) is expected
