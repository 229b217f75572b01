"""azure-containerservice-managedcluster-network-policy: azure, calico or cilium."""

from __future__ import annotations

import pytest
from azure_policy_fixtures import AKS, AKS_PROPS, VM, changed, without
from policy_harness import violations

from policies.azure.containerservice.managedcluster_network_policy import METADATA, POLICY


def _message(shown: str) -> str:
    return (
        f"AKS cluster has no network policy engine (networkProfile.networkPolicy {shown}): "
        "set it to azure, calico or cilium"
    )


def test_metadata() -> None:
    assert METADATA.name == "azure-containerservice-managedcluster-network-policy"
    assert METADATA.severity == "high"


@pytest.mark.parametrize("engine", ["azure", "calico", "cilium"])
def test_engines_pass(engine: str) -> None:
    assert violations(POLICY, AKS, changed(AKS_PROPS, "networkProfile.networkPolicy", engine)) == []


def test_none_fails() -> None:
    assert violations(POLICY, AKS, changed(AKS_PROPS, "networkProfile.networkPolicy", "none")) == [_message("none")]


def test_unset_fails() -> None:
    assert violations(POLICY, AKS, without(AKS_PROPS, "networkProfile.networkPolicy")) == [_message("not set")]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, VM, {}) == []
