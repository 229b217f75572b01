"""Live: deploy a real stack twice; the second run must change nothing (idempotent programs).

Runs only with LZ_LIVE=1, the Pulumi CLI, a logged-in backend and cloud credentials for a sandbox
account, e.g. `LZ_LIVE=1 LZ_LIVE_STACK=council-website-dev pytest -m live tests/live`. It never runs
in CI here: there is no Pulumi CLI and no cloud account on this machine.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(os.environ.get("LZ_LIVE") != "1", reason="live deployment tests need LZ_LIVE=1"),
    pytest.mark.skipif(shutil.which("pulumi") is None, reason="live deployment tests need the Pulumi CLI"),
]


def test_second_deployment_changes_nothing() -> None:
    from pulumi import automation as auto

    name = os.environ.get("LZ_LIVE_STACK", "council-website-dev")
    stack = auto.create_or_select_stack(stack_name=name, work_dir=str(ROOT))
    try:
        first = stack.up(on_output=print)
        assert first.summary.result == "succeeded"
        preview = stack.preview(on_output=print)
        changes = {op: n for op, n in (preview.change_summary or {}).items() if op != "same"}
        assert changes == {}, f"a second deployment of {name} would change: {changes}"
    finally:
        if os.environ.get("LZ_LIVE_KEEP") != "1":
            stack.destroy(on_output=print)
