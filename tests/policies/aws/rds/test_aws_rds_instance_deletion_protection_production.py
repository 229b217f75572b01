"""aws-rds-instance-deletion-protection-production: production instances have deletion protection."""

from __future__ import annotations

from policies.aws.rds.instance_deletion_protection_production import METADATA, POLICY
from tests.policies.policy_harness import violations

INSTANCE = "aws:rds/instance:Instance"
#: Database(lock=True) in production, Database(lock=False) in development (example estate).
PROD = {"engine": "postgres", "deletionProtection": True, "skipFinalSnapshot": False, "tags": {"environment": "prod"}}
DEV = {"engine": "postgres", "deletionProtection": False, "skipFinalSnapshot": True, "tags": {"environment": "dev"}}
MESSAGE = "Production RDS instance has no deletion protection (deletionProtection is not true)"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-instance-deletion-protection-production"
    assert METADATA.severity == "high"


def test_module_instances_pass() -> None:
    assert violations(POLICY, INSTANCE, PROD) == []
    assert violations(POLICY, INSTANCE, DEV) == []


def test_production_without_protection() -> None:
    assert violations(POLICY, INSTANCE, {**PROD, "deletionProtection": False}) == [MESSAGE]


def test_production_by_provider_default_tags() -> None:
    assert violations(POLICY, INSTANCE, {"engine": "mysql", "tagsAll": {"environment": "production"}}) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/cluster:Cluster", {"tags": {"environment": "prod"}}) == []
