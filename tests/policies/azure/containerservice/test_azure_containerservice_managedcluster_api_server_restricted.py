"""azure-containerservice-managedcluster-api-server-restricted: private cluster, or authorised ranges that
are not the whole internet."""

from __future__ import annotations

from azure_policy_fixtures import AKS, AKS_PROPS, VM, changed, without
from policy_harness import violations

from policies.azure.containerservice.managedcluster_api_server_restricted import METADATA, POLICY

OPEN = (
    "AKS API server is reachable from the whole internet: set apiServerAccessProfile.enablePrivateCluster "
    "to true or list apiServerAccessProfile.authorizedIPRanges"
)
PUBLIC_CLUSTER = changed(AKS_PROPS, "apiServerAccessProfile", {"enablePrivateCluster": False})


def test_metadata() -> None:
    assert METADATA.name == "azure-containerservice-managedcluster-api-server-restricted"
    assert METADATA.severity == "high"


def test_private_cluster_passes() -> None:
    assert violations(POLICY, AKS, AKS_PROPS) == []


def test_public_cluster_with_authorised_ranges_passes() -> None:
    props = changed(PUBLIC_CLUSTER, "apiServerAccessProfile.authorizedIPRanges", ["203.0.113.0/24", "198.51.100.7/32"])
    assert violations(POLICY, AKS, props) == []


def test_public_cluster_without_ranges_fails() -> None:
    assert violations(POLICY, AKS, PUBLIC_CLUSTER) == [OPEN]


def test_no_access_profile_fails() -> None:
    assert violations(POLICY, AKS, without(AKS_PROPS, "apiServerAccessProfile")) == [OPEN]


def test_empty_ranges_fail() -> None:
    props = changed(PUBLIC_CLUSTER, "apiServerAccessProfile.authorizedIPRanges", [])
    assert violations(POLICY, AKS, props) == [OPEN]


def test_whole_internet_range_fails() -> None:
    props = changed(PUBLIC_CLUSTER, "apiServerAccessProfile.authorizedIPRanges", ["203.0.113.0/24", "0.0.0.0/0"])
    assert violations(POLICY, AKS, props) == ["AKS API server authorised IP range 0.0.0.0/0 admits the whole internet"]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, VM, {}) == []
