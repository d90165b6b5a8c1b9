"""The pipeline's wiring: dvc.yaml, notebooks' parameters, the environment files."""

import ast
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from tolldrift import schema

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
DVC = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))


def _parameters(path: Path) -> tuple[dict[str, object], str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = nb["cells"][0]
    assert "parameters" in cell["metadata"].get("tags", []), f"{path.name}: first cell untagged"
    source = "".join(cell["source"])
    values = {}
    for node in ast.parse(source).body:
        assert isinstance(node, ast.Assign), f"{path.name}: parameters cell only assigns"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values, source


def _stage_for(notebook: Path) -> dict:
    for stage in DVC["stages"].values():
        body = stage.get("do", stage)
        if notebook.name in body["cmd"]:
            return body
    raise AssertionError(f"no dvc.yaml stage runs {notebook.name}")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_parameters_are_grouped_and_scratch_only(notebook):
    values, source = _parameters(notebook)
    assert source.startswith("# inputs\n") and "\n# outputs\n" in source
    outputs = source.split("\n# outputs\n", 1)[1]
    for name in re.findall(r"^(\w+)\s*=", outputs, flags=re.MULTILINE):
        assert str(values[name]).startswith("../data/scratch/"), (
            f"{notebook.name}: default output {name} must stay in data/scratch, not in a "
            "DVC-tracked path")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_dvc_stage_passes_every_parameter(notebook):
    values, _ = _parameters(notebook)
    cmd = _stage_for(notebook)["cmd"]
    passed = re.findall(r"-p (\w+) ", cmd)
    assert sorted(passed) == sorted(values), notebook.name
    assert len(passed) == len(set(passed))


def test_every_set_in_params_has_a_raw_folder():
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    for name in params["sets"]:
        assert (ROOT / "data" / "raw" / name).is_dir(), name


def test_environment_yml_agrees_with_lock():
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    locked = {p["name"]: p["version"] for p in lock["package"] if "version" in p}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [*project["project"]["dependencies"], *project["dependency-groups"]["dev"]]
    names = {re.split(r"[=<>\[ ;]", d)[0].lower() for d in wanted}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = dict(p.split("==") for p in pip if "==" in p)
    assert {n.lower() for n in pins} == names
    for name, version in pins.items():
        assert locked[name.lower()] == version, name
    assert "python=3.11" in env["dependencies"]


def test_readme_data_dictionary_is_generated_from_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    begin, end = "<!-- data-dictionary:begin -->\n", "<!-- data-dictionary:end -->"
    assert begin in readme and end in readme
    current = readme.split(begin, 1)[1].split(end, 1)[0]
    assert current == schema.data_dictionary() + "\n", (
        "README data dictionary is stale: run `python -m tolldrift.docs`")
