"""azure-storage-account-cmk-when-sensitive: OFFICIAL-SENSITIVE storage accounts are encrypted with a
customer-managed key.

Why: the council's data handling rules say OFFICIAL-SENSITIVE data requires customer-managed keys
(and private endpoints, see `lz-all-sensitive-data-private-endpoints`): the council, not Microsoft,
controls the key, can revoke it to make the data unreadable, and its Key Vault logs every use
(NCSC principle 2.3, CIS Azure 3.12).

Checks `azure-native:storage:StorageAccount` resources whose `data-classification` tag is
`OFFICIAL-SENSITIVE`: `encryption.keySource` must be `Microsoft.Keyvault`, with
`encryption.keyVaultProperties.keyName` and `keyVaultUri` set. Accounts of any other
classification are not judged.

Messages:
* `OFFICIAL-SENSITIVE storage account is encrypted with Microsoft-managed keys (encryption.keySource
  Microsoft.Storage): use a customer-managed key (encryption.keySource Microsoft.Keyvault)` (on one
  line; `not set` in place of an absent key source);
* `Storage account uses a customer-managed key but encryption.keyVaultProperties does not name it:
  set keyName and keyVaultUri` (on one line).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, is_sensitive, resource_policy

KEY_VAULT_SOURCE: Final = "microsoft.keyvault"
MISSING_KEY: Final = (
    "Storage account uses a customer-managed key but encryption.keyVaultProperties does not name it: "
    "set keyName and keyVaultUri"
)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not is_sensitive(props):
        return
    source = get(props, "encryption.keySource")
    if not isinstance(source, str) or source.lower() != KEY_VAULT_SOURCE:
        shown = source if source is not None else "not set"
        report(
            f"OFFICIAL-SENSITIVE storage account is encrypted with Microsoft-managed keys (encryption.keySource "
            f"{shown}): use a customer-managed key (encryption.keySource Microsoft.Keyvault)",
            None,
        )
        return
    if not get(props, "encryption.keyVaultProperties.keyName") or not get(
        props, "encryption.keyVaultProperties.keyVaultUri"
    ):
        report(MISSING_KEY, None)


POLICY, METADATA = resource_policy(
    name="azure-storage-account-cmk-when-sensitive",
    description="OFFICIAL-SENSITIVE storage accounts are encrypted with a customer-managed key from Key Vault.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.3",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 3.12",
        cyber_essentials="Secure configuration",
        checkov=("CKV2_AZURE_1",),
    ),
    remediation="Pass `customer_managed_key=CmkSpec(key_vault_uri=..., key_name=..., "
    "user_assigned_identity_id=...)` to `modules.azure.storage.StorageAccount`, and grant the identity "
    "'Key Vault Crypto Service Encryption User' on the key. Or record an approved exception in the manifest.",
    resource_types=("azure-native:storage:StorageAccount",),
    validate=_validate,
    topics=("storage", "encryption-at-rest", "data-classification"),
)
