"""azure-cdn-afdcustomdomain-min-tls-1-2: a Front Door custom domain negotiates TLS 1.2 or later.

Why: the council's public domains (e.g. www.<council>.gov.uk) are served by Front Door; the GOV.UK
service manual and NCSC TLS guidance require TLS 1.2 or later (NCSC principle 1).

Checks `tlsSettings.minimumTlsVersion` on `azure-native:cdn:AFDCustomDomain`: it must be `TLS12`
or `TLS13`, set explicitly.

Message: `Front Door custom domain accepts TLS older than 1.2 (tlsSettings.minimumTlsVersion TLS10): set it to TLS12`
(`not set` in place of the value when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

ALLOWED: Final = ("TLS12", "TLS13")


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    version = get(props, "tlsSettings.minimumTlsVersion")
    if version not in ALLOWED:
        shown = version if version is not None else "not set"
        report(
            f"Front Door custom domain accepts TLS older than 1.2 (tlsSettings.minimumTlsVersion {shown}): "
            "set it to TLS12",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-cdn-afdcustomdomain-min-tls-1-2",
    description="Front Door custom domains require TLS 1.2 or later.",
    severity="high",
    frameworks=Frameworks(
        ncsc="1",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_200",),
    ),
    remediation="Set `tls_settings=cdn.AFDDomainHttpsParametersArgs(certificate_type='ManagedCertificate', "
    "minimum_tls_version='TLS12')`.",
    resource_types=("azure-native:cdn:AFDCustomDomain",),
    validate=_validate,
    topics=("web", "encryption-in-transit"),
)
