"""Shared fixtures."""

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_SET = ROOT / "data" / "raw" / "syria-coast-2025-03"
TINY_SET = ROOT / "data" / "raw" / "valmora-quake-2024-05"


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file below `folder`, to show raw files are left untouched."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def write_set(folder: Path, files: dict) -> Path:
    """Write a set folder: name -> str (UTF-8), bytes, or a callable returning either."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content() if callable(content) else content
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return folder


@pytest.fixture(scope="session")
def seed_set() -> Path:
    return SEED_SET


@pytest.fixture(scope="session")
def tiny_set() -> Path:
    return TINY_SET
