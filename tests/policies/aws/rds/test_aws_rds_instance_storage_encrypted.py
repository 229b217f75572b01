"""aws-rds-instance-storage-encrypted: DB instances encrypt their storage."""

from __future__ import annotations

from policies.aws.rds.instance_storage_encrypted import METADATA, POLICY
from tests.policies.policy_harness import violations

INSTANCE = "aws:rds/instance:Instance"
KEY = "arn:aws:kms:eu-west-2:123456789012:key/34703c1d-d99b-4dee-8358-b5fbbba551e1"
#: What modules.aws.database.Database registers for the example estate's production database (abridged).
MODULE = {
    "allocatedStorage": 20,
    "engine": "postgres",
    "engineVersion": "16",
    "instanceClass": "db.t4g.small",
    "storageEncrypted": True,
    "kmsKeyId": KEY,
    "publiclyAccessible": False,
    "multiAz": True,
    "backupRetentionPeriod": 14,
    "deletionProtection": True,
    "storageType": "gp3",
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-instance-storage-encrypted"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 2.3.1"


def test_module_instance_passes() -> None:
    assert violations(POLICY, INSTANCE, MODULE) == []


def test_unencrypted() -> None:
    assert violations(POLICY, INSTANCE, {**MODULE, "storageEncrypted": False}) == [
        "RDS instance storage is not encrypted (storageEncrypted is not true)"
    ]


def test_absent() -> None:
    props = {k: v for k, v in MODULE.items() if k != "storageEncrypted"}
    assert violations(POLICY, INSTANCE, props) == [
        "RDS instance storage is not encrypted (storageEncrypted is not true)"
    ]


def test_read_replicas_inherit_their_source() -> None:
    assert violations(POLICY, INSTANCE, {"replicateSourceDb": "db-primary", "instanceClass": "db.t4g.small"}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/cluster:Cluster", {"storageEncrypted": False}) == []
