"""azure-authorization-roleassignment-no-subscription-owner: nobody is made Owner of a whole subscription
(or management group) by code.

Why: Owner at subscription scope controls every resource and every permission in it, including
removing the landing zone's own guardrails. Standing Owner assignments are granted, time-limited,
through Privileged Identity Management, never by a deployment (NCSC principle 9). The landing
zone's modules already refuse Owner; this policy covers code outside them.

Checks `azure-native:authorization:RoleAssignment`: the built-in Owner role
(`8e3af657-a8ff-443c-a75c-2fe8c4bcb635`, as a bare GUID or a `.../roleDefinitions/<guid>` id) must
not be assigned at a subscription (`/subscriptions/<id>`), management group
(`/providers/Microsoft.Management/managementGroups/<id>`) or the root (`/`) scope. Owner on a
resource group or a single resource is left to review.

Message: `Owner role assigned at subscription scope /subscriptions/<id>: grant a narrower role, or make Owner
eligible through Privileged Identity Management`
(on one line; `management group scope`/`root scope` as applicable).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

#: Azure's built-in Owner role definition (the same GUID in every tenant).
OWNER_ROLE_ID: Final = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"

_SCOPES: Final = (
    (re.compile(r"^/subscriptions/[^/]+/?$", re.IGNORECASE), "subscription scope"),
    (
        re.compile(r"^/providers/Microsoft\.Management/managementGroups/[^/]+/?$", re.IGNORECASE),
        "management group scope",
    ),
    (re.compile(r"^/$"), "root scope"),
)


def _is_owner(role_definition_id: Any) -> bool:
    if not isinstance(role_definition_id, str):
        return False
    return role_definition_id.rstrip("/").rsplit("/", 1)[-1].lower() == OWNER_ROLE_ID


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not _is_owner(get(props, "roleDefinitionId")):
        return
    scope = get(props, "scope")
    if not isinstance(scope, str):
        return
    for pattern, label in _SCOPES:
        if pattern.match(scope.strip()):
            report(
                f"Owner role assigned at {label} {scope}: grant a narrower role, or make Owner eligible through "
                "Privileged Identity Management",
                None,
            )
            return


POLICY, METADATA = resource_policy(
    name="azure-authorization-roleassignment-no-subscription-owner",
    description="The built-in Owner role is not assigned at subscription, management group or root scope.",
    severity="high",
    frameworks=Frameworks(
        ncsc="9",
        cyber_essentials="User access control",
    ),
    remediation="Assign a narrower built-in role (Contributor, Reader, a data role) at the narrowest scope, "
    "and manage Owner through Privileged Identity Management eligibility.",
    resource_types=("azure-native:authorization:RoleAssignment",),
    validate=_validate,
    topics=("identity", "least-privilege"),
)
