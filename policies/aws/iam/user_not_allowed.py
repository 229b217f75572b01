"""aws-iam-user-not-allowed: no IAM users.

Why: IAM users carry long-lived passwords and access keys that are shared, leaked in code and never
rotated — the commonest root cause of public-sector cloud breaches. People sign in through IAM
Identity Center with the council's identity provider (joiners, movers and leavers handled once, MFA
enforced there); workloads use roles. Break-glass users, if any, are created by hand in the
management account under the council's break-glass procedure, not by Pulumi.

Message:
* `IAM users are not allowed: people sign in through IAM Identity Center and workloads use IAM roles`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    report("IAM users are not allowed: people sign in through IAM Identity Center and workloads use IAM roles", None)


POLICY, METADATA = resource_policy(
    name="aws-iam-user-not-allowed",
    description="No IAM users are created: people use IAM Identity Center, workloads use roles.",
    severity="critical",
    frameworks=Frameworks(ncsc="10", cyber_essentials="Access control", checkov=("CKV_AWS_273",)),
    remediation=(
        "Delete the `aws.iam.User`. Give people access with an IAM Identity Center permission set and "
        "group assignment (identity layer); give workloads an `aws.iam.Role` (EC2 instance profile, ECS "
        "task role, Lambda execution role), CI pipelines a role trusted through OIDC federation, and "
        "on-premises servers IAM Roles Anywhere."
    ),
    resource_types=("aws:iam/user:User",),
    validate=_validate,
    topics=("iam", "identity"),
)
