"""`OrganisationTrail` under the offline planner and its validation."""

from __future__ import annotations

from typing import Any

import pytest

from lz.plan import StackPlan
from modules.aws.org_trail import (
    TYPE_TOKEN,
    OrganisationTrail,
    OrganisationTrailArgs,
    trail_arn,
    validate_organisation_trail_args,
)
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.component_helpers import plan_component

KEY = "arn:aws:kms:eu-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TRAIL = "aws:cloudtrail/trail:Trail"


def args_with(**changes: Any) -> OrganisationTrailArgs:
    return OrganisationTrailArgs(**{"trail_name": "ebc-shared-euw2-ct-organisation",
                                    "bucket_name": "ebc-shared-euw2-s3-log-archive", "kms_key_arn": KEY,
                                    "tags": TAGS, **changes})


def plan_trail(args: OrganisationTrailArgs) -> StackPlan:
    return plan_component(lambda: OrganisationTrail("trail", args))


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_trail(args_with())


def test_trail_is_organisation_wide_validated_and_encrypted(plan: StackPlan) -> None:
    trail = plan.one(TRAIL)
    assert trail.parent == plan.one(TYPE_TOKEN).urn
    expected = {
        "name": "ebc-shared-euw2-ct-organisation",
        "s3BucketName": "ebc-shared-euw2-s3-log-archive",
        "s3KeyPrefix": "cloudtrail",
        "kmsKeyId": KEY,
        "isOrganizationTrail": True,
        "isMultiRegionTrail": True,
        "includeGlobalServiceEvents": True,
        "enableLogFileValidation": True,
        "enableLogging": True,
        "tags": TAGS,
    }
    assert {k: trail.inputs[k] for k in expected} == expected


def test_trail_arn_matches_the_one_policies_name(plan: StackPlan) -> None:
    assert plan.one(TRAIL).outputs["arn"] == trail_arn("eu-west-2", "123456789012", "ebc-shared-euw2-ct-organisation")


@pytest.mark.parametrize(("lock", "protect"), [(True, True), (False, None)])
def test_trail_is_protected(lock: bool, protect: bool | None) -> None:
    trail = plan_trail(args_with(lock=lock)).one(TRAIL)
    assert trail.options["protect"] is protect and trail.options["retain_on_delete"] is protect


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param({"trail_name": "a--b"}, ["trail_name 'a--b' has characters or a shape CloudTrail trail names do "
                                              "not allow (letters, digits, '.', '_' and '-'; start and end with a "
                                              "letter or digit; no adjacent . _ -)",
                                              "trail_name 'a--b' must not contain '--'"], id="trail-name"),
        pytest.param({"bucket_name": "x"}, ["bucket_name 'x' is 1 characters long; S3 bucket names are 3-63"],
                     id="bucket"),
        pytest.param({"kms_key_arn": "alias/logs"}, ["kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:"
                                                     "<account>:key/<key-id>), got 'alias/logs'"], id="key"),
        pytest.param({"s3_key_prefix": "logs/trail"}, ["s3_key_prefix must be a lowercase slug without slashes "
                                                       "(e.g. 'cloudtrail'), got 'logs/trail'"], id="prefix"),
        pytest.param({"tags": {}}, ["tags: Missing mandatory tags: service, cost-centre, owner, environment, "
                                    "business-unit, data-classification, managed-by"], id="tags"),
    ],
)
def test_validate(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_organisation_trail_args(args_with(**changes)) == problems
