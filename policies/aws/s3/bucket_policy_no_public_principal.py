"""aws-s3-bucket-policy-no-public-principal: bucket policies never allow everyone without a
condition that narrows who.

Why: an `Allow` to `Principal: "*"` (or `{"AWS": "*"}`) opens the bucket to anyone on the internet
unless a condition pins the caller down: an organisation (`aws:PrincipalOrgID`), account
(`aws:PrincipalAccount`, `aws:SourceAccount`), a specific resource such as a CloudFront distribution
(`aws:SourceArn`), a VPC endpoint (`aws:SourceVpce`)... A condition on anything else
(`aws:SecureTransport`, `s3:prefix`) still lets everybody in. `Allow` with `NotPrincipal` is always
reported: it grants everybody except the listed principals.

Checks `aws.s3.BucketPolicy` and the deprecated inline `policy` of `aws.s3.Bucket`. A policy that
is unknown during a preview is checked at the update (the SDK reports that it cannot run yet).

Messages (statements numbered from 0, with their Sid when they have one):
* `Statement 1 (PublicRead) allows s3:GetObject to everyone ("*") without a condition restricting the caller`
* `Statement 0 allows access with NotPrincipal, which grants everyone not listed`
* `Bucket policy is not a valid JSON policy document`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws import effect, has_restricting_condition, is_public_principal, policy_document, statements, strings
from policies.aws.s3 import BUCKET_TYPES, POLICY_TYPES
from policies.lib import Frameworks, get, resource_policy


def public_statement_problems(document: Mapping[str, Any] | None) -> list[str]:
    problems = []
    for index, statement in enumerate(statements(document)):
        if effect(statement) != "allow":
            continue
        sid = statement.get("Sid")
        label = f"Statement {index}" + (f" ({sid})" if sid else "")
        if "NotPrincipal" in statement:
            problems.append(f"{label} allows access with NotPrincipal, which grants everyone not listed")
        elif is_public_principal(statement.get("Principal")) and not has_restricting_condition(statement):
            actions = ", ".join(strings(statement.get("Action"))) or "every action"
            problems.append(f'{label} allows {actions} to everyone ("*") without a condition restricting the caller')
    return problems


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(props, "policy")
    if value is None or value == "":
        return
    document = policy_document(value)
    if document is None:
        report("Bucket policy is not a valid JSON policy document", None)
        return
    for problem in public_statement_problems(document):
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-s3-bucket-policy-no-public-principal",
    description='S3 bucket policies never Allow Principal "*" without a condition that restricts the caller.',
    severity="critical",
    frameworks=Frameworks(ncsc="11", cyber_essentials="Access control", checkov=("CKV_AWS_70",)),
    remediation=(
        "Grant named principals instead: `BucketArgs.role_assignments` in `modules.aws.bucket.Bucket` "
        "adds statements for specific role ARNs. For a service principal, add a condition such as "
        "`aws:SourceArn` (as `StaticSite` does for its CloudFront distribution) or `aws:SourceAccount`; "
        "for callers in the council's organisation use `aws:PrincipalOrgID`. Public websites are served "
        "through CloudFront, never from a public bucket."
    ),
    resource_types=(*POLICY_TYPES, *BUCKET_TYPES),
    validate=_validate,
    topics=("public-access", "storage", "iam"),
)
