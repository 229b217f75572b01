"""aws-dynamodb-table-customer-managed-key: OFFICIAL-SENSITIVE tables use a customer-managed key."""

from __future__ import annotations

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policies.aws.dynamodb.table_customer_managed_key import METADATA, POLICY
from tests.policies.policy_harness import violations

TABLE = "aws:dynamodb/table:Table"
KEY = "arn:aws:kms:eu-west-2:123456789012:key/k"
SENSITIVE = {"data-classification": "OFFICIAL-SENSITIVE"}
BASE = {
    "hashKey": "id",
    "attributes": [{"name": "id", "type": "S"}],
    "tags": SENSITIVE,
    "serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY},
}
PREFIX = "DynamoDB table holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS key"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-dynamodb-table-customer-managed-key"
    assert METADATA.severity == "high"


def test_customer_key_passes() -> None:
    assert violations(POLICY, TABLE, BASE) == []


def test_default_dynamodb_owned_key() -> None:
    props = {k: v for k, v in BASE.items() if k != "serverSideEncryption"}
    assert violations(POLICY, TABLE, props) == [f"{PREFIX} (serverSideEncryption.enabled is not true)"]


def test_aws_managed_key() -> None:
    # enabled without kmsKeyArn is the AWS-managed aws/dynamodb key.
    assert violations(POLICY, TABLE, {**BASE, "serverSideEncryption": {"enabled": True}}) == [
        f"{PREFIX} (serverSideEncryption.kmsKeyArn is not set)"
    ]


def test_official_tables_are_not_judged() -> None:
    assert violations(POLICY, TABLE, {"hashKey": "id", "tags": {"data-classification": "OFFICIAL"}}) == []


def test_key_unknown_during_preview_passes() -> None:
    props = {**BASE, "serverSideEncryption": {"enabled": True, "kmsKeyArn": UNKNOWN_STRING_VALUE}}
    assert violations(POLICY, TABLE, props) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:sqs/queue:Queue", {"tags": SENSITIVE}) == []
