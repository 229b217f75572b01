"""aws-rds-cluster-storage-encrypted: clusters encrypt their storage."""

from __future__ import annotations

from policies.aws.rds.cluster_storage_encrypted import METADATA, POLICY
from tests.policies.policy_harness import violations

CLUSTER = "aws:rds/cluster:Cluster"
BASE = {
    "engine": "aurora-postgresql",
    "engineVersion": "16.4",
    "storageEncrypted": True,
    "kmsKeyId": "arn:aws:kms:eu-west-2:123456789012:key/k",
    "backupRetentionPeriod": 14,
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-cluster-storage-encrypted"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.checkov == ("CKV_AWS_96",)


def test_encrypted_cluster_passes() -> None:
    assert violations(POLICY, CLUSTER, BASE) == []


def test_unencrypted() -> None:
    assert violations(POLICY, CLUSTER, {**BASE, "storageEncrypted": False}) == [
        "RDS cluster storage is not encrypted (storageEncrypted is not true)"
    ]


def test_provisioned_aurora_is_not_encrypted_by_default() -> None:
    assert violations(POLICY, CLUSTER, {"engine": "aurora-mysql"}) == [
        "RDS cluster storage is not encrypted (storageEncrypted is not true)"
    ]


def test_serverless_v1_is_always_encrypted() -> None:
    assert violations(POLICY, CLUSTER, {"engine": "aurora-postgresql", "engineMode": "serverless"}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/instance:Instance", {"storageEncrypted": False}) == []
