"""Checks every IAM, KMS, S3 and SNS policy document of the logging modules must pass."""

from __future__ import annotations

import json
from typing import Any


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def check_policy(text: str) -> dict[str, Any]:
    """Parse a policy document and assert its shape: a version, statements with unique Sids, and
    no Allow of `*` actions on `*` resources. Returns the statements keyed by Sid."""
    doc = json.loads(text)
    assert doc["Version"] == "2012-10-17"
    statements = doc["Statement"]
    assert statements, "a policy without statements"
    by_sid: dict[str, Any] = {}
    for i, statement in enumerate(statements):
        assert statement["Effect"] in ("Allow", "Deny")
        sid = statement.get("Sid", f"#{i}")
        assert sid not in by_sid, f"duplicate Sid {sid}"
        by_sid[sid] = statement
        if statement["Effect"] == "Allow":
            actions = _as_list(statement["Action"])
            resources = _as_list(statement.get("Resource", "*"))
            assert not ({"*", "*:*"} & set(actions) and "*" in resources), f"{sid} allows * on *"
    return by_sid
