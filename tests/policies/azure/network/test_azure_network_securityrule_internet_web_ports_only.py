"""azure-network-securityrule-internet-web-ports-only: from the internet only 80 and 443 may be open."""

from __future__ import annotations

from typing import Any

import pytest
from azure_policy_fixtures import NIC, NSG, NSG_PROPS, SECURITY_RULE, SECURITY_RULE_PROPS, changed
from policy_harness import violations

from policies.azure.network.securityrule_internet_web_ports_only import METADATA, POLICY

ADVICE = "only ports 80, 443 may be open to the internet"


def _rule(**overrides: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "name": "allow-app",
        "access": "Allow",
        "direction": "Inbound",
        "protocol": "Tcp",
        "priority": 300,
        "sourceAddressPrefix": "*",
        "sourcePortRange": "*",
        "destinationAddressPrefix": "*",
        "destinationPortRange": "8080",
    }
    rule.update(overrides)
    return {k: v for k, v in rule.items() if v is not None}


def _nsg(*rules: dict[str, Any]) -> dict[str, Any]:
    return changed(NSG_PROPS, "securityRules", [*NSG_PROPS["securityRules"], *rules])


def test_metadata() -> None:
    assert METADATA.name == "azure-network-securityrule-internet-web-ports-only"
    assert METADATA.severity == "high"
    assert set(METADATA.resource_types) == {NSG, SECURITY_RULE}


def test_compliant_nsg_passes() -> None:
    assert violations(POLICY, NSG, NSG_PROPS) == []


def test_compliant_security_rule_passes() -> None:
    assert violations(POLICY, SECURITY_RULE, SECURITY_RULE_PROPS) == []


def test_single_other_port_fails() -> None:
    assert violations(POLICY, NSG, _nsg(_rule())) == [
        f"Security rule 'allow-app' allows inbound port 8080 from the internet (source *): {ADVICE}"
    ]


def test_only_the_offending_ranges_are_listed() -> None:
    rule = _rule(destinationPortRange=None, destinationPortRanges=["443", "8443", "9000-9100"])
    assert violations(POLICY, NSG, _nsg(rule)) == [
        f"Security rule 'allow-app' allows inbound ports 8443, 9000-9100 from the internet (source *): {ADVICE}"
    ]


def test_range_spanning_web_ports_fails() -> None:
    assert violations(POLICY, NSG, _nsg(_rule(destinationPortRange="80-443"))) == [
        f"Security rule 'allow-app' allows inbound ports 80-443 from the internet (source *): {ADVICE}"
    ]


def test_all_ports_fail() -> None:
    assert violations(POLICY, NSG, _nsg(_rule(destinationPortRange="*"))) == [
        f"Security rule 'allow-app' allows inbound all ports from the internet (source *): {ADVICE}"
    ]


def test_web_port_range_written_as_range_passes() -> None:
    assert violations(POLICY, NSG, _nsg(_rule(destinationPortRange="443-443"))) == []


@pytest.mark.parametrize(
    "override",
    [{"access": "Deny"}, {"direction": "Outbound"}, {"sourceAddressPrefix": "10.20.0.0/16"}, {"protocol": "Icmp"}],
)
def test_rules_not_open_to_the_internet_pass(override: dict[str, Any]) -> None:
    assert violations(POLICY, NSG, _nsg(_rule(**override))) == []


def test_security_rule_resource_fails() -> None:
    props = changed(SECURITY_RULE_PROPS, "destinationPortRange", "3389")
    assert violations(POLICY, SECURITY_RULE, props) == [
        f"Security rule 'allow-https' allows inbound port 3389 from the internet (source Internet): {ADVICE}"
    ]


def test_internet_ports_are_configurable() -> None:
    assert violations(POLICY, NSG, NSG_PROPS, config={"internet_ports": [443]}) == [
        "Security rule 'allow-web' allows inbound port 80 from the internet (source Internet): "
        "only ports 443 may be open to the internet"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, NIC, _nsg(_rule())) == []
