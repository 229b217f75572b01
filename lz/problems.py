"""One shape for every user-facing problem: `file:line:col: field.path: message`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """A problem found in a user's input, located as precisely as the input allows."""

    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class InputError(Exception):
    """Bad input from the user: reported as problems with exit code 2, never a traceback."""

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(file="<input>", line=0, col=0, path="", message=problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
