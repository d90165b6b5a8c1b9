"""Descriptions of actors, victims and the event: which words each outlet uses.

The descriptor lexicon (`rules/descriptors/default.yaml`, optionally extended by a
set-specific file) maps surface patterns to labels in categories (`actor_state`,
`actor_armed`, `victim`, `responder`, `framing`, `attribution`, `hedge`).
`find_descriptors` turns the sentences table into the descriptors table; the chart
and summary functions compare outlets and hours.

Quoting: a descriptor is `is_quoted` when it stands between quotation marks
(straight or curly, double or single) in its paragraph, a paragraph being the
sentences that start on the same source line. A quote left open at the end of a
paragraph runs to the paragraph's end (the convention for quotes running over
several paragraphs). Reported speech without quotation marks ("X said that ...")
is not counted as quoted: its words are the outlet's own paraphrase.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl

from tolldrift import schema
from tolldrift.lexicon import RuleError, compile_pattern, load_rules, rules_path

DEFAULT_LEXICON = "descriptors/default.yaml"
_TOP_KEYS = {"categories", "extend", "exclude", "stopwords"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Label:
    """One label of a category with its compiled, word-bounded patterns."""

    name: str
    patterns: tuple[str, ...]
    regexes: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Category:
    """A category: its labels in file order and the patterns that veto a match."""

    name: str
    labels: tuple[Label, ...]
    exclude: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Lexicon:
    """The validated descriptor lexicon."""

    categories: tuple[Category, ...]
    stopwords: frozenset[str]
    files: tuple[str, ...]


def _bounded(pattern: str) -> str:
    return rf"\b(?:{pattern})\b"


def _check_pattern(pattern: Any, file: Path, key: str) -> re.Pattern:
    if not isinstance(pattern, str) or not pattern.strip():
        raise RuleError(file, key, f"pattern {pattern!r} must be a non-empty string")
    rx = compile_pattern(_bounded(pattern), file, key, re.IGNORECASE)
    if re.fullmatch(pattern, "", re.IGNORECASE):
        raise RuleError(file, key, f"pattern {pattern!r} matches the empty string")
    try:
        pl.Series([""]).str.contains(_bounded(pattern))
    except Exception as exc:  # noqa: BLE001 - re-raised with the file and key
        raise RuleError(file, key, f"pattern {pattern!r} is not valid for polars "
                        f"(no look-around or backreferences): {exc}") from None
    return rx


def _pattern_map(data: dict, top: str, file: Path) -> dict[str, dict[str, list | None]]:
    """`data[top]` as category -> label -> list of patterns (or None), checked."""
    value = data.get(top, {})
    if not isinstance(value, dict):
        raise RuleError(file, top, "must be a mapping of category to labels")
    for cat, labels in value.items():
        if not isinstance(cat, str) or not _NAME.match(cat):
            raise RuleError(file, f"{top}.{cat}", "category names are snake_case words")
        if not isinstance(labels, dict) or not labels:
            raise RuleError(file, f"{top}.{cat}", "must be a mapping of label to patterns")
        for label, pats in labels.items():
            key = f"{top}.{cat}.{label}"
            if not isinstance(label, str) or not _NAME.match(label):
                raise RuleError(file, key, "label names are snake_case words")
            if pats is not None and (not isinstance(pats, list) or not pats):
                raise RuleError(file, key, "must be a non-empty list of patterns (or null "
                                "to remove the label)")
    return value


def _read(file: Path) -> dict:
    data = load_rules(file)
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise RuleError(file, unknown[0], f"unknown key; expected one of {sorted(_TOP_KEYS)}")
    return data


@functools.cache
def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Load the default lexicon, extended by the set-specific file at `path`.

    In the set file, `categories` replaces a label's patterns (null removes the
    label), `extend` appends patterns to a label, `exclude` and `stopwords` add
    to the defaults. Raises RuleError naming the file and key on any mistake.
    """
    default = rules_path(DEFAULT_LEXICON)
    layers = [(default, _read(default))]
    if path is not None:
        layers.append((Path(path), _read(Path(path))))
    cats: dict[str, dict[str, tuple[Path, list]]] = {}
    excl: dict[str, list[tuple[Path, str]]] = {}
    stop: set[str] = set()
    for file, data in layers:
        for cat, labels in _pattern_map(data, "categories", file).items():
            for label, pats in labels.items():
                if pats is None:
                    cats.get(cat, {}).pop(label, None)
                else:
                    cats.setdefault(cat, {})[label] = (file, list(pats))
        for cat, labels in _pattern_map(data, "extend", file).items():
            for label, pats in labels.items():
                old = cats.setdefault(cat, {}).get(label, (file, []))[1]
                cats[cat][label] = (file, old + list(pats or []))
        exclude = data.get("exclude", {})
        if not isinstance(exclude, dict):
            raise RuleError(file, "exclude", "must be a mapping of category to patterns")
        for cat, pats in exclude.items():
            if not isinstance(pats, list):
                raise RuleError(file, f"exclude.{cat}", "must be a list of patterns")
            excl.setdefault(cat, []).extend((file, p) for p in pats)
        if "stopwords" in data:
            words = data["stopwords"]
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise RuleError(file, "stopwords", "must be a list of words")
            stop.update(w.strip().lower() for w in words)
    for cat, items in excl.items():
        if cat not in cats:
            raise RuleError(items[0][0], f"exclude.{cat}", "no such category")
    categories = []
    for cat, labels in cats.items():
        built = []
        for label, (file, pats) in labels.items():
            key = f"categories.{cat}.{label}"
            rxs = tuple(_check_pattern(p, file, key) for p in pats)
            built.append(Label(label, tuple(pats), rxs))
        if not built:
            continue
        vetoes = tuple(_check_pattern(p, f, f"exclude.{cat}") for f, p in excl.get(cat, []))
        categories.append(Category(cat, tuple(built), vetoes))
    return Lexicon(tuple(categories), frozenset(stop), tuple(str(f) for f, _ in layers))


# --------------------------------------------------------------------------- quotes

_OPEN_BEFORE = set(" \t\n([{—–-/“‘\"'")
_QUOTE_CHARS = re.compile("[“”\"‘’']")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character intervals of `text` that lie between quotation marks.

    Double quotes (“ ” ") and single quotes (‘ ’ ') are tracked apart. A single
    mark between two letters (Assad’s, don't) or after a plural s with no single
    quote open (forces’ positions) is an apostrophe. An unclosed quote runs to the end.
    """
    spans: list[tuple[int, int]] = []
    dbl: int | None = None
    sgl: int | None = None
    n = len(text)
    for mark in _QUOTE_CHARS.finditer(text):
        i, ch = mark.start(), mark.group()
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if ch in "“”\"":
            opening = ch == "“" or (ch == '"' and dbl is None)
            if ch == "”" and dbl is None:
                opening = False
            if opening and dbl is None:
                dbl = i + 1
            elif not opening and dbl is not None:
                spans.append((dbl, i))
                dbl = None
        elif ch in "‘’'":
            if (prev.isalnum() and nxt.isalpha()) or re.match(r"\d0s\b", text[i + 1:i + 4]):
                continue  # apostrophe inside a word or before a decade ('90s)
            if sgl is None:
                if (ch == "‘" or ch == "'") and prev in _OPEN_BEFORE and nxt.isalnum():
                    sgl = i + 1
            elif not prev.isspace() and not nxt.isalnum():
                spans.append((sgl, i))
                sgl = None
    for begin in (dbl, sgl):
        if begin is not None:
            spans.append((begin, n))
    return sorted(spans)


def _paragraph_quotes(sentences: pl.DataFrame) -> dict[tuple[str, int], list[tuple[int, int]]]:
    """Quoted intervals in article offsets, per (article, line) paragraph."""
    out: dict[tuple[str, int], list[tuple[int, int]]] = {}
    paras = (sentences.sort("article", "start")
             .group_by("article", "line", maintain_order=True)
             .agg("start", "text"))
    for article, line, starts, texts in paras.iter_rows():
        # Rebuild the paragraph with the sentences at their offsets; gaps become spaces.
        base = pos = starts[0]
        buf: list[str] = []
        for s, t in zip(starts, texts):
            buf += [" " * max(0, s - pos), t]
            pos = max(pos, s) + len(t)
        spans = quoted_spans("".join(buf))
        if spans:
            out[(article, line)] = [(a + base, b + base) for a, b in spans]
    return out


# --------------------------------------------------------------------------- labels

def _resolve(matches: list[tuple[int, int, int, str]]) -> list[tuple[int, int, str]]:
    """Longest match wins; ties go to the earlier start, then the earlier label."""
    kept: list[tuple[int, int, str]] = []
    for start, end, _order, label in sorted(matches, key=lambda m: (m[0] - m[1], m[0], m[2])):
        if all(end <= a or start >= b for a, b, _ in kept):
            kept.append((start, end, label))
    return kept


def _rules(lex: Lexicon) -> list[tuple[int, int, str, re.Pattern]]:
    """Every pattern as (category index, label order or -1 for an exclusion, label, regex)."""
    out = []
    for ci, cat in enumerate(lex.categories):
        for order, lab in enumerate(cat.labels):
            out += [(ci, order, lab.name, rx) for rx in lab.regexes]
        out += [(ci, -1, "", rx) for rx in cat.exclude]
    return out


def _hits(sentences: pl.DataFrame, rules: list) -> dict[int, list[int]]:
    """Row index -> indices of the rules whose pattern occurs in the row (vectorised)."""
    # One chunk: the eager engine compiles each regex once per chunk.
    flags = sentences.select("text").rechunk().select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_row"),
        *[pl.col("text").str.contains(f"(?i){rx.pattern}").alias(str(k))
          for k, (_, _, _, rx) in enumerate(rules)])
    long = (flags.unpivot(index="_row", variable_name="_rule", value_name="_hit")
            .filter(pl.col("_hit"))
            .group_by("_row").agg(pl.col("_rule").cast(pl.Int64).sort()))
    return dict(long.iter_rows())


def find_descriptors(sentences: pl.DataFrame,
                     lexicon: Lexicon | str | Path | None = None) -> pl.DataFrame:
    """Label every descriptor in the sentences table; returns `schema.DESCRIPTORS`.

    Which patterns occur in which sentences is found with vectorised polars regexes;
    exact spans come from those patterns on those sentences only. Offsets are into
    the article's source text (sentence start + offset in the sentence). Rows are
    sorted by article, start, end, category, label.
    """
    lex = lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon)
    if sentences.is_empty():
        return schema.empty(schema.DESCRIPTORS)
    rules = _rules(lex)
    cols = sentences.select("article", "sentence_id", "line", "start", "text")
    rows = []
    for r, rule_ids in sorted(_hits(sentences, rules).items()):
        article, sid, line, base, text = cols.row(r)
        per_cat: dict[int, tuple[list, list]] = {}
        for k in rule_ids:
            ci, order, label, rx = rules[k]
            found, vetoes = per_cat.setdefault(ci, ([], []))
            if order < 0:
                vetoes += [(m.start(), m.end()) for m in rx.finditer(text)]
            else:
                found += [(m.start(), m.end(), order, label) for m in rx.finditer(text)]
        for ci, (found, vetoes) in sorted(per_cat.items()):
            kept = [f for f in found if all(f[1] <= a or f[0] >= b for a, b in vetoes)]
            rows += [(article, sid, line, base + a, base + b, lex.categories[ci].name, label,
                      text[a:b]) for a, b, label in _resolve(kept)]
    if not rows:
        return schema.empty(schema.DESCRIPTORS)
    paragraphs = pl.DataFrame(sorted({(r[0], r[2]) for r in rows}), orient="row",
                              schema=sentences.select("article", "line").schema)
    quotes = _paragraph_quotes(sentences.join(paragraphs, on=["article", "line"], how="semi",
                                              maintain_order="left"))
    out = pl.DataFrame(
        [(*r[:2], *r[3:], any(a <= r[3] and r[4] <= b for a, b in quotes.get((r[0], r[2]), ())))
         for r in rows],
        schema=["article", "sentence_id", "start", "end", "category", "label", "text",
                "is_quoted"],
        orient="row",
    )
    return schema.enforce(out, schema.DESCRIPTORS).sort(
        "article", "start", "end", "category", "label")


# --------------------------------------------------------------------------- tables

def with_outlet(descriptors: pl.DataFrame, articles: pl.DataFrame,
                sentences: pl.DataFrame) -> pl.DataFrame:
    """Descriptors joined with outlet, publication time and the sentence text."""
    return (descriptors
            .join(articles.select("article", "outlet", "published_at"), on="article",
                  how="left")
            .join(sentences.select("article", "sentence_id",
                                   pl.col("text").alias("sentence")),
                  on=["article", "sentence_id"], how="left")
            .with_columns(pl.col("outlet").fill_null("unknown")))


def descriptor_summary(descriptors: pl.DataFrame, articles: pl.DataFrame,
                       sentences: pl.DataFrame) -> pl.DataFrame:
    """Per outlet, category and label: uses in the outlet's own words, quoted uses,
    articles, and one example sentence (the first unquoted use, else the first).

    Columns: outlet, category, label, n_own, n_quoted, articles, example, example_article.
    """
    d = with_outlet(descriptors, articles, sentences).sort(
        "outlet", "category", "label", "is_quoted", "article", "start")
    return (d.group_by("outlet", "category", "label", maintain_order=True)
            .agg(n_own=(~pl.col("is_quoted")).sum().cast(pl.Int64),
                 n_quoted=pl.col("is_quoted").sum().cast(pl.Int64),
                 articles=pl.col("article").n_unique().cast(pl.Int64),
                 example=pl.col("sentence").first(),
                 example_article=pl.col("article").first())
            .sort("outlet", "category", pl.col("n_own") + pl.col("n_quoted"), "label",
                  descending=[False, False, True, False]))


# --------------------------------------------------------------------------- charts

def heatmap(descriptors: pl.DataFrame, articles: pl.DataFrame, sentences: pl.DataFrame,
            category: str, *, include_quoted: bool = False) -> alt.Chart:
    """Outlet × label heatmap of one category's counts, with an example in the tooltip."""
    d = descriptors.filter(pl.col("category") == category)
    if not include_quoted:
        d = d.filter(~pl.col("is_quoted"))
    cells = (with_outlet(d, articles, sentences).sort("outlet", "label", "article", "start")
             .group_by("outlet", "label", maintain_order=True)
             .agg(n=pl.len(), example=pl.col("sentence").first(),
                  example_article=pl.col("article").first()))
    return (alt.Chart(cells, title=f"{category}: uses per outlet")
            .mark_rect()
            .encode(x=alt.X("label:N", title=None, sort="ascending"),
                    y=alt.Y("outlet:N", title=None),
                    color=alt.Color("n:Q", title="uses", scale=alt.Scale(scheme="blues")),
                    tooltip=["outlet:N", "label:N", "n:Q", "example_article:N",
                             "example:N"]))


def distinctive_terms_chart(log_odds_table: pl.DataFrame, *, group_col: str = "outlet",
                            term_col: str = "term", top: int = 10) -> alt.Chart:
    """Bars of z for each group's `top` most distinctive terms (one panel per group)."""
    t = (log_odds_table.sort(group_col, pl.col("z"), term_col, descending=[False, True, False])
         .group_by(group_col, maintain_order=True).head(top))
    return (alt.Chart(t)
            .mark_bar()
            .encode(x=alt.X("z:Q", title="z (log-odds vs. all others)"),
                    y=alt.Y(f"{term_col}:N", sort="-x", title=None),
                    tooltip=[f"{group_col}:N", f"{term_col}:N", "n:Q",
                             alt.Tooltip("z:Q", format=".2f"),
                             *[f"{c}:N" for c in ("example_article", "example")
                               if c in t.columns]])
            .properties(width=220, height=alt.Step(14))
            .facet(facet=alt.Facet(f"{group_col}:N", title=None), columns=3)
            .resolve_scale(y="independent"))


def label_shares_chart(descriptors: pl.DataFrame, articles: pl.DataFrame, category: str,
                       *, every: str = "1h", sentences: pl.DataFrame | None = None
                       ) -> alt.Chart:
    """Share of each label among the category's unquoted uses, per publication bucket.

    Articles without a publication time are left out. With `sentences`, each bar's
    tooltip also shows an example sentence and its article.
    """
    d = (descriptors.filter((pl.col("category") == category) & ~pl.col("is_quoted"))
         .join(articles.select("article", "published_at"), on="article", how="left")
         .filter(pl.col("published_at").is_not_null())
         .with_columns(bucket=pl.col("published_at").dt.truncate(every)))
    if sentences is not None:
        d = d.join(sentences.select("article", "sentence_id", example=pl.col("text")),
                   on=["article", "sentence_id"], how="left")
    else:
        d = d.with_columns(example=pl.lit(None, pl.String))
    d = (d.sort("bucket", "label", "article", "start")
         .group_by("bucket", "label", maintain_order=True)
         .agg(n=pl.len(), example=pl.col("example").first(),
              example_article=pl.col("article").first())
         .with_columns(share=pl.col("n") / pl.col("n").sum().over("bucket"),
                       published=pl.col("bucket").dt.strftime("%Y-%m-%d %H:%M"))
         .sort("bucket", "label"))
    return (alt.Chart(d, title=f"{category}: label shares over time")
            .mark_bar()
            .encode(x=alt.X("published:O", title=f"published ({every} buckets)"),
                    y=alt.Y("n:Q", stack="normalize", title="share of uses"),
                    color=alt.Color("label:N", scale=alt.Scale(scheme="tableau20")),
                    tooltip=["published:O", "label:N", "n:Q",
                             alt.Tooltip("share:Q", format=".0%"), "example_article:N",
                             "example:N"]))
