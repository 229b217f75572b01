"""aws-rds-cluster-backup-retention: at least 7 days of automated backups for clusters."""

from __future__ import annotations

from policies.aws.rds.cluster_backup_retention import METADATA, POLICY
from tests.policies.policy_harness import violations

CLUSTER = "aws:rds/cluster:Cluster"
BASE = {"engine": "aurora-postgresql", "storageEncrypted": True, "backupRetentionPeriod": 14}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-cluster-backup-retention"
    assert METADATA.severity == "high"


def test_two_weeks_passes() -> None:
    assert violations(POLICY, CLUSTER, BASE) == []


def test_too_short() -> None:
    assert violations(POLICY, CLUSTER, {**BASE, "backupRetentionPeriod": 3}) == [
        "RDS cluster keeps automated backups for 3 days; at least 7 are required"
    ]


def test_not_set() -> None:
    assert violations(POLICY, CLUSTER, {"engine": "aurora-mysql"}) == [
        "RDS cluster does not set backupRetentionPeriod (AWS keeps 1 day); at least 7 days are required"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/instance:Instance", {"backupRetentionPeriod": 1}) == []
