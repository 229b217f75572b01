"""aws-ec2-instance-type-allowed: instance types from the environment's allowlist."""

from __future__ import annotations

import pytest

from policies.aws.ec2.instance_type_allowed import METADATA, NON_PRODUCTION, POLICY, PRODUCTION
from tests.policies.policy_harness import violations

INSTANCE = "aws:ec2/instance:Instance"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
DEV = {"environment": "dev"}
PROD = {"environment": "prod"}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-instance-type-allowed"
    assert METADATA.severity == "medium"
    assert METADATA.config_defaults == {"non_production": list(NON_PRODUCTION), "production": list(PRODUCTION)}
    assert NON_PRODUCTION == (
        "t4g.micro",
        "t4g.small",
        "t4g.medium",
        "t4g.large",
        "t3.micro",
        "t3.small",
        "t3.medium",
        "t3.large",
    )
    assert "r6i.2xlarge" in PRODUCTION and "m7g.4xlarge" not in PRODUCTION


@pytest.mark.parametrize("resource_type", [INSTANCE, TEMPLATE])
def test_small_burstable_passes_everywhere(resource_type: str) -> None:
    assert violations(POLICY, resource_type, {"instanceType": "t4g.small", "tags": DEV}) == []
    assert violations(POLICY, resource_type, {"instanceType": "t3.large", "tags": PROD}) == []


def test_production_family_in_production_passes() -> None:
    assert violations(POLICY, INSTANCE, {"instanceType": "m7g.2xlarge", "tags": PROD}) == []


def test_production_family_outside_production() -> None:
    assert violations(POLICY, INSTANCE, {"instanceType": "m7g.large", "tags": DEV}) == [
        "Instance type 'm7g.large' is not allowed in non-production environments (environment 'dev'); "
        f"allowed: {', '.join(NON_PRODUCTION)}"
    ]


def test_too_big_for_production() -> None:
    assert violations(POLICY, TEMPLATE, {"instanceType": "p4d.24xlarge", "tagsAll": {"environment": "live"}}) == [
        "Instance type 'p4d.24xlarge' is not allowed in production environments (environment 'live'); "
        f"allowed: {', '.join(PRODUCTION)}"
    ]


def test_untagged_resources_get_the_non_production_list() -> None:
    assert violations(POLICY, INSTANCE, {"instanceType": "r7g.large"}) == [
        "Instance type 'r7g.large' is not allowed in non-production environments (environment 'not tagged'); "
        f"allowed: {', '.join(NON_PRODUCTION)}"
    ]


def test_configured_globs() -> None:
    config = {"non_production": ["t4g.*", "c7g.large"]}
    assert violations(POLICY, INSTANCE, {"instanceType": "t4g.2xlarge", "tags": DEV}, config=config) == []
    assert violations(POLICY, INSTANCE, {"instanceType": "c7g.large", "tags": DEV}, config=config) == []
    assert violations(POLICY, INSTANCE, {"instanceType": "t3.micro", "tags": DEV}, config=config) == [
        "Instance type 't3.micro' is not allowed in non-production environments (environment 'dev'); "
        "allowed: t4g.*, c7g.large"
    ]


def test_template_without_type_passes() -> None:
    assert violations(POLICY, TEMPLATE, {"tags": DEV}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/instance:Instance", {"instanceType": "x1.32xlarge"}) == []
