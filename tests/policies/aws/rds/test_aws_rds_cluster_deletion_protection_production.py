"""aws-rds-cluster-deletion-protection-production: production clusters have deletion protection."""

from __future__ import annotations

from policies.aws.rds.cluster_deletion_protection_production import METADATA, POLICY
from tests.policies.policy_harness import violations

CLUSTER = "aws:rds/cluster:Cluster"
BASE = {"engine": "aurora-postgresql", "deletionProtection": True, "tags": {"environment": "prod"}}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-cluster-deletion-protection-production"
    assert METADATA.severity == "high"


def test_protected_production_cluster_passes() -> None:
    assert violations(POLICY, CLUSTER, BASE) == []


def test_unprotected_production_cluster() -> None:
    assert violations(POLICY, CLUSTER, {**BASE, "deletionProtection": False}) == [
        "Production RDS cluster has no deletion protection (deletionProtection is not true)"
    ]


def test_non_production_is_not_judged() -> None:
    assert violations(POLICY, CLUSTER, {"engine": "aurora-mysql", "tags": {"environment": "test"}}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/instance:Instance", {"tags": {"environment": "prod"}}) == []
