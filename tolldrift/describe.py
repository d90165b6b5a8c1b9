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
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import altair as alt
import polars as pl

from tolldrift import schema
from tolldrift.lexicon import RuleError, compile_pattern, load_rules, rules_path
from tolldrift.schema import Frame, as_lazy

if TYPE_CHECKING:
    from tolldrift.logodds import TermTally

DEFAULT_LEXICON = "descriptors/default.yaml"
# Sentences per batch of the describe pass (batches never split an article).
SENTENCE_BATCH = 50_000
# Charts keep at most this many outlets, time buckets or groups of terms.
MAX_OUTLETS = 30
MAX_BUCKETS = 60
MAX_TERM_GROUPS = 12
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
        *[pl.col("text").str.contains(f"(?i){rx.pattern}").alias(str(k))
          for k, (_, _, _, rx) in enumerate(rules)])
    hits: dict[int, list[int]] = {}
    for k, column in enumerate(flags.iter_columns()):
        for row in column.arg_true().to_list():
            hits.setdefault(row, []).append(k)
    return hits


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


# --------------------------------------------------------------------------- batches

_SENTENCE_COLUMNS = ("article", "sentence_id", "line", "start", "text")


def sentence_batches(sentences: Frame, rows: int = SENTENCE_BATCH) -> Iterator[pl.DataFrame]:
    """Consecutive slices of about `rows` sentences that never split an article (each
    article's sentences must be contiguous, as the ingest stage writes them), with the
    columns the describe pass reads."""
    lf = as_lazy(sentences).select(*_SENTENCE_COLUMNS)
    total = lf.select(pl.len()).collect().item()
    carry = None
    for offset in range(0, total, rows):
        chunk = lf.slice(offset, rows).collect()
        if carry is not None:
            chunk = pl.concat([carry, chunk])
        carry = None
        if offset + rows < total:
            tail = chunk.get_column("article").rle().struct.field("len")[-1]
            chunk, carry = chunk.head(chunk.height - tail), chunk.tail(tail)
        if chunk.height:
            yield chunk


def _articles_ascending(lf: pl.LazyFrame, rows: int) -> bool:
    last = None
    ids = lf.select("article")
    total = ids.select(pl.len()).collect().item()
    for offset in range(0, total, rows):
        chunk = ids.slice(offset, rows).collect().get_column("article")
        if not chunk.is_sorted() or (last is not None and chunk[0] < last):
            return False
        last = chunk[-1]
    return True


class _DescriptorSink:
    """Descriptors of consecutive batches, in memory or into one parquet file: a single
    batch is written as it is, more are streamed through `batches.Parts`."""

    def __init__(self, path: str | Path | None):
        self.path, self.held, self.count, self.parts = path, [], 0, None

    def add(self, found: pl.DataFrame) -> None:
        if self.path is None or self.count == 0:
            self.held.append(found)
        else:
            if self.parts is None:
                from tolldrift.batches import Parts

                self.parts = Parts(schema.DESCRIPTORS, self.path).start()
                schema.write(self.held.pop(), schema.DESCRIPTORS, self.parts.part(0))
            schema.write(found, schema.DESCRIPTORS, self.parts.part(self.count))
        self.count += 1

    def finish(self) -> pl.DataFrame | pl.LazyFrame:
        found = (pl.concat(self.held) if self.held else schema.empty(schema.DESCRIPTORS))
        if self.path is None:
            return found
        if self.parts is None:
            schema.write(found, schema.DESCRIPTORS, self.path)
        else:
            self.parts.finish(self.count)
        return pl.scan_parquet(self.path)

    def abort(self) -> None:
        if self.parts is not None:
            self.parts.abort()


def describe_sentences(sentences: Frame, lexicon: Lexicon, tally: TermTally | None = None, *,
                       descriptors_out: str | Path | None = None,
                       rows: int | None = None) -> pl.DataFrame | pl.LazyFrame:
    """One pass over the sentences, batch by batch: their descriptors (as
    `find_descriptors` of all of them at once) and, with a `tally`, their terms added
    to it.

    With `descriptors_out`, descriptors are streamed into that file and a scan of it is
    returned; otherwise they are returned in memory. Batches hold about `rows`
    sentences (default `SENTENCE_BATCH`). Sentences whose articles are not in ascending
    order are first sorted (into a temporary file when read from one).
    """
    rows = rows or SENTENCE_BATCH
    lf = as_lazy(sentences).select(*_SENTENCE_COLUMNS)
    with tempfile.TemporaryDirectory(prefix="tolldrift-describe-") as tmp:
        if not _articles_ascending(lf, 4 * rows):
            ordered = lf.sort("article", maintain_order=True)
            if isinstance(sentences, pl.DataFrame):
                lf = ordered.collect().lazy()
            else:
                ordered.sink_parquet(Path(tmp) / "sentences.parquet")
                lf = pl.scan_parquet(Path(tmp) / "sentences.parquet")
        sink = _DescriptorSink(descriptors_out)
        try:
            for batch in sentence_batches(lf, rows):
                sink.add(find_descriptors(batch, lexicon))
                if tally is not None:
                    tally.add(batch)
            return sink.finish()
        except BaseException:
            sink.abort()
            raise


# --------------------------------------------------------------------------- tables

def sentence_texts(sentences: Frame, keys: pl.DataFrame) -> pl.DataFrame:
    """The text of the sentences named by `keys` (article, sentence_id; nulls ignored),
    read from the sentences table as far as needed: columns article, sentence_id, text."""
    wanted = keys.select("article", "sentence_id").drop_nulls().unique()
    return (as_lazy(sentences).select("article", "sentence_id", "text")
            .join(wanted.lazy(), on=["article", "sentence_id"], how="semi").collect())


def _outlets(articles: Frame) -> pl.LazyFrame:
    return as_lazy(articles).select("article", "outlet")


def with_outlet(descriptors: Frame, articles: Frame, sentences: Frame | None = None
                ) -> pl.DataFrame | pl.LazyFrame:
    """Descriptors joined with outlet and publication time (and, with `sentences`, the
    sentence text as `sentence`), in the descriptors' order; lazy when `descriptors`
    is not a frame in memory."""
    d = (as_lazy(descriptors)
         .join(as_lazy(articles).select("article", "outlet", "published_at"), on="article",
               how="left", maintain_order="left"))
    if sentences is not None:
        d = d.join(as_lazy(sentences).select("article", "sentence_id",
                                             pl.col("text").alias("sentence")),
                   on=["article", "sentence_id"], how="left", maintain_order="left")
    d = d.with_columns(pl.col("outlet").fill_null("unknown"))
    return d.collect() if isinstance(descriptors, pl.DataFrame) else d


def _ranked(descriptors: Frame, articles: Frame) -> pl.LazyFrame:
    """Descriptors with `_row` (their position: the descriptors table is sorted by
    article and start, so the smallest `_row` of a group is its first use) and outlet."""
    return (as_lazy(descriptors).with_row_index("_row")
            .join(_outlets(articles), on="article", how="left", maintain_order="left")
            .with_columns(pl.col("outlet").fill_null("unknown")))


def _with_examples(cells: pl.DataFrame, sentences: Frame) -> pl.DataFrame:
    """`cells` with `example`, the text of sentence (example_article, sentence_id)."""
    texts = sentence_texts(sentences, cells.select(article="example_article",
                                                   sentence_id="sentence_id"))
    return cells.join(texts.rename({"article": "example_article", "text": "example"}),
                      on=["example_article", "sentence_id"], how="left", nulls_equal=True,
                      maintain_order="left")


def descriptor_summary(descriptors: Frame, articles: Frame, sentences: Frame) -> pl.DataFrame:
    """Per outlet, category and label: uses in the outlet's own words, quoted uses,
    articles, and one example sentence (the first unquoted use, else the first).

    Columns: outlet, category, label, n_own, n_quoted, articles, example, example_article.
    Inputs may be frames, lazy frames or parquet files; only the aggregates and the
    example sentences are held in memory.
    """
    quoted = pl.col("is_quoted")
    first = pl.col("_row") + quoted.cast(pl.Int64) * (1 << 40)
    cells = (_ranked(descriptors, articles)
             .group_by("outlet", "category", "label")
             .agg(n_own=(~quoted).sum().cast(pl.Int64),
                  n_quoted=quoted.sum().cast(pl.Int64),
                  articles=pl.col("article").n_unique().cast(pl.Int64),
                  example_article=pl.col("article").min_by(first),
                  sentence_id=pl.col("sentence_id").min_by(first))
             .collect())
    return (_with_examples(cells, sentences)
            .select("outlet", "category", "label", "n_own", "n_quoted", "articles", "example",
                    "example_article")
            .sort("outlet", "category", pl.col("n_own") + pl.col("n_quoted"), "label",
                  descending=[False, False, True, False]))


# --------------------------------------------------------------------------- charts

def _first_cells(d: pl.LazyFrame, by: list[str]) -> pl.DataFrame:
    """Per `by` group of ranked descriptors: uses `n` and the first use's article and
    sentence, sorted by `by`."""
    return (d.group_by(*by)
            .agg(n=pl.len(), example_article=pl.col("article").min_by("_row"),
                 sentence_id=pl.col("sentence_id").min_by("_row"))
            .sort(*by).collect())


def _top(cells: pl.DataFrame, col: str, limit: int) -> tuple[pl.DataFrame, str]:
    """The cells of the `limit` values of `col` with the most uses, and a title note
    saying what was left out ("" when nothing was)."""
    totals = cells.group_by(col).agg(pl.col("n").sum())
    if totals.height <= limit:
        return cells, ""
    kept = totals.sort("n", col, descending=[True, False]).head(limit).select(col)
    note = f" (the {limit} of {totals.height} {col}s with the most uses)"
    return cells.join(kept, on=col, how="semi", maintain_order="left"), note


def heatmap(descriptors: Frame, articles: Frame, sentences: Frame, category: str, *,
            include_quoted: bool = False, max_outlets: int = MAX_OUTLETS) -> alt.Chart:
    """Outlet × label heatmap of one category's counts, with an example in the tooltip.

    Only the `max_outlets` outlets with the most uses are drawn (the title says so).
    """
    d = _ranked(descriptors, articles).filter(pl.col("category") == category)
    if not include_quoted:
        d = d.filter(~pl.col("is_quoted"))
    cells, note = _top(_first_cells(d, ["outlet", "label"]), "outlet", max_outlets)
    cells = _with_examples(cells, sentences).select("outlet", "label", "n", "example",
                                                    "example_article")
    return (alt.Chart(cells, title=f"{category}: uses per outlet{note}")
            .mark_rect()
            .encode(x=alt.X("label:N", title=None, sort="ascending"),
                    y=alt.Y("outlet:N", title=None),
                    color=alt.Color("n:Q", title="uses", scale=alt.Scale(scheme="blues")),
                    tooltip=["outlet:N", "label:N", "n:Q", "example_article:N",
                             "example:N"]))


def distinctive_terms_chart(log_odds_table: pl.DataFrame, *, group_col: str = "outlet",
                            term_col: str = "term", top: int = 10,
                            max_groups: int = MAX_TERM_GROUPS) -> alt.Chart:
    """Bars of z for each group's `top` most distinctive terms (one panel per group).

    Only the `max_groups` groups with the most term uses get a panel (the title says so).
    """
    sizes = log_odds_table.group_by(group_col).agg(pl.col("n").sum())
    title = None
    if sizes.height > max_groups:
        kept = sizes.sort("n", group_col, descending=[True, False]).head(max_groups)
        log_odds_table = log_odds_table.join(kept.select(group_col), on=group_col,
                                             how="semi", maintain_order="left")
        title = (f"The {max_groups} of {sizes.height} groups with the most term uses "
                 "(a panel each)")
    t = (log_odds_table.sort(group_col, pl.col("z"), term_col, descending=[False, True, False])
         .group_by(group_col, maintain_order=True).head(top))
    chart = (alt.Chart(t)
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
    return chart if title is None else chart.properties(title=title)


# Bucket widths tried in turn when a chart would have too many time buckets.
_COARSER = ("1h", "1d", "1w", "1mo", "3mo", "1y")


def label_shares_chart(descriptors: Frame, articles: Frame, category: str,
                       *, every: str = "1h", sentences: Frame | None = None,
                       max_buckets: int = MAX_BUCKETS) -> alt.Chart:
    """Share of each label among the category's unquoted uses, per publication bucket.

    Articles without a publication time are left out. With `sentences`, each bar's
    tooltip also shows an example sentence and its article. When there would be more
    than `max_buckets` buckets, buckets are made wider (day, week, month, quarter,
    year) until there are not, and the title says so.
    """
    d = (as_lazy(descriptors).with_row_index("_row")
         .filter((pl.col("category") == category) & ~pl.col("is_quoted"))
         .join(as_lazy(articles).select("article", "published_at"), on="article",
               how="left")
         .filter(pl.col("published_at").is_not_null())
         .with_columns(bucket=pl.col("published_at").dt.truncate(every)))
    cells = (d.group_by("bucket", "label")
             .agg(n=pl.len(), _row=pl.col("_row").min(),
                  example_article=pl.col("article").min_by("_row"),
                  sentence_id=pl.col("sentence_id").min_by("_row"))
             .collect())
    wider = list(_COARSER[_COARSER.index(every) + 1:]) if every in _COARSER else []
    used, note = every, ""
    while wider and cells.get_column("bucket").n_unique() > max_buckets:
        used = wider.pop(0)
        cells = (cells.with_columns(pl.col("bucket").dt.truncate(used))
                 .group_by("bucket", "label")
                 .agg(pl.col("n").sum(), pl.col("_row").min(),
                      *[pl.col(c).min_by("_row") for c in ("example_article",
                                                           "sentence_id")]))
        note = f" ({used} buckets: too many for one bar per {every})"
    if sentences is not None:
        cells = _with_examples(cells, sentences)
    else:
        cells = cells.with_columns(example=pl.lit(None, pl.String))
    cells = (cells.select("bucket", "label", "n", "example", "example_article")
             .with_columns(share=pl.col("n") / pl.col("n").sum().over("bucket"),
                           published=pl.col("bucket").dt.strftime("%Y-%m-%d %H:%M"))
             .sort("bucket", "label"))
    return (alt.Chart(cells, title=f"{category}: label shares over time{note}")
            .mark_bar()
            .encode(x=alt.X("published:O", title=f"published ({used} buckets)"),
                    y=alt.Y("n:Q", stack="normalize", title="share of uses"),
                    color=alt.Color("label:N", scale=alt.Scale(scheme="tableau20")),
                    tooltip=["published:O", "label:N", "n:Q",
                             alt.Tooltip("share:Q", format=".0%"), "example_article:N",
                             "example:N"]))
