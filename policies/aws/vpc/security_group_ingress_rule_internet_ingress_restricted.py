"""aws-vpc-security-group-ingress-rule-internet-ingress-restricted: the internet gets in on web ports only.

Why: anything reachable from 0.0.0.0/0 or ::/0 is attacked constantly. A council service offers the
internet HTTP(S) through a load balancer or CloudFront, never other ports; the rest stays on private
networks. Checks `aws.vpc.SecurityGroupIngressRule` resources. (Administration ports are also
reported, as critical, by the `...-admin-ports-closed` policy of the same type.)

Only a single-port tcp/udp rule on a port of config `public_ports` (default 80, 443) may face the
internet; ranges, all traffic (`-1`), ICMP and other protocols may not.

Messages:
* `Security group ingress rule allows tcp port 8080 from the internet (0.0.0.0/0); only ports 80, 443 may be open to it`
* `Security group ingress rule allows tcp ports 0-65535 from the internet (::/0); only ports 80, 443 may be open to it`
* `Security group ingress rule allows all traffic from the internet (0.0.0.0/0); only ports 80, 443 may be open to it`
* `Security group ingress rule allows icmp from the internet (0.0.0.0/0); only ports 80, 443 may be open to it`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.aws.ec2 import (
    DEFAULT_PUBLIC_PORTS,
    PUBLIC_PORTS_SCHEMA,
    internet_ingress_problems,
    public_ports_config,
    vpc_ingress_rule,
)
from policies.lib import Frameworks, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    for problem in internet_ingress_problems(vpc_ingress_rule(props), public_ports_config(args.get_config())):
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-vpc-security-group-ingress-rule-internet-ingress-restricted",
    description="Security group ingress from 0.0.0.0/0 or ::/0 is limited to the public web ports (80, 443).",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cyber_essentials="Firewalls",
        checkov=("CKV_AWS_277",),
    ),
    remediation=(
        "Restrict `cidr_ipv4`/`cidr_ipv6` to a known network or use `referenced_security_group_id`; only a "
        "public load balancer's group may take ports 80/443 from the internet."
    ),
    resource_types=("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",),
    validate=_validate,
    topics=("network", "public-access"),
    config_schema=PolicyConfigSchema(properties=PUBLIC_PORTS_SCHEMA),
    config_defaults={"public_ports": list(DEFAULT_PUBLIC_PORTS)},
)
