"""Scoring extracted casualty claims against hand-made gold claims.

A predicted claim matches a gold claim of the same article when both carry the
same figure (the same number, or the same vague word) and the prediction's
outcome is the gold outcome or one of its `outcome_alt`. Matching is one-to-one:
within each article and figure the pairing with the most matches wins, then the
one whose pairs agree most (same group first, then scope, exact outcome,
qualifier); remaining ties go to the earlier gold line and the earlier claim.

Predictions are first de-duplicated per article on (number, vague, outcome,
group), keeping the earliest. Only articles that appear in the gold (or in the
`articles` given) are scored.

Metrics (flat, JSON-friendly, rounded to 4 decimals):
- `numeric_*` / `vague_*`: precision, recall, f1, tp, fp, fn for claims with a
  number / with a vague word.
- `strict_*`: the same over all claims, where a match also needs equal group and
  scope.
- `<field>_accuracy` for qualifier, group, scope, source over matched pairs
  (null equal to null counts as right; null when nothing matched).
- `headline_toll_accuracy`: share of gold articles with an event_total killed
  figure whose largest such figure equals the largest predicted one.
A ratio with an empty denominator is 0, except that precision, recall and f1 are
1 when there is neither a gold nor a predicted claim.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from tolldrift import schema

GOLD_FIELDS = ("article", "quote", "number", "vague", "qualifier", "outcome", "group",
               "group_text", "scope", "source", "as_of")
FIELDS = ("qualifier", "group", "scope", "source")
KINDS = ("miss", "false_positive", "field")
_MAX_EXACT = 12   # figures with more claims than this are paired greedily

GOLD_SCHEMA = pl.Schema({
    "line": pl.Int32, "article": pl.String, "quote": pl.String, "number": pl.Int64,
    "vague": pl.String, "qualifier": pl.String, "outcome": pl.String,
    "outcome_alt": pl.List(pl.String), "group": pl.String, "group_text": pl.String,
    "scope": pl.String, "source": pl.String, "as_of": pl.String,
})

MISTAKES = schema.register(schema.Table(
    name="mistakes",
    path="data/processed/<set>/mistakes.parquet",
    meaning="One row per difference between the extracted claims and the gold claims.",
    written_by="notebooks/02-extract-claims.ipynb",
    columns=(
        schema.Column("kind", pl.String, "`miss`: a gold claim nothing matched; "
                      "`false_positive`: a claim matching no gold claim; `field`: a matched "
                      "pair (or an article's headline toll) that disagrees on `field`.",
                      nullable=False, allowed=KINDS),
        schema.Column("article", pl.String, "Article id.", nullable=False),
        schema.Column("quote", pl.String, "The gold quote (miss, field) or the claim's quote."),
        schema.Column("number", pl.Int64, "The figure."),
        schema.Column("vague", pl.String, "The vague amount word."),
        schema.Column("field", pl.String, "Field that disagrees (kind `field`)."),
        schema.Column("expected", pl.String, "Gold value."),
        schema.Column("got", pl.String, "Extracted value."),
    ),
))


class GoldError(ValueError):
    """A gold file line is not valid JSON or lacks a field."""


@dataclass(frozen=True)
class Scores:
    metrics: dict[str, Any]
    mistakes: pl.DataFrame


_ALLOWED = {"qualifier": schema.QUALIFIERS, "outcome": schema.OUTCOMES,
            "group": schema.GROUPS, "scope": schema.SCOPES, "vague": schema.VAGUE}


def _check_row(row: Any, where: str) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise GoldError(f"{where}: must be a JSON object")
    missing = [f for f in GOLD_FIELDS if f not in row]
    if missing:
        raise GoldError(f"{where}: missing field(s) {missing}")
    for field, allowed in _ALLOWED.items():
        if row[field] is not None and row[field] not in allowed:
            raise GoldError(f"{where}: {field} {row[field]!r} not in {list(allowed)}")
    if (row["number"] is None) == (row["vague"] is None):
        raise GoldError(f"{where}: exactly one of number and vague must be set")
    if row["number"] is not None and not isinstance(row["number"], int):
        raise GoldError(f"{where}: number must be an integer or null")
    alt = row.get("outcome_alt") or []
    if not isinstance(alt, list) or any(a not in schema.OUTCOMES for a in alt):
        raise GoldError(f"{where}: outcome_alt must be a list of outcomes")
    return {**{f: row[f] for f in GOLD_FIELDS}, "outcome_alt": alt}


def read_gold(path: str | Path) -> pl.DataFrame:
    """Read a gold.jsonl file (blank lines skipped); GoldError names the file and line."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            where = f"{path}, line {n}"
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                raise GoldError(f"{where}: not valid JSON: {exc.msg}") from None
            rows.append({"line": n, **_check_row(row, where)})
    return pl.DataFrame(rows, schema=GOLD_SCHEMA)


# ----------------------------------------------------------------------- matching


def _dedupe(claims: pl.DataFrame) -> pl.DataFrame:
    return (claims.sort(["article", "start"], maintain_order=True)
            .unique(["article", "number", "vague", "outcome", "group"], keep="first",
                    maintain_order=True))


def _compatible(pred: dict, gold: dict, strict: bool) -> bool:
    if pred["number"] != gold["number"] or pred["vague"] != gold["vague"]:
        return False
    if pred["outcome"] != gold["outcome"] and pred["outcome"] not in gold["outcome_alt"]:
        return False
    return not strict or (pred["group"] == gold["group"] and pred["scope"] == gold["scope"])


def _preference(pred: dict, gold: dict) -> int:
    return (8 * (pred["group"] == gold["group"]) + 4 * (pred["scope"] == gold["scope"])
            + 2 * (pred["outcome"] == gold["outcome"]) + (pred["qualifier"] == gold["qualifier"]))


def _pair_block(golds: list[dict], preds: list[dict], strict: bool) -> list[tuple[int, int]]:
    """Best one-to-one pairing (indices into golds, preds) within one article and figure."""
    edges = {(g, p): _preference(preds[p], golds[g])
             for g in range(len(golds)) for p in range(len(preds))
             if _compatible(preds[p], golds[g], strict)}
    if not edges:
        return []
    if len(preds) > _MAX_EXACT:
        pairs, used_g, used_p = [], set(), set()
        for (g, p), _ in sorted(edges.items(), key=lambda e: (-e[1], e[0])):
            if g not in used_g and p not in used_p:
                pairs.append((g, p))
                used_g.add(g)
                used_p.add(p)
        return sorted(pairs)

    best: dict[tuple[int, int], tuple[tuple[int, int], tuple[tuple[int, int], ...]]] = {}

    def solve(g: int, used: int) -> tuple[tuple[int, int], tuple[tuple[int, int], ...]]:
        if g == len(golds):
            return (0, 0), ()
        key = (g, used)
        if key not in best:
            (n, pref), pairs = solve(g + 1, used)
            result = ((n, pref), pairs)
            for p in range(len(preds)):
                if (g, p) in edges and not used >> p & 1:
                    (n2, pref2), rest = solve(g + 1, used | 1 << p)
                    option = ((n2 + 1, pref2 + edges[g, p]), ((g, p), *rest))
                    if option[0] > result[0]:
                        result = option
            best[key] = result
        return best[key]

    return list(solve(0, 0)[1])


def _match(golds: list[dict], preds: list[dict], strict: bool) -> list[tuple[dict, dict]]:
    """One-to-one matched (gold, pred) pairs over all articles."""
    blocks: dict[tuple, tuple[list[dict], list[dict]]] = {}
    for g in golds:
        blocks.setdefault((g["article"], g["number"], g["vague"]), ([], []))[0].append(g)
    for p in preds:
        key = (p["article"], p["number"], p["vague"])
        if key in blocks:
            blocks[key][1].append(p)
    pairs = []
    for block_golds, block_preds in blocks.values():
        pairs += [(block_golds[g], block_preds[p])
                  for g, p in _pair_block(block_golds, block_preds, strict)]
    return pairs


# ------------------------------------------------------------------------ metrics


def _prf(prefix: str, tp: int, n_pred: int, n_gold: int) -> dict[str, Any]:
    fp, fn = n_pred - tp, n_gold - tp
    if n_pred == 0 and n_gold == 0:
        p = r = f = 1.0
    else:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
    return {f"{prefix}_precision": p, f"{prefix}_recall": r, f"{prefix}_f1": f,
            f"{prefix}_tp": tp, f"{prefix}_fp": fp, f"{prefix}_fn": fn}


def _largest(claims: Iterable[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in claims:
        if c["number"] is not None and c["scope"] == "event_total" and c["outcome"] == "killed":
            out[c["article"]] = max(out.get(c["article"], c["number"]), c["number"])
    return out


def _mistake(kind: str, c: dict, field: str | None = None, expected: Any = None,
             got: Any = None) -> dict[str, Any]:
    return {"kind": kind, "article": c["article"], "quote": c.get("quote"),
            "number": c.get("number"), "vague": c.get("vague"), "field": field,
            "expected": None if expected is None else str(expected),
            "got": None if got is None else str(got)}


def score(claims: pl.DataFrame, gold: pl.DataFrame,
          articles: Iterable[str] | None = None) -> Scores:
    """Score extracted claims against gold claims (see the module docstring)."""
    scored = set(gold.get_column("article").to_list() if articles is None else articles)
    preds = _dedupe(claims.filter(pl.col("article").is_in(sorted(scored)))).to_dicts()
    golds = gold.filter(pl.col("article").is_in(sorted(scored))).sort("line").to_dicts()
    for g in golds:
        g["outcome_alt"] = g.get("outcome_alt") or []

    pairs = _match(golds, preds, strict=False)
    strict_pairs = _match(golds, preds, strict=True)
    metrics: dict[str, Any] = {}
    for prefix, is_kind in (("numeric", lambda c: c["number"] is not None),
                            ("vague", lambda c: c["number"] is None)):
        tp = sum(is_kind(g) for g, _ in pairs)
        metrics |= _prf(prefix, tp, sum(map(is_kind, preds)), sum(map(is_kind, golds)))
    metrics |= _prf("strict", len(strict_pairs), len(preds), len(golds))
    metrics["matched"] = len(pairs)
    for field in FIELDS:
        right = sum(g[field] == p[field] for g, p in pairs)
        metrics[f"{field}_accuracy"] = right / len(pairs) if pairs else None

    gold_toll, pred_toll = _largest(golds), _largest(preds)
    metrics["headline_articles"] = len(gold_toll)
    metrics["headline_toll_accuracy"] = (
        sum(pred_toll.get(a) == n for a, n in gold_toll.items()) / len(gold_toll)
        if gold_toll else None)
    metrics["articles"] = len(scored)
    metrics = {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}

    matched_g = {id(g) for g, _ in pairs}
    matched_p = {id(p) for _, p in pairs}
    rows = [_mistake("miss", g) for g in golds if id(g) not in matched_g]
    rows += [_mistake("false_positive", p) for p in preds if id(p) not in matched_p]
    rows += [_mistake("field", g, f, g[f], p[f]) for g, p in pairs for f in FIELDS
             if g[f] != p[f]]
    rows += [_mistake("field", {"article": a}, "headline_toll", n, pred_toll.get(a))
             for a, n in gold_toll.items() if pred_toll.get(a) != n]
    mistakes = pl.DataFrame(rows, schema=MISTAKES.polars_schema).sort(
        ["article", "kind", "number", "vague", "field", "quote"], nulls_last=True)
    return Scores(metrics, schema.enforce(mistakes, MISTAKES))


def write_metrics(metrics: dict[str, Any], path: str | Path) -> None:
    """Write metrics as JSON with sorted keys and stable formatting (atomically)."""
    clean = {k: None if isinstance(v, float) and math.isnan(v) else v
             for k, v in metrics.items()}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(clean, sort_keys=True, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
