"""aws-ec2-security-group-internet-ingress-restricted: the internet gets in on web ports only.

Why: anything reachable from 0.0.0.0/0 or ::/0 is attacked constantly. A council service offers the
internet HTTP(S) through a load balancer or CloudFront, never other ports; the rest stays on private
networks. Checks the inline `ingress` rules of `aws.ec2.SecurityGroup` and
`aws.ec2.DefaultSecurityGroup`. (Administration ports are also reported, as critical, by the
`...-admin-ports-closed` policy of the same type.)

Only a single-port tcp/udp rule on a port of config `public_ports` (default 80, 443) may face the
internet; ranges, all traffic (`-1`), ICMP and other protocols may not.

Messages:
* `Ingress rule 0 allows tcp port 8080 from the internet (0.0.0.0/0); only ports 80, 443 may be open to it`
* `Ingress rule 0 allows tcp ports 0-65535 from the internet (::/0); only ports 80, 443 may be open to it`
* `Ingress rule 0 allows all traffic from the internet (0.0.0.0/0); only ports 80, 443 may be open to it`
* `Ingress rule 0 allows icmp from the internet (0.0.0.0/0); only ports 80, 443 may be open to it`
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
    security_group_ingress,
)
from policies.lib import Frameworks, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    for problem in internet_ingress_problems(security_group_ingress(props), public_ports_config(args.get_config())):
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-ec2-security-group-internet-ingress-restricted",
    description="Security group ingress from 0.0.0.0/0 or ::/0 is limited to the public web ports (80, 443).",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cyber_essentials="Firewalls",
        checkov=("CKV_AWS_277",),
    ),
    remediation=(
        "Restrict the rule's CIDR blocks to known networks, or put the service behind a load balancer or "
        "CloudFront that alone takes ports 80/443 from the internet. Council workloads live in private spoke "
        "subnets (`modules.aws.spoke_vpc.SpokeVpc`) and are reached through the hub."
    ),
    resource_types=("aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"),
    validate=_validate,
    topics=("network", "public-access"),
    config_schema=PolicyConfigSchema(properties=PUBLIC_PORTS_SCHEMA),
    config_defaults={"public_ports": list(DEFAULT_PUBLIC_PORTS)},
)
