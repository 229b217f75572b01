"""azure-compute-disk-encryption: managed disks are encrypted with keys the council's rules call for.

Why: every managed disk is encrypted at rest with a platform key; OFFICIAL-SENSITIVE data needs a
customer-managed key in the council's Key Vault, reached through a disk encryption set (NCSC
principle 2.3, CIS Azure 7.3 and 7.4). A customer-key encryption type without the encryption set,
or Azure Disk Encryption switched off explicitly, is a broken configuration at any classification.

Checks `azure-native:compute:Disk`:
* `encryption.type` `EncryptionAtRestWithCustomerKey` or `EncryptionAtRestWithPlatformAndCustomerKeys`
  needs `encryption.diskEncryptionSetId`;
* `encryptionSettingsCollection.enabled` must not be `false`;
* a disk tagged `data-classification: OFFICIAL-SENSITIVE` must use one of those two customer-key types.

Messages:
* `Disk encryption type EncryptionAtRestWithCustomerKey needs encryption.diskEncryptionSetId`;
* `Disk switches Azure Disk Encryption off (encryptionSettingsCollection.enabled false)`;
* `OFFICIAL-SENSITIVE disk is not encrypted with a customer-managed key (encryption.type
  EncryptionAtRestWithPlatformKey): use EncryptionAtRestWithCustomerKey with a disk encryption set`
  (on one line; `not set` in place of the type when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, is_sensitive, resource_policy

CUSTOMER_KEY_TYPES: Final = ("EncryptionAtRestWithCustomerKey", "EncryptionAtRestWithPlatformAndCustomerKeys")
ADE_OFF: Final = "Disk switches Azure Disk Encryption off (encryptionSettingsCollection.enabled false)"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    encryption_type = get(props, "encryption.type")
    customer_key = encryption_type in CUSTOMER_KEY_TYPES
    if customer_key and not get(props, "encryption.diskEncryptionSetId"):
        report(f"Disk encryption type {encryption_type} needs encryption.diskEncryptionSetId", None)
    if get(props, "encryptionSettingsCollection.enabled") is False:
        report(ADE_OFF, None)
    if is_sensitive(props) and not customer_key:
        shown = encryption_type if encryption_type is not None else "not set"
        report(
            f"OFFICIAL-SENSITIVE disk is not encrypted with a customer-managed key (encryption.type {shown}): "
            "use EncryptionAtRestWithCustomerKey with a disk encryption set",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-compute-disk-encryption",
    description="Managed disks keep encryption on, and OFFICIAL-SENSITIVE disks use a customer-managed key.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.3",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 7.3, 7.4",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_2", "CKV_AZURE_93"),
    ),
    remediation="Set `encryption=compute.EncryptionArgs(type='EncryptionAtRestWithCustomerKey', "
    "disk_encryption_set_id=<disk encryption set id>)` for OFFICIAL-SENSITIVE disks.",
    resource_types=("azure-native:compute:Disk",),
    validate=_validate,
    topics=("compute", "encryption-at-rest", "data-classification"),
)
