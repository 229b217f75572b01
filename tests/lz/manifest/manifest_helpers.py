"""Shared by the manifest tests: the valid example, edits of it, and problems as users see them.

A module of its own (not conftest.py) so tests can import it under a name no other directory uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lz.manifest import validate_paths

FIXTURES = Path(__file__).parent / "fixtures"
#: Injected as "today" everywhere, so no test depends on the real date.
TODAY = date(2026, 6, 1)


@dataclass(frozen=True)
class Stacks:
    """A `stacks/` directory in the current working directory (a temporary one), so problems render
    with short, exact file names such as `stacks/housing-repairs.yaml:9:14: ...`."""

    root: Path
    valid: str

    def edit(self, *replacements: tuple[str, str], text: str | None = None) -> str:
        """The valid example (or `text`) with each `old` replaced by `new`; `old` must occur once."""
        result = self.valid if text is None else text
        for old, new in replacements:
            assert result.count(old) == 1, f"{old!r} occurs {result.count(old)} times"
            result = result.replace(old, new)
        return result

    def write(self, text: str | bytes, name: str = "housing-repairs.yaml") -> Path:
        path = self.root / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def problems(self, text: str | bytes, name: str = "housing-repairs.yaml") -> list[str]:
        """Every problem of one file, rendered as users see them."""
        _, problems = validate_paths([self.write(text, name)], today=TODAY)
        return [str(problem) for problem in problems]
