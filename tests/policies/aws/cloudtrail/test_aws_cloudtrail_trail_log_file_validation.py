"""aws-cloudtrail-trail-log-file-validation: trails sign digests of their logs."""

from __future__ import annotations

from policies.aws.cloudtrail.trail_log_file_validation import METADATA, POLICY
from tests.policies.policy_harness import violations

TRAIL = "aws:cloudtrail/trail:Trail"
BASE = {"s3BucketName": "ebc-shared-euw2-s3-log-archive", "isMultiRegionTrail": True, "enableLogFileValidation": True}
MESSAGE = "Trail does not validate log file integrity (enableLogFileValidation is not true)"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-cloudtrail-trail-log-file-validation"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 3.2"


def test_validation_passes() -> None:
    assert violations(POLICY, TRAIL, BASE) == []


def test_validation_off() -> None:
    assert violations(POLICY, TRAIL, {**BASE, "enableLogFileValidation": False}) == [MESSAGE]


def test_validation_absent() -> None:
    assert violations(POLICY, TRAIL, {"s3BucketName": "b"}) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:s3/bucket:Bucket", {}) == []
