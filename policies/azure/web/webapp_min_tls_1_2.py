"""azure-web-webapp-min-tls-1-2: an App Service web app (and its Kudu/SCM site) refuses TLS 1.0 and 1.1.

Why: TLS 1.0/1.1 are retired; the app and its deployment endpoint carry personal data and
credentials (NCSC principle 1, CIS Azure 9.3).

Checks `azure-native:web:WebApp`:
* `siteConfig.minTlsVersion` must be `1.2` or `1.3`, set explicitly;
* `siteConfig.scmMinTlsVersion`, when set, must be `1.2` or `1.3` too.

Messages:
* `Web app accepts TLS older than 1.2 (siteConfig.minTlsVersion 1.0): set it to 1.2` (`not set`
  in place of the value when absent);
* `Web app deployment (SCM) site accepts TLS older than 1.2 (siteConfig.scmMinTlsVersion 1.0): set it to 1.2`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

ALLOWED: Final = ("1.2", "1.3")


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    version = get(props, "siteConfig.minTlsVersion")
    if version not in ALLOWED:
        shown = version if version is not None else "not set"
        report(f"Web app accepts TLS older than 1.2 (siteConfig.minTlsVersion {shown}): set it to 1.2", None)
    scm = get(props, "siteConfig.scmMinTlsVersion")
    if scm is not None and scm not in ALLOWED:
        report(
            f"Web app deployment (SCM) site accepts TLS older than 1.2 (siteConfig.scmMinTlsVersion {scm}): "
            "set it to 1.2",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-web-webapp-min-tls-1-2",
    description="App Service web apps and their SCM sites require TLS 1.2 or later.",
    severity="high",
    frameworks=Frameworks(
        ncsc="1",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 9.3",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_15",),
    ),
    remediation="Set `site_config=web.SiteConfigArgs(min_tls_version='1.2', scm_min_tls_version='1.2', ...)`.",
    resource_types=("azure-native:web:WebApp",),
    validate=_validate,
    topics=("web", "encryption-in-transit"),
)
