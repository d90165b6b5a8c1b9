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
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from tolldrift.lexicon import RuleError, compile_pattern, load_rules
from tolldrift.timeref import Gate, ending_check, leading_literals, prefixes

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
    digit_finder: re.Pattern          # `finder` for a text without number words
    word_gate: Gate                   # words one of which every non-digit figure holds
    scale_words: frozenset[str]       # "hundred", "million": figures in words may start before
    figure_leads: tuple[str, ...] | None  # and without them, begin with one of these
    qualifier_before: tuple[tuple[str, re.Pattern], ...]
    qualifier_before_end: re.Pattern | None   # timeref.ending_check of all qualifier_before
    qualifier_before_ends: tuple[re.Pattern | None, ...]   # and of each
    qualifier_before_by_last: dict[str, tuple[int, ...]]   # lower-case ASCII last letter of
                                                           # a phrase: qualifier_before indices
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
    parts = {
        "vague": rf"(?P<vague>{vague_alt})\b",
        "frac": rf"(?P<frac>(?:{alt('fractions')})\s+(?:a|an)\s+{big})\b",
        "digits": rf"(?P<digits>{digits}(?:\s+{big}\b)*)(?![\w])",
        "words": rf"(?P<words>(?:(?:a|an)\s+{big}|{unit_ten})\b{chain}*\b)",
    }

    def finder_of(kept: tuple[str, ...]) -> str:
        """The finder; the parts not kept never match (their groups stay, unset)."""
        return (r"(?<![\w/@#.,$€£])(?<!\d-)(?:" + "|".join(
            p if k in kept else f"(?P<{k}>(?!))" for k, p in parts.items()) + ")")

    finder = finder_of(tuple(parts))
    word_parts = "|".join(f"(?:{parts[k]})" for k in ("vague", "frac", "words"))
    # Without a scale word, a figure in words starts with a vague amount or a unit or ten.
    leads = [leading_literals(v.pattern.pattern, re.IGNORECASE) for v in vague]
    leads += [frozenset({w}) for w, k in kinds.items() if k in ("units", "tens")]
    qual = load_rules(QUALIFIER_FILE, required=("before", "after", "after_vague", "bands"))
    bands = qual["bands"]
    if not isinstance(bands, dict) or not all(
        k in QUALIFIERS and isinstance(v, int | float) and 0 <= v < 1 for k, v in bands.items()
    ):
        raise RuleError(QUALIFIER_FILE, "bands", "must map qualifiers to fractions in [0, 1)")
    before = _phrase_table(qual, "before", QUALIFIER_FILE, QUALIFIERS, r"\b(?:{})\s+$")
    return NumberRules(
        words=words,
        kinds=kinds,
        vague=tuple(vague),
        finder=compile_pattern(finder, NUMBER_FILE, "(all words)", re.IGNORECASE),
        digit_finder=re.compile(finder_of(("digits",)), re.IGNORECASE),
        word_gate=Gate(word_parts, re.IGNORECASE),
        scale_words=frozenset(w for w, k in kinds.items() if k in ("scales", "multipliers")),
        figure_leads=None if any(x is None or not all(w.isascii() for w in x) for x in leads)
        else tuple(sorted({w.lower() for x in leads for w in x})),
        qualifier_before=before,
        qualifier_before_end=ending_check([p for _, p in before]) if before else None,
        qualifier_before_ends=tuple(ending_check([p]) for _, p in before),
        qualifier_before_by_last=_by_last_letter([p for _, p in before]),
        qualifier_after=_phrase_table(qual, "after", QUALIFIER_FILE, QUALIFIERS,
                                      r"\s*(?:{})(?![\w])"),
        qualifier_after_vague=_phrase_table(qual, "after_vague", QUALIFIER_FILE, QUALIFIERS,
                                            r"\s*(?:{})(?![\w])"),
        bands={k: float(v) for k, v in bands.items()},
    )


def _by_last_letter(patterns: list[re.Pattern]) -> dict[str, tuple[int, ...]]:
    """For phrases framed as `...\\s+$`: the indices of those that can end in each ASCII
    letter or digit (lower case), in order, with those whose last letters are not known
    (which alone are listed under "")."""
    by: dict[str, list[int]] = {"": []}
    for i, p in enumerate(patterns):
        found = prefixes(p.pattern, p.flags, 400, reverse=True)
        keys = set()
        for ends in found[0] if found else [()]:
            last = ends[1] if len(ends) > 1 and ends[0] == r"[\s]+" else ""
            last = last[1:] if len(last) == 2 and last[0] == "\\" else last
            keys.add(last.lower() if len(last) == 1 and last.isascii() and last.isalnum() else "")
        for k in ("",) if "" in keys else keys:
            by.setdefault(k, []).append(i)
    return {k: tuple(sorted({*v, *by[""]})) for k, v in by.items()}


_NUMBER_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[a-z]+")


def _words_value(text: str, rules: NumberRules) -> int | None:
    """Value of spelled or digit-and-scale numbers ("one hundred and twelve", "1.2 million")."""
    total = 0.0
    current = 0.0
    last = None
    for tok in _NUMBER_TOKEN.findall(text.lower()):
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


def find_numbers(text: str, words: Collection[str] | None = None,
                 starts: list[int] | None = None) -> list[ParsedNumber]:
    """Every figure in `text` (digits, number words, vague amounts), left to right.

    `words`: the words of `number_rules().word_gate` and `scale_words` that `text` holds,
    in lower case (when known, see `timeref.folds_plainly`): without any, only digits are
    looked for, and only where a run of digits starts (a figure never follows a letter or
    digit). `starts`: where `figure_leads` occur in it, when known: without scale words,
    figures are only looked for there and where runs of digits start.
    """
    rules = number_rules()
    if words is not None and not rules.word_gate.holds(words):
        found = _figures_at(rules.digit_finder, text)
    elif words is not None and starts is not None and rules.scale_words.isdisjoint(words):
        found = _figures_at(rules.finder, text, starts)
    else:
        found = rules.finder.finditer(text)
    out = []
    for m in found:
        parsed = _parse_match(m, rules)
        if parsed is not None:
            out.append(parsed)
    return out


_DIGIT_RUN = re.compile(r"\d+")


def _figures_at(finder: re.Pattern, text: str, starts: Collection[int] = ()
                ) -> Iterator[re.Match]:
    """`finder.finditer(text)` for a finder whose matches start where a run of digits does
    or at one of `starts`."""
    pos = 0
    at_runs = [run.start() for run in _DIGIT_RUN.finditer(text)]
    for at in sorted({*at_runs, *starts}) if starts else at_runs:
        if at >= pos and (m := finder.match(text, at)):
            yield m
            pos = m.end()


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
    rules = number_rules()
    back = tail[::-1]
    if rules.qualifier_before_end is not None and not rules.qualifier_before_end.match(back):
        return None      # no phrase can end the text
    last = tail.rstrip()[-1:]
    if last.isascii():     # the phrases that can end in that letter, in their order
        by_last = rules.qualifier_before_by_last
        tried = by_last.get(last.lower(), by_last[""])
    else:
        tried = range(len(rules.qualifier_before))
    best = None
    for i in tried:
        (name, pat), end = rules.qualifier_before[i], rules.qualifier_before_ends[i]
        if end is not None and not end.match(back):
            continue
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
