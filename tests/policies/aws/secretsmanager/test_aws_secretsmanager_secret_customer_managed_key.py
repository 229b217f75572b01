"""aws-secretsmanager-secret-customer-managed-key: OFFICIAL-SENSITIVE secrets use a customer-managed key."""

from __future__ import annotations

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policies.aws.secretsmanager.secret_customer_managed_key import METADATA, POLICY
from tests.policies.policy_harness import violations

SECRET = "aws:secretsmanager/secret:Secret"
SENSITIVE = {"data-classification": "OFFICIAL-SENSITIVE", "environment": "prod"}
#: The database credentials secret modules.aws.database.Database registers (example estate).
MODULE = {
    "description": "Administrator credentials of RDS instance ebc-prod-euw2-rds-housing-repairs-db",
    "kmsKeyId": "arn:aws:kms:eu-west-2:123456789012:key/34703c1d-d99b-4dee-8358-b5fbbba551e1",
    "name": "rds/ebc-prod-euw2-rds-housing-repairs-db/credentials",
    "recoveryWindowInDays": 30,
    "tags": SENSITIVE,
}
PREFIX = "Secret holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS key"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-secretsmanager-secret-customer-managed-key"
    assert METADATA.severity == "high"


def test_module_secret_passes() -> None:
    assert violations(POLICY, SECRET, MODULE) == []


def test_module_secret_during_preview_passes() -> None:
    # The key is created in the same program, so its ARN is unknown during a preview.
    assert violations(POLICY, SECRET, {**MODULE, "kmsKeyId": UNKNOWN_STRING_VALUE}) == []


def test_no_key() -> None:
    props = {k: v for k, v in MODULE.items() if k != "kmsKeyId"}
    assert violations(POLICY, SECRET, props) == [f"{PREFIX} (kmsKeyId is not set)"]


@pytest.mark.parametrize("key", ["alias/aws/secretsmanager", "ALIAS/AWS/secretsmanager"])
def test_aws_managed_key(key: str) -> None:
    assert violations(POLICY, SECRET, {**MODULE, "kmsKeyId": key}) == [f"{PREFIX} (kmsKeyId names an AWS-managed key)"]


def test_official_secrets_are_not_judged() -> None:
    assert violations(POLICY, SECRET, {"name": "s", "tags": {"data-classification": "OFFICIAL"}}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:secretsmanager/secretVersion:SecretVersion", {"tags": SENSITIVE}) == []
