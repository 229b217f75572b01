"""Pure builders of the IAM and S3 bucket policy documents the AWS modules attach, and the ARN
shapes their validators accept.

Every document is built here as plain data and serialised with `json.dumps`, never with
`aws.iam.get_policy_document`: no invoke runs at plan time, the same inputs always give the same
text, and the documents are tested table-style without the Pulumi runtime. The module has no
Pulumi imports; the components resolve their `Output` values first and call these functions inside
`apply`.

The documents never contain an Allow of `*` (or `*:*`) actions on `*` resources: every Allow names
its actions and is scoped to one bucket or one service principal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

POLICY_VERSION: Final = "2012-10-17"

BucketAccessLevel = Literal["read", "read_write"]

#: Actions on the bucket itself (resource `arn:aws:s3:::bucket`) per access level. Listing is what
#: makes S3 answer 404 instead of 403 for a missing key, so readers get it too.
BUCKET_ACTIONS: Final[Mapping[BucketAccessLevel, tuple[str, ...]]] = {
    "read": ("s3:ListBucket",),
    "read_write": ("s3:ListBucket",),
}
#: Actions on the objects (resource `arn:aws:s3:::bucket/*`) per access level.
OBJECT_ACTIONS: Final[Mapping[BucketAccessLevel, tuple[str, ...]]] = {
    "read": ("s3:GetObject",),
    "read_write": ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
}

#: Names of role assignments: lowercase slugs, so they read the same in code, plans and Sids.
GRANT_NAME_RE: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

#: Oldest TLS version S3 accepts from clients of the buckets these modules create.
MINIMUM_TLS_VERSION: Final = "1.2"

CLOUDFRONT_SERVICE: Final = "cloudfront.amazonaws.com"

#: A KMS key ARN (not a key id or alias): `arn:aws:kms:<region>:<account>:key/<key-id>`.
KMS_KEY_ARN_RE: Final = re.compile(r"arn:aws:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+")
#: An IAM principal ARN a bucket policy can name: a role, a user or an account root.
IAM_PRINCIPAL_ARN_RE: Final = re.compile(r"arn:aws:iam::\d{12}:(?:root|(?:role|user)/[\w+=,.@/-]+)")


@dataclass(frozen=True, kw_only=True)
class BucketGrant:
    """One resolved role assignment on a bucket: who, and how much."""

    principal_arn: str
    """Required. ARN of the IAM role or user (or account root) being granted access."""
    access: BucketAccessLevel
    """Required. `read` (list and get) or `read_write` (also put and delete objects)."""


def grant_sid(name: str) -> str:
    """The statement id prefix of a role assignment: `app-reader` -> `GrantAppReader`.

    Sids may only hold letters and digits, so the slug is PascalCased.
    """
    return "Grant" + "".join(part[:1].upper() + part[1:] for part in name.split("-"))


def _document(statements: Sequence[Mapping[str, Any]]) -> str:
    return json.dumps({"Version": POLICY_VERSION, "Statement": list(statements)})


def _bucket_resources(bucket_arn: str) -> list[str]:
    return [bucket_arn, f"{bucket_arn}/*"]


def tls_only_statements(bucket_arn: str) -> list[dict[str, Any]]:
    """Deny every request over plain HTTP, and every request over TLS older than 1.2."""
    return [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": _bucket_resources(bucket_arn),
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "DenyOutdatedTls",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": _bucket_resources(bucket_arn),
            "Condition": {"NumericLessThan": {"s3:TlsVersion": MINIMUM_TLS_VERSION}},
        },
    ]


def cloudfront_read_statement(bucket_arn: str, distribution_arn: str) -> dict[str, Any]:
    """Let one CloudFront distribution (through Origin Access Control) read the bucket's objects.

    The `AWS:SourceArn` condition pins the grant to that distribution: without it any distribution
    in any account could point at the bucket.
    """
    return {
        "Sid": "AllowCloudFrontRead",
        "Effect": "Allow",
        "Principal": {"Service": CLOUDFRONT_SERVICE},
        "Action": "s3:GetObject",
        "Resource": f"{bucket_arn}/*",
        "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
    }


def grant_statements(bucket_arn: str, name: str, grant: BucketGrant) -> list[dict[str, Any]]:
    """The two Allow statements of one role assignment: bucket-level and object-level actions."""
    sid = grant_sid(name)
    principal = {"AWS": grant.principal_arn}
    return [
        {
            "Sid": f"{sid}Bucket",
            "Effect": "Allow",
            "Principal": principal,
            "Action": list(BUCKET_ACTIONS[grant.access]),
            "Resource": bucket_arn,
        },
        {
            "Sid": f"{sid}Objects",
            "Effect": "Allow",
            "Principal": principal,
            "Action": list(OBJECT_ACTIONS[grant.access]),
            "Resource": f"{bucket_arn}/*",
        },
    ]


def bucket_policy_document(
    bucket_arn: str,
    *,
    grants: Mapping[str, BucketGrant],
    cloudfront_distribution_arn: str | None = None,
) -> str:
    """The whole bucket policy: TLS-only denies, the CloudFront read grant when a distribution
    serves the bucket, then each role assignment in name order (so the text is stable).

    Raises ValueError when two assignment names give the same Sid.
    """
    clashes = duplicate_grant_sids(grants)
    if clashes:
        raise ValueError(f"role assignment names give the same statement id: {', '.join(clashes)}")
    statements = tls_only_statements(bucket_arn)
    if cloudfront_distribution_arn is not None:
        statements.append(cloudfront_read_statement(bucket_arn, cloudfront_distribution_arn))
    for name in sorted(grants):
        statements.extend(grant_statements(bucket_arn, name, grants[name]))
    return _document(statements)


def duplicate_grant_sids(names: Sequence[str] | Mapping[str, Any]) -> list[str]:
    """Names whose Sid another name already produces (`a-1b` and `a1b` both give `GrantA1b`)."""
    seen: dict[str, str] = {}
    clashes: list[str] = []
    for name in sorted(names):
        first = seen.setdefault(grant_sid(name), name)
        if first != name:
            clashes.append(f"{first!r} and {name!r}")
    return clashes


def service_assume_role_policy(service: str, *, source_account: str | None = None) -> str:
    """Trust policy letting one AWS service principal assume a role.

    With `source_account`, the service may only assume it on behalf of that account (the
    `aws:SourceAccount` confused-deputy guard AWS recommends for service roles).
    """
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if source_account is not None:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return _document([statement])
