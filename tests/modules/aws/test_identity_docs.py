"""Table-driven tests of the identity layer's pure policy builders (no Pulumi runtime involved)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.aws.identity_docs import (
    ADMINISTRATOR_ACCESS,
    BILLING_READ_ONLY_ACCESS,
    POWER_USER_ACCESS,
    READ_ONLY_ACCESS,
    SECURITY_AUDIT,
    VIEW_ONLY_ACCESS,
    alert_key_policy,
    alert_topic_policy,
    apply_role_policy,
    apply_trust_policy,
    assume_role_event_pattern,
    boundary_arn,
    break_glass_trust_policy,
    developer_inline_policy,
    environment_subject,
    github_trust_policy,
    permission_set_policies,
    plan_role_policy,
    plan_trust_policy,
    service_boundary_policy,
    service_role_path,
    session_duration,
    wildcard_allows,
)

ACCOUNT = "222233334444"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/lz/lz-service-boundary"
ORG, REPO = "example-borough-council", "landing-zone"
AUD = "token.actions.githubusercontent.com:aud"
SUB = "token.actions.githubusercontent.com:sub"


def boundary() -> str:
    return service_boundary_policy(ACCOUNT, "lz-service-boundary", ["eu-west-2"])


def apply_policy() -> str:
    return apply_role_policy(account_id=ACCOUNT, prefix="ebc", service="housing-repairs",
                             boundary_name="lz-service-boundary",
                             own_role_names=["ebc-prod-euw2-iam-housing-repairs-plan",
                                             "ebc-prod-euw2-iam-housing-repairs-apply"])


#: Every document this module writes, by name.
DOCUMENTS: dict[str, Callable[[], str]] = {
    "boundary": boundary,
    "plan-role": plan_role_policy,
    "apply-role": apply_policy,
    "plan-trust": lambda: plan_trust_policy(PROVIDER, ORG, REPO),
    "apply-trust": lambda: apply_trust_policy(PROVIDER, ORG, REPO, "housing-repairs", ["prod"]),
    "break-glass-trust": lambda: break_glass_trust_policy([f"arn:aws:iam::{ACCOUNT}:root"]),
    "alert-topic": lambda: alert_topic_policy("arn:aws:sns:eu-west-2:1:t", "arn:aws:events:eu-west-2:1:rule/r", "1"),
    "alert-key": lambda: alert_key_policy(ACCOUNT),
    "developer": developer_inline_policy,
}


def statements(document: str) -> dict[str, dict[str, Any]]:
    parsed = json.loads(document)
    assert parsed["Version"] == "2012-10-17"
    sids = [s["Sid"] for s in parsed["Statement"]]
    assert len(sids) == len(set(sids)), "Sids must be unique"
    return {s["Sid"]: s for s in parsed["Statement"]}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_document_is_valid_json_without_allow_star_on_star(name: str) -> None:
    document = DOCUMENTS[name]()
    assert statements(document)
    assert wildcard_allows(document) == []


@pytest.mark.parametrize(
    ("document", "found"),
    [
        ({"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"}]}, ["A"]),
        ({"Statement": [{"Effect": "Allow", "Action": ["s3:*", "*:*"], "Resource": ["*"]}]}, ["0"]),
        ({"Statement": [{"Sid": "D", "Effect": "Deny", "Action": "*", "Resource": "*"}]}, []),
        ({"Statement": [{"Sid": "S", "Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}]}, []),
    ],
)
def test_wildcard_allows_detects_star_on_star(document: dict[str, Any], found: list[str]) -> None:
    assert wildcard_allows(json.dumps(document)) == found


def test_plan_trust_is_exact() -> None:
    (statement,) = statements(plan_trust_policy(PROVIDER, ORG, REPO)).values()
    assert statement == {
        "Sid": "GitHubActions",
        "Effect": "Allow",
        "Principal": {"Federated": PROVIDER},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {
            AUD: "sts.amazonaws.com",
            SUB: [f"repo:{ORG}/{REPO}:pull_request", f"repo:{ORG}/{REPO}:ref:refs/heads/main"],
        }},
    }


@pytest.mark.parametrize(
    ("environments", "subjects"),
    [
        (["prod"], f"repo:{ORG}/{REPO}:environment:housing-repairs-prod"),
        (["test", "dev"], [f"repo:{ORG}/{REPO}:environment:housing-repairs-dev",
                           f"repo:{ORG}/{REPO}:environment:housing-repairs-test"]),
    ],
)
def test_apply_trust_names_only_the_accounts_environments(environments: list[str], subjects: Any) -> None:
    (statement,) = statements(apply_trust_policy(PROVIDER, ORG, REPO, "housing-repairs", environments)).values()
    assert statement["Condition"] == {"StringEquals": {AUD: "sts.amazonaws.com", SUB: subjects}}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"


def test_trust_without_subjects_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^a GitHub trust policy needs at least one subject$"):
        github_trust_policy(PROVIDER, [])


@given(st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True), st.from_regex(r"[a-z]{2,8}", fullmatch=True))
def test_subjects_never_contain_wildcards(service: str, env: str) -> None:
    subject = environment_subject(ORG, REPO, f"{service}-{env}")
    assert "*" not in subject and "?" not in subject
    assert subject == f"repo:{ORG}/{REPO}:environment:{service}-{env}"


@pytest.mark.parametrize(
    ("principals", "expected"),
    [
        ([f"arn:aws:iam::{ACCOUNT}:root"], f"arn:aws:iam::{ACCOUNT}:root"),
        (["arn:aws:iam::1:role/b", "arn:aws:iam::1:role/a"], ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"]),
    ],
)
def test_break_glass_trust_requires_recent_mfa(principals: list[str], expected: Any) -> None:
    assert statements(break_glass_trust_policy(principals)) == {
        "BreakGlassWithMfa": {
            "Sid": "BreakGlassWithMfa",
            "Effect": "Allow",
            "Principal": {"AWS": expected},
            "Action": "sts:AssumeRole",
            "Condition": {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"},
            },
        }
    }


def test_break_glass_trust_needs_a_principal() -> None:
    with pytest.raises(ValueError, match=r"^the break-glass role needs at least one trusted principal$"):
        break_glass_trust_policy([])


def test_boundary_denies_changing_or_removing_itself() -> None:
    s = statements(boundary())
    assert s["DenyBoundaryChanges"]["Resource"] == BOUNDARY
    assert set(s["DenyBoundaryChanges"]["Action"]) >= {
        "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"
    }
    assert s["DenyBoundaryRemoval"]["Action"] == ["iam:DeleteRolePermissionsBoundary",
                                                  "iam:DeleteUserPermissionsBoundary"]
    assert s["DenyRolesWithoutBoundary"] == {
        "Sid": "DenyRolesWithoutBoundary", "Effect": "Deny",
        "Action": ["iam:CreateRole", "iam:PutRolePermissionsBoundary"], "Resource": "*",
        "Condition": {"StringNotEquals": {"iam:PermissionsBoundary": BOUNDARY}},
    }


@pytest.mark.parametrize(
    ("sid", "actions"),
    [
        ("DenyIamUsersAndKeys", {"iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"}),
        ("DenyOrganisationAndSecurityChanges", {"organizations:*", "account:*", "cloudtrail:StopLogging",
                                                "config:Stop*", "guardduty:Delete*", "securityhub:Disable*"}),
    ],
)
def test_boundary_denies(sid: str, actions: set[str]) -> None:
    statement = statements(boundary())[sid]
    assert statement["Effect"] == "Deny" and statement["Resource"] == "*"
    assert actions <= set(statement["Action"])


def test_boundary_protects_platform_resources_and_regions() -> None:
    s = statements(service_boundary_policy(ACCOUNT, "b", ["eu-west-2", "eu-west-1"]))
    assert s["DenyPlatformResources"]["Condition"] == {"StringEquals": {"aws:ResourceTag/service": "platform"}}
    assert s["DenyPlatformTag"]["Condition"] == {"StringEquals": {"aws:RequestTag/service": "platform"}}
    regions = s["DenyOutsideAllowedRegions"]
    assert regions["Condition"] == {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-west-2"]}}
    assert {"iam:*", "sts:*", "cloudfront:*", "acm:*", "wafv2:*"} <= set(regions["NotAction"])
    edge = s["DenyEdgeServicesOutsideAllowedRegions"]
    assert edge["Action"] == ["acm:*", "wafv2:*"]
    assert edge["Condition"] == {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-west-2", "us-east-1"]}}


def test_boundary_allows_only_module_services() -> None:
    allowed = {a for st in json.loads(boundary())["Statement"] if st["Effect"] == "Allow"
               for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])}
    assert {a.split(":")[0] for a in allowed} == {
        "s3", "cloudfront", "rds", "secretsmanager", "logs", "acm", "wafv2", "cloudwatch", "sns", "sqs", "kms",
        "ec2", "iam", "tag", "sts",
    }
    assert "kms:CreateKey" not in allowed and "kms:*" not in allowed and "ec2:*" not in allowed
    roles = statements(boundary())["AllowServiceRoles"]
    assert roles["Resource"] == f"arn:aws:iam::{ACCOUNT}:role/lz/*"


def test_plan_role_reads_metadata_never_data() -> None:
    s = statements(plan_role_policy())
    assert all(a.split(":")[1].startswith(("Describe", "Get", "List")) for a in s["ReadMetadata"]["Action"])
    assert "s3:GetObject" not in s["ReadMetadata"]["Action"]
    assert "secretsmanager:GetSecretValue" not in s["ReadMetadata"]["Action"]
    assert s["DenyDataReads"]["Effect"] == "Deny"
    assert {"s3:GetObject*", "secretsmanager:GetSecretValue", "kms:Decrypt", "logs:GetLogEvents"} <= set(
        s["DenyDataReads"]["Action"]
    )


def test_apply_role_creates_roles_only_with_the_boundary_on_its_path() -> None:
    s = statements(apply_policy())
    roles = f"arn:aws:iam::{ACCOUNT}:role/lz/housing-repairs/*"
    assert s["ServiceRolesCreate"]["Resource"] == roles
    assert "iam:CreateRole" in s["ServiceRolesCreate"]["Action"]
    assert s["ServiceRolesCreate"]["Condition"] == {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY}}
    assert s["ServiceRolesPass"] == {
        "Sid": "ServiceRolesPass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": roles,
        "Condition": {"StringEquals": {"iam:PassedToService": ["monitoring.rds.amazonaws.com"]}},
    }
    assert s["DenyOwnRoles"]["Resource"] == [
        f"arn:aws:iam::{ACCOUNT}:role/lz/housing-repairs/ebc-prod-euw2-iam-housing-repairs-apply",
        f"arn:aws:iam::{ACCOUNT}:role/lz/housing-repairs/ebc-prod-euw2-iam-housing-repairs-plan",
    ]
    iam_allows = {a for st in s.values() if st["Effect"] == "Allow"
                  for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
                  if a.startswith("iam:") and not a.startswith(("iam:Get", "iam:List"))}
    assert not {"iam:CreateUser", "iam:CreateAccessKey", "iam:CreatePolicy"} & iam_allows


@pytest.mark.parametrize(
    ("sid", "key"),
    [
        ("RdsCreate", "aws:RequestTag/service"), ("RdsManage", "aws:ResourceTag/service"),
        ("SecretsCreate", "aws:RequestTag/service"), ("SecretsManage", "aws:ResourceTag/service"),
        ("SecurityGroupsCreate", "aws:RequestTag/service"), ("SecurityGroupsManage", "aws:ResourceTag/service"),
        ("LogsCreate", "aws:RequestTag/service"), ("CloudFrontDistributionsManage", "aws:ResourceTag/service"),
        ("KmsUseManage", "aws:ResourceTag/service"), ("ServiceRolesManage", "aws:ResourceTag/service"),
    ],
)
def test_apply_role_is_tag_scoped_to_the_service(sid: str, key: str) -> None:
    assert statements(apply_policy())[sid]["Condition"] == {"StringEquals": {key: "housing-repairs"}}


def test_apply_role_buckets_are_named_for_the_service_and_fit_inline() -> None:
    document = apply_policy()
    assert statements(document)["S3Buckets"]["Resource"] == "arn:aws:s3:::ebc-*-s3-housing-repairs-*"
    assert len(document) < 10_240  # IAM's inline policy budget per role


def test_alert_documents() -> None:
    pattern = json.loads(assume_role_event_pattern("arn:aws:iam::1:role/lz-break-glass"))
    assert pattern == {
        "source": ["aws.sts"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": ["sts.amazonaws.com"], "eventName": ["AssumeRole"],
                   "requestParameters": {"roleArn": ["arn:aws:iam::1:role/lz-break-glass"]}},
    }
    topic = statements(alert_topic_policy("arn:t", "arn:r", ACCOUNT))
    assert topic["AllowBreakGlassRule"]["Condition"] == {"ArnEquals": {"aws:SourceArn": "arn:r"}}
    assert topic["AllowBreakGlassRule"]["Principal"] == {"Service": "events.amazonaws.com"}
    key = statements(alert_key_policy(ACCOUNT))
    assert key["AllowEventBridgeToEncrypt"]["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]


@pytest.mark.parametrize(
    ("name", "managed", "inline"),
    [
        ("platform_admin", (ADMINISTRATOR_ACCESS,), False),
        ("developer", (POWER_USER_ACCESS,), True),
        ("read_only", (VIEW_ONLY_ACCESS,), False),
        ("auditor", (SECURITY_AUDIT, READ_ONLY_ACCESS), False),
        ("billing_viewer", (BILLING_READ_ONLY_ACCESS,), False),
    ],
)
def test_permission_sets(name: str, managed: tuple[str, ...], inline: bool) -> None:
    policies = permission_set_policies()
    assert list(policies) == ["platform_admin", "developer", "read_only", "auditor", "billing_viewer"]
    assert policies[name].managed_policy_arns == managed  # type: ignore[index]
    assert (policies[name].inline_policy is not None) is inline  # type: ignore[index]


def test_developer_guardrails() -> None:
    s = statements(developer_inline_policy())
    assert {"iam:Create*", "iam:Attach*", "iam:PassRole"} <= set(s["DenyIamChanges"]["Action"])
    assert all(st["Effect"] == "Deny" for st in s.values())


@pytest.mark.parametrize(("hours", "text"), [(1, "PT1H"), (8, "PT8H"), (12, "PT12H")])
def test_session_duration(hours: int, text: str) -> None:
    assert session_duration(hours) == text


def test_paths_and_arns() -> None:
    assert service_role_path("housing-repairs") == "/lz/housing-repairs/"
    assert boundary_arn(ACCOUNT, "lz-service-boundary") == BOUNDARY
