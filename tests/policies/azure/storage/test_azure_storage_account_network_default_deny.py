"""azure-storage-account-network-default-deny: `networkRuleSet.defaultAction` must be Deny."""

from __future__ import annotations

from azure_policy_fixtures import BLOB_CONTAINER, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS, changed, without
from policy_harness import violations

from policies.azure.storage.account_network_default_deny import METADATA, POLICY


def test_metadata() -> None:
    assert METADATA.name == "azure-storage-account-network-default-deny"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS) == []


def test_default_allow_fails() -> None:
    assert violations(
        POLICY, STORAGE_ACCOUNT, changed(STORAGE_ACCOUNT_PROPS, "networkRuleSet.defaultAction", "Allow")
    ) == [
        "Storage account firewall allows all networks by default (networkRuleSet.defaultAction Allow): set it to Deny"
    ]


def test_no_network_rule_set_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, without(STORAGE_ACCOUNT_PROPS, "networkRuleSet")) == [
        "Storage account firewall allows all networks by default (networkRuleSet.defaultAction not set): set it to Deny"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, BLOB_CONTAINER, {}) == []
