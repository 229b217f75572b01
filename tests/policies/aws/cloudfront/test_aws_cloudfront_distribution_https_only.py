"""aws-cloudfront-distribution-https-only: no cache behaviour allows plain HTTP."""

from __future__ import annotations

from typing import Any

from policies.aws.cloudfront.distribution_https_only import METADATA, POLICY
from tests.policies.policy_harness import violations

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
#: The distribution modules.aws.static_site.StaticSite registers (example estate, abridged).
MODULE: dict[str, Any] = {
    "defaultCacheBehavior": {
        "allowedMethods": ["GET", "HEAD", "OPTIONS"],
        "cachedMethods": ["GET", "HEAD"],
        "cachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        "compress": True,
        "targetOriginId": "s3",
        "viewerProtocolPolicy": "redirect-to-https",
    },
    "defaultRootObject": "index.html",
    "enabled": True,
    "httpVersion": "http2and3",
    "origins": [
        {
            "domainName": "ebc-prod-euw2-s3-council-website-site.s3.eu-west-2.amazonaws.com",
            "originAccessControlId": "E2B6A501D",
            "originId": "s3",
        }
    ],
    "viewerCertificate": {"cloudfrontDefaultCertificate": True},
}
TAIL = "(viewerProtocolPolicy is allow-all); use redirect-to-https or https-only"


def behaviour(path: str, policy: str) -> dict[str, Any]:
    return {
        "pathPattern": path,
        "targetOriginId": "s3",
        "allowedMethods": ["GET", "HEAD"],
        "cachedMethods": ["GET", "HEAD"],
        "viewerProtocolPolicy": policy,
    }


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-cloudfront-distribution-https-only"
    assert METADATA.severity == "high"


def test_module_distribution_passes() -> None:
    assert violations(POLICY, DISTRIBUTION, MODULE) == []


def test_https_only_ordered_behaviour_passes() -> None:
    assert (
        violations(POLICY, DISTRIBUTION, {**MODULE, "orderedCacheBehaviors": [behaviour("/api/*", "https-only")]}) == []
    )


def test_default_behaviour_allows_http() -> None:
    props = {**MODULE, "defaultCacheBehavior": {**MODULE["defaultCacheBehavior"], "viewerProtocolPolicy": "allow-all"}}
    assert violations(POLICY, DISTRIBUTION, props) == [f"Default cache behaviour allows plain HTTP {TAIL}"]


def test_ordered_behaviour_allows_http() -> None:
    props = {**MODULE, "orderedCacheBehaviors": [behaviour("/img/*", "https-only"), behaviour("/api/*", "allow-all")]}
    assert violations(POLICY, DISTRIBUTION, props) == [f"Cache behaviour for /api/* allows plain HTTP {TAIL}"]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:cloudfront/cachePolicy:CachePolicy", {"viewerProtocolPolicy": "allow-all"}) == []
