"""azure-authorization-roledefinition-no-wildcard-actions: no custom role is Owner-like.

Why: a custom role granting action `*` is Owner under another name, invisible to reviews that look
for Owner assignments; `Microsoft.Authorization/*` lets its holders grant themselves any role, which
is the same thing one step later. Custom roles list the actions a job needs (NCSC principle 9,
CIS Azure 1.22 "no custom subscription administrator roles").

Checks `permissions[].actions` of `azure-native:authorization:RoleDefinition`: none may be `*`,
`*/*` or `Microsoft.Authorization/*` (compared case-insensitively). `notActions` do not excuse a
wildcard: an "everything except" role is still Owner-like. Data actions are not judged here.

Message, one per action: `Custom role 'Ops admin' grants action '*': custom roles must list only the actions they
need, never Owner-like wildcards` (on one line)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, as_list, get, plain, resource_policy

OWNER_LIKE: Final = frozenset({"*", "*/*", "microsoft.authorization/*"})


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    role = get(props, "roleName") or args.name
    for permission in as_list(get(props, "permissions")):
        permission = plain(permission)
        if not isinstance(permission, Mapping):
            continue
        for action in as_list(get(permission, "actions")):
            action = plain(action)
            if isinstance(action, str) and action.strip().lower() in OWNER_LIKE:
                report(
                    f"Custom role '{role}' grants action '{action}': custom roles must list only the actions "
                    "they need, never Owner-like wildcards",
                    None,
                )


POLICY, METADATA = resource_policy(
    name="azure-authorization-roledefinition-no-wildcard-actions",
    description="Custom role definitions do not grant `*` or `Microsoft.Authorization/*` actions.",
    severity="critical",
    frameworks=Frameworks(
        ncsc="9",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 1.22",
        cyber_essentials="User access control",
        checkov=("CKV_AZURE_39",),
    ),
    remediation="List the specific actions the role needs (e.g. `Microsoft.Storage/storageAccounts/read`), or use "
    "a built-in role. Grant Owner itself only through Privileged Identity Management.",
    resource_types=("azure-native:authorization:RoleDefinition",),
    validate=_validate,
    topics=("identity", "least-privilege"),
)
