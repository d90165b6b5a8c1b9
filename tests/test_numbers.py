"""Figures written as digits, words and vague amounts, and the intervals they imply."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tolldrift import numbers
from tolldrift.lexicon import RuleError, rules_path
from tolldrift.numbers import bounds, find_numbers, parse_number


@pytest.mark.parametrize(
    ("text", "value", "vague", "low", "high"),
    [
        pytest.param("4", 4, None, 4, 4, id="digit"),
        pytest.param("1,000", 1000, None, 1000, 1000, id="thousands-comma"),
        pytest.param("12,345,678", 12345678, None, 12345678, 12345678, id="millions-comma"),
        pytest.param("1.2 million", 1200000, None, 1200000, 1200000, id="decimal-million"),
        pytest.param("2 dozen", 24, None, 24, 24, id="digit-dozen"),
        pytest.param("four", 4, None, 4, 4, id="word"),
        pytest.param("Twelve", 12, None, 12, 12, id="capitalised-word"),
        pytest.param("twenty-five", 25, None, 25, 25, id="hyphenated"),
        pytest.param("twenty five", 25, None, 25, 25, id="spaced"),
        pytest.param("one hundred and twelve", 112, None, 112, 112, id="hundred-and"),
        pytest.param("a hundred", 100, None, 100, 100, id="a-hundred"),
        pytest.param("two thousand three hundred", 2300, None, 2300, 2300, id="compound"),
        pytest.param("half a million", 500000, None, 500000, 500000, id="half-a-million"),
        pytest.param("a dozen", 12, None, 12, 12, id="a-dozen"),
        pytest.param("three dozen", 36, None, 36, 36, id="three-dozen"),
        pytest.param("dozens", None, "dozens", 24, 99, id="dozens"),
        pytest.param("Scores", None, "scores", 40, 99, id="scores"),
        pytest.param("hundreds", None, "hundreds", 200, 999, id="hundreds"),
        pytest.param("thousands", None, "thousands", 2000, 9999, id="thousands"),
        pytest.param("tens of thousands", None, "thousands", 20000, 99999, id="tens-of-thousands"),
        pytest.param("hundreds of thousands", None, "thousands", 200000, 999999,
                     id="hundreds-of-thousands"),
        pytest.param("millions", None, "millions", 2000000, None, id="millions"),
    ],
)
def test_parse_number(text, value, vague, low, high):
    parsed = parse_number(text)
    assert parsed is not None
    assert (parsed.value, parsed.vague, parsed.low, parsed.high) == (value, vague, low, high)
    assert (parsed.start, parsed.end) == (0, len(text))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("several", id="several"),
        pytest.param("many", id="many"),
        pytest.param("numerous", id="numerous"),
        pytest.param("second", id="ordinal"),
        pytest.param("a", id="article-alone"),
        pytest.param("five six", id="two-units"),
        pytest.param("hundred and", id="dangling-and"),
        pytest.param("", id="empty"),
    ],
)
def test_parse_number_rejects(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("over 1,000 deaths and 745 civilians", [("1,000", 5, 1000), ("745", 22, 745)],
                     id="two-figures"),
        pytest.param("killing one hundred and twelve people", [("one hundred and twelve", 8, 112)],
                     id="words-with-and"),
        pytest.param("35 soldiers, 32 rebels, and 4 civilians",
                     [("35", 0, 35), ("32", 13, 32), ("4", 28, 4)], id="list-and-not-joined"),
        pytest.param("exceeds 70#SOHR", [("70", 8, 70)], id="hashtag-after"),
        pytest.param("see t.co/ve7wgSnoEr and @user42 #day3", [], id="inside-url-handle-tag"),
        pytest.param("$5 million in aid", [], id="money"),
        pytest.param("more than half a million lives", [("half a million", 10, 500000)],
                     id="half-a-million-in-text"),
        pytest.param("Dozens Killed", [("Dozens", 0, None)], id="vague-title-case"),
        pytest.param("someone and anyone", [], id="no-number-inside-words"),
    ],
)
def test_find_numbers(text, found):
    got = [(n.text, n.start, n.value) for n in find_numbers(text)]
    assert got == found
    for n in find_numbers(text):
        assert text[n.start:n.end] == n.text


@pytest.mark.parametrize(
    ("text", "qualifier", "low", "high"),
    [
        pytest.param("48", "exact", 48, 48, id="exact"),
        pytest.param("48", "at_least", 48, None, id="at-least"),
        pytest.param("70", "more_than", 71, None, id="more-than"),
        pytest.param("200", "nearly", 180, 199, id="nearly"),
        pytest.param("300", "approx", 270, 330, id="approx"),
        pytest.param("50", "up_to", None, 50, id="up-to"),
        pytest.param("1", "nearly", 0, 0, id="nearly-one"),
        pytest.param("dozens", "exact", 24, 99, id="vague-exact"),
        pytest.param("dozens", "more_than", 24, None, id="vague-more-than"),
        pytest.param("hundreds", "up_to", None, 999, id="vague-up-to"),
        pytest.param("millions", "exact", 2000000, None, id="vague-open"),
    ],
)
def test_bounds(text, qualifier, low, high):
    assert bounds(parse_number(text), qualifier) == (low, high)


def test_bounds_rejects_unknown_qualifier():
    with pytest.raises(ValueError, match="unknown qualifier"):
        bounds(parse_number("5"), "roughly")


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        pytest.param("resulting in over ", ("more_than", 13), id="over"),
        pytest.param("confirming at least ", ("at_least", 11), id="at-least"),
        pytest.param("A minimum of ", ("at_least", 0), id="minimum"),
        pytest.param("killing almost ", ("nearly", 8), id="almost"),
        pytest.param("as many as ", ("up_to", 0), id="as-many-as"),
        pytest.param("an estimated ", ("approx", 0), id="estimated"),
        pytest.param("killing ", None, id="none"),
        pytest.param("the hangover ", None, id="not-inside-word"),
    ],
)
def test_qualifier_before(left, expected):
    assert numbers.qualifier_before(left) == expected


def _words(n: int) -> str:
    """English words for 0 < n < 10**9 ("one hundred and twelve")."""
    units = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
             "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
             "eighteen", "nineteen"]
    tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    def below_thousand(k: int) -> list[str]:
        out = []
        if k >= 100:
            out += [units[k // 100], "hundred"]
            k %= 100
            if k:
                out.append("and")
        if k >= 20:
            out.append(tens[k // 10] + (f"-{units[k % 10]}" if k % 10 else ""))
        elif k:
            out.append(units[k])
        return out

    parts = []
    for scale, name in ((10**6, "million"), (10**3, "thousand"), (1, "")):
        chunk = (n // scale) % 1000
        if chunk:
            parts += below_thousand(chunk) + ([name] if name else [])
    return " ".join(parts)


@given(st.integers(min_value=1, max_value=999_999_999))
def test_words_parse_back(n):
    assert parse_number(_words(n)).value == n


@given(st.integers(min_value=0, max_value=10**9))
def test_digits_with_commas_parse_back(n):
    assert parse_number(f"{n:,}").value == n


def test_rule_file_typo_names_file_and_key(tmp_path, monkeypatch):
    broken = tmp_path / "number_words.yaml"
    shutil.copy(rules_path("number_words.yaml"), broken)
    broken.write_text(broken.read_text(encoding="utf-8").replace("  four: 4", "  four: four"),
                      encoding="utf-8")
    monkeypatch.setattr(numbers, "NUMBER_FILE", str(broken))
    with pytest.raises(RuleError, match=r"number_words\.yaml, key 'units'"):
        numbers.number_rules.__wrapped__()


def test_qualifier_file_unknown_qualifier(tmp_path, monkeypatch):
    broken = tmp_path / "qualifiers.yaml"
    shutil.copy(rules_path("qualifiers.yaml"), broken)
    broken.write_text(broken.read_text(encoding="utf-8").replace("  nearly:", "  nearley:", 1),
                      encoding="utf-8")
    monkeypatch.setattr(numbers, "QUALIFIER_FILE", str(broken))
    with pytest.raises(RuleError, match=r"qualifiers\.yaml, key 'before\.nearley'"):
        numbers.number_rules.__wrapped__()
