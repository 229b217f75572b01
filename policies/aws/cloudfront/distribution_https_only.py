"""aws-cloudfront-distribution-https-only: CloudFront never serves viewers over plain HTTP.

Why: council websites carry forms, logins and payments, and even static pages can be altered in
transit (injected scripts, fake phone numbers) when served over HTTP. Every cache behaviour — the
default one and each ordered one — must use `redirect-to-https` or `https-only`, never `allow-all`.

Messages:
* `Default cache behaviour allows plain HTTP (viewerProtocolPolicy is allow-all); use redirect-to-https or https-only`
* `Cache behaviour for /api/* allows plain HTTP (viewerProtocolPolicy is allow-all); use redirect-to-https or
  https-only`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.cloudfront import DISTRIBUTION
from policies.lib import Frameworks, as_list, get, resource_policy

_FIX = "(viewerProtocolPolicy is allow-all); use redirect-to-https or https-only"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "defaultCacheBehavior.viewerProtocolPolicy") == "allow-all":
        report(f"Default cache behaviour allows plain HTTP {_FIX}", None)
    for index in range(len(as_list(get(props, "orderedCacheBehaviors")))):
        behaviour = f"orderedCacheBehaviors.{index}"
        if get(props, f"{behaviour}.viewerProtocolPolicy") == "allow-all":
            path = get(props, f"{behaviour}.pathPattern") or f"#{index}"
            report(f"Cache behaviour for {path} allows plain HTTP {_FIX}", None)


POLICY, METADATA = resource_policy(
    name="aws-cloudfront-distribution-https-only",
    description="CloudFront cache behaviours redirect HTTP to HTTPS or serve HTTPS only.",
    severity="high",
    frameworks=Frameworks(ncsc="1", cyber_essentials="Secure configuration", checkov=("CKV_AWS_34",)),
    remediation=(
        'Set `viewer_protocol_policy="redirect-to-https"` on the default and every ordered cache '
        "behaviour (`modules.aws.static_site.StaticSite` does, and adds HSTS through its response "
        "headers policy)."
    ),
    resource_types=(DISTRIBUTION,),
    validate=_validate,
    topics=("encryption-in-transit", "cdn"),
)
