"""aws-iam-role-permissions-boundary: roles that people or other accounts can assume have a
permissions boundary.

Why: a role assumable by AWS accounts (`Principal.AWS`), federated users (`Principal.Federated`,
e.g. CI pipelines through OIDC or SAML) or anyone (`"*"`) is the way humans and outside systems get
into an account. The permissions boundary caps what such a role can ever do, whatever policies are
later attached to it — the guardrail that lets service teams manage their own roles safely.

Roles trusted only by AWS services (`Principal.Service`: RDS monitoring, flow logs, Lambda...) are
not required to have one, nor are service-linked roles (path `/aws-service-role/`). A trust policy
that is unknown during a preview is checked at the update.

Message:
* `Role can be assumed by arn:aws:iam::111122223333:root, token.actions.githubusercontent.com but has no
  permissionsBoundary`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws import effect, policy_document, statements
from policies.aws.iam import ROLE, trusted_principals
from policies.lib import Frameworks, get, resource_policy


def non_service_principals(document: Mapping[str, Any] | None) -> list[str]:
    """The principals other than AWS services that the trust policy lets assume the role."""
    found: list[str] = []
    for statement in statements(document):
        if effect(statement) != "allow":
            continue
        for kind, principals in trusted_principals(statement).items():
            if kind != "Service":
                found += principals
    return list(dict.fromkeys(found))


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if str(get(props, "path") or "").startswith("/aws-service-role/") or get(props, "permissionsBoundary"):
        return
    principals = non_service_principals(policy_document(get(props, "assumeRolePolicy")))
    if principals:
        report(f"Role can be assumed by {', '.join(principals)} but has no permissionsBoundary", None)


POLICY, METADATA = resource_policy(
    name="aws-iam-role-permissions-boundary",
    description="IAM roles assumable by accounts, federated users or anyone have a permissions boundary.",
    severity="high",
    frameworks=Frameworks(ncsc="9", cyber_essentials="Access control"),
    remediation=(
        "Set `permissions_boundary` to the platform's boundary policy ARN (from the identity layer's "
        "outputs). Roles for AWS services need none: trust only `Principal.Service` where a service is "
        "the caller."
    ),
    resource_types=(ROLE,),
    validate=_validate,
    topics=("iam", "least-privilege"),
)
