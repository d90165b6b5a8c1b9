"""Pipeline overhead on the seed set (a benchmark, not a test).

In a scratch copy of the project holding only the seed set (with the project's own
`.dvc/config`), times: one bare papermill run of an empty notebook that imports
polars and altair (the floor every stage notebook pays: process start, kernel
start, imports), a cold `dvc repro` with the seconds of each stage read from its
verbose log, a no-op `dvc repro`, and `dvc status`. Prints a table and the two
ratios the project aims at: cold <= (notebook stages + 1) x bare run, and
no-op <= 1.2 x `dvc status`.

    python benchmarks/bench_pipeline.py [--repeat N] [--bytecode-cache]

`--repeat N` measures N times, each cold run in a fresh copy, and keeps the
fastest of each figure (on a shared machine, other work only ever adds time).
`--bytecode-cache` lets Python cache compiled modules (in a scratch folder, after
one warm-up round), as on a usual install; without it the environment decides
(`PYTHONDONTWRITEBYTECODE=1` makes every process compile every module it imports).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
SET = "syria-coast-2025-03"
_LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) DEBUG: stage: '([^']+)' "
                       r"(changed\.|was reproduced)$", re.MULTILINE)


def _env(pycache: Path | None) -> dict[str, str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                                 f"{os.environ.get('PATH', '')}"}
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the command and every process it waited for), output."""
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(argv, cwd=cwd, check=False, capture_output=True, text=True, env=env)
    if done.returncode:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - start, _cpu() - cpu, done.stdout + done.stderr


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
    if (ROOT / ".dvc" / "config").is_file():
        shutil.copy(ROOT / ".dvc" / "config", project / ".dvc" / "config")
    return project


def _bare_notebook(tmp: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import polars\nimport altair")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp / "bare.ipynb"
    nbformat.write(nb, path)
    return path


def stage_seconds(log: str) -> dict[str, float]:
    """Seconds of each stage in a `dvc repro -v` log: from DVC finding it changed to
    DVC having saved its outputs (so hashing and caching its outputs count too)."""
    start: dict[str, datetime] = {}
    out: dict[str, float] = {}
    for stamp, stage, what in _LOG_LINE.findall(log):
        at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f")
        if what == "changed.":
            start.setdefault(stage, at)
        elif stage in start:
            out[stage] = (at - start[stage]).total_seconds()
    return out


def measure(tmp: Path, env: dict[str, str]) -> dict[str, float]:
    """One round: bare run, cold repro (and its stages), no-op repro, status; wall
    seconds, and CPU seconds under `cpu <what>`."""
    project = _project(tmp)
    bare_nb = _bare_notebook(tmp)
    dvc = [sys.executable, "-m", "dvc"]
    commands = {"bare": ([sys.executable, "-m", "papermill", "--no-progress-bar", str(bare_nb),
                          str(tmp / "bare-out.ipynb")], tmp),
                "cold": ([*dvc, "repro", "-v"], project), "noop": ([*dvc, "repro"], project),
                "status": ([*dvc, "status"], project)}
    out: dict[str, float] = {}
    for what, (argv, cwd) in commands.items():
        out[what], out[f"cpu {what}"], log = _run(argv, cwd, env)
        if what == "cold":
            out |= {f"stage {name}": s for name, s in stage_seconds(log).items()}
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the fastest is kept")
    parser.add_argument("--bytecode-cache", action="store_true",
                        help="let Python cache compiled modules (after a warm-up round)")
    args = parser.parse_args(argv)
    warm_up = 1 if args.bytecode_cache else 0
    rounds: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="tolldrift-bench-") as name:
        tmp = Path(name)
        env = _env(tmp / "pycache" if args.bytecode_cache else None)
        for i in range(warm_up + args.repeat):
            (tmp / f"round-{i}").mkdir()
            rounds.append(measure(tmp / f"round-{i}", env))
    rounds = rounds[warm_up:]
    best = {key: min(r[key] for r in rounds) for key in rounds[0]}
    stages = sum(1 for s in yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"].values()
                 if "tolldrift.stage" in s.get("do", s)["cmd"])
    per_stage = {k: v for k, v in best.items() if k.startswith("stage ")}
    rows = [("bare papermill run (imports polars, altair)", best["bare"]),
            (f"cold dvc repro ({stages} notebook stages + index)", best["cold"]),
            *((f"  {k.removeprefix('stage ')}", v) for k, v in per_stage.items()),
            ("  dvc itself (start, graph, lock)",
             min(r["cold"] - sum(v for k, v in r.items() if k.startswith("stage "))
                 for r in rounds)),
            ("no-op dvc repro", best["noop"]), ("dvc status", best["status"])]
    print(f"{'what':48} {'seconds':>8}")
    for label, seconds in rows:
        print(f"{label:48} {seconds:8.2f}")
    print(f"cold / bare run = {best['cold'] / best['bare']:.1f} (aim <= {stages + 1})")
    print(f"no-op / dvc status = {best['noop'] / best['status']:.2f} (aim <= 1.2)")
    print(f"in CPU seconds (less sensitive to other work on the machine): bare run "
          f"{best['cpu bare']:.2f}, cold {best['cpu cold']:.2f}, no-op {best['cpu noop']:.2f}, "
          f"status {best['cpu status']:.2f}; cold / bare run = "
          f"{best['cpu cold'] / best['cpu bare']:.1f}, no-op / dvc status = "
          f"{best['cpu noop'] / best['cpu status']:.2f}")
    if args.repeat > 1 or args.bytecode_cache:
        print(f"(fastest of {args.repeat} rounds"
              + (", bytecode cached" if args.bytecode_cache else "") + ")")


if __name__ == "__main__":
    main()
