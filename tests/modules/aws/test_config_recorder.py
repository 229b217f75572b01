"""`ConfigRecorder` under the offline planner and its validation."""

from __future__ import annotations

from typing import Any

import pytest

from lz.plan import StackPlan
from modules.aws.config_recorder import (
    TYPE_TOKEN,
    ConfigRecorder,
    ConfigRecorderArgs,
    service_linked_role_arn,
    validate_config_recorder_args,
)
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.component_helpers import assert_children_tagged, plan_component

ACCOUNT = "555555555555"
KEY = "arn:aws:kms:eu-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
RECORDER = "aws:cfg/recorder:Recorder"
CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel"
STATUS = "aws:cfg/recorderStatus:RecorderStatus"
SLR = "aws:iam/serviceLinkedRole:ServiceLinkedRole"


def args_with(**changes: Any) -> ConfigRecorderArgs:
    return ConfigRecorderArgs(**{"account_id": ACCOUNT, "bucket_name": "ebc-shared-euw2-s3-log-archive",
                                 "kms_key_arn": KEY, "tags": TAGS, **changes})


def plan_recorder(args: ConfigRecorderArgs) -> StackPlan:
    return plan_component(lambda: ConfigRecorder("config", args))


@pytest.fixture(scope="module")
def home_plan() -> StackPlan:
    return plan_recorder(args_with(include_global_resource_types=True, create_service_linked_role=True))


def test_home_region_recorder_records_everything_with_the_service_linked_role(home_plan: StackPlan) -> None:
    recorder = home_plan.one(RECORDER)
    assert recorder.inputs["name"] == "default"
    assert recorder.inputs["roleArn"] == service_linked_role_arn(ACCOUNT)
    assert recorder.inputs["roleArn"] == (
        f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    )
    assert recorder.inputs["recordingGroup"] == {"allSupported": True, "includeGlobalResourceTypes": True}
    role = home_plan.one(SLR)
    assert role.inputs["awsServiceName"] == "config.amazonaws.com"
    assert role.urn in recorder.dependencies


def test_delivery_to_the_archive_with_kms(home_plan: StackPlan) -> None:
    channel = home_plan.one(CHANNEL)
    assert channel.inputs == {
        "name": "default", "s3BucketName": "ebc-shared-euw2-s3-log-archive", "s3KeyPrefix": "config",
        "s3KmsKeyArn": KEY, "snapshotDeliveryProperties": {"deliveryFrequency": "TwentyFour_Hours"},
    }
    assert home_plan.one(RECORDER).urn in channel.dependencies
    status = home_plan.one(STATUS)
    assert status.inputs["isEnabled"] is True
    assert channel.urn in status.dependencies


def test_other_regions_skip_global_types_and_the_role() -> None:
    plan = plan_recorder(args_with())
    assert plan.find(SLR) == []
    assert plan.one(RECORDER).inputs["recordingGroup"]["includeGlobalResourceTypes"] is False


def test_children_parented_and_tagged(home_plan: StackPlan) -> None:
    tagged = assert_children_tagged(home_plan, TYPE_TOKEN, TAGS)
    assert [r.type for r in tagged] == [SLR]


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param({"account_id": "x"}, ["account_id must be a 12-digit AWS account id, got 'x'"], id="account"),
        pytest.param({"bucket_name": "B"}, [
            "bucket_name 'B' is 1 characters long; S3 bucket names are 3-63",
            "bucket_name 'B' has characters or a shape S3 bucket names do not allow (lowercase letters, digits and "
            "hyphens; start and end with a letter or digit (dots are legal but break virtual-host TLS, so the "
            "toolkit never uses them))",
            "bucket_name 'B' must be lowercase"], id="bucket"),
        pytest.param({"kms_key_arn": "key"}, ["kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:"
                                              "key/<key-id>), got 'key'"], id="key"),
        pytest.param({"tags": {}}, ["tags: Missing mandatory tags: service, cost-centre, owner, environment, "
                                    "business-unit, data-classification, managed-by"], id="tags"),
        pytest.param({"name": "my recorder"}, ["name must be 1-256 letters, digits, '_' or '-', got 'my recorder'"],
                     id="name"),
        pytest.param({"s3_key_prefix": "/config"}, ["s3_key_prefix must be a lowercase slug without slashes "
                                                    "(e.g. 'config'), got '/config'"], id="prefix"),
        pytest.param({"snapshot_frequency": "Daily"}, ["snapshot_frequency must be one of One_Hour, Three_Hours, "
                                                       "Six_Hours, Twelve_Hours, TwentyFour_Hours, got 'Daily'"],
                     id="frequency"),
    ],
)
def test_validate(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_config_recorder_args(args_with(**changes)) == problems
