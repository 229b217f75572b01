"""aws-iam-access-key-not-allowed: no long-lived IAM access keys.

Why: an access key is a permanent password for the AWS API. Created by Pulumi it also ends up in the
state file and outputs, is copied into CI variables and laptops, and is found in public
repositories within minutes of a mistaken push. Temporary credentials from roles expire by
themselves.

Message:
* `Long-lived IAM access keys are not allowed: use IAM roles, OIDC federation for CI or IAM Roles Anywhere`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    report(
        "Long-lived IAM access keys are not allowed: use IAM roles, OIDC federation for CI or IAM Roles Anywhere",
        None,
    )


POLICY, METADATA = resource_policy(
    name="aws-iam-access-key-not-allowed",
    description="No IAM access keys are created; workloads use temporary role credentials.",
    severity="critical",
    frameworks=Frameworks(ncsc="10", cyber_essentials="Access control"),
    remediation=(
        "Delete the `aws.iam.AccessKey` and rotate out any copy of it. Use a role: GitHub Actions/GitLab "
        "through an OIDC identity provider and a role trusting it; on-premises systems through IAM "
        "Roles Anywhere; third-party SaaS through a cross-account role with an `sts:ExternalId`."
    ),
    resource_types=("aws:iam/accessKey:AccessKey",),
    validate=_validate,
    topics=("iam", "identity", "secrets"),
)
