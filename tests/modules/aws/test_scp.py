"""modules/aws/scp.py: every service control policy, table-style, plus a small evaluator for the region SCP."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.aws.scp import (
    MAX_IMDS_HOP_LIMIT,
    REGION_EXEMPT_ACTIONS,
    SCP_DESCRIPTIONS,
    SCP_MAX_CHARS,
    SCP_NAMES,
    minify,
    protect_security_services,
    scp_document,
    scp_json,
)

ACCESS = "OrganizationAccountAccessRole"
BREAK_GLASS = "lz-break-glass"
ROLES = [ACCESS, BREAK_GLASS]
EXEMPT = {"ArnNotLike": {"aws:PrincipalARN": [f"arn:aws:iam::*:role/{ACCESS}", f"arn:aws:iam::*:role/{BREAK_GLASS}"]}}


def doc(name: str, regions: list[str] | None = None) -> dict[str, Any]:
    return scp_document(name, allowed_regions=regions or ["eu-west-2"], exempt_role_names=ROLES)


def statements(name: str) -> list[dict[str, Any]]:
    return list(doc(name)["Statement"])


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


# -- every SCP ---------------------------------------------------------------------------------------

#: name -> (Sid, the statement's actions) in order; NotAction statements are listed as "NOT".
EXPECTED_SHAPE: list[tuple[str, list[tuple[str, list[str] | str]]]] = [
    ("deny-outside-allowed-regions", [("DenyOutsideAllowedRegions", "NOT")]),
    ("deny-leave-organisation", [("DenyLeaveOrganisation", ["organizations:LeaveOrganization"])]),
    (
        "protect-security-services",
        [
            ("ProtectCloudTrail", ["cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors",
                                   "cloudtrail:PutInsightSelectors", "cloudtrail:StopLogging",
                                   "cloudtrail:UpdateTrail"]),
            ("ProtectConfig", [
                "config:DeleteAggregationAuthorization", "config:DeleteConfigRule",
                "config:DeleteConfigurationAggregator", "config:DeleteConfigurationRecorder",
                "config:DeleteConformancePack", "config:DeleteDeliveryChannel", "config:DeleteEvaluationResults",
                "config:DeleteOrganizationConfigRule", "config:DeleteOrganizationConformancePack",
                "config:DeleteRetentionConfiguration", "config:PutConfigurationAggregator",
                "config:PutConfigurationRecorder", "config:PutDeliveryChannel", "config:PutRetentionConfiguration",
                "config:StopConfigurationRecorder",
            ]),
            ("ProtectGuardDuty", [
                "guardduty:DeleteDetector", "guardduty:DeleteMembers", "guardduty:DeletePublishingDestination",
                "guardduty:DisassociateFromAdministratorAccount", "guardduty:DisassociateFromMasterAccount",
                "guardduty:DisassociateMembers", "guardduty:StopMonitoringMembers", "guardduty:UpdateDetector",
            ]),
            ("ProtectSecurityHub", [
                "securityhub:BatchDisableStandards", "securityhub:DeleteMembers",
                "securityhub:DisableImportFindingsForProduct", "securityhub:DisableSecurityHub",
                "securityhub:DisassociateFromAdministratorAccount", "securityhub:DisassociateFromMasterAccount",
                "securityhub:DisassociateMembers",
            ]),
        ],
    ),
    ("deny-root-user", [("DenyRootUser", ["*"])]),
    (
        "deny-iam-users",
        [("DenyIamUsers", ["iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:CreateServiceSpecificCredential",
                           "iam:CreateUser", "iam:UpdateAccessKey", "iam:UpdateLoginProfile",
                           "iam:UploadSSHPublicKey", "iam:UploadSigningCertificate"])],
    ),
    (
        "require-imdsv2",
        [
            ("RequireImdsV2OnLaunch", ["ec2:RunInstances"]),
            ("LimitImdsHops", ["ec2:RunInstances"]),
            ("DenyReenablingImdsV1", ["ec2:ModifyInstanceMetadataOptions"]),
            ("DenyImdsV1Credentials", ["*"]),
        ],
    ),
    (
        "deny-s3-public-access-changes",
        [("DenyS3AccountPublicAccessChanges", ["s3:DeleteAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"])],
    ),
    ("deny-all", [("DenyAll", ["*"])]),
]


def test_the_table_covers_every_scp() -> None:
    assert [name for name, _ in EXPECTED_SHAPE] == list(SCP_NAMES)
    assert set(SCP_DESCRIPTIONS) == set(SCP_NAMES)


@pytest.mark.parametrize(("name", "shape"), EXPECTED_SHAPE, ids=[n for n, _ in EXPECTED_SHAPE])
def test_statements(name: str, shape: list[tuple[str, list[str] | str]]) -> None:
    got = []
    for statement in statements(name):
        actions: list[str] | str = "NOT" if "NotAction" in statement else as_list(statement["Action"])
        got.append((statement["Sid"], actions))
    assert got == shape


@pytest.mark.parametrize("name", SCP_NAMES)
def test_json_is_minified_valid_and_within_the_limit(name: str) -> None:
    text = scp_json(name, allowed_regions=["eu-west-2"], exempt_role_names=ROLES)
    assert json.loads(text) == doc(name)
    assert text == json.dumps(doc(name), separators=(",", ":"))
    assert len(text) <= SCP_MAX_CHARS
    parsed = json.loads(text)
    assert parsed["Version"] == "2012-10-17"
    sids = [s["Sid"] for s in parsed["Statement"]]
    assert len(sids) == len(set(sids))


@pytest.mark.parametrize("name", SCP_NAMES)
def test_every_statement_denies_and_none_allows_everything(name: str) -> None:
    for statement in statements(name):
        assert statement["Effect"] == "Deny"
        assert statement["Resource"] in ("*", "arn:aws:ec2:*:*:instance/*")
        assert not (statement["Effect"] == "Allow" and "*" in as_list(statement.get("Action", [])))


@pytest.mark.parametrize(
    ("name", "exempt"),
    [
        ("deny-outside-allowed-regions", True),
        ("protect-security-services", True),
        ("deny-s3-public-access-changes", True),
        ("deny-leave-organisation", False),
        ("deny-root-user", False),
        ("deny-iam-users", False),
        ("require-imdsv2", False),
        ("deny-all", False),
    ],
)
def test_which_scps_exempt_the_platform_roles(name: str, exempt: bool) -> None:
    for statement in statements(name):
        condition = statement.get("Condition", {})
        assert (condition.get("ArnNotLike") == EXEMPT["ArnNotLike"]) is exempt


# -- region SCP ---------------------------------------------------------------------------------------


def region_denies(policy: dict[str, Any], *, action: str, region: str, principal: str) -> bool:
    """Evaluate the region statement the way IAM does for these operators (actions match case-insensitively)."""
    (statement,) = policy["Statement"]
    if any(fnmatch.fnmatch(action.lower(), a.lower()) for a in statement["NotAction"]):
        return False
    if region in statement["Condition"]["StringNotEquals"]["aws:RequestedRegion"]:
        return False
    return not any(fnmatch.fnmatchcase(principal, p) for p in statement["Condition"]["ArnNotLike"]["aws:PrincipalARN"])


DEVELOPER = "arn:aws:iam::210987654321:role/AWSReservedSSO_developer_0123456789abcdef"


@pytest.mark.parametrize(
    ("action", "region", "principal", "denied"),
    [
        ("ec2:RunInstances", "us-east-1", DEVELOPER, True),
        ("s3:CreateBucket", "eu-west-1", DEVELOPER, True),
        ("kms:CreateKey", "us-east-1", DEVELOPER, True),
        ("ec2:RunInstances", "eu-west-2", DEVELOPER, False),
        ("iam:CreateRole", "us-east-1", DEVELOPER, False),
        ("organizations:DescribeOrganization", "us-east-1", DEVELOPER, False),
        ("sts:AssumeRole", "us-east-1", DEVELOPER, False),
        ("route53:ChangeResourceRecordSets", "us-east-1", DEVELOPER, False),
        ("cloudfront:CreateDistribution", "us-east-1", DEVELOPER, False),
        ("acm:RequestCertificate", "us-east-1", DEVELOPER, False),
        ("wafv2:CreateWebACL", "us-east-1", DEVELOPER, False),
        ("support:CreateCase", "us-east-1", DEVELOPER, False),
        ("budgets:ViewBudget", "us-east-1", DEVELOPER, False),
        ("ce:GetCostAndUsage", "us-east-1", DEVELOPER, False),
        ("cur:DescribeReportDefinitions", "us-east-1", DEVELOPER, False),
        ("health:DescribeEvents", "us-east-1", DEVELOPER, False),
        ("trustedadvisor:DescribeChecks", "us-east-1", DEVELOPER, False),
        ("globalaccelerator:CreateAccelerator", "us-west-2", DEVELOPER, False),
        ("shield:DescribeSubscription", "us-east-1", DEVELOPER, False),
        ("account:GetAlternateContact", "us-east-1", DEVELOPER, False),
        ("ec2:RunInstances", "us-east-1", f"arn:aws:iam::210987654321:role/{ACCESS}", False),
        ("ec2:RunInstances", "us-east-1", f"arn:aws:iam::210987654321:role/{BREAK_GLASS}", False),
        ("ec2:RunInstances", "us-east-1", f"arn:aws:iam::210987654321:role/{ACCESS}-copy", True),
    ],
)
def test_region_scp_behaviour(action: str, region: str, principal: str, denied: bool) -> None:
    policy = doc("deny-outside-allowed-regions")
    assert region_denies(policy, action=action, region=region, principal=principal) is denied


def test_region_scp_exempts_global_services_only() -> None:
    (statement,) = statements("deny-outside-allowed-regions")
    assert statement["NotAction"] == list(REGION_EXEMPT_ACTIONS)
    services = {a.split(":")[0] for a in REGION_EXEMPT_ACTIONS if a.endswith(":*")}
    assert {"iam", "organizations", "sts", "route53", "cloudfront", "wafv2", "waf", "support", "budgets", "ce",
            "cur", "health", "trustedadvisor", "globalaccelerator", "shield", "account"} <= services
    # Regional services that hold data are never exempt as a whole.
    assert not services & {"ec2", "s3", "rds", "kms", "config", "lambda", "dynamodb", "logs"}
    assert statement["Condition"] == {
        "StringNotEquals": {"aws:RequestedRegion": ["eu-west-2"]},
        **EXEMPT,
    }


REGIONS = ["eu-west-2", "eu-west-1", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
           "eu-south-2", "us-east-1", "us-west-2", "ap-southeast-2"]


@given(st.lists(st.sampled_from(REGIONS), min_size=1, max_size=len(REGIONS), unique=True),
       st.sampled_from(REGIONS))
def test_region_scp_denies_exactly_the_regions_not_allowed(allowed: list[str], region: str) -> None:
    policy = doc("deny-outside-allowed-regions", allowed)
    assert len(scp_json("deny-outside-allowed-regions", allowed_regions=allowed, exempt_role_names=ROLES)) <= 5120
    assert policy["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"] == allowed
    assert region_denies(policy, action="ec2:RunInstances", region=region, principal=DEVELOPER) is (
        region not in allowed
    )


# -- the other SCPs' conditions ------------------------------------------------------------------------


def test_root_user_scp_matches_the_root_principal_of_any_account() -> None:
    (statement,) = statements("deny-root-user")
    assert statement["Condition"] == {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}


def test_imdsv2_conditions() -> None:
    launch, hops, modify, credentials = statements("require-imdsv2")
    assert launch["Condition"] == {"StringNotEquals": {"ec2:MetadataHttpTokens": "required"}}
    assert hops["Condition"] == {"NumericGreaterThan": {"ec2:MetadataHttpPutResponseHopLimit": "2"}}
    assert MAX_IMDS_HOP_LIMIT == 2
    assert modify["Condition"] == {"StringEquals": {"ec2:Attribute/HttpTokens": "optional"}}
    assert credentials["Condition"] == {"NumericLessThan": {"ec2:RoleDelivery": "2.0"}}


def test_deny_all_has_no_condition() -> None:
    assert doc("deny-all") == {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}],
    }


# -- errors --------------------------------------------------------------------------------------------


def test_unknown_scp() -> None:
    with pytest.raises(ValueError, match=r"^unknown SCP 'deny-everything'; known: deny-outside-allowed-regions, "):
        scp_document("deny-everything", allowed_regions=["eu-west-2"], exempt_role_names=ROLES)


@pytest.mark.parametrize(
    ("regions", "roles", "message"),
    [
        ([], ROLES, "allowed_regions must be a non-empty list of region names"),
        ("eu-west-2", ROLES, "allowed_regions must be a non-empty list of region names"),
        (["london"], ROLES, "allowed region 'london' is not a region name like 'eu-west-2'"),
        (["eu-west-2", "eu-west-2"], ROLES, "allowed_regions has duplicates"),
        (["eu-west-2"], [], "exempt_role_names must be a non-empty list of IAM role names"),
        (["eu-west-2"], ["bad role"],
         "exempt role name 'bad role' is not an IAM role name (1-64 letters, digits and + = , . @ _ -)"),
    ],
)
def test_bad_inputs(regions: Any, roles: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        scp_document("deny-outside-allowed-regions", allowed_regions=regions, exempt_role_names=roles)
    assert str(info.value) == message


def test_an_oversized_scp_is_refused() -> None:
    roles = [f"role-{i:02d}-" + "x" * 55 for i in range(80)]
    with pytest.raises(ValueError) as info:
        scp_document("protect-security-services", allowed_regions=["eu-west-2"], exempt_role_names=roles)
    expected = len(minify(protect_security_services(exempt_role_names=roles)))
    assert expected > SCP_MAX_CHARS
    assert str(info.value) == f"SCP 'protect-security-services' is {expected} characters; AWS allows 5120"
