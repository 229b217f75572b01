"""Fixtures for the manifest tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import FIXTURES, Stacks


@pytest.fixture
def stacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Stacks:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stacks").mkdir()
    return Stacks(root=Path("stacks"), valid=(FIXTURES / "housing-repairs.yaml").read_text(encoding="utf-8"))
