"""aws-kms-key-rotation-enabled: symmetric keys rotate."""

from __future__ import annotations

import pytest

from policies.aws.kms.key_rotation_enabled import METADATA, POLICY
from tests.policies.policy_harness import violations

KEY = "aws:kms/key:Key"
#: The service key lz/stacks/service.py registers (example estate).
SERVICE_KEY = {
    "deletionWindowInDays": 30,
    "description": "housing-repairs prod: data encryption key",
    "enableKeyRotation": True,
}
MESSAGE = "KMS key does not rotate its key material (enableKeyRotation is not true)"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-kms-key-rotation-enabled"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 3.6"


def test_service_key_passes() -> None:
    assert violations(POLICY, KEY, SERVICE_KEY) == []


def test_rotation_off() -> None:
    assert violations(POLICY, KEY, {**SERVICE_KEY, "enableKeyRotation": False}) == [MESSAGE]


def test_rotation_absent_on_explicit_symmetric_key() -> None:
    props = {"customerMasterKeySpec": "SYMMETRIC_DEFAULT", "keyUsage": "ENCRYPT_DECRYPT"}
    assert violations(POLICY, KEY, props) == [MESSAGE]


@pytest.mark.parametrize(
    "props",
    [
        {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"},
        {"customerMasterKeySpec": "HMAC_256", "keyUsage": "GENERATE_VERIFY_MAC"},
        {"customKeyStoreId": "cks-1234567890abcdef0"},
    ],
    ids=["asymmetric", "hmac", "custom-key-store"],
)
def test_keys_that_cannot_rotate_are_skipped(props: dict[str, str]) -> None:
    assert violations(POLICY, KEY, props) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:kms/alias:Alias", {"targetKeyId": "k"}) == []
