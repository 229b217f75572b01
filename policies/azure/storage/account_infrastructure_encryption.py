"""azure-storage-account-infrastructure-encryption: a storage account encrypts data twice at rest.

Why: infrastructure encryption adds a second, independent AES-256 layer (a different algorithm mode
and key) beneath service encryption, so one compromised key or implementation flaw does not expose
council data (NCSC principle 2.3, CIS Azure 3.2). It can only be chosen when the account is
created, which is why the landing zone requires it from the start.

Checks `encryption.requireInfrastructureEncryption` on `azure-native:storage:StorageAccount`: it
must be `true`.

Message: `Storage account does not use infrastructure (double) encryption: set
encryption.requireInfrastructureEncryption to true` (on one line)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

MESSAGE: Final = (
    "Storage account does not use infrastructure (double) encryption: "
    "set encryption.requireInfrastructureEncryption to true"
)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "encryption.requireInfrastructureEncryption") is not True:
        report(MESSAGE, None)


POLICY, METADATA = resource_policy(
    name="azure-storage-account-infrastructure-encryption",
    description="Storage accounts require infrastructure (double) encryption at rest.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.3",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 3.2",
        cyber_essentials="Secure configuration",
    ),
    remediation="Set `encryption=storage.EncryptionArgs(require_infrastructure_encryption=True, ...)` when the "
    "account is created. An existing account cannot be changed: create a new account and copy the data across.",
    resource_types=("azure-native:storage:StorageAccount",),
    validate=_validate,
    topics=("storage", "encryption-at-rest"),
)
