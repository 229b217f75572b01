"""azure-containerservice-managedcluster-rbac-enabled: `enableRBAC` must be true."""

from __future__ import annotations

from azure_policy_fixtures import AKS, AKS_PROPS, VM, changed, without
from policy_harness import violations

from policies.azure.containerservice.managedcluster_rbac_enabled import METADATA, POLICY

MESSAGE = "AKS cluster does not enforce Kubernetes RBAC: set enableRBAC to true"


def test_metadata() -> None:
    assert METADATA.name == "azure-containerservice-managedcluster-rbac-enabled"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, AKS, AKS_PROPS) == []


def test_rbac_disabled_fails() -> None:
    assert violations(POLICY, AKS, changed(AKS_PROPS, "enableRBAC", False)) == [MESSAGE]


def test_unset_fails() -> None:
    assert violations(POLICY, AKS, without(AKS_PROPS, "enableRBAC")) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, VM, {}) == []
