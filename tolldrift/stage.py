"""Run one stage notebook for one article set and write its report.

    python -m tolldrift.stage NOTEBOOK REPORT_STEM -p NAME VALUE [-p NAME VALUE ...]

executes NOTEBOOK with papermill (values are read as YAML, so `3` is a number and
`[a, b]` a list), then writes `REPORT_STEM.ipynb` (normalised executed notebook)
and `REPORT_STEM.html` (the report, without code). Every output the notebook
writes is written atomically, so a failed run leaves what was there before.

Most of a stage's time is fixed cost: importing papermill and starting a kernel. So
the kernel is started first and boots while this process imports papermill; the
executed notebook stays in memory (papermill saves nothing on the way); and the
kernel is stopped as soon as the last cell has run.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tolldrift.render import render_report

if TYPE_CHECKING:
    from jupyter_client.manager import AsyncKernelManager

KERNEL = "python3"
# As nbclient starts kernels: no IPython history file is written.
KERNEL_ARGS = ("--HistoryManager.hist_file=:memory:",)


class StageError(RuntimeError):
    """A stage notebook failed; the message names the notebook and the cell."""


def start_kernel() -> AsyncKernelManager:
    """A `python3` kernel, launched now; papermill connects to it when it needs it."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = AsyncKernelManager(kernel_name=KERNEL)
    run_sync(km.start_kernel)(extra_arguments=list(KERNEL_ARGS))
    return km


def stop_kernel(km: AsyncKernelManager) -> None:
    """Stop the kernel at once and remove its connection file.

    Called once papermill is done with it: every cell has run and every output file
    has been written, so there is nothing left for the kernel to finish.
    """
    from jupyter_core.utils import run_sync

    run_sync(km.shutdown_kernel)(now=True)


def execute(notebook: Path, parameters: dict, km: AsyncKernelManager):
    """The notebook executed by papermill in the kernel of `km`, kept in memory."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        return papermill.execute_notebook(
            str(notebook), None, parameters=parameters, progress_bar=False,
            log_output=False, report_mode=False, kernel_name=KERNEL, km=km,
        )
    except PapermillExecutionError as exc:
        raise StageError(
            f"{notebook} failed in cell {exc.exec_count} with {exc.ename}: {exc.evalue}"
        ) from None


def run_stage(notebook: Path, report_stem: Path, parameters: dict) -> None:
    """Execute `notebook` with `parameters`; write `report_stem`.ipynb and .html."""
    notebook, report_stem = Path(notebook), Path(report_stem)
    if not notebook.is_file():
        raise StageError(f"{notebook}: no such notebook")
    report_stem.parent.mkdir(parents=True, exist_ok=True)
    km = start_kernel()
    try:
        executed = execute(notebook, parameters, km)
    finally:
        stop_kernel(km)
    render_report(executed, report_stem.with_suffix(".html"), report_stem.with_suffix(".ipynb"))


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
    import yaml

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
