"""aws-all-stateful-resources-protected: production stateful resources carry `protect`."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs
from pulumi_policy.proxy import unknown_checking_proxy

from policies.aws.all.stateful_resources_protected import METADATA, POLICY, STATEFUL_TYPES
from tests.policies.policy_harness import violations, wire

PROD = {"tags": {"environment": "prod"}}


def protected_violations(resource_type: str, props: dict[str, Any]) -> list[str]:
    """As `violations`, with the `protect` option set (the harness always passes protect=False)."""
    opts = PolicyResourceOptions(
        protect=True,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=None,
    )
    args = ResourceValidationArgs(
        resource_type,
        unknown_checking_proxy(wire(props)),
        f"urn:pulumi:test::lz::{resource_type}::r",
        "r",
        opts,
        None,
        {},
    )
    found: list[str] = []
    POLICY.validate(args, lambda message, urn=None: found.append(message))
    return found


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-all-stateful-resources-protected"
    assert METADATA.severity == "high"
    assert METADATA.resource_types == STATEFUL_TYPES


@pytest.mark.parametrize("resource_type", STATEFUL_TYPES)
def test_protected_production_resources_pass(resource_type: str) -> None:
    # Bucket/Database(lock=True) and the service stack's production KMS key set protect.
    assert protected_violations(resource_type, PROD) == []


@pytest.mark.parametrize("resource_type", STATEFUL_TYPES)
def test_unprotected_production_resources(resource_type: str) -> None:
    assert violations(POLICY, resource_type, PROD) == [
        f"Production {resource_type} is not protected: set the protect resource option so that Pulumi never deletes it"
    ]


def test_production_by_provider_default_tags() -> None:
    assert len(violations(POLICY, "aws:kms/key:Key", {"tagsAll": {"environment": "live"}})) == 1


def test_non_production_is_not_judged() -> None:
    assert violations(POLICY, "aws:rds/instance:Instance", {"tags": {"environment": "dev"}}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:s3/bucketPolicy:BucketPolicy", PROD) == []
