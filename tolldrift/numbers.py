"""Numbers written in news text: digits, number words and vague amounts.

`find_numbers(text)` lists every figure in a text with its span; `parse_number`
reads one figure; `bounds` turns a figure and its qualifier into the interval
of counts the wording allows. The words live in `rules/number_words.yaml` and
`rules/qualifiers.yaml`.

Interval conventions (`bounds`), for a number N:

* exact N..N; at_least N..open; more_than N+1..open; up_to open..N;
* approx ceil(N*0.9)..floor(N*1.1); nearly ceil(N*0.9)..N-1 (band from the rule file);
* a vague amount spans its conventional interval ("dozens" 24..99, "hundreds"
  200..999, "thousands" 2000..9999, "millions" 2,000,000..open); more_than or
  at_least keep its low end and open it upwards, up_to and nearly keep its high end.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from tolldrift.lexicon import RuleError, compile_pattern, load_rules

NUMBER_FILE = "number_words.yaml"
QUALIFIER_FILE = "qualifiers.yaml"
# No count of people is larger; a longer run of digits is not a figure.
MAX_FIGURE = 10**12
QUALIFIERS = ("exact", "at_least", "more_than", "approx", "nearly", "up_to")


@dataclass(frozen=True)
class ParsedNumber:
    """A figure as written: its span in the searched text and its value.

    `value` is None for a vague amount, whose word is in `vague`; `low`/`high`
    is the interval the amount itself implies (N..N for a number).
    """

    text: str
    start: int
    end: int
    value: int | None
    vague: str | None
    low: int | None
    high: int | None


@dataclass(frozen=True)
class VagueAmount:
    pattern: re.Pattern
    word: str
    low: int
    high: int | None


@dataclass(frozen=True)
class NumberRules:
    words: dict[str, float]
    kinds: dict[str, str]
    vague: tuple[VagueAmount, ...]
    finder: re.Pattern
    qualifier_before: tuple[tuple[str, re.Pattern], ...]
    qualifier_after: tuple[tuple[str, re.Pattern], ...]
    qualifier_after_vague: tuple[tuple[str, re.Pattern], ...]
    bands: dict[str, float]


def _int_map(data: dict, key: str, file: str) -> dict[str, float]:
    value = data.get(key)
    if not isinstance(value, dict) or not value or not all(
        isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
        for k, v in value.items()
    ):
        raise RuleError(file, key, "must be a mapping of words to numbers")
    return {k.lower(): float(v) for k, v in value.items()}


def _phrase_table(data: dict, key: str, file: str, allowed: tuple[str, ...], frame: str
                  ) -> tuple[tuple[str, re.Pattern], ...]:
    """(qualifier, compiled phrase) pairs; `frame` anchors each phrase ("{}" stands for it)."""
    table = data.get(key)
    if not isinstance(table, dict):
        raise RuleError(file, key, "must be a mapping of qualifier to phrase list")
    out = []
    for name, phrases in table.items():
        if name not in allowed:
            raise RuleError(file, f"{key}.{name}", f"unknown qualifier; use one of {allowed}")
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            raise RuleError(file, f"{key}.{name}", "must be a list of non-empty strings")
        for p in phrases:
            compile_pattern(p, file, f"{key}.{name}")
            out.append((name, compile_pattern(frame.replace("{}", p), file, f"{key}.{name}",
                                              re.IGNORECASE)))
    return tuple(out)


@functools.cache
def number_rules() -> NumberRules:
    """Load and validate the number and qualifier rule files (once)."""
    data = load_rules(NUMBER_FILE, required=("units", "tens", "scales", "multipliers",
                                             "fractions", "vague"))
    words: dict[str, float] = {}
    kinds: dict[str, str] = {}
    for kind in ("units", "tens", "scales", "multipliers", "fractions"):
        for w, v in _int_map(data, kind, NUMBER_FILE).items():
            words[w] = v
            kinds[w] = kind
    vague = []
    raw = data["vague"]
    if not isinstance(raw, list):
        raise RuleError(NUMBER_FILE, "vague", "must be a list of {pattern, word, low, high}")
    for i, item in enumerate(raw):
        key = f"vague[{i}]"
        if not isinstance(item, dict) or set(item) != {"pattern", "word", "low", "high"}:
            raise RuleError(NUMBER_FILE, key, "must have exactly pattern, word, low, high")
        if not isinstance(item["low"], int) or not (item["high"] is None
                                                    or isinstance(item["high"], int)):
            raise RuleError(NUMBER_FILE, key, "low must be an integer, high an integer or null")
        pat = compile_pattern(item["pattern"], NUMBER_FILE, key, re.IGNORECASE)
        vague.append(VagueAmount(pat, str(item["word"]), item["low"], item["high"]))

    def alt(kind: str) -> str:
        return "|".join(sorted((re.escape(w) for w, k in kinds.items() if k == kind),
                               key=len, reverse=True))

    unit_ten = f"(?:{alt('units')}|{alt('tens')})"
    big = f"(?:{alt('scales')}|{alt('multipliers')})"
    numword = f"(?:{unit_ten}|{big})"
    scale_and = "|".join(f"(?<={w})" for w, k in kinds.items() if k == "scales")
    chain = rf"(?:(?:-|\s+)(?:{numword})|(?:{scale_and})\s+and\s+{unit_ten})"
    digits = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    vague_alt = "|".join(v.pattern.pattern for v in vague)
    finder = (
        rf"(?<![\w/@#.,$€£])(?<!\d-)(?:"
        rf"(?P<vague>{vague_alt})\b"
        rf"|(?P<frac>(?:{alt('fractions')})\s+(?:a|an)\s+{big})\b"
        rf"|(?P<digits>{digits}(?:\s+{big}\b)*)(?![\w])"
        rf"|(?P<words>(?:(?:a|an)\s+{big}|{unit_ten})\b{chain}*\b)"
        rf")"
    )
    qual = load_rules(QUALIFIER_FILE, required=("before", "after", "after_vague", "bands"))
    bands = qual["bands"]
    if not isinstance(bands, dict) or not all(
        k in QUALIFIERS and isinstance(v, int | float) and 0 <= v < 1 for k, v in bands.items()
    ):
        raise RuleError(QUALIFIER_FILE, "bands", "must map qualifiers to fractions in [0, 1)")
    return NumberRules(
        words=words,
        kinds=kinds,
        vague=tuple(vague),
        finder=compile_pattern(finder, NUMBER_FILE, "(all words)", re.IGNORECASE),
        qualifier_before=_phrase_table(qual, "before", QUALIFIER_FILE, QUALIFIERS,
                                       r"\b(?:{})\s+$"),
        qualifier_after=_phrase_table(qual, "after", QUALIFIER_FILE, QUALIFIERS,
                                      r"\s*(?:{})(?![\w])"),
        qualifier_after_vague=_phrase_table(qual, "after_vague", QUALIFIER_FILE, QUALIFIERS,
                                            r"\s*(?:{})(?![\w])"),
        bands={k: float(v) for k, v in bands.items()},
    )


def _words_value(text: str, rules: NumberRules) -> int | None:
    """Value of spelled or digit-and-scale numbers ("one hundred and twelve", "1.2 million")."""
    total = 0.0
    current = 0.0
    last = None
    for tok in re.findall(r"\d[\d,]*(?:\.\d+)?|[a-z]+", text.lower()):
        if tok[0].isdigit():
            if last is not None:
                return None
            current += float(tok.replace(",", ""))
            last = "digits"
            continue
        if tok == "and":
            continue
        if tok in ("a", "an"):
            if last not in (None, "fractions"):
                return None
            current = current or 1.0
            last = "article"
            continue
        kind = rules.kinds.get(tok)
        if kind is None:
            return None
        value = rules.words[tok]
        if kind == "units" and last in ("units", "digits", "article"):
            return None
        if kind == "tens" and last in ("units", "tens", "digits", "article"):
            return None
        if kind in ("units", "tens", "fractions"):
            current += value
        elif kind == "multipliers" or value < 1000:
            current = (current or 1.0) * value
        else:
            total += (current or 1.0) * value
            current = 0.0
        last = kind
    if last in (None, "article", "fractions"):
        return None
    result = total + current
    if not math.isfinite(result) or result > MAX_FIGURE:
        return None
    return round(result)


def _parse_match(m: re.Match, rules: NumberRules) -> ParsedNumber | None:
    text = m.group(0)
    if m.group("vague"):
        for v in rules.vague:
            if v.pattern.fullmatch(text):
                return ParsedNumber(text, m.start(), m.end(), None, v.word, v.low, v.high)
        return None
    value = _words_value(text, rules)
    if value is None:
        return None
    return ParsedNumber(text, m.start(), m.end(), value, None, value, value)


def find_numbers(text: str) -> list[ParsedNumber]:
    """Every figure in `text` (digits, number words, vague amounts), left to right."""
    rules = number_rules()
    out = []
    for m in rules.finder.finditer(text):
        parsed = _parse_match(m, rules)
        if parsed is not None:
            out.append(parsed)
    return out


def parse_number(text: str) -> ParsedNumber | None:
    """Parse `text` when it is exactly one figure ("1,000", "half a million", "dozens")."""
    stripped = text.strip()
    offset = text.find(stripped)
    rules = number_rules()
    m = rules.finder.fullmatch(stripped)
    if m is None:
        return None
    parsed = _parse_match(m, rules)
    if parsed is None:
        return None
    return ParsedNumber(parsed.text, offset, offset + len(stripped), parsed.value,
                        parsed.vague, parsed.low, parsed.high)


def qualifier_before(left: str) -> tuple[str, int] | None:
    """The qualifier ending `left` (the text just before a figure) and where it starts."""
    cut = max(0, len(left) - 60)
    tail = left[cut:]
    best = None
    for name, pat in number_rules().qualifier_before:
        m = pat.search(tail)
        if m and (m.start() > 0 or cut == 0 or not left[cut - 1].isalnum()) and (
                best is None or cut + m.start() < best[1]):
            best = (name, cut + m.start())
    return best


def qualifier_after(right: str, *, vague: bool) -> tuple[str, int] | None:
    """The qualifier starting `right` (the text just after a figure) and its length."""
    table = number_rules().qualifier_after + (
        number_rules().qualifier_after_vague if vague else ())
    for name, pat in table:
        m = pat.match(right)
        if m:
            return name, m.end()
    return None


def bounds(number: ParsedNumber, qualifier: str) -> tuple[int | None, int | None]:
    """The interval of counts allowed by `number` read with `qualifier` (see module doc)."""
    if qualifier not in QUALIFIERS:
        raise ValueError(f"unknown qualifier {qualifier!r}")
    if number.value is None:
        low, high = number.low, number.high
        if qualifier in ("at_least", "more_than"):
            return low, None
        if qualifier in ("up_to", "nearly"):
            return None, high
        return low, high
    n = number.value
    band = number_rules().bands.get(qualifier, 0.1)
    if qualifier == "exact":
        return n, n
    if qualifier == "at_least":
        return n, None
    if qualifier == "more_than":
        return n + 1, None
    if qualifier == "up_to":
        return None, n
    if qualifier == "approx":
        return math.ceil(n * (1 - band)), math.floor(n * (1 + band))
    return min(math.ceil(n * (1 - band)), max(n - 1, 0)), max(n - 1, 0)
