"""aws-ecr-repository-scan-on-push: repositories scan on push."""

from __future__ import annotations

import pytest

from policies.aws.ecr.repository_scan_on_push import METADATA, POLICY
from tests.policies.policy_harness import violations

REPOSITORY = "aws:ecr/repository:Repository"
MESSAGE = "Repository does not scan images on push (imageScanningConfiguration.scanOnPush is not true)"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ecr-repository-scan-on-push"
    assert METADATA.severity == "high"


def test_scan_on_push_passes() -> None:
    props = {
        "name": "repairs-api",
        "imageTagMutability": "IMMUTABLE",
        "imageScanningConfiguration": {"scanOnPush": True},
    }
    assert violations(POLICY, REPOSITORY, props) == []


@pytest.mark.parametrize("props", [{"imageScanningConfiguration": {"scanOnPush": False}}, {}], ids=["off", "absent"])
def test_no_scanning(props: dict[str, object]) -> None:
    assert violations(POLICY, REPOSITORY, {"name": "repairs-api", **props}) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ecr/repositoryPolicy:RepositoryPolicy", {}) == []
