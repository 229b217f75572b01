"""azure-storage-account-public-network-restricted: the storage module's two shapes pass (endpoint
off; endpoint on with default Deny and subnet rules); every other combination fails."""

from __future__ import annotations

import pytest
from azure_policy_fixtures import (
    BLOB_CONTAINER,
    STORAGE_ACCOUNT,
    STORAGE_ACCOUNT_PROPS,
    SUBNET_ID,
    changed,
    without,
)
from policy_harness import violations

from policies.azure.storage.account_public_network_restricted import METADATA, POLICY

SUBNET_RULES = [{"action": "Allow", "virtualNetworkResourceId": SUBNET_ID}]
#: What the module sends when `allowed_subnet_ids` is given.
SELECTED_NETWORKS = changed(
    changed(STORAGE_ACCOUNT_PROPS, "publicNetworkAccess", "Enabled"), "networkRuleSet.virtualNetworkRules", SUBNET_RULES
)


def _message(shown: str) -> str:
    return (
        f"Storage account public endpoint is open (publicNetworkAccess {shown}): set publicNetworkAccess to "
        "Disabled and use private endpoints, or keep networkRuleSet.defaultAction Deny with virtualNetworkRules "
        "for the allowed subnets"
    )


def test_metadata() -> None:
    assert METADATA.name == "azure-storage-account-public-network-restricted"
    assert METADATA.severity == "high"


def test_public_endpoint_disabled_passes() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS) == []


def test_secured_by_perimeter_passes() -> None:
    assert (
        violations(POLICY, STORAGE_ACCOUNT, changed(STORAGE_ACCOUNT_PROPS, "publicNetworkAccess", "SecuredByPerimeter"))
        == []
    )


def test_enabled_for_selected_subnets_with_default_deny_passes() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, SELECTED_NETWORKS) == []


def test_unset_endpoint_with_subnet_rules_and_default_deny_passes() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, without(SELECTED_NETWORKS, "publicNetworkAccess")) == []


def test_enabled_without_subnet_rules_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, changed(STORAGE_ACCOUNT_PROPS, "publicNetworkAccess", "Enabled")) == [
        _message("Enabled")
    ]


def test_enabled_with_subnet_rules_but_default_allow_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, changed(SELECTED_NETWORKS, "networkRuleSet.defaultAction", "Allow")) == [
        _message("Enabled")
    ]


def test_unset_without_network_rules_fails() -> None:
    props = without(without(STORAGE_ACCOUNT_PROPS, "publicNetworkAccess"), "networkRuleSet")
    assert violations(POLICY, STORAGE_ACCOUNT, props) == [_message("not set")]


@pytest.mark.parametrize("resource_type", [BLOB_CONTAINER, "azure-native:sql:Server"])
def test_other_types_are_ignored(resource_type: str) -> None:
    assert violations(POLICY, resource_type, {"publicNetworkAccess": "Enabled"}) == []
