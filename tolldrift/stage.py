"""Run one stage notebook for one article set and write its report.

    python -m tolldrift.stage NOTEBOOK REPORT_STEM -p NAME VALUE [-p NAME VALUE ...]

executes NOTEBOOK with papermill (values are read as YAML, so `3` is a number and
`[a, b]` a list), then writes `REPORT_STEM.ipynb` (normalised executed notebook)
and `REPORT_STEM.html` (the report, without code). Every output the notebook
writes is written atomically, so a failed run leaves what was there before.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
from pathlib import Path

import yaml


class StageError(RuntimeError):
    """A stage notebook failed; the message names the notebook and the cell."""


def run_stage(notebook: Path, report_stem: Path, parameters: dict) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from tolldrift.render import render_report

    notebook, report_stem = Path(notebook), Path(report_stem)
    if not notebook.is_file():
        raise StageError(f"{notebook}: no such notebook")
    report_stem.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tolldrift-stage-") as tmp:
        executed = Path(tmp) / notebook.name
        try:
            papermill.execute_notebook(
                str(notebook), str(executed), parameters=parameters, progress_bar=False,
                log_output=False, report_mode=False, kernel_name="python3",
            )
        except PapermillExecutionError as exc:
            raise StageError(
                f"{notebook} failed in cell {exc.exec_count} with {exc.ename}: {exc.evalue}"
            ) from None
        render_report(executed, report_stem.with_suffix(".html"),
                      report_stem.with_suffix(".ipynb"))


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tolldrift.stage",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("report_stem", type=Path,
                        help="report path without suffix, e.g. reports/<set>/01-ingest-articles")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"))
    return parser.parse_args(argv)


def _value(text: str):
    """A parameter value read as YAML; dates stay ISO strings."""
    value = yaml.safe_load(text)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return text
    return value


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    params = {name: _value(value) for name, value in args.parameter}
    try:
        run_stage(args.notebook, args.report_stem, params)
    except StageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
