"""aws-ebs-volume-encrypted: volumes are encrypted."""

from __future__ import annotations

import pytest
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UnknownValueError

from policies.aws.ebs.volume_encrypted import METADATA, POLICY
from tests.policies.policy_harness import violations

VOLUME = "aws:ebs/volume:Volume"
BASE = {
    "availabilityZone": "eu-west-2a",
    "size": 100,
    "type": "gp3",
    "encrypted": True,
    "kmsKeyId": "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ebs-volume-encrypted"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 2.2.1"


def test_encrypted_volume_passes() -> None:
    assert violations(POLICY, VOLUME, BASE) == []


@pytest.mark.parametrize(
    "props", [{**BASE, "encrypted": False}, {"availabilityZone": "eu-west-2a", "size": 8}], ids=["false", "absent"]
)
def test_unencrypted(props: dict[str, object]) -> None:
    assert violations(POLICY, VOLUME, props) == ["EBS volume is not encrypted (encrypted is not true)"]


def test_unknown_defers_to_the_update() -> None:
    with pytest.raises(UnknownValueError):
        violations(POLICY, VOLUME, {**BASE, "encrypted": UNKNOWN_BOOLEAN_VALUE})


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:efs/fileSystem:FileSystem", {}) == []
