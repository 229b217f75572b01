"""aws-lb-listener-https-only: no plain HTTP listeners except redirects to HTTPS."""

from __future__ import annotations

import pytest

from policies.aws.lb.listener_https_only import METADATA, POLICY
from tests.policies.policy_harness import violations

LISTENER = "aws:lb/listener:Listener"
HTTPS = {
    "loadBalancerArn": "arn:lb",
    "port": 443,
    "protocol": "HTTPS",
    "certificateArn": "arn:acm",
    "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "defaultActions": [{"type": "forward", "targetGroupArn": "arn:tg"}],
}
REDIRECT = {
    "loadBalancerArn": "arn:lb",
    "port": 80,
    "protocol": "HTTP",
    "defaultActions": [
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
    ],
}
MESSAGE = "Listener on port 80 serves plain HTTP; its default action must redirect to HTTPS"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-lb-listener-https-only"
    assert METADATA.severity == "high"
    assert METADATA.resource_types == (LISTENER, "aws:alb/listener:Listener")


@pytest.mark.parametrize("props", [HTTPS, REDIRECT], ids=["https", "redirect"])
def test_compliant_listeners_pass(props: dict[str, object]) -> None:
    assert violations(POLICY, LISTENER, props) == []


def test_http_forward() -> None:
    props = {**REDIRECT, "defaultActions": [{"type": "forward", "targetGroupArn": "arn:tg"}]}
    assert violations(POLICY, LISTENER, props) == [MESSAGE]


def test_redirect_that_keeps_http() -> None:
    props = {
        **REDIRECT,
        "defaultActions": [{"type": "redirect", "redirect": {"path": "/new", "statusCode": "HTTP_302"}}],
    }
    assert violations(POLICY, "aws:alb/listener:Listener", props) == [MESSAGE]


def test_protocol_defaults_to_http() -> None:
    props = {"loadBalancerArn": "arn:lb", "defaultActions": [{"type": "fixed-response"}]}
    assert violations(POLICY, LISTENER, props) == [
        "Listener serves plain HTTP; its default action must redirect to HTTPS"
    ]


def test_tcp_listeners_are_not_judged() -> None:
    assert (
        violations(POLICY, LISTENER, {"port": 5432, "protocol": "TCP", "defaultActions": [{"type": "forward"}]}) == []
    )


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:lb/listenerRule:ListenerRule", {"protocol": "HTTP"}) == []
