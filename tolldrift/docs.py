"""Regenerate the README's data dictionary from the schema registry.

    python -m tolldrift.docs
"""

from __future__ import annotations

from pathlib import Path

from tolldrift import schema

BEGIN, END = "<!-- data-dictionary:begin -->\n", "<!-- data-dictionary:end -->"


def update_readme(path: Path = Path("README.md")) -> bool:
    """Rewrite the block between the markers; return whether the file changed."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + schema.data_dictionary() + "\n" + END + tail
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    print("README.md updated" if update_readme() else "README.md already up to date")
