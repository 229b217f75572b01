"""aws-efs-file-system-encrypted: file systems are encrypted."""

from __future__ import annotations

from policies.aws.efs.file_system_encrypted import METADATA, POLICY
from tests.policies.policy_harness import violations

FS = "aws:efs/fileSystem:FileSystem"
BASE = {"encrypted": True, "kmsKeyId": "arn:aws:kms:eu-west-2:123456789012:key/k", "performanceMode": "generalPurpose"}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-efs-file-system-encrypted"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 2.4.1"


def test_encrypted_passes() -> None:
    assert violations(POLICY, FS, BASE) == []


def test_unencrypted() -> None:
    assert violations(POLICY, FS, {"performanceMode": "generalPurpose"}) == [
        "EFS file system is not encrypted (encrypted is not true)"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ebs/volume:Volume", {}) == []
