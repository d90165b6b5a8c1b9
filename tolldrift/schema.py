"""The one schema registry: every table the pipeline writes, its columns, dtypes,
meanings and allowed values.

`enforce` is called whenever a table is written; `data_dictionary` renders the
README's data dictionary from the same definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl


class SchemaError(ValueError):
    """A table does not match its registered schema."""


@dataclass(frozen=True)
class Column:
    name: str
    dtype: pl.DataType
    meaning: str
    nullable: bool = True
    allowed: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    meaning: str
    written_by: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def polars_schema(self) -> pl.Schema:
        return pl.Schema({c.name: c.dtype for c in self.columns})

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


QUALIFIERS = ("exact", "at_least", "more_than", "approx", "nearly", "up_to")
OUTCOMES = ("killed", "injured", "killed_or_injured", "captured", "arrested", "missing", "displaced")
GROUPS = ("all", "civilians", "state_forces", "armed_group", "other")
SCOPES = ("event_total", "event_part", "background")
VAGUE = ("dozens", "scores", "hundreds", "thousands", "millions")
FORMATS = ("txt", "html", "jsonl", "parquet")
DATETIME = pl.Datetime("us")

_ARTICLE = Column("article", pl.String, "Article id: the raw file's name without extension "
                  "(for .jsonl, the line's `id` field or `<file>-<line>`).", nullable=False)
_SENTENCE_ID = Column("sentence_id", pl.Int32, "0-based position of the sentence in its article.",
                      nullable=False)
_START = Column("start", pl.Int64, "Character offset where the span starts in the article's "
                "source text (for .txt, the decoded raw file).", nullable=False)
_END = Column("end", pl.Int64, "Character offset one past the span's end in the source text.",
              nullable=False)
_IS_HEADLINE = Column("is_headline", pl.Boolean, "The sentence is a headline or a line without "
                      "final punctuation (title, subtitle, section head, tweet-like line).",
                      nullable=False)


def _how(what: str) -> Column:
    return Column(f"{what}_how", pl.String, f"How `{what}` was found: `manifest` (articles.csv), "
                  "`metadata` (HTML or JSONL fields), `text:<rule>` (a rule of "
                  "rules/metadata.yaml matched the text), or `none`.", nullable=False)


ARTICLES = Table(
    name="articles",
    path="data/interim/<set>/articles.parquet",
    meaning="One row per article read from the set's raw folder.",
    written_by="notebooks/01-ingest-articles.ipynb",
    columns=(
        _ARTICLE,
        Column("file", pl.String, "Raw file name inside data/raw/<set>/.", nullable=False),
        Column("format", pl.String, "Raw file format.", nullable=False, allowed=FORMATS),
        Column("encoding", pl.String, "Encoding the raw bytes were decoded with.",
               nullable=False),
        Column("outlet", pl.String, "Publishing outlet, normalised through the outlet aliases."),
        _how("outlet"),
        Column("author", pl.String, "Author as written, without 'By'."),
        _how("author"),
        Column("title", pl.String, "Headline."),
        _how("title"),
        Column("published_at", DATETIME, "Publication time (naive, as written; midnight when "
               "only a date is known)."),
        Column("published_precision", pl.String, "Whether `published_at` is a day or a time.",
               allowed=("day", "minute", "second")),
        _how("published"),
        Column("url", pl.String, "Address of the article, when known."),
        Column("text", pl.String, "Source text that every offset in the pipeline indexes: the "
               "decoded raw file for .txt, the extracted main text for .html and .jsonl.",
               nullable=False),
        Column("words", pl.Int64, "Words in the kept sentences.", nullable=False),
        Column("sentences", pl.Int64, "Number of kept sentences.", nullable=False),
        Column("lines_removed", pl.Int64, "Lines dropped as not part of the article.",
               nullable=False),
    ),
)

SENTENCES = Table(
    name="sentences",
    path="data/interim/<set>/sentences.parquet",
    meaning="One row per sentence of article text, with offsets into the source text.",
    written_by="notebooks/01-ingest-articles.ipynb",
    columns=(
        _ARTICLE,
        _SENTENCE_ID,
        Column("line", pl.Int32, "0-based line of the source text the sentence starts on.",
               nullable=False),
        _START,
        _END,
        Column("text", pl.String, "The sentence, exactly `source_text[start:end]`.",
               nullable=False),
        _IS_HEADLINE,
    ),
)

REMOVED = Table(
    name="removed_lines",
    path="data/interim/<set>/removed_lines.parquet",
    meaning="Lines dropped by the boilerplate rules, and lines skipped as metadata.",
    written_by="notebooks/01-ingest-articles.ipynb",
    columns=(
        _ARTICLE,
        Column("line", pl.Int32, "0-based line number in the source text.", nullable=False),
        _START,
        _END,
        Column("text", pl.String, "The removed line.", nullable=False),
        Column("rule", pl.String, "Name of the rule in rules/boilerplate.yaml (or `byline`, "
               "`dateline`) that removed it.", nullable=False),
    ),
)

SKIPS = Table(
    name="skips",
    path="data/interim/<set>/skips.parquet",
    meaning="Raw files (or .jsonl lines) that could not be read, with the reason; the rest of "
            "the set goes on without them.",
    written_by="notebooks/01-ingest-articles.ipynb",
    columns=(
        Column("file", pl.String, "Raw file name (with `:line` for a .jsonl line).",
               nullable=False),
        Column("reason", pl.String, "Why it was skipped.", nullable=False),
    ),
)

CLAIMS = Table(
    name="claims",
    path="data/processed/<set>/claims.parquet",
    meaning="One row per casualty figure mentioned in an article.",
    written_by="notebooks/02-extract-claims.ipynb",
    columns=(
        _ARTICLE,
        _SENTENCE_ID,
        _START,
        _END,
        Column("quote", pl.String, "The words holding the figure and what it counts, exactly "
               "`source_text[start:end]`.", nullable=False),
        Column("number", pl.Int64, "The figure as an integer; null for a vague amount."),
        Column("vague", pl.String, "The vague amount word, when there is no number.",
               allowed=VAGUE),
        Column("low", pl.Int64, "Smallest count the wording allows (null: no lower bound "
               "stated)."),
        Column("high", pl.Int64, "Largest count the wording allows (null: open upwards)."),
        Column("qualifier", pl.String, "How the figure bounds the count.", nullable=False,
               allowed=QUALIFIERS),
        Column("outcome", pl.String, "What happened to the people counted.", nullable=False,
               allowed=OUTCOMES),
        Column("group", pl.String, "Who was counted.", nullable=False, allowed=GROUPS),
        Column("group_text", pl.String, "Words naming who was counted, as written."),
        Column("scope", pl.String, "Whether the figure is the event's overall toll, a part of "
               "it, or about other or earlier events.", nullable=False, allowed=SCOPES),
        Column("source", pl.String, "Who the figure is attributed to, normalised through the "
               "source aliases."),
        Column("as_of_text", pl.String, "Words dating the figure, as written."),
        Column("as_of_start", DATETIME, "Start of the hour interval the figure refers to."),
        Column("as_of_end", DATETIME, "End of the hour interval the figure refers to."),
        Column("is_as_of_fallback", pl.Boolean, "True when the text dates nothing and the "
               "interval is the article's publication time.", nullable=False),
        _IS_HEADLINE,
    ),
)

DESCRIPTORS = Table(
    name="descriptors",
    path="data/processed/<set>/descriptors.parquet",
    meaning="One row per descriptive term (actor, victim, framing, attribution, hedge) found "
            "in an article.",
    written_by="notebooks/03-describe-coverage.ipynb",
    columns=(
        _ARTICLE,
        _SENTENCE_ID,
        _START,
        _END,
        Column("category", pl.String, "Kind of description.", nullable=False),
        Column("label", pl.String, "Normalised label from the descriptor lexicon.",
               nullable=False),
        Column("text", pl.String, "The words as written, `source_text[start:end]`.",
               nullable=False),
        Column("is_quoted", pl.Boolean, "The words stand inside quotation marks or reported "
               "speech, so the outlet only quotes them.", nullable=False),
    ),
)

REGISTRY: dict[str, Table] = {
    t.name: t for t in (ARTICLES, SENTENCES, REMOVED, SKIPS, CLAIMS, DESCRIPTORS)
}


def _c(name: str, dtype: pl.DataType, meaning: str, nullable: bool = True,
       allowed: tuple[str, ...] | None = None) -> Column:
    return Column(name, dtype, meaning, nullable, allowed)


_CMP = "notebooks/04-compare-outlets.ipynb"
_OUTLET = _c("outlet", pl.String, "Outlet (articles with no outlet found show as "
             "`unknown outlet (<article>)`).", nullable=False)
_QUOTE = _c("quote", pl.String, "The claim's words, `source_text[start:end]`.")
_TRACE = (_c("article", pl.String, "Article of the claim the row comes from."),
          _c("sentence_id", pl.Int32, "Sentence of that claim."),
          _c("start", pl.Int64, "Start offset of that claim's quote."),
          _c("end", pl.Int64, "End offset of that claim's quote."), _QUOTE)

COMPARE_TOLLS = Table(
    name="compare_tolls", path="data/processed/<set>/tolls-by-outlet-hour.parquet",
    meaning="Claims of each kind per outlet and as-of hour.", written_by=_CMP,
    columns=(_OUTLET,
             _c("hour", DATETIME, "As-of hour (start of the claim's as-of interval, "
                "truncated to the hour); null when undated."),
             _c("outcome", pl.String, "Outcome.", False, OUTCOMES),
             _c("group", pl.String, "Group.", False, GROUPS),
             _c("scope", pl.String, "Scope.", False, SCOPES),
             _c("claims", pl.Int64, "Number of claims.", False),
             _c("articles", pl.Int64, "Number of articles they come from.", False)))

COMPARE_RECONCILED = Table(
    name="compare_reconciled", path="data/processed/<set>/reconciled-series.parquet",
    meaning="The event's toll of people killed combined across outlets, hour by hour, by "
            "three labelled methods.", written_by=_CMP,
    columns=(_c("hour", DATETIME, "As-of hour.", False),
             _c("method", pl.String, "`ibc_min`/`ibc_max`: lowest and highest credible total "
                "of the outlets' latest figures; `acled_conservative`: the most conservative "
                "figure.", False, ("ibc_min", "ibc_max", "acled_conservative")),
             _c("value", pl.Int64, "The combined toll."),
             _c("outlets", pl.Int64, "Outlets with a figure by that hour.", False),
             _c("outlet", pl.String, "Outlet of the claim giving the value."), *_TRACE))

COMPARE_PARTS = Table(
    name="compare_parts", path="data/processed/<set>/parts-against-totals.parquet",
    meaning="Per article total, the sum of the parts the article breaks out, checked "
            "against the total's bounds.", written_by=_CMP,
    columns=(_c("article", pl.String, "Article.", False), _OUTLET,
             _c("outcome", pl.String, "Outcome.", False, OUTCOMES),
             _c("as_of_start", DATETIME, "Start of the total's as-of interval."),
             _c("as_of_end", DATETIME, "End of the total's as-of interval."),
             _c("parts", pl.String, "The parts, e.g. `35 + 32 + 4`.", False),
             _c("n_parts", pl.Int64, "Number of parts.", False),
             _c("parts_sum", pl.Int64, "Sum of the parts.", False),
             _c("total", pl.Int64, "The total's figure (null when vague)."),
             _c("total_vague", pl.String, "The total's vague amount word."),
             _c("total_qualifier", pl.String, "The total's qualifier.", False, QUALIFIERS),
             _c("total_low", pl.Int64, "Lower bound of the total."),
             _c("total_high", pl.Int64, "Upper bound of the total."),
             _c("verdict", pl.String, "Whether the sum lies within the total's bounds.", False,
                ("consistent", "exceeds_total", "below_total")),
             *_TRACE[1:]))

COMPARE_FIRST = Table(
    name="compare_first_reports", path="data/processed/<set>/first-reports.parquet",
    meaning="For each figure, which outlet reported it first and how many hours later the "
            "others did.", written_by=_CMP,
    columns=(_c("outcome", pl.String, "Outcome.", False, OUTCOMES),
             _c("group", pl.String, "Group.", False, GROUPS),
             _c("number", pl.Int64, "The figure."),
             _c("vague", pl.String, "The vague amount word."), _OUTLET,
             _c("reported_at", DATETIME, "When this outlet reported it."),
             _c("time_basis", pl.String, "`published` (publication time) or `as_of` (the "
                "figure's as-of start, when the article is undated)."),
             _c("is_first", pl.Boolean, "This outlet reported it first.", False),
             _c("first_outlet", pl.String, "The outlet that reported it first."),
             _c("hours_later", pl.Float64, "Hours after the first report."), *_TRACE))

COMPARE_CITATIONS = Table(
    name="compare_citations", path="data/processed/<set>/citations.parquet",
    meaning="Who each outlet cites: outlet -> source edges.", written_by=_CMP,
    columns=(_OUTLET, _c("source", pl.String, "Source (`unattributed` when none).", False),
             _c("claims", pl.Int64, "Claims attributed.", False),
             _c("articles", pl.Int64, "Articles they come from.", False),
             _c("article", pl.String, "Article of an example claim."),
             _c("start", pl.Int64, "Start offset of the example."),
             _c("end", pl.Int64, "End offset of the example."), _QUOTE))

for _t in (COMPARE_TOLLS, COMPARE_RECONCILED, COMPARE_PARTS, COMPARE_FIRST, COMPARE_CITATIONS):
    REGISTRY[_t.name] = _t

TERMS = Table(
    name="distinctive_terms", path="data/processed/<set>/distinctive-terms.parquet",
    meaning="Weighted log-odds (informative Dirichlet prior) of each unigram and bigram in "
            "one group of articles against all the others: groups are outlets, or days by "
            "the articles' reported time.", written_by="notebooks/03-describe-coverage.ipynb",
    columns=(_c("grouping", pl.String, "What the groups are.", False, ("outlet", "time")),
             _c("group", pl.String, "The outlet, or the day (`YYYY-MM-DD 00:00`).", False),
             _c("term", pl.String, "Unigram or bigram.", False),
             _c("n", pl.Int64, "Uses of the term in the group.", False),
             _c("delta", pl.Float64, "Log-odds ratio against all other groups.", False),
             _c("var", pl.Float64, "Its variance.", False),
             _c("z", pl.Float64, "delta / sqrt(var): above 1.96, the group uses the term "
                "distinctively more.", False),
             _c("example_article", pl.String, "Article of the first use of the term in the "
                "group (null when the group never uses it)."),
             _c("example", pl.String, "The sentence of that first use.")))
REGISTRY[TERMS.name] = TERMS


def register(table: Table) -> Table:
    """Add a table defined elsewhere in the package to the registry."""
    REGISTRY[table.name] = table
    return table


def enforce(df: pl.DataFrame, table: Table | str) -> pl.DataFrame:
    """Return `df` with exactly the table's columns, in order and cast to their dtypes.

    Raises SchemaError naming the table and column when a column is missing, a cast
    fails, a non-nullable column holds nulls, or a value is outside the allowed set.
    """
    if isinstance(table, str):
        table = REGISTRY[table]
    missing = [c.name for c in table.columns if c.name not in df.columns]
    if missing:
        raise SchemaError(f"table {table.name!r}: missing column(s) {missing}")
    extra = [c for c in df.columns if c not in {col.name for col in table.columns}]
    if extra:
        raise SchemaError(f"table {table.name!r}: unregistered column(s) {extra}")
    out = {}
    for col in table.columns:
        s = df.get_column(col.name)
        if s.dtype != col.dtype:
            try:
                s = s.cast(col.dtype, strict=True)
            except Exception as exc:
                raise SchemaError(
                    f"table {table.name!r}: column {col.name!r} cannot be cast from "
                    f"{s.dtype} to {col.dtype}: {exc}"
                ) from exc
        if not col.nullable and s.null_count():
            raise SchemaError(f"table {table.name!r}: column {col.name!r} has "
                              f"{s.null_count()} null value(s)")
        if col.allowed is not None:
            bad = sorted(set(s.drop_nulls().unique().to_list()) - set(col.allowed))
            if bad:
                raise SchemaError(f"table {table.name!r}: column {col.name!r} has value(s) "
                                  f"{bad} outside {list(col.allowed)}")
        out[col.name] = s
    return pl.DataFrame(out, schema=table.polars_schema)


# A table given as a frame, a lazy frame or the path of a parquet file.
Frame = pl.DataFrame | pl.LazyFrame | str | Path


def as_lazy(frame: Frame) -> pl.LazyFrame:
    """A lazy frame over a frame, a lazy frame or a parquet file."""
    if isinstance(frame, pl.LazyFrame):
        return frame
    if isinstance(frame, pl.DataFrame):
        return frame.lazy()
    return pl.scan_parquet(frame)


def empty(table: Table | str) -> pl.DataFrame:
    if isinstance(table, str):
        table = REGISTRY[table]
    return pl.DataFrame(schema=table.polars_schema)


def write(df: pl.DataFrame, table: Table | str, path: str | Path) -> pl.DataFrame:
    """Enforce the schema and write deterministic parquet (atomically: temp file + rename)."""
    df = enforce(df, table)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    df.write_parquet(tmp, compression="zstd", statistics=False)
    tmp.replace(path)
    return df


def _dtype_name(dtype: pl.DataType) -> str:
    return {"String": "string", "Int64": "int64", "Int32": "int32", "Boolean": "bool",
            "Float64": "float64"}.get(str(dtype), "datetime" if isinstance(dtype, pl.Datetime)
                                      else str(dtype))


# Modules that register tables of their own when imported.
REGISTERING_MODULES = ("tolldrift.scoring",)


def data_dictionary() -> str:
    """Markdown data dictionary of every registered table."""
    import importlib

    for module in REGISTERING_MODULES:
        importlib.import_module(module)
    parts = []
    for t in REGISTRY.values():
        parts.append(f"### `{t.name}`\n\n`{t.path}`: {t.meaning}\n")
        parts.append("| column | dtype | meaning | allowed |\n| --- | --- | --- | --- |")
        for c in t.columns:
            allowed = ", ".join(f"`{a}`" for a in c.allowed) if c.allowed else ""
            null = "" if c.nullable else " Never null."
            parts.append(f"| `{c.name}` | {_dtype_name(c.dtype)} | {c.meaning}{null} | "
                         f"{allowed} |")
        parts.append(f"\nWritten by `{t.written_by}`.\n")
    return "\n".join(parts)
