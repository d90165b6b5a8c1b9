"""`reports/index.html`: one page linking every article set's stage reports, with
a short summary per set. Self-contained (no script, no external resource) and
every value HTML-escaped.

    python -m tolldrift.index --params params.yaml --interim data/interim \
        --processed data/processed --reports reports --out reports/index.html \
        --stage 01-ingest-articles "Articles read" --stage ...
"""

from __future__ import annotations

import argparse
import html
import json
from pathlib import Path

import polars as pl

from tolldrift.render import write_atomic
from tolldrift.sets import load_sets

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f4f4f4}.muted{color:#666}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def set_summary(name: str, interim: Path, processed: Path) -> dict[str, object]:
    """Headline figures of one set, read from its tables (missing tables: None)."""
    out: dict[str, object] = {"articles": None, "outlets": None, "claims": None,
                              "largest_toll": None, "metrics": None}
    articles_path = interim / name / "articles.parquet"
    if articles_path.is_file():
        a = pl.read_parquet(articles_path)
        out["articles"] = a.height
        out["outlets"] = ", ".join(sorted(a.get_column("outlet").drop_nulls().unique()))
    claims_path = processed / name / "claims.parquet"
    if claims_path.is_file():
        c = pl.read_parquet(claims_path)
        out["claims"] = c.height
        tolls = c.filter((pl.col("scope") == "event_total") & (pl.col("outcome") == "killed")
                         & pl.col("number").is_not_null()).sort(
            ["number", "article", "start"], descending=[True, False, False])
        if tolls.height:
            top = tolls.row(0, named=True)
            out["largest_toll"] = f"{top['quote']} ({top['article']})"
    metrics_path = processed / name / "claims-metrics.json"
    if metrics_path.is_file():
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
        if "numeric_f1" in metrics:
            out["metrics"] = (f"numeric F1 {metrics['numeric_f1']}, vague F1 "
                              f"{metrics['vague_f1']}, strict F1 {metrics['strict_f1']}")
    return out


def render_index(sets: dict[str, dict], stages: list[tuple[str, str]], interim: Path,
                 processed: Path, reports: Path) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>tolldrift reports</title>", f"<style>{STYLE}</style></head><body>",
             "<h1>tolldrift reports</h1>",
             ("<p>How each outlet's casualty counts and descriptions of one event differ "
              "and change over the hours. One section per article set; each report opens "
              "offline.</p>")]
    for name in sorted(sets):
        cfg = sets[name] or {}
        s = set_summary(name, interim, processed)
        parts.append(f"<h2>{_e(cfg.get('title') or name)}</h2>")
        parts.append(f'<p class="muted">Set <code>{_e(name)}</code></p><table>')
        rows = [("Articles", s["articles"]), ("Outlets found", s["outlets"]),
                ("Claims", s["claims"]), ("Largest event toll stated", s["largest_toll"]),
                ("Score against gold", s["metrics"])]
        parts += [f"<tr><th>{_e(k)}</th><td>{_e(v if v is not None else '—')}</td></tr>"
                  for k, v in rows]
        parts.append("</table><ul>")
        for stem, title in stages:
            target = reports / name / f"{stem}.html"
            href = f"{name}/{stem}.html"
            note = "" if target.is_file() else ' <span class="muted">(not built yet)</span>'
            parts.append(f'<li><a href="{_e(href)}">{_e(title)}</a>{note}</li>')
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m tolldrift.index", description=__doc__)
    p.add_argument("--params", type=Path, required=True)
    p.add_argument("--interim", type=Path, required=True)
    p.add_argument("--processed", type=Path, required=True)
    p.add_argument("--reports", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--stage", nargs=2, action="append", default=[], metavar=("STEM", "TITLE"))
    args = p.parse_args(argv)
    sets = {name: {"title": cfg.title} for name, cfg in load_sets(args.params).items()}
    page = render_index(sets, [tuple(s) for s in args.stage], args.interim, args.processed,
                        args.reports)
    write_atomic(args.out, page)


if __name__ == "__main__":
    main()
