"""aws-dynamodb-table-point-in-time-recovery: tables have PITR."""

from __future__ import annotations

from policies.aws.dynamodb.table_point_in_time_recovery import METADATA, POLICY
from tests.policies.policy_harness import violations

TABLE = "aws:dynamodb/table:Table"
BASE = {"hashKey": "id", "attributes": [{"name": "id", "type": "S"}], "pointInTimeRecovery": {"enabled": True}}
MESSAGE = "DynamoDB table has no point-in-time recovery (pointInTimeRecovery.enabled is not true)"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-dynamodb-table-point-in-time-recovery"
    assert METADATA.severity == "high"


def test_pitr_passes() -> None:
    assert violations(POLICY, TABLE, BASE) == []


def test_pitr_off() -> None:
    assert violations(POLICY, TABLE, {**BASE, "pointInTimeRecovery": {"enabled": False}}) == [MESSAGE]


def test_pitr_absent() -> None:
    assert violations(POLICY, TABLE, {"hashKey": "id"}) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/instance:Instance", {}) == []
