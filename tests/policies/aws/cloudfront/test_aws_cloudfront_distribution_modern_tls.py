"""aws-cloudfront-distribution-modern-tls: custom-domain distributions require TLS 1.2+."""

from __future__ import annotations

import pytest

from policies.aws.cloudfront.distribution_modern_tls import METADATA, POLICY
from tests.policies.policy_harness import violations

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
#: StaticSite's viewer certificate for a custom domain (modules.aws.static_site.viewer_certificate).
MODULE = {
    "enabled": True,
    "viewerCertificate": {
        "acmCertificateArn": CERT,
        "sslSupportMethod": "sni-only",
        "minimumProtocolVersion": "TLSv1.2_2021",
    },
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-cloudfront-distribution-modern-tls"
    assert METADATA.severity == "high"


def test_module_custom_domain_passes() -> None:
    assert violations(POLICY, DISTRIBUTION, MODULE) == []


def test_default_certificate_is_not_judged() -> None:
    assert violations(POLICY, DISTRIBUTION, {"viewerCertificate": {"cloudfrontDefaultCertificate": True}}) == []


@pytest.mark.parametrize("version", ["TLSv1.2_2025", "TLSv1.3_2025"])
def test_newer_policies_pass(version: str) -> None:
    props = {"viewerCertificate": {**MODULE["viewerCertificate"], "minimumProtocolVersion": version}}
    assert violations(POLICY, DISTRIBUTION, props) == []


def test_old_policy() -> None:
    props = {"viewerCertificate": {**MODULE["viewerCertificate"], "minimumProtocolVersion": "TLSv1.1_2016"}}
    assert violations(POLICY, DISTRIBUTION, props) == [
        "Distribution accepts TLS older than TLS 1.2 (viewerCertificate.minimumProtocolVersion is 'TLSv1.1_2016'); "
        "use TLSv1.2_2021"
    ]


def test_iam_certificate_without_minimum() -> None:
    props = {"viewerCertificate": {"iamCertificateId": "ASCA1234", "sslSupportMethod": "sni-only"}}
    assert violations(POLICY, DISTRIBUTION, props) == [
        "Distribution accepts TLS older than TLS 1.2 (viewerCertificate.minimumProtocolVersion is not set, so "
        "TLSv1); use TLSv1.2_2021"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:lb/listener:Listener", MODULE) == []
