"""azure-storage-account-min-tls-1-2: a storage account refuses TLS 1.0 and 1.1.

Why: TLS 1.0/1.1 have known weaknesses and are out of support; the NCSC's TLS guidance and PSN/
government standards expect TLS 1.2 or later for data in transit (NCSC principle 1, CIS Azure 3.15).

Checks `minimumTlsVersion` on `azure-native:storage:StorageAccount`: it must be `TLS1_2` or
`TLS1_3`, set explicitly (Azure has historically defaulted to TLS1_0 for existing accounts).

Message: `Storage account accepts TLS older than 1.2 (minimumTlsVersion TLS1_0): set minimumTlsVersion to TLS1_2`
(`not set` in place of the value when the property is absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

ALLOWED: Final = ("TLS1_2", "TLS1_3")


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    version = get(props, "minimumTlsVersion")
    if version not in ALLOWED:
        shown = version if version is not None else "not set"
        report(
            f"Storage account accepts TLS older than 1.2 (minimumTlsVersion {shown}): set minimumTlsVersion to TLS1_2",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-storage-account-min-tls-1-2",
    description="Storage accounts accept TLS 1.2 or later only.",
    severity="high",
    frameworks=Frameworks(
        ncsc="1",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 3.15",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_44",),
    ),
    remediation="Set `minimum_tls_version=storage.MinimumTlsVersion.TLS1_2` on the account.",
    resource_types=("azure-native:storage:StorageAccount",),
    validate=_validate,
    topics=("storage", "encryption-in-transit"),
)
