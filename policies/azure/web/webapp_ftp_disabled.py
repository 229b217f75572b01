"""azure-web-webapp-ftp-disabled: an App Service web app does not accept plain FTP.

Why: FTP sends the deployment credentials and the code in clear text; anyone on the path can
take over the app. Deploy with CI/CD (zip deploy, containers); if FTP is truly needed, FTPS only
(NCSC principle 1, CIS Azure 9.9).

Checks `siteConfig.ftpsState` on `azure-native:web:WebApp`: it must be `Disabled` or `FtpsOnly`
(absent means `AllAllowed`).

Message: `Web app accepts plain FTP (siteConfig.ftpsState AllAllowed): set it to Disabled (or FtpsOnly)`
(`not set` in place of the value when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

ALLOWED: Final = ("Disabled", "FtpsOnly")


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    state = get(props, "siteConfig.ftpsState")
    if state not in ALLOWED:
        shown = state if state is not None else "not set"
        report(f"Web app accepts plain FTP (siteConfig.ftpsState {shown}): set it to Disabled (or FtpsOnly)", None)


POLICY, METADATA = resource_policy(
    name="azure-web-webapp-ftp-disabled",
    description="App Service web apps disable FTP, or allow FTPS only.",
    severity="high",
    frameworks=Frameworks(
        ncsc="1",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 9.9",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_78",),
    ),
    remediation="Set `site_config=web.SiteConfigArgs(ftps_state='Disabled', ...)` and deploy from CI/CD.",
    resource_types=("azure-native:web:WebApp",),
    validate=_validate,
    topics=("web", "encryption-in-transit"),
)
