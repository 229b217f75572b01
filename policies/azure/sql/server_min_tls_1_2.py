"""azure-sql-server-min-tls-1-2: an Azure SQL logical server refuses TLS 1.0 and 1.1.

Why: connections carry council records and credentials; TLS 1.0/1.1 are retired (NCSC principle 1).

Checks `minimalTlsVersion` on `azure-native:sql:Server`: it must be `1.2` or `1.3`, set explicitly
(`None` or an absent value lets clients negotiate any version on older servers).

Message: `SQL server accepts TLS older than 1.2 (minimalTlsVersion 1.0): set minimalTlsVersion to 1.2`
(`not set` in place of the value when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

ALLOWED: Final = ("1.2", "1.3")


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    version = get(props, "minimalTlsVersion")
    if version not in ALLOWED:
        shown = version if version is not None else "not set"
        report(f"SQL server accepts TLS older than 1.2 (minimalTlsVersion {shown}): set minimalTlsVersion to 1.2", None)


POLICY, METADATA = resource_policy(
    name="azure-sql-server-min-tls-1-2",
    description="Azure SQL servers require TLS 1.2 or later.",
    severity="high",
    frameworks=Frameworks(
        ncsc="1",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_52",),
    ),
    remediation="Set `minimal_tls_version='1.2'` on the server.",
    resource_types=("azure-native:sql:Server",),
    validate=_validate,
    topics=("database", "encryption-in-transit"),
)
