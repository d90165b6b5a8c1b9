"""Properties that hold for any input: numbers written as words parse back, sentence
offsets slice the text, decoding and claim extraction never raise unexpectedly."""

import datetime as dt

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tolldrift.ingest import SkipFile, decode
from tolldrift.text import lines, split_sentences

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
SCALES = [(1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand")]


def _below_thousand(n: int, *, hyphen: bool, and_: bool) -> str:
    words = []
    if n >= 100:
        words += [UNITS[n // 100], "hundred"]
        n %= 100
        if n and and_:
            words.append("and")
    if n >= 20:
        tens, unit = TENS[n // 10], UNITS[n % 10]
        words.append(tens if not n % 10 else f"{tens}-{unit}" if hyphen else f"{tens} {unit}")
    elif n:
        words.append(UNITS[n])
    return " ".join(words)


def to_words(n: int, *, hyphen: bool = True, and_: bool = False) -> str:
    """English words for 1 <= n <= 10**9 ("one million two hundred and five")."""
    parts = []
    for value, name in SCALES:
        if n >= value:
            parts.append(f"{_below_thousand(n // value, hyphen=hyphen, and_=and_)} {name}")
            n %= value
    if n:
        parts.append(_below_thousand(n, hyphen=hyphen, and_=and_))
    return " ".join(parts)


def test_to_words_examples():
    assert to_words(1) == "one"
    assert to_words(105, and_=True) == "one hundred and five"
    assert to_words(1_200_045) == "one million two hundred thousand forty-five"
    assert to_words(10**9) == "one billion"


@SETTINGS
@given(n=st.integers(1, 10**9), hyphen=st.booleans(), and_=st.booleans(),
       case=st.sampled_from([str.lower, str.capitalize, str.upper]))
def test_number_words_parse_back(n, hyphen, and_, case):
    from tolldrift.numbers import parse_number

    words = case(to_words(n, hyphen=hyphen, and_=and_))
    parsed = parse_number(words)
    assert parsed is not None, words
    assert (parsed.value, parsed.start, parsed.end) == (n, 0, len(words))


@SETTINGS
@given(n=st.integers(1, 10**9))
def test_digits_with_commas_parse_back(n):
    from tolldrift.numbers import parse_number

    parsed = parse_number(f"{n:,}")
    assert parsed is not None and parsed.value == n


# Text from characters that matter to line and sentence splitting, plus anything.
TEXTISH = st.text(
    alphabet=st.one_of(st.sampled_from(list("Aa1 .!?…\"”’')]([“‘\r\n\t\u2028\u00a0\u200b")),
                       st.characters()),
    max_size=300,
)


@SETTINGS
@given(text=TEXTISH)
def test_sentence_offsets_slice_the_text(text):
    previous_end = 0
    for ln in lines(text):
        segment = text[ln.start:ln.end]
        assert segment == segment.strip() and segment
        assert "\n" not in segment and "\r" not in segment
        assert ln.start >= previous_end
        spans = split_sentences(text, ln.start, ln.end)
        for s, e in spans:
            assert ln.start <= s < e <= ln.end
            assert text[s:e].strip()
            assert s >= previous_end
            previous_end = e
        previous_end = max(previous_end, ln.end)


@SETTINGS
@given(data=st.one_of(
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.text(max_size=200).map(lambda t: t.encode("utf-16")),
    st.text(max_size=200).map(lambda t: t.encode("utf-16-le", "surrogatepass")),
    st.text(alphabet=st.characters(max_codepoint=255), max_size=200)
    .map(lambda t: t.encode("latin-1")),
))
def test_decode_returns_the_text_or_skips(data):
    try:
        text, codec = decode(data)
    except SkipFile as exc:
        assert str(exc)
        return
    assert data.decode(codec) == text
    assert text.strip()


def _frame(sentence: str):
    """One article holding one sentence, as the ingest stage would give it."""
    articles = pl.DataFrame({
        "article": ["a"], "text": [sentence],
        "published_at": [dt.datetime(2025, 3, 8, 12)],
        "published_precision": ["minute"],
    })
    sentences = pl.DataFrame({
        "article": ["a"], "sentence_id": [0], "line": [0], "start": [0],
        "end": [len(sentence)], "text": [sentence], "is_headline": [False],
    }, schema_overrides={"sentence_id": pl.Int32, "line": pl.Int32, "start": pl.Int64,
                         "end": pl.Int64})
    return sentences, articles


WORDS = st.sampled_from(
    ["killed", "dead", "at least", "more than", "dozens", "people", "civilians", "wounded",
     "injured", "toll", "rose", "to", "the", "monitor", "said", "on", "Friday", "70", "1,500",
     "twenty-one", "hundreds", "of", "and", "were", "among", "them", "by", "Saturday", "night",
     ",", ".", "“", "”", "(", ")", "SOHR", "according", "soldiers", "missing", "half", "a",
     "million", "3", "children", "since", "Thursday", "including", "bodies", "were", "found"])


@SETTINGS
@given(sentence=st.one_of(
    st.lists(WORDS, max_size=30).map(" ".join),
    st.text(max_size=200),
    st.lists(st.one_of(WORDS, st.text(max_size=5)), max_size=30).map(" ".join),
))
def test_extract_claims_never_raises(sentence):
    from tolldrift import schema
    from tolldrift.claims import extract_claims

    sentence = sentence.strip() or "x"
    sentences, articles = _frame(sentence)
    claims = extract_claims(sentences, articles)
    assert claims.columns == list(schema.CLAIMS.polars_schema)
    for row in claims.iter_rows(named=True):
        assert 0 <= row["start"] <= row["end"] <= len(sentence)
        assert sentence[row["start"]:row["end"]] == row["quote"]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        pytest.param("9" * 400 + " people were killed.", [], id="400-digits"),
        pytest.param("1" + "0" * 13 + " people were killed.", [], id="beyond-a-trillion"),
        pytest.param("1" + "0" * 12 + " people were killed.", [10**12], id="a-trillion"),
    ],
)
def test_find_numbers_ignores_runs_too_long_to_count_people(text, values):
    from tolldrift.numbers import find_numbers

    assert [n.value for n in find_numbers(text)] == values
