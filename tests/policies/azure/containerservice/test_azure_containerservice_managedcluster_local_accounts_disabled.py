"""azure-containerservice-managedcluster-local-accounts-disabled: `disableLocalAccounts` must be true."""

from __future__ import annotations

from azure_policy_fixtures import AKS, AKS_PROPS, VM, changed, without
from policy_harness import violations

from policies.azure.containerservice.managedcluster_local_accounts_disabled import METADATA, POLICY

MESSAGE = "AKS cluster keeps its local admin account: set disableLocalAccounts to true (with Entra ID integration)"


def test_metadata() -> None:
    assert METADATA.name == "azure-containerservice-managedcluster-local-accounts-disabled"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, AKS, AKS_PROPS) == []


def test_local_accounts_enabled_fails() -> None:
    assert violations(POLICY, AKS, changed(AKS_PROPS, "disableLocalAccounts", False)) == [MESSAGE]


def test_unset_fails() -> None:
    assert violations(POLICY, AKS, without(AKS_PROPS, "disableLocalAccounts")) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, VM, {}) == []
