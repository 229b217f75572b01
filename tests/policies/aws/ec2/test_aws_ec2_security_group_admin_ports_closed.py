"""aws-ec2-security-group-admin-ports-closed: inline ingress never opens admin ports to the internet."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policies.aws.ec2 import DEFAULT_ADMIN_PORTS
from policies.aws.ec2.security_group_admin_ports_closed import METADATA, POLICY
from tests.policies.policy_harness import violations

SG = "aws:ec2/securityGroup:SecurityGroup"
#: The database security group modules.aws.database.Database registers (example estate).
MODULE = {
    "description": "RDS instance ebc-prod-euw2-rds-housing-repairs-db: postgres port from allowed clients only",
    "egress": [],
    "ingress": [
        {
            "cidrBlocks": ["10.76.110.0/23"],
            "description": "postgres clients",
            "fromPort": 5432,
            "protocol": "tcp",
            "toPort": 5432,
        }
    ],
    "name": "ebc-prod-euw2-rds-housing-repairs-db-db",
    "vpcId": "vpc-959c24be562fec389",
}


def rule(
    protocol: str, low: int, high: int, cidrs: list[str] | None = None, v6: list[str] | None = None
) -> dict[str, Any]:
    found: dict[str, Any] = {"protocol": protocol, "fromPort": low, "toPort": high}
    if cidrs is not None:
        found["cidrBlocks"] = cidrs
    if v6 is not None:
        found["ipv6CidrBlocks"] = v6
    return found


def with_rules(*rules: dict[str, Any]) -> dict[str, Any]:
    return {**MODULE, "ingress": [MODULE["ingress"][0], *rules]}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-security-group-admin-ports-closed"
    assert METADATA.severity == "critical"
    assert METADATA.config_defaults == {"admin_ports": list(DEFAULT_ADMIN_PORTS)}
    assert "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup" in METADATA.resource_types


def test_module_security_group_passes() -> None:
    assert violations(POLICY, SG, MODULE) == []


def test_https_from_the_internet_is_not_an_admin_port() -> None:
    assert violations(POLICY, SG, with_rules(rule("tcp", 443, 443, ["0.0.0.0/0"], ["::/0"]))) == []


def test_ssh_from_the_internet() -> None:
    assert violations(POLICY, SG, with_rules(rule("tcp", 22, 22, ["0.0.0.0/0"]))) == [
        "Ingress rule 1 opens administration port 22 (SSH) to the internet (0.0.0.0/0)"
    ]


def test_range_over_several_admin_ports_v4_and_v6() -> None:
    assert violations(POLICY, SG, with_rules(rule("tcp", 3300, 3400, ["0.0.0.0/0"], ["::/0"]))) == [
        "Ingress rule 1 opens administration ports 3306 (MySQL), 3389 (RDP) to the internet (0.0.0.0/0, ::/0)"
    ]


@pytest.mark.parametrize("protocol", ["-1", "all"])
def test_all_traffic(protocol: str) -> None:
    assert violations(POLICY, SG, with_rules(rule(protocol, 0, 0, v6=["::/0"]))) == [
        "Ingress rule 1 opens all ports, administration ports included, to the internet (::/0)"
    ]


def test_full_tcp_range_by_protocol_number() -> None:
    assert violations(POLICY, SG, with_rules(rule("6", 0, 65535, ["0.0.0.0/0"]))) == [
        "Ingress rule 1 opens all ports, administration ports included, to the internet (0.0.0.0/0)"
    ]


def test_private_ranges_and_icmp_pass() -> None:
    props = with_rules(rule("tcp", 22, 22, ["10.0.0.0/8"]), rule("icmp", -1, -1, ["0.0.0.0/0"]))
    assert violations(POLICY, SG, props) == []


def test_configured_admin_ports() -> None:
    props = with_rules(rule("tcp", 8443, 8443, ["0.0.0.0/0"]))
    assert violations(POLICY, SG, props, config={"admin_ports": [8443]}) == [
        "Ingress rule 1 opens administration port 8443 to the internet (0.0.0.0/0)"
    ]


def test_default_security_group_is_checked() -> None:
    props = {"vpcId": "vpc-1", "ingress": [rule("tcp", 3389, 3389, ["0.0.0.0/0"])]}
    assert violations(POLICY, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", props) == [
        "Ingress rule 0 opens administration port 3389 (RDP) to the internet (0.0.0.0/0)"
    ]


def test_cidr_unknown_during_preview_is_judged_at_the_update_others_now() -> None:
    props = with_rules(rule("tcp", 22, 22, [UNKNOWN_STRING_VALUE, "0.0.0.0/0"]))
    assert violations(POLICY, SG, props) == [
        "Ingress rule 1 opens administration port 22 (SSH) to the internet (0.0.0.0/0)"
    ]


def test_other_types_are_ignored() -> None:
    assert (
        violations(
            POLICY, "aws:ec2/securityGroupRule:SecurityGroupRule", {"ingress": [rule("tcp", 22, 22, ["0.0.0.0/0"])]}
        )
        == []
    )
