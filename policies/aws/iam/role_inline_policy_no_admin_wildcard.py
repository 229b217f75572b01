"""aws-iam-role-inline-policy-no-admin-wildcard: roles' inline policies never grant every action on
every resource.

Why: as for standalone policies (`aws-iam-policy-no-admin-wildcard`): `"Action": "*"` on
`"Resource": "*"` is full administrator access (CIS AWS 1.16). This covers the `inlinePolicies`
argument of `aws.iam.Role`.

Messages:
* `Inline policy 'deploy': Statement 0 allows every action ("*") on every resource ("*"): full administrator access`
* `Inline policy 'deploy' is not a valid JSON policy document`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws import policy_document
from policies.aws.iam import ROLE, admin_wildcard_problems
from policies.lib import Frameworks, as_list, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    for index in range(len(as_list(get(props, "inlinePolicies")))):
        value = get(props, f"inlinePolicies.{index}.policy")
        if not value:
            continue
        name = get(props, f"inlinePolicies.{index}.name") or f"#{index}"
        document = policy_document(value)
        if document is None:
            report(f"Inline policy '{name}' is not a valid JSON policy document", None)
            continue
        for problem in admin_wildcard_problems(document):
            report(f"Inline policy '{name}': {problem}", None)


POLICY, METADATA = resource_policy(
    name="aws-iam-role-inline-policy-no-admin-wildcard",
    description='IAM role inline policies never Allow Action "*" on Resource "*".',
    severity="critical",
    frameworks=Frameworks(
        ncsc="9",
        cis="CIS AWS Foundations Benchmark v3.0.0 1.16",
        cyber_essentials="Access control",
        checkov=("CKV_AWS_62", "CKV_AWS_63"),
    ),
    remediation=(
        "Narrow the inline policy to the actions and resources the role needs, or move it to a "
        "separate `aws.iam.RolePolicy` built from a least-privilege document (`modules.aws.iam_docs`)."
    ),
    resource_types=(ROLE,),
    validate=_validate,
    topics=("iam", "least-privilege"),
)
