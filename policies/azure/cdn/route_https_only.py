"""azure-cdn-route-https-only: a Front Door route serves HTTPS only, end to end.

Why: council sites behind Azure Front Door (Standard/Premium) must never answer in plain HTTP: a
route that accepts HTTP must redirect it to HTTPS, and Front Door must not fetch from the origin
over HTTP either (NCSC principle 1).

Checks `azure-native:cdn:Route`:
* when `supportedProtocols` includes `Http` (absent means `[Http, Https]`), `httpsRedirect` must be
  `Enabled` (absent means `Disabled`);
* `forwardingProtocol` must not be `HttpOnly`.

Messages:
* `Front Door route serves plain HTTP: set httpsRedirect to Enabled (or supportedProtocols to [Https])`;
* `Front Door route fetches from the origin over plain HTTP (forwardingProtocol HttpOnly): use HttpsOnly`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, as_list, get, plain, resource_policy

NO_REDIRECT: Final = (
    "Front Door route serves plain HTTP: set httpsRedirect to Enabled (or supportedProtocols to [Https])"
)
HTTP_ORIGIN: Final = (
    "Front Door route fetches from the origin over plain HTTP (forwardingProtocol HttpOnly): use HttpsOnly"
)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    protocols = get(props, "supportedProtocols")
    accepted = [str(plain(p)) for p in as_list(protocols)] if protocols is not None else ["Http", "Https"]
    if "Http" in accepted and get(props, "httpsRedirect") != "Enabled":
        report(NO_REDIRECT, None)
    if get(props, "forwardingProtocol") == "HttpOnly":
        report(HTTP_ORIGIN, None)


POLICY, METADATA = resource_policy(
    name="azure-cdn-route-https-only",
    description="Front Door routes redirect HTTP to HTTPS and reach origins over HTTPS.",
    severity="high",
    frameworks=Frameworks(
        ncsc="1",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_197", "CKV_AZURE_198"),
    ),
    remediation="Set `https_redirect='Enabled'`, `supported_protocols=['Http', 'Https']` and "
    "`forwarding_protocol='HttpsOnly'` on the route.",
    resource_types=("azure-native:cdn:Route",),
    validate=_validate,
    topics=("web", "encryption-in-transit"),
)
