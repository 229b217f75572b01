"""azure-storage-account-https-only: a storage account only accepts HTTPS ("secure transfer required").

Why: council documents (planning applications, case files) cross the network to and from blob and
file endpoints; with secure transfer off, Azure also serves them over plain HTTP, readable and
alterable in transit (NCSC principle 1, CIS Azure 3.1).

Checks `enableHttpsTrafficOnly` on `azure-native:storage:StorageAccount`. It must be `true`, set
explicitly: an absent value is reported as well, because the API default has changed across API
versions and an auditor reading the plan must see the setting.

Message: `Storage account does not require secure transfer: set enableHttpsTrafficOnly to true`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

MESSAGE: Final = "Storage account does not require secure transfer: set enableHttpsTrafficOnly to true"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "enableHttpsTrafficOnly") is not True:
        report(MESSAGE, None)


POLICY, METADATA = resource_policy(
    name="azure-storage-account-https-only",
    description="Storage accounts require secure transfer: HTTP requests to their endpoints are refused.",
    severity="high",
    frameworks=Frameworks(
        ncsc="1",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 3.1",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_3",),
    ),
    remediation="Create the account with `enable_https_traffic_only=True` (the landing zone's "
    "`modules.azure.storage.StorageAccount` always does).",
    resource_types=("azure-native:storage:StorageAccount",),
    validate=_validate,
    topics=("storage", "encryption-in-transit"),
)
