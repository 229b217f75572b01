"""aws-ec2-security-group-admin-ports-closed: no ingress opens an administration port to the internet.

Why: SSH, RDP, database, cache and container-API ports facing 0.0.0.0/0 or ::/0 are scanned and
brute-forced within minutes of going live; they are the commonest way into council estates (CIS AWS
5.2 for IPv4, 5.3 for IPv6). Checks the inline `ingress` rules of `aws.ec2.SecurityGroup` and
`aws.ec2.DefaultSecurityGroup`.

Protocol `-1` (all) opens every port. ICMP and other protocols without ports are not
administration access. Config `admin_ports` (default: the keys of
`policies.aws.ec2.ADMIN_PORT_NAMES`) lists the ports.

Messages:
* `Ingress rule 0 opens administration port 22 (SSH) to the internet (0.0.0.0/0)`
* `Ingress rule 0 opens administration ports 3306 (MySQL), 3389 (RDP) to the internet (0.0.0.0/0, ::/0)`
* `Ingress rule 0 opens all ports, administration ports included, to the internet (::/0)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.aws.ec2 import (
    ADMIN_PORTS_SCHEMA,
    DEFAULT_ADMIN_PORTS,
    admin_port_problems,
    admin_ports_config,
    security_group_ingress,
)
from policies.lib import Frameworks, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    for problem in admin_port_problems(security_group_ingress(props), admin_ports_config(args.get_config())):
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-ec2-security-group-admin-ports-closed",
    description=(
        "Security group ingress never opens administration ports (SSH, RDP, databases...) to 0.0.0.0/0 or ::/0."
    ),
    severity="critical",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS AWS Foundations Benchmark v3.0.0 5.2, 5.3",
        cyber_essentials="Firewalls",
        checkov=("CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277"),
    ),
    remediation=(
        "Remove the rule or narrow its CIDR blocks to known networks (the VPC, the council's VPN ranges). "
        "Reach servers through AWS Systems Manager Session Manager (interface endpoints `ssm`, `ssmmessages`,"
        " `ec2messages` in `SpokeVpcArgs.interface_endpoints`) instead of SSH/RDP, and databases from inside "
        "the VPC: `modules.aws.database.Database` only opens its port to `allowed_cidr_blocks`, which may not"
        " contain 0.0.0.0/0."
    ),
    resource_types=("aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"),
    validate=_validate,
    topics=("network", "public-access"),
    config_schema=PolicyConfigSchema(properties=ADMIN_PORTS_SCHEMA),
    config_defaults={"admin_ports": list(DEFAULT_ADMIN_PORTS)},
)
