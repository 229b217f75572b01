"""aws-s3-bucket-acl-not-public: no S3 ACL grants access to everyone or to every AWS account.

Why: a canned ACL of `public-read`, `public-read-write` or `authenticated-read` (any AWS customer),
or a grant to the `AllUsers`/`AuthenticatedUsers` groups, publishes the bucket's contents to the
internet. Council buckets disable ACLs altogether (object ownership `BucketOwnerEnforced`).

Checks the `aws.s3.BucketAcl` resource (canned `acl` and `accessControlPolicy.grants`) and the
deprecated inline `acl`/`grants` of `aws.s3.Bucket`.

Messages:
* `Canned ACL 'public-read' makes the bucket public`
* `ACL grants READ to AllUsers (anyone on the internet)`
* `ACL grants WRITE to AuthenticatedUsers (any AWS account)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws import strings
from policies.aws.s3 import BUCKET_TYPES
from policies.lib import Frameworks, as_list, get, resource_policy

ACL_TYPES: Final = ("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2")
PUBLIC_CANNED_ACLS: Final = ("public-read", "public-read-write", "authenticated-read")
_GROUPS: Final = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers (anyone on the internet)",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers (any AWS account)",
}


def _grant_problems(grants: Any, inline: bool) -> list[str]:
    problems = []
    for index in range(len(as_list(grants))):
        grant = get(grants, str(index))
        if inline:  # aws.s3.Bucket grants: {type, uri, permissions: [...]}
            uri, permissions = get(grant, "uri"), strings(get(grant, "permissions"))
        else:  # BucketAcl grants: {grantee: {type, uri}, permission}
            uri, permissions = get(grant, "grantee.uri"), strings(get(grant, "permission"))
        if uri in _GROUPS:
            problems += [f"ACL grants {p} to {_GROUPS[uri]}" for p in permissions]
    return problems


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    acl = get(props, "acl")
    if acl in PUBLIC_CANNED_ACLS:
        report(f"Canned ACL '{acl}' makes the bucket public", None)
    inline = args.resource_type in BUCKET_TYPES
    grants = get(props, "grants") if inline else get(props, "accessControlPolicy.grants")
    for problem in _grant_problems(grants, inline):
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-s3-bucket-acl-not-public",
    description="S3 ACLs never grant access to AllUsers or AuthenticatedUsers (no public canned ACLs).",
    severity="critical",
    frameworks=Frameworks(ncsc="11", cyber_essentials="Access control", checkov=("CKV_AWS_20", "CKV_AWS_57")),
    remediation=(
        "Remove the public canned ACL or grant. Use `modules.aws.bucket.Bucket`, which disables ACLs "
        "(`BucketOwnershipControls` with `BucketOwnerEnforced`) and blocks public access; grant named "
        "roles access through `BucketArgs.role_assignments`, and serve public web content through "
        "`modules.aws.static_site.StaticSite` (CloudFront with Origin Access Control)."
    ),
    resource_types=(*ACL_TYPES, *BUCKET_TYPES),
    validate=_validate,
    topics=("public-access", "storage"),
)
