"""Lines and sentences with character offsets into the source text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tolldrift.lexicon import expect_str_list, load_rules, rules_path

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
# A run of final punctuation, its closing quotes, then space and a capital or digit.
# The run starts only where the previous character is not final punctuation, and
# its quantifiers are possessive, so a line of "....." is read in linear time.
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"”’')\]]*+(?=\s++[\"“‘'(\[]?[A-Z0-9])")
_CLOSERS = "\"”’')]"


@dataclass(frozen=True)
class Line:
    number: int
    start: int  # offset of the first non-blank character
    end: int  # offset one past the last non-blank character


@dataclass(frozen=True)
class SentenceRules:
    abbreviations: frozenset[str]
    final_punctuation: str


@cache
def sentence_rules() -> SentenceRules:
    file = rules_path("sentences.yaml")
    data = load_rules(file, required=("abbreviations", "final_punctuation"))
    abbrevs = expect_str_list(data, "abbreviations", file)
    final = data["final_punctuation"]
    if not isinstance(final, str) or not final:
        from tolldrift.lexicon import RuleError

        raise RuleError(file, "final_punctuation", "must be a non-empty string")
    return SentenceRules(frozenset(abbrevs), final)


def lines(text: str) -> list[Line]:
    """Non-blank lines of `text` with offsets of their stripped content.

    Line ends may be LF, CRLF or a lone CR; offsets always index `text` itself.
    """
    out = []
    number = 0
    pos = 0
    n = len(text)
    while pos < n:
        m = _LINE.match(text, pos)
        raw_end = m.end()
        content_end = raw_end
        while content_end > pos and text[content_end - 1] in "\r\n":
            content_end -= 1
        # str.strip uses the same white space as str.isspace, in C (a line may be long).
        segment = text[pos:content_end]
        stripped = segment.strip()
        s = pos + (len(segment) - len(segment.lstrip())) if stripped else pos
        e = s + len(stripped)
        if s < e:
            out.append(Line(number, s, e))
        number += 1
        if raw_end == pos:  # pragma: no cover - guard against a zero-width loop
            break
        pos = raw_end
    return out


def has_final_punctuation(segment: str) -> bool:
    """Whether a line ends like a sentence (after closing quotes and brackets)."""
    stripped = segment.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in sentence_rules().final_punctuation


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at `dot` ends an abbreviation or an initial."""
    if text[dot] != ".":
        return False
    i = dot
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] == "."):
        i -= 1
    word = text[i:dot]
    if len(word) == 1 and word.isupper():
        return True
    return word in sentence_rules().abbreviations


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split `text[start:end]` (one line) into sentence spans, offsets into `text`."""
    spans = []
    cur = start
    for m in _BOUNDARY.finditer(text, start, end):
        first_punct = m.start()
        if _is_abbreviation(text, first_punct) and m.group().startswith(".") and len(
            m.group().rstrip(_CLOSERS)
        ) == 1:
            continue
        stop = m.end()
        if stop > cur:
            spans.append((cur, stop))
        nxt = stop
        while nxt < end and text[nxt].isspace():
            nxt += 1
        cur = nxt
    if cur < end:
        spans.append((cur, end))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))
