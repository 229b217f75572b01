"""aws-cloudfront-distribution-modern-tls: distributions on a custom domain accept TLS 1.2+ only.

Why: with a custom certificate (ACM or IAM), `viewerCertificate.minimumProtocolVersion` decides the
oldest TLS version and ciphers CloudFront accepts; its default, `TLSv1`, still allows TLS 1.0. NCSC
guidance asks for TLS 1.2 or later. With the default `*.cloudfront.net` certificate CloudFront
fixes the policy itself and the distribution is not judged here.

Allowed: `TLSv1.2_2021` (the module's choice), `TLSv1.2_2025`, `TLSv1.3_2025`.

Messages:
* `Distribution accepts TLS older than TLS 1.2 (viewerCertificate.minimumProtocolVersion is not set, so TLSv1);
  use TLSv1.2_2021`
* `Distribution accepts TLS older than TLS 1.2 (viewerCertificate.minimumProtocolVersion is 'TLSv1.1_2016');
  use TLSv1.2_2021`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.cloudfront import DISTRIBUTION
from policies.lib import Frameworks, get, resource_policy

ALLOWED_MINIMUM_PROTOCOL_VERSIONS: Final = ("TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025")


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    custom = get(props, "viewerCertificate.acmCertificateArn") or get(props, "viewerCertificate.iamCertificateId")
    if not custom:
        return
    version = get(props, "viewerCertificate.minimumProtocolVersion")
    if version in ALLOWED_MINIMUM_PROTOCOL_VERSIONS:
        return
    now = "is not set, so TLSv1" if version is None else f"is {version!r}"
    report(
        f"Distribution accepts TLS older than TLS 1.2 (viewerCertificate.minimumProtocolVersion {now}); "
        "use TLSv1.2_2021",
        None,
    )


POLICY, METADATA = resource_policy(
    name="aws-cloudfront-distribution-modern-tls",
    description="CloudFront distributions with a custom certificate require TLS 1.2 or later (TLSv1.2_2021+).",
    severity="high",
    frameworks=Frameworks(ncsc="1", cyber_essentials="Secure configuration", checkov=("CKV_AWS_174",)),
    remediation=(
        'Set `viewer_certificate.minimum_protocol_version="TLSv1.2_2021"` with `ssl_support_method='
        '"sni-only"` (`modules.aws.static_site.StaticSite` does when given `domain` and '
        "`certificate_arn`)."
    ),
    resource_types=(DISTRIBUTION,),
    validate=_validate,
    topics=("encryption-in-transit", "cdn"),
)
