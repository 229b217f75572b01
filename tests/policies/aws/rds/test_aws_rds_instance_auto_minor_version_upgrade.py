"""aws-rds-instance-auto-minor-version-upgrade: minor upgrades stay automatic."""

from __future__ import annotations

import pytest

from policies.aws.rds.instance_auto_minor_version_upgrade import METADATA, POLICY
from tests.policies.policy_harness import violations

INSTANCE = "aws:rds/instance:Instance"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-instance-auto-minor-version-upgrade"
    assert METADATA.severity == "medium"
    assert METADATA.frameworks.cyber_essentials == "Security update management"


@pytest.mark.parametrize(
    "props", [{"autoMinorVersionUpgrade": True}, {"engine": "postgres"}], ids=["module", "default"]
)
def test_automatic_upgrades_pass(props: dict[str, object]) -> None:
    assert violations(POLICY, INSTANCE, props) == []


@pytest.mark.parametrize("resource_type", [INSTANCE, CLUSTER_INSTANCE])
def test_turned_off(resource_type: str) -> None:
    assert violations(POLICY, resource_type, {"autoMinorVersionUpgrade": False}) == [
        "RDS instance does not take minor engine upgrades automatically (autoMinorVersionUpgrade is false)"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/cluster:Cluster", {"autoMinorVersionUpgrade": False}) == []
