"""aws-iam-policy-no-admin-wildcard: IAM policies never grant every action on every resource.

Why: `"Action": "*"` (or `"*:*"`) on `"Resource": "*"` is full administrator access: whoever holds it
can read every council record, delete backups, turn off the audit trail and create themselves new
credentials (CIS AWS 1.16). Administration is granted through IAM Identity Center permission sets
in the identity layer, never by service stacks.

Checks the documents of `aws.iam.Policy`, `RolePolicy`, `UserPolicy` and `GroupPolicy` (role
inline policies: `aws-iam-role-inline-policy-no-admin-wildcard`). Only `Allow` statements count; a
`NotAction` Allow is not reported here. A document that is unknown during a preview is checked at
the update.

Messages (statements numbered from 0, with their Sid when they have one):
* `Statement 0 (Admin) allows every action ("*") on every resource ("*"): full administrator access`
* `Policy document is not a valid JSON policy document`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws import policy_document
from policies.aws.iam import POLICY_TYPES, admin_wildcard_problems
from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(props, "policy")
    if value is None:
        return
    document = policy_document(value)
    if document is None:
        report("Policy document is not a valid JSON policy document", None)
        return
    for problem in admin_wildcard_problems(document):
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-iam-policy-no-admin-wildcard",
    description='IAM policies never Allow Action "*" on Resource "*" (full administrator access).',
    severity="critical",
    frameworks=Frameworks(
        ncsc="9",
        cis="CIS AWS Foundations Benchmark v3.0.0 1.16",
        cyber_essentials="Access control",
        checkov=("CKV_AWS_62", "CKV_AWS_63"),
    ),
    remediation=(
        "Grant the actions and resources the workload needs (e.g. `s3:GetObject` on one bucket's "
        "objects: `modules.aws.iam_docs` builds least-privilege documents). People get administrator "
        "access through IAM Identity Center permission sets, never through policies in service stacks."
    ),
    resource_types=POLICY_TYPES,
    validate=_validate,
    topics=("iam", "least-privilege"),
)
