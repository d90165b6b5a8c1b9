"""The real pipeline, end to end, in a scratch copy of the project: every stage
command of dvc.yaml runs for the seed set and for a hostile set whose article
carries markup; every report then opens in headless Chromium with networking off.
The seed set's tables and reports are byte-identical to those recorded in the
committed dvc.lock (run `dvc repro` and commit dvc.lock after changing a stage).
"""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SEED_SET

from tolldrift import render

HOSTILE = (
    "Blast Hits Market <script>document.title='pwned'</script>\n\n"
    "At least 7 people were killed when a bomb exploded in the market on Monday, "
    "police said. <img src=x onerror=\"document.title='pwned'\">\n"
    "Officials said 12 others were wounded.\n"
)
SETS = {
    "syria-coast-2025-03": {"title": "Seed set", "start": "2025-03-06", "end": "2025-03-08"},
    "hostile-2024-01": {"title": "<b>Hostile</b> set", "start": None, "end": None},
}
STAGE_ORDER = ("ingest", "claims", "describe", "compare", "index")


def _commands() -> list[list[str]]:
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    out = []
    for name in STAGE_ORDER:
        stage = stages[name]
        if "foreach" in stage:
            for key, item in SETS.items():
                cmd = stage["do"]["cmd"].replace("${key}", key)
                cmd = re.sub(r"\$\{item\.(\w+)\}", lambda m, item=item: str(item[m.group(1)]),
                             cmd)
                out.append(shlex.split(cmd))
        else:
            out.append(shlex.split(stage["cmd"]))
    return out


def _build(project: Path) -> None:
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    shutil.copytree(SEED_SET, project / "data" / "raw" / "syria-coast-2025-03")
    hostile = project / "data" / "raw" / "hostile-2024-01"
    hostile.mkdir(parents=True)
    (hostile / "market.txt").write_text(HOSTILE, encoding="utf-8")
    (project / "params.yaml").write_text(yaml.safe_dump({"sets": SETS}), encoding="utf-8")
    for argv in _commands():
        assert argv[0] == "python"
        done = subprocess.run([sys.executable, *argv[1:]], check=False, cwd=project,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{shlex.join(argv)}\n{done.stderr[-3000:]}"


def _locked_outputs(set_name: str) -> dict[str, str]:
    """md5 of every output of the set's stages, as recorded in the committed dvc.lock."""
    lock = yaml.safe_load((ROOT / "dvc.lock").read_text(encoding="utf-8"))["stages"]
    return {out["path"]: out["md5"] for stage, body in lock.items()
            if stage.endswith(f"@{set_name}") for out in body.get("outs", [])}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("project")
    _build(path)
    return path


def test_every_stage_wrote_its_report(project):
    reports = sorted(str(p.relative_to(project / "reports"))
                     for p in (project / "reports").rglob("*.html"))
    assert reports == ["hostile-2024-01/01-ingest-articles.html",
                       "hostile-2024-01/02-extract-claims.html",
                       "hostile-2024-01/03-describe-coverage.html",
                       "hostile-2024-01/04-compare-outlets.html",
                       "index.html",
                       "syria-coast-2025-03/01-ingest-articles.html",
                       "syria-coast-2025-03/02-extract-claims.html",
                       "syria-coast-2025-03/03-describe-coverage.html",
                       "syria-coast-2025-03/04-compare-outlets.html"]


def test_article_markup_is_escaped_everywhere(project):
    for page in (project / "reports").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>document.title" not in text, page.name
        assert "<img src=x" not in text, page.name
        assert "<b>Hostile</b>" not in text, page.name
    ingest = (project / "reports" / "hostile-2024-01" / "01-ingest-articles.html").read_text(
        encoding="utf-8")
    assert "Blast Hits Market &lt;script&gt;document.title" in ingest
    describe = (project / "reports" / "hostile-2024-01" / "03-describe-coverage.html"
                ).read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=" in describe


def test_outputs_match_the_committed_lock(project):
    """Byte-identical to the outputs recorded in dvc.lock by an earlier run on another
    checkout: the pipeline is deterministic across runs and clones."""
    locked = _locked_outputs("syria-coast-2025-03")
    assert len(locked) == 24
    got = {path: hashlib.md5((project / path).read_bytes()).hexdigest() for path in locked}
    assert got == locked


@pytest.fixture(scope="module")
def chromium():
    try:
        return render.find_chromium()
    except render.ChromiumMissing as exc:
        pytest.skip(f"{exc} (install it with: apt-get install -y chromium)")


@pytest.mark.parametrize("report", [
    "syria-coast-2025-03/01-ingest-articles.html",
    "syria-coast-2025-03/02-extract-claims.html",
    "syria-coast-2025-03/03-describe-coverage.html",
    "syria-coast-2025-03/04-compare-outlets.html",
    "hostile-2024-01/02-extract-claims.html",
    "hostile-2024-01/03-describe-coverage.html",
    "hostile-2024-01/04-compare-outlets.html",
    "index.html",
])
def test_report_in_browser(project, chromium, report):
    shots = ROOT / "test-artifacts" / "reports"
    shots.mkdir(parents=True, exist_ok=True)
    check = render.check_report(project / "reports" / report,
                                screenshot=shots / (report.replace("/", "--") + ".png"))
    assert check.console_errors == ()
    assert check.injected_ran is False
    assert all(n > 0 for n in check.marks_per_chart), check.marks_per_chart
    if report.startswith("syria") and report.endswith(("03-describe-coverage.html",
                                                       "04-compare-outlets.html")):
        assert check.n_charts >= 4
