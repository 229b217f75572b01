"""aws-s3-bucket-public-access-block-settings: all four settings of a public access block are on."""

from __future__ import annotations

import pytest

from policies.aws.s3.bucket_public_access_block_settings import METADATA, POLICY
from tests.policies.policy_harness import violations

PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
MODULE = {
    "blockPublicAcls": True,
    "blockPublicPolicy": True,
    "bucket": "ebc-prod-euw2-s3-housing-repairs-files",
    "ignorePublicAcls": True,
    "restrictPublicBuckets": True,
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-s3-bucket-public-access-block-settings"
    assert METADATA.severity == "high"
    assert METADATA.resource_types == (PAB, ACCOUNT)


@pytest.mark.parametrize("resource_type", [PAB, ACCOUNT])
def test_module_block_passes(resource_type: str) -> None:
    assert violations(POLICY, resource_type, MODULE) == []


@pytest.mark.parametrize(
    "setting", ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]
)
def test_one_setting_off(setting: str) -> None:
    assert violations(POLICY, PAB, {**MODULE, setting: False}) == [
        f"Public access block leaves {setting} off; all four settings must be true"
    ]


def test_absent_settings_count_as_off_in_s3_order() -> None:
    assert violations(POLICY, ACCOUNT, {"ignorePublicAcls": True, "blockPublicAcls": True}) == [
        "Public access block leaves blockPublicPolicy, restrictPublicBuckets off; all four settings must be true"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:s3/bucket:Bucket", {}) == []
