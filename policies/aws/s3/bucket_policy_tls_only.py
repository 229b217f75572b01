"""aws-s3-bucket-policy-tls-only: every S3 bucket's policy denies requests made without TLS.

Why: S3 still answers plain HTTP. Only a bucket policy statement that denies every action to every
principal when `aws:SecureTransport` is false guarantees residents' data never crosses a network in
clear text, whichever client or SDK a team uses (CIS AWS 2.1.1).

A stack policy: the policy is the separate `aws.s3.BucketPolicy` resource (linked by its `bucket`
argument) or the deprecated inline `policy` of the bucket. The statement must have `Effect: Deny`,
`Principal: "*"` (or `{"AWS": "*"}`), `Action` `s3:*` (or `*`), and a `Bool`/`BoolIfExists`
condition `aws:SecureTransport: false`. A bucket whose policy is still unknown during a preview
(e.g. built from the bucket's ARN) is judged at the update.

Messages (reported on the bucket):
* `S3 bucket '<name>' has no bucket policy; add one that denies s3:* when aws:SecureTransport is false`
* `S3 bucket '<name>' has a bucket policy, but no statement denies s3:* when aws:SecureTransport is false`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, StackValidationArgs

from policies.aws import effect, is_public_principal, policy_document, statements, strings
from policies.aws.s3 import BUCKET_TYPES, POLICY_TYPES, UNKNOWN, Satellites, buckets, policy_values
from policies.lib import Frameworks, plain, stack_policy


def _secure_transport_false(condition: Any) -> bool:
    condition = plain(condition)
    if not isinstance(condition, Mapping):
        return False
    for operator, block in condition.items():
        block = plain(block)
        if str(operator).lower() not in ("bool", "boolifexists") or not isinstance(block, Mapping):
            continue
        for key, value in block.items():
            if str(key).lower() == "aws:securetransport" and [v.lower() for v in strings(value)] == ["false"]:
                return True
    return False


def denies_insecure_transport(statement: Mapping[str, Any]) -> bool:
    """Whether one statement denies every S3 action to everyone over plain HTTP."""
    return (
        effect(statement) == "deny"
        and is_public_principal(statement.get("Principal"))
        and bool({"s3:*", "*"} & set(strings(statement.get("Action"))))
        and _secure_transport_false(statement.get("Condition"))
    )


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    satellites = Satellites(args.resources)
    for bucket in buckets(args.resources):
        values = policy_values(bucket, satellites)
        if UNKNOWN in values:
            continue
        if not values:
            report(
                f"S3 bucket '{bucket.name}' has no bucket policy; add one that denies s3:* when "
                "aws:SecureTransport is false",
                bucket.urn,
            )
            continue
        if not any(denies_insecure_transport(s) for v in values for s in statements(policy_document(v))):
            report(
                f"S3 bucket '{bucket.name}' has a bucket policy, but no statement denies s3:* when "
                "aws:SecureTransport is false",
                bucket.urn,
            )


POLICY, METADATA = stack_policy(
    name="aws-s3-bucket-policy-tls-only",
    description="Every S3 bucket has a bucket policy denying all requests that do not use TLS.",
    severity="high",
    frameworks=Frameworks(
        ncsc="1",
        cis="CIS AWS Foundations Benchmark v3.0.0 2.1.1",
        cyber_essentials="Secure configuration",
    ),
    remediation=(
        "Use `modules.aws.bucket.Bucket` (its policy always starts with the `DenyInsecureTransport` "
        "statement; keep `manage_policy=True`, or build your own with "
        "`modules.aws.bucket.bucket_policy_json`). Otherwise add to the bucket's `aws.s3.BucketPolicy` "
        'a statement `{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [<bucket ARN>, '
        '<bucket ARN>/*], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`.'
    ),
    clouds=("aws",),
    validate=_validate,
    resource_types=(*BUCKET_TYPES, *POLICY_TYPES),
    topics=("encryption-in-transit", "storage"),
)
