"""Casualty claims: every figure of people killed, injured, captured, arrested,
missing or displaced that an article states, one row per mention.

How a figure becomes a claim (all words live in `rules/*.yaml`):

1. Candidate sentences are picked with vectorised polars string expressions
   (a figure and an outcome stem); only those are read in Python.
2. In a sentence, each figure (`numbers.find_numbers`) is read with its
   qualifier ("at least"), the people it counts ("35 members of government
   forces") and what happened to them, from the words after it ("70 killed",
   "48 deaths"), a verb before it ("killing 12"), a running total ("the death
   toll rose to 35") or a container ("among the casualties were 745 civilians").
   Figures of things, dates, ages, money and people merely present yield nothing.
3. Figures joined in a list share one outcome and are parts of the event; a
   container's parts take the outcome and source of the total they break down.
4. Scope, source (`sources.yaml`, with "the monitor" resolved to the monitor the
   article names) and the time expression that dates the figure (`timeref`)
   are added per article.

Conventions:

* `quote` runs from the qualifier (or the verb, when the outcome comes from it:
  "killing 12"; or the running total, when the figure names nobody: "death toll
  rose to 35") to the end of the people counted, the outcome word and a "by ..."
  agent ("four civilians shot by security forces").
* A range ("between 30 and 40", "30 to 40") is one claim: the upper figure,
  qualifier `up_to`, `low`/`high` the two ends.
* `scope`: `background` when a background cue (`scope.yaml`) precedes the figure
  or follows it in the same clause, when the figure is dated to an earlier period,
  or when it is about an event of an earlier year ("the 2004 tsunami");
  `event_part` for list items, container parts ("including 30 children") and a
  group's figure in an article that also gives an overall toll; else `event_total`.
* `source`: the attributed mention nearest the figure in its sentence; else the
  source a sentence-opening "It said" refers back to; else the source of the total
  a part breaks down; else the source of the same figure elsewhere in the article.
* As-of: the time expression in the figure's sentence nearest to it, else the one
  opening its paragraph. When the words cannot be resolved to an interval, or
  there are none, the interval falls back to the publication hour (or day) and
  `is_as_of_fallback` is true; `as_of_text` keeps any words found.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace

import polars as pl

from tolldrift import schema, timeref
from tolldrift.lexicon import RuleError, compile_pattern, expect_str_list, load_rules
from tolldrift.numbers import (
    ParsedNumber,
    bounds,
    find_numbers,
    number_rules,
    parse_number,
    qualifier_after,
    qualifier_before,
)

OUTCOME_FILE = "outcomes.yaml"
GROUP_FILE = "groups.yaml"
NON_PEOPLE_FILE = "non_people.yaml"
SCOPE_FILE = "scope.yaml"
SOURCE_FILE = "sources.yaml"
_OUTCOMES = schema.OUTCOMES
_I = re.IGNORECASE


# --------------------------------------------------------------------------- rules


def _by_length(pieces) -> list[str]:
    """Longest first (ties keep their order): the order alternations try them in."""
    return sorted(pieces, key=len, reverse=True)


def _alt(pieces) -> str:
    return "|".join(f"(?:{p})" for p in _by_length(pieces))


def _check(pieces: tuple[str, ...], file: str, key: str) -> tuple[str, ...]:
    for p in pieces:
        compile_pattern(p, file, key)
    return pieces


def _outcome_table(data: dict, key: str, allowed: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    table = data.get(key)
    if not isinstance(table, dict) or not table:
        raise RuleError(OUTCOME_FILE, key, "must be a mapping of outcome to a list of patterns")
    out = {}
    for name in table:
        if name not in allowed:
            raise RuleError(OUTCOME_FILE, f"{key}.{name}", f"unknown name; use one of {allowed}")
        out[name] = _check(expect_str_list(table, name, OUTCOME_FILE), OUTCOME_FILE,
                           f"{key}.{name}")
    return out


def _named(table: dict[str, tuple[str, ...]]) -> str:
    """One alternation with a named group per key (keys made identifier-safe)."""
    return "|".join(f"(?P<{k}>{_alt(v)})" for k, v in table.items())


# --------------------------------------------------------------------------- fast alternations
#
# Python's `re` tries every alternative of a long alternation at every position. The
# classes below find exactly the matches the plain alternation finds, but try it only
# where one of its pieces can start, and only with those pieces.


# Words a text holds: (those compared as they are, those compared in lower case, or None
# when that is not exact for the text (timeref.folds_plainly) and every such word must be
# taken as there); sets or lists.
Found = tuple[Collection[str], Collection[str] | None]


def _gate_holds(gate: timeref.Gate, words: Found) -> bool:
    """`gate.admits(text)` for a text holding `words` (all its words of the gate)."""
    have = words[gate.fold]
    return have is None or gate.holds(have)


def _scoped(pattern: str, flags: int) -> str:
    return f"(?i:{pattern})" if flags & re.IGNORECASE else f"(?:{pattern})"


_UNSEEN = object()


class _Alternation:
    """`(?P<name0>piece0)|(?P<name1>piece1)|...`, each piece with its own IGNORECASE flag,
    found left to right exactly as `finditer` finds it; but the alternation is only tried
    where the text starts with a character one of the pieces can start with, and then
    with just those pieces.

    `gated`: a text is first searched for the literal words each piece needs
    (`timeref.Gate`), and only the pieces whose words are there are tried.
    """

    _FLAGS = re.IGNORECASE | re.UNICODE
    _MOST_SUBSETS = 512
    _MOST_BUCKETS = 20_000

    def __init__(self, pieces: list[tuple[str, str, int]], *, gated: bool = False):
        self.pieces = pieces
        self.finder = None
        self.gated = gated
        if gated:
            self._gates = [timeref.Gate(p, f) for _, p, f in pieces]
            self._ungated = [i for i, g in enumerate(self._gates) if not g.needs]
            self._folded = [i for i, g in enumerate(self._gates) if g.fold and g.needs]
            # pieces by a word of their first set, words compared as is and in lower case
            self._by_word: tuple[dict[str, list[int]], dict[str, list[int]]] = ({}, {})
            for i, g in enumerate(self._gates):
                for w in g.needs[0] if g.needs else ():
                    self._by_word[g.fold].setdefault(w, []).append(i)
            self._words = tuple(timeref.Words({w for g in self._gates if g.fold == fold
                                               for s in g.needs for w in s})
                                for fold in (False, True))
            self._vocabulary = tuple(frozenset(self._by_word[fold]) for fold in (False, True))
            self._all_words = tuple(frozenset(w.begun) for w in self._words)
            self._more = {i for i, g in enumerate(self._gates) if len(g.needs) > 1}
            self._subsets: dict[tuple[int, ...], _Alternation] = {}
            # the pieces kept, by the words of the gates found (a function of the rules)
            self._kept: dict[tuple, _Alternation | None] = {}
        found = [timeref.prefixes(p, f, 64) for _, p, f in pieces]
        if not pieces or any(x is None for x in found):
            return
        self.finder = timeref.finder_from([(*x, f) for x, (_, _, f) in zip(found, pieces,
                                                                           strict=True)])
        self.heads = [re.compile("|".join(sorted({p[0] for p in x[0]})), f)
                      for x, (_, _, f) in zip(found, pieces, strict=True)]
        # With many first characters the finder rules out little: in a short text, just
        # try each place.
        self._try_each = len({p[0] for x in found for p in x[0]}) > 16
        # the first two characters, where both are single-character regexes
        self.pairs = [None if any(len(p) < 2 or p[0].endswith("+") or p[1].endswith("+")
                                  for p in x[0])
                      else re.compile("|".join(sorted({p[0] + p[1] for p in x[0]})), f)
                      for x, (_, _, f) in zip(found, pieces, strict=True)]
        self._by_char: dict[str, re.Pattern | None] = {}

    @functools.cached_property
    def full(self) -> re.Pattern:
        """The plain alternation."""
        return re.compile(self._join(self.pieces))

    @staticmethod
    def _join(pieces: list[tuple[str, str, int]]) -> str:
        return "|".join(f"(?P<{n}>{_scoped(p, f)})" for n, p, f in pieces)

    def _present(self, text: str, words: Found | None = None) -> _Alternation | None:
        """The alternation of the pieces whose literal words `text` holds (`words`: some
        of the words in it, at least all it holds, when known)."""
        # Words of IGNORECASE pieces are compared in lower case (see timeref.folds_plainly).
        found = words or (self._words[0].present(text), self._words[1].present(text.lower())
                          if timeref.folds_plainly(text) else None)
        found = (self._all_words[0].intersection(found[0]),
                 None if found[1] is None else self._all_words[1].intersection(found[1]))
        if found in self._kept:
            return self._kept[found]
        if len(self._kept) >= self._MOST_SUBSETS:
            self._kept.clear()
        self._kept[found] = sub = self._pieces_for(found)
        return sub

    def _pieces_for(self, found: tuple) -> _Alternation | None:
        """The alternation of the pieces whose gates hold for the words `found`."""
        keep = set(self._ungated)
        for fold in (False, True):
            if found[fold] is None:
                keep.update(self._folded)
                continue
            for w in self._vocabulary[fold].intersection(found[fold]):
                for i in self._by_word[fold][w]:
                    if i not in keep and (i not in self._more
                                          or self._gates[i].holds(found[fold])):
                        keep.add(i)
        if not keep:
            return None
        key = tuple(sorted(keep))
        sub = self._subsets.get(key)
        if sub is None:
            if len(self._subsets) >= self._MOST_SUBSETS:
                self._subsets.clear()
            sub = self._subsets[key] = _Alternation([self.pieces[i] for i in key])
        return sub

    def finditer(self, text: str, pos: int = 0, limit: int | None = None,
                 words: Found | None = None) -> Iterator[re.Match]:
        """The matches `self.full.finditer(text, pos)` yields (`lastgroup` names the piece),
        up to the first one starting at or after `limit` (`words`: see `_present`)."""
        if not self.pieces:
            return
        if self.gated:
            sub = self._present(text, words)
            if sub is not None:
                yield from sub.finditer(text, pos, limit)
            return
        if self.finder is None:
            for m in self.full.finditer(text, pos):
                if limit is not None and m.start() >= limit:
                    return
                yield m
            return
        for f in self.finder.finditer(text, pos):
            at = f.start()
            if at < pos:
                continue
            if limit is not None and at >= limit:
                return
            if m := self.match(text, at):
                yield m
                pos = m.end()

    def search(self, text: str, pos: int = 0, limit: int | None = None,
               words: Found | None = None) -> re.Match | None:
        """What `self.full.search(text, pos)` finds, if it starts before `limit`."""
        end = len(text) if limit is None else min(limit, len(text))
        if (self.finder is not None and not self.gated
                and (end - pos <= 8 or end - pos <= 32 and self._try_each)):
            for at in range(pos, end):    # a few places: try each
                if m := self.match(text, at):
                    return m
            return None
        if self.gated:
            sub = self._present(text, words)
            return sub.search(text, pos, limit) if sub is not None else None
        if not self.pieces:
            return None
        if self.finder is None:
            m = self.full.search(text, pos)
            return m if m and (limit is None or m.start() < limit) else None
        for f in self.finder.finditer(text, pos):
            at = f.start()
            if limit is not None and at >= limit:
                return None
            if m := self.match(text, at):
                return m
        return None

    def _bucket(self, key: str) -> re.Pattern | None:
        """The pieces that can start with `key` (one or two characters), in their order, as
        one pattern."""
        if len(self._by_char) >= self._MOST_BUCKETS:
            self._by_char.clear()
        keep = [p for p, h, two in zip(self.pieces, self.heads, self.pairs, strict=True)
                if h.match(key[0]) and (len(key) < 2 or two is None or two.match(key))]
        pat = self._by_char[key] = re.compile(self._join(keep)) if keep else None
        return pat

    def match(self, text: str, pos: int = 0) -> re.Match | None:
        """What `self.full.match(text, pos)` finds."""
        if not self.pieces or pos >= len(text):
            return None
        if self.finder is None:
            return self.full.match(text, pos)
        key = text[pos:pos + 2]
        pat = self._by_char.get(key, _UNSEEN)
        if pat is _UNSEEN:
            pat = self._bucket(key)
        return pat.match(text, pos) if pat is not None else None


class _Checked:
    """`pattern.match(text, pos)`, answered None at once where none of the pattern's
    first strings (`timeref.prefixes`) starts."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        found = timeref.prefixes(pattern.pattern, pattern.flags)
        self.check = timeref.finder_from([(*found, pattern.flags)]) if found else None

    def match(self, text: str, pos: int = 0) -> re.Match | None:
        """What `self.pattern.match(text, pos)` finds."""
        if self.check is not None and not self.check.match(text, pos):
            return None
        return self.pattern.match(text, pos)


class _PatternList:
    """Named patterns, each searched on its own, asked as one: which matches leftmost
    (ties: the earlier in the list), or which is the first in the list to match at all."""

    def __init__(self, pairs: list[tuple[str, re.Pattern]]):
        self.pairs = tuple(pairs)
        simple = all(p.groups == 0 and not p.flags & ~_Alternation._FLAGS for _, p in pairs)
        self.any = _Alternation([(f"g{i}", p.pattern, p.flags) for i, (_, p) in
                                 enumerate(pairs)]) if simple and pairs else None

    def leftmost(self, text: str) -> tuple[str, int] | None:
        """(name, start) of the leftmost match of any pattern, the earlier pattern on a tie."""
        if self.any is None:
            found = None
            for name, pat in self.pairs:
                m = pat.search(text)
                if m and (found is None or m.start() < found[1]):
                    found = (name, m.start())
            return found
        m = self.any.search(text)
        return (self.pairs[int(m.lastgroup[1:])][0], m.start()) if m else None

    def first_matching(self, text: str) -> str | None:
        """The name of the first pattern in the list that matches anywhere in `text`."""
        if self.any is not None and self.any.search(text) is None:
            return None
        return next((name for name, pat in self.pairs if pat.search(text)), None)


@dataclass(frozen=True)
class ClaimRules:
    """Compiled patterns from the claim rule files."""

    outcome_word: _Alternation        # an outcome word (group per outcome) at a position
    outcome_any: _Alternation
    predicate: _Checked               # aux words + outcome word(s) + optional agent
    object_verb: timeref.EndSearch    # verb right before a figure (search on left text)
    toll: timeref.EndSearch
    container: timeref.EndSearch
    of_the: _Checked                  # "nine of the dead were children"
    container_nouns: dict[str, str]
    head: _Alternation
    head_group: _PatternList
    modifier_group: _PatternList
    armed_modifiers: _PatternList
    of_heads: re.Pattern
    lead_words: re.Pattern
    stop_words: frozenset[str]
    non_people: _Alternation
    non_people_before: timeref.EndSearch
    non_people_after: _Checked
    year_range: tuple[int, int]
    background: tuple[re.Pattern, ...]
    background_any: _Alternation      # any of `background`, to skip sentences without one
    not_after: re.Pattern
    part: re.Pattern
    part_before: re.Pattern
    year_event: re.Pattern
    stems: tuple[str, ...]
    vocabulary: tuple[str, ...]


@functools.cache
def claim_rules() -> ClaimRules:
    """Load and validate the outcome, group, non-people and scope rule files (once)."""
    o = load_rules(OUTCOME_FILE, required=("words", "auxiliaries", "object_verbs", "toll_nouns",
                                           "toll_verbs", "container_nouns", "containers",
                                           "stems"))
    words = _outcome_table(o, "words", _OUTCOMES + ("context",))
    aux = _check(expect_str_list(o, "auxiliaries", OUTCOME_FILE), OUTCOME_FILE, "auxiliaries")
    obj = _outcome_table(o, "object_verbs", _OUTCOMES)
    toll_nouns = _outcome_table(o, "toll_nouns", _OUTCOMES)
    toll_verbs = _outcome_table(o, "toll_verbs", ("exact", "more_than"))
    cnouns = _outcome_table(o, "container_nouns", _OUTCOMES + ("inherit",))
    containers = _check(expect_str_list(o, "containers", OUTCOME_FILE), OUTCOME_FILE,
                        "containers")
    stems = expect_str_list(o, "stems", OUTCOME_FILE)

    word_alt = _alt(p for v in words.values() for p in v)
    outcome_word = _Alternation([(k, rf"(?:{_alt(v)})\b", _I) for k, v in words.items()])
    outs = rf"(?:{word_alt})(?:\s*(?:,|and/or|and|or|&)\s*(?:{word_alt}))?"
    predicate = re.compile(
        rf"(?:\s*,(?=\s*(?:who|that)\b))?(?:\s+(?:{_alt(aux)})\b){{0,4}}\s*(?P<out>{outs})\b"
        rf"(?P<agent>\s+(?:by|at\s+the\s+hands\s+of)\s+[^,;.:()\d]+?"
        rf"(?=\s*(?:[,;.:()]|$|\s+(?:and|as\s+well\s+as)\s)))?",
        re.IGNORECASE,
    )
    object_verb = re.compile(rf"\b(?:{_named(obj)})\s+(?:all\s+(?:the\s+)?)?$", re.IGNORECASE)
    toll = re.compile(
        rf"\b(?:{_named({f'n_{k}': v for k, v in toll_nouns.items()})})\b"
        rf"(?:[^.;:!?\d]|\d(?:\.\d)?){{0,80}}?\s(?:(?:has|have|had|now|already|reportedly|officially|"
        rf"further|later|then)\s+)*(?:{_named(toll_verbs)})\s+$",
        re.IGNORECASE,
    )
    cnoun_alt = {f"c_{k}": v for k, v in cnouns.items()}
    def nouns(i: int) -> str:
        return _named({f"{k}{i}": v for k, v in cnoun_alt.items()})

    container = re.compile(
        rf"(?:\bamong\s+(?:the|those)\s+(?:{nouns(1)})\s+(?:\w+ly\s+)?(?:were|are|was|is)"
        rf"|\b(?:the\s+)?(?:{nouns(2)})\s+(?:\w+ly\s+)?"
        rf"(?:included|include|includes|including|were|are|comprised|comprise)"
        rf"|\bof\s+(?:the|those)\s+(?:[\d,]+\s+)?(?:[a-z]+\s+){{0,2}}(?:{nouns(4)}),"
        rf"|\b(?P<plain>{_alt(containers)}))\s+$",
        re.IGNORECASE,
    )
    of_the = re.compile(
        rf"\s+of\s+(?:(?:the|those)\s+(?:{nouns(3)})|them|whom)"
        rf"(?:\s+(?:\w+ly\s+)?(?:were|was|are|is|included|include))?\b", re.IGNORECASE)
    container_nouns = {f"c_{k}{i}": k for k in cnouns for i in (1, 2, 3, 4)}

    g = load_rules(GROUP_FILE, required=("order", "groups", "of_heads", "lead_words",
                                         "stop_words"))
    order = expect_str_list(g, "order", GROUP_FILE)
    if sorted(order) != sorted(schema.GROUPS):
        raise RuleError(GROUP_FILE, "order", f"must list each of {schema.GROUPS} once")
    groups = g["groups"]
    if not isinstance(groups, dict) or set(groups) != set(schema.GROUPS):
        raise RuleError(GROUP_FILE, "groups", f"must have exactly the keys {schema.GROUPS}")
    head_group, modifier_group, all_heads = [], [], []
    for name in order:
        entry = groups[name]
        if not isinstance(entry, dict) or set(entry) != {"heads", "modifiers"}:
            raise RuleError(GROUP_FILE, f"groups.{name}", "must have heads and modifiers")
        heads = _check(expect_str_list(entry, "heads", GROUP_FILE), GROUP_FILE,
                       f"groups.{name}.heads")
        mods = entry["modifiers"]
        if not isinstance(mods, list) or not all(isinstance(m, str) and m for m in mods):
            raise RuleError(GROUP_FILE, f"groups.{name}.modifiers", "must be a list of strings")
        all_heads.extend(heads)
        for h in heads:
            flags = 0 if h.startswith("[A-Z]") else re.IGNORECASE
            head_group.append((name, re.compile(rf"\b(?:{h})\b", flags)))
        for m in mods:
            modifier_group.append((name, compile_pattern(rf"\b(?:{m})\b", GROUP_FILE,
                                                         f"groups.{name}.modifiers", _I)))
    head = _Alternation([(f"h{i}", rf"(?:{h})\b", 0 if h.startswith("[A-Z]") else _I)
                         for i, h in enumerate(_by_length(all_heads))])
    of_heads = re.compile(rf"(?:{_alt(expect_str_list(g, 'of_heads', GROUP_FILE))})\b", _I)
    lead = re.compile(rf"(?:\s+(?:{_alt(expect_str_list(g, 'lead_words', GROUP_FILE))})\b)*",
                      re.IGNORECASE)
    stop = frozenset(w.lower() for w in expect_str_list(g, "stop_words", GROUP_FILE))

    n = load_rules(NON_PEOPLE_FILE, required=("heads", "before", "after", "year_range"))
    yr = n["year_range"]
    if not (isinstance(yr, list) and len(yr) == 2 and all(isinstance(v, int) for v in yr)):
        raise RuleError(NON_PEOPLE_FILE, "year_range", "must be [first, last] years")
    s = load_rules(SCOPE_FILE, required=("background", "not_after", "part", "part_before",
                                         "year_events"))
    non_people = expect_str_list(n, "heads", NON_PEOPLE_FILE)
    compile_pattern(rf"(?:{_alt(non_people)})(?![\w])", NON_PEOPLE_FILE, "heads", _I)
    background = tuple(compile_pattern(p, SCOPE_FILE, "background", re.IGNORECASE)
                       for p in expect_str_list(s, "background", SCOPE_FILE))
    vocabulary = sorted({w for v in words.values() for p in v for w in re.findall(r"[a-z]{4,}", p)
                         if re.fullmatch(_alt(v), w, _I)} | {"killed", "deaths", "fatalities"})
    return ClaimRules(
        outcome_word=outcome_word,
        outcome_any=_Alternation([(f"o{i}", rf"(?:{p})\b", _I) for i, p in enumerate(
            _by_length(p for v in words.values() for p in v))]),
        predicate=_Checked(predicate),
        object_verb=timeref.EndSearch(object_verb),
        toll=timeref.EndSearch(toll),
        container=timeref.EndSearch(container),
        of_the=_Checked(of_the),
        container_nouns=container_nouns,
        head=head,
        head_group=_PatternList(head_group),
        modifier_group=_PatternList(modifier_group),
        armed_modifiers=_PatternList([(n, m) for n, m in modifier_group if n == "armed_group"]),
        of_heads=of_heads,
        lead_words=lead,
        stop_words=stop,
        non_people=_Alternation([(f"n{i}", rf"(?:{p})(?![\w])", _I)
                                 for i, p in enumerate(_by_length(non_people))]),
        non_people_before=timeref.EndSearch(compile_pattern(
            rf"(?:^|(?<![\w$€£]))(?:{_alt(expect_str_list(n, 'before', NON_PEOPLE_FILE))})\s*$",
            NON_PEOPLE_FILE, "before", re.IGNORECASE)),
        non_people_after=_Checked(compile_pattern(
            rf"(?:{_alt(expect_str_list(n, 'after', NON_PEOPLE_FILE))})",
            NON_PEOPLE_FILE, "after", re.IGNORECASE)),
        year_range=(yr[0], yr[1]),
        background=background,
        background_any=_Alternation([(f"b{i}", p.pattern, p.flags)
                                     for i, p in enumerate(background)], gated=True),
        not_after=compile_pattern(rf"(?:{_alt(expect_str_list(s, 'not_after', SCOPE_FILE))})"
                                  rf"\s+(?:\w+\s+){{0,6}}$", SCOPE_FILE, "not_after", _I),
        part=compile_pattern(_alt(expect_str_list(s, "part", SCOPE_FILE)), SCOPE_FILE, "part",
                             re.IGNORECASE),
        part_before=compile_pattern(_alt(expect_str_list(s, "part_before", SCOPE_FILE)),
                                    SCOPE_FILE, "part_before", re.IGNORECASE),
        year_event=compile_pattern(
            rf"\b(?P<year>(?:19|20)\d\d)(?:['’]s)?\s+"
            rf"(?:{_alt(expect_str_list(s, 'year_events', SCOPE_FILE))})\b",
            SCOPE_FILE, "year_events", re.IGNORECASE),
        stems=stems,
        vocabulary=tuple(vocabulary),
    )


@dataclass(frozen=True)
class SourceRules:
    """Compiled source aliases and attribution cues."""

    mentions: tuple[_Alternation, ...]  # aliases and generic references, one named group each
    mention_names: tuple[tuple[str | None, bool], ...]  # per group m<i>: (name, is_generic)
    monitors: tuple[str, ...]
    monitor_mentions: tuple[_Alternation, ...]   # `mentions` pieces naming a monitor
    before: re.Pattern
    verbs: re.Pattern
    verb_window: int
    cue_gates: tuple[timeref.Gate, timeref.Gate]   # of `before` and `verbs`
    pronoun: re.Pattern
    pronoun_tail: re.Pattern  # ", the agency added." closing the sentence


@functools.cache
def source_rules() -> SourceRules:
    """Load and validate `sources.yaml` (once)."""
    d = load_rules(SOURCE_FILE, required=("sources", "monitors", "generic", "before", "verbs",
                                          "verb_window", "pronouns"))
    table = d["sources"]
    if not isinstance(table, dict) or not table:
        raise RuleError(SOURCE_FILE, "sources", "must map short names to alias lists")
    raw_aliases = []
    for name in table:
        for a in expect_str_list(table, name, SOURCE_FILE):
            flags = 0 if a != a.lower() else re.IGNORECASE
            compile_pattern(a, SOURCE_FILE, f"sources.{name}", flags)
            raw_aliases.append((str(name), a, flags))
    monitors = expect_str_list(d, "monitors", SOURCE_FILE)
    for m in monitors:
        if m not in table:
            raise RuleError(SOURCE_FILE, "monitors", f"{m!r} is not a key of sources")
    generic = []
    if not isinstance(d["generic"], list):
        raise RuleError(SOURCE_FILE, "generic", "must be a list of {pattern, default}")
    for i, item in enumerate(d["generic"]):
        if not isinstance(item, dict) or set(item) != {"pattern", "default"}:
            raise RuleError(SOURCE_FILE, f"generic[{i}]", "must have exactly pattern, default")
        if item["default"] is not None and item["default"] not in table:
            raise RuleError(SOURCE_FILE, f"generic[{i}]", "default must be a source or null")
        generic.append((compile_pattern(item["pattern"], SOURCE_FILE, f"generic[{i}]"),
                        item["default"]))
    window = d["verb_window"]
    if not isinstance(window, int) or window <= 0:
        raise RuleError(SOURCE_FILE, "verb_window", "must be a positive integer")
    pieces = [(a, flags, (name, False)) for name, a, flags in raw_aliases]
    pieces += [(p.pattern, 0, (default, True)) for p, default in generic]
    names = tuple(n for _, _, n in pieces)

    def combined(flags: int, only: tuple[str, ...] | None = None) -> _Alternation:
        return _Alternation([(f"m{i}", rf"\b(?:{pat})(?![\w])", flags)
                             for i, (pat, f, (name, generic)) in enumerate(pieces)
                             if f == flags and (only is None or name in only and not generic)],
                            gated=True)

    tail_pronouns = [p for p in expect_str_list(d, "pronouns", SOURCE_FILE)
                     if p not in ("He", "She")]
    before = compile_pattern(rf"\b(?:{_alt(expect_str_list(d, 'before', SOURCE_FILE))})"
                             rf"\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+['’]s\s+)?"
                             rf"(?:[A-Z][\w.'’-]*\s+){{0,3}}$", SOURCE_FILE, "before")
    verbs = compile_pattern(rf"\b(?:{_alt(expect_str_list(d, 'verbs', SOURCE_FILE))})\b",
                            SOURCE_FILE, "verbs", re.IGNORECASE)
    return SourceRules(
        mentions=(combined(0), combined(re.IGNORECASE)),
        monitor_mentions=(combined(0, monitors), combined(re.IGNORECASE, monitors)),
        mention_names=names,
        monitors=monitors,
        before=before,
        verbs=verbs,
        verb_window=window,
        cue_gates=(timeref.Gate(before.pattern, before.flags),
                   timeref.Gate(verbs.pattern, verbs.flags)),
        pronoun=compile_pattern(
            rf"\s*(?:{_alt(expect_str_list(d, 'pronouns', SOURCE_FILE))})\s+(?:[a-z]+\s+)?"
            rf"(?:{_alt(expect_str_list(d, 'verbs', SOURCE_FILE))})\b", SOURCE_FILE, "pronouns"),
        # Not "he"/"she" at the end of a sentence: the speaker there is often a witness
        # or an official quoted in between, not the source named earlier.
        pronoun_tail=compile_pattern(
            rf",\s*(?:{_alt(tail_pronouns)})\s+(?:[a-z]+\s+)?"
            rf"(?:{_alt(expect_str_list(d, 'verbs', SOURCE_FILE))})\b[^,;]*$", SOURCE_FILE,
            "pronouns", re.IGNORECASE),
    )


# --------------------------------------------------------------------------- text


_MASK = re.compile(r"https?://\S+|www\.\S+|pic\.twitter\.com/\S+|(?<!\w)[@#]\w+|[\u0600-\u06ff]+")
_MASK_KEYS = ("http", "www.", "pic.twitter.com/", "@", "#")   # and non-ASCII Arabic


def mask(text: str) -> str:
    """Cover URLs, handles, hashtags and Arabic script with a filler that no rule reads
    across (same length, so offsets are kept)."""
    if text.isascii() and not any(k in text for k in _MASK_KEYS):
        return text            # nothing to cover: every match holds one of the keys
    return _MASK.sub(lambda m: "\u00a4" * len(m.group(0)), text)


def deobfuscate(text: str) -> tuple[str, list[int]]:
    """Restore outcome words spelt with asterisks ("fata*lities", "k*lled").

    Returns the restored text and, for each of its characters (plus one past the
    end), the offset in `text` it comes from.
    """
    if "*" not in text:
        return text, list(range(len(text) + 1))
    vocab = claim_rules().vocabulary
    out, index, pos = [], [], 0
    for m in re.finditer(r"[A-Za-z]*\*+[A-Za-z*]*", text):
        word = m.group(0)
        fixed = _restore(word, vocab)
        if fixed is None:
            continue
        out.append(text[pos:m.start()])
        index.extend(range(pos, m.start()))
        out.append(fixed)
        index.extend(min(m.start() + i, m.end() - 1) for i in range(len(fixed)))
        pos = m.end()
    out.append(text[pos:])
    index.extend(range(pos, len(text) + 1))
    return "".join(out), index


def _restore(word: str, vocab: tuple[str, ...]) -> str | None:
    low = word.lower()
    plain = low.replace("*", "")
    if plain in vocab:
        return _case_like(word, plain)
    wildcard = re.compile(re.escape(low).replace(r"\*", "[a-z]"))
    for v in vocab:
        if wildcard.fullmatch(v):
            return _case_like(word, v)
    return None


def _case_like(word: str, new: str) -> str:
    return new.capitalize() if word[:1].isupper() else new


# --------------------------------------------------------------------------- sentence reading


@dataclass(slots=True)
class Item:
    """One figure read in one sentence (offsets into the restored sentence text)."""

    number: ParsedNumber
    qualifier: str
    start: int
    end: int
    after: int                       # where list separators to the next figure start
    outcome: str | None = None
    strong: bool = False             # the outcome was stated for this figure itself
    group: str = "all"
    group_text: str | None = None
    inherit: bool = False            # a container's part: outcome from its total
    part: bool = False
    chain: int | None = None         # position of the list the figure belongs to
    covered: int = 0                 # figures before this offset belong to this one
    low: int | None = None           # lower end of a range ("between 30 and 40")
    things: bool = False             # the figure counts things, not people
    subset: bool = False             # "745 of them": a subset, never a list item
    group_span: tuple[int, int] | None = None
    bare: bool = False               # outcome is a bare participle after the people
                                     # ("seven soldiers captured"): a verb before wins


_SPACES = re.compile(r"\s+")
_SPACES_OR_NOT = re.compile(r"\s*")
_OF_THE = re.compile(r"\s+of\s+(?:the\s+)?", re.IGNORECASE)
_AND = re.compile(r"\s+(?:and|&)\s+")
_MODIFIER = re.compile(r"([A-Za-z][\w-]*)\s+")
_APPOSITIVE = re.compile(r",\s+(?:many|most|some|all|mostly|mainly|largely|predominantly|"
                         r"primarily|overwhelmingly)\b[^,;.:()\d]*", re.IGNORECASE)
_FOUR_DIGITS = re.compile(r"\d{4}")
_FROM_END = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_BETWEEN_END = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_JUST_OF = re.compile(r"\s+of", re.IGNORECASE)
_COPULA = re.compile(r"\s+(?:were|was|are|is)\s+(?:all\s+)?", re.IGNORECASE)
_SENTENCE_STOP = re.compile(r"[.;!?](?:\s|$)")
_LIST_SEP = re.compile(r"\s*(?:,\s*(?:and\s+|as\s+well\s+as\s+|plus\s+)?|(?:and|as\s+well\s+as|"
                       r"plus)\s+|;\s*)$", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z][\w'’.\-]*\w|[A-Za-z]|\d[\d,.]*|\S")


def _merge_outcomes(first: str, second: str | None) -> str:
    if second and {first, second} == {"killed", "injured"}:
        return "killed_or_injured"
    return first


def _outcome_of(words: str, after: str = "") -> str | None:
    """Outcome named by one or two joined outcome words ("wounded or captured").

    `after` is the text that follows `words`, for words whose rule looks ahead ("fled to").
    """
    rules = claim_rules()
    found = []
    pos = 0
    text = words + after[:40]
    while len(found) < 2:
        m = rules.outcome_word.search(text, pos, limit=len(words))
        if not m:
            break
        found.append(m.lastgroup)
        pos = m.end()
    found = [f for f in found if f != "context"] or found
    if not found:
        return None
    return _merge_outcomes(found[0], found[1] if len(found) > 1 else None)


def classify_group(text: str | None) -> str:
    """Group (`groups.yaml`) of the words naming who was counted; `all` when none."""
    if not text:
        return "all"
    rules = claim_rules()
    armed = rules.armed_modifiers.first_matching(text)
    if armed is not None:
        return armed
    found = rules.head_group.leftmost(text)
    if found is None:
        return rules.modifier_group.first_matching(text) or "all"
    # A head right after "members of": the inner words decide ("members of the army").
    if found[0] == "other":
        inner = re.sub(r"^\s*members?\s+of\s+", "", text, flags=re.IGNORECASE)
        if inner != text:
            return classify_group(inner) if classify_group(inner) != "all" else "other"
    return found[0]


def _noun_phrase(s: str, pos: int) -> tuple[int, int] | None | bool:
    """Span of the people a figure counts, starting after `pos`; False when things are counted."""
    rules = claim_rules()
    m = rules.lead_words.match(s, pos)
    pos = m.end() if m else pos
    first = None
    for count, tok in enumerate(_TOKEN.finditer(s, pos)):
        if count > 4:
            return None
        at = tok.start()
        if rules.non_people.match(s, at):
            return False
        h = rules.head.match(s, at)
        if h:
            first = at if first is None else first
            end = h.end()
            while (nxt := _SPACES.match(s, end)) and (more := rules.head.match(s, nxt.end())):
                end = more.end()
            if rules.of_heads.fullmatch(h.group(0)):
                of = _OF_THE.match(s, end)
                inner = _noun_phrase(s, of.end()) if of else None
                if isinstance(inner, tuple):
                    end = inner[1]
            end = _and_head(s, end)
            return first, end
        word = tok.group(0)
        if (not word[0].isalpha() or word.lower() in rules.stop_words
                or rules.outcome_any.match(word)):
            return None
        first = at if first is None else first
        if _plural_noun(word) and _ends_phrase(s, tok.end()):
            return first, tok.end()
    return None


def _and_head(s: str, end: int) -> int:
    """End of "and children" / "and media workers" joined to a group head ending at `end`."""
    rules = claim_rules()
    more = _AND.match(s, end)
    if not more:
        return end
    at = more.end()
    h = rules.head.match(s, at)
    if h:
        return h.end()
    mod = _MODIFIER.match(s, at)
    if (mod and mod.group(1).lower() not in rules.stop_words
            and not rules.outcome_any.match(mod.group(1))
            and parse_number(mod.group(1)) is None):
        h = rules.head.match(s, mod.end())
        if h:
            return h.end()
    return end


def _plural_noun(word: str) -> bool:
    """A lower-case plural not in the lexicons ("suspects", "colleagues")."""
    return (word.islower() and len(word) > 3 and word.endswith("s")
            and not word.endswith(("ss", "ous", "ness")))


def _ends_phrase(s: str, pos: int) -> bool:
    rules = claim_rules()
    nxt = _TOKEN.match(s, _SPACES_OR_NOT.match(s, pos).end())
    if nxt is None:
        return True
    word = nxt.group(0)
    return (not word[0].isalnum() or word.lower() in rules.stop_words
            or bool(rules.outcome_any.match(word)))


def _appositive(s: str, pos: int) -> int:
    """End of ", many from the Alawite minority" after a group, or `pos`."""
    m = _APPOSITIVE.match(s, pos)
    return m.end() if m else pos


def _is_non_people(s: str, n: ParsedNumber, left: str) -> bool:
    """Whether figure `n` of `s` (`left`: the text before it) counts things, not people."""
    rules = claim_rules()
    if rules.non_people_before.search(left):
        return True
    if rules.non_people_after.match(s, n.end):
        return True
    lo, hi = rules.year_range
    return bool(n.value is not None and _FOUR_DIGITS.fullmatch(n.text) and lo <= n.value <= hi
                and not rules.head.match(s, n.end + 1)
                and not rules.outcome_any.match(s, n.end + 1))


_LEFT_WINDOW = 160   # characters before a figure searched for its verb, total or container
_ASIDE = re.compile(r",\s*(?:including|among\s+them|mostly|mainly|many|most|some|all|both|"
                    r"almost\s+all)\b[^,;.:()]*,", re.IGNORECASE)
_RANGE = re.compile(r"(?:\s*[-–]\s*|\s+to\s+|\s+and\s+)(?P<n2>\d[\d,]*(?:\.\d+)?(?![\w])|[a-z]+"
                    r"(?:-[a-z]+)?\b)", re.IGNORECASE)


def _range_end(s: str, n: ParsedNumber) -> ParsedNumber | None:
    """The second figure of "between 30 and 40", "30 to 40", "30-40" (not "from 30 to 40")."""
    m = _RANGE.match(s, n.end)
    if not m or n.value is None or _FROM_END.search(s[:n.start]):
        return None
    if "and" in m.group(0).lower() and not _BETWEEN_END.search(s[:n.start]):
        return None
    second = parse_number(m.group("n2"))
    if second is None or second.value is None or second.value <= n.value:
        return None
    return replace(second, start=m.start("n2"), end=m.end())


def _set_group(item: Item, s: str, np: tuple[int, int]) -> int:
    end = _appositive(s, np[1])
    item.group_text = s[np[0]:end]
    item.group_span = (np[0], end)
    item.group = classify_group(s[np[0]:np[1]])
    return end


def _read_right(item: Item, s: str, pos: int) -> None:
    """The people counted and the outcome word after a figure."""
    rules = claim_rules()
    of = rules.of_the.match(s, pos)
    if of:
        found = [k for k, v in of.groupdict().items() if v is not None]
        kind = rules.container_nouns[found[0]] if found else "inherit"
        item.part = item.subset = True
        item.outcome, item.strong = (None, False) if kind == "inherit" else (kind, True)
        item.inherit = kind == "inherit"
        item.end = item.after = item.covered = of.end()
        np = _noun_phrase(s, of.end())
        if isinstance(np, tuple):
            item.end = item.after = item.covered = _set_group(item, s, np)
        # "three of the injured later died": the verb after says what became of them
        pred = rules.predicate.match(s, item.end)
        then = _outcome_of(pred.group("out"), s[pred.end("out"):]) if pred else None
        if then not in (None, "context"):
            item.outcome, item.strong, item.inherit = then, True, False
            item.end = item.after = item.covered = pred.end()
        elif item.number.value == 1:
            item.things = True    # "one of the injured was a child" names a person, counts none
        return
    np = _noun_phrase(s, pos)
    if np is False:
        item.things = True
        return
    if np:
        item.end = item.after = item.covered = pos = _set_group(item, s, np)
    else:
        lead = rules.lead_words.match(s, pos)
        if lead and _JUST_OF.fullmatch(lead.group(0)):
            pos = lead.end()
    pred = rules.predicate.match(s, pos)
    if not pred and not np:
        copula = _COPULA.match(s, pos)
        np = _noun_phrase(s, copula.end()) if copula else None
        if isinstance(np, tuple):
            item.end = item.after = item.covered = _set_group(item, s, np)
        return
    aside = None
    if not pred and np:
        aside = _ASIDE.match(s, pos)
        pred = rules.predicate.match(s, aside.end()) if aside else None
    if not pred:
        return
    out = pred.group("out")
    item.outcome = _outcome_of(out, s[pred.end("out"):])
    item.strong = item.outcome != "context"
    item.bare = bool(np) and not aside and pred.start("out") - pos <= 1
    item.end = item.after = pred.end()
    if not aside:
        item.covered = pred.end()
    if not np and pred.group(0).strip() == out.strip():
        after = _noun_phrase(s, pred.end())
        if isinstance(after, tuple) and after[0] - pred.end() <= 1:
            item.end = item.after = item.covered = _set_group(item, s, after)


def _read_left(item: Item, s: str) -> None:
    """A verb, running total or container before a figure ("killing", "the toll rose to")."""
    rules = claim_rules()
    left = s[max(0, item.start - _LEFT_WINDOW):item.start]
    shift = item.start - len(left)
    back = left[::-1]
    # Each is only looked for when the branch it would take is open.
    verb = rules.object_verb.search(left, back) if not item.strong or item.bare else None
    toll = rules.toll.search(left, back) if not item.strong and not verb else None
    cont = None if verb or toll else rules.container.search(left, back)
    if verb:
        item.outcome = next(k for k, v in verb.groupdict().items() if v is not None)
        item.strong = True
        item.start = shift + verb.start()
        if item.bare:
            item.end = item.after = item.covered = item.group_span[1]
    elif toll and not item.strong:
        found = {k: v for k, v in toll.groupdict().items() if v is not None}
        item.outcome = next(k[2:] for k in found if k.startswith("n_"))
        if "more_than" in found and item.qualifier == "exact":
            item.qualifier = "more_than"
        item.strong = True
        if item.group_text is None:
            item.start = shift + toll.start()
    elif cont:
        item.part = True
        found = [k for k, v in cont.groupdict().items() if v is not None and k != "plain"]
        item.subset = item.subset or any(k.endswith("4") for k in found)  # "of the 53 killed,"
        kind = rules.container_nouns.get(found[0]) if found else None
        if not item.strong:
            if kind in (None, "inherit"):
                item.inherit = True
            else:
                item.outcome, item.strong = kind, True


def read_sentence(s: str, words: Collection[str] | None = None,
                  starts: list[int] | None = None) -> list[Item]:
    """Figures in one (restored) sentence that count casualties, before cross-sentence work.

    `words`, `starts`: what `find_numbers` may be told about it, when known.
    """
    items: list[Item] = []
    for n in find_numbers(s, words, starts):
        if items and n.start < items[-1].covered:
            continue
        left = s[:n.start]
        if _is_non_people(s, n, left):
            continue
        qual, qstart = "exact", n.start
        before = qualifier_before(left)
        if before:
            qual, qstart = before
        low = None
        second = _range_end(s, n)
        if second is not None:
            low, n = n.value, replace(second, start=n.start)
            qual = "up_to" if qual == "exact" else qual
            between = _BETWEEN_END.search(s[:qstart])
            qstart = between.start() if between else qstart
        pos = n.end
        after = qualifier_after(s[pos:], vague=n.value is None)
        if after:
            qual = after[0] if qual == "exact" else qual
            pos += after[1]
        item = Item(n, qual, qstart, pos, pos, covered=pos, low=low)
        _read_right(item, s, pos)
        if item.things:
            continue
        _read_left(item, s)
        if item.outcome is None and item.group_text is None and not item.inherit:
            continue
        items.append(item)
    _link_lists(s, items)
    keep = []
    for i in items:
        if i.outcome == "context" and i.chain is None and not i.inherit:
            continue
        if i.outcome == "context":
            i.outcome, i.inherit = None, True
        if i.outcome is not None or i.inherit:
            keep.append(i)
    return keep


def _link_lists(s: str, items: list[Item]) -> None:
    """Figures joined by commas/and share an outcome; when one borrows it, all are parts."""
    chains: list[list[Item]] = []
    for item in items:
        prev = chains[-1][-1] if chains else None
        if (prev is not None and item.start >= prev.after and item.group_text
                and not item.subset
                and prev.group_text and _LIST_SEP.match(s[prev.after:item.start])):
            chains[-1].append(item)
        else:
            chains.append([item])
    for k, chain in enumerate(chains):
        if len(chain) < 2:
            continue
        for i in chain:
            i.chain = k
        lead = next((i for i in chain if i.strong), None)
        borrowers = [i for i in chain if not i.strong]
        if not borrowers:
            continue
        for i in borrowers:
            if lead is not None:
                i.outcome = lead.outcome
            else:
                i.inherit = True
        for i in chain:
            i.part = True


# --------------------------------------------------------------------------- sources


def _mentions(text: str, words: Found | None = None) -> list[tuple[int, int, str | None, bool]]:
    """Source mentions in `text`: (start, end, short name or None for a generic, is_generic).

    `words`: the words of `_sentence_vocabulary` that `text` holds (at least), if known.
    """
    rules = source_rules()
    found = []
    for pat in rules.mentions:
        for m in pat.finditer(text, words=words):
            name, generic = rules.mention_names[int(m.lastgroup[1:])]
            found.append((m.start(), m.end(), name, generic))
    found.sort(key=lambda t: (t[0], -t[1]))
    out, last_end = [], -1
    for f in found:
        if f[0] >= last_end:
            out.append(f)
            last_end = f[1]
    return out


def article_monitor(text: str, words: Found | None = None) -> str | None:
    """The monitor (`sources.yaml` monitors) an article names first, if any (`words`: the
    words of the monitors' gates the text holds, at least, when known)."""
    rules = source_rules()
    if not any(a.search(text, words=words) for a in rules.monitor_mentions):
        return None
    named = [(s, n) for s, _, n, g in _mentions(text) if not g and n in rules.monitors]
    return min(named)[1] if named else None


_DATELINE = re.compile(r"\s*\)\s*[-–—]")   # "KABUL (Reuters) - ...": the agency filed it


def attribution(sentence: str, at: int, avoid: list[tuple[int, int]], monitor: str | None,
                mentions: list | None = None, words: Found | None = None) -> str | None:
    """The source a figure at offset `at` of `sentence` is attributed to, or None.

    `mentions` are `_mentions(sentence)` when already known; `words` as for `_mentions`.
    """
    rules = source_rules()
    best = None
    can_cue: list[bool] = []     # whether the sentence holds words a cue needs (once asked)
    for start, end, name, generic in _mentions(sentence) if mentions is None else mentions:
        if any(a <= start < b for a, b in avoid) or _DATELINE.match(sentence, end):
            continue
        can_cue = can_cue or [g.admits(sentence) if words is None else _gate_holds(g, words)
                              for g in rules.cue_gates]
        cue = can_cue[0] and rules.before.search(sentence[:start])
        if not cue:
            tail = sentence[end:end + rules.verb_window]
            stop = _SENTENCE_STOP.search(tail)
            tail = tail[:stop.start()] if stop else tail
            cue = can_cue[1] and rules.verbs.search(tail)
        if not cue:
            continue
        resolved = (monitor or name) if generic else name
        if resolved is None:
            continue
        dist = abs(start - at)
        if best is None or dist < best[0]:
            best = (dist, resolved)
    return best[1] if best else None


# --------------------------------------------------------------------------- articles


@dataclass(slots=True)
class Claim:
    """A claim while its article is read; becomes one row of the claims table."""

    article: str
    sentence_id: int
    line: int
    start: int
    end: int
    item: Item
    is_headline: bool
    scope: str = "event_total"
    source: str | None = None
    parent: Claim | None = None
    as_of: timeref.TimeExpr | None = None


@functools.cache
def _sentence_vocabulary() -> tuple[list[str], list[str]]:
    """The words the gates of sentence-level rules (sources, attribution cues, background
    cues) look for: those compared as they are, and those compared in lower case."""
    gates = [*source_rules().cue_gates, number_rules().word_gate]
    for alt in (*source_rules().mentions, claim_rules().background_any):
        gates += alt._gates
    words: tuple[set[str], set[str]] = (set(), set(number_rules().scale_words))
    for g in gates:
        words[g.fold].update(w for one in g.needs for w in one)
    return sorted(words[0]), sorted(words[1])


def _sentence_words(candidates: pl.DataFrame
                    ) -> list[tuple[Found | None, list[int] | None]]:
    """Per sentence, the words of `_sentence_vocabulary` it holds and where
    `number_rules().figure_leads` start in it, found in one vectorised pass; None where
    they cannot be trusted for the text the rules read (asterisks: words are restored
    there; see also timeref.folds_plainly). Covering URLs and Arabic script only removes
    words."""
    exact, folded = _sentence_vocabulary()
    leads = number_rules().figure_leads
    text = pl.col("text")
    found = candidates.select(
        "text",
        exact=text.str.extract_many(exact, overlapping=True) if exact else pl.lit([]),
        folded=text.str.extract_many(folded, ascii_case_insensitive=True, overlapping=True)
        .list.eval(pl.element().str.to_lowercase()) if folded else pl.lit([]),
        leads=text.str.find_many(leads, ascii_case_insensitive=True, overlapping=True)
        if leads else pl.lit(None),
        plain=~text.str.contains("*", literal=True),
        plainly=~text.str.contains(f"[{timeref.FOLDS_TO_ASCII}]"))
    out = []
    for t, e, f, at, plain, plainly in found.iter_rows():
        if not plain:
            out.append((None, None))
        elif not plainly:
            out.append(((e, None), None))
        else:
            chars = timeref.char_offsets(t)
            out.append(((e, f), None if at is None else [chars(b) for b in at]))
    return out


def _monitor_words(texts: pl.Series) -> list[Found]:
    """Per article, the words the monitors' gates look for that it holds, in one pass."""
    gates = [g for a in source_rules().monitor_mentions if a.pieces for g in a._gates]
    if any(g.fold or not g.needs for g in gates):
        return [None] * len(texts)
    words = sorted({w for g in gates for one in g.needs for w in one})
    if not words:
        return [(set(), set())] * len(texts)
    found = pl.DataFrame({"t": texts}).select(pl.col("t").str.extract_many(words, overlapping=True))
    return [(set(w or ()), set()) for w in found.to_series().to_list()]


def candidate_filter() -> pl.Expr:
    """Vectorised test for sentences that may hold a claim (a figure and an outcome stem)."""
    rules = claim_rules()
    words = sorted(number_rules().words) + ["dozens", "scores", "hundreds", "thousands",
                                             "millions", "dozen"]
    number = rf"(?i)(?:\d|\b(?:{'|'.join(words)})\b)"
    stems = rf"(?i)(?:{'|'.join(re.escape(s) for s in rules.stems)}|[a-z]\*+[a-z])"
    return pl.col("text").str.contains(number) & pl.col("text").str.contains(stems)


def _background_cues(sentence: str, words: Found | None = None) -> list[int]:
    """Offsets of background cues ("since 2011", "the war, which began") in a sentence
    (`words` as for `_mentions`)."""
    rules = claim_rules()
    if rules.background_any.search(sentence, words=words) is None:
        return []
    return [m.start() for pat in rules.background for m in pat.finditer(sentence)
            if not rules.not_after.search(sentence[:m.start()])]


def _in_background(sentence: str, item: Item, cues: list[int]) -> bool:
    """A cue dates the claims after it, and those before it in the same clause."""
    return any(cue <= item.start or "," not in sentence[item.end:cue] for cue in cues)


def _pronoun_source(sentence: str, text: str, start: int, monitor: str | None) -> str | None:
    """"It said ...", "The group added ...": the source last named before the sentence
    (which starts at `start` in the article's `text`)."""
    rules = source_rules()
    if not (rules.pronoun.match(sentence) or rules.pronoun_tail.search(sentence)):
        return None
    for _, _, name, generic in reversed(_mentions(text[:start])):
        resolved = (monitor or name) if generic else name
        if resolved is not None:
            return resolved
    return None


def _earlier_event(sentence: str, ref_year: int | None) -> bool:
    """"The 2004 tsunami killed ...": an event of an earlier year than the set's."""
    if ref_year is None:
        return False
    return any(int(m.group("year")) < ref_year
               for m in claim_rules().year_event.finditer(sentence))


def _once(store: dict, key: str, make, *args):
    """`store[key]`, made by `make(*args)` the first time it is asked for."""
    if key not in store:
        store[key] = make(*args)
    return store[key]


def _read_article(article: str, text: str, sents: list[dict], monitor: str | None,
                  ref_year: int | None = None) -> list[Claim]:
    claims: list[Claim] = []
    last_total: Claim | None = None
    for row in sents:
        raw = row["text"]
        fixed, index = deobfuscate(raw) if "*" in raw else (raw, range(len(raw) + 1))
        masked = mask(fixed)
        words = row.get("words")
        items = read_sentence(masked, words[1] if words is not None else None,
                              row.get("number_starts"))
        if not items:
            continue
        cues = [] if row["is_headline"] else _background_cues(masked, words)
        spans = [(i.start, i.end) for i in items]
        mentions = _mentions(masked, words)
        made = []
        once: dict = {}           # what holds for the whole sentence, worked out when needed
        for item in items:
            start = row["start"] + index[item.start]
            end = row["start"] + index[item.end - 1] + 1
            c = Claim(article, row["sentence_id"], row["line"], start, end, item,
                      row["is_headline"])
            if item.group_span is not None:
                gs, ge = item.group_span
                item.group_text = raw[index[gs]:index[ge - 1] + 1]
            c.source = (attribution(masked, item.start, spans, monitor, mentions, words)
                        or _once(once, "pronoun", _pronoun_source, masked, text, row["start"],
                                 monitor))
            if _in_background(masked, item, cues) or _once(once, "earlier", _earlier_event,
                                                             masked, ref_year):
                c.scope = "background"
            elif (item.part or _once(once, "part", claim_rules().part.search, masked)
                  or claim_rules().part_before.search(masked[:item.start])):
                c.scope = "event_part"
            mates = [] if item.chain is None else [m for m in made if m.item.chain == item.chain]
            if item.inherit or (mates and mates[0].parent is not None):
                parent = mates[0].parent if mates else None
                if parent is None:
                    parent = next((m for m in reversed(made) if m.item.chain is None
                                   and not m.item.inherit), None) or last_total
                c.parent = parent
                if parent is None or parent.item.outcome is None:
                    continue
                item.outcome = item.outcome if not item.inherit else parent.item.outcome
                c.source = c.source or parent.source
            made.append(c)
        for c in made:
            if c.scope == "event_total" and c.item.outcome is not None:
                last_total = c
        claims.extend(made)
    return claims


def _propagate_sources(claims: list[Claim]) -> None:
    """An unattributed figure takes the source of the same figure attributed elsewhere."""
    seen: dict[tuple, str] = {}
    for c in claims:
        key = (c.item.number.value, c.item.number.vague, c.item.outcome, c.item.group)
        if c.source and key not in seen:
            seen[key] = c.source
    for c in claims:
        if c.source is None:
            c.source = seen.get((c.item.number.value, c.item.number.vague, c.item.outcome,
                                 c.item.group))


def _parts_of_totals(claims: list[Claim]) -> None:
    """A group's figure is a part when the article also gives an overall toll, unless it is
    that same figure ("dozens missing" ... "dozens of passengers remain missing")."""
    totals = [c for c in claims if c.scope == "event_total" and c.item.group == "all"]
    overall = {c.item.outcome for c in totals}
    same = {(c.item.outcome, c.item.number.value, c.item.number.vague) for c in totals}
    for c in claims:
        if (c.scope == "event_total" and c.item.group != "all" and c.item.outcome in overall
                and (c.item.outcome, c.item.number.value, c.item.number.vague) not in same):
            c.scope = "event_part"


def _date_claims(claims: list[Claim], text: str, sents: list[dict],
                 first_of_line: dict[int, dict], exprs: list[timeref.TimeExpr]) -> None:
    """Pick each claim's time expression: its sentence first, then its paragraph's opening.

    `sents` are the claims' sentences; `first_of_line` maps a line to its first sentence;
    `exprs` are the article's time expressions, at least those `_dated_stretches` names.
    """
    by_sentence = {r["sentence_id"]: r for r in sents}
    for c in claims:
        row = by_sentence[c.sentence_id]
        inside = [e for e in exprs if row["start"] <= e.start and e.end <= row["end"]
                  and not (c.start <= e.start < c.end)]
        if c.scope != "background":
            inside = [e for e in inside if not e.is_background] or inside
        if inside:
            c.as_of = min(inside, key=lambda e: min(abs(e.start - c.end), abs(c.start - e.end)))
            if (c.as_of.is_background and not c.is_headline and c.scope != "background"
                    and not claim_rules().not_after.search(text[row["start"]:c.as_of.start])):
                c.scope = "background"
            continue
        opener = first_of_line.get(row["line"])
        if (opener is not None and opener["sentence_id"] != c.sentence_id
                and c.scope != "background"):
            lead = [e for e in exprs if e.start - opener["start"] <= 3
                    and e.start >= opener["start"] and not e.is_background]
            if lead:
                c.as_of = lead[0]


def _dated_stretches(claims: list[Claim], sents: list[dict], first_of_line: dict[int, dict]
                     ) -> list[tuple[int, int]]:
    """Where `_date_claims` looks for time expressions: the claims' sentences and the
    first characters of their paragraphs."""
    by_sentence = {r["sentence_id"]: r for r in sents}
    out = set()
    for c in claims:
        row = by_sentence[c.sentence_id]
        out.add((row["start"], row["end"]))
        opener = first_of_line.get(row["line"])
        if opener is not None:
            out.add((opener["start"], opener["start"] + 4))
    return sorted(out)


def _fallback(published: dt.datetime | None, precision: str | None
              ) -> tuple[dt.datetime | None, dt.datetime | None]:
    if published is None:
        return None, None
    is_day = precision == "day" or (precision is None and published.time() == dt.time(0))
    if is_day:
        day = dt.datetime.combine(published.date(), dt.time(0))
        return day, day + dt.timedelta(days=1)
    hour = published.replace(minute=0, second=0, microsecond=0)
    return hour, hour + dt.timedelta(hours=1)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: reading claims makes many short-lived
    objects and no reference cycles, and the collector's passes over them cost time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def extract_claims(sentences: pl.DataFrame, articles: pl.DataFrame, *,
                   set_start: dt.date | None = None, set_end: dt.date | None = None
                   ) -> pl.DataFrame:
    """All casualty claims in `sentences`, one row per mention (schema.CLAIMS).

    Offsets index `articles.text`; rows are sorted by (article, start, end).
    `set_start`/`set_end` bound the set's days for resolving weekdays.
    """
    with _collector_paused():
        return _extract_claims(sentences, articles, set_start, set_end)


def _extract_claims(sentences: pl.DataFrame, articles: pl.DataFrame,
                    set_start: dt.date | None, set_end: dt.date | None) -> pl.DataFrame:
    candidates = sentences.filter(candidate_filter())
    if candidates.is_empty():
        return schema.empty(schema.CLAIMS)
    wanted = candidates.get_column("article").unique()
    meta_cols = ["article", "text", "published_at"] + (
        ["published_precision"] if "published_precision" in articles.columns else [])
    meta = {r["article"]: r for r in articles.filter(pl.col("article").is_in(wanted.implode()))
            .select(meta_cols).iter_rows(named=True)}
    cols = ["article", "sentence_id", "line", "start", "end", "text", "is_headline"]
    openers: dict[str, dict[int, dict]] = {}
    for r in (sentences.filter(pl.col("article").is_in(wanted.implode()))
              .group_by("article", "line").agg(pl.col("sentence_id").min(),
                                                 pl.col("start").min())
              .iter_rows(named=True)):
        openers.setdefault(r["article"], {})[r["line"]] = r
    rows = []
    by_article: dict[str, list[dict]] = {}
    ordered = candidates.sort("article", "sentence_id")
    for r, (words, starts) in zip(ordered.select(cols).iter_rows(named=True),
                                  _sentence_words(ordered), strict=True):
        r["words"], r["number_starts"] = words, starts
        by_article.setdefault(r["article"], []).append(r)
    texts = pl.Series([meta[a]["text"] for a in by_article], dtype=pl.String)
    hints = dict(zip(by_article, timeref.scan_hints(texts), strict=True))
    monitor_words = dict(zip(by_article, _monitor_words(texts), strict=True))
    for article, cand in by_article.items():
        a = meta[article]
        monitor = article_monitor(a["text"], monitor_words[article])
        ref = set_start or (a["published_at"].date() if a["published_at"] else None)
        claims = _read_article(article, a["text"], cand, monitor, ref.year if ref else None)
        if not claims:
            continue
        _propagate_sources(claims)
        _parts_of_totals(claims)
        exprs = timeref.time_expressions_near(a["text"], a["published_at"], set_start, set_end,
                                              _dated_stretches(claims, cand, openers[article]),
                                              hints[article])
        _date_claims(claims, a["text"], cand, openers[article], exprs)
        fb = _fallback(a["published_at"], a.get("published_precision"))
        for c in claims:
            rows.append(_row(c, a["text"], fb))
    if not rows:
        return schema.empty(schema.CLAIMS)
    df = pl.DataFrame(rows, schema=schema.CLAIMS.polars_schema, orient="row").sort(
        "article", "start", "end", "sentence_id", "number")
    return schema.enforce(_undated_fallback(df, set_start, set_end), schema.CLAIMS)


def _undated_fallback(df: pl.DataFrame, set_start: dt.date | None,
                      set_end: dt.date | None) -> pl.DataFrame:
    """Give undated claims of undated articles an interval, still flagged as fallback.

    A claim the text does not date takes its article's publication time (see
    `_fallback`). When the article has none either, an event claim takes the
    interval of the nearest earlier dated event claim of the same article (else the
    nearest later one), and failing that the set's days [set_start, set_end + 1 day).
    Background claims are never filled.
    """
    event = pl.col("scope") != "background"
    dated = pl.when(event & ~pl.col("is_as_of_fallback"))
    start = dated.then(pl.col("as_of_start"))
    end = dated.then(pl.col("as_of_end"))
    days = (None, None)
    if set_start is not None and set_end is not None:
        days = (dt.datetime.combine(set_start, dt.time(0)),
                dt.datetime.combine(set_end + dt.timedelta(days=1), dt.time(0)))
    todo = event & pl.col("as_of_start").is_null()
    filled = df.with_columns(
        _s=start.forward_fill().backward_fill().over("article", order_by="start"),
        _e=end.forward_fill().backward_fill().over("article", order_by="start"))
    return filled.with_columns(
        as_of_start=pl.when(todo).then(pl.coalesce("_s", pl.lit(days[0], schema.DATETIME)))
        .otherwise("as_of_start"),
        as_of_end=pl.when(todo).then(pl.coalesce("_e", pl.lit(days[1], schema.DATETIME)))
        .otherwise("as_of_end"),
    ).drop("_s", "_e")


def _row(c: Claim, text: str, fallback: tuple) -> tuple:
    """One row of the claims table, its values in the order of schema.CLAIMS."""
    it = c.item
    low, high = bounds(it.number, it.qualifier)
    if it.low is not None:
        low = it.low
    e = c.as_of
    resolved = e is not None and e.as_of_start is not None
    return (c.article, c.sentence_id, c.start, c.end, text[c.start:c.end], it.number.value,
            it.number.vague, low, high, it.qualifier, it.outcome, it.group, it.group_text,
            c.scope, c.source, e.text if e is not None else None,
            e.as_of_start if resolved else fallback[0], e.as_of_end if resolved else fallback[1],
            not resolved, c.is_headline)


__all__ = [
    "Item",
    "article_monitor",
    "attribution",
    "candidate_filter",
    "claim_rules",
    "classify_group",
    "deobfuscate",
    "extract_claims",
    "read_sentence",
    "source_rules",
]
