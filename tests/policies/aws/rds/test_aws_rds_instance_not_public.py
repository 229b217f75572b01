"""aws-rds-instance-not-public: DB instances are not publicly accessible."""

from __future__ import annotations

from policies.aws.rds.instance_not_public import METADATA, POLICY
from tests.policies.policy_harness import violations

INSTANCE = "aws:rds/instance:Instance"
MODULE = {
    "engine": "postgres",
    "instanceClass": "db.t4g.small",
    "publiclyAccessible": False,
    "dbSubnetGroupName": "ebc-prod-euw2-rds-housing-repairs-db",
    "vpcSecurityGroupIds": ["sg-5776c22b31b484b42"],
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-instance-not-public"
    assert METADATA.severity == "critical"
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 2.3.3"


def test_module_instance_passes() -> None:
    assert violations(POLICY, INSTANCE, MODULE) == []


def test_default_is_private() -> None:
    assert violations(POLICY, INSTANCE, {"engine": "mysql"}) == []


def test_public() -> None:
    assert violations(POLICY, INSTANCE, {**MODULE, "publiclyAccessible": True}) == [
        "RDS instance is publicly accessible (publiclyAccessible is true)"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/clusterInstance:ClusterInstance", {"publiclyAccessible": True}) == []
