"""azure-network-securityrule-no-internet-admin-ports: inbound Allow rules from the internet must not
cover an administration or database port, inline in an NSG or as a SecurityRule resource."""

from __future__ import annotations

from typing import Any

import pytest
from azure_policy_fixtures import NIC, NSG, NSG_PROPS, SECURITY_RULE, SECURITY_RULE_PROPS, changed, without
from policy_harness import violations

from policies.azure.network.securityrule_no_internet_admin_ports import DEFAULT_ADMIN_PORTS, METADATA, POLICY

ADVICE = "use Azure Bastion or a private network for administration and database access"


def _rule(**overrides: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "name": "allow-ssh",
        "access": "Allow",
        "direction": "Inbound",
        "protocol": "Tcp",
        "priority": 200,
        "sourceAddressPrefix": "Internet",
        "sourcePortRange": "*",
        "destinationAddressPrefix": "*",
        "destinationPortRange": "22",
    }
    rule.update(overrides)
    return {k: v for k, v in rule.items() if v is not None}


def _nsg(*rules: dict[str, Any]) -> dict[str, Any]:
    return changed(NSG_PROPS, "securityRules", [*NSG_PROPS["securityRules"], *rules])


def test_metadata() -> None:
    assert METADATA.name == "azure-network-securityrule-no-internet-admin-ports"
    assert METADATA.severity == "critical"
    assert set(METADATA.resource_types) == {NSG, SECURITY_RULE}
    assert METADATA.config_defaults["admin_ports"] == list(DEFAULT_ADMIN_PORTS)


def test_compliant_nsg_passes() -> None:
    assert violations(POLICY, NSG, NSG_PROPS) == []


def test_compliant_security_rule_passes() -> None:
    assert violations(POLICY, SECURITY_RULE, SECURITY_RULE_PROPS) == []


def test_nsg_without_rules_passes() -> None:
    assert violations(POLICY, NSG, without(NSG_PROPS, "securityRules")) == []


def test_ssh_from_internet_fails() -> None:
    assert violations(POLICY, NSG, _nsg(_rule())) == [
        f"Security rule 'allow-ssh' allows inbound port 22 from the internet (source Internet): {ADVICE}"
    ]


@pytest.mark.parametrize("source", ["*", "0.0.0.0/0", "0.0.0.0", "Any", "internet", "::/0"])
def test_every_internet_source_spelling_fails(source: str) -> None:
    assert violations(POLICY, NSG, _nsg(_rule(sourceAddressPrefix=source))) == [
        f"Security rule 'allow-ssh' allows inbound port 22 from the internet (source {source}): {ADVICE}"
    ]


def test_internet_in_source_prefixes_fails() -> None:
    rule = _rule(sourceAddressPrefix=None, sourceAddressPrefixes=["10.1.0.0/16", "0.0.0.0/0"])
    assert violations(POLICY, NSG, _nsg(rule)) == [
        f"Security rule 'allow-ssh' allows inbound port 22 from the internet (source 0.0.0.0/0): {ADVICE}"
    ]


def test_rdp_and_sql_in_port_ranges_fail_in_one_message() -> None:
    rule = _rule(name="allow-admin", destinationPortRange=None, destinationPortRanges=["3389", "1433", "443"])
    assert violations(POLICY, NSG, _nsg(rule)) == [
        f"Security rule 'allow-admin' allows inbound ports 1433, 3389 from the internet (source Internet): {ADVICE}"
    ]


def test_port_range_covering_admin_ports_fails() -> None:
    assert violations(POLICY, NSG, _nsg(_rule(destinationPortRange="20-25"))) == [
        f"Security rule 'allow-ssh' allows inbound ports 22, 23 from the internet (source Internet): {ADVICE}"
    ]


@pytest.mark.parametrize("ports", ["*", "0-65535"])
def test_all_ports_fail(ports: str) -> None:
    assert violations(POLICY, NSG, _nsg(_rule(name="allow-any", destinationPortRange=ports, protocol="*"))) == [
        f"Security rule 'allow-any' allows inbound all ports from the internet (source Internet): {ADVICE}"
    ]


def test_udp_rule_is_judged() -> None:
    assert violations(POLICY, NSG, _nsg(_rule(protocol="Udp", destinationPortRange="3389"))) == [
        f"Security rule 'allow-ssh' allows inbound port 3389 from the internet (source Internet): {ADVICE}"
    ]


@pytest.mark.parametrize(
    "override",
    [
        {"access": "Deny"},
        {"direction": "Outbound"},
        {"sourceAddressPrefix": "10.0.0.0/8"},
        {"sourceAddressPrefix": "VirtualNetwork"},
        {"protocol": "Icmp"},
        {"destinationPortRange": "443"},
    ],
)
def test_rules_that_do_not_expose_admin_ports_pass(override: dict[str, Any]) -> None:
    assert violations(POLICY, NSG, _nsg(_rule(**override))) == []


def test_each_offending_rule_is_reported() -> None:
    rules = (_rule(), _rule(name="allow-postgres", destinationPortRange="5432"))
    assert violations(POLICY, NSG, _nsg(*rules)) == [
        f"Security rule 'allow-ssh' allows inbound port 22 from the internet (source Internet): {ADVICE}",
        f"Security rule 'allow-postgres' allows inbound port 5432 from the internet (source Internet): {ADVICE}",
    ]


def test_unnamed_inline_rule_is_named_by_position() -> None:
    assert violations(POLICY, NSG, _nsg(_rule(name=None))) == [
        f"Security rule 'securityRules[4]' allows inbound port 22 from the internet (source Internet): {ADVICE}"
    ]


def test_security_rule_resource_fails_with_its_rule_name() -> None:
    props = changed(SECURITY_RULE_PROPS, "destinationPortRange", "22")
    assert violations(POLICY, SECURITY_RULE, props) == [
        f"Security rule 'allow-https' allows inbound port 22 from the internet (source Internet): {ADVICE}"
    ]


def test_security_rule_resource_without_names_uses_the_resource_name() -> None:
    props = without(changed(SECURITY_RULE_PROPS, "destinationPortRange", "3389"), "securityRuleName")
    assert violations(POLICY, SECURITY_RULE, props, name="rdp-rule") == [
        f"Security rule 'rdp-rule' allows inbound port 3389 from the internet (source Internet): {ADVICE}"
    ]


def test_admin_ports_are_configurable() -> None:
    nsg = _nsg(_rule(), _rule(name="allow-mgmt", destinationPortRange="8443"))
    assert violations(POLICY, NSG, nsg, config={"admin_ports": [8443]}) == [
        f"Security rule 'allow-mgmt' allows inbound port 8443 from the internet (source Internet): {ADVICE}"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, NIC, _nsg(_rule())) == []
