r"""Distinctive terms: weighted log-odds ratios with an informative Dirichlet prior
(Monroe, Colaresi & Quinn 2008, "Fightin' Words"), each group against all others.

For group i, term w, with j = all other groups pooled:

    y_iw     count of w in group i;  n_i = sum_w y_iw
    y_jw     count of w in the other groups;  n_j = sum_w y_jw
    alpha_w  = alpha0 * (y_iw + y_jw) / (n_i + n_j)   (prior: corpus share, scaled)
    a0       = sum_w alpha_w = alpha0
    delta    = log((y_iw + alpha_w) / (n_i + a0 - y_iw - alpha_w))
             - log((y_jw + alpha_w) / (n_j + a0 - y_jw - alpha_w))
    var      = 1 / (y_iw + alpha_w) + 1 / (y_jw + alpha_w)
    z        = delta / sqrt(var)

`alpha0` is `prior_scale`; by default it is the corpus size N, so that alpha_w is
the term's corpus count. A positive z means the group uses the term more than the
others do, beyond what its frequency alone explains.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from tolldrift.lexicon import RuleError, load_rules, rules_path

STOPWORDS_FILE = "descriptors/default.yaml"
# Distinctive-term tables list the (group, term) pairs a group never uses while a
# grouping has at most this many pairs; beyond it, only the pairs in use.
FULL_PAIRS = 1_000_000
TOKEN = r"\p{L}[\p{L}\p{N}]*(?:['-][\p{L}\p{N}]+)*"


@functools.cache
def stopwords(path: str | Path | None = None) -> frozenset[str]:
    """The `stopwords` list of the descriptor lexicon (or of the file at `path`)."""
    file = Path(path) if path is not None else rules_path(STOPWORDS_FILE)
    words = load_rules(file, required=("stopwords",))["stopwords"]
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise RuleError(file, "stopwords", "must be a list of non-empty strings (quote "
                        "words YAML reads as booleans: \"no\", \"on\", \"off\")")
    return frozenset(w.strip().lower() for w in words)


def tokenize(sentences: pl.DataFrame, stop: frozenset[str] | None = None) -> pl.DataFrame:
    """Unigrams and bigrams of each sentence, lower-cased.

    A token is a run of letters and digits starting with a letter, which may hold
    inner hyphens and apostrophes (al-assad, pro-government); a possessive 's is
    dropped (assad's -> assad). Stopwords are left out as unigrams, and a bigram is
    kept only when neither word is a stopword. Columns: article, sentence_id,
    position (index of the term's first word in the sentence), ngram (1 or 2), term.
    """
    return (_tokens(sentences, stopwords() if stop is None else stop)
            .sort("article", "sentence_id", "position", "ngram").collect())


def _tokens(sentences: pl.DataFrame, stop: frozenset[str]) -> pl.LazyFrame:
    """The query behind `tokenize`, unsorted."""
    stop_list = pl.Series(sorted(stop), dtype=pl.String).implode()
    words = (sentences.lazy().select(
        "article", "sentence_id",
        term=pl.col("text").str.to_lowercase().str.replace_all("’", "'")
        .str.extract_all(TOKEN).list.eval(pl.element().str.replace(r"'s$", "")))
        .with_columns(position=pl.int_ranges(0, pl.col("term").list.len(), dtype=pl.Int32),
                      next=pl.col("term").list.shift(-1))
        .explode("term", "position", "next")
        .drop_nulls("term")
        .with_columns(is_stop=pl.col("term").is_in(stop_list),
                      next_stop=pl.col("next").is_in(stop_list)))
    unigrams = words.filter(~pl.col("is_stop")).select(
        "article", "sentence_id", "position", ngram=pl.lit(1, pl.Int8), term="term")
    bigrams = (words.filter(pl.col("next").is_not_null() & ~pl.col("is_stop")
                            & ~pl.col("next_stop"))
               .select("article", "sentence_id", "position", ngram=pl.lit(2, pl.Int8),
                       term=pl.concat_str("term", "next", separator=" ")))
    return pl.concat([unigrams, bigrams])


def term_counts(tokens: pl.DataFrame, groups: pl.DataFrame, group_col: str = "outlet",
                ) -> pl.DataFrame:
    """Count terms per group; `groups` maps article -> `group_col`.

    Articles whose group is null are left out. Columns: group_col, term, n.
    """
    return (tokens.join(groups.select("article", group_col), on="article", how="inner")
            .drop_nulls(group_col)
            .group_by(group_col, "term").agg(n=pl.len().cast(pl.Int64))
            .sort(group_col, "term"))


_FIRST = ("article", "sentence_id", "position")


def term_uses(tokens: pl.DataFrame | pl.LazyFrame, groups: pl.DataFrame,
              keys: Sequence[str] = ("group",)) -> pl.DataFrame:
    """Uses of each term per group, with the term's first use in the group.

    `groups` maps article -> the `keys` columns (an article may sit in several groups,
    e.g. one row per grouping); rows whose keys are null are left out. The first use
    is the one with the smallest (article, sentence_id, position). Columns: keys,
    term, n, example_article, sentence_id, position; sorted by keys and term.
    """
    keys = list(keys)
    first = pl.struct(*_FIRST)
    return (tokens.lazy().select(*_FIRST, "term")
            .join(groups.lazy().select("article", *keys), on="article", how="inner")
            .drop_nulls(keys)
            .group_by(*keys, "term")
            .agg(n=pl.len().cast(pl.Int64),
                 example_article=pl.col("article").min_by(first),
                 sentence_id=pl.col("sentence_id").min_by(first),
                 position=pl.col("position").min_by(first))
            .sort(*keys, "term").collect())


def merge_term_uses(parts: Sequence[pl.DataFrame], keys: Sequence[str] = ("group",)
                    ) -> pl.DataFrame:
    """`term_uses` tables of disjoint batches of sentences combined into the table of all
    of them: uses summed, the earliest first use kept."""
    keys = list(keys)
    first = pl.struct("example_article", "sentence_id", "position")
    return (pl.concat(parts).lazy()
            .group_by(*keys, "term")
            .agg(pl.col("n").sum(),
                 *[pl.col(c).min_by(first) for c in ("example_article", "sentence_id",
                                                     "position")])
            .sort(*keys, "term").collect())


class TermTally:
    """`term_uses` of sentences given batch by batch, summed as they come.

    Memory grows with the distinct (group, term) pairs, not with the sentences: batch
    tables are merged whenever they hold more rows than the running total.
    """

    def __init__(self, groups: pl.DataFrame, keys: Sequence[str] = ("group",),
                 stop: frozenset[str] | None = None):
        self.groups, self.keys, self.stop = groups, tuple(keys), stop
        self._parts: list[pl.DataFrame] = []
        self._merged_rows = 0
        self._pending_rows = 0

    def add(self, sentences: pl.DataFrame) -> None:
        """Count the terms of a batch of sentences (article, sentence_id, text)."""
        stop = stopwords() if self.stop is None else self.stop
        part = term_uses(_tokens(sentences, stop), self.groups, self.keys)
        self._parts.append(part)
        self._pending_rows += part.height
        if self._pending_rows > max(self._merged_rows, 100_000):
            self._merge()

    def _merge(self) -> None:
        merged = merge_term_uses(self._parts, self.keys)
        self._parts, self._merged_rows, self._pending_rows = [merged], merged.height, 0

    def table(self) -> pl.DataFrame:
        """The `term_uses` table of every sentence added so far."""
        if not self._parts:
            self.add(pl.DataFrame(schema={"article": pl.String, "sentence_id": pl.Int32,
                                          "text": pl.String}))
        if len(self._parts) > 1:
            self._merge()
        return self._parts[0]


def time_buckets(articles: pl.DataFrame, every: str = "1h") -> pl.DataFrame:
    """article -> `bucket`, the publication time truncated to `every` (null if unknown)."""
    return articles.select("article", bucket=pl.col("published_at").dt.truncate(every))


def log_odds(counts: pl.DataFrame, group_col: str = "outlet", term_col: str = "term",
             count_col: str = "n", prior_scale: float | None = None, *,
             keep_zeros: bool = True) -> pl.DataFrame:
    """Weighted log-odds of every term in every group against all other groups.

    `counts` holds one row per (group, term) with a count; missing pairs count 0.
    `prior_scale` is alpha0 (default: the corpus size). Returns every (group, term)
    pair (with `keep_zeros=False`, only the pairs that occur in `counts`: the scores
    are the same) with columns group_col, term_col, count_col, delta, var, z, sorted
    by group, descending z, term. See the module docstring for the formula.
    """
    c = counts.group_by(group_col, term_col).agg(pl.col(count_col).sum().cast(pl.Float64))
    total = c.group_by(term_col).agg(_w=pl.col(count_col).sum())
    big_n = float(total["_w"].sum())
    a0 = big_n if prior_scale is None else float(prior_scale)
    sizes = c.group_by(group_col).agg(_ni=pl.col(count_col).sum())
    y_i, y_j = pl.col(count_col), pl.col("_w") - pl.col(count_col)
    n_i, n_j = pl.col("_ni"), big_n - pl.col("_ni")
    a_w = a0 * pl.col("_w") / big_n
    if keep_zeros:
        pairs = (sizes.select(group_col).join(total, how="cross")
                 .join(c, on=[group_col, term_col], how="left")
                 .with_columns(pl.col(count_col).fill_null(0.0)))
    else:
        pairs = c.join(total, on=term_col, how="inner")
    full = pairs.join(sizes, on=group_col, how="left")
    delta = (((y_i + a_w) / (n_i + a0 - y_i - a_w)).log()
             - ((y_j + a_w) / (n_j + a0 - y_j - a_w)).log())
    var = 1.0 / (y_i + a_w) + 1.0 / (y_j + a_w)
    return (full.with_columns(delta=delta, var=var)
            .with_columns(z=pl.col("delta") / pl.col("var").sqrt(),
                          **{count_col: pl.col(count_col).cast(pl.Int64)})
            .select(group_col, term_col, count_col, "delta", "var", "z")
            .sort(group_col, "z", term_col, descending=[False, True, False]))


def distinctive_terms(sentences: pl.DataFrame, groups: pl.DataFrame,
                      group_col: str = "outlet", prior_scale: float | None = None,
                      ) -> pl.DataFrame:
    """Tokenize, count per group and score: `log_odds` of the sentences' terms."""
    counts = term_counts(tokenize(sentences), groups, group_col)
    return log_odds(counts, group_col=group_col, prior_scale=prior_scale)
