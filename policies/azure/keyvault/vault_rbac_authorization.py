"""azure-keyvault-vault-rbac-authorization: a Key Vault authorises data access with Azure RBAC.

Why: with access policies, anyone who can write the vault resource (Contributor) can grant
themselves every key and secret, and grants cannot be managed through Privileged Identity
Management or reviewed with the council's other role assignments. Azure RBAC separates managing
the vault from reading its contents (NCSC principle 9, CIS Azure 8.6).

Checks `properties.enableRbacAuthorization` on `azure-native:keyvault:Vault`: it must be `true`,
set explicitly (older API versions default to access policies).

Message: `Key Vault uses access policies: set properties.enableRbacAuthorization to true and grant Key Vault data roles`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

MESSAGE: Final = (
    "Key Vault uses access policies: set properties.enableRbacAuthorization to true and grant Key Vault data roles"
)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "properties.enableRbacAuthorization") is not True:
        report(MESSAGE, None)


POLICY, METADATA = resource_policy(
    name="azure-keyvault-vault-rbac-authorization",
    description="Key Vaults use Azure RBAC, not access policies, for data-plane authorisation.",
    severity="high",
    frameworks=Frameworks(
        ncsc="9",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 8.6",
        cyber_essentials="User access control",
    ),
    remediation="Set `enable_rbac_authorization=True` in the vault properties and grant roles such as "
    "'Key Vault Secrets User' to managed identities instead of access policies.",
    resource_types=("azure-native:keyvault:Vault",),
    validate=_validate,
    topics=("key-management", "identity"),
)
