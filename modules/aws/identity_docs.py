"""Pure builders of the identity layer's IAM documents: the service permissions boundary, the
service plan and apply role policies, GitHub OIDC and break-glass trust policies, the break-glass
alert topic and key policies, and what each Identity Center permission set grants.

Like `iam_docs`, the module has no Pulumi imports: every document is plain data serialised with
`json.dumps` (compact, so inline policies stay under IAM's size limits), the same inputs always give
the same text, and the documents are tested table-style. Components resolve their `Output` values
first and call these functions inside `apply`.

No document here contains an Allow of action `*` on resource `*`. Broad AWS managed policies
(AdministratorAccess, PowerUserAccess, ViewOnlyAccess ...) are attached by ARN, never copied.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from lz.platformdef import PermissionSetName

POLICY_VERSION: Final = "2012-10-17"

# -- GitHub Actions OIDC -----------------------------------------------------------------------------

GITHUB_OIDC_HOST: Final = "token.actions.githubusercontent.com"
GITHUB_OIDC_URL: Final = f"https://{GITHUB_OIDC_HOST}"
#: The audience `aws-actions/configure-aws-credentials` requests.
STS_AUDIENCE: Final = "sts.amazonaws.com"
#: GitHub's published intermediate-CA thumbprints (2022 and 2023 certificates). IAM validates
#: GitHub's tokens against its own trusted root CAs and ignores these, but the provider API
#: historically required a list and recording them keeps the resource free of drift.
GITHUB_THUMBPRINTS: Final = ("6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd")
THUMBPRINT_RE: Final = re.compile(r"[0-9a-f]{40}")
#: The GitHub branch whose pushes may run plans (after merge) besides pull requests.
MAIN_BRANCH: Final = "main"

# -- AWS managed policies (attached by ARN) ----------------------------------------------------------

_MANAGED: Final = "arn:aws:iam::aws:policy/"
ADMINISTRATOR_ACCESS: Final = _MANAGED + "AdministratorAccess"
POWER_USER_ACCESS: Final = _MANAGED + "PowerUserAccess"
VIEW_ONLY_ACCESS: Final = _MANAGED + "job-function/ViewOnlyAccess"
SECURITY_AUDIT: Final = _MANAGED + "SecurityAudit"
READ_ONLY_ACCESS: Final = _MANAGED + "ReadOnlyAccess"
BILLING_READ_ONLY_ACCESS: Final = _MANAGED + "AWSBillingReadOnlyAccess"

#: Where the service deploy roles live, and the only paths they may create roles on: `/lz/<service>/`.
ROLE_PATH_ROOT: Final = "/lz/"
#: Path of the permissions boundary policy in each workload account.
BOUNDARY_PATH: Final = "/lz/"
#: One hour: long enough for a deployment, short enough that a leaked session soon expires.
ROLE_MAX_SESSION_SECONDS: Final = 3600
#: MFA must have been done within the last hour to assume the break-glass role.
BREAK_GLASS_MFA_MAX_AGE_SECONDS: Final = 3600
#: Tag key every resource carries (lz.tags); the platform's own resources have the value `platform`.
SERVICE_TAG: Final = "service"
PLATFORM_SERVICE: Final = "platform"

#: Services that are global (their API calls are made to us-east-1 whatever the caller's region),
#: so the region guard must not deny them.
GLOBAL_SERVICE_ACTIONS: Final = (
    "iam:*", "sts:*", "cloudfront:*", "route53:*", "support:*", "budgets:*", "ce:*", "health:*",
    "tag:GetResources",
)
#: CloudFront's certificates and web ACLs must be in us-east-1, so ACM and WAF may be used there too.
EDGE_REGION: Final = "us-east-1"
EDGE_SERVICE_ACTIONS: Final = ("acm:*", "wafv2:*")

#: Organisation, account and security-service changes no service role and no developer may make.
SECURITY_SERVICE_CHANGES: Final = (
    "organizations:*", "account:*",
    "cloudtrail:AddTags", "cloudtrail:CreateTrail", "cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors",
    "cloudtrail:PutInsightSelectors", "cloudtrail:RemoveTags", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail",
    "config:Delete*", "config:Put*", "config:Start*", "config:Stop*",
    "guardduty:Create*", "guardduty:Decline*", "guardduty:Delete*", "guardduty:Disassociate*",
    "guardduty:Stop*", "guardduty:Update*",
    "securityhub:BatchDisable*", "securityhub:Create*", "securityhub:Delete*", "securityhub:Disable*",
    "securityhub:Disassociate*", "securityhub:Update*",
    "access-analyzer:Delete*", "access-analyzer:Update*",
)
#: Ways to create long-lived IAM credentials: the platform has none (CIS 1.x; NCSC principle 10).
IAM_USER_CREDENTIAL_ACTIONS: Final = (
    "iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
    "iam:CreateServiceSpecificCredential", "iam:UploadSSHPublicKey", "iam:UploadSigningCertificate",
)
#: Changes to a policy: used to lock the boundary itself.
POLICY_CHANGE_ACTIONS: Final = (
    "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion",
    "iam:TagPolicy", "iam:UntagPolicy",
)

#: What the service boundary lets a role do at most: the services our modules use.
BOUNDARY_SERVICE_ACTIONS: Final = (
    "s3:*", "cloudfront:*", "rds:*", "secretsmanager:*", "logs:*", "acm:*", "wafv2:*", "cloudwatch:*",
    "sns:*", "sqs:*",
)
#: KMS use (not key administration): service data keys are created by the platform.
KMS_USE_ACTIONS: Final = (
    "kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
    "kms:ListGrants", "kms:ReEncrypt*", "kms:RevokeGrant",
)
#: EC2 networking a service needs: security groups and the ENIs RDS places in the spoke.
EC2_NETWORK_ACTIONS: Final = (
    "ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateNetworkInterface",
    "ec2:CreateNetworkInterfacePermission", "ec2:CreateSecurityGroup", "ec2:CreateTags",
    "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission", "ec2:DeleteSecurityGroup",
    "ec2:DeleteTags", "ec2:ModifyNetworkInterfaceAttribute", "ec2:ModifySecurityGroupRules",
    "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress",
    "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
)

#: Describe/list/get-metadata calls `pulumi preview` and `refresh` make for our modules' resources,
#: beyond ViewOnlyAccess. None of them returns data (no objects, secret values or log events).
METADATA_READ_ACTIONS: Final = (
    "acm:DescribeCertificate", "acm:ListTagsForCertificate",
    "cloudfront:GetDistribution", "cloudfront:GetDistributionConfig", "cloudfront:GetOriginAccessControl",
    "cloudfront:GetResponseHeadersPolicy", "cloudfront:ListTagsForResource",
    "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource",
    "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets", "ec2:DescribeTags", "ec2:DescribeVpcs",
    "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:ListRoleTags",
    "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListResourceTags",
    "logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
    "rds:DescribeDBInstances", "rds:DescribeDBParameterGroups", "rds:DescribeDBParameters",
    "rds:DescribeDBSubnetGroups", "rds:ListTagsForResource",
    "s3:GetAccelerateConfiguration", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketLocation",
    "s3:GetBucketLogging", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketOwnershipControls",
    "s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock", "s3:GetBucketRequestPayment", "s3:GetBucketTagging",
    "s3:GetBucketVersioning", "s3:GetBucketWebsite", "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:ListBucket",
    "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds",
    "sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListTagsForResource",
    "sqs:GetQueueAttributes", "sqs:ListQueueTags",
    "tag:GetResources",
    "wafv2:GetWebACL", "wafv2:ListTagsForResource",
)
#: Calls that return data rather than metadata: the plan role may never make them.
DATA_READ_ACTIONS: Final = (
    "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "kms:Decrypt", "logs:FilterLogEvents",
    "logs:GetLogEvents", "logs:StartQuery", "rds-data:*", "rds-db:connect", "s3:GetObject*",
    "secretsmanager:GetSecretValue", "sqs:ReceiveMessage",
)

#: AWS services that deliver the apply role's service roles (RDS enhanced monitoring).
PASS_ROLE_SERVICES: Final = ("monitoring.rds.amazonaws.com",)

ACCOUNT_ID_RE: Final = re.compile(r"\d{12}")
SERVICE_RE: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _document(statements: Sequence[Mapping[str, Any]]) -> str:
    return json.dumps({"Version": POLICY_VERSION, "Statement": list(statements)})


def _one_or_list(values: Sequence[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


# -- paths and ARNs ----------------------------------------------------------------------------------

def service_role_path(service: str) -> str:
    """`/lz/<service>/`: the path of a service's deploy roles and of every role its apply role creates."""
    return f"{ROLE_PATH_ROOT}{service}/"


def boundary_arn(account_id: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:policy{BOUNDARY_PATH}{name}"


def role_arn(account_id: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:role{path}{name}"


def environment_subject(organisation: str, repository: str, environment: str) -> str:
    """The OIDC `sub` of a job running in GitHub environment `environment`."""
    return f"repo:{organisation}/{repository}:environment:{environment}"


def github_environment(service: str, environment: str) -> str:
    """Name of the GitHub environment (with required reviewers) a service environment deploys from."""
    return f"{service}-{environment}"


# -- trust policies ----------------------------------------------------------------------------------

def github_trust_policy(provider_arn: str, subjects: Sequence[str]) -> str:
    """Let GitHub Actions jobs whose token `sub` is exactly one of `subjects` assume the role.

    `StringEquals` (not `StringLike`): no wildcard can widen the trust to other repositories,
    branches or environments. The audience pins tokens minted for AWS STS.
    """
    if not subjects:
        raise ValueError("a GitHub trust policy needs at least one subject")
    return _document([
        {
            "Sid": "GitHubActions",
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    f"{GITHUB_OIDC_HOST}:aud": STS_AUDIENCE,
                    f"{GITHUB_OIDC_HOST}:sub": _one_or_list(sorted(subjects)),
                }
            },
        }
    ])


def plan_trust_policy(provider_arn: str, organisation: str, repository: str) -> str:
    """Plan role trust: pull requests, and pushes to `main`, of the landing-zone repository."""
    repo = f"repo:{organisation}/{repository}"
    return github_trust_policy(provider_arn, [f"{repo}:pull_request", f"{repo}:ref:refs/heads/{MAIN_BRANCH}"])


def apply_trust_policy(
    provider_arn: str, organisation: str, repository: str, service: str, environments: Sequence[str]
) -> str:
    """Apply role trust: only jobs in the GitHub environments `<service>-<env>` of this account's
    environments, so required reviewers on each environment gate every deployment."""
    return github_trust_policy(
        provider_arn,
        [environment_subject(organisation, repository, github_environment(service, e)) for e in environments],
    )


def break_glass_trust_policy(principal_arns: Sequence[str]) -> str:
    """Break-glass trust: the named principals, only with MFA done in the last hour."""
    if not principal_arns:
        raise ValueError("the break-glass role needs at least one trusted principal")
    return _document([
        {
            "Sid": "BreakGlassWithMfa",
            "Effect": "Allow",
            "Principal": {"AWS": _one_or_list(sorted(principal_arns))},
            "Action": "sts:AssumeRole",
            "Condition": {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThanEquals": {"aws:MultiFactorAuthAge": str(BREAK_GLASS_MFA_MAX_AGE_SECONDS)},
            },
        }
    ])


def management_root_arn(management_account_id: str) -> str:
    return f"arn:aws:iam::{management_account_id}:root"


# -- the permissions boundary ------------------------------------------------------------------------

def service_boundary_policy(account_id: str, name: str, allowed_regions: Sequence[str]) -> str:
    """The permissions boundary of every service deploy role, and of every role they create.

    Allows at most the services our modules use; denies long-lived credentials, any change to or
    removal of the boundary, roles without it, anything on platform-tagged resources, organisation
    and security-service changes, and regions outside the allowed set (global services excepted).
    """
    arn = boundary_arn(account_id, name)
    regions = sorted(set(allowed_regions))
    edge_regions = sorted({*regions, EDGE_REGION})
    return _document([
        {"Sid": "AllowModuleServices", "Effect": "Allow", "Action": list(BOUNDARY_SERVICE_ACTIONS), "Resource": "*"},
        {"Sid": "AllowKmsUse", "Effect": "Allow", "Action": list(KMS_USE_ACTIONS), "Resource": "*"},
        {"Sid": "AllowEc2Networking", "Effect": "Allow",
         "Action": ["ec2:Describe*", *EC2_NETWORK_ACTIONS], "Resource": "*"},
        {"Sid": "AllowReadMetadata", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "kms:List*",
                                                                   "kms:Get*", "tag:GetResources",
                                                                   "sts:GetCallerIdentity"], "Resource": "*"},
        {"Sid": "AllowServiceRoles", "Effect": "Allow",
         "Action": ["iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy",
                    "iam:DetachRolePolicy", "iam:PassRole", "iam:PutRolePermissionsBoundary",
                    "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
                    "iam:UpdateRole", "iam:UpdateRoleDescription"],
         "Resource": f"arn:aws:iam::{account_id}:role{ROLE_PATH_ROOT}*"},
        {"Sid": "DenyIamUsersAndKeys", "Effect": "Deny", "Action": list(IAM_USER_CREDENTIAL_ACTIONS),
         "Resource": "*"},
        {"Sid": "DenyBoundaryChanges", "Effect": "Deny", "Action": list(POLICY_CHANGE_ACTIONS), "Resource": arn},
        {"Sid": "DenyBoundaryRemoval", "Effect": "Deny",
         "Action": ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"], "Resource": "*"},
        {"Sid": "DenyRolesWithoutBoundary", "Effect": "Deny",
         "Action": ["iam:CreateRole", "iam:PutRolePermissionsBoundary"], "Resource": "*",
         "Condition": {"StringNotEquals": {"iam:PermissionsBoundary": arn}}},
        {"Sid": "DenyPlatformResources", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {f"aws:ResourceTag/{SERVICE_TAG}": PLATFORM_SERVICE}}},
        {"Sid": "DenyPlatformTag", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {f"aws:RequestTag/{SERVICE_TAG}": PLATFORM_SERVICE}}},
        {"Sid": "DenyOrganisationAndSecurityChanges", "Effect": "Deny", "Action": list(SECURITY_SERVICE_CHANGES),
         "Resource": "*"},
        {"Sid": "DenyOutsideAllowedRegions", "Effect": "Deny",
         "NotAction": [*GLOBAL_SERVICE_ACTIONS, *EDGE_SERVICE_ACTIONS], "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": regions}}},
        {"Sid": "DenyEdgeServicesOutsideAllowedRegions", "Effect": "Deny",
         "Action": list(EDGE_SERVICE_ACTIONS), "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": edge_regions}}},
    ])


# -- service plan and apply roles --------------------------------------------------------------------

def plan_role_policy() -> str:
    """Inline policy of a service plan role, beside the managed ViewOnlyAccess: metadata reads that
    `pulumi preview` needs, and an explicit deny of every call that returns data."""
    return _document([
        {"Sid": "ReadMetadata", "Effect": "Allow", "Action": list(METADATA_READ_ACTIONS), "Resource": "*"},
        {"Sid": "DenyDataReads", "Effect": "Deny", "Action": list(DATA_READ_ACTIONS), "Resource": "*"},
    ])


def _tag_scoped(sid: str, service: str, *, create: Sequence[str], manage: Sequence[str],
                resource: str | list[str] = "*") -> list[dict[str, Any]]:
    """Create only when the request tags the resource `service=<service>`; change or delete only
    resources already tagged so (the ABAC pattern, for services whose APIs support the keys)."""
    statements: list[dict[str, Any]] = []
    if create:
        statements.append({
            "Sid": f"{sid}Create", "Effect": "Allow", "Action": list(create), "Resource": resource,
            "Condition": {"StringEquals": {f"aws:RequestTag/{SERVICE_TAG}": service}},
        })
    if manage:
        statements.append({
            "Sid": f"{sid}Manage", "Effect": "Allow", "Action": list(manage), "Resource": resource,
            "Condition": {"StringEquals": {f"aws:ResourceTag/{SERVICE_TAG}": service}},
        })
    return statements


def apply_role_policy(
    *, account_id: str, prefix: str, service: str, boundary_name: str, own_role_names: Sequence[str]
) -> str:
    """Inline policy of a service apply role: create, update and delete the resource types our
    modules build, tagged `service=<service>` where the API supports tag conditions, named
    `<prefix>-*-s3-<service>-*` for S3 (which has no tag conditions on bucket creation), and IAM
    roles only under `/lz/<service>/` with the platform's permissions boundary.

    `own_role_names` are the service's plan and apply roles: the apply role may not change them.
    """
    arn = boundary_arn(account_id, boundary_name)
    path = service_role_path(service)
    roles = f"arn:aws:iam::{account_id}:role{path}*"
    buckets = f"arn:aws:s3:::{prefix}-*-s3-{service}-*"
    with_boundary = {"StringEquals": {"iam:PermissionsBoundary": arn}}
    statements: list[dict[str, Any]] = [
        {"Sid": "ReadMetadata", "Effect": "Allow", "Action": list(METADATA_READ_ACTIONS), "Resource": "*"},
        {"Sid": "Describe", "Effect": "Allow",
         "Action": ["ec2:Describe*", "rds:Describe*", "cloudfront:List*", "acm:List*", "wafv2:List*",
                    "secretsmanager:ListSecrets", "sns:List*", "sqs:ListQueues", "logs:Describe*",
                    "sts:GetCallerIdentity"],
         "Resource": "*"},
        {"Sid": "S3Buckets", "Effect": "Allow",
         "Action": ["s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:GetBucket*",
                    "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:ListBucket",
                    "s3:PutBucketLogging", "s3:PutBucketOwnershipControls", "s3:PutBucketPolicy",
                    "s3:PutBucketPublicAccessBlock", "s3:PutBucketTagging", "s3:PutBucketVersioning",
                    "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration"],
         "Resource": buckets},
        *_tag_scoped("CloudFrontDistributions", service,
                     create=["cloudfront:CreateDistribution", "cloudfront:CreateDistributionWithTags",
                             "cloudfront:TagResource"],
                     manage=["cloudfront:CreateInvalidation", "cloudfront:DeleteDistribution",
                             "cloudfront:UntagResource", "cloudfront:UpdateDistribution"]),
        # Origin access controls and response headers policies take no tags.
        {"Sid": "CloudFrontPolicies", "Effect": "Allow",
         "Action": ["cloudfront:CreateOriginAccessControl", "cloudfront:CreateResponseHeadersPolicy",
                    "cloudfront:DeleteOriginAccessControl", "cloudfront:DeleteResponseHeadersPolicy",
                    "cloudfront:UpdateOriginAccessControl", "cloudfront:UpdateResponseHeadersPolicy"],
         "Resource": "*"},
        *_tag_scoped("Rds", service,
                     create=["rds:AddTagsToResource", "rds:CreateDBInstance", "rds:CreateDBParameterGroup",
                             "rds:CreateDBSubnetGroup"],
                     manage=["rds:DeleteDBInstance", "rds:DeleteDBParameterGroup", "rds:DeleteDBSubnetGroup",
                             "rds:ModifyDBInstance", "rds:ModifyDBParameterGroup", "rds:ModifyDBSubnetGroup",
                             "rds:RebootDBInstance", "rds:RemoveTagsFromResource"]),
        *_tag_scoped("Secrets", service,
                     create=["secretsmanager:CreateSecret", "secretsmanager:TagResource"],
                     manage=["secretsmanager:DeleteSecret", "secretsmanager:PutSecretValue",
                             "secretsmanager:UntagResource", "secretsmanager:UpdateSecret"]),
        *_tag_scoped("SecurityGroups", service,
                     create=["ec2:CreateSecurityGroup"],
                     manage=["ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress",
                             "ec2:DeleteSecurityGroup", "ec2:ModifySecurityGroupRules",
                             "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress",
                             "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
                             "ec2:UpdateSecurityGroupRuleDescriptionsIngress"]),
        # CreateSecurityGroup also authorises against the VPC, which carries no request tags.
        {"Sid": "SecurityGroupsInVpc", "Effect": "Allow", "Action": "ec2:CreateSecurityGroup",
         "Resource": f"arn:aws:ec2:*:{account_id}:vpc/*"},
        # Tags on EC2 resources only as part of creating them (ec2:CreateAction), never re-tagging.
        {"Sid": "Ec2TagOnCreate", "Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
         "Condition": {"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup",
                                        f"aws:RequestTag/{SERVICE_TAG}": service}}},
        *_tag_scoped("Logs", service,
                     create=["logs:CreateLogGroup", "logs:TagResource"],
                     manage=["logs:DeleteLogGroup", "logs:DeleteRetentionPolicy", "logs:PutRetentionPolicy",
                             "logs:UntagResource"]),
        *_tag_scoped("Certificates", service,
                     create=["acm:AddTagsToCertificate", "acm:RequestCertificate"],
                     manage=["acm:DeleteCertificate", "acm:RemoveTagsFromCertificate"]),
        *_tag_scoped("WebAcls", service,
                     create=["wafv2:CreateWebACL", "wafv2:TagResource"],
                     manage=["wafv2:AssociateWebACL", "wafv2:DeleteWebACL", "wafv2:UntagResource",
                             "wafv2:UpdateWebACL"]),
        *_tag_scoped("Alarms", service,
                     create=["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"],
                     manage=["cloudwatch:DeleteAlarms", "cloudwatch:UntagResource"]),
        *_tag_scoped("Topics", service,
                     create=["sns:CreateTopic", "sns:TagResource"],
                     manage=["sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe",
                             "sns:UntagResource"]),
        *_tag_scoped("Queues", service,
                     create=["sqs:CreateQueue", "sqs:TagQueue"],
                     manage=["sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:UntagQueue"]),
        # The service's data key (created by the platform, tagged with the service) for encryption.
        *_tag_scoped("KmsUse", service, create=[], manage=list(KMS_USE_ACTIONS)),
        {"Sid": "ServiceRolesCreate", "Effect": "Allow",
         "Action": ["iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
                    "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"],
         "Resource": roles, "Condition": with_boundary},
        {"Sid": "ServiceRolesManage", "Effect": "Allow",
         "Action": ["iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
                    "iam:UpdateRole", "iam:UpdateRoleDescription"],
         "Resource": roles, "Condition": {"StringEquals": {f"aws:ResourceTag/{SERVICE_TAG}": service}}},
        {"Sid": "ServiceRolesPass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": roles,
         "Condition": {"StringEquals": {"iam:PassedToService": list(PASS_ROLE_SERVICES)}}},
    ]
    if own_role_names:
        statements.append({
            "Sid": "DenyOwnRoles", "Effect": "Deny", "Action": "iam:*",
            "Resource": sorted(role_arn(account_id, path, n) for n in own_role_names),
        })
    return _document(statements)


# -- break-glass alerting ----------------------------------------------------------------------------

def assume_role_event_pattern(role_arn_: str) -> str:
    """EventBridge pattern matching every CloudTrail-recorded `AssumeRole` of one role."""
    return json.dumps({
        "source": ["aws.sts"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["sts.amazonaws.com"],
            "eventName": ["AssumeRole"],
            "requestParameters": {"roleArn": [role_arn_]},
        },
    })


def alert_topic_policy(topic_arn: str, rule_arn: str, account_id: str) -> str:
    """Only the break-glass EventBridge rule may publish; only the account may administer the topic."""
    return _document([
        {"Sid": "AllowAccountAdministration", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
         "Action": ["sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:SetTopicAttributes",
                    "sns:Subscribe"],
         "Resource": topic_arn},
        {"Sid": "AllowBreakGlassRule", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
         "Action": "sns:Publish", "Resource": topic_arn,
         "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}}},
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish",
         "Resource": topic_arn, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ])


def alert_key_policy(account_id: str) -> str:
    """Key policy of the alert topic's KMS key: the account administers it (IAM decides who), and
    EventBridge may encrypt messages for the topic (the AWS-managed `aws/sns` key cannot allow that)."""
    return _document([
        {"Sid": "AllowAccountAdministration", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "AllowEventBridgeToEncrypt", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
    ])


# -- Identity Center permission sets -----------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class PermissionSetPolicy:
    """What one permission set grants: AWS managed policies by ARN, and an optional inline policy."""

    description: str
    """Required. Shown to users in the access portal."""
    managed_policy_arns: tuple[str, ...]
    """Required. AWS managed policies attached to the permission set."""
    inline_policy: str | None = None
    """Optional. An inline policy (Identity Center allows one per permission set)."""


def developer_inline_policy() -> str:
    """Developer guardrails beside PowerUserAccess: no IAM writes, no organisation or
    security-service changes, nothing on platform-tagged resources."""
    return _document([
        {"Sid": "DenyIamChanges", "Effect": "Deny",
         "Action": ["iam:Add*", "iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:PassRole",
                    "iam:Put*", "iam:Remove*", "iam:Set*", "iam:Tag*", "iam:Untag*", "iam:Update*",
                    "iam:Upload*"],
         "Resource": "*"},
        {"Sid": "DenyOrganisationAndSecurityChanges", "Effect": "Deny", "Action": list(SECURITY_SERVICE_CHANGES),
         "Resource": "*"},
        {"Sid": "DenyPlatformResources", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {f"aws:ResourceTag/{SERVICE_TAG}": PLATFORM_SERVICE}}},
    ])


def permission_set_policies() -> dict[PermissionSetName, PermissionSetPolicy]:
    """The five permission sets in `platform/aws.yaml`, in a stable order."""
    return {
        "platform_admin": PermissionSetPolicy(
            description="Platform team: full administration (every action is logged by CloudTrail)",
            managed_policy_arns=(ADMINISTRATOR_ACCESS,),
        ),
        "developer": PermissionSetPolicy(
            description="Service developers: build and run services, no IAM or security-service changes",
            managed_policy_arns=(POWER_USER_ACCESS,),
            inline_policy=developer_inline_policy(),
        ),
        "read_only": PermissionSetPolicy(
            description="View resources and configuration, never data",
            managed_policy_arns=(VIEW_ONLY_ACCESS,),
        ),
        "auditor": PermissionSetPolicy(
            description="Internal audit: read configuration and security settings",
            managed_policy_arns=(SECURITY_AUDIT, READ_ONLY_ACCESS),
        ),
        "billing_viewer": PermissionSetPolicy(
            description="Finance: read bills, costs and budgets",
            managed_policy_arns=(BILLING_READ_ONLY_ACCESS,),
        ),
    }


def session_duration(hours: int) -> str:
    """ISO 8601 duration Identity Center expects: 8 -> `PT8H`."""
    return f"PT{hours}H"


def wildcard_allows(document: str) -> list[str]:
    """Sids (or indexes) of Allow statements granting action `*` on resource `*` (must be empty)."""
    found: list[str] = []
    for i, st in enumerate(json.loads(document)["Statement"]):
        actions = st.get("Action", [])
        resources = st.get("Resource", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if st.get("Effect") == "Allow" and ({"*", "*:*"} & set(actions)) and "*" in resources:
            found.append(str(st.get("Sid", i)))
    return found
