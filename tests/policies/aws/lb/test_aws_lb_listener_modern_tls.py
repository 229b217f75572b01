"""aws-lb-listener-modern-tls: HTTPS/TLS listeners use a TLS 1.2+ policy."""

from __future__ import annotations

import pytest

from policies.aws.lb.listener_modern_tls import ALLOWED_SSL_POLICIES, METADATA, POLICY
from tests.policies.policy_harness import violations

LISTENER = "aws:lb/listener:Listener"
HTTPS = {
    "loadBalancerArn": "arn:lb",
    "port": 443,
    "protocol": "HTTPS",
    "certificateArn": "arn:acm",
    "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "defaultActions": [{"type": "forward"}],
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-lb-listener-modern-tls"
    assert METADATA.severity == "high"
    assert METADATA.config_defaults == {"allowed_ssl_policies": list(ALLOWED_SSL_POLICIES)}


@pytest.mark.parametrize("policy", ALLOWED_SSL_POLICIES)
def test_allowed_policies_pass(policy: str) -> None:
    assert violations(POLICY, LISTENER, {**HTTPS, "sslPolicy": policy}) == []


def test_old_policy() -> None:
    assert violations(POLICY, LISTENER, {**HTTPS, "sslPolicy": "ELBSecurityPolicy-2016-08"}) == [
        "HTTPS listener uses security policy 'ELBSecurityPolicy-2016-08', which allows protocols or ciphers older "
        "than TLS 1.2 with forward secrecy; use ELBSecurityPolicy-TLS13-1-2-2021-06"
    ]


def test_nlb_tls_listener_without_policy() -> None:
    props = {"loadBalancerArn": "arn:nlb", "port": 443, "protocol": "TLS", "certificateArn": "arn:acm"}
    assert violations(POLICY, "aws:alb/listener:Listener", props) == [
        "TLS listener sets no sslPolicy, so the API default ELBSecurityPolicy-2016-08 (TLS 1.0) applies; "
        "use ELBSecurityPolicy-TLS13-1-2-2021-06"
    ]


def test_plain_listeners_are_not_judged() -> None:
    assert (
        violations(POLICY, LISTENER, {"port": 80, "protocol": "HTTP", "sslPolicy": "ELBSecurityPolicy-2016-08"}) == []
    )


def test_configured_allowlist() -> None:
    config = {"allowed_ssl_policies": ["ELBSecurityPolicy-TLS13-1-3-2021-06"]}
    assert len(violations(POLICY, LISTENER, HTTPS, config=config)) == 1
    assert (
        violations(POLICY, LISTENER, {**HTTPS, "sslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06"}, config=config) == []
    )


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:lb/loadBalancer:LoadBalancer", {"protocol": "HTTPS"}) == []
