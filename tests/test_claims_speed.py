"""The shortcuts that make claim extraction fast rule out only what cannot match.

Each shortcut is tested against the plain way it replaces: literal-word gates and
vectorised word lookups (which may drop a pattern or a sentence only when it cannot
match), the scanners that try a pattern only where it can start, and the time
expressions read only near the claims.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import polars as pl
import pytest

from tolldrift import claims, numbers, timeref
from tolldrift.timeref import EndSearch, Gate, Words

# --------------------------------------------------------------------------- case folding


def test_folds_to_ascii_lists_every_non_ascii_letter_matching_ascii():
    every = "".join(map(chr, range(0x110000)))
    folds = {c for c in re.compile("[a-z]", re.IGNORECASE).findall(every) if not c.isascii()}
    assert folds == set(timeref.FOLDS_TO_ASCII)
    lowers_to_ascii = {c for c in every if not c.isascii() and len(c.lower()) == 1
                       and c.lower().isascii()}
    assert lowers_to_ascii <= folds


@pytest.mark.parametrize(
    ("text", "plainly"),
    [
        pytest.param("Officials said", True, id="ascii"),
        pytest.param("Officials’ figures — café", True, id="quotes-and-accents"),
        pytest.param("Of\u017ficials", False, id="long-s"),
        pytest.param("\u212aILLED", False, id="kelvin-sign"),
        pytest.param("\u0130stanbul", False, id="dotted-capital-i"),
    ],
)
def test_folds_plainly(text, plainly):
    assert timeref.folds_plainly(text) is plainly


# --------------------------------------------------------------------------- gates


@pytest.mark.parametrize(
    ("pattern", "flags", "text", "admits"),
    [
        pytest.param(r"\bcivil\s+war\b", re.IGNORECASE, "during the Civil  War", True,
                     id="both-words-any-case"),
        pytest.param(r"\bcivil\s+war\b", re.IGNORECASE, "after the war ended", False,
                     id="first-word-missing"),
        pytest.param(r"\bcivil\s+war\b", re.IGNORECASE, "a civilian was hurt", True,
                     id="short-second-word-not-asked"),
        pytest.param(r"\bsince\s+(?:19|20)\d\d\b", re.IGNORECASE, "SINCE 2011", True,
                     id="upper-case"),
        pytest.param(r"\bsince\s+(?:19|20)\d\d\b", re.IGNORECASE, "\u017fince 2011", True,
                     id="long-s-always-admitted"),
        pytest.param(r"\bsince\s+(?:19|20)\d\d\b", re.IGNORECASE, "after 2011", False,
                     id="no-since"),
        pytest.param(r"\b(?:Syrian Observatory)(?![\w])", 0, "the Syrian Observatory said",
                     True, id="case-sensitive-alias"),
        pytest.param(r"\b(?:Syrian Observatory)(?![\w])", 0, "the syrian observatory said",
                     False, id="case-sensitive-alias-lower"),
        pytest.param(r"\b(?:jan(?:uary)?|feb(?:ruary)?)\b", 0, "late february", True,
                     id="branch-with-common-start"),
        pytest.param(r"\b(?:jan(?:uary)?|feb(?:ruary)?)\b", 0, "late march", False,
                     id="branch-none-there"),
    ],
)
def test_gate(pattern, flags, text, admits):
    assert Gate(pattern, flags).admits(text) is admits
    if not admits:       # what a gate rules out cannot match
        assert re.search(pattern, text, flags) is None


@pytest.mark.parametrize(
    ("pattern", "flags", "needs"),
    [
        pytest.param(r"\bcivil\s+war\b", re.IGNORECASE, (("civil",),), id="longest-word"),
        pytest.param(r"\bsince\s+the\s+(?:start|onset)\s+of\b", 0,
                     (("since",), ("onset", "start")), id="two-sets"),
        pytest.param(r"\b(?:jan(?:uary)?|feb(?:ruary)?)\b", 0, (("feb", "jan"),),
                     id="leading-literals"),
        pytest.param(r"\d+\s+\w+", 0, (), id="nothing-literal"),
        pytest.param(r"\bof\s+them\b", 0, (("them",),), id="short-words-dropped"),
    ],
)
def test_gate_needs(pattern, flags, needs):
    assert Gate(pattern, flags).needs == needs


@pytest.mark.parametrize(
    ("words", "text", "present"),
    [
        pytest.param({"UN", "UNICEF", "state", "state-run"}, "UNICEF and state-run media",
                     {"UN", "UNICEF", "state", "state-run"}, id="words-inside-words"),
        pytest.param({"abc", "cde"}, "abcde", {"abc", "cde"}, id="overlapping"),
        pytest.param({"officials"}, "Officials said", set(), id="case-kept"),
        pytest.param({"officials"}, "", set(), id="empty-text"),
    ],
)
def test_words_present(words, text, present):
    assert Words(words).present(text) == present


# --------------------------------------------------------------------------- scanners


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("killed at least ", (7, 16), id="qualifier"),
        pytest.param("killed at least\n", (7, 16), id="final-newline"),
        pytest.param("killed at least 5", None, id="not-at-the-end"),
        pytest.param("at leastx ", None, id="no-boundary"),
        pytest.param("", None, id="empty"),
    ],
)
def test_end_search(text, found):
    pattern = re.compile(r"\b(?:at\s+least)\s+$", re.IGNORECASE)
    m = EndSearch(pattern).search(text)
    assert (m.span() if m else None) == found
    plain = pattern.search(text)
    assert (plain.span() if plain else None) == found


MENTION_TEXTS = [
    "According to the Syrian Observatory for Human Rights, 12 people died.",
    "UNICEF and the UN said; state-run media and local officials agreed.",
    "The Health Ministry, the ministry of health and a war monitor reported it.",
    "OFFICIALS, Officials and o\u017fficials; the \u212aurdish authorities",
    "No source here at all.",
]


@pytest.mark.parametrize("text", [pytest.param(t, id=f"text-{i}")
                                  for i, t in enumerate(MENTION_TEXTS)])
def test_mention_alternations_find_what_the_plain_ones_find(text):
    for alt in claims.source_rules().mentions:
        fast = [(m.span(), m.lastgroup) for m in alt.finditer(text)]
        plain = [(m.span(), m.lastgroup) for m in alt.full.finditer(text)]
        assert fast == plain


@pytest.mark.parametrize(
    ("text", "heads"),
    [
        pytest.param("12 civilians and 3 Alawites", [(3, 12), (19, 27)], id="heads"),
        pytest.param("twelve children, medics", [(7, 15), (17, 23)], id="heads-after-words"),
        pytest.param("12 tanks and 3 drones", [], id="no-heads"),
    ],
)
def test_head_alternation_matches_like_the_plain_one(text, heads):
    head = claims.claim_rules().head
    found = [(m.start(), m.end()) for at in range(len(text) + 1)
             if (m := head.match(text, at)) and (at == 0 or not text[at - 1].isalnum())]
    assert found == heads
    for at in range(len(text) + 1):
        fast, plain = head.match(text, at), head.full.match(text, at)
        assert (fast and fast.span()) == (plain and plain.span())


# --------------------------------------------------------------------------- sentence words


def test_sentence_words_trust_only_plain_text():
    frame = pl.DataFrame({"text": [
        "Officials said twenty people were killed.",
        "The k*lled were 4.",
        "Of\u017ficials said 4 were killed.",
    ]})
    plain, starred, folded = claims._sentence_words(frame)
    # words compared as they are ("said" is a cue before a source) and in lower case
    assert plain == ((["said"], ["officials", "said", "twenty", "killed"]), [15])
    assert starred == (None, None)               # restored words may appear
    assert folded == ((["said"], None), None)    # lower case is not exact with "ſ"


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        pytest.param("At least 12 people and 3,000 more were killed.",
                     [("12", 9, 11, 12), ("3,000", 23, 28, 3000)], id="digits-only"),
        pytest.param("Twenty-one people and ten more died.",
                     [("Twenty-one", 0, 10, 21), ("ten", 22, 25, 10)], id="words-no-scale"),
        pytest.param("Some two hundred died.", [("two hundred", 5, 16, 200)], id="scale-word"),
        pytest.param("Dozens of people died.", [("Dozens", 0, 6, None)], id="vague"),
        pytest.param("Someone often died in 2 x12 cases.", [("2", 22, 23, 2)],
                     id="words-inside-words-and-glued-digits"),
        pytest.param("No figures here.", [], id="none"),
    ],
)
def test_find_numbers_told_the_words_finds_the_same(text, figures):
    (found, starts), = claims._sentence_words(pl.DataFrame({"text": [text]}))
    fast = numbers.find_numbers(text, found[1], starts)
    plain = numbers.find_numbers(text)
    assert fast == plain
    assert [(n.text, n.start, n.end, n.value) for n in fast] == figures


# --------------------------------------------------------------------------- time near claims

PUBLISHED = datetime(2025, 3, 7, 10, 30)


@pytest.mark.parametrize(
    ("text", "near", "expected"),
    [
        pytest.param("On Thursday evening, 12 people were killed. Talks began in March 2011.",
                     [(0, 44)], ["On Thursday evening"], id="in-the-sentence"),
        pytest.param("Talks began in March 2011. On Thursday evening, 12 people were killed.",
                     [(27, 71)], ["On Thursday evening"], id="other-sentence-left-out"),
        pytest.param("12 people were killed over the past 24 hours, state media said.",
                     [(0, 63)], ["over the past 24 hours"], id="recent"),
        pytest.param("12 people were killed.", [(0, 22)], [], id="none"),
    ],
)
def test_time_expressions_near_agree_with_the_whole_text(text, near, expected):
    anchor = timeref.article_anchor(text, PUBLISHED, date(2025, 3, 6), date(2025, 3, 8))
    whole = timeref.find_time_expressions(text, anchor)
    hints, = timeref.scan_hints(pl.Series([text]))
    for h in (None, hints):
        got = timeref.time_expressions_near(text, PUBLISHED, date(2025, 3, 6),
                                            date(2025, 3, 8), near, h)
        inside = [e for e in got if any(a <= e.start < b for a, b in near)]
        assert inside == [e for e in whole if any(a <= e.start < b for a, b in near)]
        assert [e.text for e in inside] == expected
        assert set(got) <= set(whole)


@pytest.mark.parametrize(
    ("text", "char"),
    [
        pytest.param("ascii only", 4, id="ascii"),
        pytest.param("café — résumé", 7, id="accents-and-dash"),
        pytest.param("“Quoted” text", 9, id="curly-quotes"),
    ],
)
def test_char_offsets(text, char):
    to_char = timeref.char_offsets(text)
    assert to_char(len(text[:char].encode())) == char
