"""aws-eks-cluster-private-endpoint: the API endpoint is private."""

from __future__ import annotations

import pytest

from policies.aws.eks.cluster_private_endpoint import METADATA, POLICY
from tests.policies.policy_harness import violations

CLUSTER = "aws:eks/cluster:Cluster"
BASE = {
    "roleArn": "arn:aws:iam::123456789012:role/eks",
    "vpcConfig": {"subnetIds": ["subnet-1", "subnet-2"], "endpointPrivateAccess": True, "endpointPublicAccess": False},
}
MESSAGE = "EKS cluster API endpoint is public (vpcConfig.endpointPublicAccess is not false)"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-eks-cluster-private-endpoint"
    assert METADATA.severity == "high"


def test_private_endpoint_passes() -> None:
    assert violations(POLICY, CLUSTER, BASE) == []


@pytest.mark.parametrize(
    "vpc_config",
    [{"subnetIds": ["subnet-1"], "endpointPublicAccess": True}, {"subnetIds": ["subnet-1"]}],
    ids=["true", "default"],
)
def test_public_endpoint(vpc_config: dict[str, object]) -> None:
    assert violations(POLICY, CLUSTER, {**BASE, "vpcConfig": vpc_config}) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:eks/nodeGroup:NodeGroup", {}) == []
