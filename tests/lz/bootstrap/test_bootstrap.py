"""`lz bootstrap`: the state bucket and secrets key, created and repaired against moto."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from lz.bootstrap import bootstrap_state, state_bucket_name, state_bucket_policy
from lz.problems import InputError

REGION = "eu-west-2"
ACCOUNT = "123456789012"  # moto's default account


@pytest.fixture
def session(monkeypatch):
    for var in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.session.Session(region_name=REGION)


def test_creates_a_hardened_bucket_and_rotating_key(session) -> None:
    backend = bootstrap_state(session, prefix="ebc", region=REGION)
    bucket = state_bucket_name("ebc", ACCOUNT)
    assert backend.bucket == bucket == "ebc-pulumi-state-123456789012"
    assert backend.login_url == f"s3://{bucket}?region=eu-west-2&awssdk=v2"
    assert backend.secrets_provider == "awskms://alias/ebc-pulumi?region=eu-west-2"
    s3, kms = session.client("s3"), session.client("kms")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
    }
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": backend.key_arn}
    assert rule["BucketKeyEnabled"] is True
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0]
    assert ownership["ObjectOwnership"] == "BucketOwnerEnforced"
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy == state_bucket_policy(bucket, ACCOUNT)
    lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]
    assert lifecycle["NoncurrentVersionExpiration"] == {"NoncurrentDays": 365}
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] == "eu-west-2"
    assert kms.get_key_rotation_status(KeyId=backend.key_arn)["KeyRotationEnabled"] is True
    assert backend.changes[:2] == ["created KMS key alias/ebc-pulumi", "enabled rotation of alias/ebc-pulumi"]
    assert "created bucket ebc-pulumi-state-123456789012" in backend.changes


def test_second_run_changes_nothing(session) -> None:
    first = bootstrap_state(session, prefix="ebc", region=REGION)
    second = bootstrap_state(session, prefix="ebc", region=REGION)
    assert second.changes == []
    assert second.key_arn == first.key_arn


def test_repairs_settings_someone_weakened(session) -> None:
    backend = bootstrap_state(session, prefix="ebc", region=REGION)
    s3 = session.client("s3")
    s3.put_bucket_versioning(Bucket=backend.bucket, VersioningConfiguration={"Status": "Suspended"})
    s3.delete_public_access_block(Bucket=backend.bucket)
    s3.delete_bucket_policy(Bucket=backend.bucket)
    again = bootstrap_state(session, prefix="ebc", region=REGION)
    assert again.changes == [
        f"set versioning on {backend.bucket}",
        f"set public access block on {backend.bucket}",
        f"set bucket policy on {backend.bucket}",
    ]
    assert s3.get_bucket_versioning(Bucket=backend.bucket)["Status"] == "Enabled"


def test_policy_denies_plain_http_and_other_accounts() -> None:
    statements = {s["Sid"]: s for s in state_bucket_policy("b", ACCOUNT)["Statement"]}
    assert statements["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statements["DenyOtherAccounts"]["Condition"] == {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}
    assert all(s["Effect"] == "Deny" for s in statements.values())


def test_bad_noncurrent_days_is_input_error(session) -> None:
    with pytest.raises(InputError, match="noncurrent_days must be at least 1, not 0"):
        bootstrap_state(session, prefix="ebc", region=REGION, noncurrent_days=0)


def test_permission_errors_become_input_errors(monkeypatch) -> None:
    from botocore.exceptions import ClientError

    class Denied:
        def client(self, *_a, **_k):
            return self

        def get_caller_identity(self):
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not allowed"}}, "GetCallerIdentity")

    with pytest.raises(InputError, match="bootstrap failed: AccessDenied: not allowed"):
        bootstrap_state(Denied(), prefix="ebc", region=REGION)


# -- the `lz bootstrap` command ------------------------------------------------------------------

ROOT = __import__("pathlib").Path(__file__).resolve().parents[3]


def test_cli_bootstrap_creates_the_backend_and_prints_the_next_commands(session) -> None:
    from typer.testing import CliRunner

    from lz.cli import app

    result = CliRunner().invoke(app, ["bootstrap", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "created KMS key alias/ebc-pulumi"  # prefix from platform/aws.yaml
    assert "pulumi login 's3://ebc-pulumi-state-123456789012?region=eu-west-2&awssdk=v2'" in lines
    assert "pulumi stack init <stack> --secrets-provider 'awskms://alias/ebc-pulumi?region=eu-west-2'" in lines
    again = CliRunner().invoke(app, ["bootstrap", "--root", str(ROOT)])
    assert again.stdout.splitlines()[0] == "nothing to change: the state backend is already as it should be"


def test_cli_bootstrap_refuses_a_region_outside_the_uk(session) -> None:
    from typer.testing import CliRunner

    from lz.cli import app

    result = CliRunner().invoke(app, ["bootstrap", "--region", "us-east-1", "--prefix", "ebc"])
    assert result.exit_code == 2
    assert "--region 'us-east-1': state stays in the UK (eu-west-2)" in result.output
    assert "Traceback" not in result.output


def test_cli_bootstrap_unknown_profile_is_a_message_not_a_traceback(session) -> None:
    from typer.testing import CliRunner

    from lz.cli import app

    result = CliRunner().invoke(app, ["bootstrap", "--prefix", "ebc", "--profile", "no-such-profile"])
    assert result.exit_code == 2
    assert "bootstrap failed: The config profile (no-such-profile) could not be found" in result.output
