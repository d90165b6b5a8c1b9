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

import datetime as dt
import functools
import re
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


def _alt(pieces) -> str:
    return "|".join(f"(?:{p})" for p in sorted(pieces, key=len, reverse=True))


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


@dataclass(frozen=True)
class ClaimRules:
    """Compiled patterns from the claim rule files."""

    outcome_word: re.Pattern          # an outcome word (group per outcome) at a position
    outcome_any: re.Pattern
    predicate: re.Pattern             # aux words + outcome word(s) + optional agent
    object_verb: re.Pattern           # verb right before a figure (search on left text)
    toll: re.Pattern
    container: re.Pattern
    of_the: re.Pattern                # "nine of the dead were children"
    container_nouns: dict[str, str]
    head: re.Pattern
    head_group: tuple[tuple[str, re.Pattern], ...]
    modifier_group: tuple[tuple[str, re.Pattern], ...]
    of_heads: re.Pattern
    lead_words: re.Pattern
    stop_words: frozenset[str]
    non_people: re.Pattern
    non_people_before: re.Pattern
    non_people_after: re.Pattern
    year_range: tuple[int, int]
    background: tuple[re.Pattern, ...]
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
    outcome_word = re.compile(rf"(?:{_named(words)})\b", re.IGNORECASE)
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
    head = re.compile("(?:" + "|".join(
        f"(?:{h})" if h.startswith("[A-Z]") else f"(?i:{h})"
        for h in sorted(all_heads, key=len, reverse=True)) + r")\b")
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
    vocabulary = sorted({w for v in words.values() for p in v for w in re.findall(r"[a-z]{4,}", p)
                         if re.fullmatch(_alt(v), w, _I)} | {"killed", "deaths", "fatalities"})
    return ClaimRules(
        outcome_word=outcome_word,
        outcome_any=re.compile(rf"(?:{word_alt})\b", re.IGNORECASE),
        predicate=predicate,
        object_verb=object_verb,
        toll=toll,
        container=container,
        of_the=of_the,
        container_nouns=container_nouns,
        head=head,
        head_group=tuple(head_group),
        modifier_group=tuple(modifier_group),
        of_heads=of_heads,
        lead_words=lead,
        stop_words=stop,
        non_people=compile_pattern(
            rf"(?:{_alt(expect_str_list(n, 'heads', NON_PEOPLE_FILE))})(?![\w])",
            NON_PEOPLE_FILE, "heads", re.IGNORECASE),
        non_people_before=compile_pattern(
            rf"(?:^|(?<![\w$€£]))(?:{_alt(expect_str_list(n, 'before', NON_PEOPLE_FILE))})\s*$",
            NON_PEOPLE_FILE, "before", re.IGNORECASE),
        non_people_after=compile_pattern(
            rf"(?:{_alt(expect_str_list(n, 'after', NON_PEOPLE_FILE))})",
            NON_PEOPLE_FILE, "after", re.IGNORECASE),
        year_range=(yr[0], yr[1]),
        background=tuple(compile_pattern(p, SCOPE_FILE, "background", re.IGNORECASE)
                         for p in expect_str_list(s, "background", SCOPE_FILE)),
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

    mentions: tuple[re.Pattern, ...]  # aliases and generic references, one named group each
    mention_names: tuple[tuple[str | None, bool], ...]  # per group m<i>: (name, is_generic)
    monitors: tuple[str, ...]
    before: re.Pattern
    verbs: re.Pattern
    verb_window: int
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

    def combined(flags: int) -> re.Pattern:
        alts = "|".join(f"(?P<m{i}>{pat})" for i, (pat, f, _) in enumerate(pieces) if f == flags)
        return re.compile(rf"\b(?:{alts})(?![\w])", flags)

    tail_pronouns = [p for p in expect_str_list(d, "pronouns", SOURCE_FILE)
                     if p not in ("He", "She")]
    return SourceRules(
        mentions=(combined(0), combined(re.IGNORECASE)),
        mention_names=names,
        monitors=monitors,
        before=compile_pattern(rf"\b(?:{_alt(expect_str_list(d, 'before', SOURCE_FILE))})"
                               rf"\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+['’]s\s+)?"
                               rf"(?:[A-Z][\w.'’-]*\s+){{0,3}}$",
                               SOURCE_FILE, "before"),
        verbs=compile_pattern(rf"\b(?:{_alt(expect_str_list(d, 'verbs', SOURCE_FILE))})\b",
                              SOURCE_FILE, "verbs", re.IGNORECASE),
        verb_window=window,
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


def mask(text: str) -> str:
    """Cover URLs, handles, hashtags and Arabic script with a filler that no rule reads
    across (same length, so offsets are kept)."""
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


@dataclass
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
        m = rules.outcome_word.search(text, pos)
        if not m or m.start() >= len(words):
            break
        found.append(next(k for k, v in m.groupdict().items() if v is not None))
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
    for name, pat in rules.modifier_group:
        if name == "armed_group" and pat.search(text):
            return name
    found = None
    for name, pat in rules.head_group:
        for m in pat.finditer(text):
            if found is None or m.start() < found[1]:
                found = (name, m.start())
    if found is None:
        for name, pat in rules.modifier_group:
            if pat.search(text):
                return name
        return "all"
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
            while (nxt := re.match(r"\s+", s[end:])) and rules.head.match(s, end + nxt.end()):
                end = rules.head.match(s, end + nxt.end()).end()
            if rules.of_heads.fullmatch(h.group(0)):
                of = re.match(r"\s+of\s+(?:the\s+)?", s[end:], re.IGNORECASE)
                inner = _noun_phrase(s, end + of.end()) if of else None
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
    more = re.match(r"\s+(?:and|&)\s+", s[end:])
    if not more:
        return end
    at = end + more.end()
    h = rules.head.match(s, at)
    if h:
        return h.end()
    mod = re.match(r"([A-Za-z][\w-]*)\s+", s[at:])
    if (mod and mod.group(1).lower() not in rules.stop_words
            and not rules.outcome_any.match(mod.group(1))
            and parse_number(mod.group(1)) is None):
        h = rules.head.match(s, at + mod.end())
        if h:
            return h.end()
    return end


def _plural_noun(word: str) -> bool:
    """A lower-case plural not in the lexicons ("suspects", "colleagues")."""
    return (word.islower() and len(word) > 3 and word.endswith("s")
            and not word.endswith(("ss", "ous", "ness")))


def _ends_phrase(s: str, pos: int) -> bool:
    rules = claim_rules()
    nxt = _TOKEN.match(s, pos + len(s[pos:]) - len(s[pos:].lstrip()))
    if nxt is None:
        return True
    word = nxt.group(0)
    return (not word[0].isalnum() or word.lower() in rules.stop_words
            or bool(rules.outcome_any.match(word)))


def _appositive(s: str, pos: int) -> int:
    """End of ", many from the Alawite minority" after a group, or `pos`."""
    m = re.match(r",\s+(?:many|most|some|all|mostly|mainly|largely|predominantly|primarily|"
                 r"overwhelmingly)\b[^,;.:()\d]*", s[pos:], re.IGNORECASE)
    return pos + m.end() if m else pos


def _is_non_people(s: str, n: ParsedNumber) -> bool:
    rules = claim_rules()
    left = s[:n.start]
    if rules.non_people_before.search(left):
        return True
    if rules.non_people_after.match(s, n.end):
        return True
    lo, hi = rules.year_range
    return bool(n.value is not None and re.fullmatch(r"\d{4}", n.text) and lo <= n.value <= hi
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
    if not m or n.value is None or re.search(r"\bfrom\s+$", s[:n.start], re.IGNORECASE):
        return None
    if "and" in m.group(0).lower() and not re.search(r"\bbetween\s+$", s[:n.start], re.IGNORECASE):
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
        if lead and re.fullmatch(r"\s+of", lead.group(0), re.IGNORECASE):
            pos = lead.end()
    pred = rules.predicate.match(s, pos)
    if not pred and not np:
        copula = re.match(r"\s+(?:were|was|are|is)\s+(?:all\s+)?", s[pos:], re.IGNORECASE)
        np = _noun_phrase(s, pos + copula.end()) if copula else None
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
    verb = rules.object_verb.search(left)
    toll = rules.toll.search(left)
    cont = rules.container.search(left)
    if verb and (not item.strong or item.bare):
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


def read_sentence(s: str) -> list[Item]:
    """Figures in one (restored) sentence that count casualties, before cross-sentence work."""
    items: list[Item] = []
    for n in find_numbers(s):
        if items and n.start < items[-1].covered:
            continue
        if _is_non_people(s, n):
            continue
        qual, qstart = "exact", n.start
        before = qualifier_before(s[:n.start])
        if before:
            qual, qstart = before
        low = None
        second = _range_end(s, n)
        if second is not None:
            low, n = n.value, replace(second, start=n.start)
            qual = "up_to" if qual == "exact" else qual
            between = re.search(r"\bbetween\s+$", s[:qstart], re.IGNORECASE)
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


def _mentions(text: str) -> list[tuple[int, int, str | None, bool]]:
    """Source mentions in `text`: (start, end, short name or None for a generic, is_generic)."""
    rules = source_rules()
    found = []
    for pat in rules.mentions:
        for m in pat.finditer(text):
            name, generic = rules.mention_names[int(m.lastgroup[1:])]
            found.append((m.start(), m.end(), name, generic))
    found.sort(key=lambda t: (t[0], -t[1]))
    out, last_end = [], -1
    for f in found:
        if f[0] >= last_end:
            out.append(f)
            last_end = f[1]
    return out


def article_monitor(text: str) -> str | None:
    """The monitor (`sources.yaml` monitors) an article names first, if any."""
    rules = source_rules()
    named = [(s, n) for s, _, n, g in _mentions(text) if not g and n in rules.monitors]
    return min(named)[1] if named else None


_DATELINE = re.compile(r"\s*\)\s*[-–—]")   # "KABUL (Reuters) - ...": the agency filed it


def attribution(sentence: str, at: int, avoid: list[tuple[int, int]], monitor: str | None,
                mentions: list | None = None) -> str | None:
    """The source a figure at offset `at` of `sentence` is attributed to, or None.

    `mentions` are `_mentions(sentence)` when already known.
    """
    rules = source_rules()
    best = None
    for start, end, name, generic in _mentions(sentence) if mentions is None else mentions:
        if any(a <= start < b for a, b in avoid) or _DATELINE.match(sentence, end):
            continue
        cue = rules.before.search(sentence[:start])
        if not cue:
            tail = sentence[end:end + rules.verb_window]
            tail = re.split(r"[.;!?](?:\s|$)", tail)[0]
            cue = rules.verbs.search(tail)
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


@dataclass
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


def candidate_filter() -> pl.Expr:
    """Vectorised test for sentences that may hold a claim (a figure and an outcome stem)."""
    rules = claim_rules()
    words = sorted(number_rules().words) + ["dozens", "scores", "hundreds", "thousands",
                                             "millions", "dozen"]
    number = rf"(?i)(?:\d|\b(?:{'|'.join(words)})\b)"
    stems = rf"(?i)(?:{'|'.join(re.escape(s) for s in rules.stems)}|[a-z]\*+[a-z])"
    return pl.col("text").str.contains(number) & pl.col("text").str.contains(stems)


def _background_cues(sentence: str) -> list[int]:
    """Offsets of background cues ("since 2011", "the war, which began") in a sentence."""
    rules = claim_rules()
    return [m.start() for pat in rules.background for m in pat.finditer(sentence)
            if not rules.not_after.search(sentence[:m.start()])]


def _in_background(sentence: str, item: Item, cues: list[int]) -> bool:
    """A cue dates the claims after it, and those before it in the same clause."""
    return any(cue <= item.start or "," not in sentence[item.end:cue] for cue in cues)


def _pronoun_source(sentence: str, before: str, monitor: str | None) -> str | None:
    """"It said ...", "The group added ...": the source last named before the sentence."""
    rules = source_rules()
    if not (rules.pronoun.match(sentence) or rules.pronoun_tail.search(sentence)):
        return None
    for _, _, name, generic in reversed(_mentions(before)):
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


def _read_article(article: str, text: str, sents: list[dict], monitor: str | None,
                  ref_year: int | None = None) -> list[Claim]:
    claims: list[Claim] = []
    last_total: Claim | None = None
    for row in sents:
        raw = row["text"]
        fixed, index = deobfuscate(raw)
        masked = mask(fixed)
        items = read_sentence(masked)
        if not items:
            continue
        cues = [] if row["is_headline"] else _background_cues(masked)
        spans = [(i.start, i.end) for i in items]
        mentions = _mentions(masked)
        made = []
        for item in items:
            start = row["start"] + index[item.start]
            end = row["start"] + index[item.end - 1] + 1
            c = Claim(article, row["sentence_id"], row["line"], start, end, item,
                      row["is_headline"])
            if item.group_span is not None:
                gs, ge = item.group_span
                item.group_text = raw[index[gs]:index[ge - 1] + 1]
            c.source = (attribution(masked, item.start, spans, monitor, mentions)
                        or _pronoun_source(masked, text[:row["start"]], monitor))
            if _in_background(masked, item, cues) or _earlier_event(masked, ref_year):
                c.scope = "background"
            elif (item.part or claim_rules().part.search(masked)
                  or claim_rules().part_before.search(masked[:item.start])):
                c.scope = "event_part"
            mates = [m for m in made if item.chain is not None and m.item.chain == item.chain]
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
                 first_of_line: dict[int, dict], anchor: timeref.Anchor) -> None:
    """Pick each claim's time expression: its sentence first, then its paragraph's opening.

    `sents` are the claims' sentences; `first_of_line` maps a line to its first sentence.
    """
    exprs = timeref.find_time_expressions(text, anchor)
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


def extract_claims(sentences: pl.DataFrame, articles: pl.DataFrame, *,
                   set_start: dt.date | None = None, set_end: dt.date | None = None
                   ) -> pl.DataFrame:
    """All casualty claims in `sentences`, one row per mention (schema.CLAIMS).

    Offsets index `articles.text`; rows are sorted by (article, start, end).
    `set_start`/`set_end` bound the set's days for resolving weekdays.
    """
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
    for r in candidates.sort("article", "sentence_id").select(cols).iter_rows(named=True):
        by_article.setdefault(r["article"], []).append(r)
    for article, cand in by_article.items():
        a = meta[article]
        monitor = article_monitor(a["text"])
        ref = set_start or (a["published_at"].date() if a["published_at"] else None)
        claims = _read_article(article, a["text"], cand, monitor, ref.year if ref else None)
        if not claims:
            continue
        _propagate_sources(claims)
        _parts_of_totals(claims)
        anchor = timeref.article_anchor(a["text"], a["published_at"], set_start, set_end)
        _date_claims(claims, a["text"], cand, openers[article], anchor)
        fb = _fallback(a["published_at"], a.get("published_precision"))
        for c in claims:
            rows.append(_row(c, a["text"], fb))
    if not rows:
        return schema.empty(schema.CLAIMS)
    df = pl.DataFrame(rows, schema=schema.CLAIMS.polars_schema).sort(
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


def _row(c: Claim, text: str, fallback: tuple) -> dict:
    it = c.item
    low, high = bounds(it.number, it.qualifier)
    if it.low is not None:
        low = it.low
    e = c.as_of
    resolved = e is not None and e.as_of_start is not None
    return {
        "article": c.article, "sentence_id": c.sentence_id, "start": c.start, "end": c.end,
        "quote": text[c.start:c.end], "number": it.number.value, "vague": it.number.vague,
        "low": low, "high": high, "qualifier": it.qualifier, "outcome": it.outcome,
        "group": it.group, "group_text": it.group_text, "scope": c.scope, "source": c.source,
        "as_of_text": e.text if e is not None else None,
        "as_of_start": e.as_of_start if resolved else fallback[0],
        "as_of_end": e.as_of_end if resolved else fallback[1],
        "is_as_of_fallback": not resolved, "is_headline": c.is_headline,
    }


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
