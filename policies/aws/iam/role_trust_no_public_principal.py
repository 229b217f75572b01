"""aws-iam-role-trust-no-public-principal: role trust policies never let everyone assume the role.

Why: a trust statement allowing `Principal: "*"` (or `{"AWS": "*"}`) lets any AWS identity in any
account — including an attacker's — assume the role and act with its permissions on council data,
unless a condition pins the caller down (`aws:PrincipalOrgID`, `aws:PrincipalAccount`,
`aws:PrincipalArn`, `sts:ExternalId`, `aws:SourceArn`...). Conditions on anything else do not
restrict who. A trust policy that is unknown during a preview is checked at the update.

Messages:
* `Trust policy Statement 0 lets anyone ("*") assume the role without a condition restricting the caller`
* `Trust policy Statement 1 (Partners) lets everyone not listed in NotPrincipal assume the role`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws import effect, has_restricting_condition, is_public_principal, policy_document, statements
from policies.aws.iam import ROLE, statement_label
from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    for index, statement in enumerate(statements(policy_document(get(props, "assumeRolePolicy")))):
        if effect(statement) != "allow":
            continue
        label = statement_label(index, statement)
        if "NotPrincipal" in statement:
            report(f"Trust policy {label} lets everyone not listed in NotPrincipal assume the role", None)
        elif is_public_principal(statement.get("Principal")) and not has_restricting_condition(statement):
            report(
                f'Trust policy {label} lets anyone ("*") assume the role without a condition restricting the caller',
                None,
            )


POLICY, METADATA = resource_policy(
    name="aws-iam-role-trust-no-public-principal",
    description='IAM role trust policies never allow Principal "*" without a condition restricting the caller.',
    severity="critical",
    frameworks=Frameworks(ncsc="10", cyber_essentials="Access control", checkov=("CKV_AWS_60",)),
    remediation=(
        "Name the trusted principals (account root or role ARNs, a service principal, an OIDC provider "
        "with `sub`/`aud` conditions). When a wildcard principal is unavoidable, add "
        "`aws:PrincipalOrgID` (the council's organisation) or `sts:ExternalId` (a partner) to the "
        "statement's Condition."
    ),
    resource_types=(ROLE,),
    validate=_validate,
    topics=("iam", "identity"),
)
