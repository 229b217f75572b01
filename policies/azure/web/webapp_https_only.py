"""azure-web-webapp-https-only: an App Service web app redirects every HTTP request to HTTPS.

Why: council web apps handle sign-ins and personal data; served over HTTP they can be read and
altered in transit (NCSC principle 1, CIS Azure 9.2).

Checks `httpsOnly` on `azure-native:web:WebApp`: it must be `true` (the App Service default is
`false`).

Message: `Web app serves plain HTTP: set httpsOnly to true`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

MESSAGE: Final = "Web app serves plain HTTP: set httpsOnly to true"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "httpsOnly") is not True:
        report(MESSAGE, None)


POLICY, METADATA = resource_policy(
    name="azure-web-webapp-https-only",
    description="App Service web apps redirect HTTP to HTTPS.",
    severity="high",
    frameworks=Frameworks(
        ncsc="1",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 9.2",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_14",),
    ),
    remediation="Set `https_only=True` on the web app.",
    resource_types=("azure-native:web:WebApp",),
    validate=_validate,
    topics=("web", "encryption-in-transit"),
)
