"""aws-ebs-volume-customer-managed-key: OFFICIAL-SENSITIVE volumes use a customer-managed key."""

from __future__ import annotations

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policies.aws.ebs.volume_customer_managed_key import METADATA, POLICY
from tests.policies.policy_harness import violations

VOLUME = "aws:ebs/volume:Volume"
KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BASE = {
    "availabilityZone": "eu-west-2a",
    "size": 100,
    "encrypted": True,
    "kmsKeyId": KEY,
    "tags": {"data-classification": "OFFICIAL-SENSITIVE"},
}
PREFIX = "EBS volume holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS key"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ebs-volume-customer-managed-key"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.checkov == ("CKV_AWS_189",)


@pytest.mark.parametrize("key", [KEY, "alias/housing-repairs", "1234abcd-12ab-34cd-56ef-1234567890ab"])
def test_customer_managed_key_passes(key: str) -> None:
    assert violations(POLICY, VOLUME, {**BASE, "kmsKeyId": key}) == []


def test_no_key() -> None:
    props = {k: v for k, v in BASE.items() if k != "kmsKeyId"}
    assert violations(POLICY, VOLUME, props) == [f"{PREFIX} (kmsKeyId is not set)"]


@pytest.mark.parametrize("key", ["alias/aws/ebs", "arn:aws:kms:eu-west-2:123456789012:alias/aws/ebs"])
def test_aws_managed_key(key: str) -> None:
    assert violations(POLICY, VOLUME, {**BASE, "kmsKeyId": key}) == [f"{PREFIX} (kmsKeyId names an AWS-managed key)"]


def test_official_volumes_are_not_judged() -> None:
    assert violations(POLICY, VOLUME, {"encrypted": True, "tags": {"data-classification": "OFFICIAL"}}) == []


def test_classification_from_provider_default_tags() -> None:
    props = {"encrypted": True, "tagsAll": {"data-classification": "OFFICIAL-SENSITIVE"}}
    assert violations(POLICY, VOLUME, props) == [f"{PREFIX} (kmsKeyId is not set)"]


def test_key_of_the_program_unknown_during_preview_passes() -> None:
    assert violations(POLICY, VOLUME, {**BASE, "kmsKeyId": UNKNOWN_STRING_VALUE}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/instance:Instance", {"tags": BASE["tags"]}) == []
