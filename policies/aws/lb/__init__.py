"""Elastic Load Balancing policies: listeners (ALB/NLB, `aws.lb` and its `aws.alb` aliases) and load
balancers' access logs."""

from __future__ import annotations

from typing import Final

LISTENER_TYPES: Final = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LOAD_BALANCER_TYPES: Final = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
CLASSIC_LOAD_BALANCER_TYPE: Final = "aws:elb/loadBalancer:LoadBalancer"
