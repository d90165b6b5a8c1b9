"""Pipeline overhead on the seed set (a benchmark, not a test).

In a scratch copy of the project holding only the seed set, times in one run:
a cold `dvc repro`, a no-op `dvc repro`, `dvc status`, and one bare papermill
run of an empty notebook that imports polars and altair (the floor every stage
notebook pays: process start, kernel start, imports). Prints a table and the
two ratios the project aims at: cold <= (notebook stages + 1) x bare run, and
no-op <= 1.2 x `dvc status`.

    python benchmarks/bench_pipeline.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
SET = "syria-coast-2025-03"


def _run(argv: list[str], cwd: Path) -> float:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                                 f"{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, check=False, capture_output=True, text=True, env=env)
    if done.returncode:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - start


def _project(tmp: Path) -> Path:
    project = tmp / "project"
    project.mkdir()
    for name in ("dvc.yaml", ".dvcignore"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    shutil.copytree(ROOT / "tolldrift", project / "tolldrift",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data" / "raw" / SET, project / "data" / "raw" / SET)
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    params["sets"] = {SET: params["sets"][SET]}
    (project / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run([sys.executable, "-m", "dvc", "init", "-q"], cwd=project, check=True)
    return project


def _bare_notebook(tmp: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import polars\nimport altair")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp / "bare.ipynb"
    nbformat.write(nb, path)
    return path


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tolldrift-bench-") as name:
        tmp = Path(name)
        project = _project(tmp)
        bare_nb = _bare_notebook(tmp)
        dvc = [sys.executable, "-m", "dvc"]
        bare = _run([sys.executable, "-m", "papermill", "--no-progress-bar", str(bare_nb),
                     str(tmp / "bare-out.ipynb")], tmp)
        cold = _run([*dvc, "repro"], project)
        noop = _run([*dvc, "repro"], project)
        status = _run([*dvc, "status"], project)
    stages = sum(1 for s in yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"].values()
                 if "tolldrift.stage" in s.get("do", s)["cmd"])
    rows = [("bare papermill run (imports polars, altair)", bare),
            (f"cold dvc repro ({stages} notebook stages + index)", cold),
            ("no-op dvc repro", noop), ("dvc status", status)]
    print(f"{'what':48} {'seconds':>8}")
    for label, seconds in rows:
        print(f"{label:48} {seconds:8.2f}")
    print(f"cold / bare run = {cold / bare:.1f} (aim <= {stages + 1})")
    print(f"no-op / dvc status = {noop / status:.2f} (aim <= 1.2)")


if __name__ == "__main__":
    main()
