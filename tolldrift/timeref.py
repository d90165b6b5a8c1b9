"""Words that date a figure ("On Thursday evening", "over the past 24 hours",
"on March 7-8, 2025") and the hour intervals they stand for.

Every expression is resolved against an `Anchor`: the article's publication time,
the explicit dates written in it and the article set's first and last day. The
anchor day is the publication date, else the latest explicit date in the article
(inside the set's window when the set is known), else the set's last day.

- A weekday is the latest such day on or before the anchor day, and must lie in
  [set_start - 6 days, anchor day]; otherwise it stays unresolved (None).
- A part of a day ("evening", "night") is a window from `rules/time.yaml`;
  windows whose end hour is not after their start run into the next day.
- "since X" runs from the start of X to the publication hour (its day when only
  a date is known), else to the end of the set.
- "over the past N hours" ends at the publication hour and starts N hours
  before it.
- A year or a month alone dates another period (background) unless the anchor
  day falls inside it; so does a day that ends before set_start - 6 days, and
  anything introduced by a background cue ("began in March 2011", "last year").

Intervals are [as_of_start, as_of_end) with hour precision.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from re import _constants as _C
from re import _parser as _sre_parser
from types import MappingProxyType
from typing import Any

import polars as pl
from dateutil import parser as dateutil_parser

from tolldrift.lexicon import (
    RuleError,
    compile_pattern,
    expect_str_list,
    load_rules,
    rules_path,
)

RULE_FILE = "time.yaml"
_DAY = timedelta(days=1)
_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Anchor:
    """What relative time words in one article are resolved against."""

    published_at: datetime | None
    article_dates: tuple[date, ...]
    set_start: date | None
    set_end: date | None


@dataclass(frozen=True)
class TimeExpr:
    """Words dating something, their offsets in the text, and the interval they name."""

    text: str
    start: int
    end: int
    as_of_start: datetime | None
    as_of_end: datetime | None
    is_background: bool


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class TimeRules:
    """The validated contents of rules/time.yaml."""

    day_parts: Mapping[str, tuple[int, int]]
    day_edges: Mapping[str, tuple[int, int]]
    weekdays: tuple[str, ...]
    weekday_blockers: frozenset[str]
    weekday_name_followers: frozenset[str]
    months: Mapping[str, int]
    relative_days: Mapping[str, int]
    relative_parts: Mapping[str, tuple[int, str]]
    until_published: tuple[str, ...]
    day_prepositions: tuple[str, ...]
    recent_prepositions: tuple[str, ...]
    recent_words: tuple[str, ...]
    units: Mapping[str, int]
    number_words: Mapping[str, int]
    background_verbs: tuple[str, ...]
    background_phrases: tuple[re.Pattern, ...]
    year_prepositions: tuple[str, ...]
    period_edges: tuple[str, ...]
    count_nouns: tuple[str, ...]
    background_triggers: tuple[str, ...]


_REQUIRED = tuple(TimeRules.__dataclass_fields__)


def _hours_map(data: dict[str, Any], key: str, file: Path | str) -> Mapping[str, tuple[int, int]]:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise RuleError(file, key, "must be a non-empty mapping of name to [start_hour, end_hour]")
    out = {}
    for name, pair in value.items():
        if not (isinstance(name, str) and isinstance(pair, list) and len(pair) == 2
                and all(isinstance(h, int) and 0 <= h <= 24 for h in pair)
                and pair[0] < 24):
            raise RuleError(file, f"{key}.{name}", "must be [start_hour, end_hour], hours 0-24")
        out[name.lower()] = (pair[0], pair[1])
    return MappingProxyType(out)


def _int_map(data: dict[str, Any], key: str, file: Path | str, low: int, high: int
             ) -> Mapping[str, int]:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise RuleError(file, key, "must be a non-empty mapping of words to integers")
    for name, n in value.items():
        if not isinstance(name, str) or not isinstance(n, int) or not low <= n <= high:
            raise RuleError(file, f"{key}.{name}", f"must be an integer in {low}..{high}")
    return MappingProxyType({k.lower(): v for k, v in value.items()})


def _lower_list(data: dict[str, Any], key: str, file: Path | str) -> tuple[str, ...]:
    return tuple(w.lower() for w in expect_str_list(data, key, file))


def parse_rules(data: dict[str, Any], file: Path | str) -> TimeRules:
    """Validate the mapping read from a time rule file; RuleError names file and key."""
    for key in _REQUIRED:
        if key not in data:
            raise RuleError(file, key, "required key is missing")
    day_parts = _hours_map(data, "day_parts", file)
    weekdays = _lower_list(data, "weekdays", file)
    if len(weekdays) != 7:
        raise RuleError(file, "weekdays", "must list the seven days, Monday first")
    rel = data["relative_parts"]
    if not isinstance(rel, dict) or not rel:
        raise RuleError(file, "relative_parts", "must be a mapping of phrase to [days, part]")
    relative_parts = {}
    for phrase, pair in rel.items():
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], int)
                and str(pair[1]).lower() in day_parts):
            raise RuleError(file, f"relative_parts.{phrase}",
                            "must be [days before the anchor day, a name from day_parts]")
        relative_parts[str(phrase).lower()] = (pair[0], str(pair[1]).lower())
    phrases = expect_str_list(data, "background_phrases", file)
    return TimeRules(
        day_parts=day_parts,
        day_edges=_hours_map(data, "day_edges", file),
        weekdays=weekdays,
        weekday_blockers=frozenset(_lower_list(data, "weekday_blockers", file)),
        weekday_name_followers=frozenset(_lower_list(data, "weekday_name_followers", file)),
        months=_int_map(data, "months", file, 1, 12),
        relative_days=_int_map(data, "relative_days", file, 0, 31),
        relative_parts=MappingProxyType(relative_parts),
        until_published=_lower_list(data, "until_published", file),
        day_prepositions=_lower_list(data, "day_prepositions", file),
        recent_prepositions=_lower_list(data, "recent_prepositions", file),
        recent_words=_lower_list(data, "recent_words", file),
        units=_int_map(data, "units", file, 1, 24 * 366),
        number_words=_int_map(data, "number_words", file, 1, 1000),
        background_verbs=_lower_list(data, "background_verbs", file),
        background_phrases=tuple(
            compile_pattern(p, file, f"background_phrases[{i}]", re.IGNORECASE)
            for i, p in enumerate(phrases)),
        year_prepositions=_lower_list(data, "year_prepositions", file),
        period_edges=_lower_list(data, "period_edges", file),
        count_nouns=_lower_list(data, "count_nouns", file),
        background_triggers=_lower_list(data, "background_triggers", file),
    )


def load_time_rules(path: str | Path | None = None) -> TimeRules:
    """Read and validate a time rule file (the package's own by default)."""
    path = rules_path(RULE_FILE) if path is None else Path(path)
    data = load_rules(path)
    return parse_rules(data, path)


# ------------------------------------------------------------------------ scanning
#
# Python's `re` tries a pattern at every position of the text, and a long alternation
# alternative by alternative. `Scanner` finds exactly the matches `finditer` finds, but
# tries the pattern only where the text starts with one of the strings it can start
# with (its first few characters, read from the parsed pattern), found by one cheap
# zero-width pattern.

_CATEGORIES = {_C.CATEGORY_DIGIT: r"\d", _C.CATEGORY_NOT_DIGIT: r"\D",
               _C.CATEGORY_SPACE: r"\s", _C.CATEGORY_NOT_SPACE: r"\S",
               _C.CATEGORY_WORD: r"\w", _C.CATEGORY_NOT_WORD: r"\W"}
_REPEATS = (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT)
_ONE_CHAR = (_C.LITERAL, _C.NOT_LITERAL, _C.ANY, _C.IN)
_PREFIX_LIMIT = 400     # most first-character strings a finder lists
_SCAN_PREFIXES = 3000   # and the finders of the time expression kinds


@functools.lru_cache(maxsize=4096)
def _parse(pattern: str, flags: int) -> Any:
    """`pattern` parsed by `re` (read, never changed, by the functions below)."""
    return _sre_parser.parse(pattern, flags)


def _items(sub: Any) -> list:
    """The items of a parsed (sub)pattern, as a list."""
    return list(sub.data) if hasattr(sub, "data") else list(sub)


class _Unknown(Exception):
    """The pattern uses something its first characters cannot be read from."""


def _atom(op: Any, av: Any) -> str:
    """One character the parsed item `op, av` matches, as a regex."""
    if op is _C.LITERAL:
        return re.escape(chr(av))
    if op is _C.NOT_LITERAL:
        return f"[^{re.escape(chr(av))}]"
    if op is _C.ANY:
        return "."
    if op is not _C.IN:
        raise _Unknown(op)
    parts = []
    for o, a in av:
        if o is _C.NEGATE:
            parts.append("^")
        elif o is _C.LITERAL:
            parts.append(re.escape(chr(a)))
        elif o is _C.RANGE:
            parts.append(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
        elif o is _C.CATEGORY and a in _CATEGORIES:
            parts.append(_CATEGORIES[a])
        else:
            raise _Unknown(o)
    return "[" + "".join(parts) + "]"


def _starts(items: list, k: int, budget: list[int]) -> set[tuple[str, ...]]:
    """The first `k` characters (as regexes) of the strings parsed `items` can match;
    shorter where a match may end sooner. Lookarounds are skipped (they only narrow)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _Unknown("too many")
    if k == 0 or not items:
        return {()}
    (op, av), rest = items[0], items[1:]
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return _starts(rest, k, budget)
    if op is _C.SUBPATTERN:
        if av[1] or av[2]:                 # flags changed inside: (?i:...)
            raise _Unknown(op)
        return _starts(_items(av[3]) + rest, k, budget)
    if op is _C.ATOMIC_GROUP:
        return _starts(_items(av) + rest, k, budget)
    if op is _C.BRANCH:
        return set().union(*(_starts(_items(b) + rest, k, budget) for b in av[1]))
    if op in _REPEATS:
        low, high, sub = av
        out = _starts(rest, k, budget) if low == 0 else set()
        if high > 1 and len(sub) == 1 and sub[0][0] in _ONE_CHAR:   # "\s+": one step
            head = _atom(*sub[0]) + "+"
            return out | {(head, *tail) for tail in _starts(rest, k - 1, budget)}
        if high != 0:
            again = (op, (max(low - 1, 0), high if high == _C.MAXREPEAT else high - 1, sub))
            out |= _starts(_items(sub) + [again] + rest, k, budget)
        return out
    head = _atom(op, av)
    return {(head, *tail) for tail in _starts(rest, k - 1, budget)}


def _trie(prefixes: set[tuple[str, ...]]) -> str:
    """One alternation of the prefixes, sharing their common beginnings."""
    tree: dict = {}
    for p in prefixes:
        node = tree
        for atom in p:
            node = node.setdefault(atom, {})
        node[""] = {}

    def render(node: dict) -> str:
        alts = [a + render(sub) for a, sub in sorted(node.items()) if a]
        if "" in node:
            return ""                       # a shorter prefix admits every longer one
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return render(tree)


def _reverse(items: list) -> list:
    """The parsed pattern `items` read backwards (lookarounds dropped: they only narrow)."""
    out = []
    for op, av in reversed(items):
        if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
            continue
        if op is _C.SUBPATTERN:
            av = (av[0], av[1], av[2], _reverse(_items(av[3])))
        elif op is _C.ATOMIC_GROUP:
            av = _reverse(_items(av))
        elif op is _C.BRANCH:
            av = (av[0], [_reverse(_items(b)) for b in av[1]])
        elif op in _REPEATS:
            av = (av[0], av[1], _reverse(_items(av[2])))
        out.append((op, av))
    return out


@functools.lru_cache(maxsize=4096)
def prefixes(pattern: str, flags: int, most: int = _PREFIX_LIMIT, *, reverse: bool = False
             ) -> tuple[frozenset[tuple[str, ...]], bool] | None:
    """The longest (up to 8 characters) first strings `pattern` can match, as tuples of
    one-character regexes, at most `most` of them, and whether the pattern opens with a
    word boundary; None when they cannot be read or it can match nothing.

    With `reverse`, for a pattern ending in `$`: its last strings, read backwards.
    """
    try:
        parsed = _parse(pattern, flags)
    except re.error:
        return None
    if (parsed.getwidth()[0] == 0 or flags & ~(re.IGNORECASE | re.UNICODE)
            or parsed.state.flags != re.compile("", flags).flags):   # inline global flags
        return None
    items = list(parsed.data)
    if reverse:
        if not items or items[-1] != (_C.AT, _C.AT_END):
            return None
        items = _reverse(items)
    bound = bool(items) and items[0] == (_C.AT, _C.AT_BOUNDARY)
    found = None
    for k in (8, 5, 3, 2, 1):
        try:
            found = _starts(items, k, [max(20_000, 100 * most)])
            break
        except (_Unknown, RecursionError):
            continue
    while found and len(found) > most and k > 1:
        k -= 1
        found = {p[:k] for p in found}
    return (frozenset(found), bound) if found and len(found) <= most else None


def prefix_finder(patterns: list[tuple[str, int]], most: int = _PREFIX_LIMIT
                  ) -> re.Pattern | None:
    """A zero-width pattern matching at least wherever one of `patterns` ((regex, flags),
    flags 0 or IGNORECASE) can match, from at most `most` first strings; None when that
    cannot be worked out."""
    found = []
    for pattern, flags in patterns:
        one = prefixes(pattern, flags, most // len(patterns) + 8)
        if one is None:
            return None
        found.append((*one, flags))
    return finder_from(found)


def _union(found: list[tuple[set[tuple[str, ...]], bool, int]]) -> str:
    by_flags: dict[int, set[tuple[str, ...]]] = {}
    for starts, _, flags in found:
        by_flags.setdefault(flags & re.IGNORECASE, set()).update(starts)
    return "|".join((f"(?i:{_trie(p)})" if f else f"(?:{_trie(p)})")
                    for f, p in by_flags.items())


def finder_from(found: list[tuple[set[tuple[str, ...]], bool, int]]) -> re.Pattern:
    """The zero-width pattern matching where a string of one of the sets can start
    (`found`: (`prefixes` set, opens with a word boundary, flags) per pattern)."""
    bound = r"\b" if all(b for _, b, _ in found) else ""
    return re.compile(bound + "(?=" + _union(found) + ")")


def ending_check(patterns: list[re.Pattern]) -> re.Pattern | None:
    """For patterns ending in `$`: a pattern that matches at the start of `text[::-1]`
    whenever one of them can match in `text`; None when that cannot be worked out."""
    found = []
    for p in patterns:
        one = prefixes(p.pattern, p.flags, _PREFIX_LIMIT // len(patterns) + 8, reverse=True)
        if one is None:
            return None
        found.append((*one, p.flags))
    return re.compile(r"\n?(?:" + _union(found) + ")")      # "$" also before a final newline


class EndSearch:
    """`pattern.search(text)` for a pattern ending in `$`, answered None at once when the
    end of `text` cannot end a match (`reversed_text` is `text[::-1]`, when known)."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.check = ending_check([pattern])

    def search(self, text: str, reversed_text: str | None = None) -> re.Match | None:
        """What `self.pattern.search(text)` finds."""
        if self.check is not None and not self.check.match(
                text[::-1] if reversed_text is None else reversed_text):
            return None
        return self.pattern.search(text)


# The characters outside ASCII that IGNORECASE matches to an ASCII letter (İ ı ſ K); see
# tests/test_claims_speed.py.
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"


def folds_plainly(text: str) -> bool:
    """Whether ASCII words match in `text` under IGNORECASE exactly where they occur in
    its lower case: unless it holds one of FOLDS_TO_ASCII."""
    return text.isascii() or not any(c in text for c in FOLDS_TO_ASCII)


def _leading(items: list, most: int = 64) -> set[str]:
    """Literal strings one of which every match of the parsed `items` begins with ({""}
    when none is known)."""
    out = {""}
    items = list(items)
    while items:
        op, av = items.pop(0)
        if op is _C.LITERAL:
            out = {s + chr(av) for s in out}
        elif op is _C.SUBPATTERN and not (av[1] or av[2]):
            items = _items(av[3]) + items
        elif op is _C.BRANCH:
            leads = set().union(*(_leading(b, most) for b in av[1]))
            joined = {s + t for s in out for t in leads}
            return joined if len(joined) <= most else out
        else:
            break
    return out


def leading_literals(pattern: str, flags: int) -> frozenset[str] | None:
    """Literal strings one of which begins every match of `pattern` (None: not known)."""
    try:
        parsed = _parse(pattern, flags)
    except re.error:
        return None
    items = [x for x in parsed.data if x[0] is not _C.AT]     # a leading \b takes no text
    lead = _leading(items)
    return None if "" in lead else frozenset(lead)


def _needs(items: list) -> list[set[str]]:
    """Sets of literal strings such that every match of the parsed `items` holds one
    string of each set."""
    found: list[set[str]] = []
    for i, (op, av) in enumerate(items):
        if op in (_C.LITERAL, _C.BRANCH) and (i == 0 or items[i - 1][0] is not _C.LITERAL):
            lead = _leading(items[i:])        # a literal run, with the branch after it
            if "" not in lead:
                found.append(lead)
        if op is _C.SUBPATTERN and not (av[1] or av[2]):
            found += _needs(_items(av[3]))
        elif op is _C.ATOMIC_GROUP:
            found += _needs(_items(av))
        elif op in _REPEATS and av[0] >= 1:
            found += _needs(_items(av[2]))
        elif op is _C.BRANCH:
            alts = [_best(_needs(_items(b))) for b in av[1]]
            if all(alts):
                found.append(set().union(*alts))
    return found


def _best(sets: list[set[str]]) -> set[str] | None:
    return max(sets, key=lambda s: (min(map(len, s)), -len(s)), default=None)


class Gate:
    """A quick test that rules a pattern out: any match of it holds one literal string
    of each of a few sets, which must then all be in the text (for an IGNORECASE pattern
    ASCII strings, compared in lower case: exact when `folds_plainly(text)`)."""

    MOST = 3    # sets tested

    def __init__(self, pattern: str, flags: int):
        self.fold = bool(flags & re.IGNORECASE)
        try:
            parsed = _parse(pattern, flags)
            sets = [] if flags & ~(re.IGNORECASE | re.UNICODE) or (
                parsed.state.flags != re.compile("", flags).flags) else _needs(list(parsed.data))
        except re.error:
            sets = []
        if self.fold:
            sets = [{w.lower() for w in s} for s in sets if all(w.isascii() for w in s)]
        sets = sorted(sets, key=lambda s: (-min(map(len, s)), len(s)))
        unique = []
        for one in sets:
            if tuple(sorted(one)) not in unique:
                unique.append(tuple(sorted(one)))
        # Sets of short strings (found in most texts) cost more than they rule out.
        self.needs: tuple[tuple[str, ...], ...] = tuple(
            one for k, one in enumerate(unique[:self.MOST]) if min(map(len, one)) >= 3 + (k > 0))

    def admits(self, text: str, low: str | None = None, start: int = 0,
               end: int | None = None) -> bool:
        """False when the pattern cannot match in `text[start:end]`; `low` is
        `text.lower()` (for an IGNORECASE pattern; an ASCII text's is offset-true)."""
        if not self.needs:
            return True
        if self.fold:
            if not folds_plainly(text):
                return True
            text = text.lower() if low is None else low
        return self.holds(self._words.present(text[start:end]))

    def holds(self, words: Collection[str]) -> bool:
        """Whether a text holding `words` (all its words of the gate, lower case when folded)
        may match."""
        for one in self._sets:
            if one.isdisjoint(words):
                return False
        return True

    @functools.cached_property
    def _sets(self) -> tuple[frozenset[str], ...]:
        return tuple(frozenset(one) for one in self.needs)

    @functools.cached_property
    def _words(self) -> Words:
        return Words({w for one in self.needs for w in one})


class Words:
    """Which of some literal strings occur in a text, found in one scan."""

    def __init__(self, words: set[str]):
        tree: dict = {}
        for w in words:
            node = tree
            for c in w:
                node = node.setdefault(c, {})
            node[""] = {}

        def render(node: dict) -> str:     # longer words first, so the longest is found
            alts = [re.escape(c) + render(sub) for c, sub in sorted(node.items()) if c]
            alts += [""] if "" in node else []
            return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

        self.pattern = re.compile(render(tree)) if words else None
        # At one position the longest string is found; the shorter ones there begin it.
        self.begun = {w: frozenset(v for v in words if w.startswith(v)) for w in words}

    def present(self, text: str) -> set[str]:
        """The strings that occur in `text`."""
        out: set[str] = set()
        if self.pattern is None:
            return out
        search, pos = self.pattern.search, 0
        while m := search(text, pos):
            out |= self.begun[m.group()]
            pos = m.start() + 1
        return out


class Scanner:
    """`pattern.finditer(text, pos, endpos)`, trying the pattern only where it can start."""

    def __init__(self, pattern: re.Pattern, most: int = _PREFIX_LIMIT):
        self.pattern = pattern
        self.finder = prefix_finder([(pattern.pattern, pattern.flags)], most)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None
                 ) -> Iterator[re.Match]:
        """The matches `self.pattern.finditer(text, pos, endpos)` yields."""
        endpos = len(text) if endpos is None else endpos
        if self.finder is None:
            yield from self.pattern.finditer(text, pos, endpos)
            return
        match = self.pattern.match
        for f in self.finder.finditer(text, pos, endpos):
            at = f.start()
            if at < pos:
                continue
            m = match(text, at, endpos)
            if m:
                yield m
                pos = m.end()


# ------------------------------------------------------------------------ patterns


def _alt(words: tuple[str, ...] | Mapping[str, Any]) -> str:
    """Regex alternation of words grouped by first letter (fast to scan), longest first;
    a space matches any whitespace."""
    by_first: dict[str, list[str]] = {}
    for w in sorted(words, key=lambda w: (-len(w), w)):
        by_first.setdefault(w[0], []).append(w[1:])
    esc = lambda w: re.escape(w).replace(r"\ ", r"\s+")
    return "(?:" + "|".join(esc(first) + "(?:" + "|".join(esc(r) for r in rests) + ")"
                            for first, rests in sorted(by_first.items())) + ")"


def _strip_names(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


@dataclass(frozen=True)
class _Patterns:
    point: tuple[re.Pattern, ...]        # detailed forms of one day reference, tried in order
    scan: tuple[tuple[str, Scanner], ...]   # (kind, pattern) searched in lower-cased text
    trigger: Scanner                     # words every expression holds; scanning looks near them
    bg_trigger: Scanner                  # words every background phrase holds
    relative_lead: frozenset[str]
    background: tuple[Scanner, ...]      # rules().background_phrases
    gates: Mapping[str, Gate]            # per scan kind, for a window's text
    starts: re.Pattern | None            # where any scan kind can start
    gate_words: Words                    # the words of all gates, looked up in `low`
    first_chars: Mapping[str, re.Pattern]  # per scan kind, the characters it can start with
    _kinds_by_char: dict[str, frozenset[str]]

    def kinds_starting(self, char: str) -> frozenset[str]:
        """The scan kinds that can start with `char`."""
        kinds = self._kinds_by_char.get(char)
        if kinds is None:
            kinds = self._kinds_by_char[char] = frozenset(
                k for k, p in self.first_chars.items() if p.match(char))
        return kinds
    background_gates: tuple[Gate, ...]
    bg_trigger_gate: Gate


def _point_forms(rules: TimeRules, months: str) -> list[str]:
    """Regexes for one day reference; `months` is the month alternation to use."""
    wd = _alt(rules.weekdays)
    part = _alt(rules.day_parts)
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
    year = r"(?:19|20)\d\d(?!\d)"
    num = rf"(?:\d{{1,3}}|{_alt(rules.number_words)})"
    return [
        # late Thursday, early on Friday, last Thursday, Thursday evening
        (rf"(?:(?P<edge>{_alt(rules.day_edges)})\s+(?:on\s+)?)?(?P<last>last\s+)?"
         rf"(?P<wd>{wd})\b(?:\s+(?P<part>{part})\b)?"),
        # March 7, March 7-8, 2025, Thursday, March 6
        (rf"(?:{wd},?\s+)?(?P<mon>{months})\.?\s+(?P<d1>{day})(?:\s*[-–]\s*(?P<d2>{day}))?"
         rf"(?!\d|:)(?:,?\s+(?P<y>{year}))?"),
        # 7 March 2025, 7-8 March, the 7th of March
        (rf"(?:{wd},?\s+)?(?:the\s+)?(?P<d1>{day})(?:\s*[-–]\s*(?P<d2>{day}))?\s+(?:of\s+)?"
         rf"(?P<mon>{months})\b\.?(?:,?\s+(?P<y>{year}))?"),
        # 2025-03-07, 2025-03-07T14:30
        r"(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d(?:[tT ][0-2]\d:[0-5]\d(?::[0-5]\d)?)?)(?![\d:])",
        # the evening of March 6, the early hours of Friday
        rf"(?:the\s+)?(?P<ofpart>{part})\s+of\s+(?P<rest>.+)",
        # yesterday, yesterday morning, today
        rf"(?P<rel>{_alt(rules.relative_days)})\b(?:\s+(?P<part>{part})\b)?",
        rf"(?P<relpart>{_alt(rules.relative_parts)})\b",
        rf"(?P<untilpub>{_alt(rules.until_published)})\b",
        rf"(?P<n>{num})\s+(?P<unit>days?|hours?)\s+ago\b",
    ]


def _first_char(pattern: re.Pattern) -> re.Pattern:
    """A pattern matching (at least) each character a match of `pattern` can start with."""
    found = prefixes(pattern.pattern, pattern.flags, _SCAN_PREFIXES + 8)   # as its Scanner
    if found is None:
        return re.compile(r"(?s:.)")
    heads = {atoms[0].removesuffix("+") for atoms in found[0]}
    return re.compile("|".join(sorted(heads)), pattern.flags)


def _build(rules: TimeRules) -> _Patterns:
    """Compile the patterns. Scanning runs case-sensitively on lower-cased text (much
    faster than IGNORECASE); month words are checked for capitals on the original."""
    capital = "(?-i:" + "|".join(
        f"{m.capitalize()}|{m.upper()}" for m in sorted(rules.months, key=len, reverse=True)) + ")"
    point = tuple(re.compile(p, re.IGNORECASE) for p in _point_forms(rules, capital))
    months = _alt(rules.months)
    forms = [_strip_names(f) for f in _point_forms(rules, months)]
    part = _alt(rules.day_parts)
    year = r"(?:19|20)\d\d(?!\d)"
    num = rf"(?:\d{{1,3}}|{_alt(rules.number_words)})"
    # A day reference inside a longer expression: dates before bare weekdays
    # ("Thursday, March 6"), and "the <part> of" only before a weekday or a date.
    ref = "(?:" + "|".join(forms[i] for i in (1, 2, 3, 0, 5, 6, 7, 8)) + (
        rf"|(?:the\s+)?{part}\s+of\s+(?:{forms[0]}|{forms[1]}|{forms[2]}))")
    recent = (rf"(?:(?P<prep>{_alt(rules.recent_prepositions)})\s+)?(?:the\s+)?"
              rf"(?P<word>{_alt(rules.recent_words)})\s+(?:(?P<n>{num})\s+)?"
              rf"(?P<unit>{_alt(rules.units)})\b")
    verbs = _alt(rules.background_verbs)
    yprep = _alt(rules.year_prepositions)
    edges = _alt(rules.period_edges)
    counts = _alt(rules.count_nouns)
    year_expr = (rf"(?:(?P<verb>{verbs})\s+)?(?:(?P<prep>{yprep})\s+)?(?:(?:the\s+)?{edges}"
                 rf"(?:\s+|-|\s+of\s+))?(?:(?P<mon>{months})\.?,?\s+)?(?P<y>{year})"
                 rf"(?!\s*[-–/]\s*\d|,\d|\s+{counts}\b)")
    month_expr = (rf"(?:(?P<verb>{verbs})\s+)?(?P<prep>{yprep})\s+(?:(?:the\s+)?{edges}"
                  rf"(?:\s+|-|\s+of\s+))?(?P<mon>{months})\b\.?(?!\s*\d)")
    scan = [
        ("range", (rf"\b(?P<kw>between|from)\s+(?P<a>{ref})\s+(?:and|to|until|till|through"
                   rf"|into)\s+(?P<b>{ref})")),
        ("since", rf"\bsince\s+(?P<a>{ref})"),
        ("day", rf"\b(?:{_alt(rules.day_prepositions)}\s+)?(?P<a>{ref})"),
        ("recent", r"\b" + recent),
        ("year", r"\b" + year_expr),
        ("month", r"\b" + month_expr),
    ]
    compiled = tuple((k, Scanner(re.compile(p + r"(?!\w)"), _SCAN_PREFIXES)) for k, p in scan)
    words = {w for phrase in (*rules.weekdays, *rules.months, *rules.day_parts,
                              *rules.relative_days, *rules.relative_parts,
                              *rules.until_published, *rules.recent_words, *rules.units,
                              "ago", "since")
             for w in phrase.split()}
    trigger = Scanner(re.compile(rf"\b(?:{_alt(tuple(words))}|(?:19|20)\d\d)\b"))
    bg_trigger = Scanner(re.compile(rf"\b{_alt(rules.background_triggers)}\b"))
    lead = {w.split()[0] for w in (*rules.relative_days, *rules.relative_parts,
                                   *rules.until_published)}
    kind_gates = {k: Gate(p.pattern.pattern, 0) for k, p in compiled}
    background_gates = tuple(Gate(p.pattern, p.flags) for p in rules.background_phrases)
    bg_trigger_gate = Gate(bg_trigger.pattern.pattern, 0)
    return _Patterns(
        point=point, scan=compiled, trigger=trigger, bg_trigger=bg_trigger,
        relative_lead=frozenset(lead),
        background=tuple(Scanner(p) for p in rules.background_phrases),
        gates=MappingProxyType(kind_gates),
        starts=prefix_finder([(p.pattern.pattern, 0) for _, p in compiled],
                             len(compiled) * _SCAN_PREFIXES),
        gate_words=Words({w for g in (*kind_gates.values(), *background_gates, bg_trigger_gate)
                          for one in g.needs for w in one}),
        first_chars=MappingProxyType({k: _first_char(p.pattern) for k, p in compiled}),
        _kinds_by_char={},
        background_gates=background_gates,
        bg_trigger_gate=bg_trigger_gate,
    )


_MARGIN = 48    # characters an expression reaches before or after a trigger word
_SPACE = re.compile(r"\s")


def _windows(low: str, trigger: Scanner, starts: list[int] | None = None
             ) -> list[tuple[int, int]]:
    """Merged stretches of `low` around trigger words, ending on whitespace; `starts`,
    when known, are (at least) the offsets where a trigger word can start."""
    out: list[tuple[int, int]] = []
    for m in trigger.finditer(low) if starts is None else _matches_at(trigger.pattern, low,
                                                                      starts):
        start, end = max(0, m.start() - _MARGIN), m.end() + _MARGIN
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    snapped = []
    for start, end in out:
        space = _SPACE.search(low, end)
        snapped.append((start, space.start() if space else len(low)))
    return snapped


def _matches_at(pattern: re.Pattern, text: str, starts: list[int]) -> Iterator[re.Match]:
    """`pattern.finditer(text)`, given (at least) the sorted offsets where a match can start."""
    pos = 0
    for at in starts:
        if at >= pos and (m := pattern.match(text, at)):
            yield m
            pos = m.end()


def _literal_starts(pattern: re.Pattern) -> list[str] | None:
    """Literal strings one of which begins every match of `pattern` (None: not known)."""
    found = prefixes(pattern.pattern, pattern.flags)
    if found is None or pattern.flags & re.IGNORECASE:
        return None
    out = set()
    for atoms in found[0]:
        lead = ""
        for a in atoms:
            plain = a[1:] if len(a) == 2 and a[0] == "\\" else a
            if len(plain) != 1 or (a == plain and not plain.isalnum()):
                break
            lead += plain
        if not lead or not lead.isascii():
            return None
        out.add(lead)
    return sorted(out)


@dataclass(frozen=True)
class Hints:
    """What `time_expressions_near` first looks up in an article, found for many at once
    (`scan_hints`): the gate words it holds and where trigger words can start."""

    words: set[str]
    starts: list[int]
    background_starts: list[int]


def scan_hints(texts: pl.Series) -> list[Hints | None]:
    """`Hints` for each text, from two vectorised passes over all of them; None for a
    text where ASCII words in lower case are not exact (`folds_plainly`)."""
    pats = _patterns()
    words = sorted(pats.gate_words.begun)
    trig, bg = _literal_starts(pats.trigger.pattern), _literal_starts(pats.bg_trigger.pattern)
    if not words or trig is None or bg is None:
        return [None] * len(texts)
    t = pl.col("t")
    found = pl.DataFrame({"t": texts}).select(
        words=t.str.extract_many(words, ascii_case_insensitive=True, overlapping=True),
        starts=t.str.find_many(trig, ascii_case_insensitive=True, overlapping=True),
        bg=t.str.find_many(bg, ascii_case_insensitive=True, overlapping=True),
        plain=~t.str.contains(f"[{FOLDS_TO_ASCII}]"))
    out: list[Hints | None] = []
    for text, (w, st, b, plain) in zip(texts, found.iter_rows(), strict=True):
        if text is None or not plain:
            out.append(None)
            continue
        chars = char_offsets(text)
        out.append(Hints({x.lower() for x in w}, sorted({chars(o) for o in st}),
                         sorted({chars(o) for o in b})))
    return out


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def char_offsets(text: str):
    """A function from UTF-8 byte offsets of `text` (at character starts) to offsets."""
    if text.isascii():
        return lambda b: b
    extra_at, extra = [], [0]       # byte offsets after each run of non-ASCII characters
    for m in _NOT_ASCII.finditer(text):
        run = m.group()
        extra_at.append(m.start() + extra[-1] + len(run.encode()))
        extra.append(extra[-1] + len(run.encode()) - len(run))
    return lambda b: b - extra[bisect.bisect_right(extra_at, b)]


@functools.cache
def rules() -> TimeRules:
    """The package's time rules, loaded once."""
    return load_time_rules()


@functools.cache
def _patterns() -> _Patterns:
    return _build(rules())


# ---------------------------------------------------------------------- resolution


class _NotADate(Exception):
    """The words looked like a date but are not one (e.g. 'March 31-2')."""


@dataclass(frozen=True)
class _Span:
    start: datetime | None
    end: datetime | None
    grain: str                # "hour", "day", "month", "year"


_NONE = _Span(None, None, "day")


@dataclass(frozen=True)
class _Ctx:
    day: date | None           # anchor day
    now_start: datetime | None  # first hour of publication (its day when only a date is known)
    now_end: datetime | None    # end of the publication hour (or day)
    until: datetime | None      # end of "since X"
    low: date | None            # earliest day a weekday may name
    bg_before: datetime | None  # a day ending at or before this is background


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def _window(d: date, hours: tuple[int, int]) -> _Span:
    start = _midnight(d) + timedelta(hours=hours[0])
    end = _midnight(d) + timedelta(hours=hours[1])
    if hours[1] <= hours[0]:
        end += _DAY
    return _Span(start, end, "hour")


def _whole_day(d: date, d_end: date | None = None) -> _Span:
    return _Span(_midnight(d), _midnight(d_end or d) + _DAY, "day")


def anchor_day(anchor: Anchor) -> date | None:
    """The day relative words are counted from (see module docstring)."""
    if anchor.published_at is not None:
        return anchor.published_at.date()
    dates = anchor.article_dates
    if anchor.set_start is not None:
        dates = tuple(d for d in dates if d >= anchor.set_start - 6 * _DAY)
    if anchor.set_end is not None:
        dates = tuple(d for d in dates if d <= anchor.set_end + _DAY)
    if dates:
        return max(dates)
    return anchor.set_end


def _context(anchor: Anchor) -> _Ctx:
    day = anchor_day(anchor)
    pub = anchor.published_at
    if pub is not None:
        floor = pub.replace(minute=0, second=0, microsecond=0)
        if floor.time() == datetime.min.time():
            now_start, now_end = floor, floor + _DAY      # only the date is known
        else:
            now_start, now_end = floor, floor + _HOUR
    elif day is not None:
        now_start, now_end = _midnight(day), _midnight(day) + _DAY
    else:
        now_start = now_end = None
    if pub is not None:
        until = now_end
    elif anchor.set_end is not None:
        until = _midnight(anchor.set_end) + _DAY
    else:
        until = now_end
    low = anchor.set_start - 6 * _DAY if anchor.set_start else None
    bg = low or (day - 7 * _DAY if day else None)
    return _Ctx(day, now_start, now_end, until, low, _midnight(bg) if bg else None)


def _weekday(name: str, ctx: _Ctx, before: date | None = None, strict: bool = False
             ) -> date | None:
    ref = before or ctx.day
    if ref is None:
        return None
    back = (ref.weekday() - rules().weekdays.index(name.lower())) % 7
    if strict and back == 0:
        back = 7
    d = ref - back * _DAY
    if ctx.low is not None and d < ctx.low:
        return None
    return d


def _year_for(month: int, day: int, ctx: _Ctx) -> int | None:
    """Year of a date written without one: the year putting it nearest the anchor day."""
    if ctx.day is None:
        return None
    best = None
    for y in (ctx.day.year - 1, ctx.day.year, ctx.day.year + 1):
        try:
            gap = abs((date(y, month, day) - ctx.day).days)
        except ValueError:
            continue
        if best is None or gap < best[0]:
            best = (gap, y)
    return best[1] if best else None


def _explicit_date(m: re.Match, ctx: _Ctx) -> _Span:
    month = rules().months[m["mon"].lower().rstrip(".")]
    d1 = int(re.match(r"\d+", m["d1"]).group())
    d2 = int(re.match(r"\d+", m["d2"]).group()) if m["d2"] else d1
    if d2 < d1:
        raise _NotADate(m.group())
    year = int(m["y"]) if m["y"] else _year_for(month, d1, ctx)
    if year is None:
        try:
            date(2000, month, d2)        # a leap year: accepts every real day
        except ValueError:
            raise _NotADate(m.group()) from None
        return _NONE
    try:
        first, last = date(year, month, d1), date(year, month, d2)
    except ValueError:
        raise _NotADate(m.group()) from None
    return _whole_day(first, last)


def _number(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else rules().number_words[word]


def _point(words: str, ctx: _Ctx, before: date | None = None) -> _Span:
    """Interval named by one day reference ("Thursday evening", "March 7", "yesterday")."""
    r = rules()
    for pattern in _patterns().point:
        m = pattern.fullmatch(words)
        if not m:
            continue
        groups = m.groupdict()
        if groups.get("wd") and "edge" in groups:
            d = _weekday(m["wd"], ctx, before, strict=bool(m["last"]))
            if d is None:
                return _NONE
            if m["part"]:
                return _window(d, r.day_parts[_norm(m["part"])])
            if m["edge"]:
                return _window(d, r.day_edges[m["edge"].lower()])
            return _whole_day(d)
        if groups.get("mon"):
            return _explicit_date(m, ctx)
        if groups.get("iso"):
            try:
                stamp = dateutil_parser.isoparse(m["iso"])
            except ValueError:
                raise _NotADate(m["iso"]) from None
            if len(m["iso"]) > 10:
                hour = stamp.replace(minute=0, second=0, microsecond=0)
                return _Span(hour, hour + _HOUR, "hour")
            return _whole_day(stamp.date())
        if groups.get("ofpart"):
            inner = _point(m["rest"], ctx, before)
            if inner.start is None or inner.grain != "day":
                return _NONE
            return _window(inner.start.date(), r.day_parts[_norm(m["ofpart"])])
        if ctx.day is None:
            return _NONE
        if groups.get("rel"):
            d = ctx.day - r.relative_days[m["rel"].lower()] * _DAY
            return _window(d, r.day_parts[_norm(m["part"])]) if m["part"] else _whole_day(d)
        if groups.get("relpart"):
            back, part = r.relative_parts[_norm(m["relpart"])]
            return _window(ctx.day - back * _DAY, r.day_parts[part])
        if groups.get("untilpub"):
            return _Span(_midnight(ctx.day), ctx.now_end, "hour")
        if groups.get("unit"):
            n = _number(m["n"])
            if m["unit"].lower().startswith("day"):
                return _whole_day(ctx.day - n * _DAY)
            step = timedelta(hours=n)
            return _Span(ctx.now_start - step, ctx.now_end - step, "hour")
    raise _NotADate(words)          # e.g. a month word without its capital ("may 5")


def _norm(words: str) -> str:
    return " ".join(words.lower().split())


def _month_span(year: int, month: int) -> _Span:
    end = date(year + month // 12, month % 12 + 1, 1)
    return _Span(datetime(year, month, 1), _midnight(end), "month")


def _resolve(kind: str, m: re.Match, text: str, ctx: _Ctx) -> tuple[_Span, bool]:
    """(interval, is_background) for one match found in the lower-cased `text`;
    raises _NotADate to drop it."""
    r = rules()

    def g(name: str) -> str | None:
        return text[m.start(name):m.end(name)] if m.start(name) >= 0 else None

    if kind == "day":
        return _point(g("a"), ctx), False
    if kind == "range":
        b = _point(g("b"), ctx)
        before = b.start.date() if b.start is not None else None
        a = _point(g("a"), ctx, before) if before else _point(g("a"), ctx)
        if a.start is None or b.start is None or a.start >= b.end:
            return _NONE, False
        return _Span(a.start, b.end, "hour"), False
    if kind == "since":
        a = _point(g("a"), ctx)
        if a.start is None or ctx.until is None or a.start >= ctx.until:
            return _NONE, False
        return _Span(a.start, ctx.until, "hour"), False
    if kind == "recent":
        if m["n"] is None and m["unit"].lower().endswith("s"):
            raise _NotADate(m.group())          # "in the last days of ..."
        if m["n"] is None and m["word"].lower() == "previous":
            raise _NotADate(m.group())          # "the previous day" names no fixed period
        if ctx.now_start is None:
            return _NONE, False
        hours = (_number(m["n"]) if m["n"] else 1) * r.units[m["unit"].lower()]
        return _Span(ctx.now_start - timedelta(hours=hours), ctx.now_end, "hour"), False
    # "year" / "month": a whole year or month, usually another period
    if kind == "year" and not (m["prep"] or m["mon"]):
        raise _NotADate(m.group())
    if m["mon"]:
        if not g("mon")[0].isupper():
            raise _NotADate(m.group())          # "a march", "may have"
        month = r.months[m["mon"]]
        if kind == "year":
            period = _month_span(int(m["y"]), month)
        elif ctx.day is None:
            return _NONE, True
        else:
            y = ctx.day.year if month <= ctx.day.month else ctx.day.year - 1
            period = _month_span(y, month)
    else:
        y = int(m["y"])
        period = _Span(datetime(y, 1, 1), datetime(y + 1, 1, 1), "year")
    here = ctx.day is not None and period.start <= _midnight(ctx.day) < period.end
    background = bool(m["verb"]) or not here
    if m["prep"] and m["prep"].lower() == "since" and ctx.until is not None:
        return _Span(period.start, max(ctx.until, period.end), period.grain), background
    return period, background


def _lower(text: str) -> str:
    """`text` lower-cased character by character, keeping every offset."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _blocked(text: str, start: int, words: str, pats: _Patterns) -> bool:
    """A weekday used as a name ("Good Friday"), or a capitalised relative word
    that is not at the start of a sentence ("ZNews Today")."""
    r = rules()
    first = words.split()[0]
    if first.lower() in r.weekdays:
        before = re.search(r"(\w+)\s+$", text[max(0, start - 24):start])
        after = re.match(r"\s+(\w+)", text[start + len(first):start + len(first) + 24])
        if (before and before.group(1).lower() in r.weekday_blockers) or (
                after and after.group(1).lower() in r.weekday_name_followers):
            return True
    if first[0].isupper() and first.lower() in pats.relative_lead:
        prefix = text[:start].rstrip()
        if prefix and prefix[-1] not in ".!?:;\"'“”‘’()—–-|\n":
            return True
    return False


def _has(gate: Gate, words: set[str], low: str) -> bool:
    """`gate.admits` for a text whose lower case is `low`, holding `words` of gate_words."""
    if gate.fold and not folds_plainly(low):
        return True
    return gate.holds(words)


def _scan(low: str, windows: list[tuple[int, int]], words: set[str],
          kinds: tuple[str, ...] | None = None) -> dict[str, list[re.Match]]:
    """Per scan kind, its matches in each window (in order), as `finditer` on the window
    finds them; the positions where any kind can start are found in one pass. Kinds
    whose gate fails on `words` (the text's gate_words) find nothing."""
    pats = _patterns()
    found: dict[str, list[re.Match]] = {k: [] for k, _ in pats.scan
                                        if kinds is None or k in kinds}
    scanners = [(k, sc) for k, sc in pats.scan if k in found and _has(pats.gates[k], words, low)]
    if pats.starts is None or any(sc.finder is None for _, sc in scanners):
        for k, sc in scanners:
            found[k] = [m for w_start, w_end in windows for m in sc.finditer(low, w_start, w_end)]
        return found
    tries = {k: (sc.finder.match, sc.pattern.match, found[k]) for k, sc in scanners}
    by_char, kinds_starting = pats._kinds_by_char, pats.kinds_starting
    for w_start, w_end in windows if scanners else ():
        pos = dict.fromkeys(tries, w_start)       # per kind, where its next match may start
        for f in pats.starts.finditer(low, w_start, w_end):
            at = f.start()
            for k in by_char.get(low[at]) or kinds_starting(low[at]):
                if at >= pos.get(k, w_end):
                    can_start, match, out = tries[k]
                    if can_start(low, at, w_end) and (m := match(low, at, w_end)):
                        out.append(m)
                        pos[k] = m.end()
    return found


def find_time_expressions(text: str, anchor: Anchor) -> list[TimeExpr]:
    """Every expression dating something in `text`: sorted, non-overlapping, longest match."""
    pats = _patterns()
    low = _lower(text)
    words = pats.gate_words.present(low)
    found = _scan(low, _windows(low, pats.trigger), words)
    return _choose(_candidates(text, anchor, found), _background(text, low, words))


def _candidates(text: str, anchor: Anchor, found: dict[str, list[re.Match]]
                ) -> list[TimeExpr]:
    """The scan kinds' matches that name a time, resolved against `anchor`."""
    pats = _patterns()
    ctx = _context(anchor)
    candidates = []
    for kind, _ in pats.scan:
        for m in found[kind]:
            words = text[m.start():m.end()]
            try:
                span, background = _resolve(kind, m, text, ctx)
            except _NotADate:
                continue
            if _blocked(text, m.start(), words, pats):
                continue
            if (not background and span.end is not None and ctx.bg_before is not None
                    and span.end <= ctx.bg_before):
                background = True
            candidates.append(TimeExpr(words, m.start(), m.end(), span.start, span.end,
                                       background))
    return candidates


def _background(text: str, low: str, words: set[str], starts: list[int] | None = None
                ) -> list[TimeExpr]:
    """Background phrases ("last year") near background trigger words (which can only
    start at `starts`, when known)."""
    pats = _patterns()
    if not _has(pats.bg_trigger_gate, words, low):
        return []
    bg_windows = _windows(low, pats.bg_trigger, starts)
    out = []
    for pattern, gate in zip(pats.background, pats.background_gates, strict=True):
        if _has(gate, words, low):
            out.extend(TimeExpr(m.group(), m.start(), m.end(), None, None, True)
                       for w_start, w_end in bg_windows
                       for m in pattern.finditer(text, w_start, w_end))
    return out


def _choose(candidates: list[TimeExpr], background: list[TimeExpr]) -> list[TimeExpr]:
    """The longest candidates that do not overlap a longer (or earlier) one, by start."""
    chosen: list[TimeExpr] = []
    taken: list[tuple[int, int]] = []
    for c in sorted(candidates + background, key=lambda c: (c.start - c.end, c.start)):
        if all(c.end <= s or c.start >= e for s, e in taken):
            chosen.append(c)
            taken.append((c.start, c.end))
    return sorted(chosen, key=lambda c: c.start)


# ------------------------------------------------------------------ article / set


def explicit_dates(text: str) -> tuple[date, ...]:
    """Days named by fully written dates in `text` (with a year, or ISO), sorted, unique."""
    pats = _patterns()
    low = _lower(text)
    words = pats.gate_words.present(low)
    return _explicit_dates(text, _scan(low, _windows(low, pats.trigger), words, ("day",)))


def _explicit_dates(text: str, found: dict[str, list[re.Match]]) -> tuple[date, ...]:
    ctx = _Ctx(None, None, None, None, None, None)
    days: set[date] = set()
    for m in found["day"]:
        try:
            span = _point(text[m.start("a"):m.end("a")], ctx)
        except _NotADate:
            continue
        if span.start is not None and span.grain in ("day", "hour"):
            d = span.start.date()
            while _midnight(d) < span.end:
                days.add(d)
                d += _DAY
    return tuple(sorted(days))


def time_expressions_near(text: str, published_at: datetime | None, set_start: date | None,
                          set_end: date | None, near: list[tuple[int, int]],
                          hints: Hints | None = None) -> list[TimeExpr]:
    """`find_time_expressions(text, article_anchor(text, published_at, set_start, set_end))`,
    but only those within (or starting in) the stretches `near` are sure to be there.

    Expressions are found in disjoint windows around trigger words, and one can only
    displace another it overlaps; so it is enough to read the windows that touch `near`
    or a background phrase (all of which are kept). `hints`: `scan_hints` for `text`.
    """
    pats = _patterns()
    low = _lower(text)
    words = pats.gate_words.present(low) if hints is None else hints.words
    windows = _windows(low, pats.trigger, hints and hints.starts)
    background = _background(text, low, words, hints and hints.background_starts)
    spans = [*near, *((c.start, c.end) for c in background)]
    used = [w for w in windows if any(w[0] < end and start < w[1] for start, end in spans)]
    if published_at is None:      # the anchor day may come from any written date
        dates = _explicit_dates(text, _scan(low, windows, words, ("day",)))
    else:
        dates = ()                # not read: the publication date is the anchor day
    anchor = Anchor(published_at, dates, set_start, set_end)
    return _choose(_candidates(text, anchor, _scan(low, used, words)), background)


def article_time_expressions(text: str, published_at: datetime | None,
                             set_start: date | None, set_end: date | None
                             ) -> tuple[Anchor, list[TimeExpr]]:
    """`article_anchor(...)` and `find_time_expressions(text, anchor)`, reading `text` once."""
    pats = _patterns()
    low = _lower(text)
    words = pats.gate_words.present(low)
    found = _scan(low, _windows(low, pats.trigger), words)
    anchor = Anchor(published_at, _explicit_dates(text, found), set_start, set_end)
    return anchor, _choose(_candidates(text, anchor, found), _background(text, low, words))


def article_anchor(text: str, published_at: datetime | None, set_start: date | None,
                   set_end: date | None) -> Anchor:
    """The anchor for one article: its publication time, its explicit dates, the set."""
    return Anchor(published_at, explicit_dates(text), set_start, set_end)


def infer_set_dates(articles: pl.DataFrame) -> tuple[date | None, date | None]:
    """First and last day of an article set, from publication dates and explicit dates
    (see `infer_dates_from`)."""
    published: list[date] = []
    if "published_at" in articles.columns:
        published = [d.date() if isinstance(d, datetime) else d
                     for d in articles.get_column("published_at").drop_nulls().to_list()]
    written = Counter(d for t in articles.get_column("text").drop_nulls().to_list()
                      for d in explicit_dates(t))
    return infer_dates_from(published, written)


def infer_dates_from(published: list[date], written: Counter
                     ) -> tuple[date | None, date | None]:
    """First and last day of a set from its publication days and a count of the dates
    written in its texts.

    With publication dates, explicit dates count when they fall within a week of the
    publication dates. Without any, the densest 8-day stretch
    of explicit dates is taken (ties: the latest).
    """
    if published:
        lo, hi = min(published) - 7 * _DAY, max(published) + 7 * _DAY
        kept = [d for d in written if lo <= d <= hi] + list(published)
        return min(kept), max(kept)
    if not written:
        return None, None
    best: tuple[int, date] | None = None
    for d in sorted(written):
        count = sum(n for w, n in written.items() if d <= w <= d + 7 * _DAY)
        if best is None or count >= best[0]:
            best = (count, d)
    window = [w for w in written if best[1] <= w <= best[1] + 7 * _DAY]
    return min(window), max(window)


__all__: list[str] = [
    "Anchor",
    "EndSearch",
    "Gate",
    "Hints",
    "Scanner",
    "TimeExpr",
    "TimeRules",
    "Words",
    "anchor_day",
    "article_anchor",
    "article_time_expressions",
    "char_offsets",
    "ending_check",
    "explicit_dates",
    "find_time_expressions",
    "finder_from",
    "folds_plainly",
    "infer_set_dates",
    "leading_literals",
    "load_time_rules",
    "parse_rules",
    "prefix_finder",
    "prefixes",
    "rules",
    "scan_hints",
    "time_expressions_near",
]