"""azure-keyvault-vault-purge-protection: a Key Vault has purge protection on.

Why: without purge protection a deleted vault (or key) can be purged at once, by mistake or by an
attacker with Contributor rights, which destroys every key it holds and makes everything encrypted
with them (customer-managed-key storage, disks, databases) unreadable for good. With it on,
deleted items stay recoverable for the whole retention period (NCSC principle 2.6, CIS Azure 8.5).

Checks `properties.enablePurgeProtection` on `azure-native:keyvault:Vault`: it must be `true`.
Purge protection cannot be turned off again once on.

Message: `Key Vault does not have purge protection: set properties.enablePurgeProtection to true`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

MESSAGE: Final = "Key Vault does not have purge protection: set properties.enablePurgeProtection to true"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "properties.enablePurgeProtection") is not True:
        report(MESSAGE, None)


POLICY, METADATA = resource_policy(
    name="azure-keyvault-vault-purge-protection",
    description="Key Vaults have purge protection enabled, so deleted keys and secrets stay recoverable.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.6",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 8.5",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_110", "CKV_AZURE_42"),
    ),
    remediation="Set `properties=keyvault.VaultPropertiesArgs(enable_purge_protection=True, ...)`.",
    resource_types=("azure-native:keyvault:Vault",),
    validate=_validate,
    topics=("key-management", "resilience"),
)
