"""aws-lb-load-balancer-access-logs: load balancers write access logs."""

from __future__ import annotations

import pytest

from policies.aws.lb.load_balancer_access_logs import METADATA, POLICY
from tests.policies.policy_harness import violations

LB = "aws:lb/loadBalancer:LoadBalancer"
CLASSIC = "aws:elb/loadBalancer:LoadBalancer"
BASE = {
    "loadBalancerType": "application",
    "internal": False,
    "subnets": ["subnet-1", "subnet-2"],
    "accessLogs": {"bucket": "ebc-shared-euw2-s3-log-archive", "prefix": "repairs/prod", "enabled": True},
}
MESSAGE = "Load balancer does not write access logs: set accessLogs with a bucket and enabled true"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-lb-load-balancer-access-logs"
    assert METADATA.severity == "medium"


@pytest.mark.parametrize("resource_type", [LB, "aws:alb/loadBalancer:LoadBalancer"])
def test_logging_passes(resource_type: str) -> None:
    assert violations(POLICY, resource_type, BASE) == []


@pytest.mark.parametrize(
    "access_logs",
    [None, {"bucket": "logs"}, {"bucket": "logs", "enabled": False}, {"bucket": "", "enabled": True}],
    ids=["absent", "enabled-defaults-false", "disabled", "no-bucket"],
)
def test_no_logs(access_logs: object) -> None:
    assert violations(POLICY, LB, {**BASE, "accessLogs": access_logs}) == [MESSAGE]


def test_gateway_load_balancers_have_no_access_logs() -> None:
    assert violations(POLICY, LB, {"loadBalancerType": "gateway"}) == []


def test_classic_enabled_defaults_to_true() -> None:
    assert violations(POLICY, CLASSIC, {"accessLogs": {"bucket": "logs", "interval": 60}}) == []
    assert violations(POLICY, CLASSIC, {"accessLogs": {"bucket": "logs", "enabled": False}}) == [MESSAGE]
    assert violations(POLICY, CLASSIC, {"listeners": []}) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:lb/listener:Listener", {}) == []
