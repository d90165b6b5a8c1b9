"""Loading rule files (word lists, aliases, patterns) kept as YAML data in
`tolldrift/rules/`.

Every rule file is read through `load_rules`, which fails loudly, naming the file
and the key, when the file is missing, is not valid YAML, or does not have the
shape the caller expects. Modules turn the returned mapping into frozen objects
once (cache them with functools.cache).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

RULES_PACKAGE = "tolldrift.rules"


class RuleError(ValueError):
    """A rule file is missing, malformed, or holds a value of the wrong shape."""

    def __init__(self, file: str | Path, key: str | None, reason: str):
        self.file = str(file)
        self.key = key
        where = f"{self.file}" + (f", key {key!r}" if key else "")
        super().__init__(f"{where}: {reason}")


def rules_path(name: str) -> Path:
    """Path of a rule file shipped in the package (`name` like 'boilerplate.yaml')."""
    return Path(str(resources.files(RULES_PACKAGE).joinpath(name)))


def load_rules(name: str | Path, *, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Read a YAML mapping; `name` is a file in tolldrift/rules/ or any path."""
    path = Path(name) if isinstance(name, Path) or "/" in str(name) else rules_path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleError(path, None, "rule file not found") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(path, None, f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise RuleError(path, None, "must be a mapping at the top level")
    for key in required:
        if key not in data:
            raise RuleError(path, key, "required key is missing")
    return data


def expect_str_list(data: dict[str, Any], key: str, file: str | Path) -> tuple[str, ...]:
    """`data[key]` as a tuple of non-empty strings, or RuleError."""
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(file, key, "must be a list of non-empty strings")
    return tuple(value)


def expect_str_map(data: dict[str, Any], key: str, file: str | Path) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise RuleError(file, key, "must be a mapping of strings to strings")
    return dict(value)


def compile_pattern(pattern: str, file: str | Path, key: str, flags: int = 0) -> re.Pattern:
    """Compile a regex from a rule file, naming the file and key when it is invalid."""
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise RuleError(file, key, f"invalid regular expression {pattern!r}: {exc}") from None
