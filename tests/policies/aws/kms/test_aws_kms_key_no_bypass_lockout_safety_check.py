"""aws-kms-key-no-bypass-lockout-safety-check: never bypass the lockout safety check."""

from __future__ import annotations

import pytest

from policies.aws.kms.key_no_bypass_lockout_safety_check import METADATA, POLICY
from tests.policies.policy_harness import violations

MESSAGE = "Key policy bypasses the KMS lockout safety check (bypassPolicyLockoutSafetyCheck is true)"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-kms-key-no-bypass-lockout-safety-check"
    assert METADATA.severity == "critical"


def test_service_key_passes() -> None:
    assert violations(POLICY, "aws:kms/key:Key", {"enableKeyRotation": True, "deletionWindowInDays": 30}) == []


@pytest.mark.parametrize("resource_type", ["aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy"])
def test_bypass(resource_type: str) -> None:
    assert violations(POLICY, resource_type, {"policy": "{}", "bypassPolicyLockoutSafetyCheck": True}) == [MESSAGE]


def test_explicit_false_passes() -> None:
    assert violations(POLICY, "aws:kms/keyPolicy:KeyPolicy", {"bypassPolicyLockoutSafetyCheck": False}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:kms/grant:Grant", {"bypassPolicyLockoutSafetyCheck": True}) == []
