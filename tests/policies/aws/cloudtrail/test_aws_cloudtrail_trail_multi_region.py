"""aws-cloudtrail-trail-multi-region: trails cover every region."""

from __future__ import annotations

from policies.aws.cloudtrail.trail_multi_region import METADATA, POLICY
from tests.policies.policy_harness import violations

TRAIL = "aws:cloudtrail/trail:Trail"
#: The organisation trail the platform logging layer is expected to declare.
ORG_TRAIL = {
    "s3BucketName": "ebc-shared-euw2-s3-log-archive",
    "isMultiRegionTrail": True,
    "includeGlobalServiceEvents": True,
    "isOrganizationTrail": True,
    "enableLogFileValidation": True,
    "kmsKeyId": "arn:aws:kms:eu-west-2:123456789012:key/k",
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-cloudtrail-trail-multi-region"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 3.1"


def test_organisation_trail_passes() -> None:
    assert violations(POLICY, TRAIL, ORG_TRAIL) == []


def test_single_region() -> None:
    assert violations(POLICY, TRAIL, {**ORG_TRAIL, "isMultiRegionTrail": False}) == [
        "Trail records only its own region (isMultiRegionTrail is not true)"
    ]


def test_default_is_single_region() -> None:
    assert violations(POLICY, TRAIL, {"s3BucketName": "b"}) == [
        "Trail records only its own region (isMultiRegionTrail is not true)"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:cloudtrail/eventDataStore:EventDataStore", {}) == []
