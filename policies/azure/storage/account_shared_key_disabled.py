"""azure-storage-account-shared-key-disabled: a storage account accepts Microsoft Entra ID only.

Why: the two account keys (and SAS tokens signed with them) grant full access, never expire, are not
tied to a person and leave no identity in the logs. With shared keys off, every request is made by
an Entra ID identity under RBAC, with MFA and leaver processes applying (NCSC principle 10).

Checks `allowSharedKeyAccess` on `azure-native:storage:StorageAccount`: it must be `false`, set
explicitly (the Azure default allows shared keys).

Message: `Storage account allows shared key (account key and SAS) authorisation: set allowSharedKeyAccess to false`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

MESSAGE: Final = (
    "Storage account allows shared key (account key and SAS) authorisation: set allowSharedKeyAccess to false"
)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "allowSharedKeyAccess") is not False:
        report(MESSAGE, None)


POLICY, METADATA = resource_policy(
    name="azure-storage-account-shared-key-disabled",
    description="Storage accounts disable shared key authorisation so that every request uses Entra ID.",
    severity="high",
    frameworks=Frameworks(
        ncsc="10",
        cyber_essentials="User access control",
        checkov=("CKV2_AZURE_40",),
    ),
    remediation="Set `allow_shared_key_access=False` and `default_to_o_auth_authentication=True`, and grant "
    "applications data roles (e.g. Storage Blob Data Contributor) on the account through managed identities.",
    resource_types=("azure-native:storage:StorageAccount",),
    validate=_validate,
    topics=("storage", "identity"),
)
