"""aws-rds-cluster-instance-not-public: cluster instances are not publicly accessible."""

from __future__ import annotations

from policies.aws.rds.cluster_instance_not_public import METADATA, POLICY
from tests.policies.policy_harness import violations

CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
BASE = {
    "clusterIdentifier": "c",
    "engine": "aurora-postgresql",
    "instanceClass": "db.t4g.medium",
    "publiclyAccessible": False,
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-cluster-instance-not-public"
    assert METADATA.severity == "critical"


def test_private_passes() -> None:
    assert violations(POLICY, CLUSTER_INSTANCE, BASE) == []


def test_public() -> None:
    assert violations(POLICY, CLUSTER_INSTANCE, {**BASE, "publiclyAccessible": True}) == [
        "RDS cluster instance is publicly accessible (publiclyAccessible is true)"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/instance:Instance", {"publiclyAccessible": True}) == []
