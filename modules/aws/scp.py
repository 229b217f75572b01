"""Service control policies (SCPs) of the organisation: pure builders, one per `ScpName`.

Each builder returns the policy as a dict; `scp_document(name, ...)` picks the builder by name and
`scp_json(...)` gives the minified JSON text AWS Organizations stores. No Pulumi imports: the
documents are plain data, tested table-style (tests/modules/aws/test_scp.py).

SCPs only ever *deny* here. AWS attaches the managed `FullAWSAccess` SCP everywhere by default and
these policies narrow it; none of them grants anything, and none contains `"Effect": "Allow"` with
`"Action": "*"`. SCPs never apply to the management account or to service-linked roles, so the
organisation trail and AWS services acting for the platform keep working (AWS Organizations User
Guide, "Service control policies (SCPs)", section "Tasks and entities not restricted by SCPs").

Sources for the statements (each builder names its own):
- AWS Organizations User Guide, "Example service control policies" (orgs_manage_policies_scps_examples),
  https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples.html
- AWS Control Tower "Controls reference guide": preventive controls such as CT.MULTISERVICE.PV.1
  (Region deny), AWS-GR_RESTRICT_ROOT_USER, AWS-GR_CLOUDTRAIL_CHANGE_PROHIBITED,
  AWS-GR_CONFIG_CHANGE_PROHIBITED, https://docs.aws.amazon.com/controltower/latest/controlreference/
- Amazon EC2 User Guide, "Configure the instance metadata options" (IMDSv2 condition keys).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any, Final, get_args

from lz.platformdef import ScpName

#: Maximum size of an SCP document in characters (AWS Organizations quotas); whitespace counts,
#: which is why the documents are stored minified.
SCP_MAX_CHARS: Final = 5120

#: Every SCP the toolkit can build, in the order of `ScpName`.
SCP_NAMES: Final[tuple[str, ...]] = get_args(ScpName)

#: Global services, and global parts of regional ones, that must keep working whatever region the
#: request is signed for: their calls go to us-east-1 (IAM, Organizations, Route 53, CloudFront,
#: WAF Classic global, billing ...) or carry no region at all. From the AWS example "Deny access to
#: AWS based on the requested AWS Region" and Control Tower's Region deny control
#: (CT.MULTISERVICE.PV.1). `kms:*` and `config:*`, which the AWS example also exempts, are left out
#: on purpose: council keys and recorders belong in allowed regions, and the platform roles (which
#: are exempt) can still reach other regions where AWS requires it (DNSSEC signing keys in us-east-1).
REGION_EXEMPT_ACTIONS: Final[tuple[str, ...]] = (
    "account:*",
    "acm:*",
    "aws-marketplace-management:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "billing:*",
    "budgets:*",
    "ce:*",
    "cloudfront:*",
    "consolidatedbilling:*",
    "cur:*",
    "directconnect:*",
    "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways",
    "fms:*",
    "freetier:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "invoicing:*",
    "networkmanager:*",
    "organizations:*",
    "payments:*",
    "pricing:*",
    "route53-recovery-cluster:*",
    "route53-recovery-control-config:*",
    "route53-recovery-readiness:*",
    "route53:*",
    "route53domains:*",
    "s3:GetAccountPublic*",
    "s3:ListAllMyBuckets",
    "s3:ListMultiRegionAccessPoints",
    "s3:PutAccountPublic*",
    "savingsplans:*",
    "shield:*",
    "sso:*",
    "sts:*",
    "support:*",
    "supportplans:*",
    "tax:*",
    "trustedadvisor:*",
    "waf-regional:*",
    "waf:*",
    "wafv2:*",
    "wellarchitected:*",
)

#: Actions that switch off or blind the organisation's detective controls.
CLOUDTRAIL_PROTECTED_ACTIONS: Final[tuple[str, ...]] = (
    "cloudtrail:DeleteTrail",
    "cloudtrail:PutEventSelectors",
    "cloudtrail:PutInsightSelectors",
    "cloudtrail:StopLogging",
    "cloudtrail:UpdateTrail",
)
CONFIG_PROTECTED_ACTIONS: Final[tuple[str, ...]] = (
    "config:DeleteAggregationAuthorization",
    "config:DeleteConfigRule",
    "config:DeleteConfigurationAggregator",
    "config:DeleteConfigurationRecorder",
    "config:DeleteConformancePack",
    "config:DeleteDeliveryChannel",
    "config:DeleteEvaluationResults",
    "config:DeleteOrganizationConfigRule",
    "config:DeleteOrganizationConformancePack",
    "config:DeleteRetentionConfiguration",
    "config:PutConfigurationAggregator",
    "config:PutConfigurationRecorder",
    "config:PutDeliveryChannel",
    "config:PutRetentionConfiguration",
    "config:StopConfigurationRecorder",
)
GUARDDUTY_PROTECTED_ACTIONS: Final[tuple[str, ...]] = (
    "guardduty:DeleteDetector",
    "guardduty:DeleteMembers",
    "guardduty:DeletePublishingDestination",
    "guardduty:DisassociateFromAdministratorAccount",
    "guardduty:DisassociateFromMasterAccount",
    "guardduty:DisassociateMembers",
    "guardduty:StopMonitoringMembers",
    "guardduty:UpdateDetector",
)
SECURITYHUB_PROTECTED_ACTIONS: Final[tuple[str, ...]] = (
    "securityhub:BatchDisableStandards",
    "securityhub:DeleteMembers",
    "securityhub:DisableImportFindingsForProduct",
    "securityhub:DisableSecurityHub",
    "securityhub:DisassociateFromAdministratorAccount",
    "securityhub:DisassociateFromMasterAccount",
    "securityhub:DisassociateMembers",
)

#: Ways of giving an IAM user long-lived credentials; people use Identity Center, workloads use roles.
IAM_USER_ACTIONS: Final[tuple[str, ...]] = (
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:CreateUser",
    "iam:UpdateAccessKey",
    "iam:UpdateLoginProfile",
    "iam:UploadSSHPublicKey",
    "iam:UploadSigningCertificate",
)

#: Highest IMDSv2 PUT response hop limit allowed: 2 lets containers on an instance reach the
#: metadata service (AWS's recommendation for ECS/EKS), anything further is a relay.
MAX_IMDS_HOP_LIMIT: Final = 2

_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d$")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")


def role_arn_pattern(role_name: str) -> str:
    """The role in any account of the organisation: `arn:aws:iam::*:role/<name>`."""
    return f"arn:aws:iam::*:role/{role_name}"


def _exempt(role_names: Sequence[str]) -> dict[str, Any]:
    return {"ArnNotLike": {"aws:PrincipalARN": [role_arn_pattern(n) for n in role_names]}}


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def deny_outside_allowed_regions(*, allowed_regions: Sequence[str], exempt_role_names: Sequence[str]) -> dict[str, Any]:
    """Deny every regional action outside `allowed_regions`, except for the platform roles.

    Global services stay usable through `NotAction` (`REGION_EXEMPT_ACTIONS`). Source: AWS SCP
    example "Deny access to AWS based on the requested AWS Region"; Control Tower control
    CT.MULTISERVICE.PV.1 ("Region deny"), which also exempts its own roles by principal ARN.
    """
    return _policy(
        {
            "Sid": "DenyOutsideAllowedRegions",
            "Effect": "Deny",
            "NotAction": list(REGION_EXEMPT_ACTIONS),
            "Resource": "*",
            "Condition": {
                "StringNotEquals": {"aws:RequestedRegion": list(allowed_regions)},
                **_exempt(exempt_role_names),
            },
        }
    )


def deny_leave_organisation() -> dict[str, Any]:
    """Member accounts cannot leave the organisation (and so escape every guardrail).

    Source: AWS SCP example "Prevent member accounts from leaving the organization".
    """
    return _policy(
        {"Sid": "DenyLeaveOrganisation", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}
    )


def protect_security_services(*, exempt_role_names: Sequence[str]) -> dict[str, Any]:
    """Nobody but the platform roles can stop, delete or rewire CloudTrail, Config, GuardDuty or Security Hub.

    Sources: AWS SCP examples "Prevent users from disabling AWS Config or changing its rules",
    "Prevent users from disabling GuardDuty or modifying its configuration", "Prevent users from
    disabling AWS Security Hub"; Control Tower controls AWS-GR_CLOUDTRAIL_CHANGE_PROHIBITED and
    AWS-GR_CONFIG_CHANGE_PROHIBITED (which exempt the Control Tower execution role the same way).
    """
    exempt = _exempt(exempt_role_names)
    return _policy(
        {"Sid": "ProtectCloudTrail", "Effect": "Deny", "Action": list(CLOUDTRAIL_PROTECTED_ACTIONS),
         "Resource": "*", "Condition": exempt},
        {"Sid": "ProtectConfig", "Effect": "Deny", "Action": list(CONFIG_PROTECTED_ACTIONS),
         "Resource": "*", "Condition": exempt},
        {"Sid": "ProtectGuardDuty", "Effect": "Deny", "Action": list(GUARDDUTY_PROTECTED_ACTIONS),
         "Resource": "*", "Condition": exempt},
        {"Sid": "ProtectSecurityHub", "Effect": "Deny", "Action": list(SECURITYHUB_PROTECTED_ACTIONS),
         "Resource": "*", "Condition": exempt},
    )


def deny_root_user() -> dict[str, Any]:
    """The root user of a member account can do nothing (recovery goes through the management account).

    Source: AWS SCP example "Prevent any actions as the root user" (the condition key is
    `aws:PrincipalArn`, matched against `arn:aws:iam::*:root`); Control Tower AWS-GR_RESTRICT_ROOT_USER.
    """
    return _policy(
        {
            "Sid": "DenyRootUser",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}},
        }
    )


def deny_iam_users() -> dict[str, Any]:
    """No IAM users and no long-lived credentials: people sign in through IAM Identity Center, code uses roles.

    Source: AWS SCP example "Prevent creation of IAM users and access keys" pattern; AWS Security
    Hub control IAM.5/IAM.6 rationale; NCSC cloud security principle 10 (identity and authentication).
    """
    return _policy({"Sid": "DenyIamUsers", "Effect": "Deny", "Action": list(IAM_USER_ACTIONS), "Resource": "*"})


def require_imdsv2() -> dict[str, Any]:
    """Instances must use IMDSv2 (session tokens) with a small hop limit, and cannot switch back to v1.

    Source: Amazon EC2 User Guide, "Configure the instance metadata options" ("Require the use of
    IMDSv2" example SCP with `ec2:MetadataHttpTokens`, `ec2:MetadataHttpPutResponseHopLimit` and
    `ec2:RoleDelivery`); `ec2:Attribute/HttpTokens` guards `ModifyInstanceMetadataOptions`.
    """
    instance = "arn:aws:ec2:*:*:instance/*"
    return _policy(
        {"Sid": "RequireImdsV2OnLaunch", "Effect": "Deny", "Action": "ec2:RunInstances", "Resource": instance,
         "Condition": {"StringNotEquals": {"ec2:MetadataHttpTokens": "required"}}},
        {"Sid": "LimitImdsHops", "Effect": "Deny", "Action": "ec2:RunInstances", "Resource": instance,
         "Condition": {"NumericGreaterThan": {"ec2:MetadataHttpPutResponseHopLimit": str(MAX_IMDS_HOP_LIMIT)}}},
        {"Sid": "DenyReenablingImdsV1", "Effect": "Deny", "Action": "ec2:ModifyInstanceMetadataOptions",
         "Resource": "*", "Condition": {"StringEquals": {"ec2:Attribute/HttpTokens": "optional"}}},
        {"Sid": "DenyImdsV1Credentials", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"NumericLessThan": {"ec2:RoleDelivery": "2.0"}}},
    )


def deny_s3_public_access_changes(*, exempt_role_names: Sequence[str]) -> dict[str, Any]:
    """The account-level S3 Block Public Access setting cannot be changed except by the exempt roles.

    The platform's access role stays exempt so a layer can switch the block on in new accounts;
    the break-glass role so that an incident can be handled. Source: AWS SCP example pattern
    "Prevent users from modifying S3 Block Public Access (account-level)"; CIS AWS Foundations 2.1.4.
    """
    return _policy(
        {
            "Sid": "DenyS3AccountPublicAccessChanges",
            "Effect": "Deny",
            "Action": ["s3:DeleteAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"],
            "Resource": "*",
            "Condition": _exempt(exempt_role_names),
        }
    )


def deny_all() -> dict[str, Any]:
    """Nothing at all is allowed (the Suspended OU, where accounts wait to be closed).

    Source: AWS Organizations User Guide, "Strategies for using SCPs" (deny list), and the
    Control Tower / LZA "Suspended" OU pattern.
    """
    return _policy({"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"})


def _builders(
    allowed_regions: Sequence[str], exempt_role_names: Sequence[str]
) -> dict[str, Callable[[], dict[str, Any]]]:
    return {
        "deny-outside-allowed-regions": lambda: deny_outside_allowed_regions(
            allowed_regions=allowed_regions, exempt_role_names=exempt_role_names
        ),
        "deny-leave-organisation": deny_leave_organisation,
        "protect-security-services": lambda: protect_security_services(exempt_role_names=exempt_role_names),
        "deny-root-user": deny_root_user,
        "deny-iam-users": deny_iam_users,
        "require-imdsv2": require_imdsv2,
        "deny-s3-public-access-changes": lambda: deny_s3_public_access_changes(exempt_role_names=exempt_role_names),
        "deny-all": deny_all,
    }


def check_scp_inputs(*, allowed_regions: Sequence[str], exempt_role_names: Sequence[str]) -> list[str]:
    """Every problem with the values the SCPs are built from."""
    problems: list[str] = []
    if isinstance(allowed_regions, str) or not allowed_regions:
        problems.append("allowed_regions must be a non-empty list of region names")
    else:
        problems += [f"allowed region {r!r} is not a region name like 'eu-west-2'"
                     for r in allowed_regions if not _REGION.match(r)]
        if len(set(allowed_regions)) != len(allowed_regions):
            problems.append("allowed_regions has duplicates")
    if isinstance(exempt_role_names, str) or not exempt_role_names:
        problems.append("exempt_role_names must be a non-empty list of IAM role names")
    else:
        problems += [f"exempt role name {n!r} is not an IAM role name (1-64 letters, digits and + = , . @ _ -)"
                     for n in exempt_role_names if not _ROLE_NAME.match(n)]
    return problems


def scp_document(name: str, *, allowed_regions: Sequence[str], exempt_role_names: Sequence[str]) -> dict[str, Any]:
    """The SCP called `name` as a dict; raises ValueError for an unknown name, bad inputs or an oversized policy."""
    builders = _builders(allowed_regions, exempt_role_names)
    if name not in builders:
        raise ValueError(f"unknown SCP {name!r}; known: {', '.join(SCP_NAMES)}")
    problems = check_scp_inputs(allowed_regions=allowed_regions, exempt_role_names=exempt_role_names)
    if problems:
        raise ValueError("; ".join(problems))
    document = builders[name]()
    size = len(minify(document))
    if size > SCP_MAX_CHARS:
        raise ValueError(f"SCP {name!r} is {size} characters; AWS allows {SCP_MAX_CHARS}")
    return document


def minify(document: dict[str, Any]) -> str:
    """JSON without insignificant whitespace (AWS counts it towards the size limit)."""
    return json.dumps(document, separators=(",", ":"))


def scp_json(name: str, *, allowed_regions: Sequence[str], exempt_role_names: Sequence[str]) -> str:
    """The SCP called `name` as the minified JSON text given to `aws.organizations.Policy(content=...)`."""
    return minify(scp_document(name, allowed_regions=allowed_regions, exempt_role_names=exempt_role_names))


SCP_DESCRIPTIONS: Final[dict[str, str]] = {
    "deny-outside-allowed-regions": "Deny regional services outside the council's allowed regions",
    "deny-leave-organisation": "Deny member accounts leaving the organisation",
    "protect-security-services": "Deny disabling or changing CloudTrail, Config, GuardDuty and Security Hub",
    "deny-root-user": "Deny every action by a member account's root user",
    "deny-iam-users": "Deny IAM users and long-lived credentials",
    "require-imdsv2": "Require IMDSv2 on EC2 instances",
    "deny-s3-public-access-changes": "Deny changes to account-level S3 Block Public Access",
    "deny-all": "Deny everything (suspended accounts)",
}
