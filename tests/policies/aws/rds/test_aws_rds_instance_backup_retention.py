"""aws-rds-instance-backup-retention: at least 7 days of automated backups."""

from __future__ import annotations

from policies.aws.rds.instance_backup_retention import METADATA, POLICY
from tests.policies.policy_harness import violations

INSTANCE = "aws:rds/instance:Instance"
MODULE = {
    "engine": "postgres",
    "instanceClass": "db.t4g.small",
    "backupRetentionPeriod": 14,
    "backupWindow": "01:00-02:00",
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-instance-backup-retention"
    assert METADATA.severity == "high"
    assert METADATA.config_defaults == {"minimum_days": 7}


def test_module_instance_passes() -> None:
    assert violations(POLICY, INSTANCE, MODULE) == []
    assert violations(POLICY, INSTANCE, {**MODULE, "backupRetentionPeriod": 7}) == []


def test_too_short() -> None:
    assert violations(POLICY, INSTANCE, {**MODULE, "backupRetentionPeriod": 1}) == [
        "RDS instance keeps automated backups for 1 days; at least 7 are required"
    ]


def test_backups_off() -> None:
    assert violations(POLICY, INSTANCE, {**MODULE, "backupRetentionPeriod": 0}) == [
        "RDS instance keeps automated backups for 0 days; at least 7 are required"
    ]


def test_not_set() -> None:
    assert violations(POLICY, INSTANCE, {"engine": "postgres"}) == [
        "RDS instance does not set backupRetentionPeriod (AWS keeps 1 day); at least 7 days are required"
    ]


def test_configured_minimum() -> None:
    assert violations(POLICY, INSTANCE, MODULE, config={"minimum_days": 30}) == [
        "RDS instance keeps automated backups for 14 days; at least 30 are required"
    ]


def test_read_replicas_are_skipped() -> None:
    assert violations(POLICY, INSTANCE, {"replicateSourceDb": "primary", "backupRetentionPeriod": 0}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/cluster:Cluster", {"backupRetentionPeriod": 1}) == []
