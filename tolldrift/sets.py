"""The article sets listed in `params.yaml`, read into frozen, validated objects.

    sets:
      <set-name>:            # a folder data/raw/<set-name>/
        title: "..."         # optional; the set name when left out
        start: "YYYY-MM-DD"  # optional (null): the event's first day
        end: "YYYY-MM-DD"    # optional (null): its last day, not before start

Any problem raises `ParamsError` (a ValueError) naming the file and the key.
Other top-level groups of `params.yaml` are left to the stages that read them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from tolldrift.ingest import SET_NAME

SET_KEYS = ("title", "start", "end")


class ParamsError(ValueError):
    """`params.yaml` is missing, malformed or holds a value of the wrong type."""

    def __init__(self, file: str | Path, key: str | None, reason: str):
        self.file, self.key = str(file), key
        super().__init__(f"{file}" + (f", key {key!r}" if key else "") + f": {reason}")


@dataclass(frozen=True)
class SetConfig:
    name: str
    title: str
    start: dt.date | None
    end: dt.date | None


def _date(value, file: Path, key: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise ParamsError(file, key, f"must be a date (YYYY-MM-DD), not a date-time {value}")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ParamsError(file, key, f"must be a date written YYYY-MM-DD or null, not {value!r}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ParamsError(file, key, f"{value!r} is not a date: {exc}") from None


def _one_set(name, entry, file: Path) -> SetConfig:
    key = f"sets.{name}"
    if not isinstance(name, str) or not SET_NAME.match(name):
        raise ParamsError(file, key, "set name must be lower-case letters, digits, '.', '_' "
                                     "or '-' (it names a folder)")
    if entry is None:
        entry = {}
    if not isinstance(entry, dict):
        raise ParamsError(file, key, f"must be a mapping of {', '.join(SET_KEYS)}, "
                                     f"not {type(entry).__name__}")
    unknown = sorted(str(k) for k in entry if k not in SET_KEYS)
    if unknown:
        raise ParamsError(file, f"{key}.{unknown[0]}",
                          f"unknown key; allowed: {', '.join(SET_KEYS)}")
    title = entry.get("title", name)
    if not isinstance(title, str) or not title.strip():
        raise ParamsError(file, f"{key}.title", f"must be a non-empty string, not {title!r}")
    start = _date(entry.get("start"), file, f"{key}.start")
    end = _date(entry.get("end"), file, f"{key}.end")
    if start and end and end < start:
        raise ParamsError(file, f"{key}.end", f"{end} is before start {start}")
    return SetConfig(name, title.strip(), start, end)


def load_sets(params_path: str | Path) -> dict[str, SetConfig]:
    """Every set of `params.yaml`, by name, in file order."""
    file = Path(params_path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParamsError(file, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise ParamsError(file, None, f"not UTF-8 (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise ParamsError(file, None, f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ParamsError(file, None, "must be a mapping at the top level")
    sets = data.get("sets")
    if not isinstance(sets, dict) or not sets:
        raise ParamsError(file, "sets", "must be a non-empty mapping of set name to settings")
    return {str(name): _one_set(name, entry, file) for name, entry in sets.items()}


def check(params_path: str | Path, raw_root: str | Path) -> list[str]:
    """Validate `params.yaml` and that every set has its raw folder; returns the names."""
    sets = load_sets(params_path)
    missing = [n for n in sets if not (Path(raw_root) / n).is_dir()]
    if missing:
        raise ParamsError(Path(params_path), f"sets.{missing[0]}",
                          f"unknown set: {Path(raw_root) / missing[0]} does not exist")
    return list(sets)


def main(argv: list[str] | None = None) -> int:
    """`python -m tolldrift.sets [params.yaml] [data/raw]`: check the article sets."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    params = args[0] if args else "params.yaml"
    raw = args[1] if len(args) > 1 else "data/raw"
    try:
        names = check(params, raw)
    except ParamsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(names)} article set(s): {', '.join(names)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
